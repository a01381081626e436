//! What two incidents are compared by: their services, their tags and the words of their titles,
//! normalized (case, accents, plurals, stop words left out) and hashed, and how the parse cache
//! keeps an incident's hashes in a few bytes.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use crate::model::Incident;

/// Words that say nothing about what broke: English function words, and the words every
/// incident title may use.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "an", "and", "any", "are", "as", "at", "be", "been", "before",
    "being", "between", "but", "by", "can", "cannot", "could", "did", "do", "does", "during",
    "for", "from", "had", "has", "have", "in", "incident", "into", "is", "it", "its", "no", "not",
    "of", "on", "or", "our", "out", "over", "some", "that", "the", "their", "then", "there",
    "this", "to", "under", "up", "via", "was", "were", "when", "while", "with", "within",
    "without",
];

/// The terms of an incident, normalized, each list without repeats.
#[derive(Debug, Default, PartialEq)]
pub struct Terms {
    pub services: Vec<String>,
    /// The tags that are not also services.
    pub tags: Vec<String>,
    pub words: Vec<String>,
}

impl Terms {
    pub fn of(incident: &Incident) -> Terms {
        let mut terms = Terms::default();
        for service in &incident.impact.services {
            push_new(&mut terms.services, label(service));
        }
        for tag in &incident.tags {
            let tag = label(tag);
            if !terms.services.contains(&tag) {
                push_new(&mut terms.tags, tag);
            }
        }
        for word in words(&incident.title) {
            push_new(&mut terms.words, word);
        }
        terms
    }
}

/// Terms of each kind beyond these are left out: a hand-edited file may list thousands.
const MAX_EACH: usize = 256;

fn push_new(list: &mut Vec<String>, item: String) {
    if list.len() < MAX_EACH && !item.is_empty() && !list.contains(&item) {
        list.push(item);
    }
}

/// A service or tag as compared: trimmed, in lower case.
fn label(text: &str) -> String {
    text.trim().to_lowercase()
}

/// The words of a title that say what broke: lower case, without accents, a plural's `s` taken
/// off (`timeouts` is `timeout`), stop words and one-letter words left out.
pub fn words(title: &str) -> Vec<String> {
    let mut folded = String::with_capacity(title.len());
    for c in title.chars() {
        decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                folded.extend(d.to_lowercase());
            }
        });
    }
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 1 && !STOP_WORDS.contains(w))
        .map(singular)
        .collect()
}

/// `errors` → `error`, but not `status`, `dns` or `class`.
fn singular(word: &str) -> String {
    match word.strip_suffix('s') {
        Some(stem) if stem.chars().count() > 2 && !stem.ends_with(['s', 'u', 'i']) => {
            stem.to_string()
        }
        _ => word.to_string(),
    }
}

/// A term's hash (FNV-1a, 64 bits): stable, so the parse cache can keep hashes instead of
/// strings, and a collision between two different words is a one in 10^19 chance.
pub fn hash(term: &str) -> u64 {
    term.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What the cache keeps of an incident: when it began, and its terms' hashes. Read back for
/// every incident on every run, so it is bytes read in place, not a structure decoded.
///
/// Layout (little-endian): began (i64 seconds), the number of services and of tags (u16 each),
/// then the hashes of the services, the tags and the words (u64 each).
pub fn encode(began: i64, terms: &Terms) -> Vec<u8> {
    let hashes = terms
        .services
        .iter()
        .chain(&terms.tags)
        .chain(&terms.words)
        .map(|t| hash(t));
    let count = terms.services.len() + terms.tags.len() + terms.words.len();
    let mut bytes = Vec::with_capacity(12 + 8 * count);
    bytes.extend_from_slice(&began.to_le_bytes());
    // At most MAX_EACH of each.
    for count in [terms.services.len(), terms.tags.len()] {
        bytes.extend_from_slice(&(count as u16).to_le_bytes());
    }
    for h in hashes {
        bytes.extend_from_slice(&h.to_le_bytes());
    }
    bytes
}

/// [`encode`]'s bytes, read in place.
pub struct Encoded<'a> {
    pub began: i64,
    services: usize,
    tags: usize,
    hashes: &'a [u8],
}

impl<'a> Encoded<'a> {
    /// `None` for bytes [`encode`] did not write.
    pub fn read(bytes: &'a [u8]) -> Option<Encoded<'a>> {
        let began = i64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
        let count = |at: usize| -> Option<usize> {
            Some(usize::from(u16::from_le_bytes(
                bytes.get(at..at + 2)?.try_into().ok()?,
            )))
        };
        let (services, tags) = (count(8)?, count(10)?);
        let hashes = &bytes[12..];
        if !hashes.len().is_multiple_of(8) || hashes.len() / 8 < services + tags {
            return None;
        }
        Some(Encoded {
            began,
            services,
            tags,
            hashes,
        })
    }

    fn section(&self, from: usize, to: usize) -> impl Iterator<Item = u64> + '_ {
        self.hashes[from * 8..to * 8]
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    pub fn services(&self) -> impl Iterator<Item = u64> + '_ {
        self.section(0, self.services)
    }

    pub fn tags(&self) -> impl Iterator<Item = u64> + '_ {
        self.section(self.services, self.services + self.tags)
    }

    pub fn words(&self) -> impl Iterator<Item = u64> + '_ {
        self.section(self.services + self.tags, self.hashes.len() / 8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_stop_words_left_out() {
        assert_eq!(
            words("Checkout API: timeouts on the Café DB (EU) & 500s"),
            ["checkout", "api", "timeout", "cafe", "db", "eu", "500"]
        );
        assert_eq!(
            words("Status of DNS for the class"),
            ["status", "dns", "class"]
        );
        assert_eq!(words("A incident in a"), Vec::<String>::new());
    }

    #[test]
    fn encoded_terms_read_back() {
        let terms = Terms {
            services: vec!["checkout".into()],
            tags: vec!["db".into(), "eu".into()],
            words: vec!["pool".into()],
        };
        let bytes = encode(-5, &terms);
        let read = Encoded::read(&bytes).unwrap();
        assert_eq!(read.began, -5);
        assert_eq!(read.services().collect::<Vec<_>>(), [hash("checkout")]);
        assert_eq!(read.tags().collect::<Vec<_>>(), [hash("db"), hash("eu")]);
        assert_eq!(read.words().collect::<Vec<_>>(), [hash("pool")]);
        assert!(Encoded::read(&bytes[..bytes.len() - 1]).is_none());
        assert!(Encoded::read(&bytes[..11]).is_none());
        let mut short = bytes.clone();
        short[8] = 9;
        assert!(Encoded::read(&short).is_none());
    }
}
