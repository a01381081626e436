//! Text from the repository's files, made safe to show: control characters escaped.
//!
//! Any file in the repository may come from anyone with push access, and its text reaches
//! terminals (`inc show`, error messages) and HTML pages. A raw ESC can recolour, hide or rewrite
//! what is on screen, set the window title or worse; BEL, NUL and the C1 controls (U+0080 to
//! U+009F, which some terminals obey like ESC sequences) do their own damage; bidirectional
//! overrides reorder what people read ("trojan source"). The files keep such text exactly; only
//! what is shown is escaped, always in one form: Rust's `\u{1b}` (lowercase hex, no padding).
//!
//! Every escaping rule of inc's output lives here: [`escape_controls`] for the terminal,
//! [`escape_json`], [`escape_markup`] for HTML, XML and SVG, and [`escape_slack`] for Slack.

use std::borrow::Cow;
use std::io::{self, Write};

/// `monitoring` → `Monitoring`.
pub fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// `1 error`, `2 errors`: a count and an English noun that takes an `s`.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Whether `c` is shown escaped: C0 controls except tab and newline (a carriage return only
/// when a newline does not follow it), DEL, the C1 controls, and the bidirectional embeddings,
/// overrides and isolates.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Where the first character [`is_unsafe`] starts in `text`, if any. A scan of bytes rather than
/// characters, because all of inc's output passes through it (a report can be megabytes).
fn first_unsafe(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    bytes.iter().enumerate().position(|(i, &b)| match b {
        0x20..=0x7e | b'\t' | b'\n' => false,
        b'\r' => at(i + 1) != b'\n',
        0x00..=0x1f | 0x7f => true,
        // C1 controls are U+0080 to U+009F: C2 80 to C2 9F.
        0xc2 => (0x80..=0x9f).contains(&at(i + 1)),
        // U+202A to U+202E are E2 80 AA to AE; U+2066 to U+2069 are E2 81 A6 to A9.
        0xe2 => match at(i + 1) {
            0x80 => (0xaa..=0xae).contains(&at(i + 2)),
            0x81 => (0xa6..=0xa9).contains(&at(i + 2)),
            _ => false,
        },
        _ => false,
    })
}

/// Whether `text` holds a character [`is_unsafe`] (other than a carriage return before a
/// newline).
pub fn has_unsafe(text: &str) -> bool {
    first_unsafe(text).is_some()
}

/// `text` with every character [`is_unsafe`] shown as `\u{…}`; borrowed when there is none,
/// which is nearly always.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    let Some(first) = first_unsafe(text) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    let mut chars = text[first..].chars().peekable();
    while let Some(c) = chars.next() {
        let keep = !is_unsafe(c) || (c == '\r' && chars.peek() == Some(&'\n'));
        if keep {
            out.push(c);
        } else {
            out.extend(c.escape_unicode());
        }
    }
    Cow::Owned(out)
}

/// JSON text (as serde_json writes it) with the characters [`is_unsafe`] that it leaves raw
/// written as `\uXXXX` escapes instead: the same data for any JSON reader, safe on a terminal.
/// They can only occur inside strings, where such an escape is valid.
pub fn escape_json(json: String) -> String {
    if !has_unsafe(&json) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Shortens text to its first line of at most `max` characters, for a commit message or a table
/// cell; tabs become spaces and control characters are escaped.
pub fn one_line(text: &str, max: usize) -> String {
    let text = text.replace('\t', " ");
    let first = text.trim().lines().next().unwrap_or("").trim();
    let more = text.trim().lines().nth(1).is_some();
    let shown = if first.chars().count() > max {
        let cut: String = first.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    } else if more {
        format!("{first} …")
    } else {
        first.to_string()
    };
    escape_controls(&shown).into_owned()
}

/// `text` struck through for a terminal: each character followed by U+0336 (combining long
/// stroke overlay). Not an escape sequence: what commands print is stripped of those, and the
/// text stays whole for a terminal that cannot draw it.
pub fn struck_through(text: &str) -> String {
    text.chars().flat_map(|c| [c, '\u{336}']).collect()
}

/// Text for HTML or XML, in an element or a quoted attribute: the one escaping rule of every
/// page and feed inc writes (HTML templates print their values through it too). Markup
/// characters become entities and the characters [`is_unsafe`] are shown as `\u{…}`, as on the
/// terminal; tab and newline stay (they are whitespace in HTML).
pub fn escape_markup(value: &str) -> String {
    let value = escape_controls(value);
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text for a Slack message: `&`, `<` and `>` become entities, so that `<!channel>` pings no
/// one and `<…|…>` makes no link, and nothing else changes. Slack's own markup rule, not
/// [`escape_markup`]: quotes are plain text there, and a control character is sent as typed (it
/// reaches no terminal, and JSON encodes it).
pub fn escape_slack(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `eprintln!` with control characters escaped, for every message that may quote a file.
#[macro_export]
macro_rules! eprintln_escaped {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::text::escape_controls(&format!($($arg)*)))
    };
}

/// A writer that escapes control characters in everything written through it: what commands
/// print to standard output.
pub struct Escaping<'a> {
    inner: &'a mut dyn Write,
    /// The start of a UTF-8 sequence whose end has not been written yet.
    pending: Vec<u8>,
}

impl<'a> Escaping<'a> {
    pub fn new(inner: &'a mut dyn Write) -> Escaping<'a> {
        Escaping {
            inner,
            pending: Vec::new(),
        }
    }

    fn write_text(&mut self, text: &str) -> io::Result<()> {
        self.inner.write_all(escape_controls(text).as_bytes())
    }
}

impl Write for Escaping<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let joined;
        let mut rest = if self.pending.is_empty() {
            buf
        } else {
            let mut bytes = std::mem::take(&mut self.pending);
            bytes.extend_from_slice(buf);
            joined = bytes;
            &joined[..]
        };
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.write_text(text)?;
                    break;
                }
                Err(err) => {
                    let (valid, after) = rest.split_at(err.valid_up_to());
                    self.write_text(std::str::from_utf8(valid).expect("checked valid"))?;
                    match err.error_len() {
                        None => {
                            self.pending = after.to_vec();
                            break;
                        }
                        Some(len) => {
                            self.inner.write_all("\u{fffd}".as_bytes())?;
                            rest = &after[len..];
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.pending.clear();
            self.inner.write_all("\u{fffd}".as_bytes())?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi_and_nothing_else() {
        let text =
            "bell\u{7} esc\u{1b}[31m nul\u{0} del\u{7f} csi\u{9b} rlo\u{202e} lri\u{2066} cr\r";
        assert_eq!(
            escape_controls(text),
            "bell\\u{7} esc\\u{1b}[31m nul\\u{0} del\\u{7f} csi\\u{9b} rlo\\u{202e} lri\\u{2066} cr\\u{d}"
        );
        let plain = "tab\tnewline\nwindows\r\n zero-width\u{200b} é ✓ C:\\path";
        assert!(matches!(escape_controls(plain), Cow::Borrowed(_)));
        // The byte scan agrees with the character test on every character that matters.
        for c in ('\u{0}'..='\u{3000}').chain(['\u{fffd}', '\u{1f600}']) {
            let text = format!("a{c}b");
            assert_eq!(has_unsafe(&text), is_unsafe(c), "{:?}", c);
        }
    }

    #[test]
    fn json_keeps_its_data() {
        let value = serde_json::json!({"text": "a\u{9b}b\u{7f}\u{202e}\u{1b}"});
        let json = escape_json(serde_json::to_string(&value).unwrap());
        assert!(!json.contains(is_unsafe), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn markup_is_escaped_and_controls_shown_like_on_the_terminal() {
        assert_eq!(
            escape_markup("<a href=\"x\">'&'</a>\u{1b}[2J\u{202e}\r\n\tok\r"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\\u{1b}[2J\\u{202e}\r\n\tok\\u{d}"
        );
        // Escaping what is already shown escaped changes nothing more: `\u{1b}` is plain text.
        let once = escape_markup("a\u{7}b");
        assert_eq!(escape_controls(&once), once);
    }

    #[test]
    fn slack_text_cannot_mention_or_link() {
        assert_eq!(
            escape_slack("<!channel> a & b > c"),
            "&lt;!channel&gt; a &amp; b &gt; c"
        );
    }

    #[test]
    fn slack_text_escapes_its_markup_only() {
        assert_eq!(
            escape_slack("<!here> \"a\" & 'b' \u{1b}[2J"),
            "&lt;!here&gt; \"a\" &amp; 'b' \u{1b}[2J"
        );
    }

    #[test]
    fn one_line_cuts_then_escapes() {
        assert_eq!(one_line("a\u{1b}[2J\tb\nsecond", 80), "a\\u{1b}[2J b …");
        assert_eq!(one_line("abcdef", 4), "abc…");
    }

    #[test]
    fn the_writer_escapes_across_split_writes() {
        let mut out = Vec::new();
        {
            let mut escaping = Escaping::new(&mut out);
            let csi = "x\u{9b}y".as_bytes();
            escaping.write_all(&csi[..2]).unwrap();
            escaping.write_all(&csi[2..]).unwrap();
            write!(escaping, " \u{1b}]0;title\u{7} ✓").unwrap();
            escaping.write_all(&[b'z', 0xff, b'!']).unwrap();
            escaping.flush().unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "x\\u{9b}y \\u{1b}]0;title\\u{7} ✓z\u{fffd}!"
        );
    }
}
