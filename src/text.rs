//! Untrusted text (names, Sids, descriptions, tags from AWS or a policy file) on its way to a
//! terminal: control characters and escape sequences are removed so they cannot move the
//! cursor, change colours, set the title or write the clipboard.

use std::borrow::Cow;
use std::io::Write;

/// Returns `s` with escape sequences, control characters and bidirectional overrides removed.
/// Borrowed when there was nothing to remove.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI / OSC / DCS introducers carry a sequence like their ESC forms.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// JSON text with every character a terminal could act on inside a string (C0 controls but
/// line breaks and tabs, DEL, C1 controls, bidirectional overrides) written as a `\uXXXX`
/// escape: the same JSON value, safe to print. Whitespace between tokens is kept. One rule:
/// this is [`JsonSafeWriter`] over a string.
pub fn json_safe(json: String) -> String {
    let mut out = JsonSafeWriter::new(Vec::with_capacity(json.len()));
    // Writing to a Vec cannot fail; the escapes are ASCII, so the UTF-8 stays valid.
    let _ = out.write_all(json.as_bytes());
    let bytes = out.into_inner();
    String::from_utf8(bytes).unwrap_or(json)
}

/// Runs `write` over a writer that reaches `out` escaped as [`json_safe`] escapes, buffered
/// before the escaping (which then sees large pieces, not every token), and finishes it.
pub fn write_json_safe(
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut safe = std::io::BufWriter::with_capacity(1 << 16, JsonSafeWriter::new(out));
    write(&mut safe)?;
    safe.into_inner().map_err(|e| e.into_error())?.finish()
}

/// Bytes that never begin a character [`JsonSafeWriter`] escapes: all but the C0 controls
/// (line breaks and tabs pass), DEL and the lead bytes `C2` and `E2`.
const PASSES: [bool; 256] = {
    let mut t = [true; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = false;
        b += 1;
    }
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\t' as usize] = true;
    t[0x7f] = false;
    t[0xc2] = false;
    t[0xe2] = false;
    t
};

/// JSON written through it reaches `inner` with every character a terminal could act on
/// escaped (see [`json_safe`]), byte for byte the same however the text is split into writes. Call
/// [`JsonSafeWriter::finish`] at the end.
pub struct JsonSafeWriter<W: Write> {
    inner: W,
    /// The start of a UTF-8 sequence cut by the end of the last write.
    carry: Vec<u8>,
}

impl<W: Write> JsonSafeWriter<W> {
    pub fn new(inner: W) -> JsonSafeWriter<W> {
        JsonSafeWriter {
            inner,
            carry: Vec::new(),
        }
    }

    /// The bytes written so far, with an incomplete sequence at the end as it came.
    fn into_inner(mut self) -> W {
        let rest = std::mem::take(&mut self.carry);
        let _ = self.inner.write_all(&rest);
        self.inner
    }

    /// Writes what is left (an incomplete sequence as it came) and flushes.
    pub fn finish(mut self) -> std::io::Result<()> {
        let rest = std::mem::take(&mut self.carry);
        self.inner.write_all(&rest)?;
        self.inner.flush()
    }

    /// Byte by byte, without decoding: the characters `json_safe` escapes are C0 controls
    /// but line breaks and tabs, DEL, C1 (`C2 80`..`C2 9F`) and the bidirectional controls
    /// (`E2 80 AA`..`E2 80 AE`, `E2 81 A6`..`E2 81 A9`). A sequence cut by the end of `data`
    /// waits for the next write.
    fn put(&mut self, data: &[u8]) -> std::io::Result<()> {
        let (mut start, mut i) = (0, 0);
        while i < data.len() {
            // Most bytes: skipped by one table lookup each.
            while i < data.len() && PASSES[usize::from(data[i])] {
                i += 1;
            }
            if i == data.len() {
                break;
            }
            let escape = match data[i] {
                b'\n' | b'\r' | b'\t' => None,
                b @ (0x00..=0x1f | 0x7f) => Some((u32::from(b), 1)),
                lead @ (0xc2 | 0xe2) => {
                    let len = if lead == 0xc2 { 2 } else { 3 };
                    if i + len > data.len() {
                        self.inner.write_all(&data[start..i])?;
                        self.carry = data[i..].to_vec();
                        return Ok(());
                    }
                    match data[i + 1..i + len] {
                        [b @ 0x80..=0x9f] => Some((u32::from(b), 2)),
                        [0x80, b @ 0xaa..=0xae] | [0x81, b @ 0xa6..=0xa9] => Some((
                            0x2000 | (u32::from(data[i + 1] & 0x3f) << 6) | u32::from(b & 0x3f),
                            3,
                        )),
                        _ => None,
                    }
                }
                _ => None,
            };
            match escape {
                Some((code, len)) => {
                    self.inner.write_all(&data[start..i])?;
                    write!(self.inner, "\\u{code:04x}")?;
                    i += len;
                    start = i;
                }
                None => i += 1,
            }
        }
        self.inner.write_all(&data[start..])
    }
}

impl<W: Write> Write for JsonSafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.carry.is_empty() {
            self.put(buf)?;
        } else {
            let mut joined = std::mem::take(&mut self.carry);
            joined.extend_from_slice(buf);
            self.put(&joined)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// One line on standard error, `intransit: MESSAGE`, with MESSAGE sanitized: file names,
/// policy values, resource names and error texts from outside reach the terminal only this
/// way. Line breaks and tabs inside MESSAGE become spaces.
pub fn to_stderr(message: &str) {
    let flat = message.replace(['\n', '\r', '\t'], " ");
    eprintln!("intransit: {}", sanitize(&flat));
}

/// `say!("cannot read {name}: {e}")`: [`to_stderr`] with `format!` arguments.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::text::to_stderr(&format!($($arg)*))
    };
}

fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']') | Some('P') | Some('^') | Some('_') | Some('X') => skip_string(chars),
        // Two-character sequences (ESC c, ESC 7, ...) and intermediates (ESC ( B).
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            chars.next();
        }
        _ => {}
    }
}

/// CSI: parameter and intermediate bytes, then one final byte in @..~.
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// OSC / DCS / PM / APC / SOS: up to BEL or ST (ESC \ or U+009C).
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{JsonSafeWriter, is_unsafe, json_safe, sanitize};

    /// The rule, by characters: what the sanitizer removes, but line breaks and tabs, escaped.
    fn reference(text: &str) -> String {
        text.chars()
            .map(|c| {
                if is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t') {
                    format!("\\u{:04x}", u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect()
    }

    #[test]
    fn the_writer_escapes_exactly_the_unsafe_characters_however_the_text_is_cut() {
        let value = serde_json::json!({
            "name": "wg\u{9b}31m\u{202e}gnp.exe\u{7f}\u{1b}]0;t\u{7}",
            "plain": "caf\u{e9} \u{2069}\u{2066} \u{80}\u{9f}\u{a0} \u{2028} \u{1f600}",
            "nested": [{"k": "\u{202a}x\u{202d}"}],
        });
        let text = serde_json::to_string_pretty(&value).expect("json");
        let expected = reference(&text);
        assert_eq!(json_safe(text.clone()), expected);
        let bytes = text.as_bytes();
        for piece in 1..=7 {
            let mut out = Vec::new();
            let mut w = JsonSafeWriter::new(&mut out);
            for chunk in bytes.chunks(piece) {
                std::io::Write::write_all(&mut w, chunk).expect("writes");
            }
            w.finish().expect("finishes");
            assert_eq!(
                String::from_utf8(out).expect("UTF-8"),
                expected,
                "pieces of {piece}"
            );
        }
        // Raw text too (C0 controls, a sequence cut at the very end).
        let raw = "a\u{7}b\n\tc\u{85}\u{202e}\u{e9}\u{2028}";
        for cut in 0..=raw.len() {
            let mut out = Vec::new();
            let mut w = JsonSafeWriter::new(&mut out);
            std::io::Write::write_all(&mut w, &raw.as_bytes()[..cut]).expect("writes");
            std::io::Write::write_all(&mut w, &raw.as_bytes()[cut..]).expect("writes");
            w.finish().expect("finishes");
            assert_eq!(String::from_utf8(out).expect("UTF-8"), reference(raw));
        }
        let mut out = Vec::new();
        serde_json::to_writer_pretty(JsonSafeWriter::new(&mut out), &value).expect("json");
        assert_eq!(String::from_utf8(out).expect("UTF-8"), expected);
    }

    #[test]
    fn json_safe_escapes_what_a_terminal_would_act_on_and_keeps_the_value() {
        let value = serde_json::json!({"name": "wg\u{9b}31m\u{202e}gnp.exe\u{7f}\u{1b}]0;t\u{7}"});
        let text = serde_json::to_string_pretty(&value).expect("json");
        let safe = json_safe(text);
        assert!(
            !safe.chars().any(|c| c.is_control() && c != '\n'),
            "{safe:?}"
        );
        assert!(!safe.contains('\u{202e}'), "{safe:?}");
        assert!(safe.contains("\\u009b") && safe.contains("\\u202e") && safe.contains("\\u007f"));
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, value, "the same value");
        let plain = "{\n  \"a\": \"b\"\n}".to_string();
        assert_eq!(json_safe(plain.clone()), plain);
    }

    #[test]
    fn strips_sequences_and_controls() {
        assert_eq!(sanitize("plain"), "plain");
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m"), "ared");
        assert_eq!(sanitize("x\u{1b}]52;c;ZXZpbA==\u{7}y"), "xy");
        assert_eq!(sanitize("x\u{1b}]0;title\u{1b}\\y"), "xy");
        assert_eq!(sanitize("tab\there\nnl"), "tabherenl");
        assert_eq!(sanitize("c1\u{9b}2Jx"), "c1x");
        assert_eq!(sanitize("bidi\u{202e}txt"), "biditxt");
        assert_eq!(sanitize("ünïcode ✓"), "ünïcode ✓");
        assert_eq!(sanitize("trailing\u{1b}"), "trailing");
    }
}

/// Strings many values repeat (account ids, regions, policy templates), each kept once.
#[derive(Default)]
pub struct Interned(std::collections::HashSet<std::sync::Arc<str>>);

impl Interned {
    /// The one shared copy of `word`.
    pub fn get(&mut self, word: &str) -> std::sync::Arc<str> {
        if let Some(known) = self.0.get(word) {
            return known.clone();
        }
        let word: std::sync::Arc<str> = std::sync::Arc::from(word);
        self.0.insert(word.clone());
        word
    }
}
