//! Related incidents: the earlier incidents that share services, tags or title words with one,
//! best first, for `inc related`, `inc show` and `inc open` on a terminal.
//!
//! It runs at every open over thousands of incidents, so it parses no incident it does not
//! show: each incident's terms are kept hashed in the parse cache (`related`), keyed by the stat
//! data of its incident.yaml like every cache entry, so a warm run stats the files and compares
//! a few integers per incident; only the few shown are read ([`details`]).
//!
//! The score: each term two incidents share counts its weight (a service both name in their
//! impact [`SERVICE`], a tag, or a service one of them has only as a tag [`LABEL`], a title word
//! [`WORD`]) times how rare it is among the earlier incidents, 1 + ln(N / how many have it).
//! Below [`MIN_SCORE`] an incident is not related (one title word that a third of all incidents
//! share). Equal scores go to the more recent incident.

pub mod details;
mod terms;

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::Incident;
use crate::store::{INCIDENT_FILE, Store};

pub use details::{FollowUp, Related};

/// How many related incidents `show`, `open` and `related` list.
pub const LIMIT: usize = 3;

/// The weight of a service both incidents name in their impact.
const SERVICE: f64 = 8.0;
/// The weight of a tag they share, or a service one of them names only as a tag.
const LABEL: f64 = 3.0;
/// The weight of a title word they share.
const WORD: f64 = 1.0;
/// The least score of a related incident.
const MIN_SCORE: f64 = 2.0;
/// Terms of the incident compared beyond these are left out (each is a bit of a mask).
const MAX_TERMS: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Service,
    Tag,
    Word,
}

struct Term {
    text: String,
    hash: u64,
    kind: Kind,
}

/// What an earlier incident shares with the one compared, as bit masks over its terms.
#[derive(Clone, Copy, Default)]
struct Match {
    began: i64,
    /// Terms it has at all.
    any: u64,
    /// Services both name in their impact.
    services: u64,
}

/// One incident found related, before its files are read.
#[derive(Clone, Debug)]
pub struct Found {
    pub id: String,
    pub score: f64,
    pub shared: Shared,
}

/// What a related incident shares with the one compared, in that one's words.
#[derive(Clone, Debug, Default, PartialEq, Serialize, JsonSchema)]
pub struct Shared {
    /// Services both name in their impact.
    pub services: Vec<String>,
    /// Tags (and services one of them names only as a tag).
    pub tags: Vec<String>,
    /// Words of the titles (in lower case, without plurals' `s`).
    pub words: Vec<String>,
}

/// The incidents among `ids` that began before `incident` (whose id is `id`) and share most
/// with it, at most `limit`, best first. An incident whose file does not parse is left out.
pub fn find(
    store: &Store,
    id: &str,
    incident: &Incident,
    ids: Vec<String>,
    limit: usize,
) -> Vec<Found> {
    let terms = target_terms(incident);
    if terms.is_empty() {
        return Vec::new();
    }
    let began = incident.began().to_parts().0;
    let cache = crate::store::Cache::open(&crate::git::git_dir(store.root()), "related");
    // Computed: the match and the bytes to cache; from the cache: the match alone.
    let found = crate::store::cache_map(
        cache.as_ref(),
        ids,
        true,
        store.incident_files(&[INCIDENT_FILE]),
        |key| {
            let other = store.load_incident(key).ok()?;
            let bytes = terms::encode(other.began().to_parts().0, &terms::Terms::of(&other));
            let matched = matching(&terms, &terms::Encoded::read(&bytes)?);
            Some((matched, Some(bytes)))
        },
        |computed| computed.as_ref()?.1.clone(),
        |bytes| {
            Some(Some((
                matching(&terms, &terms::Encoded::read(bytes)?),
                None,
            )))
        },
    );
    let earlier: Vec<(String, Match)> = found
        .into_iter()
        .filter_map(|(key, computed)| Some((key, computed?.0)))
        .filter(|(key, m)| key != id && (m.began, key.as_str()) < (began, id))
        .collect();
    let rarity = rarity(&terms, &earlier);
    let mut scored: Vec<(f64, i64, String, Match)> = earlier
        .into_iter()
        .filter(|(_, m)| m.any != 0)
        .map(|(key, m)| (score(&terms, &rarity, m), m.began, key, m))
        .filter(|(score, ..)| *score >= MIN_SCORE)
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then_with(|| b.2.cmp(&a.2))
    });
    scored
        .into_iter()
        .take(limit)
        .map(|(score, _, id, m)| Found {
            id,
            score: (score * 100.0).round() / 100.0,
            shared: shared(&terms, m),
        })
        .collect()
}

/// The terms of the incident compared: its services, its tags, its title's words.
fn target_terms(incident: &Incident) -> Vec<Term> {
    let terms::Terms {
        services,
        tags,
        words,
    } = terms::Terms::of(incident);
    let kinds = [
        (services, Kind::Service),
        (tags, Kind::Tag),
        (words, Kind::Word),
    ];
    kinds
        .into_iter()
        .flat_map(|(texts, kind)| texts.into_iter().map(move |text| (text, kind)))
        .take(MAX_TERMS)
        .map(|(text, kind)| Term {
            hash: terms::hash(&text),
            text,
            kind,
        })
        .collect()
}

/// Which of `terms` an incident with the terms `other` has.
fn matching(terms: &[Term], other: &terms::Encoded<'_>) -> Match {
    let mut m = Match {
        began: other.began,
        ..Match::default()
    };
    for (bit, term) in terms.iter().enumerate() {
        let bit = 1u64 << bit;
        let found = match term.kind {
            Kind::Service if other.services().any(|h| h == term.hash) => {
                m.services |= bit;
                true
            }
            Kind::Service | Kind::Tag => {
                other.services().chain(other.tags()).any(|h| h == term.hash)
            }
            Kind::Word => other.words().any(|h| h == term.hash),
        };
        if found {
            m.any |= bit;
        }
    }
    m
}

/// How rare each term is among `earlier`: 1 + ln(N / how many have it).
fn rarity(terms: &[Term], earlier: &[(String, Match)]) -> Vec<f64> {
    let n = earlier.len() as f64;
    (0..terms.len())
        .map(|bit| {
            let with = earlier
                .iter()
                .filter(|(_, m)| m.any >> bit & 1 == 1)
                .count();
            if with == 0 {
                0.0
            } else {
                1.0 + (n / with as f64).ln()
            }
        })
        .collect()
}

fn score(terms: &[Term], rarity: &[f64], m: Match) -> f64 {
    terms
        .iter()
        .enumerate()
        .filter(|(bit, _)| m.any >> bit & 1 == 1)
        .map(|(bit, term)| {
            let weight = match term.kind {
                _ if m.services >> bit & 1 == 1 => SERVICE,
                Kind::Service | Kind::Tag => LABEL,
                Kind::Word => WORD,
            };
            weight * rarity[bit]
        })
        .sum()
}

fn shared(terms: &[Term], m: Match) -> Shared {
    let mut shared = Shared::default();
    for (bit, term) in terms.iter().enumerate() {
        if m.any >> bit & 1 == 0 {
            continue;
        }
        let list = match term.kind {
            _ if m.services >> bit & 1 == 1 => &mut shared.services,
            Kind::Service | Kind::Tag => &mut shared.tags,
            Kind::Word => &mut shared.words,
        };
        list.push(term.text.clone());
    }
    shared
}

/// The related incidents of `incident` (whose id is `id`) among `ids`, with what is shown of
/// each (see [`find`]); `today` decides which follow-ups are overdue.
pub fn related(
    store: &Store,
    id: &str,
    incident: &Incident,
    ids: Vec<String>,
    today: jiff::civil::Date,
) -> Vec<Related> {
    details::load(store, find(store, id, incident, ids, LIMIT), today)
}
