//! `y`: copy through the terminal with OSC 52, which works over SSH and inside tmux (with
//! `set-clipboard on`), no X11 or helper program needed.

/// Standard base64 (RFC 4648) with padding.
pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `text` as it goes to the clipboard: each line sanitized (no escape sequence, control,
/// bidirectional override or NUL from a resource name reaches what the operator pastes),
/// line breaks kept so a copied policy stays a policy.
pub fn clean(text: &str) -> String {
    text.split('\n')
        .map(|line| crate::text::sanitize(line.strip_suffix('\r').unwrap_or(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The escape sequence that puts `text`, [`clean`]ed, on the system clipboard.
pub fn osc52(text: &str) -> String {
    format!("\u{1b}]52;c;{}\u{7}", base64(clean(text).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clipboard_gets_no_control_or_bidi_character_but_keeps_lines() {
        let hostile =
            "wg\u{1b}]52;c;cGF5bG9hZA==\u{7}-\u{9b}2J\u{202e}\u{0}name\r\n{\n  \"a\": 1\n}";
        let cleaned = clean(hostile);
        assert_eq!(cleaned, "wg-name\n{\n  \"a\": 1\n}");
        let seq = osc52(hostile);
        assert_eq!(
            seq,
            format!("\u{1b}]52;c;{}\u{7}", base64(cleaned.as_bytes()))
        );
    }

    #[test]
    fn encodes() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(osc52("hi"), "\u{1b}]52;c;aGk=\u{7}");
    }
}
