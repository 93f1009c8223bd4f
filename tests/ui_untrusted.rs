//! Text from AWS never reaches the terminal as escape sequences. The demo workgroup
//! us-east-1/finance-adhoc has a description with an OSC 52 clipboard write and a CSI clear
//! screen in it; the bytes the console writes to the terminal must contain neither.

use intransit::source::demo::HOSTILE_DESCRIPTION;
use intransit::ui::screenshot::{app_after, demo_store_blocking};
use intransit::ui::{Depth, Theme};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The bytes a real terminal would receive for one frame.
fn terminal_bytes(script: &str, w: u16, h: u16) -> Vec<u8> {
    let store = demo_store_blocking();
    store.read(|state| {
        let app = app_after(
            state,
            Theme::load("dark", Depth::TrueColor).expect("theme"),
            w,
            h,
            script,
        );
        let mut out: Vec<u8> = Vec::new();
        {
            let backend = CrosstermBackend::new(&mut out);
            let mut term = Terminal::with_options(
                backend,
                ratatui::TerminalOptions {
                    viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, w, h)),
                },
            )
            .expect("terminal");
            term.draw(|f| intransit::ui::draw::draw(f, &app, state))
                .expect("draw");
        }
        out
    })
}

fn assert_clean(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    assert!(
        !text.contains("\u{1b}]"),
        "{what}: an OSC sequence reached the terminal"
    );
    assert!(
        !text.contains("\u{1b}[2J"),
        "{what}: a clear-screen reached the terminal"
    );
    assert!(
        !text.contains("ZWNobyBoYWNr"),
        "{what}: the OSC 52 payload reached the terminal"
    );
    assert!(!text.contains('\u{7}'), "{what}: BEL reached the terminal");
    // Only CSI sequences that crossterm itself emits (cursor moves, colours, attributes).
    for (i, _) in text.match_indices('\u{1b}') {
        let next = text[i + 1..].chars().next();
        assert_eq!(next, Some('['), "{what}: unexpected escape at byte {i}");
    }
}

#[test]
fn the_hostile_description_is_in_the_demo() {
    assert!(HOSTILE_DESCRIPTION.contains("\u{1b}]52;"));
    assert!(HOSTILE_DESCRIPTION.contains("\u{1b}[2J"));
}

#[test]
fn osc_and_csi_in_a_workgroup_description_cannot_reach_the_terminal() {
    // The workgroup list (description column) and the workgroup's detail view.
    for (script, what) in [
        ("3", "workgroups"),
        ("3/finance<Enter><Enter>", "workgroup detail"),
        ("3/finance<Enter>", "filtered list"),
    ] {
        let bytes = terminal_bytes(script, 200, 50);
        assert_clean(&bytes, what);
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("Finance"), "{what}: the description is shown");
        assert!(text.contains("queries"), "{what}: the description is shown");
    }
}

#[test]
fn every_view_is_free_of_foreign_escapes() {
    for (name, script) in intransit::ui::screenshot::SCENARIOS {
        assert_clean(&terminal_bytes(script, 160, 48), name);
    }
}

/// `y` on a workgroup whose name and ARN carry ESC, C1, bidi and NUL characters: the
/// clipboard (the OSC 52 payload) receives none of them.
#[test]
fn the_clipboard_never_receives_raw_control_or_bidi_characters() {
    let mut snapshot = demo_store_blocking().snapshot();
    for w in &mut snapshot.estate.workgroups {
        w.name = format!("{}\u{1b}]0;t\u{7}\u{9b}2J\u{202e}\u{0}x", w.name);
    }
    let store = intransit::store::Store::from_snapshot(snapshot);
    store.read(|state| {
        for script in ["3", "3<Enter>"] {
            let app = app_after(
                state,
                Theme::load("dark", Depth::TrueColor).expect("theme"),
                120,
                40,
                script,
            );
            let text = app.copy_text(state).expect("something to copy");
            assert!(
                text.contains('\u{1b}'),
                "{script}: the raw name is hostile: {text:?}"
            );
            let seq = intransit::ui::clipboard::osc52(&text);
            let payload = seq
                .strip_prefix("\u{1b}]52;c;")
                .and_then(|s| s.strip_suffix('\u{7}'))
                .expect("one OSC 52 sequence");
            assert!(
                payload
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c))
            );
            let pasted = intransit::ui::clipboard::clean(&text);
            assert_eq!(
                intransit::ui::clipboard::base64(pasted.as_bytes()),
                payload,
                "{script}"
            );
            assert!(
                !pasted.chars().any(|c| c.is_control()
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
                "{script}: {pasted:?}"
            );
            assert!(
                pasted.contains("x"),
                "{script}: the name is still there: {pasted:?}"
            );
        }
    });
}
