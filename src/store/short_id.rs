//! The short form of an incident id that the dashboard shows, so titles get the room: the fewest
//! leading words of its slug that `-i` still resolves to it, by the same rule as
//! [`super::Store::resolve`] (a unique prefix, else a unique substring), so what is shown can be
//! typed.

/// For each of `wanted`, its short form among `ids` (every id in the repository, resolved
/// incidents too); the whole id when no shorter form names it alone.
pub fn short_ids(ids: &[String], wanted: &[&str]) -> Vec<String> {
    wanted.iter().map(|id| short_id(ids, id)).collect()
}

fn short_id(ids: &[String], id: &str) -> String {
    // Only the ids inc makes (a date and a slug); others (`INC-7` from an import) are kept whole.
    let Some(slug) = strip_date(id) else {
        return id.to_string();
    };
    let words: Vec<&str> = slug.split('-').collect();
    (1..words.len())
        .map(|n| words[..n].join("-"))
        .chain([slug.to_string()])
        .find(|candidate| candidate.as_str() != id && resolves_to(ids, candidate, id))
        .unwrap_or_else(|| id.to_string())
}

/// The id without its leading `YYYY-MM-DD-`; `None` when it does not start with one.
fn strip_date(id: &str) -> Option<&str> {
    let dated = id.len() > 11
        && id.bytes().take(11).enumerate().all(|(i, b)| match i {
            4 | 7 | 10 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    dated.then(|| &id[11..])
}

/// Whether `-i query` names `id` among `ids`: the one id starting with it, or (when none does)
/// the one containing it. The rule of `match_id`, without building its error messages.
fn resolves_to(ids: &[String], query: &str, id: &str) -> bool {
    match only(ids.iter().filter(|i| i.starts_with(query)), id) {
        Some(found) => found,
        None => only(ids.iter().filter(|i| i.contains(query)), id) == Some(true),
    }
}

/// `None` without matches, else whether `id` is the one match.
fn only<'a>(mut matches: impl Iterator<Item = &'a String>, id: &str) -> Option<bool> {
    let first = matches.next()?;
    Some(matches.next().is_none() && first == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_fewest_words_that_still_name_the_incident() {
        let all = ids(&[
            "2026-11-20-payments-failing-for-all-eu-customers-after-the",
            "2026-11-20-payments-slow",
            "2026-11-20-search-slow",
            "2026-11-21-search-slow",
            "2026-11-21-search-slow-2",
            "2026-11-22-checkout",
            "INC-7",
            "INC-8",
        ]);
        let wanted = [
            "2026-11-20-payments-failing-for-all-eu-customers-after-the",
            "2026-11-20-search-slow",
            "2026-11-21-search-slow-2",
            "2026-11-22-checkout",
            "INC-7",
        ];
        assert_eq!(
            short_ids(&all, &wanted),
            [
                "payments-failing",
                "2026-11-20-search-slow",
                "search-slow-2",
                "checkout",
                "INC-7"
            ]
        );
    }

    #[test]
    fn agrees_with_what_dash_i_resolves() {
        let all = ids(&[
            "2026-11-20-db-down",
            "2026-11-21-db-down-again",
            "2026-11-22-api-db",
        ]);
        for id in &all {
            let short = short_id(&all, id);
            let resolved = crate::store::ids::match_id(&all, &short, "incidents", "incident", "");
            assert_eq!(resolved.unwrap(), *id, "{short}");
        }
    }
}
