//! One truth on every screen: for every element of the demo estate, the status the console
//! shows is the worst status the JSON report gives the same resource, and every network
//! finding the report does not pass appears in the Overview and in Connectivity.

use std::collections::BTreeMap;

use intransit::compliance::{Catalog, Evaluation, Status, evaluate};
use intransit::model::EndpointService;
use intransit::report::{Format, ReportInput, render};
use intransit::store::State;
use intransit::ui::element::Element;
use intransit::ui::screenshot::{app_after, demo_store_blocking};
use intransit::ui::views::compliance::status as ui;
use intransit::ui::views::connectivity::{
    Place, diagram, dx_status, endpoint_status, judged, places, tunnel_status, vpn_status,
};
use intransit::ui::widgets::{Status as Glyph, verdict_text};
use intransit::ui::{Depth, Link, Theme};

/// `(kind, id)` → every finding status the JSON report gives that resource.
type Report = BTreeMap<(String, String), Vec<Status>>;

fn report(state: &State) -> (Report, serde_json::Value) {
    let evaluation = evaluate(&Catalog::builtin(), &state.estate);
    let text = render(
        Format::Json,
        &ReportInput {
            group_by: None,
            evaluation: &evaluation,
            estate: &state.estate,
            meta: &state.meta,
            catalog_sources: &["builtin".to_string()],
            plan: None,
        },
    );
    let json: serde_json::Value = serde_json::from_str(&text).expect("the report is JSON");
    let mut out: Report = BTreeMap::new();
    for f in json["findings"].as_array().expect("findings") {
        let status: Status = serde_json::from_value(f["status"].clone()).expect("a status");
        let key = (
            f["resource"]["kind"].as_str().unwrap().to_string(),
            f["resource"]["id"].as_str().unwrap().to_string(),
        );
        out.entry(key).or_default().push(status);
    }
    (out, json)
}

fn worst(report: &Report, kind: &str, id: &str) -> Glyph {
    let statuses = report
        .get(&(kind.to_string(), id.to_string()))
        .unwrap_or_else(|| panic!("the report judges {kind} {id}"));
    ui(Status::worst(statuses.iter().copied()))
}

fn theme() -> Theme {
    Theme::load("default", Depth::Ansi16).expect("theme")
}

#[test]
fn every_console_status_is_the_reports_worst_finding() {
    let store = demo_store_blocking();
    store.read(|state| {
        let app = app_after(state, theme(), 160, 48, "");
        let eval = app.evaluation();
        let (report, _) = report(state);
        let c = &state.estate.connectivity;
        let mut checked = 0;
        for v in &c.vpn_connections {
            let mut tunnels = Vec::new();
            for t in &v.tunnels {
                let id = format!("{}/{}", v.id, t.outside_ip);
                let want = worst(&report, "vpn_tunnel", &id);
                assert_eq!(tunnel_status(eval, v, t).0, want, "tunnel {id}");
                tunnels.push(want);
                checked += 1;
            }
            let worst_tunnel = tunnels.iter().copied().min_by_key(|s| *s as u8).unwrap();
            assert_eq!(vpn_status(eval, v).0, worst_tunnel, "VPN {}", v.id);
        }
        for d in &c.dx_connections {
            assert_eq!(
                dx_status(eval, d).0,
                worst(&report, "dx_connection", &d.id),
                "{}",
                d.id
            );
            checked += 1;
        }
        for b in &state.estate.buckets {
            let shown = judged(eval, intransit::compliance::ResourceKind::S3Bucket, &b.name);
            assert_eq!(
                shown,
                worst(&report, "s3_bucket", &b.name),
                "bucket {}",
                b.name
            );
            // The verdict glyph in the lists is the s3.deny_http finding's status.
            let verdict = verdict_text(b.tls.verdict());
            let deny_http = report_status_of(eval.expect("evaluated"), "s3.deny_http", &b.name);
            assert!(
                verdict.starts_with(ui(deny_http).glyph()),
                "bucket {} verdict {verdict}",
                b.name
            );
            checked += 1;
        }
        for w in &state.estate.workgroups {
            let id = format!("{}/{}/{}", w.account_id, w.region, w.name);
            let shown = judged(
                eval,
                intransit::compliance::ResourceKind::AthenaWorkgroup,
                &id,
            );
            assert_eq!(
                shown,
                worst(&report, "athena_workgroup", &id),
                "workgroup {id}"
            );
            checked += 1;
        }
        for a in &state.estate.accounts {
            let shown = judged(eval, intransit::compliance::ResourceKind::Account, &a.id);
            assert_eq!(shown, worst(&report, "account", &a.id), "account {}", a.id);
            checked += 1;
        }
        // Endpoint lines: the endpoint check's finding for the account region.
        for p in places(state, eval) {
            for (service, check) in [
                (EndpointService::Athena, "vpc.athena_endpoint"),
                (EndpointService::S3, "vpc.s3_endpoint"),
            ] {
                let shown = endpoint_status(state, eval, &p, service).0;
                match check_status(eval.expect("evaluated"), check, &p) {
                    Some(s) => {
                        assert_eq!(shown, ui(s), "{check} {}", p.key());
                        checked += 1;
                    }
                    None => assert_eq!(shown, Glyph::Info, "{check} {} has no finding", p.key()),
                }
            }
        }
        assert!(checked > 100, "walked {checked} elements");
    });
}

fn report_status_of(eval: &Evaluation, check: &str, id: &str) -> Status {
    eval.check(check)
        .and_then(|c| c.findings.iter().find(|f| *f.resource.id == *id))
        .map(|f| f.status)
        .unwrap_or_else(|| panic!("{check} judges {id}"))
}

fn check_status(eval: &Evaluation, check: &str, p: &Place) -> Option<Status> {
    eval.check(check)?
        .findings
        .iter()
        .find(|f| *f.resource.id == *p.key())
        .map(|f| f.status)
}

#[test]
fn every_network_finding_that_does_not_pass_is_on_the_overview_and_in_connectivity() {
    let store = demo_store_blocking();
    store.read(|state| {
        let app = app_after(state, theme(), 160, 48, "");
        let (_, json) = report(state);
        let overview = app
            .doc(app.view(), state)
            .expect("the overview is a document");
        let overview_links: Vec<&Link> = overview
            .lines
            .iter()
            .filter_map(|l| l.link.as_ref())
            .collect();
        let eval = app.evaluation();
        let diagram = diagram(state, eval, &theme(), 100);
        let diagram_links: Vec<&Link> = diagram
            .lines
            .iter()
            .filter_map(|l| l.link.as_ref())
            .collect();
        let mut seen = 0;
        for f in json["findings"].as_array().unwrap() {
            let check = f["check"].as_str().unwrap();
            if ![
                "vpn.tunnels",
                "dx.link_encryption",
                "vpc.athena_endpoint",
                "vpc.s3_endpoint",
            ]
            .contains(&check)
            {
                continue;
            }
            let status: Status = serde_json::from_value(f["status"].clone()).unwrap();
            if !status.at_or_below(Status::Partial) {
                continue;
            }
            let id = f["resource"]["id"].as_str().unwrap();
            let element = match (f["resource"]["kind"].as_str().unwrap(), check) {
                ("vpn_tunnel", _) => {
                    let (vpn, ip) = id.split_once('/').unwrap();
                    Element::Tunnel {
                        vpn: vpn.into(),
                        ip: ip.into(),
                    }
                }
                ("dx_connection", _) => Element::Dx(id.into()),
                // An account the scan could not enter: one element says so.
                ("account", _) => Element::Account(id.into()),
                (_, "vpc.athena_endpoint") => Element::AthenaEndpoints(Place::parse(id)),
                (_, "vpc.s3_endpoint") => Element::S3Endpoints(Place::parse(id)),
                (_, "dx.link_encryption") => Element::DxErrors(Place::parse(id)),
                other => panic!("no element for {other:?}"),
            };
            let link = Link::Element(element.clone());
            assert!(
                overview_links.contains(&&link),
                "the overview lists {}",
                f["id"]
            );
            assert!(
                diagram_links.contains(&&link),
                "Connectivity draws {element:?}"
            );
            seen += 1;
        }
        // The two the first console missed: an account without links still gets its box.
        for key in ["444455556666/eu-west-1", "777788889999/us-east-1"] {
            assert!(
                diagram_links
                    .contains(&&Link::Element(Element::AthenaEndpoints(Place::parse(key)))),
                "Connectivity has a box for {key}"
            );
        }
        assert!(seen >= 8, "{seen} network findings that do not pass");
    });
}

#[test]
fn paths_are_the_same_in_the_console_scan_json_and_the_evidence_pack() {
    let store = demo_store_blocking();
    store.read(|state| {
        let app = app_after(state, theme(), 160, 48, "");
        let eval = app.evaluation().expect("evaluated");
        assert!(!eval.paths.is_empty());
        let diagram = diagram(state, Some(eval), &theme(), 100);
        let links: Vec<&Link> = diagram
            .lines
            .iter()
            .filter_map(|l| l.link.as_ref())
            .collect();
        let pack = render(
            Format::Markdown,
            &ReportInput {
                group_by: None,
                evaluation: eval,
                estate: &state.estate,
                meta: &state.meta,
                catalog_sources: &["builtin".to_string()],
                plan: None,
            },
        );
        for p in &eval.paths {
            assert!(
                links.contains(&&Link::Element(Element::Path(p.id.clone()))),
                "{} drawn",
                p.id
            );
            let row = pack
                .lines()
                .find(|l| l.starts_with(&format!("| {} |", intransit::report::md_escape(&p.id))))
                .unwrap_or_else(|| panic!("the pack lists path {}", p.id));
            assert!(row.contains(p.verdict.label()), "{row}");
            // A path is as strong as its weakest hop.
            assert_eq!(p.verdict, Status::worst(p.hops.iter().map(|h| h.verdict)));
        }
    });
}

#[test]
fn scan_json_carries_every_path_with_its_hops() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_intransit"))
        .args(["scan", "--demo", "--no-latency"])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("intransit runs");
    // 4: the demo estate has a Direct Connect listing that failed (and says so).
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let paths = json["paths"].as_array().expect("paths[]");
    let store = demo_store_blocking();
    let expected = store.read(|s| evaluate(&Catalog::builtin(), &s.estate).paths.len());
    assert_eq!(paths.len(), expected);
    for p in paths {
        let hops = p["hops"].as_array().expect("hops[]");
        let mut verdicts = Vec::new();
        for h in hops {
            for field in ["kind", "id", "verdict", "reason"] {
                assert!(h[field].is_string(), "hop {field} in {}", p["id"]);
            }
            verdicts.push(serde_json::from_value::<Status>(h["verdict"].clone()).unwrap());
        }
        let verdict: Status = serde_json::from_value(p["verdict"].clone()).unwrap();
        assert_eq!(verdict, Status::worst(verdicts), "{}", p["id"]);
    }
    // A Direct Connect link without MACsec is a failing hop, and says TLS still protects the payload.
    let plain = paths
        .iter()
        .flat_map(|p| p["hops"].as_array().unwrap())
        .find(|h| h["id"] == "dxcon-fgnw3c4d")
        .expect("the plain Direct Connect link is a hop");
    assert_eq!(plain["verdict"], "fail");
    assert!(
        plain["reason"]
            .as_str()
            .unwrap()
            .contains("payload is protected")
    );
}

/// The Accounts view counts each account's findings as the report's `--group-by account`
/// summary does, and each of its bucket counts opens a bucket list of exactly that many
/// buckets, all in the account and all with that verdict.
#[test]
fn the_accounts_view_counts_what_the_report_and_the_bucket_list_show() {
    use intransit::report::GroupBy;
    let store = demo_store_blocking();
    store.read(|state| {
        let app = app_after(state, theme(), 160, 48, "7");
        let eval = app.evaluation().expect("evaluated");
        let text = render(
            Format::Json,
            &ReportInput {
                group_by: Some(GroupBy::Account),
                evaluation: eval,
                estate: &state.estate,
                meta: &state.meta,
                catalog_sources: &["builtin".to_string()],
                plan: None,
            },
        );
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let groups = json["summary"]["groups"]["groups"]
            .as_array()
            .expect("groups");
        let intransit::ui::View::Accounts(view) = app.view() else {
            panic!("7 opens the Accounts view");
        };
        assert_eq!(view.rows.len(), state.estate.accounts.len());
        for i in 0..view.rows.len() {
            let s = view.row(i).expect("a row");
            let g = groups
                .iter()
                .find(|g| g["key"] == s.id.as_str())
                .unwrap_or_else(|| panic!("the report groups account {}", s.id));
            assert_eq!(s.findings.fail as u64, g["findings"]["fail"], "{}", s.id);
            assert_eq!(
                s.findings.unknown as u64, g["findings"]["unknown"],
                "{}",
                s.id
            );
            let in_account = state
                .estate
                .buckets
                .iter()
                .filter(|b| b.account_id == s.id)
                .count();
            assert_eq!(s.buckets.iter().sum::<usize>(), in_account, "{}", s.id);
            bucket_links_open_what_they_count(state, &s.id, s.buckets);
        }
    });
}

fn bucket_links_open_what_they_count(state: &State, id: &str, counts: [usize; 4]) {
    use intransit::policy::Verdict;
    let mut app = app_after(state, theme(), 160, 48, "7");
    app.follow(Link::Element(Element::Account(id.into())), state);
    let doc = app.doc(app.view(), state).expect("the account detail");
    let links: Vec<String> = doc
        .lines
        .iter()
        .filter_map(|l| match &l.link {
            Some(Link::Buckets(f)) => Some(f.clone()),
            _ => None,
        })
        .collect();
    let verdicts = [
        Verdict::Enforced,
        Verdict::Partial,
        Verdict::NotEnforced,
        Verdict::Unknown,
    ];
    let shown: Vec<(Verdict, usize)> = verdicts
        .into_iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(
        links.len(),
        shown.len(),
        "one bucket link per verdict of {id}"
    );
    for (filter, (verdict, n)) in links.into_iter().zip(shown) {
        let mut list = app_after(state, theme(), 160, 48, "");
        list.follow(Link::Buckets(filter.clone()), state);
        let intransit::ui::View::Buckets(b) = list.view() else {
            panic!("a bucket link opens the bucket list");
        };
        assert_eq!(b.rows.len(), n, "{filter}");
        for &r in &b.rows {
            let bucket = &state.estate.buckets[r];
            assert_eq!(bucket.account_id, id, "{filter}");
            assert_eq!(bucket.tls.verdict(), verdict, "{filter}");
        }
    }
}
