//! Shell completions and manual pages generated from the clap definitions, and the console's
//! flags checked even when the output is not a terminal.

mod temp_support;

use std::process::Command;

use temp_support::TempDir;

fn intransit(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_intransit"))
        .args(args)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run intransit")
}

#[test]
fn completion_scripts_name_the_subcommands_and_their_flags() {
    for (shell, marker) in [
        ("bash", "_intransit()"),
        ("zsh", "#compdef intransit"),
        ("fish", "complete -c intransit"),
    ] {
        let out = intransit(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        assert!(text.contains(marker), "{shell}: {marker}");
        for word in ["traffic", "report", "access-logs", "exceptions"] {
            assert!(text.contains(word), "{shell}: {word}");
        }
    }
    let out = intransit(&["completions", "tcsh"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn the_manual_pages_describe_every_subcommand() {
    let out = intransit(&["man"]);
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH intransit"),
        "{page}"
    );
    assert!(page.contains("traffic"), "the subcommands are listed");
    let dir = TempDir::new("man");
    let path = dir.0.display().to_string();
    let out = intransit(&["man", "--out-dir", &path]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in [
        "intransit.1",
        "intransit-traffic.1",
        "intransit-report.1",
        "intransit-diff.1",
    ] {
        let text =
            std::fs::read_to_string(dir.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            text.contains(".SH OPTIONS") || text.contains(".SH NAME"),
            "{name}"
        );
    }
    let traffic =
        std::fs::read_to_string(dir.path("intransit-traffic.1")).expect("the traffic page");
    assert!(traffic.contains("emit\\-sql"), "{traffic}");
    assert!(
        !dir.path("intransit-screenshots.1").exists(),
        "hidden commands have no page"
    );
}

#[test]
fn a_bad_theme_is_an_error_also_without_a_terminal() {
    let out = intransit(&["--demo", "--no-latency", "--theme", "no-such-theme"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-theme"));
    let out = intransit(&["--demo", "--no-latency", "--theme", "dark"]);
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "a good theme: the overview"
    );
}

/// The text overview is laid out for COLUMNS (else the terminal, else 100 columns): no line
/// is wider, and a wide one cuts less.
#[test]
fn the_text_overview_honours_columns() {
    let widest = |columns: &str| -> (usize, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_intransit"))
            .args(["overview", "--demo", "--no-latency"])
            .env("COLUMNS", columns)
            .env("NO_COLOR", "1")
            .output()
            .expect("run intransit");
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        let w = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        (w, text)
    };
    let (narrow, text80) = widest("80");
    assert!(narrow <= 80, "{narrow}");
    let (wide, text160) = widest("160");
    assert!(wide <= 160 && wide > 80, "{wide}");
    let cut = |t: &str| t.matches('…').count();
    assert!(cut(&text160) < cut(&text80), "a wider layout cuts less");
    let (default, _) = widest("not a number");
    assert!(default <= 100, "{default}");
}
