//! `:fix` in the console: the same plan as `intransit fix --failing --plan`, each action a link
//! to what it changes, and the Overview naming the first once it is planned.

use std::process::Command;

use intransit::ui::app::{Kind, Link};
use intransit::ui::element::Element;
use intransit::ui::screenshot::{app_after, demo_store_blocking, press, render, text};
use intransit::ui::{Depth, Theme};
use serde_json::Value;

fn theme() -> Theme {
    Theme::load("default", Depth::Ansi16).expect("theme")
}

#[test]
fn the_console_plans_what_the_fix_command_plans() {
    let out = Command::new(env!("CARGO_BIN_EXE_intransit"))
        .args(["fix", "--demo", "--failing", "--plan", "--format", "json"])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("intransit runs");
    assert!(out.status.success());
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    let store = demo_store_blocking();
    store.read(|state| {
        let app = app_after(state, theme(), 160, 48, ":fix<Enter>");
        assert_eq!(app.kinds().last(), Some(&Kind::Fixes));
        let planned = app.planned().expect("planned on :fix");
        let console: Vec<Value> = planned
            .plan
            .items
            .iter()
            .map(|p| serde_json::to_value(p).unwrap())
            .collect();
        assert_eq!(
            &console,
            cli["plan"].as_array().unwrap(),
            "one plan, every screen"
        );
        assert_eq!(
            serde_json::to_value(&planned.plan.all).unwrap(),
            cli["all"],
            "the same total"
        );
    });
}

#[test]
fn each_action_opens_what_it_changes_and_the_overview_names_the_first() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 160, 48, ":fix<Enter>");
        let first = app.planned().unwrap().plan.items[0].clone();
        // The cursor starts on the first action; Enter opens its resource.
        let link = app.selected_link(state).expect("a link");
        match (&first.kind, &link) {
            (intransit::fix::Kind::Rcp, Link::Element(Element::Account(a))) => {
                assert_eq!(a, &first.resources[0])
            }
            (intransit::fix::Kind::BucketPolicy, Link::Bucket(b)) => {
                assert_eq!(b, &first.resources[0])
            }
            other => panic!("{other:?}"),
        }
        press(&mut app, state, "<Enter>");
        assert_ne!(app.kinds().last(), Some(&Kind::Fixes));
        press(&mut app, state, "<Esc><Esc>");
        assert_eq!(app.kinds(), vec![Kind::Overview]);
        let screen = text(&render(&app, state, 160, 48));
        let line = screen
            .lines()
            .find(|l| l.contains("Top fix:"))
            .unwrap_or_else(|| panic!("no top fix in\n{screen}"));
        assert!(line.contains(&first.action), "{line}");
    });
}
