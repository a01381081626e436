//! Ids made from titles: a date and a slug of the title (`2026-11-22-checkout-api-down`), the one
//! way incidents and maintenance windows are named on disk.
//!
//! Here rather than with `inc open` because the domain modules (import, maintenance) name things
//! the same way, and they sit below the commands.

use std::fmt::Display;

/// Longest slug kept from a title, so ids stay typeable.
pub const SLUG_MAX: usize = 48;

/// The id part made from a title: lowercase ASCII letters, digits and single hyphens, so no title
/// can name a path outside the directory it goes in. `fallback` when nothing of the title is left
/// (`"..."`, a title in a script slugify cannot transliterate).
pub fn slug(title: &str, fallback: &str) -> String {
    let full = slug::slugify(title);
    let mut cut = String::new();
    for word in full.split('-').filter(|w| !w.is_empty()) {
        if !cut.is_empty() && cut.len() + 1 + word.len() > SLUG_MAX {
            break;
        }
        if !cut.is_empty() {
            cut.push('-');
        }
        cut.push_str(word);
    }
    cut.truncate(SLUG_MAX);
    if cut.is_empty() { fallback.into() } else { cut }
}

/// `DATE-SLUG`, or `DATE-SLUG-2`, `-3` … for the first that `taken` does not hold.
pub fn dated_id(
    date: impl Display,
    title: &str,
    fallback: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let base = format!("{date}-{}", slug(title, fallback));
    (1..)
        .map(|n| match n {
            1 => base.clone(),
            n => format!("{base}-{n}"),
        })
        .find(|candidate| !taken(candidate))
        .expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_path_components() {
        let slug = |title| slug(title, "incident");
        assert_eq!(slug("Checkout API down"), "checkout-api-down");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("a/b\\c:d*e?f\"g<h>i|j"), "a-b-c-d-e-f-g-h-i-j");
        assert_eq!(slug("  Ünïcödé   Straße "), "unicode-strasse");
        assert_eq!(slug("..."), "incident");
        assert_eq!(slug(""), "incident");
        assert_eq!(slug("-leading and trailing-"), "leading-and-trailing");
        assert_eq!(slug(".hidden"), "hidden");
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let s = slug(
            "The payment gateway returns intermittent five hundred errors for European customers",
            "incident",
        );
        assert!(s.len() <= SLUG_MAX, "{s}");
        assert_eq!(s, "the-payment-gateway-returns-intermittent-five");
        assert_eq!(slug(&"x".repeat(100), "incident").len(), SLUG_MAX);
    }

    #[test]
    fn dated_ids_take_the_first_free_suffix() {
        let taken = ["2026-12-10-db-upgrade", "2026-12-10-db-upgrade-2"];
        let id = dated_id("2026-12-10", "DB upgrade", "maintenance", |c| {
            taken.contains(&c)
        });
        assert_eq!(id, "2026-12-10-db-upgrade-3");
        assert_eq!(
            dated_id("2026-12-10", "???", "maintenance", |_| false),
            "2026-12-10-maintenance"
        );
    }
}
