//! A fast reader for the narrow YAML form inc writes its append-only logs in: a block sequence
//! of flat mappings, one `key: value` per line, each value plain, quoted, or a `|`/`|-` block.
//!
//! Parsing thousands of logbooks with the general YAML parser is most of a cold `inc check`
//! (docs/benchmarks.md). This reader accepts only text whose meaning it is sure of and answers
//! `None` for anything else: comments inside an entry, nesting, anchors, flow collections, tags,
//! escapes it does not know, CRLF line ends, a value YAML would read as null where a string is
//! wanted, or any value the entry type refuses. The caller then parses the text with the YAML
//! parser, so every error message and every unusual form stays that parser's own. A test
//! compares the two readers on thousands of mutated logs.
//!
//! Bounded by construction: one pass over the lines, no aliases to expand, no nesting.

use std::borrow::Cow;
use std::fmt;
use std::iter::Peekable;
use std::str::Split;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};

/// The entries of a log in inc's own form, or `None` when the YAML parser must read it.
pub fn read<T: DeserializeOwned>(text: &str) -> Option<Vec<T>> {
    if !printable(text) {
        return None;
    }
    let mut lines = text.split('\n').peekable();
    let mut entries = Vec::new();
    let mut fields: Vec<(&str, Value<'_>)> = Vec::new();
    while let Some(line) = lines.next() {
        // Comments at the left margin and blank lines, before and between entries.
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        fields.clear();
        fields.push(field(line.strip_prefix("- ")?, &mut lines)?);
        while let Some(next) = lines.peek() {
            if next.is_empty() {
                lines.next();
            } else if let Some(rest) = next.strip_prefix("  ")
                && rest.starts_with(|c: char| c.is_ascii_lowercase())
            {
                lines.next();
                fields.push(field(rest, &mut lines)?);
            } else {
                break;
            }
        }
        entries.push(T::deserialize(Entry(&fields)).ok()?);
    }
    // Nothing but comments: YAML reads that as null, which is the parser's to judge.
    (!entries.is_empty()).then_some(entries)
}

/// Whether every character may appear in YAML text as it is (YAML's c-printable), without a
/// carriage return (CRLF files go to the parser) or a byte order mark.
fn printable(text: &str) -> bool {
    let ascii_ok = |b: u8| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t';
    if text.bytes().all(ascii_ok) {
        return true;
    }
    text.chars().all(|c| match c {
        '\u{0}'..='\u{7f}' => ascii_ok(c as u8),
        '\u{85}' => true,
        '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' => c != '\u{feff}',
        _ => c >= '\u{10000}',
    })
}

/// A value as written: plain text (which YAML may resolve to null or a boolean) or the text
/// of a quoted or block scalar (always a string).
enum Value<'a> {
    Plain(&'a str),
    Text(Cow<'a, str>),
}

type Lines<'a> = Peekable<Split<'a, char>>;

/// `key: value` (the line after the entry's `- ` or its indentation); a block scalar takes its
/// lines from `lines`.
fn field<'a>(line: &'a str, lines: &mut Lines<'a>) -> Option<(&'a str, Value<'a>)> {
    let (key, value) = line.split_once(':')?;
    let key_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) || !key.chars().all(key_char) {
        return None;
    }
    let value = value.strip_prefix(' ')?;
    let value = match value.as_bytes().first()? {
        b'"' => Value::Text(double_quoted(&value[1..])?),
        b'\'' => Value::Text(single_quoted(&value[1..])?),
        b'|' => Value::Text(Cow::Owned(literal(value, lines)?)),
        _ => Value::Plain(plain(value)?),
    };
    Some((key, value))
}

/// A plain scalar that is one whole line: no indicator first, no `: ` or ` #` inside, no
/// whitespace at either end.
fn plain(value: &str) -> Option<&str> {
    let first = value.chars().next()?;
    if "-?:,[]{}#&*!|>'\"%@` \t".contains(first) || value.ends_with([' ', '\t', ':']) {
        return None;
    }
    let bytes = value.as_bytes();
    let mut pairs = bytes.windows(2);
    let indicator = |w: &[u8]| {
        (w[0] == b':' && (w[1] == b' ' || w[1] == b'\t'))
            || ((w[0] == b' ' || w[0] == b'\t') && w[1] == b'#')
    };
    (!pairs.any(indicator)).then_some(value)
}

/// The rest of a double-quoted scalar after its opening quote, which must close at the end of
/// the line.
fn double_quoted(rest: &str) -> Option<Cow<'_, str>> {
    let end = rest.find(['"', '\\'])?;
    if rest.as_bytes()[end] == b'"' {
        return (end + 1 == rest.len()).then_some(Cow::Borrowed(&rest[..end]));
    }
    let mut out = String::with_capacity(rest.len());
    out.push_str(&rest[..end]);
    let mut chars = rest[end..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return chars.as_str().is_empty().then_some(Cow::Owned(out)),
            '\\' => out.push(escape(&mut chars)?),
            c => out.push(c),
        }
    }
    None
}

/// The character a double-quoted escape stands for (YAML 1.2's list), after its backslash.
fn escape(chars: &mut std::str::Chars<'_>) -> Option<char> {
    let hex = |chars: &mut std::str::Chars<'_>, digits: usize| {
        let text = chars.as_str().get(..digits)?;
        let code = u32::from_str_radix(text, 16).ok()?;
        // from_str_radix accepts a leading '+'; YAML wants hex digits only.
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        chars.nth(digits - 1);
        char::from_u32(code)
    };
    Some(match chars.next()? {
        '0' => '\0',
        'a' => '\u{7}',
        'b' => '\u{8}',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\u{b}',
        'f' => '\u{c}',
        'r' => '\r',
        'e' => '\u{1b}',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        'x' => hex(chars, 2)?,
        'u' => hex(chars, 4)?,
        'U' => hex(chars, 8)?,
        _ => return None,
    })
}

/// The rest of a single-quoted scalar after its opening quote (`''` is a quote), which must
/// close at the end of the line.
fn single_quoted(rest: &str) -> Option<Cow<'_, str>> {
    let mut out = String::new();
    let mut from = 0;
    loop {
        let quote = from + rest[from..].find('\'')?;
        out.push_str(&rest[from..quote]);
        if rest[quote + 1..].starts_with('\'') {
            out.push('\'');
            from = quote + 2;
        } else {
            return (quote + 1 == rest.len()).then_some(Cow::Owned(out));
        }
    }
}

/// A literal block (`|` keeps one final line break, `|-` none) whose lines are indented by
/// exactly four spaces, as inc writes them; its first line must have text. A line of only
/// spaces is left to the YAML parser (whether it is text or an empty line depends on its length).
fn literal(header: &str, lines: &mut Lines<'_>) -> Option<String> {
    const INDENT: &str = "    ";
    let keep_break = match header {
        "|" => true,
        "|-" => false,
        _ => return None,
    };
    let first = lines.peek()?.strip_prefix(INDENT)?;
    if first.is_empty() || first.starts_with([' ', '\t']) {
        return None;
    }
    let mut text: Vec<&str> = Vec::new();
    while let Some(line) = lines.peek() {
        if line.is_empty() {
            text.push("");
        } else if let Some(rest) = line.strip_prefix(INDENT) {
            if rest.bytes().all(|b| b == b' ' || b == b'\t') {
                return None;
            }
            text.push(rest);
        } else if line.bytes().all(|b| b == b' ' || b == b'\t') {
            return None;
        } else {
            break;
        }
        lines.next();
    }
    let last = text.iter().rposition(|line| !line.is_empty())?;
    // The last line of text has a line break after it unless it ends the file.
    let broken = last + 1 < text.len() || lines.peek().is_some();
    let mut out = text[..=last].join("\n");
    if keep_break {
        // At the very end of a file YAML readers differ on whether the break is kept.
        if !broken {
            return None;
        }
        out.push('\n');
    }
    Some(out)
}

/// Turns down whatever is not in the narrow form; the reason is never shown (the YAML parser
/// reads the text again and reports its own).
#[derive(Debug)]
struct Miss;

impl fmt::Display for Miss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not in inc's own log form")
    }
}

impl std::error::Error for Miss {}

impl de::Error for Miss {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Miss
    }
}

/// One entry: its fields in file order.
struct Entry<'s, 'a>(&'s [(&'a str, Value<'a>)]);

impl<'de> de::Deserializer<'de> for Entry<'_, 'de> {
    type Error = Miss;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        visitor.visit_map(Fields {
            fields: self.0.iter(),
            value: None,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

struct Fields<'s, 'a> {
    fields: std::slice::Iter<'s, (&'a str, Value<'a>)>,
    value: Option<&'s Value<'a>>,
}

impl<'de> MapAccess<'de> for Fields<'_, 'de> {
    type Error = Miss;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Miss> {
        let Some((key, value)) = self.fields.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Miss> {
        seed.deserialize(Scalar(self.value.take().ok_or(Miss)?))
    }
}

/// One value, read as the YAML parser reads it into the type asked for, or turned down.
struct Scalar<'s, 'a>(&'s Value<'a>);

impl<'a> Scalar<'_, 'a> {
    /// The text of a value that is a string for YAML: quoted, or plain and not null.
    fn text(&self) -> Result<&str, Miss> {
        match self.0 {
            Value::Text(text) => Ok(text),
            Value::Plain(text) if matches!(*text, "~" | "null" | "Null" | "NULL") => Err(Miss),
            Value::Plain(text) => Ok(text),
        }
    }
}

impl<'de> de::Deserializer<'de> for Scalar<'_, 'de> {
    type Error = Miss;

    /// Only the types inc's entries hold are read here; a value of any other type is the YAML
    /// parser's to resolve.
    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Miss> {
        Err(Miss)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        match self.0 {
            Value::Plain(text) => {
                self.text()?;
                visitor.visit_borrowed_str(text)
            }
            Value::Text(Cow::Borrowed(text)) => visitor.visit_borrowed_str(text),
            Value::Text(Cow::Owned(text)) => visitor.visit_str(text),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        match self.0 {
            Value::Plain("true") => visitor.visit_bool(true),
            Value::Plain("false") => visitor.visit_bool(false),
            _ => Err(Miss),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        self.text()?;
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Miss> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Miss> {
        let name: &str = self.text()?;
        visitor.visit_enum(IntoDeserializer::<Miss>::into_deserializer(name))
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit unit_struct
        seq tuple tuple_struct map struct ignored_any
    }
}

#[cfg(test)]
mod tests;
