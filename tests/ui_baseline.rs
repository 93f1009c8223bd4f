//! `--baseline` in the console: what changed since an earlier scan, as the Δ on changed
//! buckets, the `changed` filter token and the `:changes` view (80×24 and 160×48).

use intransit::diff::{ChangeKind, Impact};
use intransit::model::Snapshot;
use intransit::store::Store;
use intransit::ui::View;
use intransit::ui::screenshot::{demo_store_blocking, press, render, text};
use intransit::ui::{App, Depth, Theme};
use serde_json::{Value, json};

const DENY_HTTP: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::clickstream-landing-use1","arn:aws:s3:::clickstream-landing-use1/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;

/// Yesterday's demo estate: clickstream-landing-use1 still denied plain HTTP, and
/// cur-reports-northwind did not exist yet.
fn yesterday() -> Snapshot {
    let snapshot = demo_store_blocking().into_snapshot();
    let mut v: Value = serde_json::to_value(&snapshot).expect("a snapshot is JSON");
    let buckets = v["buckets"].as_array_mut().expect("buckets");
    buckets.retain(|b| b["name"] != "cur-reports-northwind");
    for b in buckets.iter_mut() {
        if b["name"] == "clickstream-landing-use1" {
            b["policy"] = json!({"state": "present", "text": DENY_HTTP});
        }
    }
    v["scan"]["finished_at"] = json!("2026-12-02T06:00:05Z");
    let read = Snapshot::from_json("yesterday.json", &v.to_string()).expect("readable");
    // Loading derives each bucket's analysis again, as `--baseline` does.
    Store::from_snapshot(read).into_snapshot()
}

fn app(w: u16, h: u16) -> App {
    let mut app = App::new(
        Theme::load("default", Depth::Ansi16).expect("theme"),
        (w, h),
    );
    app.set_baseline("yesterday.json", yesterday());
    app
}

#[test]
fn the_console_shows_what_changed_since_the_baseline() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut a = app(160, 48);
        a.sync(state);
        let diff = a.changes().expect("an idle demo estate is compared");
        let verdict = diff
            .changes
            .iter()
            .find(|c| c.kind == ChangeKind::BucketVerdict)
            .expect("the verdict change");
        assert_eq!(verdict.subject, "bucket clickstream-landing-use1");
        assert_eq!(verdict.impact, Impact::Regression);
        assert!(
            diff.changes
                .iter()
                .any(|c| c.kind == ChangeKind::BucketAdded
                    && c.subject == "bucket cur-reports-northwind")
        );
        // The `changed` token lists exactly the changed buckets, each marked Δ.
        press(&mut a, state, "2/changed<Enter>");
        let View::Buckets(b) = a.view() else {
            panic!("the bucket list")
        };
        let mut names: Vec<&str> = b
            .rows
            .iter()
            .map(|&i| state.estate.buckets[i].name.as_str())
            .collect();
        names.sort();
        assert_eq!(names, ["clickstream-landing-use1", "cur-reports-northwind"]);
        let screen = text(&render(&a, state, 160, 48));
        assert!(screen.contains("Δ clickstream-landing-use1"), "{screen}");
        for (w, h) in [(80u16, 24u16), (160, 48)] {
            let mut a = app(w, h);
            a.sync(state);
            press(&mut a, state, ":changes<Enter>");
            let screen = text(&render(&a, state, w, h));
            assert!(screen.contains("Since yesterday.json"), "{screen}");
            insta::assert_snapshot!(format!("changes_{w}x{h}"), screen);
        }
    });
}

#[test]
fn without_a_baseline_the_changes_view_says_how_to_get_one() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut a = App::new(
            Theme::load("default", Depth::Ansi16).expect("theme"),
            (80, 24),
        );
        a.sync(state);
        press(&mut a, state, ":changes<Enter>");
        let screen = text(&render(&a, state, 80, 24));
        assert!(screen.contains("--baseline FILE"), "{screen}");
        assert!(a.changes().is_none());
    });
}
