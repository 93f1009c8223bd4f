//! The `:` command line: view names (k9s habit), `:compliance pci`, `:theme NAME`, `:w FILE`,
//! `:q`.

use std::path::PathBuf;

use super::app::Top;
use super::views::Kind;

/// A command's name, its aliases and its line in the help.
pub type Spec = (&'static str, &'static [&'static str], &'static str);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Nothing,
    Quit,
    Top(Top),
    /// `:buckets [FILTER]`.
    Buckets(String),
    /// `:bucket NAME`: straight to a bucket's detail.
    Bucket(String),
    /// `:compliance [PROGRAM]`.
    Compliance(Option<String>),
    /// `:accounts [FILTER]`.
    Accounts(String),
    Theme(String),
    Write(Option<PathBuf>),
    Rescan,
    Mouse(bool),
    Filter(String),
    /// A view registered with a command (`:traffic`, `:fix`, …).
    Open(Kind),
    /// `:report FORMAT FILE`: the evidence pack of what the console shows.
    Report(crate::report::Format, PathBuf),
}

/// Every command with its aliases, for completion and help: the tabs' and lists', those of
/// the views registered with one, then the rest.
pub fn all() -> impl Iterator<Item = Spec> {
    VIEWS
        .into_iter()
        .chain(Kind::ALL.iter().filter_map(|k| k.command()))
        .chain(OTHERS)
}

/// The commands that go to a tab or a list, with what they take.
const VIEWS: [Spec; 8] = [
    ("overview", &["o", "home"], "the overview"),
    (
        "buckets",
        &["b", "s3"],
        "buckets [FILTER]: the bucket list, optionally filtered",
    ),
    ("bucket", &[], "bucket NAME: one bucket's detail"),
    ("workgroups", &["wg", "athena"], "Athena workgroups"),
    (
        "connectivity",
        &["net", "network", "c"],
        "the network path diagram",
    ),
    (
        "compliance",
        &["comp", "programs"],
        "compliance [PROGRAM]: programs, e.g. :compliance pci",
    ),
    ("errors", &["err"], "every fetch error"),
    (
        "accounts",
        &["acct", "org"],
        "accounts [FILTER]: every account, e.g. :accounts ou:prod",
    ),
];

/// The commands that do something other than open a view.
const OTHERS: [Spec; 9] = [
    (
        "report",
        &[],
        "report FORMAT FILE: write the evidence pack (json, csv, markdown, ocsf) of what is shown",
    ),
    ("help", &["h"], "the keys of the current view"),
    (
        "theme",
        &[],
        "theme NAME|PATH: default, dark, light, high-contrast, colorblind",
    ),
    (
        "filter",
        &["f"],
        "filter TEXT: set the filter of the current list",
    ),
    (
        "write",
        &["w"],
        "write [FILE]: save the estate as a snapshot",
    ),
    ("rescan", &["r"], "read the estate again"),
    ("mouse", &[], "mouse on|off"),
    ("quit", &["q", "q!", "qa", "exit"], "leave intransit"),
    ("pci", &[], "shortcut for :compliance pci"),
];

pub fn parse(text: &str) -> Result<Command, String> {
    let text = text.trim();
    let (word, rest) = match text.split_once(char::is_whitespace) {
        Some((w, r)) => (w, r.trim()),
        None => (text, ""),
    };
    let arg = (!rest.is_empty()).then(|| rest.to_string());
    let is = |(n, aliases, _): &Spec| *n == word || aliases.contains(&word);
    if let Some(kind) = Kind::ALL
        .iter()
        .find(|k| k.command().as_ref().is_some_and(is))
    {
        return Ok(Command::Open(*kind));
    }
    let name = VIEWS
        .iter()
        .chain(&OTHERS)
        .find(|s| is(s))
        .map(|(n, _, _)| *n);
    Ok(match name {
        None if word.is_empty() => Command::Nothing,
        None => {
            return Err(format!(
                "unknown command :{word} (try :buckets, :compliance pci, :theme dark, :q; ? for help)"
            ));
        }
        Some("overview") => Command::Top(Top::Overview),
        Some("buckets") => Command::Buckets(rest.to_string()),
        Some("bucket") => match arg {
            Some(name) => Command::Bucket(name),
            None => return Err(":bucket needs a bucket name".to_string()),
        },
        Some("workgroups") => Command::Top(Top::Workgroups),
        Some("connectivity") => Command::Top(Top::Connectivity),
        Some("compliance") => Command::Compliance(arg),
        Some("pci") => Command::Compliance(Some("pci".to_string())),
        Some("errors") => Command::Top(Top::Errors),
        Some("accounts") => Command::Accounts(rest.to_string()),
        Some("report") => {
            let mut words = rest.split_whitespace();
            let usage = ":report FORMAT FILE (json, csv, markdown, ocsf)".to_string();
            let format = words.next().ok_or(usage.clone())?;
            let format = crate::report::Format::ALL
                .into_iter()
                .find(|f| {
                    f.as_str() == format
                        || (format == "md" && *f == crate::report::Format::Markdown)
                })
                .ok_or(usage.clone())?;
            let file = words.next().ok_or(usage)?;
            Command::Report(format, PathBuf::from(file))
        }
        Some("help") => Command::Top(Top::Help),
        Some("theme") => match arg {
            Some(t) => Command::Theme(t),
            None => {
                return Err(
                    ":theme needs a name: default, dark, light, high-contrast, colorblind"
                        .to_string(),
                );
            }
        },
        Some("filter") => Command::Filter(rest.to_string()),
        Some("write") => Command::Write(arg.map(PathBuf::from)),
        Some("rescan") => Command::Rescan,
        Some("mouse") => match rest {
            "on" | "" => Command::Mouse(true),
            "off" => Command::Mouse(false),
            _ => return Err(":mouse on|off".to_string()),
        },
        Some("quit") => Command::Quit,
        Some(other) => return Err(format!("unknown command :{other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands() {
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert_eq!(parse("buckets"), Ok(Command::Buckets(String::new())));
        assert_eq!(
            parse("buckets athena"),
            Ok(Command::Buckets("athena".to_string()))
        );
        assert_eq!(
            parse("compliance pci"),
            Ok(Command::Compliance(Some("pci".to_string())))
        );
        assert_eq!(parse("theme dark"), Ok(Command::Theme("dark".to_string())));
        assert_eq!(
            parse("w /tmp/x.json"),
            Ok(Command::Write(Some("/tmp/x.json".into())))
        );
        assert_eq!(parse(""), Ok(Command::Nothing));
        assert_eq!(parse("fix"), Ok(Command::Open(Kind::Fixes)));
        assert_eq!(parse("logs"), Ok(Command::Open(Kind::Traffic)));
        assert_eq!(parse("diff"), Ok(Command::Open(Kind::Changes)));
        assert!(parse("frobnicate").is_err());
    }

    /// A registered view's command opens it, and no name or alias means two things.
    #[test]
    fn every_name_is_one_command() {
        for kind in Kind::ALL {
            if let Some((name, _, _)) = kind.command() {
                assert_eq!(parse(name), Ok(Command::Open(*kind)), ":{name}");
                assert!(kind.open().is_some_and(|v| v.kind() == *kind));
            } else {
                assert!(kind.open().is_none(), "{kind:?} has no command");
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (name, aliases, _) in all() {
            for word in std::iter::once(name).chain(aliases.iter().copied()) {
                assert!(seen.insert(word), ":{word} is bound twice");
            }
        }
    }
}
