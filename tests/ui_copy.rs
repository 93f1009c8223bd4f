//! `Y`, `J` and `o`: the ARN, the record as JSON and the AWS console URL of what the cursor is
//! on, in lists and in detail views; a selection without one says so.

use crossterm::event::Event;
use intransit::ui::app::{Effect, Link};
use intransit::ui::bindings::Key;
use intransit::ui::element::Element;
use intransit::ui::screenshot::{demo_store_blocking, press};
use intransit::ui::{App, Depth, Theme};

fn app() -> App {
    App::new(
        Theme::load("default", Depth::Ansi16).expect("theme"),
        (120, 40),
    )
}

fn key(app: &mut App, state: &intransit::store::State, k: &str) -> Effect {
    app.on_event(&Event::Key(Key::parse(k).expect("a key").event()), state)
}

fn copied(e: Effect) -> String {
    match e {
        Effect::Copy(t) => t,
        other => panic!("nothing copied: {other:?}"),
    }
}

#[test]
fn a_bucket_gives_its_arn_record_and_console_page_from_the_list_and_its_detail() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app();
        app.sync(state);
        press(&mut app, state, "2/clickstream-landing<Enter>");
        let Some(Link::Bucket(name)) = app.selected_link(state) else {
            panic!("a bucket is selected");
        };
        assert_eq!(name, "clickstream-landing-use1");
        for detail in [false, true] {
            if detail {
                press(&mut app, state, "<Enter>");
            }
            assert_eq!(copied(key(&mut app, state, "Y")), "arn:aws:s3:::clickstream-landing-use1");
            let json: serde_json::Value =
                serde_json::from_str(&copied(key(&mut app, state, "J"))).expect("JSON");
            assert_eq!(json["name"], "clickstream-landing-use1");
            assert_eq!(json["account_id"], "111122223333");
            assert_eq!(
                copied(key(&mut app, state, "o")),
                "https://us-east-1.console.aws.amazon.com/s3/buckets/clickstream-landing-use1?region=us-east-1&tab=permissions"
            );
        }
    });
}

#[test]
fn workgroups_clients_and_vpns_have_theirs_and_the_rest_say_none() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app();
        app.sync(state);
        press(&mut app, state, "3/finance<Enter>");
        assert_eq!(
            copied(key(&mut app, state, "y")),
            "finance-adhoc",
            "y: the name"
        );
        press(&mut app, state, "<Enter>");
        assert_eq!(copied(key(&mut app, state, "y")), "finance-adhoc");
        assert_eq!(
            copied(key(&mut app, state, "Y")),
            "arn:aws:athena:us-east-1:111122223333:workgroup/finance-adhoc"
        );
        assert!(copied(key(&mut app, state, "o")).ends_with("#/workgroups/details/finance-adhoc"));
        // A traffic client: its record, and its principal as the ARN.
        let mut app = self::app();
        app.sync(state);
        press(&mut app, state, ":traffic<Enter>");
        for _ in 0..40 {
            if matches!(app.selected_link(state), Some(Link::TrafficClient(_))) {
                break;
            }
            press(&mut app, state, "j");
        }
        let json: serde_json::Value =
            serde_json::from_str(&copied(key(&mut app, state, "J"))).expect("JSON");
        assert!(json["count"].as_u64().is_some_and(|n| n > 0), "{json}");
        assert!(copied(key(&mut app, state, "Y")).starts_with("arn:aws:"));
        // A VPN in the diagram: its console page.
        let vpn = &state.estate.connectivity.vpn_connections[0];
        let mut app = self::app();
        app.sync(state);
        app.follow(Link::Element(Element::Vpn(vpn.id.clone())), state);
        assert!(copied(key(&mut app, state, "o")).contains(&format!("VpnConnectionId={}", vpn.id)));
        assert!(
            matches!(key(&mut app, state, "Y"), Effect::Redraw),
            "no ARN for a VPN here"
        );
    });
}

/// A copied console URL is said whole above the status bar, at 80 columns too: the operator
/// opens it by hand, so no part of it may be cut.
#[test]
fn a_copied_console_url_is_shown_whole_at_80_columns() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = intransit::ui::screenshot::app_after(
            state,
            Theme::load("default", Depth::Ansi16).expect("theme"),
            80,
            24,
            "2/athena-results-analytics-prod-apse2<Enter>",
        );
        let url = copied(key(&mut app, state, "o"));
        assert!(url.len() > 80, "{url}");
        app.set_message(format!("copied {url}"), false);
        let screen = intransit::ui::screenshot::text(&intransit::ui::screenshot::render(
            &app, state, 80, 24,
        ));
        let rows: Vec<&str> = screen.lines().collect();
        let at = rows
            .iter()
            .position(|r| r.trim() == "copied")
            .unwrap_or_else(|| panic!("the message starts a row:\n{screen}"));
        let shown: String = rows[at + 1..at + 3].iter().map(|r| r.trim()).collect();
        assert_eq!(shown, url, "\n{screen}");
        assert!(rows[at + 3].contains("scan complete"), "\n{screen}");
    });
}
