//! Accepted exceptions on the demo estate: what each match key accepts, expiry on the day
//! boundary (the day is given, never read from the clock), stale entries, the open statuses
//! `--fail-on` judges, and the errors a malformed file gets.

use intransit::compliance::exceptions::{Day, EntryState, Exceptions, parse};
use intransit::compliance::{Catalog, Evaluation, Finding, Status, evaluate};
use intransit::model::Estate;
use intransit::ui::screenshot::demo_store_blocking;

fn estate() -> Estate {
    demo_store_blocking().read(|s| s.estate.clone())
}

fn day(text: &str) -> Day {
    Day::parse(text).expect("a date")
}

/// The demo estate evaluated with `entries` (TOML) applied as of `as_of`.
fn accepted(estate: &Estate, entries: &str, as_of: &str) -> Evaluation {
    let exceptions = Exceptions {
        source: Some("exceptions.toml".into()),
        entries: parse("exceptions.toml", entries).expect("a valid file"),
    };
    let mut ev = evaluate(&Catalog::builtin(), estate);
    ev.accept(&exceptions, estate, day(as_of));
    ev
}

fn entry(keys: &str) -> String {
    format!(
        "[[exception]]\n{keys}\nreason = \"accepted for the test\"\nowner = \"secops@example.com\"\nexpires = 2027-03-31\n"
    )
}

fn needs_accepting(f: &Finding) -> bool {
    matches!(f.status, Status::Fail | Status::Unknown | Status::Partial)
}

/// Ids of the findings that need accepting and satisfy `rule`, sorted.
fn expected(ev: &Evaluation, rule: impl Fn(&Finding) -> bool) -> Vec<String> {
    let mut ids: Vec<String> = ev
        .findings()
        .into_iter()
        .filter(|f| needs_accepting(f) && rule(f))
        .map(|f| f.id.to_string())
        .collect();
    ids.sort();
    ids
}

fn matched(ev: &Evaluation) -> Vec<String> {
    ev.acceptance.entries[0]
        .matched
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn account_of<'a>(estate: &'a Estate, f: &Finding) -> Option<&'a intransit::model::Account> {
    estate
        .accounts
        .iter()
        .find(|a| a.id == *f.resource.account_id)
}

#[test]
fn each_match_key_accepts_exactly_the_findings_it_names() {
    let estate = estate();
    let analytics = estate
        .accounts
        .iter()
        .find(|a| a.name.as_deref() == Some("analytics-prod"))
        .expect("the demo's analytics account")
        .id
        .clone();
    let failing_bucket = evaluate(&Catalog::builtin(), &estate)
        .findings()
        .into_iter()
        .find(|f| f.check == "s3.deny_http" && f.status == Status::Fail)
        .map(|f| f.resource.id.to_string())
        .expect("a bucket that accepts HTTP");
    let prefix: String = failing_bucket.chars().take(4).collect();
    // (keys, the rule that decides which findings they match)
    type Rule<'a> = Box<dyn Fn(&Finding) -> bool + 'a>;
    let cases: Vec<(String, Rule)> = vec![
        (
            "check = \"s3.deny_http\"".into(),
            Box::new(|f| f.check == "s3.deny_http"),
        ),
        (
            "check = \"s3.*\"".into(),
            Box::new(|f| f.check.starts_with("s3.")),
        ),
        (
            format!("resource = \"arn:aws:s3:::{failing_bucket}\""),
            Box::new(|f| *f.resource.id == *failing_bucket),
        ),
        (
            format!("resource = \"{prefix}*\""),
            Box::new(|f| {
                f.resource.id.starts_with(&prefix)
                    || f.resource
                        .name
                        .as_deref()
                        .is_some_and(|n| n.starts_with(&prefix))
            }),
        ),
        (
            "account = \"analytics-prod\"".into(),
            Box::new(|f| *f.resource.account_id == *analytics),
        ),
        (
            format!("account = \"{analytics}\""),
            Box::new(|f| *f.resource.account_id == *analytics),
        ),
        (
            "ou = \"Workloads\"".into(),
            Box::new(|f| {
                account_of(&estate, f)
                    .and_then(|a| a.ou_path.as_deref())
                    .is_some_and(|p| p.split('/').any(|s| s == "Workloads"))
            }),
        ),
        (
            "ou = \"Root/Workloads/Prod\"".into(),
            Box::new(|f| {
                account_of(&estate, f).and_then(|a| a.ou_path.as_deref())
                    == Some("Root/Workloads/Prod")
            }),
        ),
        (
            "tag = \"team=data-*\"".into(),
            Box::new(|f| {
                account_of(&estate, f)
                    .and_then(|a| a.tags.get("team"))
                    .is_some_and(|t| t.starts_with("data-"))
            }),
        ),
        (
            "check = \"s3.deny_http\"\naccount = \"analytics-prod\"".into(),
            Box::new(|f| f.check == "s3.deny_http" && *f.resource.account_id == *analytics),
        ),
    ];
    for (keys, rule) in &cases {
        let ev = accepted(&estate, &entry(keys), "2027-01-01");
        let want = expected(&ev, rule);
        assert!(!want.is_empty(), "{keys}: the demo has findings to accept");
        assert_eq!(matched(&ev), want, "{keys}");
        assert_eq!(ev.acceptance.entries[0].state, EntryState::Active, "{keys}");
        for f in ev.findings() {
            let is = ev.acceptance.accepted(&f.id, None).is_some();
            assert_eq!(is, want.contains(&f.id.to_string()), "{keys}: {}", f.id);
        }
    }
}

#[test]
fn an_ou_is_matched_by_whole_names_not_by_a_prefix_of_one() {
    let estate = estate();
    let ev = accepted(&estate, &entry("ou = \"Root/Work\""), "2027-01-01");
    assert!(matched(&ev).is_empty());
    assert_eq!(ev.acceptance.entries[0].state, EntryState::Stale);
}

#[test]
fn a_control_key_accepts_the_finding_in_that_control_only() {
    let estate = estate();
    let plain = evaluate(&Catalog::builtin(), &estate);
    let controls: Vec<String> = plain
        .programs
        .iter()
        .flat_map(|p| {
            p.controls
                .iter()
                .filter(|c| c.checks.iter().any(|x| x == "s3.deny_http"))
                .map(move |c| format!("{}:{}", p.id, c.id))
        })
        .collect();
    assert!(controls.len() >= 2, "s3.deny_http decides several controls");
    let (one, other) = (&controls[0], &controls[1]);
    let ev = accepted(
        &estate,
        &entry(&format!("check = \"s3.deny_http\"\ncontrol = \"{one}\"")),
        "2027-01-01",
    );
    let id = &ev.acceptance.entries[0].matched[0];
    assert!(ev.acceptance.accepted(id, Some(one)).is_some());
    assert!(ev.acceptance.accepted(id, Some(other)).is_none());
    assert!(
        ev.acceptance.accepted(id, None).is_none(),
        "not accepted everywhere"
    );
    assert!(ev.acceptance.accepted_somewhere(id).is_some());
}

#[test]
fn an_entry_applies_through_its_expiry_day_and_not_the_day_after() {
    let estate = estate();
    let keys = entry("check = \"s3.deny_http\"");
    let on_the_day = accepted(&estate, &keys, "2027-03-31");
    let day_after = accepted(&estate, &keys, "2027-04-01");
    assert_eq!(on_the_day.acceptance.entries[0].state, EntryState::Active);
    assert_eq!(day_after.acceptance.entries[0].state, EntryState::Expired);
    let id = &on_the_day.acceptance.entries[0].matched[0];
    assert!(on_the_day.acceptance.accepted(id, None).is_some());
    assert!(day_after.acceptance.accepted(id, None).is_none());
    assert_eq!(
        day_after.acceptance.entries[0].matched, on_the_day.acceptance.entries[0].matched,
        "an expired entry still says what it matches"
    );
    let warnings = day_after.acceptance.warnings();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains("expired on 2027-03-31"),
        "{warnings:?}"
    );
}

#[test]
fn an_entry_that_matches_nothing_to_accept_is_stale() {
    let estate = estate();
    // Passing findings need no acceptance: an entry matching only those is stale too.
    let ev = accepted(
        &estate,
        &format!(
            "{}\n{}",
            entry("resource = \"no-such-bucket-*\""),
            entry("check = \"s3.deny_http\"")
        ),
        "2027-01-01",
    );
    let states: Vec<EntryState> = ev.acceptance.entries.iter().map(|e| e.state).collect();
    assert_eq!(states, [EntryState::Stale, EntryState::Active]);
    assert_eq!(ev.acceptance.counts(), (1, 0, 1));
}

#[test]
fn accepting_every_failure_of_a_control_changes_its_open_status_never_its_status() {
    let estate = estate();
    let plain = evaluate(&Catalog::builtin(), &estate);
    // A required control failing on s3.deny_http findings only.
    let (program, control) = plain
        .programs
        .iter()
        .flat_map(|p| p.controls.iter().map(move |c| (p, c)))
        .find(|(_, c)| {
            !c.optional
                && c.status == Status::Fail
                && plain
                    .control_findings(c)
                    .iter()
                    .filter(|f| f.status == Status::Fail)
                    .all(|f| f.check == "s3.deny_http")
        })
        .expect("a control failed by s3.deny_http alone");
    let key = format!("{}:{}", program.id, control.id);
    let ev = accepted(
        &estate,
        &entry(&format!("check = \"s3.deny_http\"\ncontrol = \"{key}\"")),
        "2027-01-01",
    );
    let judged = ev
        .program(&program.id)
        .and_then(|p| p.controls.iter().find(|c| c.id == control.id))
        .expect("the control");
    assert_eq!(judged.status, Status::Fail, "the status never changes");
    let open = judged.open.expect("an open status with exceptions applied");
    assert!(open.status > Status::Fail, "{:?}", open.status);
    assert_eq!(
        open.accepted,
        ev.control_findings(judged)
            .iter()
            .filter(|f| f.check == "s3.deny_http" && needs_accepting(f))
            .count()
    );
    let failing = |ev: &Evaluation| {
        ev.controls_at_or_below(Status::Fail)
            .iter()
            .any(|(p, c)| *p == program.id && c.id == control.id)
    };
    assert!(failing(&plain));
    assert!(
        !failing(&ev),
        "--fail-on fail sets the accepted findings aside"
    );
    // Expired, the failures count again.
    let expired = accepted(
        &estate,
        &entry(&format!("check = \"s3.deny_http\"\ncontrol = \"{key}\"")),
        "2027-04-01",
    );
    assert!(failing(&expired));
}

#[test]
fn a_malformed_file_is_refused_with_its_line_and_column() {
    let good = "reason = \"r\"\nowner = \"o\"\nexpires = 2027-03-31";
    // (file, what the error must say)
    let cases = [
        (
            format!("[[exception]]\ncheck = \"s3.deny_http\"\n{good}\nsuppress = true\n"),
            "line 6, column 1",
        ),
        (
            format!("[[exception]]\ncheck = \"s3.deny_http\"\n{good}\nsuppress = true\n"),
            "unknown field `suppress`",
        ),
        (
            "[[exception]]\ncheck = \"s3.deny_http\"\nreason = \"r\"\nowner = \"o\"\n".into(),
            "expires",
        ),
        (
            format!("[[exception]]\n{good}\n"),
            "no match key",
        ),
        (
            "[[exception]]\ncheck = \"x\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-03-31T10:00:00Z\n".into(),
            "is not a date",
        ),
        (
            format!("[[exception]]\ncontrol = \"4.2.1\"\n{good}\n"),
            "not `program:control`",
        ),
        (
            format!("[[exception]]\ntag = \"team\"\n{good}\n"),
            "not `KEY=VALUE`",
        ),
        (
            "[[exception]]\ncheck = \"x\"\nreason = \" \"\nowner = \"o\"\nexpires = 2027-03-31\n".into(),
            "`reason` is empty",
        ),
        ("[[exception]\ncheck = \"x\"\n".into(), "line 1"),
        (
            format!("\n\n[[exception]]\n{good}\n"),
            "line 3, column 1: exception 1",
        ),
    ];
    for (text, want) in &cases {
        let err = parse("team.toml", text).expect_err(text).to_string();
        assert!(err.starts_with("team.toml: "), "{err}");
        assert!(err.contains(want), "{text}\n→ {err}\nwant {want:?}");
    }
}

#[test]
fn a_missing_file_given_by_name_is_an_error_and_accepts_nothing() {
    let err = Exceptions::find(Some(std::path::Path::new("/nonexistent/exceptions.toml")))
        .expect_err("a missing file");
    assert!(err.to_string().contains("nothing is accepted"), "{err}");
}
