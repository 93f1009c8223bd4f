//! `/` in a detail view searches it: the cursor goes to the first match as the text is typed,
//! `n` and `N` go round the matches, the message line counts them; in a list `/` still
//! filters.

use intransit::ui::app::Kind;
use intransit::ui::screenshot::{app_after, demo_store_blocking, press, render, text};
use intransit::ui::{App, Depth, Theme};

fn app() -> App {
    App::new(
        Theme::load("default", Depth::Ansi16).expect("theme"),
        (120, 40),
    )
}

/// The text of the selected line of the current document.
fn selected_line(app: &App, state: &intransit::store::State) -> String {
    let doc = app.doc(app.view(), state).expect("a document view");
    let line = &doc.lines[app.view().nav().selected];
    line.line.spans.iter().map(|s| s.content.as_ref()).collect()
}

#[test]
fn a_detail_view_is_searched_and_its_matches_counted() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app();
        app.sync(state);
        press(&mut app, state, ":bucket clickstream-landing-use1<Enter>");
        assert_eq!(app.kinds().last(), Some(&Kind::BucketDetail));
        press(&mut app, state, "/plain-http");
        let first = app.view().nav().selected;
        assert!(
            selected_line(&app, state)
                .to_lowercase()
                .contains("plain-http")
        );
        press(&mut app, state, "<Enter>");
        let screen = text(&render(&app, state, 120, 40));
        assert!(screen.contains("match 1 of"), "{screen}");
        press(&mut app, state, "n");
        let second = app.view().nav().selected;
        assert!(second > first, "n goes to the next match");
        assert!(
            selected_line(&app, state)
                .to_lowercase()
                .contains("plain-http")
        );
        press(&mut app, state, "N");
        assert_eq!(app.view().nav().selected, first, "N goes back");
        press(&mut app, state, "N");
        assert!(
            app.view().nav().selected > second,
            "and round from the first to the last"
        );
        // Nothing found: said so; going back forgets the search.
        press(&mut app, state, "/no such words<Enter>");
        let screen = text(&render(&app, state, 120, 40));
        assert!(
            screen.contains("no match for \"no such words\""),
            "{screen}"
        );
        press(&mut app, state, "<Esc>");
        press(&mut app, state, "n");
        let screen = text(&render(&app, state, 120, 40));
        assert!(screen.contains("no search"), "{screen}");
    });
}

#[test]
fn in_a_list_the_slash_still_filters() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app();
        app.sync(state);
        press(&mut app, state, "2/clickstream<Enter>");
        assert_eq!(app.view().filter(), Some("clickstream"));
    });
}

#[test]
fn bucket_filters_take_field_tokens_globs_and_pasted_names() {
    use intransit::policy::Verdict;
    let store = demo_store_blocking();
    store.read(|state| {
        let listed = |filter: &str| -> Vec<String> {
            let mut app = app();
            app.sync(state);
            press(&mut app, state, &format!("2/{filter}<Enter>"));
            let mut out = Vec::new();
            press(&mut app, state, "g");
            let mut last = None;
            while let Some(intransit::ui::Link::Bucket(name)) = app.selected_link(state) {
                if last.as_ref() == Some(&name) {
                    break;
                }
                out.push(name.clone());
                last = Some(name);
                press(&mut app, state, "j");
            }
            out.sort();
            out
        };
        let mut partial_use1: Vec<String> = state
            .estate
            .buckets
            .iter()
            .filter(|b| b.tls.verdict() == Verdict::Partial && b.region == "us-east-1")
            .map(|b| b.name.clone())
            .collect();
        partial_use1.sort();
        assert!(!partial_use1.is_empty());
        assert_eq!(listed("verdict:partial region:us-east-1"), partial_use1);
        assert_eq!(
            listed("arn:aws:s3:::clickstream-landing-use1/events/part-1.json"),
            ["clickstream-landing-use1"]
        );
        assert_eq!(
            listed("s3://athena-results-sandbox-use1/"),
            ["athena-results-sandbox-use1"]
        );
        let globbed = listed("athena-results-*-use1");
        assert!(
            globbed
                .iter()
                .all(|n| n.starts_with("athena-results-") && n.ends_with("-use1"))
        );
        assert!(globbed.len() >= 3, "{globbed:?}");
    });
}

/// The count is on the prompt while the text is typed; Esc clears a search before it leaves
/// the view, as it clears a list's filter.
#[test]
fn matches_are_counted_as_typed_and_esc_clears_the_search_first() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app();
        app.sync(state);
        press(&mut app, state, ":bucket clickstream-landing-use1<Enter>");
        press(&mut app, state, "/plain-http");
        let n = app.search_count(state).expect("counted while typing");
        assert!(n > 1, "{n}");
        let screen = text(&render(&app, state, 120, 40));
        assert!(screen.contains(&format!("{n} lines match")), "{screen}");
        press(&mut app, state, "<Enter>");
        assert!(app.search_count(state).is_none(), "only while typing");
        press(&mut app, state, "<Esc>");
        assert_eq!(app.kinds().last(), Some(&Kind::BucketDetail), "still here");
        let screen = text(&render(&app, state, 120, 40));
        assert!(screen.contains("search cleared"), "{screen}");
        press(&mut app, state, "n");
        let screen = text(&render(&app, state, 120, 40));
        assert!(screen.contains("no search"), "{screen}");
        press(&mut app, state, "<Esc>");
        assert_ne!(app.kinds().last(), Some(&Kind::BucketDetail), "then back");
    });
}

/// A filter longer than the prompt shows its end, where the cursor is.
#[test]
fn a_long_filter_shows_where_it_is_typed() {
    let store = demo_store_blocking();
    store.read(|state| {
        let long = format!(
            "s3://clickstream-landing-use1/{}/END",
            "year=2024/month=01".repeat(4)
        );
        let app = app_after(
            state,
            Theme::load("default", Depth::Ansi16).expect("theme"),
            80,
            24,
            &format!("2/{long}"),
        );
        let screen = text(&render(&app, state, 80, 24));
        let prompt = screen
            .lines()
            .find(|l| l.starts_with("/…"))
            .unwrap_or_else(|| panic!("the prompt shows the text's end:\n{screen}"));
        assert!(prompt.trim_end().ends_with("/END"), "{prompt}");
        assert!(prompt.chars().count() <= 80);
    });
}
