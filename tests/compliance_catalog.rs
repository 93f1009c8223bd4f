//! The control catalog as data: the built-in one loads and is consistent, every mapping points
//! at a real check, and broken catalogs are rejected with a reason. `--catalog` merging.

mod compliance_support;

use std::collections::BTreeSet;

use intransit::compliance::{
    AthenaScope, CATALOG_SCHEMA, Catalog, CatalogError, EvidenceSource, Status, checks, evaluate,
};

fn builtin() -> Catalog {
    Catalog::from_toml(Catalog::builtin_text()).expect("the built-in catalog is valid")
}

fn issues(text: &str) -> Vec<String> {
    match Catalog::from_toml(text) {
        Err(CatalogError::Invalid { issues, .. }) => issues,
        other => panic!("expected an invalid catalog, got {other:?}"),
    }
}

const ONE: &str = r#"
schema = "intransit.catalog/v1"

[[programs]]
id = "p1"
name = "Program one"
version = "1"
publisher = "us"

[[programs.controls]]
id = "C-1"
title = "Buckets refuse HTTP"
requirement = "Every bucket refuses plain HTTP."
citation = "Program one, C-1"
checks = ["s3.deny_http"]
"#;

#[test]
fn the_builtin_catalog_loads_and_every_mapping_is_a_real_check() {
    let catalog = builtin();
    assert_eq!(catalog.schema, CATALOG_SCHEMA);
    assert!(catalog.validate().is_ok());
    let known: BTreeSet<&str> = checks::ALL.iter().map(|c| c.id).collect();
    for p in &catalog.programs {
        assert!(!p.controls.is_empty(), "{} has no controls", p.id);
        for c in &p.controls {
            match c.evidence {
                EvidenceSource::Checks => {
                    assert!(!c.checks.is_empty(), "{}/{} maps no check", p.id, c.id)
                }
                EvidenceSource::Manual => {
                    assert!(c.checks.is_empty(), "{}/{} is manual", p.id, c.id);
                    assert!(
                        c.note
                            .as_deref()
                            .is_some_and(|n| n.contains("attach your own")),
                        "{}/{}: a manual control tells the user what to attach",
                        p.id,
                        c.id
                    );
                }
            }
            if c.cap.is_some() {
                assert!(
                    c.note.is_some(),
                    "{}/{}: a capped control says why",
                    p.id,
                    c.id
                );
            }
            for check in &c.checks {
                assert!(
                    known.contains(check.as_str()),
                    "{}/{} -> {check}",
                    p.id,
                    c.id
                );
            }
        }
    }
    // Every check is reported somewhere.
    let mapped: BTreeSet<&str> = catalog.mapped_checks().into_iter().collect();
    assert_eq!(mapped, known, "checks no control maps");
}

#[test]
fn ids_are_unique() {
    let catalog = builtin();
    let mut programs = BTreeSet::new();
    for p in &catalog.programs {
        assert!(programs.insert(&p.id), "duplicate program {}", p.id);
        let mut controls = BTreeSet::new();
        for c in &p.controls {
            assert!(
                controls.insert(&c.id),
                "duplicate control {}/{}",
                p.id,
                c.id
            );
        }
    }
    let mut check_ids = BTreeSet::new();
    for c in checks::ALL {
        assert!(check_ids.insert(c.id), "duplicate check {}", c.id);
    }
}

#[test]
fn the_builtin_catalog_covers_the_programs_and_controls_the_issue_names() {
    let catalog = builtin();
    let want: &[(&str, &[&str])] = &[
        ("pci-dss-4.0", &["4.2.1", "4.2.1.1", "2.2.7"]),
        (
            "nist-800-53-r5",
            &[
                "SC-8", "SC-8(1)", "SC-7", "SC-13", "AC-17(2)", "SC-23", "SC-7(4)",
            ],
        ),
        ("soc2", &["CC6.1", "CC6.6", "CC6.7"]),
        (
            "hipaa",
            &["164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"],
        ),
        ("iso-27001-2022", &["A.5.14", "A.8.20", "A.8.21", "A.8.24"]),
        ("cis-aws-5.0", &["2.1.1"]),
        ("cis-aws-6.0", &["3.1.1"]),
        ("cis-aws-7.0", &["3.1.1"]),
        ("aws-fsbp", &["S3.5", "EC2.20"]),
        ("nist-800-171-r2", &["3.13.8"]),
        ("nist-csf-2.0", &["PR.DS-02"]),
        ("gdpr", &["Art. 32(1)(a)"]),
        ("csa-ccm-4", &["CEK-03", "DSP-10", "IVS-03"]),
        ("c5-2020", &["CRY-02"]),
    ];
    for (program, controls) in want {
        let p = catalog
            .program(program)
            .unwrap_or_else(|| panic!("program {program} missing"));
        for c in *controls {
            assert!(
                p.controls.iter().any(|x| x.id == *c),
                "{program} lacks control {c}"
            );
        }
    }
    // S3 TLS is mapped to the controls peers forget.
    for (program, control) in [("soc2", "CC6.7"), ("iso-27001-2022", "A.8.24")] {
        let c = catalog
            .program(program)
            .and_then(|p| p.controls.iter().find(|c| c.id == control))
            .expect("control present");
        assert!(
            c.checks.iter().any(|k| k == "s3.deny_http"),
            "{program} {control}"
        );
    }
}

#[test]
fn every_program_states_awss_side_and_every_control_is_written_out() {
    let catalog = builtin();
    for p in &catalog.programs {
        let scope = p
            .aws_scope
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no aws_scope", p.id));
        assert!(!scope.source.trim().is_empty(), "{}", p.id);
        if scope.athena == AthenaScope::InScope {
            assert!(scope.attestation.is_some(), "{}: in scope of what?", p.id);
        }
    }
    for p in &catalog.programs {
        for c in &p.controls {
            assert!(
                c.requirement.len() > 40,
                "{}/{}: requirement too thin",
                p.id,
                c.id
            );
            assert!(!c.citation.is_empty() && !c.title.is_empty());
        }
    }
    // SOC, PCI and FedRAMP are the programs AWS names for Athena.
    for id in ["soc2", "pci-dss-4.0", "nist-800-53-r5"] {
        let s = catalog
            .program(id)
            .and_then(|p| p.aws_scope.as_ref())
            .expect(id);
        assert_eq!(s.athena, AthenaScope::InScope, "{id}");
        assert!(s.verified, "{id}");
    }
}

#[test]
fn a_control_mapping_to_a_missing_check_is_rejected() {
    let text = ONE.replace("\"s3.deny_http\"", "\"s3.deny_htp\"");
    let issues = issues(&text);
    assert!(
        issues
            .iter()
            .any(|i| i.contains("s3.deny_htp") && i.contains("does not exist")),
        "{issues:?}"
    );
}

#[test]
fn duplicate_ids_are_rejected() {
    let dup_control = format!(
        "{ONE}\n[[programs.controls]]\nid = \"C-1\"\ntitle = \"again\"\nrequirement = \"again and again\"\ncitation = \"x\"\nchecks = [\"s3.tls_floor\"]\n"
    );
    let issues1 = issues(&dup_control);
    assert!(
        issues1.iter().any(|i| i.contains("duplicate control id")),
        "{issues1:?}"
    );

    let second = ONE.replace("schema = \"intransit.catalog/v1\"\n", "");
    let dup_program = format!("{ONE}\n{second}");
    let issues2 = issues(&dup_program);
    assert!(
        issues2.iter().any(|i| i.contains("duplicate program id")),
        "{issues2:?}"
    );

    let dup_check = ONE.replace("[\"s3.deny_http\"]", "[\"s3.deny_http\", \"s3.deny_http\"]");
    let issues3 = issues(&dup_check);
    assert!(issues3.iter().any(|i| i.contains("twice")), "{issues3:?}");
}

#[test]
fn a_program_without_controls_is_rejected() {
    let text = r#"
schema = "intransit.catalog/v1"

[[programs]]
id = "empty"
name = "Empty"
version = "1"
publisher = "us"
controls = []
"#;
    let issues = issues(text);
    assert!(
        issues.iter().any(|i| i.contains("has no controls")),
        "{issues:?}"
    );
}

#[test]
fn a_control_without_checks_or_text_is_rejected() {
    let text = ONE
        .replace("checks = [\"s3.deny_http\"]", "checks = []")
        .replace("title = \"Buckets refuse HTTP\"", "title = \" \"");
    let issues = issues(&text);
    assert!(
        issues.iter().any(|i| i.contains("maps to no check")),
        "{issues:?}"
    );
    assert!(
        issues.iter().any(|i| i.contains("empty title")),
        "{issues:?}"
    );
}

#[test]
fn wrong_schema_unknown_fields_and_bad_toml_are_rejected() {
    let wrong = ONE.replace("intransit.catalog/v1", "intransit.catalog/v9");
    assert!(matches!(
        Catalog::from_toml(&wrong),
        Err(CatalogError::Schema { .. })
    ));
    let extra = ONE.replace(
        "publisher = \"us\"",
        "publisher = \"us\"\ncolour = \"blue\"",
    );
    match Catalog::from_toml(&extra) {
        Err(CatalogError::Toml { message, .. }) => assert!(message.contains("colour"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Catalog::from_toml("schema = \"intransit.catalog/v1\"\n[[programs]\n"),
        Err(CatalogError::Toml { .. })
    ));
}

#[test]
fn merging_adds_programs_and_overrides_controls_by_id() {
    let mut catalog = builtin();
    let before = catalog.programs.len();
    let pci_before = catalog
        .program("pci-dss-4.0")
        .expect("pci")
        .controls
        .clone();

    let patch = Catalog::from_toml(
        r#"
schema = "intransit.catalog/v1"

[[programs]]
id = "pci-dss-4.0"
name = "PCI DSS (our reading)"
version = "4.0.1"
publisher = "PCI Security Standards Council"

[[programs.controls]]
id = "4.2.1"
title = "Replaced"
requirement = "Our assessor wants only the bucket check here."
citation = "PCI DSS v4.0.1, Requirement 4.2.1"
checks = ["s3.deny_http"]

[[programs.controls]]
id = "1.2.1"
title = "Added"
requirement = "Network paths are private where possible."
citation = "PCI DSS v4.0.1, Requirement 1.2.1"
checks = ["vpc.athena_endpoint"]

[[programs]]
id = "internal"
name = "Internal policy"
version = "2025"
publisher = "Security team"

[[programs.controls]]
id = "SEC-7"
title = "Links encrypted"
requirement = "Every link to AWS is encrypted."
citation = "Internal security policy 2025, section 7"
checks = ["vpn.tunnels", "dx.link_encryption"]
"#,
    )
    .expect("the patch is a valid catalog");
    catalog.merge(patch).expect("merged catalog is valid");

    assert_eq!(catalog.programs.len(), before + 1);
    assert_eq!(
        catalog.programs.last().map(|p| p.id.as_str()),
        Some("internal")
    );
    let pci = catalog.program("pci-dss-4.0").expect("pci");
    assert_eq!(pci.name, "PCI DSS (our reading)");
    // The AWS scope the patch did not restate is kept.
    assert!(pci.aws_scope.is_some());
    let ids: Vec<&str> = pci.controls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        ["4.2.1", "4.2.1.1", "2.2.7", "1.2.1"],
        "replaced in place, kept, appended"
    );
    assert_eq!(pci.controls[0].title, "Replaced");
    assert_eq!(pci.controls[0].checks, ["s3.deny_http"]);
    assert_eq!(pci.controls[1], pci_before[1]);
    assert_eq!(pci.controls[2], pci_before[2]);
}

#[test]
fn a_merge_that_breaks_the_catalog_is_reported() {
    let mut catalog = builtin();
    let mut patch = Catalog::from_toml(ONE).expect("valid");
    patch.programs[0].controls[0].checks = vec!["nope".to_string()];
    let err = catalog.merge(patch).expect_err("invalid after merge");
    assert!(err.to_string().contains("nope"), "{err}");
}

#[test]
fn a_manual_control_maps_no_check_and_has_no_cap() {
    let manual = ONE.replace("checks = [\"s3.deny_http\"]", "evidence = \"manual\"");
    let catalog = Catalog::from_toml(&manual).expect("a manual control without checks is valid");
    assert_eq!(
        catalog.programs[0].controls[0].evidence,
        EvidenceSource::Manual
    );
    assert!(catalog.programs[0].controls[0].checks.is_empty());

    let with_checks = ONE.replace(
        "checks = [\"s3.deny_http\"]",
        "checks = [\"s3.deny_http\"]\nevidence = \"manual\"",
    );
    let issues1 = issues(&with_checks);
    assert!(
        issues1
            .iter()
            .any(|i| i.contains("C-1") && i.contains("manual") && i.contains("maps checks")),
        "{issues1:?}"
    );

    let with_cap = ONE.replace(
        "checks = [\"s3.deny_http\"]",
        "evidence = \"manual\"\ncap = \"partial\"",
    );
    let issues2 = issues(&with_cap);
    assert!(
        issues2.iter().any(|i| i.contains("nothing to cap")),
        "{issues2:?}"
    );

    // Without `evidence = "manual"`, no checks is still an error.
    let none = ONE.replace("checks = [\"s3.deny_http\"]", "");
    let issues3 = issues(&none);
    assert!(
        issues3.iter().any(|i| i.contains("maps to no check")),
        "{issues3:?}"
    );

    let bad = ONE.replace(
        "checks = [\"s3.deny_http\"]",
        "checks = [\"s3.deny_http\"]\nevidence = \"assessor\"",
    );
    assert!(matches!(
        Catalog::from_toml(&bad),
        Err(CatalogError::Toml { .. })
    ));
}

#[test]
fn a_cap_is_partial_unknown_or_fail() {
    for ok in ["partial", "unknown", "fail"] {
        let text = ONE.replace(
            "checks = [\"s3.deny_http\"]",
            &format!("checks = [\"s3.deny_http\"]\ncap = \"{ok}\""),
        );
        let catalog = Catalog::from_toml(&text).unwrap_or_else(|e| panic!("cap {ok}: {e}"));
        assert_eq!(
            catalog.programs[0].controls[0].cap.map(|s| s.as_str()),
            Some(ok)
        );
    }
    for useless in ["pass", "not_applicable"] {
        let text = ONE.replace(
            "checks = [\"s3.deny_http\"]",
            &format!("checks = [\"s3.deny_http\"]\ncap = \"{useless}\""),
        );
        let issues = issues(&text);
        assert!(
            issues
                .iter()
                .any(|i| i.contains("cap") && i.contains(useless)),
            "{useless}: {issues:?}"
        );
    }
    let typo = ONE.replace(
        "checks = [\"s3.deny_http\"]",
        "checks = [\"s3.deny_http\"]\ncap = \"partly\"",
    );
    assert!(matches!(
        Catalog::from_toml(&typo),
        Err(CatalogError::Toml { .. })
    ));
}

/// A one-control catalog whose control maps `s3.deny_http` with `extra` lines added.
fn judged(extra: &str, estate: &intransit::model::Estate) -> intransit::compliance::ControlResult {
    let text = ONE.replace(
        "checks = [\"s3.deny_http\"]",
        &format!("checks = [\"s3.deny_http\"]\n{extra}"),
    );
    let catalog = Catalog::from_toml(&text).expect("valid");
    evaluate(&catalog, estate).programs[0].controls[0].clone()
}

#[test]
fn a_cap_lowers_a_pass_but_never_raises_or_invents_a_status() {
    use compliance_support::*;
    let mut e = intransit::model::Estate {
        accounts: vec![account(A, "prod")],
        ..Default::default()
    };
    e.buckets = vec![bucket(A, USE1, "good", Pol::Text(canonical("good")))];
    let passing = derive(e.clone());
    let plain = judged("", &passing);
    assert_eq!(plain.status, Status::Pass);
    assert!(!plain.capped);
    let capped = judged("cap = \"partial\"", &passing);
    assert_eq!(capped.status, Status::Partial);
    assert!(capped.capped);
    assert!(
        capped.deciding.is_empty(),
        "no finding decided it: the cap did"
    );
    assert_eq!(capped.counts.pass, 1);

    // A worse finding keeps its status.
    e.buckets = vec![bucket(A, USE1, "open", Pol::None)];
    let failing = derive(e);
    let capped = judged("cap = \"partial\"", &failing);
    assert_eq!(capped.status, Status::Fail);
    assert!(!capped.capped);

    // Nothing to judge stays not applicable.
    let empty = derive(intransit::model::Estate::default());
    assert_eq!(
        judged("cap = \"partial\"", &empty).status,
        Status::NotApplicable
    );
}

#[test]
fn a_manual_control_is_unknown_whatever_the_estate() {
    let text = ONE.replace("checks = [\"s3.deny_http\"]", "evidence = \"manual\"");
    let catalog = Catalog::from_toml(&text).expect("valid");
    for estate in [
        compliance_support::small_estate(),
        intransit::model::Estate::default(),
    ] {
        let ev = evaluate(&catalog, &estate);
        let c = &ev.programs[0].controls[0];
        assert_eq!(c.status, Status::Unknown);
        assert_eq!(c.counts.total(), 0);
        assert!(c.deciding.is_empty());
        assert_eq!(ev.programs[0].status, Status::Unknown, "required: decides");
    }
}

// ----- What the standards say: one assertion per correction -----------------------------------

fn control<'a>(
    catalog: &'a Catalog,
    program: &str,
    id: &str,
) -> &'a intransit::compliance::Control {
    catalog
        .program(program)
        .and_then(|p| p.controls.iter().find(|c| c.id == id))
        .unwrap_or_else(|| panic!("{program} {id} missing"))
}

fn maps(catalog: &Catalog, program: &str, id: &str, check: &str) -> bool {
    control(catalog, program, id)
        .checks
        .iter()
        .any(|c| c == check)
}

#[test]
fn cis_numbers_the_http_deny_per_version() {
    let catalog = builtin();
    for (program, version) in [("cis-aws-6.0", "6.0.0"), ("cis-aws-7.0", "7.0.0")] {
        let p = catalog.program(program).expect(program);
        assert_eq!(p.version, version);
        let ids: Vec<&str> = p.controls.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["3.1.1"], "{program}");
        assert!(maps(&catalog, program, "3.1.1", "s3.deny_http"));
        let c = control(&catalog, program, "3.1.1");
        assert!(c.citation.contains(&format!("v{version}")) && c.citation.contains("3.1.1"));
    }
    assert!(maps(&catalog, "cis-aws-5.0", "2.1.1", "s3.deny_http"));
    let note = catalog
        .program("cis-aws-5.0")
        .and_then(|p| p.note.as_deref())
        .expect("note");
    assert!(
        note.contains("2.1.2 in v1.4.0 and v1.5.0") && note.contains("3.1.1 in v6.0.0 and v7.0.0"),
        "{note}"
    );
}

#[test]
fn fsbp_names_its_athena_controls_truthfully_and_maps_ec2_20() {
    let catalog = builtin();
    assert!(maps(&catalog, "aws-fsbp", "EC2.20", "vpn.tunnels"));
    let note = catalog
        .program("aws-fsbp")
        .and_then(|p| p.note.as_deref())
        .expect("note");
    assert!(
        note.contains("only Athena.4") && note.contains("in FSBP v1.0.0"),
        "{note}"
    );
    assert!(note.contains("outside FSBP"), "{note}");
    assert!(
        note.contains("Athena.1") && note.contains("retired in April 2024"),
        "{note}"
    );
}

#[test]
fn pci_4_2_1_is_about_pan_2_2_7_leaves_direct_connect_out_and_4_2_1_1_never_passes() {
    let catalog = builtin();
    let c = control(&catalog, "pci-dss-4.0", "4.2.1");
    assert!(c.title.contains("PAN") && c.requirement.contains("PAN"));
    assert!(!c.title.contains("account data"));
    assert!(!maps(
        &catalog,
        "pci-dss-4.0",
        "4.2.1",
        "dx.link_encryption"
    ));
    assert!(!maps(
        &catalog,
        "pci-dss-4.0",
        "2.2.7",
        "dx.link_encryption"
    ));
    let inventory = control(&catalog, "pci-dss-4.0", "4.2.1.1");
    assert_eq!(inventory.evidence, EvidenceSource::Manual);
    assert!(inventory.checks.is_empty());
}

#[test]
fn nist_adds_sc_23_sc_7_4_and_800_171_3_13_8() {
    let catalog = builtin();
    for id in ["SC-23", "SC-7(4)"] {
        let c = control(&catalog, "nist-800-53-r5", id);
        assert!(
            c.checks.iter().any(|k| k == "s3.deny_http"),
            "{id}: S3.5 maps it"
        );
        assert!(
            c.note.as_deref().is_some_and(|n| n.contains("S3.5")),
            "{id}"
        );
    }
    assert!(maps(&catalog, "nist-800-171-r2", "3.13.8", "s3.deny_http"));
    assert!(maps(&catalog, "nist-800-171-r2", "3.13.8", "vpn.tunnels"));
    // Weak evidence for a transit control is gone from SC-8.
    assert!(!maps(
        &catalog,
        "nist-800-53-r5",
        "SC-8",
        "athena.enforce_configuration"
    ));
    let sc13 = control(&catalog, "nist-800-53-r5", "SC-13");
    assert_eq!(sc13.cap, Some(Status::Partial));
    assert!(sc13.note.as_deref().is_some_and(|n| n.contains("FIPS")));
}

#[test]
fn hipaa_integrity_csa_network_security_c5_and_iso_consistency() {
    let catalog = builtin();
    for check in ["s3.deny_http", "vpn.tunnels", "dx.link_encryption"] {
        assert!(
            maps(&catalog, "hipaa", "164.312(e)(2)(i)", check),
            "{check}"
        );
    }
    for check in [
        "vpn.tunnels",
        "dx.link_encryption",
        "vpc.athena_endpoint",
        "vpc.s3_endpoint",
    ] {
        assert!(maps(&catalog, "csa-ccm-4", "IVS-03", check), "{check}");
    }
    // C5's transport criterion is scoped to public networks: no Direct Connect, like PCI 4.2.1.
    assert!(!maps(&catalog, "c5-2020", "CRY-02", "dx.link_encryption"));
    assert!(maps(&catalog, "c5-2020", "CRY-02", "vpn.tunnels"));
    let cry = control(&catalog, "c5-2020", "CRY-02");
    assert!(cry.title.contains("to confirm") && cry.citation.contains("CRY-04"));
    // A.8.20 and A.8.21 map the same endpoint checks.
    let endpoints = |id: &str| -> BTreeSet<String> {
        control(&catalog, "iso-27001-2022", id)
            .checks
            .iter()
            .filter(|c| c.starts_with("vpc."))
            .cloned()
            .collect()
    };
    assert_eq!(endpoints("A.8.20"), endpoints("A.8.21"));
    assert_eq!(endpoints("A.8.21").len(), 2);
    // Where athena.enforce_configuration stays on a transit control, the note says why.
    for (program, id) in [("iso-27001-2022", "A.5.14"), ("csa-ccm-4", "DSP-10")] {
        let c = control(&catalog, program, id);
        if c.checks.iter().any(|k| k == "athena.enforce_configuration") {
            assert!(
                c.note
                    .as_deref()
                    .is_some_and(|n| n.contains("athena.enforce_configuration")),
                "{program} {id}"
            );
        }
    }
}

#[test]
fn awss_side_says_what_could_not_be_confirmed() {
    let catalog = builtin();
    let scope = |id: &str| {
        catalog
            .program(id)
            .and_then(|p| p.aws_scope.clone())
            .unwrap_or_else(|| panic!("{id}"))
    };
    for id in ["pci-dss-4.0", "soc2", "hipaa", "nist-800-53-r5"] {
        assert!(scope(id).verified, "{id}");
    }
    let fedramp = scope("nist-800-53-r5");
    let text = format!("{:?} {:?}", fedramp.attestation, fedramp.note);
    assert!(
        text.contains("Moderate or High") && text.contains("could not be confirmed"),
        "{text}"
    );
    for id in ["iso-27001-2022", "csa-ccm-4", "c5-2020"] {
        assert_eq!(scope(id).athena, AthenaScope::InScope, "{id}");
        assert!(!scope(id).verified, "{id} stays to confirm");
    }
}

/// One account where every check passes: every bucket TLS-only with a floor, workgroups that
/// enforce their configuration, both endpoints, strong tunnels up, MACsec, an RCP.
fn all_passing_estate() -> intransit::model::Estate {
    use compliance_support::*;
    let mut e = intransit::model::Estate {
        accounts: vec![account(A, "prod")],
        ..Default::default()
    };
    e.buckets = vec![bucket(A, USE1, "results", Pol::Text(with_floor("results")))];
    e.workgroups = vec![workgroup(A, USE1, "primary", Some("s3://results/q/"), true)];
    e.connectivity.vpc_endpoints = vec![
        endpoint(A, USE1, "vpce-athena", "athena", "Interface", true),
        endpoint(A, USE1, "vpce-s3", "s3", "Gateway", false),
    ];
    e.connectivity.vpn_connections = vec![vpn(
        A,
        USE1,
        "vpn-0good",
        vec![
            strong_tunnel("203.0.113.1", "UP"),
            strong_tunnel("203.0.113.2", "UP"),
        ],
    )];
    e.connectivity.dx_connections = vec![dx(A, USE1, "dxcon-macsec", Some("must_encrypt"))];
    e.resource_control_policies = vec![rcp_tls("p-tls", &[A])];
    derive(e)
}

#[test]
fn sc_13_and_4_2_1_1_never_pass_even_when_every_check_passes() {
    let estate = all_passing_estate();
    let ev = evaluate(&Catalog::builtin(), &estate);
    // The estate really is all-passing, or this test proves nothing. It has no logs: the
    // checks of observed traffic judge nothing.
    let observed = [
        "s3.observed_plain_http",
        "traffic.observed_tls",
        "athena.observed_path",
    ];
    for c in &ev.checks {
        let expected = if observed.contains(&c.check.id) {
            Status::NotApplicable
        } else {
            Status::Pass
        };
        assert_eq!(
            c.status, expected,
            "{} on the all-passing estate",
            c.check.id
        );
    }
    let result = |program: &str, id: &str| {
        ev.program(program)
            .and_then(|p| p.controls.iter().find(|c| c.id == id))
            .cloned()
            .unwrap_or_else(|| panic!("{program} {id}"))
    };
    let sc13 = result("nist-800-53-r5", "SC-13");
    assert_eq!(sc13.status, Status::Partial);
    assert!(sc13.capped);
    assert_eq!(result("nist-800-53-r5", "SC-8").status, Status::Pass);
    assert_eq!(
        ev.program("nist-800-53-r5").map(|p| p.status),
        Some(Status::Partial)
    );
    let inventory = result("pci-dss-4.0", "4.2.1.1");
    assert_eq!(inventory.status, Status::Unknown);
    assert_eq!(inventory.evidence, EvidenceSource::Manual);
    // Optional: it is reported, but the scanned PCI controls decide the program.
    assert_eq!(
        ev.program("pci-dss-4.0").map(|p| p.status),
        Some(Status::Pass)
    );
    // No control of any program passes without evidence behind it.
    for p in &ev.programs {
        for c in &p.controls {
            if c.status == Status::Pass {
                assert!(c.counts.pass > 0 && c.cap.is_none(), "{} {}", p.id, c.id);
            }
        }
    }
}
