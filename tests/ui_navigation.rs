//! Keys fed to the app: the view stack, breadcrumbs and selection follow.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use intransit::store::State;
use intransit::ui::app::{Effect, Kind};
use intransit::ui::screenshot::{app_after, demo_store_blocking, press};
use intransit::ui::{App, Depth, Theme, View};

fn theme() -> Theme {
    Theme::load("default", Depth::Ansi16).expect("theme")
}

fn selected_bucket(app: &App, state: &State) -> Option<String> {
    match app.view() {
        View::Buckets(b) => b
            .rows
            .get(b.nav.selected)
            .map(|&i| state.estate.buckets[i].name.clone()),
        _ => None,
    }
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn drill_in_and_back_out_with_breadcrumbs() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 160, 48, "");
        assert_eq!(app.kinds(), vec![Kind::Overview]);

        press(&mut app, state, "2");
        assert_eq!(app.kinds(), vec![Kind::Buckets]);
        assert_eq!(app.view().nav().selected, 0);
        let first = selected_bucket(&app, state).expect("a bucket is selected");
        // Worst first: a bucket that accepts plain HTTP, in Athena's data path.
        assert_eq!(first, "athena-results-analytics-prod-apse2");

        press(&mut app, state, "jj");
        assert_eq!(app.view().nav().selected, 2);
        let third = selected_bucket(&app, state).expect("selected");
        press(&mut app, state, "<Enter>");
        assert_eq!(app.kinds(), vec![Kind::Buckets, Kind::BucketDetail]);
        assert_eq!(
            app.breadcrumbs(),
            vec!["Buckets".to_string(), third.clone()]
        );

        press(&mut app, state, "<Esc>");
        assert_eq!(app.kinds(), vec![Kind::Buckets]);
        assert_eq!(selected_bucket(&app, state), Some(third));

        press(&mut app, state, "G");
        assert_eq!(app.view().nav().selected, state.estate.buckets.len() - 1);
        press(&mut app, state, "g");
        assert_eq!(app.view().nav().selected, 0);

        // Esc from a top view goes to the overview; Esc there stays.
        press(&mut app, state, "<Esc><Esc>");
        assert_eq!(app.kinds(), vec![Kind::Overview]);
    });
}

#[test]
fn tab_and_numbers_switch_top_views() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 120, 40, "");
        let expected = [
            Kind::Buckets,
            Kind::Workgroups,
            Kind::Connectivity,
            Kind::Compliance,
            Kind::Errors,
            Kind::Accounts,
            Kind::Help,
            Kind::Overview,
        ];
        for k in expected {
            press(&mut app, state, "<Tab>");
            assert_eq!(app.kinds(), vec![k]);
        }
        press(&mut app, state, "<BackTab>");
        assert_eq!(app.kinds(), vec![Kind::Help]);
        for (c, k) in [
            ('1', Kind::Overview),
            ('4', Kind::Connectivity),
            ('6', Kind::Errors),
            ('7', Kind::Accounts),
            ('8', Kind::Help),
        ] {
            press(&mut app, state, &c.to_string());
            assert_eq!(app.kinds(), vec![k]);
        }
    });
}

#[test]
fn the_overview_leads_to_the_failing_pci_control_in_one_key() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 160, 48, "");
        // The cursor starts on the first answer: the result buckets that accept plain HTTP.
        press(&mut app, state, "<Enter>");
        assert_eq!(app.kinds(), vec![Kind::Overview, Kind::Buckets]);
        match app.view() {
            View::Buckets(b) => {
                assert_eq!(b.filter, "results accepts-http");
                assert_eq!(b.rows.len(), 4);
            }
            _ => unreachable!(),
        }
        press(&mut app, state, "<Esc><Esc>");
        assert_eq!(app.kinds(), vec![Kind::Overview]);
        // The next answer: the paths from on-premises; Enter opens the diagram on the weakest.
        press(&mut app, state, "j<Enter>");
        assert_eq!(app.kinds(), vec![Kind::Overview, Kind::Connectivity]);
        let weakest =
            intransit::compliance::paths::summary(&app.evaluation().expect("evaluated").paths)
                .2
                .expect("a path that is not fully encrypted")
                .id
                .clone();
        assert_eq!(
            app.selected_link(state),
            Some(intransit::ui::app::Link::Element(
                intransit::ui::element::Element::Path(weakest.to_string())
            ))
        );
        press(&mut app, state, "<Esc>");
        // Then the PCI line, and Enter.
        press(&mut app, state, "j<Enter>");
        assert_eq!(app.kinds(), vec![Kind::Overview, Kind::Compliance]);
        assert_eq!(app.breadcrumbs()[1], "PCI DSS 4.0.1");
        // One more Enter: the findings of the first failing control.
        press(&mut app, state, "<Enter>");
        assert_eq!(app.breadcrumbs()[2], "4.2.1");
        press(&mut app, state, "<Enter>");
        assert_eq!(app.kinds().last(), Some(&Kind::BucketDetail));
    });
}

#[test]
fn compliance_breadcrumbs_read_like_the_path() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 160, 48, "");
        press(&mut app, state, ":compliance pci<Enter><Enter><Enter>");
        assert_eq!(
            app.breadcrumbs(),
            vec![
                "Compliance".to_string(),
                "PCI DSS 4.0.1".to_string(),
                "4.2.1".to_string(),
                // The worst finding: a bucket that does not deny plain HTTP and, by its
                // access logs, served it (critical), before the buckets that only would.
                "athena-results-sandbox-use1".to_string()
            ]
        );
    });
}

#[test]
fn filter_is_incremental_and_esc_clears_it() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 160, 48, "2");
        let all = state.estate.buckets.len();
        let rows = |app: &App| match app.view() {
            View::Buckets(b) => b.rows.len(),
            _ => 0,
        };
        press(&mut app, state, "/sandbox");
        assert!(app.input.is_some());
        let sandbox = rows(&app);
        assert!(sandbox > 5 && sandbox < all, "{sandbox}");
        press(&mut app, state, " accepts-http");
        assert!(rows(&app) < sandbox);
        press(&mut app, state, "<Enter>");
        assert!(app.input.is_none());
        let kept = rows(&app);
        // Navigation works on the filtered rows.
        press(&mut app, state, "G");
        assert_eq!(app.view().nav().selected, kept - 1);
        press(&mut app, state, "<Esc>");
        assert_eq!(rows(&app), all);
        assert_eq!(app.kinds(), vec![Kind::Buckets]);
        // !word excludes.
        press(&mut app, state, "/!enforced<Enter>");
        assert!(rows(&app) > 0);
        assert!(rows(&app) < all);
    });
}

#[test]
fn sort_cycles_and_reverses() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 160, 48, "2s");
        let names: Vec<String> = match app.view() {
            View::Buckets(b) => b
                .rows
                .iter()
                .map(|&i| state.estate.buckets[i].name.clone())
                .collect(),
            _ => unreachable!(),
        };
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "s sorts by name");
        press(&mut app, state, "S");
        assert_eq!(
            selected_bucket(&app, state).as_deref(),
            Some(sorted.last().unwrap().as_str())
        );
    });
}

#[test]
fn commands_quit_copy_and_write() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 120, 40, "");
        assert_eq!(app.on_event(&key(KeyCode::Char('q')), state), Effect::Quit);
        let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert_eq!(app.on_event(&ctrl_c, state), Effect::Quit);
        press(
            &mut app,
            state,
            ":bucket athena-results-sandbox-use1<Enter>",
        );
        assert_eq!(app.kinds().last(), Some(&Kind::BucketDetail));
        match app.on_event(&key(KeyCode::Char('y')), state) {
            Effect::Copy(text) => {
                // The command that applies the merged policy, ready to paste.
                assert!(
                    text.starts_with(
                        "aws s3api put-bucket-policy --region us-east-1 --bucket athena-results-sandbox-use1 --expected-bucket-owner 777788889999 --policy '"
                    ),
                    "{text}"
                );
                assert!(text.contains("\"aws:SecureTransport\":\"false\""), "{text}");
                assert!(text.contains("arn:aws:s3:::athena-results-sandbox-use1/*"));
            }
            other => panic!("y should copy the fix: {other:?}"),
        }
        assert_eq!(
            app.on_event(&key(KeyCode::Char('w')), state),
            Effect::WriteSnapshot(None)
        );
        press(&mut app, state, ":w /tmp/x.json");
        assert_eq!(
            app.on_event(&key(KeyCode::Enter), state),
            Effect::WriteSnapshot(Some("/tmp/x.json".into()))
        );
        press(&mut app, state, ":theme light<Enter>");
        assert_eq!(app.theme.name, "light");
        press(&mut app, state, ":nonsense<Enter>");
        assert!(app.message.as_ref().is_some_and(|m| m.error));
        press(&mut app, state, ":q");
        assert_eq!(app.on_event(&key(KeyCode::Enter), state), Effect::Quit);
    });
}

#[test]
fn help_lists_the_keys_of_the_view_it_came_from() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 120, 40, "2?");
        assert_eq!(app.kinds(), vec![Kind::Buckets, Kind::Help]);
        let doc = app.doc(app.view(), state).expect("help is a document");
        let text: String = doc
            .lines
            .iter()
            .map(|l| l.line.to_string() + "\n")
            .collect();
        assert!(text.contains("cycle the sort"), "{text}");
        press(&mut app, state, "?");
        assert_eq!(app.kinds(), vec![Kind::Buckets]);
    });
}

#[test]
fn resize_is_taken_into_account() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 80, 24, "");
        assert_eq!(app.on_event(&Event::Resize(200, 60), state), Effect::Redraw);
        assert_eq!(app.size, (200, 60));
    });
}

#[test]
fn a_fresh_overview_starts_on_its_first_answer_however_the_scan_fills_it_in() {
    let store = demo_store_blocking();
    store.read(|state| {
        // The dashboard opens before the scan has delivered anything, then the estate arrives.
        let empty = State::default();
        let mut app = app_after(&empty, theme(), 80, 24, "");
        app.sync(state);
        app.place_cursor(state);
        assert_eq!(
            app.selected_link(state),
            Some(intransit::ui::app::Link::Buckets(
                "results accepts-http".into()
            )),
            "the cursor is on the first line of 'At a glance'"
        );
        // Once the operator moves it, it stays where they put it.
        press(&mut app, state, "j");
        let chosen = app.view().nav().selected;
        app.sync(state);
        app.place_cursor(state);
        assert_eq!(app.view().nav().selected, chosen);
    });
}

/// `state` as the console sees it while a scan still streams in: one fetch queued, not finished.
fn streaming(state: &State) -> State {
    let mut s = state.clone();
    s.meta.finished_at = None;
    s.meta.mode = intransit::model::Mode::Live;
    s.progress.insert(
        "buckets".into(),
        intransit::model::FetcherProgress {
            fetcher: "buckets".into(),
            queued: 1,
            in_flight: 0,
            done: 0,
            failed: 0,
        },
    );
    s
}

#[test]
fn a_streaming_scan_is_evaluated_at_a_pace_and_an_ended_one_at_once() {
    use intransit::compliance::ResourceKind;
    let store = demo_store_blocking();
    store.read(|demo| {
        let bucket = demo.estate.buckets[0].name.clone();
        let findings = |app: &App| {
            app.evaluation()
                .map(|e| e.resource_findings(ResourceKind::S3Bucket, &bucket).len())
                .unwrap_or(0)
        };
        assert!(demo.version > 1, "the demo store changed as it loaded");
        let mut empty = streaming(&State::default());
        empty.version = 1;
        let mut app = App::new(theme(), (100, 30));
        assert!(
            app.sync(&empty),
            "the first evaluation of a scan runs at once"
        );
        assert_eq!(findings(&app), 0);

        let mut later = streaming(demo);
        later.version = demo.version.max(2);
        assert!(
            !app.sync(&later),
            "a change right after an evaluation waits for the pace"
        );
        assert_eq!(
            findings(&app),
            0,
            "the evaluation still shows the earlier store"
        );

        assert!(app.sync(demo), "an idle store is followed at once");
        assert!(findings(&app) > 0, "the demo estate's bucket is judged");
    });
}
