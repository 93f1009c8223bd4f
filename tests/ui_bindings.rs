//! Keys as data: every action of the console is bound, every bound key is in Help, every key
//! a view's notes name works there, the status bar's hints come from the table, and a user's
//! keys file rebinds keys or is refused with a clear reason.

use intransit::ui::app::Kind;
use intransit::ui::bindings::{Action, Bindings, KINDS, Key, Scope};
use intransit::ui::screenshot::{demo_store_blocking, press, render, text};
use intransit::ui::{App, Depth, Theme};

fn theme() -> Theme {
    Theme::load("default", Depth::Ansi16).expect("theme")
}

#[test]
fn every_action_is_bound_and_every_bound_key_is_in_help() {
    let b = Bindings::builtin();
    for a in Action::ALL {
        assert!(
            b.bindings
                .iter()
                .any(|x| x.action == a && !x.keys.is_empty()),
            "{a:?} has no key"
        );
    }
    let store = demo_store_blocking();
    store.read(|state| {
        for kind in KINDS.iter().copied() {
            let help = intransit::ui::views::help::doc(kind, &b, &theme(), 200);
            let text: String = help
                .lines
                .iter()
                .map(|l| {
                    l.line
                        .spans
                        .iter()
                        .map(|s| s.content.as_ref())
                        .collect::<String>()
                        + "\n"
                })
                .collect();
            for binding in b.in_view(kind) {
                for key in &binding.keys {
                    assert!(
                        text.contains(key.as_str()),
                        "{kind:?}: {key} is not in Help"
                    );
                }
            }
            let _ = state;
        }
    });
}

#[test]
fn every_key_a_view_note_names_works_in_that_view() {
    let b = Bindings::builtin();
    for note in &b.notes {
        for key in note.keys.split(' ') {
            let parsed = Key::parse(key).unwrap_or_else(|| panic!("{key} in a note"));
            let bound = b.bindings.iter().any(|x| {
                (x.scope == Scope::Global || x.scope == Scope::View(note.scope))
                    && x.keys.iter().any(|k| Key::parse(k) == Some(parsed))
            });
            assert!(
                bound,
                "{:?} note names {key}, which does nothing there",
                note.scope
            );
        }
    }
}

#[test]
fn the_status_bar_shows_the_hints_of_the_view() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = App::new(theme(), (160, 48));
        app.sync(state);
        let screen = text(&render(&app, state, 160, 48));
        let last = screen.lines().last().unwrap_or("").to_string();
        assert!(last.contains(": cmd ? help q quit"), "{last}");
        assert!(!last.contains("s sort"), "{last}");
        press(&mut app, state, "2");
        let screen = text(&render(&app, state, 160, 48));
        let last = screen.lines().last().unwrap_or("").to_string();
        assert!(last.contains("s sort : cmd ? help q quit"), "{last}");
        // Rebound by the user: the hint follows.
        app.bindings = std::sync::Arc::new(
            Bindings::with_user_text(
                "keys.toml",
                "[[bind]]\nkeys = [\"x\"]\naction = \"quit\"\nscope = \"global\"\nhint = \"quit\"\n",
            )
            .expect("a valid file"),
        );
        let screen = text(&render(&app, state, 160, 48));
        assert!(screen.lines().last().unwrap_or("").contains("? help x quit"), "{screen}");
    });
}

#[test]
fn half_pages_and_the_top_views_are_what_the_table_says() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = App::new(theme(), (100, 30));
        app.sync(state);
        press(&mut app, state, "2");
        assert_eq!(app.kinds(), vec![Kind::Buckets]);
        let before = app.view().nav().selected;
        press(&mut app, state, "<Ctrl-d>");
        assert!(
            app.view().nav().selected > before,
            "Ctrl-d moves half a page"
        );
        press(&mut app, state, "<Ctrl-u>");
        assert_eq!(app.view().nav().selected, before);
        press(&mut app, state, "7");
        assert_eq!(app.kinds(), vec![Kind::Accounts]);
    });
}

#[test]
fn a_user_file_rebinds_and_a_bad_one_says_why() {
    let b = Bindings::with_user_text(
        "keys.toml",
        "[[bind]]\nkeys = [\"e\", \"Down\"]\naction = \"down\"\nscope = \"global\"\n\n[[bind]]\nkeys = []\naction = \"rescan\"\nscope = \"global\"\n",
    )
    .expect("a valid file");
    let key = |c| crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(c));
    assert_eq!(b.action(Kind::Buckets, &key('e')), Some(Action::Down));
    assert_eq!(b.action(Kind::Buckets, &key('j')), None);
    assert_eq!(b.action(Kind::Overview, &key('r')), None, "unbound");
    assert_eq!(b.action(Kind::Buckets, &key('s')), Some(Action::Sort));
    assert_eq!(b.action(Kind::Overview, &key('s')), None);
    for (file, words) in [
        (
            "[[bind]]\nkeys = [\"j\"]\naction = \"quit\"\nscope = \"global\"\n",
            "j is bound to both Down and Quit in global",
        ),
        (
            "[[bind]]\nkeys = [\"q\"]\naction = \"sort\"\nscope = \"buckets\"\n",
            "q is bound to both Quit and Sort in buckets",
        ),
        (
            "[[bind]]\nkeys = [\"x\"]\naction = \"explode\"\nscope = \"global\"\n",
            "unknown variant `explode`",
        ),
        (
            "[[bind]]\nkeys = [\"Hyper-x\"]\naction = \"quit\"\nscope = \"global\"\n",
            "unknown key \"Hyper-x\"",
        ),
        (
            "[[bind]]\nkeys = [\"x\"]\naction = \"quit\"\nscope = \"kitchen\"\n",
            "unknown scope \"kitchen\"",
        ),
        (
            "[[bind]]\nkeys = [\"x\"]\naction = \"quit\"\nscope = \"global\"\ncolour = 1\n",
            "unknown field `colour`",
        ),
    ] {
        let err = Bindings::with_user_text("keys.toml", file)
            .expect_err(file)
            .to_string();
        assert!(err.contains(words), "{err}");
        assert!(err.starts_with("keys.toml"), "{err}");
    }
}

#[test]
fn page_down_scrolls_on_the_first_press_and_keys_are_inert_when_too_small() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = App::new(theme(), (100, 30));
        app.sync(state);
        press(&mut app, state, "2");
        render(&app, state, 100, 30);
        assert_eq!(app.view().nav().offset(), 0);
        press(&mut app, state, "<PgDn>");
        render(&app, state, 100, 30);
        let nav = app.view().nav();
        assert!(nav.offset() > 0, "the rows scrolled on the first press");
        assert_eq!(
            nav.selected - nav.offset(),
            0,
            "the selection stays on its screen line"
        );
        // Too small: nothing moves behind the notice, but q still quits.
        let mut small = App::new(theme(), (40, 10));
        small.sync(state);
        press(&mut small, state, "2j");
        assert_eq!(small.kinds(), vec![Kind::Overview]);
        let quit = small.on_event(
            &crossterm::event::Event::Key(Key::parse("q").expect("q").event()),
            state,
        );
        assert_eq!(quit, intransit::ui::app::Effect::Quit);
    });
}
