//! Golden files for every report format, on the demo estate and on a small hand-built one, and
//! the properties each format promises (valid JSON, RFC 4180 rows, OCSF classes, escaping).

mod compliance_support;
mod csv_support;

use compliance_support::*;
use csv_support::parse_csv;
use intransit::compliance::{Catalog, Evaluation, evaluate};
use intransit::model::{Estate, Mode, ScanMeta};
use intransit::report::{
    self, CSV_HEADER, Format, OCSF_VERSION, REPORT_SCHEMA, ReportInput, csv_field, md_escape,
};
use intransit::source::{SourceSpec, start};

struct Rendered {
    json: String,
    csv: String,
    markdown: String,
    ocsf: String,
}

fn render_all(evaluation: &Evaluation, estate: &Estate, meta: &ScanMeta) -> Rendered {
    let sources = vec!["builtin".to_string()];
    let input = ReportInput {
        group_by: None,
        evaluation,
        estate,
        meta,
        catalog_sources: &sources,
        plan: None,
    };
    Rendered {
        json: report::render(Format::Json, &input),
        csv: report::render(Format::Csv, &input),
        markdown: report::render(Format::Markdown, &input),
        ocsf: report::render(Format::Ocsf, &input),
    }
}

async fn demo() -> (Estate, ScanMeta) {
    let store = start(&SourceSpec::Demo { latency: false })
        .await
        .expect("demo starts")
        .finish()
        .await
        .expect("demo finishes");
    let snap = store.snapshot();
    // The demo stamps the wall clock; golden files need fixed scan times.
    let meta = ScanMeta {
        tool_version: "0.0.0-test".to_string(),
        started_at: Some("2025-03-14T09:00:00Z".to_string()),
        finished_at: Some("2025-03-14T09:00:01Z".to_string()),
        ..snap.scan
    };
    (snap.estate, meta)
}

fn small() -> (Estate, ScanMeta) {
    (small_estate(), fixed_meta(Mode::Snapshot))
}

fn check_properties(r: &Rendered, evaluation: &Evaluation) {
    let findings = evaluation.findings().len();

    let json: serde_json::Value = serde_json::from_str(&r.json).expect("JSON report parses");
    assert_eq!(json["schema"], REPORT_SCHEMA);
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(findings));
    let ids: Vec<&str> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["id"].as_str())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "findings sorted by id");

    let rows = parse_csv(&r.csv);
    assert_eq!(rows.len(), findings + 1);
    assert_eq!(rows[0], CSV_HEADER.map(str::to_string));
    for row in &rows {
        assert_eq!(row.len(), CSV_HEADER.len(), "{row:?}");
    }

    let ocsf: serde_json::Value = serde_json::from_str(&r.ocsf).expect("OCSF parses");
    let events = ocsf.as_array().expect("an array of events");
    assert_eq!(events.len(), findings);
    for e in events {
        assert_eq!(e["class_uid"], 2003);
        assert_eq!(e["category_uid"], 2);
        assert_eq!(e["type_uid"], 200301);
        assert_eq!(e["metadata"]["version"], "1.8.0");
        assert_eq!(e["metadata"]["profiles"], serde_json::json!(["cloud"]));
        assert!(e["time"].as_u64().is_some_and(|t| t > 0));
        assert!(e["finding_info"]["uid"].is_string());
        assert!(e["compliance"]["control"].is_string());
        assert!(
            !e["compliance"]["standards"]
                .as_array()
                .expect("standards")
                .is_empty()
        );
        assert!(
            !e["compliance"]["requirements"]
                .as_array()
                .expect("requirements")
                .is_empty()
        );
        assert!([1, 2, 3, 99].contains(&e["compliance"]["status_id"].as_u64().expect("status_id")));
        assert_eq!(e["resources"].as_array().map(Vec::len), Some(1));
    }

    for (name, text) in [
        ("json", &r.json),
        ("csv", &r.csv),
        ("markdown", &r.markdown),
        ("ocsf", &r.ocsf),
    ] {
        assert!(text.ends_with('\n'), "{name} ends with a newline");
        assert!(
            !text.contains('\u{1b}'),
            "{name} carries a raw escape character"
        );
    }
}

#[tokio::test]
async fn demo_reports() {
    let (estate, meta) = demo().await;
    let evaluation = evaluate(&Catalog::builtin(), &estate);
    let r = render_all(&evaluation, &estate, &meta);
    check_properties(&r, &evaluation);
    insta::assert_snapshot!("demo_markdown", r.markdown);
    insta::assert_snapshot!("demo_json", r.json);
    insta::assert_snapshot!("demo_csv", r.csv);
    insta::assert_snapshot!("demo_ocsf", r.ocsf);
}

#[tokio::test]
async fn demo_reports_are_deterministic() {
    let (e1, m1) = demo().await;
    let (e2, m2) = demo().await;
    let c = Catalog::builtin();
    let (v1, v2) = (evaluate(&c, &e1), evaluate(&c, &e2));
    let (a, b) = (render_all(&v1, &e1, &m1), render_all(&v2, &e2, &m2));
    assert_eq!(a.json, b.json);
    assert_eq!(a.csv, b.csv);
    assert_eq!(a.markdown, b.markdown);
    assert_eq!(a.ocsf, b.ocsf);
}

#[test]
fn small_estate_reports() {
    let (estate, meta) = small();
    let evaluation = evaluate(&Catalog::builtin(), &estate);
    let r = render_all(&evaluation, &estate, &meta);
    check_properties(&r, &evaluation);
    insta::assert_snapshot!("small_markdown", r.markdown);
    insta::assert_snapshot!("small_json", r.json);
    insta::assert_snapshot!("small_csv", r.csv);
    insta::assert_snapshot!("small_ocsf", r.ocsf);
}

#[test]
fn one_program_reports() {
    let (estate, meta) = small();
    let full = evaluate(&Catalog::builtin(), &estate);
    let evaluation = full.only_program("pci-dss-4.0").expect("program");
    let r = render_all(&evaluation, &estate, &meta);
    check_properties(&r, &evaluation);
    insta::assert_snapshot!("small_pci_markdown", r.markdown);
    insta::assert_snapshot!("small_pci_csv", r.csv);
    // OCSF requirements name only the selected program.
    let ocsf: serde_json::Value = serde_json::from_str(&r.ocsf).expect("parses");
    for e in ocsf.as_array().expect("array") {
        for req in e["compliance"]["requirements"]
            .as_array()
            .expect("requirements")
        {
            assert!(
                req.as_str()
                    .is_some_and(|s| s.starts_with("PCI DSS 4.0.1 ")),
                "{req}"
            );
        }
    }
}

/// The OCSF JSON Schema of the class and profiles the export declares, generated from the OCSF
/// release (tests/ocsf/README.md says how), and its validator.
struct OcsfSchema {
    schema: serde_json::Value,
    validator: jsonschema::Validator,
}

impl OcsfSchema {
    fn load() -> OcsfSchema {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/ocsf/compliance_finding-1.8.0.schema.json"
        ))
        .expect("the OCSF JSON Schema is readable");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema parses");
        assert_eq!(
            schema["$id"],
            format!(
                "https://schema.ocsf.io/schema/{OCSF_VERSION}/classes/compliance_finding?profiles=cloud"
            ),
            "the schema is for the version and profiles the export declares"
        );
        let validator = jsonschema::draft202012::new(&schema).expect("the schema compiles");
        OcsfSchema { schema, validator }
    }

    /// Every schema violation in an OCSF export, and every deprecated attribute it uses (valid,
    /// but on its way out), each naming the event (its index and `finding_info.uid`), the path
    /// in it and what is wrong; and the number of events.
    fn violations(&self, name: &str, ocsf: &str) -> (usize, Vec<String>) {
        let value: serde_json::Value = serde_json::from_str(ocsf).expect("OCSF parses");
        let events = value.as_array().expect("an array of events");
        let mut problems = Vec::new();
        for (i, e) in events.iter().enumerate() {
            let event = format!("{name} event {i} ({})", e["finding_info"]["uid"]);
            for error in self.validator.iter_errors(e) {
                let path = error.instance_path().to_string();
                problems.push(format!("{event}: at {path:?}: {error}"));
            }
            let mut deprecated = Vec::new();
            self.deprecated(&self.schema, e, String::new(), &mut deprecated);
            for path in deprecated {
                problems.push(format!(
                    "{event}: at {path:?}: deprecated in OCSF {OCSF_VERSION}"
                ));
            }
        }
        (events.len(), problems)
    }

    /// The paths in `value` (under `node` of the schema) of attributes marked deprecated.
    fn deprecated<'a>(
        &'a self,
        mut node: &'a serde_json::Value,
        value: &serde_json::Value,
        path: String,
        out: &mut Vec<String>,
    ) {
        while let Some(r) = node["$ref"].as_str() {
            node = &self.schema["$defs"][r.trim_start_matches("#/$defs/")];
        }
        let (Some(fields), Some(properties)) = (value.as_object(), node["properties"].as_object())
        else {
            return;
        };
        for (key, v) in fields {
            let Some(p) = properties.get(key) else {
                continue;
            };
            let here = format!("{path}/{key}");
            if p["deprecated"] == true {
                out.push(here.clone());
            }
            match (v.as_array(), p.get("items")) {
                (Some(items), Some(item)) => {
                    for (i, x) in items.iter().enumerate() {
                        self.deprecated(item, x, format!("{here}/{i}"), out);
                    }
                }
                _ => self.deprecated(p, v, here, out),
            }
        }
    }

    /// Fails on any violation in an OCSF export; returns the number of events.
    fn assert_valid(&self, name: &str, ocsf: &str) -> usize {
        let (events, problems) = self.violations(name, ocsf);
        assert!(
            problems.is_empty(),
            "{} OCSF schema violations in {name}:\n{}",
            problems.len(),
            problems.join("\n")
        );
        events
    }
}

/// The OCSF part of a golden snapshot file (after insta's header).
fn snapshot_body(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).expect("snapshot readable");
    let mut parts = text.splitn(3, "---\n");
    assert_eq!(
        parts.next(),
        Some(""),
        "{} opens with a header",
        path.display()
    );
    parts.nth(1).expect("snapshot body").to_string()
}

#[tokio::test]
async fn ocsf_exports_validate_against_the_ocsf_schema() {
    let ocsf = OcsfSchema::load();
    let catalog = Catalog::builtin();

    // The golden files as committed.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots");
    let mut goldens = 0;
    for entry in std::fs::read_dir(dir).expect("snapshots") {
        let path = entry.expect("entry").path();
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if file.starts_with("report_golden__") && file.ends_with("_ocsf.snap") {
            let n = ocsf.assert_valid(file, &snapshot_body(&path));
            eprintln!("{file}: {n} events valid");
            assert!(n > 0, "{file} has events");
            goldens += 1;
        }
    }
    assert!(goldens >= 2, "the demo and small golden OCSF exports");

    // Rendered as the golden tests render them, for the whole catalog and for each program.
    let (demo_estate, demo_meta) = demo().await;
    let (small_estate, small_meta) = small();
    let mut no_times = demo_meta.clone();
    no_times.started_at = None;
    no_times.finished_at = None;
    for (name, estate, meta) in [
        ("demo", &demo_estate, &demo_meta),
        ("demo without scan times", &demo_estate, &no_times),
        ("small", &small_estate, &small_meta),
    ] {
        let full = evaluate(&catalog, estate);
        let n = ocsf.assert_valid(name, &render_all(&full, estate, meta).ocsf);
        eprintln!("{name}: {n} events valid");
        assert_eq!(n, full.findings().len());
        for program in &catalog.programs {
            let only = full.only_program(&program.id).expect("program");
            let label = format!("{name} --program {}", program.id);
            let n = ocsf.assert_valid(&label, &render_all(&only, estate, meta).ocsf);
            eprintln!("{label}: {n} events valid");
        }
    }
}

#[test]
fn an_invalid_ocsf_event_is_reported_with_its_path() {
    let schema = OcsfSchema::load();
    let (estate, meta) = small();
    let evaluation = evaluate(&Catalog::builtin(), &estate);
    let ocsf = render_all(&evaluation, &estate, &meta).ocsf;
    let mut events: Vec<serde_json::Value> = serde_json::from_str(&ocsf).expect("parses");
    events[1]["compliance"]["status_id"] = serde_json::json!(7);
    events[1]["resources"][0]["account_uid"] = serde_json::json!("111111111111");
    events[1]["compliance"]["status_detail"] = serde_json::json!("one string, as before 1.4.0");
    let broken = serde_json::to_string(&events).expect("serializes");
    let (n, problems) = schema.violations("broken", &broken);
    assert_eq!(n, events.len());
    assert_eq!(problems.len(), 3, "{problems:#?}");
    let at = |path: &str| {
        let prefix = format!(
            "broken event 1 ({}): at \"{path}\": ",
            events[1]["finding_info"]["uid"]
        );
        problems.iter().find(|p| p.starts_with(&prefix)).cloned()
    };
    let status = at("/compliance/status_id").expect("the bad status_id is reported");
    assert!(status.contains("7 is not one of"), "{status}");
    let resource = at("/resources/0").expect("the unknown resource attribute is reported");
    assert!(resource.contains("account_uid"), "{resource}");
    let detail = at("/compliance/status_detail").expect("the deprecated attribute is reported");
    assert!(detail.ends_with("deprecated in OCSF 1.8.0"), "{detail}");
}

#[test]
fn markdown_escapes_untrusted_text() {
    assert_eq!(md_escape("a|b"), "a\\|b");
    assert_eq!(md_escape("`x`"), "\\`x\\`");
    assert_eq!(md_escape("<script>&"), "&lt;script&gt;&amp;");
    assert_eq!(md_escape("red\u{1b}[31m!\u{7}"), "red!");
    assert_eq!(md_escape("[link](http://x)"), "\\[link\\](http://x)");
    assert_eq!(md_escape("plain-name.with.dots"), "plain-name.with.dots");

    let (estate, meta) = small();
    let evaluation = evaluate(&Catalog::builtin(), &estate);
    let md = render_all(&evaluation, &estate, &meta).markdown;
    assert!(md.contains("branch \\| &lt;b&gt;bold&lt;/b&gt; \\`tick\\` red \\*star\\*"));
    assert!(!md.contains("<b>"));
    // Every table row keeps its column count despite the `|` in the name.
    for line in md
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains("vpn-0weak"))
    {
        let cells = line.replace("\\|", "").matches('|').count();
        // The paths table (its rows open with the path id) has six columns, findings eight.
        let columns = if line.starts_with("| 111111111111/") {
            7
        } else {
            9
        };
        assert_eq!(cells, columns, "{line}");
    }
}

#[test]
fn json_keeps_untrusted_text_as_data() {
    let (estate, meta) = small();
    let evaluation = evaluate(&Catalog::builtin(), &estate);
    let json: serde_json::Value =
        serde_json::from_str(&render_all(&evaluation, &estate, &meta).json).expect("parses");
    let names: Vec<&str> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["resource"]["name"].as_str())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.contains("\u{1b}[31m") && n.contains("<b>"))
    );
}

#[test]
fn csv_fields_follow_rfc_4180() {
    assert_eq!(csv_field("plain"), "plain");
    assert_eq!(csv_field("a,b"), "\"a,b\"");
    assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv_field(""), "");
    assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    assert_eq!(csv_field("@sum"), "'@sum");
    assert_eq!(csv_field("esc\u{1b}[2Jape"), "escape");
    let rows = parse_csv("a,\"b,c\",\"d \"\"e\"\"\"\r\n");
    assert_eq!(rows, vec![vec!["a", "b,c", "d \"e\""]]);
}

/// `--group-by`: the JSON summary's groups count the same findings as the report, each once;
/// an OU's group is the sum of its accounts' groups; the demo's accounts not scanned are
/// counted in their OU, and Markdown says so per OU.
#[tokio::test]
async fn grouped_reports_count_every_finding_once() {
    use intransit::report::GroupBy;
    let (estate, meta) = demo().await;
    let evaluation = evaluate(&Catalog::builtin(), &estate);
    let sources = vec!["builtin".to_string()];
    let json_of = |by: GroupBy| -> serde_json::Value {
        let input = ReportInput {
            group_by: Some(by),
            evaluation: &evaluation,
            estate: &estate,
            meta: &meta,
            catalog_sources: &sources,
            plan: None,
        };
        serde_json::from_str(&report::render(Format::Json, &input)).expect("JSON")
    };
    let total = |v: &serde_json::Value| -> u64 {
        ["pass", "partial", "unknown", "fail", "not_applicable"]
            .iter()
            .map(|k| v[k].as_u64().unwrap_or(0))
            .sum()
    };
    let mut per_ou_from_accounts: std::collections::BTreeMap<String, u64> = Default::default();
    for (by, key) in [(GroupBy::Account, "account"), (GroupBy::Ou, "ou")] {
        let v = json_of(by);
        let summary = &v["summary"];
        assert_eq!(summary["groups"]["by"], key);
        let groups = summary["groups"]["groups"].as_array().expect("groups");
        let sum: u64 = groups.iter().map(|g| total(&g["findings"])).sum();
        assert_eq!(
            sum,
            total(&summary["findings"]),
            "{key}: every finding once"
        );
        match by {
            GroupBy::Account => {
                assert_eq!(groups.len(), estate.accounts.len());
                for g in groups {
                    *per_ou_from_accounts
                        .entry(g["ou_path"].as_str().unwrap().to_string())
                        .or_default() += total(&g["findings"]);
                }
            }
            GroupBy::Ou => {
                let per_ou: std::collections::BTreeMap<String, u64> = groups
                    .iter()
                    .map(|g| {
                        (
                            g["key"].as_str().unwrap().to_string(),
                            total(&g["findings"]),
                        )
                    })
                    .collect();
                assert_eq!(
                    per_ou, per_ou_from_accounts,
                    "an OU is the sum of its accounts"
                );
                let not_scanned: u64 = groups
                    .iter()
                    .map(|g| g["accounts_not_scanned"].as_u64().unwrap())
                    .sum();
                assert_eq!(not_scanned, 2);
            }
        }
    }
    let input = ReportInput {
        group_by: Some(GroupBy::Ou),
        evaluation: &evaluation,
        estate: &estate,
        meta: &meta,
        catalog_sources: &sources,
        plan: None,
    };
    let md = report::render(Format::Markdown, &input);
    assert!(md.contains("## Findings by OU and account"), "{md}");
    assert!(
        md.contains("| Root/Sandbox | 2 | 1 |"),
        "sandbox and old-marketing"
    );
    let ungrouped = render_all(&evaluation, &estate, &meta);
    assert!(
        !serde_json::from_str::<serde_json::Value>(&ungrouped.json).unwrap()["summary"]
            .as_object()
            .unwrap()
            .contains_key("groups"),
        "no groups unless asked"
    );
}
