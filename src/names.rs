//! Finding people's names in text: the one rule for what counts as a mention of a person, shared
//! by `inc check` (an Issue that names someone) and public reports (which replace every mention),
//! so the two always agree.
//!
//! A mention is a whole word or run of words (no letter or digit right before or after it) that
//! is, after Unicode normalisation (NFC), one of:
//! - a person's name as written in the files (`Carol Git`, `alice`), in any case when it has
//!   several words (`carol git`, `CAROL GIT`);
//! - one part of a name of several words (`Carol`, `Git`), and of a hyphenated part (`Mary` and
//!   `Jane` of `Mary-Jane Watson`), when the part has two characters or more;
//! - a part in another case, with one limit: a name written with a capital letter (a proper name)
//!   matches in another case only when the mention also starts with a capital (`Will`, `WILL`,
//!   but not the word `will`) or follows an `@` (`@carol`), while a name written all in lower
//!   case is a handle (`alice`, `jdoe`) and matches in any case;
//! - for a name of several words, the first part with the last one's initial or the reverse,
//!   exactly as written: `Carol G.` and `C. Git` for `Carol Git`. Bare initials (`CG`, `C.G.`)
//!   are not looked for: they are too often something else (`US`, `PR`, `DB`);
//! - an email address whose local part holds a name or part of one (`carol.git@example.com`,
//!   `cgit+ops@…` does not).
//!
//! A possessive keeps its ending: `Bob's` is the mention `Bob` followed by `'s`. Names and name
//! parts longer than 64 characters are not looked for.
//!
//! All names are found in one pass over the text (an Aho-Corasick automaton over every form), so
//! the cost grows with the text, not with the text times the number of people.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Names (and name parts) longer than this are not looked for: no one is called that, and the
/// work of a search grows with the longest name.
const LONGEST_NAME: usize = 64;

/// The people whose names are looked for, compiled for searching.
pub struct Names {
    /// Over the lower-cased forms of every name and name part; `None` when there are none.
    automaton: Option<AhoCorasick>,
    /// Per pattern of the automaton, the ways it is written in the files.
    variants: Vec<Vec<Variant>>,
    /// The names as given, for saying who was mentioned.
    people: Vec<String>,
    /// Every name and name part in lower case, with its person: what an email address's local
    /// part is compared with.
    words: HashMap<String, usize>,
    /// The longest pattern, in bytes.
    longest: usize,
}

/// How a form of a name may match.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Match {
    /// As a name: in any case when written in lower case (a handle); a capitalised one only
    /// capitalised or after `@`.
    Name,
    /// In any case (a whole name of several words).
    AnyCase,
    /// Only exactly as written (`C. Git`).
    Exact,
}

/// One name or name part as written, and whose it is.
struct Variant {
    /// NFC.
    written: String,
    /// Written all in lower case: a handle, which matches in any case.
    any_case: bool,
    /// Initials (`C.G.`, `C. Git`): match only exactly as written.
    exact: bool,
    person: usize,
}

/// Where a name was found: a byte range of the NFC text, and whose name it is.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Mention {
    range: Range<usize>,
    person: usize,
}

/// A mention found by [`Names::first`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found<'a> {
    /// The person's name as the files write it.
    pub person: &'a str,
    /// The words of the text that name them (NFC).
    pub mention: String,
}

impl Names {
    /// Compiles `people` (names shorter than two characters are ignored: they would match
    /// initials and single letters everywhere).
    pub fn new(people: &[String]) -> Names {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut variants: Vec<Vec<Variant>> = Vec::new();
        let mut kept = Vec::new();
        let mut words: HashMap<String, usize> = HashMap::new();
        for name in people {
            let name: String = name.trim().nfc().collect();
            if name.chars().count() < 2 {
                continue;
            }
            let person = kept.len();
            let parts: Vec<&str> = name.split_whitespace().collect();
            // (form, how it may match): a whole name of several words matches in any case.
            let mut forms: Vec<(String, Match)> = vec![(
                name.clone(),
                if parts.len() > 1 {
                    Match::AnyCase
                } else {
                    Match::Name
                },
            )];
            if parts.len() > 1 {
                forms.extend(parts.iter().map(|p| (p.to_string(), Match::Name)));
                forms.extend(initials(&parts).into_iter().map(|f| (f, Match::Exact)));
            }
            for part in &parts {
                let pieces: Vec<&str> = part.split('-').collect();
                if pieces.len() > 1 {
                    forms.extend(pieces.iter().map(|p| (p.to_string(), Match::Name)));
                }
            }
            for (form, how) in forms
                .into_iter()
                .filter(|(f, _)| (2..=LONGEST_NAME).contains(&f.chars().count()))
            {
                let folded = fold(&form).text;
                if how != Match::Exact {
                    words.entry(folded.clone()).or_insert(person);
                }
                let at = *index.entry(folded.clone()).or_insert_with(|| {
                    patterns.push(folded);
                    variants.push(Vec::new());
                    variants.len() - 1
                });
                variants[at].push(Variant {
                    any_case: how == Match::AnyCase || !form.chars().any(char::is_uppercase),
                    exact: how == Match::Exact,
                    written: form,
                    person,
                });
            }
            kept.push(name);
        }
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .expect("a few hundred names fit the automaton's limits")
        });
        Names {
            longest: patterns.iter().map(String::len).max().unwrap_or(0),
            automaton,
            variants,
            people: kept,
            words,
        }
    }

    /// The first mention in `text`, if any.
    pub fn first(&self, text: &str) -> Option<Found<'_>> {
        let (text, mentions) = self.mentions(text);
        mentions.first().map(|m| Found {
            person: &self.people[m.person],
            mention: text[m.range.clone()].to_string(),
        })
    }

    /// `text` in NFC with every mention replaced by `replacement`.
    pub fn redact(&self, text: &str, replacement: &str) -> String {
        let (text, mentions) = self.mentions(text);
        if mentions.is_empty() {
            return text.into_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for m in mentions {
            out.push_str(&text[copied..m.range.start]);
            out.push_str(replacement);
            copied = m.range.end;
        }
        out.push_str(&text[copied..]);
        out
    }

    /// `text` in NFC, and the mentions in it: leftmost first, the longest where several start at
    /// one place, none overlapping.
    fn mentions<'t>(&self, text: &'t str) -> (Cow<'t, str>, Vec<Mention>) {
        let text = nfc(text);
        let Some(automaton) = &self.automaton else {
            return (text, Vec::new());
        };
        let folded = fold(&text);
        // Every candidate, overlapping: the longest one may fail a check ("Carol Gitlab" is
        // not "Carol Git") where a shorter one at the same place ("Carol") passes. Candidates
        // come in the order they end; the longest mention starting at a place is settled once
        // no pattern starting there can still end, so memory stays within one name's length.
        let mut pending: BTreeMap<usize, Mention> = BTreeMap::new();
        let mut kept: Vec<Mention> = Vec::new();
        let keep = |kept: &mut Vec<Mention>, m: Mention| {
            if kept
                .last()
                .is_none_or(|last| last.range.end <= m.range.start)
            {
                kept.push(m);
            }
        };
        for m in automaton.find_overlapping_iter(folded.text.as_str()) {
            while let Some(first) = pending.first_entry()
                && first.key() + self.longest < m.end()
            {
                keep(&mut kept, first.remove());
            }
            let (Some(start), Some(end)) = (folded.original(m.start()), folded.original(m.end()))
            else {
                continue;
            };
            if let Some(mention) = self.check(&text, start..end, m.pattern().as_usize()) {
                let longest = pending.entry(m.start()).or_insert_with(|| mention.clone());
                if mention.range.end > longest.range.end {
                    *longest = mention;
                }
            }
        }
        while let Some((_, m)) = pending.pop_first() {
            keep(&mut kept, m);
        }
        if text.contains('@') {
            // An address that names someone is one mention, whatever names it holds.
            let addresses = emails(&text, &self.words);
            if !addresses.is_empty() {
                kept.retain(|m| {
                    !addresses
                        .iter()
                        .any(|(r, _)| m.range.start < r.end && r.start < m.range.end)
                });
                kept.extend(
                    addresses
                        .into_iter()
                        .map(|(range, person)| Mention { range, person }),
                );
                kept.sort_by_key(|m| m.range.start);
            }
        }
        (text, kept)
    }

    /// The candidate `range` of `text` as a mention, if it is a whole word in an allowed case.
    fn check(&self, text: &str, range: Range<usize>, pattern: usize) -> Option<Mention> {
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        if word(text[..range.start].chars().next_back()) || word(text[range.end..].chars().next()) {
            return None;
        }
        let candidate = &text[range.clone()];
        let capital = candidate.chars().next().is_some_and(char::is_uppercase)
            || text[..range.start].ends_with('@');
        self.variants[pattern]
            .iter()
            .find(|v| v.written == candidate || (!v.exact && (v.any_case || capital)))
            .map(|v| Mention {
                range,
                person: v.person,
            })
    }
}

/// The ways people shorten a name of several words that still say whose it is: `C. Git` and
/// `Carol G.` for `Carol Git` (the first and last parts of a longer name).
fn initials(parts: &[&str]) -> Vec<String> {
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return Vec::new();
    };
    let initial = |part: &str| -> String {
        part.chars()
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default()
    };
    vec![
        format!("{}. {last}", initial(first)),
        format!("{first} {}.", initial(last)),
    ]
}

/// The email addresses in `text` whose local part holds a name or name part of `words` (split at
/// `.`, `_`, `-` and `+`), as (range, person).
fn emails(text: &str, words: &HashMap<String, usize>) -> Vec<(Range<usize>, usize)> {
    let local = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_alphanumeric() || ".-".contains(c);
    let mut found = Vec::new();
    for (at, _) in text.match_indices('@') {
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| local(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let end = at
            + 1
            + text[at + 1..]
                .char_indices()
                .take_while(|(_, c)| domain(*c))
                .last()
                .map_or(0, |(i, c)| i + c.len_utf8());
        let host = text[at + 1..end].trim_end_matches('.');
        if start == at || !host.contains('.') {
            continue;
        }
        let person = text[start..at]
            .split(['.', '_', '-', '+'])
            .find_map(|piece| words.get(&fold(piece).text));
        if let Some(&person) = person {
            found.push((start..at + 1 + host.len(), person));
        }
    }
    found
}

/// `text` in Unicode normalisation form C, copied only when it is not already.
fn nfc(text: &str) -> Cow<'_, str> {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => Cow::Borrowed(text),
        _ => Cow::Owned(text.nfc().collect()),
    }
}

/// Text in lower case, with a way back to offsets in the text it came from.
struct Folded {
    text: String,
    /// Folded byte offset → original byte offset (`NONE` inside a character); `None` while the
    /// two are the same, as they are for ASCII and most scripts.
    map: Option<Vec<usize>>,
}

const NONE: usize = usize::MAX;

impl Folded {
    fn original(&self, offset: usize) -> Option<usize> {
        match &self.map {
            None => Some(offset),
            Some(map) => Some(map[offset]).filter(|&o| o != NONE),
        }
    }
}

fn fold(text: &str) -> Folded {
    let mut folded = String::with_capacity(text.len());
    let mut map: Option<Vec<usize>> = None;
    for (offset, c) in text.char_indices() {
        let start = folded.len();
        let lower = c.to_lowercase();
        let single = lower.len() == 1;
        folded.extend(lower);
        let added = folded.len() - start;
        if map.is_none() && (!single || added != c.len_utf8()) {
            map = Some((0..start).collect());
        }
        if let Some(map) = &mut map {
            map.push(offset);
            map.extend(std::iter::repeat_n(NONE, added - 1));
        }
    }
    if let Some(map) = &mut map {
        map.push(text.len());
    }
    Folded { text: folded, map }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(people: &[&str]) -> Names {
        Names::new(&people.iter().map(|p| p.to_string()).collect::<Vec<_>>())
    }

    fn redact(people: &[&str], text: &str) -> String {
        names(people).redact(text, "X")
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(
            redact(&["bob"], "Bobby tables, (bob) twice"),
            "Bobby tables, (X) twice"
        );
        assert_eq!(
            redact(&["carol"], "the caroline deploy"),
            "the caroline deploy"
        );
        assert_eq!(redact(&["bob"], "bob2 and bob_x"), "bob2 and X_x");
    }

    #[test]
    fn handles_match_in_any_case_proper_names_only_capitalised() {
        assert_eq!(redact(&["alice"], "Alice, ALICE, alice"), "X, X, X");
        assert_eq!(
            redact(&["Will"], "we will ask Will; WILL said"),
            "we will ask X; X said"
        );
        assert_eq!(
            redact(&["de Vries"], "ask de Vries or DE VRIES"),
            "ask X or X"
        );
    }

    #[test]
    fn parts_of_a_name_and_the_whole_name() {
        let people = ["Carol Git", "Carol"];
        assert_eq!(
            redact(
                &people,
                "Carol Git paged Carol, then Git; git push; Carol Gitlab"
            ),
            "X paged X, then X; git push; X Gitlab"
        );
        // A one-letter part is not a name on its own.
        assert_eq!(redact(&["J Doe"], "J said: ask Doe"), "J said: ask X");
    }

    #[test]
    fn possessives_keep_their_ending() {
        assert_eq!(
            redact(&["Bob"], "Bob's laptop and Bob’s phone"),
            "X's laptop and X’s phone"
        );
    }

    #[test]
    fn any_normalisation_and_any_script() {
        let nfd = "E\u{301}lodie";
        assert_eq!(redact(&["Élodie"], &format!("ask {nfd} now")), "ask X now");
        assert_eq!(redact(&[nfd], "ask Élodie now"), "ask X now");
        assert_eq!(redact(&["élodie"], "ÉLODIE was paged"), "X was paged");
        // A character whose lower case is longer keeps offsets right.
        assert_eq!(redact(&["Ann"], "İİ Ann İ"), "İİ X İ");
        assert_eq!(redact(&["İpek"], "ask İPEK"), "ask X");
    }

    #[test]
    fn names_that_overlap_each_other() {
        let people = ["aa", "aaa", "aa aa", "Bb Bb Bb", "bb"];
        assert_eq!(redact(&people, "aaaa aaa aa aa aa"), "aaaa X X X");
        // The longest candidate is not a whole word: shorter ones at the same place are.
        assert_eq!(redact(&people, "Bb Bb Bbx; Bb Bb Bb"), "X X Bbx; X");
        // Runs of one letter as long as the longest name, and longer: each settled once.
        let long: Vec<String> = (2..=70).map(|n| "a".repeat(n)).collect();
        let names = Names::new(&long);
        let text = format!("{} {} b", "a".repeat(10_000), "a".repeat(64));
        assert_eq!(
            names.redact(&text, "X"),
            format!("{} X b", "a".repeat(10_000))
        );
        assert_eq!(names.redact(&"a ".repeat(3), "X"), "a a a ");
    }

    #[test]
    fn initials_only_with_a_name_that_says_whose() {
        let people = ["Carol Git", "Uma Smith", "Peter Rogers"];
        assert_eq!(
            redact(&people, "C. Git and Carol G. paged; cg, CG, C.G. stay"),
            "X and X paged; cg, CG, C.G. stay"
        );
        // Bare initials are too often something else.
        assert_eq!(
            redact(&people, "Payments fail in the US; a PR and U.S. customers"),
            "Payments fail in the US; a PR and U.S. customers"
        );
    }

    #[test]
    fn whole_names_in_any_case_handles_and_addresses() {
        let people = ["Carol Git", "Mary-Jane Watson"];
        assert_eq!(
            redact(&people, "carol git paged; ask @carol, not carol"),
            "X paged; ask @X, not carol"
        );
        assert_eq!(
            redact(&people, "Mary was on it; so was Jane, and mary-jane"),
            "X was on it; so was X, and mary-jane"
        );
        assert_eq!(
            redact(
                &people,
                "write carol.git@example.com or CAROL@example.com; ops@example.com stays"
            ),
            "write X or X; ops@example.com stays"
        );
    }

    #[test]
    fn says_who_was_named() {
        let names = names(&["Carol Git", "bob"]);
        assert_eq!(
            names.first("then Git failed"),
            Some(Found {
                person: "Carol Git",
                mention: "Git".into()
            })
        );
        assert_eq!(names.first("nobody"), None);
        assert_eq!(Names::new(&[" ".into()]).first("anything"), None);
    }
}
