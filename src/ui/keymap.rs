//! The keys, per view: what Help (`?`) lists. The bindings themselves live in `app.rs`; a
//! test checks that every key listed here does something.

use super::app::Kind;

/// Keys that work everywhere.
pub const GLOBAL: [(&str, &str); 14] = [
    ("j k ↑ ↓", "move"),
    ("g G Home End", "first / last"),
    ("PgUp PgDn Space", "page up / down (also Ctrl-b / Ctrl-f)"),
    ("Enter l →", "open the selection"),
    ("Esc Backspace h ←", "back (Esc first clears a filter)"),
    ("Tab Shift-Tab", "next / previous top view"),
    (
        "1 … 8",
        "Overview Buckets Workgroups Connectivity Compliance Errors Accounts Help",
    ),
    (
        "/",
        "filter the list (incremental; Esc clears; !word excludes)",
    ),
    (
        ":",
        "command: :buckets :compliance pci :accounts :theme dark :w FILE :q",
    ),
    ("y", "copy (OSC 52) what the view offers"),
    ("w", "write the estate to a snapshot file"),
    ("r", "rescan"),
    ("?", "this help"),
    ("q Ctrl-C", "quit"),
];

/// Keys and notes for one view.
pub fn view_keys(kind: Kind) -> (&'static str, Vec<(&'static str, &'static str)>) {
    match kind {
        Kind::Overview => (
            "Overview",
            vec![
                ("j k", "move between the lines you can open"),
                (
                    "Enter",
                    "open: bucket list, a bucket, the network diagram, a program",
                ),
            ],
        ),
        Kind::Buckets => (
            "Buckets",
            vec![
                (
                    "s",
                    "cycle the sort: verdict, name, account, region, min TLS, Athena, enforced by",
                ),
                ("S", "reverse the sort"),
                (
                    "/",
                    "filter words: a name, region, account, not-enforced, partial, accepts-http, results, tables, athena, rcp-only, error; account:NAME|ID, ou:NAME, tag:KEY=VALUE",
                ),
                ("Enter", "bucket detail"),
                ("y", "copy the bucket name"),
            ],
        ),
        Kind::BucketDetail => (
            "Bucket detail",
            vec![
                (
                    "j k",
                    "scroll; ▶ marks the policy statements that decided the verdict",
                ),
                ("Enter", "on a workgroup or control line: open it"),
                (
                    "y",
                    "copy the statement that fixes the bucket (or its ARN when enforced)",
                ),
            ],
        ),
        Kind::Workgroups => (
            "Workgroups",
            vec![
                ("Enter", "workgroup detail"),
                (
                    "/",
                    "filter: name, region, bucket, not-enforced, unencrypted",
                ),
                ("y", "copy the workgroup ARN"),
            ],
        ),
        Kind::WorkgroupDetail => (
            "Workgroup detail",
            vec![
                ("Enter", "on the result location: open the result bucket"),
                ("y", "copy the workgroup ARN"),
            ],
        ),
        Kind::Connectivity => (
            "Connectivity",
            vec![
                (
                    "j k",
                    "select an element of the diagram (its detail shows on the right when wide)",
                ),
                (
                    "Enter",
                    "element detail; on Buckets or Athena: the filtered list",
                ),
                ("y", "copy the element id"),
            ],
        ),
        Kind::ConnDetail => (
            "Connectivity detail",
            vec![
                ("Enter", "on a linked line: open it"),
                ("y", "copy the element id"),
            ],
        ),
        Kind::Compliance => (
            "Compliance",
            vec![
                ("Enter", "program → controls → findings → the resource"),
                ("/", "filter the list"),
            ],
        ),
        Kind::Errors => (
            "Errors",
            vec![
                ("Enter", "error detail, with a link to the resource"),
                ("/", "filter: service, operation, code, account, region"),
                ("y", "copy the error"),
            ],
        ),
        Kind::ErrorDetail => (
            "Error detail",
            vec![
                ("Enter", "on the resource line: open it"),
                ("y", "copy the error"),
            ],
        ),
        Kind::FindingDetail => (
            "Finding",
            vec![
                ("Enter", "on a linked line: open it"),
                ("y", "copy the finding id"),
            ],
        ),
        Kind::Accounts => (
            "Accounts",
            vec![
                (
                    "Enter",
                    "account detail: who read it, its OU and tags, buckets by verdict, paths, findings",
                ),
                (
                    "/",
                    "filter: a name or id, scanned, partial, not-scanned, account:NAME|ID, ou:NAME, tag:KEY=VALUE",
                ),
                ("y", "copy the account id"),
            ],
        ),
        Kind::Exceptions => (
            "Exceptions",
            vec![
                ("Enter", "on a matched finding: open its resource"),
                ("Esc", "back"),
            ],
        ),
        Kind::Changes => (
            "Changes since the baseline",
            vec![
                ("Enter", "on a changed bucket or finding: open it"),
                ("Esc", "back"),
            ],
        ),
        Kind::Traffic => (
            "Traffic",
            vec![
                ("Enter", "on a finding, bucket or client: open it"),
                ("Esc", "back"),
            ],
        ),
        Kind::TrafficClient => (
            "Traffic client",
            vec![
                ("Enter", "on a bucket: open it"),
                ("y", "copy the principal"),
            ],
        ),
        Kind::Help => ("Help", vec![("Esc ?", "close help")]),
    }
}
