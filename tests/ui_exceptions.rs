//! Accepted exceptions in the console: the `:exceptions` view (active, expired, stale, with
//! the findings each matches) and the marks in a control's findings, at 80×24 and 160×48.

use intransit::compliance::exceptions::{Day, Exceptions, parse};
use intransit::ui::screenshot::{demo_store_blocking, press, render, text};
use intransit::ui::{App, Depth, Theme};

const FILE: &str = r#"
[[exception]]
check = "s3.deny_http"
account = "analytics-prod"
resource = "legacy-*"
reason = "Archive read by a vendor appliance that speaks HTTP only"
owner = "data-platform@example.com"
expires = 2027-03-31
ticket = "SEC-1234"

[[exception]]
check = "vpn.tunnels"
reason = "Branch tunnel replaced in Q4"
owner = "network@example.com"
expires = 2026-11-30

[[exception]]
resource = "no-such-bucket"
reason = "Left over from a bucket that is gone"
owner = "secops@example.com"
expires = 2027-12-31
"#;

fn app_with_exceptions(w: u16, h: u16) -> App {
    let mut app = App::new(
        Theme::load("default", Depth::Ansi16).expect("theme"),
        (w, h),
    );
    app.exceptions = Some((
        Exceptions {
            source: Some(".intransit/exceptions.toml".into()),
            entries: parse("exceptions.toml", FILE).expect("a valid file"),
        },
        Day::parse("2026-12-03").expect("a day"),
    ));
    app
}

#[test]
fn the_exceptions_view_says_what_each_entry_matches_and_whether_it_applies() {
    let store = demo_store_blocking();
    store.read(|state| {
        for (w, h) in [(80u16, 24u16), (160, 48)] {
            let mut app = app_with_exceptions(w, h);
            app.sync(state);
            press(&mut app, state, ":exceptions<Enter>");
            let screen = text(&render(&app, state, w, h));
            assert!(screen.contains("1 active, 1 expired, 1 stale"), "{screen}");
            insta::assert_snapshot!(format!("exceptions_{w}x{h}"), screen);
        }
    });
}

#[test]
fn a_controls_findings_mark_the_accepted_ones() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_with_exceptions(160, 48);
        app.sync(state);
        press(&mut app, state, ":compliance cis-aws-5.0<Enter><Enter>");
        let screen = text(&render(&app, state, 160, 48));
        assert!(screen.contains("accepted (exception 1)"), "{screen}");
        insta::assert_snapshot!("exceptions_marked_findings_160x48", screen);
        // The expired entry accepts nothing: no VPN finding is marked.
        let eval = app.evaluation().expect("evaluated");
        assert!(
            eval.findings()
                .iter()
                .filter(|f| f.check == "vpn.tunnels")
                .all(|f| eval.acceptance.accepted_somewhere(&f.id).is_none())
        );
    });
}

#[test]
fn the_overview_and_the_bucket_say_what_is_accepted() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_with_exceptions(160, 48);
        app.sync(state);
        let screen = text(&render(&app, state, 160, 48));
        assert!(
            screen.contains("1 finding accepted by exceptions, 1 expired: their findings count again (:exceptions)"),
            "{screen}"
        );
        // Tall enough for the whole detail.
        let mut app = app_with_exceptions(160, 120);
        app.sync(state);
        press(&mut app, state, ":bucket legacy-reports-archive-use1<Enter>");
        let screen = text(&render(&app, state, 160, 120));
        assert!(
            screen.contains("exception 1 (SEC-1234) accepts s3.deny_http, by data-platform@example.com until 2027-03-31"),
            "{screen}"
        );
    });
}
