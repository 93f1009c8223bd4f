//! Observed traffic in the console: the `:traffic` view (joined findings, plain-HTTP requests,
//! clients) and a client's detail, at 80×24 and 160×48, from the demo estate's logs.

use intransit::ui::app::{Kind, Link};
use intransit::ui::screenshot::{demo_store_blocking, press, render, text};
use intransit::ui::{App, Depth, Theme};

fn app(w: u16, h: u16) -> App {
    App::new(
        Theme::load("default", Depth::Ansi16).expect("theme"),
        (w, h),
    )
}

/// Moves the cursor down until it is on `link`.
fn down_to(app: &mut App, state: &intransit::store::State, link: Link) {
    for _ in 0..60 {
        if app.selected_link(state).as_ref() == Some(&link) {
            return;
        }
        press(app, state, "j");
    }
    panic!("no line leads to {link:?}");
}

#[test]
fn the_traffic_view_leads_with_the_worst_finding_and_names_every_client() {
    let store = demo_store_blocking();
    store.read(|state| {
        for (w, h) in [(80u16, 24u16), (160, 48)] {
            let mut app = app(w, h);
            app.sync(state);
            press(&mut app, state, ":traffic<Enter>");
            assert_eq!(app.kinds().last(), Some(&Kind::Traffic));
            let screen = text(&render(&app, state, w, h));
            assert!(screen.contains("648 records from 7 files"), "{screen}");
            insta::assert_snapshot!(format!("traffic_{w}x{h}"), screen);
            // The cursor starts on the worst joined finding: a bucket that served plain HTTP.
            assert_eq!(
                app.selected_link(state),
                Some(Link::Bucket("athena-results-sandbox-use1".into()))
            );
        }
    });
}

#[test]
fn a_client_opens_its_events_and_its_buckets() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app(160, 48);
        app.sync(state);
        press(&mut app, state, ":traffic<Enter>");
        // Down to the first client line that is plain HTTP (the legacy ETL user's GETs).
        let traffic = state.estate.traffic.as_deref().expect("the demo's logs");
        let at = traffic
            .clients
            .iter()
            .position(|c| c.plain_http() && c.source_ip == "203.0.113.9")
            .expect("the plain-HTTP client");
        down_to(&mut app, state, Link::TrafficClient(at));
        press(&mut app, state, "<Enter>");
        assert_eq!(app.kinds().last(), Some(&Kind::TrafficClient));
        let screen = text(&render(&app, state, 160, 48));
        for words in [
            "no TLS",
            "legacy-etl",
            "REST.GET.OBJECT",
            "curl/7.29.0",
            "203.0.113.9",
        ] {
            assert!(screen.contains(words), "{words}: {screen}");
        }
        insta::assert_snapshot!("traffic_client_160x48", screen);
        // Its bucket opens the bucket's detail.
        down_to(
            &mut app,
            state,
            Link::Bucket("clickstream-landing-use1".into()),
        );
        press(&mut app, state, "<Enter>");
        assert_eq!(app.kinds().last(), Some(&Kind::BucketDetail));
        assert_eq!(
            app.breadcrumbs().last().map(String::as_str),
            Some("clickstream-landing-use1")
        );
    });
}
