//! Every table sorts the same way (`s` the next column, `S` reversed, a header click with
//! `--mouse`), its name column takes the width its names need, and a top-level view keeps its
//! filter, sort and cursor while another tab is shown.

use crossterm::event::{Event, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use intransit::store::State;
use intransit::ui::app::{Kind, Link};
use intransit::ui::element::Element;
use intransit::ui::page::Cx;
use intransit::ui::screenshot::{app_after, demo_store_blocking, press, render, text};
use intransit::ui::views::connectivity::Place;
use intransit::ui::{App, Depth, Theme};

fn theme() -> Theme {
    Theme::load("default", Depth::Ansi16).expect("theme")
}

/// What Enter would open from each row, top to bottom.
fn links(app: &App, state: &State) -> Vec<Link> {
    let cx = Cx::new(app, state);
    let page = app.view().page();
    (0..page.len(cx)).filter_map(|i| page.link(cx, i)).collect()
}

fn screen(app: &App, state: &State, w: u16, h: u16) -> String {
    text(&render(app, state, w, h))
}

/// The header line of the table on screen (the line that names `column`).
fn header_line(screen: &str, column: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(column))
        .unwrap_or_else(|| panic!("no header {column} in\n{screen}"))
        .to_string()
}

fn message(app: &App) -> String {
    app.message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

/// One case per table: the tab, how many `s` presses reach a column, the header that gets the
/// arrow, and what the rows' links must be in order by that column.
#[test]
fn s_sorts_every_table_by_its_columns_and_s_shift_reverses() {
    let store = demo_store_blocking();
    store.read(|state| {
        type Order = fn(&State, &[Link]) -> bool;
        let by_key = |state: &State, ls: &[Link]| {
            let keys: Vec<String> = ls
                .iter()
                .map(|l| match l {
                    Link::Workgroup(k) => {
                        let w = intransit::ui::views::workgroups::find(state, k).unwrap();
                        w.key().to_lowercase()
                    }
                    other => panic!("{other:?}"),
                })
                .collect();
            keys.windows(2).all(|w| w[0] <= w[1])
        };
        let by_code = |state: &State, ls: &[Link]| {
            let codes: Vec<String> = ls
                .iter()
                .map(|l| match l {
                    Link::Error(i) => intransit::ui::views::errors::error(state, *i)
                        .unwrap()
                        .code
                        .to_lowercase(),
                    other => panic!("{other:?}"),
                })
                .collect();
            codes.windows(2).all(|w| w[0] <= w[1])
        };
        let by_account_name = |state: &State, ls: &[Link]| {
            let names: Vec<String> = ls
                .iter()
                .map(|l| match l {
                    Link::Element(Element::Account(id)) => {
                        let a = state.estate.accounts.iter().find(|a| a.id == *id).unwrap();
                        a.name.clone().unwrap_or_else(|| id.clone()).to_lowercase()
                    }
                    other => panic!("{other:?}"),
                })
                .collect();
            names.windows(2).all(|w| w[0] <= w[1])
        };
        let by_program = |_: &State, ls: &[Link]| ls.iter().all(|l| matches!(l, Link::Program(_)));
        let cases: [(&str, &str, &str, Order); 4] = [
            ("3", "ss", "WORKGROUP", by_key),
            ("6", "sss", "CODE", by_code),
            ("7", "ss", "ACCOUNT", by_account_name),
            ("5", "ss", "PROGRAM", by_program),
        ];
        for (tab, presses, column, in_order) in cases {
            let mut app = app_after(state, theme(), 160, 48, tab);
            let own = links(&app, state);
            press(&mut app, state, presses);
            let up = links(&app, state);
            let shown = screen(&app, state, 160, 48);
            assert!(
                header_line(&shown, column).contains(&format!("{column}↑")),
                "tab {tab}: {column}↑ in\n{shown}"
            );
            assert!(message(&app).contains('↑'), "tab {tab}: {}", message(&app));
            assert!(in_order(state, &up), "tab {tab} sorted by {column}: {up:?}");
            let mut same = own.clone();
            same.sort_by_key(|l| format!("{l:?}"));
            let mut sorted = up.clone();
            sorted.sort_by_key(|l| format!("{l:?}"));
            assert_eq!(same, sorted, "tab {tab}: sorting keeps every row");

            press(&mut app, state, "S");
            let down = links(&app, state);
            let shown = screen(&app, state, 160, 48);
            assert!(
                header_line(&shown, column).contains(&format!("{column}↓")),
                "tab {tab}: {column}↓"
            );
            let mut reversed = down.clone();
            reversed.reverse();
            if tab != "5" {
                assert!(in_order(state, &reversed), "tab {tab} reversed: {down:?}");
            }
        }
    });
}

#[test]
fn s_walks_back_to_the_tables_own_order() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 160, 48, "6");
        let own = links(&app, state);
        // Seven columns, then the table's own order again.
        press(&mut app, state, "ssssssss");
        assert_eq!(links(&app, state), own);
        assert_eq!(message(&app), "in the table's own order");
        let shown = screen(&app, state, 160, 48);
        assert!(!shown.contains('↑') && !shown.contains('↓'), "{shown}");
    });
}

#[test]
fn a_document_view_says_it_has_nothing_to_sort() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 160, 48, "2<Enter>");
        assert_eq!(app.kinds(), vec![Kind::Buckets, Kind::BucketDetail]);
        press(&mut app, state, "s");
        // `s` is not bound in the detail: nothing moves, nothing is claimed.
        assert_eq!(app.kinds(), vec![Kind::Buckets, Kind::BucketDetail]);
        assert!(!message(&app).contains("sorted"), "{}", message(&app));
    });
}

fn click(app: &mut App, state: &State, column: u16, row: u16) {
    let ev = Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    });
    app.on_event(&ev, state);
}

#[test]
fn a_header_click_sorts_by_that_column_and_again_reverses() {
    let store = demo_store_blocking();
    store.read(|state| {
        let cases = [
            ("2", "NAME", "VERDICT"),
            ("3", "ACCOUNT", "RESULT BUCKET"),
            ("5", "PROGRAM", "STATUS"),
        ];
        for (tab, column, first) in cases {
            let mut app = app_after(state, theme(), 160, 48, tab);
            app.mouse = true;
            let shown = screen(&app, state, 160, 48);
            let (row, line) = shown
                .lines()
                .enumerate()
                .find(|(_, l)| l.contains(first) && l.contains(column))
                .unwrap_or_else(|| panic!("tab {tab}: no {column} header in\n{shown}"));
            let at = line.find(column).unwrap();
            let x = line[..at].chars().count() as u16;
            click(&mut app, state, x + 1, row as u16);
            let shown = screen(&app, state, 160, 48);
            assert!(
                header_line(&shown, column).contains(&format!("{column}↑")),
                "tab {tab}: a click on {column} sorts by it:\n{shown}"
            );
            click(&mut app, state, x + 1, row as u16);
            let shown = screen(&app, state, 160, 48);
            assert!(
                header_line(&shown, column).contains(&format!("{column}↓")),
                "tab {tab}: a second click reverses:\n{shown}"
            );
        }
    });
}

#[test]
fn a_click_on_a_row_below_a_summary_selects_that_row() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 160, 48, "5");
        app.mouse = true;
        let shown = screen(&app, state, 160, 48);
        let (row, _) = shown
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("ISO/IEC 27001"))
            .expect("the ISO row");
        click(&mut app, state, 20, row as u16);
        let Some(Link::Program(p)) = app.selected_link(state) else {
            panic!("a program is selected");
        };
        assert!(p.to_lowercase().contains("iso"), "{p}");
    });
}

#[test]
fn a_top_level_view_keeps_its_filter_sort_and_cursor_across_tabs() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 160, 48, "2/sandbox<Enter>sj");
        let before = links(&app, state);
        let selected = app.view().nav().selected;
        assert!(before.len() < state.estate.buckets.len());
        press(&mut app, state, "3");
        assert_eq!(app.kinds(), vec![Kind::Workgroups]);
        press(&mut app, state, "2");
        assert_eq!(app.view().filter(), Some("sandbox"));
        assert_eq!(
            links(&app, state),
            before,
            "the same rows in the same order"
        );
        assert_eq!(app.view().nav().selected, selected);
        let shown = screen(&app, state, 160, 48);
        assert!(shown.contains("/sandbox"), "{shown}");
        assert!(shown.contains("NAME↑"), "the sort is kept:\n{shown}");
        // Tab and Esc (to the Overview and back) keep it too; Esc in the list clears it.
        press(&mut app, state, "<Tab><Shift-Tab>");
        assert_eq!(app.view().filter(), Some("sandbox"));
        press(&mut app, state, "<Esc>");
        assert_eq!(app.view().filter(), Some(""));
    });
}

#[test]
fn the_name_column_shows_whole_names_when_there_is_room_and_cuts_with_an_ellipsis() {
    let store = demo_store_blocking();
    store.read(|state| {
        let longest = state
            .estate
            .buckets
            .iter()
            .map(|b| b.name.as_str())
            .max_by_key(|n| n.chars().count())
            .unwrap();
        let app = app_after(state, theme(), 160, 48, &format!("2/{longest}<Enter>"));
        let wide = screen(&app, state, 160, 48);
        assert!(
            wide.contains(longest),
            "{longest} whole at 160 columns:\n{wide}"
        );
        let app = app_after(state, theme(), 80, 24, "2");
        let narrow = screen(&app, state, 80, 24);
        let names: Vec<&str> = narrow
            .lines()
            .filter(|l| l.contains("athena-results-analytics-prod"))
            .collect();
        assert!(!names.is_empty());
        for l in names {
            let cut = !l.contains("athena-results-analytics-prod-apse2")
                && !l.contains("athena-results-analytics-prod-euw1")
                && !l.contains("athena-results-analytics-prod-use1");
            assert!(!cut || l.contains('…'), "a cut name ends in …: {l}");
        }
    });
}

#[test]
fn a_findings_network_path_opens_its_own_box_in_the_diagram() {
    let store = demo_store_blocking();
    store.read(|state| {
        let app = app_after(state, theme(), 160, 48, "");
        let eval = app.evaluation().expect("evaluated");
        let f = eval
            .checks
            .iter()
            .flat_map(|c| &c.findings)
            .find(|f| f.check.as_ref() == "vpc.athena_endpoint" && f.resource.region.is_some())
            .expect("an endpoint finding");
        let mut app = app_after(state, theme(), 100, 40, "");
        app.follow(Link::Finding(f.id.to_string()), state);
        let doc = app.doc(app.view(), state).unwrap();
        let link = doc
            .lines
            .iter()
            .filter_map(|l| l.link.clone())
            .find(|l| matches!(l, Link::Diagram(_)))
            .expect("the network path line");
        let want = Element::OnPrem(Place {
            account: f.resource.account_id.to_string(),
            region: f.resource.region.as_deref().unwrap().to_string(),
        });
        assert_eq!(link, Link::Diagram(want.clone()));
        app.follow(link, state);
        assert_eq!(app.kinds().last(), Some(&Kind::Connectivity));
        assert_eq!(app.selected_link(state), Some(Link::Element(want)));
    });
}

#[test]
fn every_view_has_one_scope_and_title_that_read_back() {
    let mut scopes = std::collections::HashSet::new();
    for &k in Kind::ALL {
        assert!(scopes.insert(k.scope()), "{} twice", k.scope());
        assert!(!k.title().is_empty());
    }
    assert_eq!(scopes.len(), Kind::ALL.len());
}

/// Every table's title says its sort once one is chosen, as the bucket list's does.
#[test]
fn each_tables_title_names_its_sort() {
    let store = demo_store_blocking();
    store.read(|state| {
        for (tab, words) in [
            ("3", "sort result bucket ↑"),
            ("5", "sort status ↑"),
            ("6", "sort service ↑"),
            ("7", "sort scan ↑"),
        ] {
            let mut app = app_after(state, theme(), 160, 48, tab);
            let before = screen(&app, state, 160, 48);
            assert!(!before.contains(" · sort "), "{tab}: no sort yet\n{before}");
            press(&mut app, state, "s");
            let after = screen(&app, state, 160, 48);
            let title = after.lines().nth(2).unwrap_or("");
            assert!(title.contains(words), "{tab}: {words}\n{title}");
        }
    });
}

/// `g` in the Overview after paging down shows its top, the first heading included.
#[test]
fn g_shows_the_top_of_a_document_above_its_first_link() {
    let store = demo_store_blocking();
    store.read(|state| {
        let mut app = app_after(state, theme(), 80, 24, "");
        let top = screen(&app, state, 80, 24);
        assert!(top.contains("At a glance"), "{top}");
        press(&mut app, state, "<PgDn><PgDn>g");
        let again = screen(&app, state, 80, 24);
        assert!(again.contains("At a glance"), "{again}");
    });
}
