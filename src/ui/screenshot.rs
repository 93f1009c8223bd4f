//! Screenshots of the console on the demo estate: every view rendered off-screen (ratatui's
//! `TestBackend`) and written as SVG (colours kept) and plain text. Deterministic: the demo
//! scan runs without simulated latency and nothing on screen depends on the clock.
//!
//! The same scenarios drive the snapshot tests and the benchmarks.

use std::fmt::Write as _;
use std::path::Path;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::app::App;
use super::theme::{ANSI16, Depth, Theme, indexed_rgb};
use crate::source::{SourceSpec, start};
use crate::store::{State, Store};

/// The demo estate, fully scanned (no simulated latency).
pub async fn demo_store() -> Store {
    start(&SourceSpec::Demo { latency: false })
        .await
        .expect("the demo source starts")
        .finish()
        .await
        .expect("the demo scan finishes")
}

/// Same as [`demo_store`], on a private runtime (for synchronous callers).
pub fn demo_store_blocking() -> Store {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(demo_store())
}

/// Keys from a compact script: characters are typed as they are; `<Enter>`, `<Esc>`,
/// `<Tab>`, `<BackTab>`, `<Up>`, `<Down>`, `<PgDn>`, `<PgUp>`, `<Home>`, `<End>`,
/// `<Backspace>`, `<C-c>` name special keys.
pub fn keys(script: &str) -> Vec<KeyEvent> {
    let mut out = Vec::new();
    let mut rest = script;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
            && end > 1
        {
            let name = &rest[1..end];
            let code = match name {
                "Enter" => Some(KeyCode::Enter),
                "Esc" => Some(KeyCode::Esc),
                "Tab" => Some(KeyCode::Tab),
                "BackTab" => Some(KeyCode::BackTab),
                "Up" => Some(KeyCode::Up),
                "Down" => Some(KeyCode::Down),
                "Left" => Some(KeyCode::Left),
                "Right" => Some(KeyCode::Right),
                "PgDn" => Some(KeyCode::PageDown),
                "PgUp" => Some(KeyCode::PageUp),
                "Home" => Some(KeyCode::Home),
                "End" => Some(KeyCode::End),
                "Backspace" => Some(KeyCode::Backspace),
                "C-c" => {
                    out.push(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
                    None
                }
                // Any key name of the binding table (`Ctrl-d`, `Shift-Tab`, `Space`).
                other => match super::bindings::Key::parse(other) {
                    Some(key) if other.chars().count() > 1 => {
                        out.push(key.event());
                        rest = &rest[end + 1..];
                        continue;
                    }
                    _ => None,
                },
            };
            if let Some(code) = code {
                out.push(KeyEvent::new(code, KeyModifiers::NONE));
            }
            if code.is_some() || name == "C-c" {
                rest = &rest[end + 1..];
                continue;
            }
        }
        let mods = if c.is_ascii_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        out.push(KeyEvent::new(KeyCode::Char(c), mods));
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Feeds a key script to the app.
pub fn press(app: &mut App, state: &State, script: &str) {
    for k in keys(script) {
        app.on_event(&Event::Key(k), state);
        app.place_cursor(state);
    }
}

/// A fresh app over `state` at `w`×`h`, after a key script.
pub fn app_after(state: &State, theme: Theme, w: u16, h: u16, script: &str) -> App {
    let mut app = App::new(theme, (w, h));
    app.sync(state);
    app.place_cursor(state);
    press(&mut app, state, script);
    app
}

/// Draws one frame off-screen.
pub fn render(app: &App, state: &State, w: u16, h: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
    term.draw(|f| super::draw::draw(f, app, state))
        .expect("drawing never fails off-screen");
    term.backend().buffer().clone()
}

/// Every view of the demo estate: (name, key script).
pub const SCENARIOS: [(&str, &str); 20] = [
    ("overview", ""),
    ("buckets", "2"),
    ("buckets-filtered", "2/results accepts-http<Enter>"),
    (
        "bucket-detail",
        ":bucket athena-results-adhoc-analytics-prod-use1<Enter>",
    ),
    (
        "bucket-detail-rcp",
        ":bucket datalake-staging-nwa-euw1<Enter>",
    ),
    ("workgroups", "3"),
    ("workgroup-detail", "3/finance<Enter><Enter>"),
    ("connectivity", "4"),
    ("connectivity-dx", "4jjjjjjjjjjjjjjj"),
    ("connectivity-detail", "4jjj<Enter>"),
    // The Overview's paths answer, then the weakest path's hops.
    ("path-detail", "j<Enter><Enter>"),
    ("compliance", "5"),
    ("errors", "6"),
    ("error-detail", "6<Enter>"),
    ("accounts", "7"),
    // The last account in OU order: the demo's own, read in part.
    ("account-detail", "7G<Enter>"),
    ("traffic", ":traffic<Enter>"),
    ("fixes", ":fix<Enter>"),
    ("help", "2?"),
    ("command", "2:compliance pci"),
];

/// The buffer's characters, one line per row, trailing spaces trimmed.
pub fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let cell = &buf[(x, y)];
            let sym = cell.symbol();
            line.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Colours for SVG: the terminal's defaults (for `Reset`) and its 16-colour palette.
pub struct Palette {
    pub fg: (u8, u8, u8),
    pub bg: (u8, u8, u8),
    pub ansi: [(u8, u8, u8); 16],
}

impl Palette {
    /// A common dark terminal palette (for themes that use the terminal's own colours).
    pub fn dark() -> Palette {
        Palette {
            fg: (0xd4, 0xd4, 0xd4),
            bg: (0x1e, 0x1e, 0x1e),
            ansi: [
                (0x1e, 0x1e, 0x1e),
                (0xf1, 0x4c, 0x4c),
                (0x23, 0xd1, 0x8b),
                (0xf5, 0xf5, 0x43),
                (0x3b, 0x8e, 0xea),
                (0xd6, 0x70, 0xd6),
                (0x29, 0xb8, 0xdb),
                (0xcc, 0xcc, 0xcc),
                (0x76, 0x76, 0x76),
                (0xf1, 0x4c, 0x4c),
                (0x23, 0xd1, 0x8b),
                (0xf5, 0xf5, 0x43),
                (0x3b, 0x8e, 0xea),
                (0xd6, 0x70, 0xd6),
                (0x29, 0xb8, 0xdb),
                (0xe5, 0xe5, 0xe5),
            ],
        }
    }

    fn rgb(&self, c: Color, fg: bool) -> (u8, u8, u8) {
        match c {
            Color::Reset => {
                if fg {
                    self.fg
                } else {
                    self.bg
                }
            }
            Color::Rgb(r, g, b) => (r, g, b),
            Color::Indexed(i) if i < 16 => self.ansi[usize::from(i)],
            Color::Indexed(i) => indexed_rgb(i),
            named => ANSI16
                .iter()
                .position(|(c, _)| *c == named)
                .map(|i| self.ansi[i])
                .unwrap_or(self.fg),
        }
    }
}

type Rgb = (u8, u8, u8);

fn hex((r, g, b): Rgb) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The buffer as an SVG picture: one rectangle per run of background, one text element per
/// run of style, each stretched to its cells so the grid holds in any monospace font.
pub fn svg(buf: &Buffer, palette: &Palette) -> String {
    const CW: f32 = 8.4;
    const CH: f32 = 18.0;
    let area = buf.area;
    let w = f32::from(area.width) * CW;
    let h = f32::from(area.height) * CH;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.1} {h:.1}\" font-family=\"'DejaVu Sans Mono','Menlo','Consolas',monospace\" font-size=\"14\">"
    );
    let _ = writeln!(
        s,
        "<rect width=\"100%\" height=\"100%\" fill=\"{}\"/>",
        hex(palette.bg)
    );
    for y in 0..area.height {
        // Resolve each cell's colours (reverse video swaps them).
        let cells: Vec<(Rgb, Rgb, Modifier, &str)> = (0..area.width)
            .map(|x| {
                let c = &buf[(x, y)];
                let mut fg = palette.rgb(c.fg, true);
                let mut bg = palette.rgb(c.bg, false);
                if c.modifier.contains(Modifier::REVERSED) {
                    std::mem::swap(&mut fg, &mut bg);
                }
                (fg, bg, c.modifier, c.symbol())
            })
            .collect();
        let ty = f32::from(y) * CH;
        let mut x = 0;
        while x < cells.len() {
            let bg = cells[x].1;
            let start = x;
            while x < cells.len() && cells[x].1 == bg {
                x += 1;
            }
            if bg != palette.bg {
                let _ = writeln!(
                    s,
                    "<rect x=\"{:.1}\" y=\"{ty:.1}\" width=\"{:.1}\" height=\"{CH:.1}\" fill=\"{}\"/>",
                    start as f32 * CW,
                    (x - start) as f32 * CW,
                    hex(bg)
                );
            }
        }
        let mut x = 0;
        while x < cells.len() {
            let (fg, _, m, _) = cells[x];
            let start = x;
            let mut text = String::new();
            while x < cells.len() && cells[x].0 == fg && cells[x].2 == m {
                text.push_str(cells[x].3);
                x += 1;
            }
            if text.trim().is_empty() {
                continue;
            }
            let mut attrs = format!("fill=\"{}\"", hex(fg));
            if m.contains(Modifier::BOLD) {
                attrs.push_str(" font-weight=\"bold\"");
            }
            if m.contains(Modifier::ITALIC) {
                attrs.push_str(" font-style=\"italic\"");
            }
            if m.contains(Modifier::UNDERLINED) {
                attrs.push_str(" text-decoration=\"underline\"");
            }
            if m.contains(Modifier::DIM) {
                attrs.push_str(" opacity=\"0.6\"");
            }
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" textLength=\"{:.1}\" lengthAdjust=\"spacingAndGlyphs\" xml:space=\"preserve\" {attrs}>{}</text>",
                start as f32 * CW,
                ty + CH * 0.75,
                (x - start) as f32 * CW,
                esc(&text)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

/// Writes every scenario (160×48, dark theme) and a few variants into `dir`:
/// `NAME.svg` and `NAME.txt`. Returns the file names written.
pub fn write_all(dir: &Path) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let store = demo_store_blocking();
    let palette = Palette::dark();
    let mut written = Vec::new();
    let mut shots: Vec<(String, Theme, u16, u16, &str)> = Vec::new();
    let dark = Theme::load("dark", Depth::TrueColor).expect("built-in theme");
    for (name, script) in SCENARIOS {
        shots.push((name.to_string(), dark.clone(), 160, 48, script));
    }
    for (name, _) in super::theme::BUILTIN {
        shots.push((
            format!("theme-{name}"),
            Theme::load(name, Depth::TrueColor).expect("built-in theme"),
            120,
            36,
            "",
        ));
    }
    shots.push((
        "theme-no-color".into(),
        Theme::load("default", Depth::None).expect("built-in theme"),
        120,
        36,
        "",
    ));
    shots.push(("overview-80x24".into(), dark.clone(), 80, 24, ""));
    shots.push(("buckets-80x24".into(), dark.clone(), 80, 24, "2"));
    shots.push(("connectivity-80x24".into(), dark.clone(), 80, 24, "4"));
    shots.push(("too-small".into(), dark, 50, 12, ""));
    store.read(|state| -> std::io::Result<()> {
        for (name, theme, w, h, script) in &shots {
            let app = app_after(state, theme.clone(), *w, *h, script);
            let buf = render(&app, state, *w, *h);
            std::fs::write(dir.join(format!("{name}.svg")), svg(&buf, &palette))?;
            std::fs::write(dir.join(format!("{name}.txt")), text(&buf))?;
            written.push(format!("{name}.svg"));
            written.push(format!("{name}.txt"));
        }
        Ok(())
    })?;
    Ok(written)
}
