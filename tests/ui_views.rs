//! Every console view of the demo estate, as text, at 80×24 and 160×48 (insta snapshots).

use intransit::ui::screenshot::{SCENARIOS, app_after, demo_store_blocking, render, text};
use intransit::ui::{Depth, Theme};

fn theme() -> Theme {
    Theme::load("default", Depth::Ansi16).expect("the default theme loads")
}

#[test]
fn every_view_at_80x24_and_160x48() {
    let store = demo_store_blocking();
    store.read(|state| {
        for (name, script) in SCENARIOS {
            for (w, h) in [(80u16, 24u16), (160, 48)] {
                let app = app_after(state, theme(), w, h, script);
                let screen = text(&render(&app, state, w, h));
                insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
            }
        }
    });
}

#[test]
fn a_terminal_smaller_than_60x16_says_so() {
    let store = demo_store_blocking();
    store.read(|state| {
        for (w, h) in [(59u16, 24u16), (80, 15), (40, 10)] {
            let app = app_after(state, theme(), w, h, "");
            let screen = text(&render(&app, state, w, h));
            assert!(screen.contains("Terminal too small"), "{w}x{h}:\n{screen}");
            assert!(screen.contains("60×16"), "{w}x{h}:\n{screen}");
        }
        let app = app_after(state, theme(), 50, 12, "");
        insta::assert_snapshot!("too_small_50x12", text(&render(&app, state, 50, 12)));
        // At exactly the minimum, the console is shown.
        let app = app_after(state, theme(), 60, 16, "");
        let screen = text(&render(&app, state, 60, 16));
        assert!(screen.contains("At a glance"), "{screen}");
    });
}

#[test]
fn drawing_is_a_pure_function_of_state_and_view() {
    let store = demo_store_blocking();
    store.read(|state| {
        for (_, script) in SCENARIOS {
            let a = app_after(state, theme(), 120, 40, script);
            let b = app_after(state, theme(), 120, 40, script);
            assert_eq!(render(&a, state, 120, 40), render(&b, state, 120, 40));
            // Drawing twice changes nothing.
            assert_eq!(render(&a, state, 120, 40), render(&a, state, 120, 40));
        }
    });
}

#[test]
fn status_is_never_colour_alone() {
    let store = demo_store_blocking();
    store.read(|state| {
        let nocolor = Theme::load("default", Depth::None).expect("theme");
        let app = app_after(state, nocolor, 160, 48, "2");
        let buf = render(&app, state, 160, 48);
        // No colour anywhere with NO_COLOR ...
        for cell in buf.content() {
            assert_eq!(cell.fg, ratatui::style::Color::Reset);
            assert_eq!(cell.bg, ratatui::style::Color::Reset);
        }
        // ... and every verdict still has its glyph and word.
        let screen = text(&buf);
        for w in ["✘ not enforced", "◐ partial", "? unknown", "✔ enforced"] {
            assert!(screen.contains(w), "missing {w:?}");
        }
        // The selected row is in reverse video.
        let row = 4u16;
        assert!(
            buf[(3, row)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED),
            "selection is reverse video"
        );
    });
}
