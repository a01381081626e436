//! How a text is written into a CSV cell by `inc export --format csv` and read back by
//! `inc import --format csv`, so that the round trip gives back every character.
//!
//! Written ([`encode`]), in this order:
//! 1. a character inc never prints raw (a control character other than tab and newline, a
//!    carriage return, DEL, a C1 control, a bidirectional override) becomes `\u{HEX}`, the form
//!    inc shows it in everywhere, so the export is the same printed or written to a file;
//! 2. a backslash that would read as the start of such an escape (`\u{`) becomes `\u{5c}`;
//! 3. whitespace at either end of the text becomes `\u{HEX}`, because a reader (and inc's
//!    import) trims cells;
//! 4. a text that a spreadsheet would run as a formula, one that starts with `=`, `+`, `-` or
//!    `@` after any number of `'`, gets one `'` in front.
//!
//! Read ([`decode`]): one `'` before `'`…`=`/`+`/`-`/`@` is dropped, then every `\u{HEX}` becomes
//! its character. Cells written by older versions (only step 4, and only before `=+-@`) read the
//! same as before.

/// What makes a spreadsheet read a cell as a formula.
pub const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// `text` as it is written into a cell.
pub fn encode(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let first_kept = chars
        .iter()
        .position(|c| !c.is_whitespace())
        .unwrap_or(chars.len());
    let last_kept = chars
        .iter()
        .rposition(|c| !c.is_whitespace())
        .map_or(first_kept, |i| i + 1);
    let mut out = String::with_capacity(text.len());
    for (index, &c) in chars.iter().enumerate() {
        let at_edge = index < first_kept || index >= last_kept;
        let starts_escape = c == '\\' && starts_with_escape_opening(&chars[index + 1..]);
        if at_edge || c == '\r' || crate::text::is_unsafe(c) || starts_escape {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    if looks_like_formula(&out) {
        out.insert(0, '\'');
    }
    out
}

/// The text a cell holds (already trimmed): [`encode`] undone.
pub fn decode(cell: &str) -> String {
    let unguarded = match cell.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => cell,
    };
    unescape(unguarded)
}

/// Whether the text starts with `=`, `+`, `-` or `@` after any number of `'`.
fn looks_like_formula(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// Whether `rest` (what follows a backslash) starts with `u{`.
fn starts_with_escape_opening(rest: &[char]) -> bool {
    rest.len() >= 2 && rest[0] == 'u' && rest[1] == '{'
}

/// Every `\u{HEX}` (one to six hex digits naming a character) as its character; anything else
/// as it is.
fn unescape(text: &str) -> String {
    if !text.contains("\\u{") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\\u{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let decoded = after.find('}').and_then(|close| {
            let hex = &after[..close];
            let valid = (1..=6).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit());
            valid
                .then(|| u32::from_str_radix(hex, 16).ok().and_then(char::from_u32))
                .flatten()
                .map(|c| (c, close))
        });
        match decoded {
            Some((c, close)) => {
                out.push(c);
                rest = &after[close + 1..];
            }
            None => {
                out.push('\\');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_comes_back() {
        for text in [
            "",
            "plain",
            "=cmd|calc",
            "'=already quoted",
            "''@two",
            "'hello",
            "-1",
            " leading space",
            "trailing tab\t",
            "\tboth\n",
            "a\r\nb",
            "bell\u{7} nul\u{0} esc\u{1b}[31m del\u{7f} c1\u{85} rlo\u{202e}",
            "\\u{41} is not an A",
            "\\\u{1}",
            "C:\\temp\\u",
            "\\u{zz}",
            "   ",
            "\u{a0}nbsp\u{a0}",
        ] {
            let cell = encode(text);
            assert_eq!(decode(cell.trim()), text, "{text:?} as {cell:?}");
            assert!(!crate::text::has_unsafe(&cell), "{cell:?}");
            assert_eq!(cell.trim(), cell, "{cell:?}");
        }
    }

    #[test]
    fn cells_look_as_before_when_nothing_needs_escaping() {
        assert_eq!(
            encode("Card payments failed, 500s"),
            "Card payments failed, 500s"
        );
        assert_eq!(encode("=cmd|calc"), "'=cmd|calc");
        assert_eq!(encode("'=x"), "''=x");
        assert_eq!(encode("'hello"), "'hello");
        assert_eq!(encode("a\tb\nc"), "a\tb\nc");
        assert_eq!(encode("a\r\nb"), "a\\u{d}\nb");
        // What older versions wrote reads as before; a `'` not before a formula stays.
        assert_eq!(decode("'=cmd|calc"), "=cmd|calc");
        assert_eq!(decode("'hello"), "'hello");
        assert_eq!(decode("'"), "'");
    }
}
