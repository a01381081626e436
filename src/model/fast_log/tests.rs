//! The fast reader against the YAML parser: whatever the fast reader accepts, the parser must
//! read to the same entries. Thousands of mutated logs make sure of it.

use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::read;
use crate::model::{CommsEntry, RoleEvent, TimelineEntry, from_yaml, to_yaml};

/// What the YAML parser reads, as JSON to compare (`None` for an error).
fn parsed<T: DeserializeOwned + Serialize>(text: &str) -> Option<serde_json::Value> {
    let entries = from_yaml::<Vec<T>>(Path::new("t.yaml"), text).ok()?;
    Some(serde_json::to_value(entries).unwrap())
}

/// Checks one text; whether the fast reader took it.
fn agrees<T: DeserializeOwned + Serialize>(text: &str) -> bool {
    let Some(fast) = read::<T>(text) else {
        return false;
    };
    let fast = serde_json::to_value(fast).unwrap();
    assert_eq!(
        Some(&fast),
        parsed::<T>(text).as_ref(),
        "the fast reader and the YAML parser disagree on:\n{text}"
    );
    true
}

const TIMELINE: &str = "\
# yaml-language-server: $schema=../../.inc/schemas/timeline.schema.json
# Logbook: one entry per list item, oldest first. inc appends; hand edits and comments stay.
- id: dtb6xe
  at: \"2026-12-02T01:29:42+00:00\"
  by: alice
  kind: status
  text: Opened \"Test\" as SEV2
- id: 8fdaks
  at: \"2026-12-02T01:29:42+00:00\"
  by: alice
  kind: event
  key: true
  text: |-
    line one

    line two
      indented
- id: 7r4gfr
  at: \"2026-12-02T01:30:42+01:00\"
  by: bob
  kind: action
  internal: false
  text: \"tab\\tand \\\"quotes\\\" and 'single' and : colon # hash \\u00e9\\x41\\U0001F600\"

# a comment between entries
- id: 2x8kq3
  at: '2026-12-02T01:31:00Z'
  by: 'O''Brien'
  kind: decision
  ref: 7r4gfr
  text: |
    kept break
- id: 3e5678
  at: \"2026-12-02T01:32:00+00:00\"
  recorded: \"2026-12-02T01:33:00+00:00\"
  by: carol
  kind: event
  attachment: graph.png
  text: ünïcödé ✓, [brackets] {braces} and a-dash
";

#[test]
fn inc_own_form_is_read_as_the_parser_reads_it() {
    assert!(agrees::<TimelineEntry>(TIMELINE));
    let entries = read::<TimelineEntry>(TIMELINE).unwrap();
    assert_eq!(entries.len(), 5);
    assert_eq!(entries[1].text, "line one\n\nline two\n  indented");
    assert_eq!(entries[3].text, "kept break\n");
    assert_eq!(entries[3].by, "O'Brien");
}

#[test]
fn what_inc_writes_takes_the_fast_path() {
    let texts = [
        "plain words",
        "null",
        "true",
        "2024",
        "- dash",
        "trailing space ",
        " leading space",
        "multi\nline\n\nwith blank",
        "ends with a break\n",
        "a: b # c",
        "quote \" and ' and \\ back",
        "control \u{1b}[31m",
        "#hash first",
        "ünïcödé ✓",
        "~",
        "0x1F",
        "yes",
    ];
    for (n, text) in texts.iter().enumerate() {
        let entry = TimelineEntry {
            id: format!("{n}abcde"),
            conflict_of: None,
            at: crate::time::Time::parse_rfc3339("2026-12-02T01:29:42+00:00").unwrap(),
            recorded: None,
            by: "alice".into(),
            kind: crate::model::Kind::Event,
            reference: None,
            key: n % 2 == 0,
            internal: n % 3 == 0,
            public: n % 5 == 0,
            attachment: None,
            text: text.to_string(),
        };
        let yaml = to_yaml(&vec![entry]);
        assert!(agrees::<TimelineEntry>(&yaml), "not taken: {yaml}");
    }
}

#[test]
fn roles_and_comms_take_it_too() {
    let roles = "- id: r00000\n  at: \"2022-04-03T20:00:00+00:00\"\n  by: alice\n  action: assign\n  role: incident-lead\n  person: alice\n";
    assert!(agrees::<RoleEvent>(roles));
    let comms = "- id: c00000\n  at: \"2022-04-03T20:10:00+00:00\"\n  by: dave\n  audience: internal\n  channel: chat\n  message: We are working on it.\n";
    assert!(agrees::<CommsEntry>(comms));
    // A delivery record is nested: the parser's.
    let sent =
        format!("{comms}  delivery:\n    state: sent\n    at: \"2022-04-03T20:10:00+00:00\"\n");
    assert!(read::<CommsEntry>(&sent).is_none());
    assert!(parsed::<CommsEntry>(&sent).is_some());
}

#[test]
fn unusual_or_broken_forms_go_to_the_parser() {
    let entry = "- id: abcdef\n  at: \"2026-12-02T01:29:42+00:00\"\n  by: alice\n  kind: event\n";
    for text in [
        "  text: null\n",
        "  text: ~\n",
        "  text:\n",
        "  text: &a anchored\n",
        "  text: *a\n",
        "  text: !!str tagged\n",
        "  text: [flow]\n",
        "  text: {flow: map}\n",
        "  text: a: b\n",
        "  text: a # comment\n",
        "  text: \"unclosed\n",
        "  text: \"bad \\q escape\"\n",
        "  text: >-\n    folded\n",
        "  text: |2-\n    indicated\n",
        "  text: |-\n      deeper first line\n",
        "  text: plain\n    continued\n",
        "  text: x\n  # indented comment\n",
        "  text: x\n  text: twice\n",
        "  text: x\n  unknown: field\n",
        "  key: yes\n  text: x\n",
        "  text: x\r\n",
        "  text: x\n---\n",
        "  text: |-\n    a\n      \n    b\n",
    ] {
        let text = format!("{entry}{text}");
        assert!(read::<TimelineEntry>(&text).is_none(), "taken: {text}");
    }
    // A kept final line break, and a literal block that ends the file without one.
    for (end, text) in [("\n", "x\n"), ("\n\n", "x\n"), ("\n  ref: abcdef\n", "x\n")] {
        let yaml = format!(
            "- id: abcdef\n  by: bob\n  kind: event\n  text: |\n    x{end}  at: \"2026-12-02T01:29:42+00:00\"\n"
        );
        assert!(agrees::<TimelineEntry>(&yaml));
        assert_eq!(read::<TimelineEntry>(&yaml).unwrap()[0].text, text);
    }
    assert!(read::<TimelineEntry>(&format!("{entry}  text: |\n    x")).is_none());
    assert!(agrees::<TimelineEntry>(&format!(
        "{entry}  text: |-\n    x"
    )));
    assert!(read::<TimelineEntry>("# only a comment\n").is_none());
    assert!(read::<TimelineEntry>("[]\n").is_none());
    assert!(read::<TimelineEntry>("\u{feff}- id: x\n").is_none());
}

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Pieces that change YAML's reading of a line.
const PIECES: &[&str] = &[
    ":",
    ": ",
    " #",
    "#",
    "\"",
    "'",
    "''",
    "\\",
    "\\n",
    "\\x4",
    "\\u00",
    "\\U0001F6",
    "|",
    "|-",
    "|+",
    ">",
    "-",
    "- ",
    "  ",
    "    ",
    "\t",
    "\n",
    "\n  ",
    "\n    ",
    "\n- ",
    "&a ",
    "*a",
    "!",
    "!!str ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "?",
    "%",
    "@",
    "`",
    "~",
    "null",
    "NULL",
    "true",
    "false",
    "yes",
    "1",
    "0x1",
    "1e3",
    ".inf",
    "---",
    "...",
    "é",
    "\u{85}",
    "\u{2028}",
    "\u{feff}",
    "\r",
    "\u{7}",
    "key: ",
    "text: ",
    "kind: ",
    "by: ",
    " ",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut text = text.to_string();
    for _ in 0..1 + rng.below(3) {
        let mut at = rng.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(4) {
            0 | 1 => text.insert_str(at, PIECES[rng.below(PIECES.len())]),
            2 => {
                let mut end = (at + 1 + rng.below(4)).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(at..end, "");
            }
            _ => {
                let mut end = (at + 1).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                let piece = PIECES[rng.below(PIECES.len())];
                text.replace_range(at..end, piece);
            }
        }
    }
    text
}

/// A log whose last entry ends in a literal block, without a final line break.
const ENDS_IN_BLOCK: &str = "- id: abcdef\n  at: \"2026-12-02T01:29:42+00:00\"\n  by: alice\n  kind: event\n  text: |\n    a\n\n    b";

#[test]
fn mutated_logs_are_read_alike_or_left_to_the_parser() {
    let mut rng =
        Rng(std::env::var("FAST_LOG_SEED").map_or(0x9e37_79b9_7f4a_7c15, |n| n.parse().unwrap()));
    let roles = "- id: r00000\n  at: \"2022-04-03T20:00:00+00:00\"\n  by: alice\n  action: assign\n  role: incident-lead\n  person: alice\n- id: r00001\n  at: \"2022-04-03T20:01:00+00:00\"\n  by: alice\n  action: hand-over\n  role: scribe\n  person: bob\n";
    let (mut taken, mut total) = (0, 0);
    for _ in 0..std::env::var("FAST_LOG_ROUNDS").map_or(6000, |n| n.parse().unwrap()) {
        let text = mutate(&mut rng, TIMELINE);
        taken += usize::from(agrees::<TimelineEntry>(&text));
        let text = mutate(&mut rng, roles);
        taken += usize::from(agrees::<RoleEvent>(&text));
        let text = mutate(&mut rng, ENDS_IN_BLOCK);
        taken += usize::from(agrees::<TimelineEntry>(&text));
        total += 3;
    }
    // Most mutations break the text or leave inc's form; enough must stay in it for the
    // comparison to mean something.
    eprintln!("{taken} of {total}");
    assert!(
        taken * 20 > total,
        "only {taken} of {total} mutated logs took the fast path"
    );
}
