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

#[test]
fn report_writes_the_pack_the_headless_command_writes() {
    let store = demo_store_blocking();
    let dir = std::env::temp_dir().join(format!("intransit-console-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let path = dir.join("pack.json");
    store.read(|state| {
        let mut app = app();
        app.sync(state);
        press(
            &mut app,
            state,
            &format!(":report json {}<Enter>", path.display()),
        );
        let screen = text(&render(&app, state, 120, 40));
        assert!(screen.contains("wrote the json report"), "{screen}");
        press(&mut app, state, ":report pdf x<Enter>");
        let screen = text(&render(&app, state, 120, 40));
        assert!(screen.contains(":report FORMAT FILE"), "{screen}");
    });
    let findings = |text: &str| -> Vec<(String, String)> {
        let v: serde_json::Value = serde_json::from_str(text).expect("JSON");
        let mut out: Vec<(String, String)> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["id"].as_str().unwrap_or("").into(),
                    f["status"].as_str().unwrap_or("").into(),
                )
            })
            .collect();
        out.sort();
        out
    };
    let console = findings(&std::fs::read_to_string(&path).expect("the console's report"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_intransit"))
        .args(["report", "--demo", "--format", "json"])
        .env("AWS_REGION", "us-east-1")
        .output()
        .expect("run intransit");
    let headless = findings(&String::from_utf8_lossy(&out.stdout));
    assert!(!console.is_empty());
    assert_eq!(console, headless);
    let _ = std::fs::remove_dir_all(&dir);
}
