//! The `:` command line: ↑ ↓ go through the commands run before, Tab completes a command and
//! its argument (bucket names, program ids, themes) fuzzily, and lists the candidates when
//! there are several.

use intransit::ui::app::Kind;
use intransit::ui::screenshot::{demo_store_blocking, press, render, text};
use intransit::ui::{App, Depth, Theme};

fn app() -> App {
    App::new(
        Theme::load("default", Depth::Ansi16).expect("theme"),
        (120, 40),
    )
}

fn typed(app: &App) -> String {
    app.input
        .as_ref()
        .map(|i| i.text.clone())
        .unwrap_or_default()
}

#[test]
fn up_and_down_go_through_the_commands_run_before() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app();
        app.sync(state);
        press(&mut app, state, ":buckets<Enter>:compliance pci<Enter>:tr");
        press(&mut app, state, "<Up>");
        assert_eq!(typed(&app), "compliance pci");
        press(&mut app, state, "<Up>");
        assert_eq!(typed(&app), "buckets");
        press(&mut app, state, "<Up>");
        assert_eq!(typed(&app), "buckets", "the oldest stays");
        press(&mut app, state, "<Down>");
        assert_eq!(typed(&app), "compliance pci");
        press(&mut app, state, "<Down>");
        assert_eq!(typed(&app), "tr", "past the newest: what was being typed");
        press(&mut app, state, "<Up><Enter>");
        assert_eq!(app.kinds().last(), Some(&Kind::Compliance));
    });
}

#[test]
fn tab_completes_fuzzily_and_lists_what_it_cannot_decide() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app();
        app.sync(state);
        press(&mut app, state, ":wor<Tab>");
        assert_eq!(typed(&app), "workgroups ");
        press(&mut app, state, "<Esc>:bucket clicksland<Tab>");
        assert_eq!(typed(&app), "bucket clickstream-landing-use1 ");
        press(&mut app, state, "<Enter>");
        assert_eq!(app.kinds().last(), Some(&Kind::BucketDetail));
        // Several programs: a list, then each Tab puts the next one in.
        press(&mut app, state, ":compliance <Tab>");
        let screen = text(&render(&app, state, 120, 40));
        assert!(screen.contains("hipaa"), "{screen}");
        assert!(screen.contains("15 candidates"), "{screen}");
        assert!(screen.contains(" Tab "), "{screen}");
        assert_eq!(typed(&app), "compliance ");
        press(&mut app, state, "<Tab>");
        let first = typed(&app);
        assert!(first.starts_with("compliance ") && first.len() > "compliance ".len());
        press(&mut app, state, "<Tab>");
        assert_ne!(typed(&app), first);
        // Typing again drops the list.
        press(&mut app, state, "x");
        assert!(app.completion().is_none());
    });
}
