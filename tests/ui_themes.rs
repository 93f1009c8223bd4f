//! Every theme file loads, at every colour depth; unknown keys and bad colours are rejected.

use std::path::Path;

use intransit::ui::theme::{BUILTIN, Depth, Theme, ThemeError};
use ratatui::style::Color;

const DEPTHS: [Depth; 4] = [Depth::TrueColor, Depth::Ansi256, Depth::Ansi16, Depth::None];

fn colours(t: &Theme) -> Vec<Color> {
    [
        t.base,
        t.muted,
        t.accent,
        t.border,
        t.title,
        t.header,
        t.badge_demo,
        t.badge_live,
        t.badge_snapshot,
        t.badge_readonly,
        t.good,
        t.partial,
        t.bad,
        t.unknown,
        t.highlight,
        t.key,
        t.error,
        t.json_key,
        t.json_string,
        t.json_literal,
    ]
    .iter()
    .flat_map(|s| [s.fg, s.bg])
    .flatten()
    .collect()
}

#[test]
fn every_theme_file_loads_at_every_depth() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("themes/") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        files += 1;
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        assert!(
            BUILTIN.iter().any(|(n, _)| *n == stem),
            "{stem} is not compiled in (theme::BUILTIN)"
        );
        for depth in DEPTHS {
            let t = Theme::load(path.to_str().unwrap(), depth)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(
                t.name,
                stem,
                "the name inside {} is its file name",
                path.display()
            );
            for c in colours(&t) {
                match depth {
                    Depth::None => assert_eq!(c, Color::Reset, "{stem}: NO_COLOR"),
                    Depth::Ansi16 => assert!(
                        !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                        "{stem}: {c:?} in 16 colours"
                    ),
                    Depth::Ansi256 => {
                        assert!(!matches!(c, Color::Rgb(..)), "{stem}: {c:?} in 256 colours")
                    }
                    Depth::TrueColor => {}
                }
            }
            // Built-in by name gives the same theme.
            assert_eq!(Theme::load(&stem, depth).expect("by name"), t);
        }
    }
    assert_eq!(files, BUILTIN.len(), "every built-in theme has a file");
    assert!(files >= 5);
}

#[test]
fn the_default_theme_uses_ansi_colours_and_the_terminals_background() {
    let t = Theme::load("default", Depth::TrueColor).expect("default");
    assert_eq!(t.base.bg, Some(Color::Reset));
    for c in colours(&t) {
        assert!(
            !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
            "default theme uses only the 16 ANSI colours: {c:?}"
        );
    }
}

fn default_text() -> String {
    BUILTIN[0].1.to_string()
}

#[test]
fn unknown_keys_are_rejected() {
    let text = default_text().replace("[colors]", "[colors]\nsparkle = \"red\"");
    match Theme::parse("x", &text, Depth::TrueColor) {
        Err(ThemeError::Invalid { message, .. }) => {
            assert!(message.contains("sparkle"), "{message}")
        }
        other => panic!("expected an error, got {other:?}"),
    }
    let text = format!("author = \"me\"\n{}", default_text());
    assert!(Theme::parse("x", &text, Depth::TrueColor).is_err());
}

#[test]
fn missing_keys_and_bad_colours_are_rejected() {
    let text = default_text().replace("good = \"green\"\n", "");
    assert!(
        Theme::parse("x", &text, Depth::TrueColor).is_err(),
        "missing key"
    );
    for bad in ["\"#12345\"", "\"#gggggg\"", "\"orange\"", "3"] {
        let text = default_text().replace("good = \"green\"", &format!("good = {bad}"));
        match Theme::parse("x", &text, Depth::TrueColor) {
            Err(ThemeError::Invalid { .. }) => {}
            other => panic!("{bad} should be rejected, got {other:?}"),
        }
    }
    assert!(matches!(
        Theme::load("no-such-theme", Depth::TrueColor),
        Err(ThemeError::Unknown(_))
    ));
}

/// In 16 colours every built-in theme still tells the four statuses apart by colour (the
/// glyph and word tell them apart everywhere; colour must not merge them).
#[test]
fn every_theme_keeps_the_statuses_apart_in_16_colours() {
    use intransit::ui::widgets::Status;
    for name in ["default", "dark", "light", "high-contrast", "colorblind"] {
        let t = Theme::load(name, Depth::Ansi16).expect("a built-in theme");
        let colours: Vec<_> = [Status::Good, Status::Warn, Status::Bad, Status::Unknown]
            .iter()
            .map(|s| t.status(*s).fg)
            .collect();
        for (i, a) in colours.iter().enumerate() {
            for b in &colours[i + 1..] {
                assert_ne!(a, b, "{name}: two statuses share {a:?}: {colours:?}");
            }
        }
        // Pass, partial and fail are colours, not shades of grey (two greys read alike).
        let greys = [
            Some(Color::Black),
            Some(Color::DarkGray),
            Some(Color::Gray),
            Some(Color::White),
        ];
        for c in &colours[..3] {
            assert!(!greys.contains(c), "{name}: a status is grey: {colours:?}");
        }
    }
}
