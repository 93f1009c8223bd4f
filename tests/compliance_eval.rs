//! Evaluation rules and every check's rules, on hand-built estates.

mod compliance_support;

use std::collections::BTreeMap;

use compliance_support::*;
use intransit::compliance::{
    Catalog, Counts, Finding, ResourceKind, Severity, Status, checks, evaluate,
};
use intransit::model::{Estate, VpnTunnel};

fn run(check: &str, estate: &Estate) -> Vec<Finding> {
    checks::run(checks::get(check).expect("check exists"), estate)
}

fn by_resource(findings: &[Finding]) -> BTreeMap<String, Status> {
    findings
        .iter()
        .map(|f| (f.resource.id.to_string(), f.status))
        .collect()
}

fn catalog(controls: &str) -> Catalog {
    Catalog::from_toml(&format!(
        "schema = \"intransit.catalog/v1\"\n\n[[programs]]\nid = \"t\"\nname = \"Test\"\nversion = \"1\"\npublisher = \"us\"\n{controls}"
    ))
    .expect("valid test catalog")
}

fn control(id: &str, checks: &[&str], optional: bool) -> String {
    let list: Vec<String> = checks.iter().map(|c| format!("\"{c}\"")).collect();
    format!(
        "\n[[programs.controls]]\nid = \"{id}\"\ntitle = \"{id}\"\nrequirement = \"requirement of {id}\"\ncitation = \"test {id}\"\nchecks = [{}]\noptional = {optional}\n",
        list.join(", ")
    )
}

// ---- status order and control rules -------------------------------------------------------

#[test]
fn the_status_order_is_fail_unknown_partial_pass() {
    use Status::*;
    assert!(Fail < Unknown && Unknown < Partial && Partial < Pass);
    assert_eq!(Status::worst([Pass, Partial, Pass]), Partial);
    assert_eq!(Status::worst([Pass, Partial, Unknown]), Unknown);
    assert_eq!(Status::worst([Unknown, Fail, Pass]), Fail);
    assert_eq!(Status::worst([NotApplicable, Pass]), Pass);
    assert_eq!(Status::worst([NotApplicable, NotApplicable]), NotApplicable);
    assert_eq!(Status::worst([]), NotApplicable);
    // --fail-on thresholds.
    assert!(Fail.at_or_below(Fail));
    assert!(!Unknown.at_or_below(Fail));
    assert!(Unknown.at_or_below(Partial) && Partial.at_or_below(Partial));
    assert!(!Pass.at_or_below(Partial));
    assert!(!NotApplicable.at_or_below(Partial));
}

#[test]
fn a_control_takes_the_worst_finding_and_ignores_not_applicable() {
    // s3.deny_http: one enforced, one partial bucket -> partial.
    let mut e = Estate {
        accounts: vec![account(A, "a")],
        ..Estate::default()
    };
    e.buckets = vec![
        bucket(A, USE1, "ok", Pol::Text(canonical("ok"))),
        bucket(A, USE1, "half", Pol::Text(objects_only("half"))),
    ];
    let e = derive(e);
    let c = catalog(&control("X", &["s3.deny_http"], false));
    let ev = evaluate(&c, &e);
    let x = &ev.programs[0].controls[0];
    assert_eq!(x.status, Status::Partial);
    assert_eq!(
        x.counts,
        Counts {
            pass: 1,
            partial: 1,
            ..Counts::default()
        }
    );
    assert_eq!(
        x.deciding,
        [std::sync::Arc::<str>::from("s3.deny_http/s3_bucket/half")]
    );

    // Add an unreadable bucket: unknown outranks partial.
    let mut e2 = e.clone();
    e2.buckets.push(bucket(A, USE1, "locked", Pol::Unreadable));
    let e2 = derive(e2);
    let ev = evaluate(&c, &e2);
    assert_eq!(ev.programs[0].controls[0].status, Status::Unknown);

    // Add a bucket with no policy: fail outranks everything.
    let mut e3 = e2.clone();
    e3.buckets.push(bucket(A, USE1, "open", Pol::None));
    let e3 = derive(e3);
    let ev = evaluate(&c, &e3);
    let x = &ev.programs[0].controls[0];
    assert_eq!(x.status, Status::Fail);
    assert_eq!(
        x.deciding,
        [std::sync::Arc::<str>::from("s3.deny_http/s3_bucket/open")]
    );
    assert_eq!(ev.programs[0].status, Status::Fail);
}

#[test]
fn a_control_with_nothing_to_judge_is_not_applicable() {
    let e = derive(Estate {
        accounts: vec![account(A, "a")],
        ..Estate::default()
    });
    let c = catalog(&control("X", &["vpn.tunnels", "dx.link_encryption"], false));
    let ev = evaluate(&c, &e);
    assert_eq!(ev.programs[0].controls[0].status, Status::NotApplicable);
    assert_eq!(ev.programs[0].status, Status::NotApplicable);
    assert!(ev.controls_at_or_below(Status::Partial).is_empty());

    // A disabled workgroup's findings are not_applicable and do not count either.
    let mut w = workgroup(A, USE1, "off", Some("s3://nowhere/"), false);
    w.state = Some("DISABLED".to_string());
    let e = derive(Estate {
        accounts: vec![account(A, "a")],
        workgroups: vec![w],
        ..Estate::default()
    });
    let c = catalog(&control("W", &["athena.enforce_configuration"], false));
    let ev = evaluate(&c, &e);
    assert_eq!(ev.programs[0].controls[0].status, Status::NotApplicable);
    assert_eq!(ev.programs[0].controls[0].counts.not_applicable, 1);
}

#[test]
fn optional_controls_never_decide_the_program_or_fail_on() {
    let e = derive(Estate {
        accounts: vec![account(A, "a")],
        buckets: vec![bucket(A, USE1, "ok", Pol::Text(canonical("ok")))],
        ..Estate::default()
    });
    // No RCP covers the account: org.rcp_tls fails, but it is optional.
    let c = catalog(&format!(
        "{}{}",
        control("REQ", &["s3.deny_http"], false),
        control("OPT", &["org.rcp_tls"], true)
    ));
    let ev = evaluate(&c, &e);
    let p = &ev.programs[0];
    assert_eq!(p.controls[1].status, Status::Fail);
    assert_eq!(p.status, Status::Pass);
    assert_eq!(p.counts.pass, 1);
    assert_eq!(p.optional_counts.fail, 1);
    assert!(ev.controls_at_or_below(Status::Partial).is_empty());
}

#[test]
fn evaluation_narrows_to_one_program_and_its_checks() {
    let ev = evaluate(&Catalog::builtin(), &small_estate());
    let only = ev.only_program("cis-aws-5.0").expect("program exists");
    assert_eq!(only.programs.len(), 1);
    let ids: Vec<&str> = only.checks.iter().map(|c| c.check.id).collect();
    assert_eq!(ids, ["s3.deny_http"]);
    assert!(ev.only_program("nope").is_none());
}

#[test]
fn evaluation_is_deterministic_whatever_the_input_order() {
    let e = small_estate();
    let mut reversed = e.clone();
    reversed.buckets.reverse();
    reversed.workgroups.reverse();
    reversed.connectivity.vpc_endpoints.reverse();
    reversed.connectivity.vpn_connections.reverse();
    let c = Catalog::builtin();
    let a = serde_json::to_string(&evaluate(&c, &e)).expect("json");
    let b = serde_json::to_string(&evaluate(&c, &reversed)).expect("json");
    assert_eq!(a, b);
}

/// An organization's estate is evaluated on several threads: the same findings, in the same
/// order, as each check run on its own.
#[test]
fn a_large_estate_evaluated_on_threads_gives_each_check_its_own_findings() {
    let mut e = intransit::source::demo::estate();
    let originals = e.buckets.clone();
    for i in 0..70 {
        e.buckets.extend(originals.iter().map(|b| {
            let mut b = b.clone();
            b.name = format!("{}-{i:03}", b.name);
            b
        }));
    }
    assert!(e.buckets.len() > 6_000);
    let evaluation = evaluate(&Catalog::builtin(), &e);
    for c in &evaluation.checks {
        assert!(c.findings == checks::run(&c.check, &e), "{}", c.check.id);
    }
    let reversed = {
        let mut r = e.clone();
        r.buckets.reverse();
        r
    };
    assert_eq!(
        serde_json::to_string(&evaluation).expect("json"),
        serde_json::to_string(&evaluate(&Catalog::builtin(), &reversed)).expect("json")
    );
}

// ---- s3.deny_http / s3.tls_floor -------------------------------------------------------------

#[test]
fn bucket_findings_follow_the_verdict_and_rank_the_athena_data_path_higher() {
    let e = small_estate();
    let f = run("s3.deny_http", &e);
    let s = by_resource(&f);
    assert_eq!(s["results-use1"], Status::Pass);
    assert_eq!(s["results-euw1"], Status::Fail);
    assert_eq!(s["data-use1"], Status::Partial);
    assert_eq!(s["locked-use1"], Status::Unknown);
    // Enforced by the RCP alone.
    assert_eq!(s["lake-euw1"], Status::Pass);
    let results = f
        .iter()
        .find(|f| &*f.resource.id == "results-euw1")
        .expect("finding");
    assert!(results.athena_data_path);
    assert_eq!(results.severity, Severity::High);
    assert!(
        results
            .message()
            .contains("query results of workgroup eu-west-1/adhoc"),
        "{}",
        results.message()
    );
    let lake = f
        .iter()
        .find(|f| &*f.resource.id == "lake-euw1")
        .expect("finding");
    assert!(
        lake.message().contains("resource control policy"),
        "{}",
        lake.message()
    );
    assert_eq!(lake.evidence.statements().len(), 1);
    assert_eq!(
        lake.evidence.statements()[0].sid.as_deref(),
        Some("EnforceSecureTransport")
    );
    let locked = f
        .iter()
        .find(|f| &*f.resource.id == "locked-use1")
        .expect("finding");
    assert_eq!(locked.evidence.errors.len(), 1);
    assert_eq!(
        locked.resource.arn.as_deref(),
        Some("arn:aws:s3:::locked-use1")
    );
    let partial = f
        .iter()
        .find(|f| &*f.resource.id == "data-use1")
        .expect("finding");
    assert!(!partial.evidence.gaps().is_empty());
    assert_eq!(partial.evidence.statements()[0].statement, 0);
}

#[test]
fn a_missing_tls_floor_passes_with_a_note() {
    let e = small_estate();
    let f = run("s3.tls_floor", &e);
    let with = f
        .iter()
        .find(|f| &*f.resource.id == "results-use1")
        .expect("finding");
    assert_eq!(with.status, Status::Pass);
    assert!(with.note.is_none());
    assert_eq!(
        with.evidence.statements().len(),
        1,
        "only the floor statement"
    );
    assert_eq!(
        with.evidence.statements()[0].sid.as_deref(),
        Some("DenyOldTls")
    );
    let without = f
        .iter()
        .find(|f| &*f.resource.id == "results-euw1")
        .expect("finding");
    assert_eq!(without.status, Status::Pass);
    assert!(
        without
            .note
            .as_deref()
            .is_some_and(|n| n.contains("TLS 1.2"))
    );
}

// ---- Athena ---------------------------------------------------------------------------------

#[test]
fn workgroups_must_enforce_configuration_and_write_to_tls_only_buckets() {
    let mut e = small_estate();
    e.workgroups.push(workgroup(
        A,
        USE1,
        "elsewhere",
        Some("s3://not-scanned/x/"),
        true,
    ));
    e.workgroups
        .push(workgroup(A, USE1, "nolocation", None, true));
    let e = derive(e);
    let enforce = by_resource(&run("athena.enforce_configuration", &e));
    assert_eq!(enforce[&format!("{A}/{USE1}/primary")], Status::Pass);
    assert_eq!(enforce[&format!("{A}/{EUW1}/adhoc")], Status::Fail);
    let results = run("athena.result_bucket_https", &e);
    let s = by_resource(&results);
    assert_eq!(s[&format!("{A}/{USE1}/primary")], Status::Pass);
    assert_eq!(s[&format!("{A}/{EUW1}/adhoc")], Status::Fail);
    assert_eq!(s[&format!("{A}/{USE1}/elsewhere")], Status::Unknown);
    assert_eq!(s[&format!("{A}/{USE1}/nolocation")], Status::NotApplicable);
    let primary = results
        .iter()
        .find(|f| f.resource.name.as_deref() == Some("primary"))
        .expect("finding");
    assert_eq!(primary.resource.kind, ResourceKind::AthenaWorkgroup);
    assert_eq!(
        primary.resource.arn.as_deref(),
        Some("arn:aws:athena:us-east-1:111111111111:workgroup/primary")
    );
    assert!(
        primary
            .evidence
            .statements()
            .iter()
            .any(|s| s.sid.as_deref() == Some("AllowSSLRequestsOnly"))
    );
}

#[test]
fn listing_failures_make_a_region_unknown() {
    let mut e = small_estate();
    e.errors.push(fetch_error(
        "athena:ListWorkGroups",
        B,
        USE1,
        "AccessDenied",
    ));
    let f = run("athena.enforce_configuration", &e);
    let s = by_resource(&f);
    assert_eq!(s[&format!("{B}/{USE1}")], Status::Unknown);
    let u = f
        .iter()
        .find(|f| f.resource.kind == ResourceKind::AccountRegion)
        .expect("finding");
    assert_eq!(u.evidence.errors.len(), 1);
    assert!(
        u.message().contains("athena:ListWorkGroups: AccessDenied"),
        "{}",
        u.message()
    );
}

// ---- endpoints ------------------------------------------------------------------------------

#[test]
fn athena_endpoints_need_private_dns_in_every_athena_region() {
    let mut e = small_estate();
    // B has a workgroup in us-east-1 and no endpoint; A's endpoint there has private DNS.
    e.workgroups
        .push(workgroup(B, USE1, "lake", Some("s3://lake-euw1/"), true));
    // B in eu-west-1: endpoints could not be listed.
    e.workgroups
        .push(workgroup(B, EUW1, "lake-eu", Some("s3://lake-euw1/"), true));
    e.errors.push(fetch_error(
        "ec2:DescribeVpcEndpoints",
        B,
        EUW1,
        "UnauthorizedOperation",
    ));
    let e = derive(e);
    let s = by_resource(&run("vpc.athena_endpoint", &e));
    assert_eq!(s[&format!("{A}/{USE1}")], Status::Pass);
    assert_eq!(
        s[&format!("{A}/{EUW1}")],
        Status::Partial,
        "private DNS off"
    );
    assert_eq!(
        s[&format!("{B}/{USE1}")],
        Status::Partial,
        "another account's endpoint"
    );
    assert_eq!(s[&format!("{B}/{EUW1}")], Status::Unknown);
    let s3 = by_resource(&run("vpc.s3_endpoint", &e));
    assert_eq!(s3[&format!("{A}/{USE1}")], Status::Pass);
    assert_eq!(s3[&format!("{A}/{EUW1}")], Status::Fail);
    assert_eq!(s3[&format!("{B}/{EUW1}")], Status::Unknown);

    // No endpoint anywhere in the region: fail.
    let mut lone = small_estate();
    lone.connectivity.vpc_endpoints.clear();
    let s = by_resource(&run("vpc.athena_endpoint", &lone));
    assert_eq!(s[&format!("{A}/{USE1}")], Status::Fail);
    // An S3 interface endpoint without private DNS only: partial.
    lone.connectivity
        .vpc_endpoints
        .push(endpoint(A, USE1, "vpce-s3-if", "s3", "Interface", false));
    let s3 = by_resource(&run("vpc.s3_endpoint", &lone));
    assert_eq!(s3[&format!("{A}/{USE1}")], Status::Partial);
}

// ---- VPN ------------------------------------------------------------------------------------

fn tunnel_status(t: VpnTunnel, other: VpnTunnel) -> (Status, String) {
    let e = Estate {
        accounts: vec![account(A, "a")],
        connectivity: intransit::model::Connectivity {
            vpn_connections: vec![vpn(A, USE1, "vpn-1", vec![t, other])],
            ..Default::default()
        },
        ..Estate::default()
    };
    let f = run("vpn.tunnels", &e);
    let first = f
        .iter()
        .find(|f| &*f.resource.id == "vpn-1/192.0.2.1")
        .expect("finding");
    (first.status, first.message().to_string())
}

#[test]
fn vpn_tunnels_fail_on_weak_algorithms_and_warn_on_ikev1() {
    let up = || strong_tunnel("192.0.2.2", "UP");
    let t = |f: &dyn Fn(&mut VpnTunnel)| {
        let mut t = strong_tunnel("192.0.2.1", "UP");
        f(&mut t);
        t
    };
    assert_eq!(tunnel_status(t(&|_| {}), up()).0, Status::Pass);
    let (s, m) = tunnel_status(t(&|t| t.phase2_integrity = vec!["SHA1".into()]), up());
    assert_eq!(s, Status::Fail);
    assert!(m.contains("phase 2 permits SHA1"), "{m}");
    let (s, m) = tunnel_status(t(&|t| t.phase1_dh_groups = vec![2, 14]), up());
    assert_eq!(s, Status::Fail);
    assert!(m.contains("group 2 (below 14)"), "{m}");
    assert_eq!(
        tunnel_status(t(&|t| t.phase1_integrity = vec!["MD5".into()]), up()).0,
        Status::Fail
    );
    assert_eq!(
        tunnel_status(t(&|t| t.phase2_encryption = vec!["3DES".into()]), up()).0,
        Status::Fail
    );
    // IKEv1 allowed, everything else strong: partial.
    let (s, m) = tunnel_status(
        t(&|t| t.ike_versions = vec!["ikev1".into(), "ikev2".into()]),
        up(),
    );
    assert_eq!(s, Status::Partial);
    assert!(m.contains("IKEv1"), "{m}");
    // Empty lists are AWS's defaults, which permit SHA-1 and DH group 2.
    let (s, m) = tunnel_status(
        t(&|t| {
            t.phase1_integrity.clear();
            t.phase1_dh_groups.clear();
        }),
        up(),
    );
    assert_eq!(s, Status::Fail);
    assert!(m.contains("SHA1"), "{m}");
    // AES-128 (CBC) is acceptable.
    let (s, _) = tunnel_status(
        t(&|t| {
            t.phase1_encryption = vec!["AES128".into()];
            t.phase2_encryption = vec!["AES128".into()];
        }),
        up(),
    );
    assert_eq!(s, Status::Pass);
}

#[test]
fn vpn_tunnels_down_are_partial_and_all_down_fail() {
    let (s, m) = tunnel_status(
        strong_tunnel("192.0.2.1", "DOWN"),
        strong_tunnel("192.0.2.2", "UP"),
    );
    assert_eq!(s, Status::Partial);
    assert!(m.contains("DOWN"), "{m}");
    let (s, _) = tunnel_status(
        strong_tunnel("192.0.2.1", "DOWN"),
        strong_tunnel("192.0.2.2", "DOWN"),
    );
    assert_eq!(s, Status::Fail);
}

// ---- Direct Connect ---------------------------------------------------------------------------

#[test]
fn dx_links_need_macsec_must_encrypt() {
    let mut e = Estate {
        accounts: vec![account(A, "a")],
        ..Estate::default()
    };
    let c = &mut e.connectivity;
    c.dx_connections = vec![
        dx(A, USE1, "dx-must", Some("must_encrypt")),
        dx(A, USE1, "dx-should", Some("should_encrypt")),
        dx(A, USE1, "dx-none", Some("no_encrypt")),
        dx(A, EUW1, "dx-public", None),
    ];
    c.dx_virtual_interfaces = vec![
        vif(A, USE1, "vif-none", "dx-none", "private"),
        vif(A, EUW1, "vif-public", "dx-public", "public"),
    ];
    c.vpn_connections = vec![vpn(
        A,
        EUW1,
        "vpn-over",
        vec![strong_tunnel("192.0.2.5", "UP")],
    )];
    e.errors.push(fetch_error(
        "directconnect:DescribeConnections",
        A,
        "ap-southeast-2",
        "Network",
    ));
    let f = run("dx.link_encryption", &e);
    let s = by_resource(&f);
    assert_eq!(s["dx-must"], Status::Pass);
    assert_eq!(s["dx-should"], Status::Partial);
    assert_eq!(s["dx-none"], Status::Fail);
    assert_eq!(
        s["dx-public"],
        Status::Partial,
        "public VIF and a VPN in the region"
    );
    assert_eq!(s[&format!("{A}/ap-southeast-2")], Status::Unknown);
    let none = f
        .iter()
        .find(|f| &*f.resource.id == "dx-none")
        .expect("finding");
    assert!(
        none.message().contains("relies on TLS end to end"),
        "{}",
        none.message()
    );
    assert!(
        none.evidence
            .pointer()
            .contains("encryption_mode=no_encrypt")
    );
}

// ---- organization RCP ---------------------------------------------------------------------------

#[test]
fn the_rcp_check_judges_each_account_on_its_rcps_alone() {
    let e = small_estate();
    let s = by_resource(&run("org.rcp_tls", &e));
    assert_eq!(s[B], Status::Pass);
    assert_eq!(s[A], Status::Fail);

    // Organizations unreadable and no RCP known: unknown.
    let mut unread = small_estate();
    unread.resource_control_policies.clear();
    unread.errors.push(fetch_error(
        "organizations:ListPolicies",
        A,
        USE1,
        "AccessDeniedException",
    ));
    let s = by_resource(&run("org.rcp_tls", &unread));
    assert_eq!(s[A], Status::Unknown);
    assert_eq!(s[B], Status::Unknown);

    // An account with no bucket is judged on a hypothetical one.
    let empty = derive(Estate {
        accounts: vec![account(B, "lake")],
        resource_control_policies: vec![rcp_tls("p-1", &[B])],
        ..Estate::default()
    });
    let f = run("org.rcp_tls", &empty);
    assert_eq!(f[0].status, Status::Pass);
    assert!(
        f[0].message().contains("no bucket yet"),
        "{}",
        f[0].message()
    );
}

// ---- the demo -----------------------------------------------------------------------------------

#[tokio::test]
async fn the_demo_estate_exercises_every_status() {
    let store = intransit::source::start(&intransit::source::SourceSpec::Demo { latency: false })
        .await
        .expect("demo starts")
        .finish()
        .await
        .expect("demo finishes");
    let estate = store.snapshot().estate;
    let ev = evaluate(&Catalog::builtin(), &estate);
    let all = Counts::of(ev.findings().iter().map(|f| f.status));
    for s in Status::ALL {
        assert!(all.get(s) > 0, "no {s} finding in the demo: {all:?}");
    }
    // Every check has findings on the demo.
    for c in &ev.checks {
        assert!(!c.findings.is_empty(), "{} has no finding", c.check.id);
    }
    // The demo's weak spots are where the story says they are.
    let find = |id: &str| {
        ev.findings()
            .into_iter()
            .find(|f| *f.id == *id)
            .cloned()
            .expect(id)
    };
    assert_eq!(
        find("s3.deny_http/s3_bucket/athena-results-sandbox-use1").status,
        Status::Fail
    );
    assert_eq!(
        find("dx.link_encryption/dx_connection/dxcon-fgnw3c4d").status,
        Status::Fail
    );
    assert_eq!(
        find("dx.link_encryption/dx_connection/dxcon-ffnw1a2b").status,
        Status::Pass
    );
    assert_eq!(
        find("dx.link_encryption/account_region/111122223333/ap-southeast-2").status,
        Status::Unknown
    );
    assert_eq!(
        find("org.rcp_tls/account/444455556666").status,
        Status::Pass
    );
}
