//! Themes: `themes/*.toml`, compiled in, or a file given with `--theme PATH`. A theme names a
//! colour for each role; the colour depth of the terminal (truecolor, 256, 16, or none with
//! `NO_COLOR`) decides how those colours reach the screen. Status never depends on colour:
//! every verdict has a word and a glyph, and selection is reverse video.

use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::policy::Verdict;

/// The themes shipped with intransit: (name, file text).
pub const BUILTIN: [(&str, &str); 5] = [
    ("default", include_str!("../../themes/default.toml")),
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("colorblind", include_str!("../../themes/colorblind.toml")),
];

/// How many colours the terminal shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// `NO_COLOR` (or `TERM=dumb`): attributes only (bold, underline, reverse).
    None,
    Ansi16,
    Ansi256,
    TrueColor,
}

impl Depth {
    /// From the environment: `NO_COLOR`, `COLORTERM`, `TERM`.
    pub fn detect() -> Depth {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        Depth::from_env(&var("NO_COLOR"), &var("COLORTERM"), &var("TERM"))
    }

    pub fn from_env(no_color: &str, colorterm: &str, term: &str) -> Depth {
        // https://no-color.org: set and not empty.
        if !no_color.is_empty() || term == "dumb" {
            return Depth::None;
        }
        let ct = colorterm.to_ascii_lowercase();
        if ct == "truecolor" || ct == "24bit" {
            return Depth::TrueColor;
        }
        if term.contains("256color") || term.contains("truecolor") || term.contains("direct") {
            return Depth::Ansi256;
        }
        Depth::Ansi16
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Depth::None => "no colour",
            Depth::Ansi16 => "16 colours",
            Depth::Ansi256 => "256 colours",
            Depth::TrueColor => "truecolor",
        }
    }
}

/// A theme file as written. Every key is required; unknown keys are errors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    description: String,
    colors: Colors,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Colors {
    background: String,
    text: String,
    muted: String,
    accent: String,
    border: String,
    title: String,
    header_fg: String,
    header_bg: String,
    badge_fg: String,
    badge_demo: String,
    badge_live: String,
    badge_snapshot: String,
    badge_readonly: String,
    good: String,
    partial: String,
    bad: String,
    unknown: String,
    highlight_bg: String,
    key: String,
    error: String,
    json_key: String,
    json_string: String,
    json_literal: String,
}

/// A theme resolved for one colour depth: a style per role.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    pub description: String,
    pub depth: Depth,
    pub base: Style,
    pub muted: Style,
    pub accent: Style,
    pub border: Style,
    pub title: Style,
    pub header: Style,
    pub badge_demo: Style,
    pub badge_live: Style,
    pub badge_snapshot: Style,
    pub badge_readonly: Style,
    pub good: Style,
    pub partial: Style,
    pub bad: Style,
    pub unknown: Style,
    /// Lines that decided a verdict (with a `▶` marker beside them, never colour alone).
    pub highlight: Style,
    pub key: Style,
    pub error: Style,
    pub json_key: Style,
    pub json_string: Style,
    pub json_literal: Style,
    /// The selected row: reverse video whatever the colours.
    pub selected: Style,
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("unknown theme {0:?}; built in: default, dark, light, high-contrast, colorblind")]
    Unknown(String),
    #[error("cannot read theme {path}: {message}")]
    Io { path: String, message: String },
    #[error("theme {path}: {message}")]
    Invalid { path: String, message: String },
}

impl Theme {
    /// A built-in theme by name, or a theme file by path (anything with `/` or `.toml`).
    pub fn load(name_or_path: &str, depth: Depth) -> Result<Theme, ThemeError> {
        if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
            return Theme::parse(name_or_path, text, depth);
        }
        if name_or_path.contains('/') || name_or_path.ends_with(".toml") {
            let path = Path::new(name_or_path);
            let text = std::fs::read_to_string(path).map_err(|e| ThemeError::Io {
                path: name_or_path.to_string(),
                message: e.to_string(),
            })?;
            return Theme::parse(name_or_path, &text, depth);
        }
        Err(ThemeError::Unknown(name_or_path.to_string()))
    }

    /// The built-in default (16 ANSI colours on the terminal's own background).
    pub fn default_for(depth: Depth) -> Theme {
        Theme::parse("default", BUILTIN[0].1, depth).expect("the default theme parses")
    }

    /// Parses a theme file; `origin` names it in errors.
    pub fn parse(origin: &str, text: &str, depth: Depth) -> Result<Theme, ThemeError> {
        let invalid = |message: String| ThemeError::Invalid {
            path: origin.to_string(),
            message,
        };
        let file: ThemeFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let c = &file.colors;
        let color = |key: &str, value: &str| -> Result<Color, ThemeError> {
            parse_color(value)
                .map(|c| reduce(c, depth))
                .ok_or_else(|| invalid(format!("colors.{key}: {value:?} is not a colour (use \"default\", an ANSI name such as \"bright-red\", or \"#rrggbb\")")))
        };
        let fg = |key: &str, value: &str| color(key, value).map(|c| Style::new().fg(c));
        let background = color("background", &c.background)?;
        let text_color = color("text", &c.text)?;
        let base = Style::new().fg(text_color).bg(background);
        let header = Style::new()
            .fg(color("header_fg", &c.header_fg)?)
            .bg(color("header_bg", &c.header_bg)?);
        let badge_fg = color("badge_fg", &c.badge_fg)?;
        let badge = |key: &str, value: &str| -> Result<Style, ThemeError> {
            Ok(Style::new()
                .fg(badge_fg)
                .bg(color(key, value)?)
                .add_modifier(Modifier::BOLD))
        };
        let bold = Modifier::BOLD;
        let mut theme = Theme {
            name: file.name.clone(),
            description: file.description.clone(),
            depth,
            base,
            muted: fg("muted", &c.muted)?,
            accent: fg("accent", &c.accent)?.add_modifier(bold),
            border: fg("border", &c.border)?,
            title: fg("title", &c.title)?.add_modifier(bold),
            header,
            badge_demo: badge("badge_demo", &c.badge_demo)?,
            badge_live: badge("badge_live", &c.badge_live)?,
            badge_snapshot: badge("badge_snapshot", &c.badge_snapshot)?,
            badge_readonly: badge("badge_readonly", &c.badge_readonly)?,
            good: fg("good", &c.good)?,
            partial: fg("partial", &c.partial)?,
            bad: fg("bad", &c.bad)?.add_modifier(bold),
            unknown: fg("unknown", &c.unknown)?,
            highlight: Style::new()
                .bg(color("highlight_bg", &c.highlight_bg)?)
                .add_modifier(bold),
            key: fg("key", &c.key)?.add_modifier(bold),
            error: fg("error", &c.error)?,
            json_key: fg("json_key", &c.json_key)?,
            json_string: fg("json_string", &c.json_string)?,
            json_literal: fg("json_literal", &c.json_literal)?,
            selected: Style::new().add_modifier(Modifier::REVERSED),
        };
        if depth == Depth::None {
            // Attributes only: badges stay readable through reverse video.
            for s in [
                &mut theme.badge_demo,
                &mut theme.badge_live,
                &mut theme.badge_snapshot,
                &mut theme.badge_readonly,
            ] {
                *s = Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED);
            }
            theme.header = Style::new().add_modifier(Modifier::BOLD);
            theme.highlight = Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        }
        Ok(theme)
    }

    pub fn verdict(&self, v: Verdict) -> Style {
        match v {
            Verdict::Enforced => self.good,
            Verdict::Partial => self.partial,
            Verdict::NotEnforced => self.bad,
            Verdict::Unknown => self.unknown,
        }
    }

    /// Style for a three-way status (good / partial / bad / unknown).
    pub fn status(&self, s: crate::ui::widgets::Status) -> Style {
        use crate::ui::widgets::Status;
        match s {
            Status::Good => self.good,
            Status::Warn => self.partial,
            Status::Bad => self.bad,
            Status::Unknown => self.unknown,
            Status::Info => self.muted,
        }
    }
}

/// `default`, an ANSI name, or `#rrggbb`.
pub fn parse_color(s: &str) -> Option<Color> {
    let named = match s {
        "default" | "reset" => Some(Color::Reset),
        "black" => Some(Color::Black),
        "red" => Some(Color::Red),
        "green" => Some(Color::Green),
        "yellow" => Some(Color::Yellow),
        "blue" => Some(Color::Blue),
        "magenta" => Some(Color::Magenta),
        "cyan" => Some(Color::Cyan),
        "white" => Some(Color::Gray),
        "bright-black" => Some(Color::DarkGray),
        "bright-red" => Some(Color::LightRed),
        "bright-green" => Some(Color::LightGreen),
        "bright-yellow" => Some(Color::LightYellow),
        "bright-blue" => Some(Color::LightBlue),
        "bright-magenta" => Some(Color::LightMagenta),
        "bright-cyan" => Some(Color::LightCyan),
        "bright-white" => Some(Color::White),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let v = u32::from_str_radix(hex, 16).ok()?;
    Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

/// The xterm defaults for the 16 ANSI colours, used to pick the nearest one.
pub const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// A colour as the terminal at `depth` can show it.
pub fn reduce(c: Color, depth: Depth) -> Color {
    match (depth, c) {
        (Depth::None, _) => Color::Reset,
        (Depth::TrueColor, c) => c,
        (Depth::Ansi256, Color::Rgb(r, g, b)) => Color::Indexed(nearest_256(r, g, b)),
        (Depth::Ansi16, Color::Rgb(r, g, b)) => nearest_16(r, g, b),
        (Depth::Ansi16, Color::Indexed(i)) => {
            let (r, g, b) = indexed_rgb(i);
            nearest_16(r, g, b)
        }
        (_, c) => c,
    }
}

fn dist(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).unsigned_abs();
    // Weighted for the eye's sensitivity to green.
    2 * d(a.0, b.0).pow(2) + 4 * d(a.1, b.1).pow(2) + 3 * d(a.2, b.2).pow(2)
}

/// The 16-colour value of a truecolor one. A coloured source keeps its hue (the nearest of
/// red, yellow, green, cyan, blue, magenta; the bright one when it is light): by distance
/// alone, a soft green and a soft red both fall on a grey, and a status would be told by its
/// glyph only. A source with little colour goes to the nearest of black, the greys and white.
fn nearest_16(r: u8, g: u8, b: u8) -> Color {
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    if max - min < CHROMA {
        return [Color::Black, Color::DarkGray, Color::Gray, Color::White]
            .into_iter()
            .min_by_key(|c| {
                let rgb = ANSI16
                    .iter()
                    .find(|(a, _)| a == c)
                    .map(|(_, v)| *v)
                    .unwrap_or_default();
                dist(rgb, (r, g, b))
            })
            .unwrap_or(Color::Reset);
    }
    let hue = hue(r, g, b, max, min);
    let light = (u16::from(max) + u16::from(min)) / 2 > 150;
    const HUES: [(u16, Color, Color); 6] = [
        (0, Color::Red, Color::LightRed),
        (60, Color::Yellow, Color::LightYellow),
        (120, Color::Green, Color::LightGreen),
        (180, Color::Cyan, Color::LightCyan),
        (240, Color::Blue, Color::LightBlue),
        (300, Color::Magenta, Color::LightMagenta),
    ];
    let around = |h: u16| {
        let d = hue.abs_diff(h);
        d.min(360 - d)
    };
    HUES.iter()
        .min_by_key(|(h, _, _)| around(*h))
        .map(|(_, dark, bright)| if light { *bright } else { *dark })
        .unwrap_or(Color::Reset)
}

/// Below this spread between the strongest and weakest channel, a colour is a grey.
const CHROMA: u8 = 48;

/// Hue in degrees (0 = red, 120 = green, 240 = blue).
fn hue(r: u8, g: u8, b: u8, max: u8, min: u8) -> u16 {
    let (r, g, b) = (f32::from(r), f32::from(g), f32::from(b));
    let d = f32::from(max - min).max(1.0);
    let h = if max as f32 == r {
        60.0 * ((g - b) / d)
    } else if max as f32 == g {
        60.0 * ((b - r) / d + 2.0)
    } else {
        60.0 * ((r - g) / d + 4.0)
    };
    (h.rem_euclid(360.0)) as u16 % 360
}

const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The RGB value of an xterm 256-colour index.
pub fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI16[usize::from(i)].1,
        16..=231 => {
            let i = i - 16;
            (
                CUBE[usize::from(i / 36)],
                CUBE[usize::from(i / 6 % 6)],
                CUBE[usize::from(i % 6)],
            )
        }
        _ => {
            let v = 8 + 10 * (i - 232);
            (v, v, v)
        }
    }
}

fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    let idx = |v: u8| {
        CUBE.iter()
            .enumerate()
            .min_by_key(|(_, c)| (i32::from(**c) - i32::from(v)).unsigned_abs())
            .map(|(i, _)| i as u8)
            .unwrap_or(0)
    };
    let cube = 16 + 36 * idx(r) + 6 * idx(g) + idx(b);
    let avg = ((u16::from(r) + u16::from(g) + u16::from(b)) / 3) as u8;
    let gray = if avg < 8 {
        232
    } else {
        232 + ((avg - 8) / 10).min(23)
    };
    let target = (r, g, b);
    if dist(indexed_rgb(gray), target) < dist(indexed_rgb(cube), target) {
        gray
    } else {
        cube
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_detection() {
        assert_eq!(Depth::from_env("1", "truecolor", "xterm"), Depth::None);
        assert_eq!(Depth::from_env("", "truecolor", "xterm"), Depth::TrueColor);
        assert_eq!(Depth::from_env("", "24bit", "screen"), Depth::TrueColor);
        assert_eq!(Depth::from_env("", "", "xterm-256color"), Depth::Ansi256);
        assert_eq!(Depth::from_env("", "", "xterm"), Depth::Ansi16);
        assert_eq!(Depth::from_env("", "", "dumb"), Depth::None);
    }

    #[test]
    fn colours_are_reduced_to_fit() {
        let orange = Color::Rgb(0xe6, 0x9f, 0x00);
        assert_eq!(reduce(orange, Depth::TrueColor), orange);
        assert_eq!(reduce(orange, Depth::Ansi256), Color::Indexed(178));
        assert_eq!(reduce(orange, Depth::Ansi16), Color::Yellow);
        assert_eq!(reduce(orange, Depth::None), Color::Reset);
        assert_eq!(reduce(Color::Red, Depth::Ansi16), Color::Red);
        assert_eq!(
            reduce(Color::Rgb(0x1e, 0x1e, 0x1e), Depth::Ansi256),
            Color::Indexed(234)
        );
        assert_eq!(
            reduce(Color::Rgb(250, 250, 250), Depth::Ansi16),
            Color::White
        );
    }

    #[test]
    fn soft_colours_keep_their_hue_in_16_colours() {
        // The dark theme's good and bad: by distance alone both were greys.
        assert_eq!(
            reduce(Color::Rgb(0x8f, 0xd1, 0x8b), Depth::Ansi16),
            Color::LightGreen
        );
        assert_eq!(
            reduce(Color::Rgb(0xff, 0x6e, 0x6e), Depth::Ansi16),
            Color::LightRed
        );
        assert_eq!(
            reduce(Color::Rgb(0x1a, 0x7f, 0x37), Depth::Ansi16),
            Color::Green
        );
        assert_eq!(
            reduce(Color::Rgb(0x7c, 0x85, 0x96), Depth::Ansi16),
            Color::DarkGray
        );
    }

    #[test]
    fn colour_syntax() {
        assert_eq!(parse_color("#ff0080"), Some(Color::Rgb(255, 0, 128)));
        assert_eq!(parse_color("bright-red"), Some(Color::LightRed));
        assert_eq!(parse_color("default"), Some(Color::Reset));
        assert_eq!(parse_color("#ff008"), None);
        assert_eq!(parse_color("#gg0000"), None);
        assert_eq!(parse_color("orange"), None);
    }
}
