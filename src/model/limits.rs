//! How much one YAML read may cost, so a hostile file cannot exhaust memory or time.
//!
//! YAML anchors and aliases let a small file stand for a huge value: a 1 MB string anchored once
//! and referenced 3,000 times is 3 GB once read. inc never writes anchors, so the bounds grow
//! with the file's own size (which costs nothing to read) and allow aliases only a small, fixed
//! amount on top. Every count is a running total kept by the parser as it goes: no pre-pass and
//! no per-node hashing, because `inc check` and `inc list` read thousands of files.

use serde_saphyr::budget::BudgetBreach;

/// Text that aliases may add beyond the file's own size.
pub const ALIAS_TEXT_BYTES: usize = 1024 * 1024;
/// Values (mappings, lists, scalars) allowed beyond one per [`VALUE_BYTES`] of the file; also
/// what aliases may replay in all.
pub const EXTRA_VALUES: usize = 10_000;
/// Bytes of file per value allowed.
pub const VALUE_BYTES: usize = 4;
/// Nesting of lists and mappings; inc's own files are at most four levels deep.
pub const MAX_DEPTH: usize = 64;

/// The bounds for one text of `len` bytes.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    len: usize,
}

/// The bounds for a text of `len` bytes.
pub fn for_text(len: usize) -> Limits {
    Limits { len }
}

impl Limits {
    /// Without aliases a file holds no more text than its own bytes: the file's size bounds
    /// it, and the allowance bounds what aliases add.
    fn text_bytes(self) -> usize {
        self.len.saturating_add(ALIAS_TEXT_BYTES)
    }

    /// inc's files hold at most one value per five bytes (a logbook entry is a dozen values in
    /// 60 bytes or more); a list like `[a,a,a]` packs one in two, and a million tiny strings
    /// cost more memory than a 2 MB file should.
    fn values(self) -> usize {
        (self.len / VALUE_BYTES).saturating_add(EXTRA_VALUES)
    }

    pub fn budget(self) -> serde_saphyr::Budget {
        serde_saphyr::budget! {
            max_total_scalar_bytes: self.text_bytes(),
            max_nodes: self.values(),
            // Each value is at most a start and an end event.
            max_events: self.values().saturating_mul(2),
            max_depth: MAX_DEPTH,
            // What the parser copies to replay an anchor later: nested anchors copy each event
            // once per enclosing anchor.
            max_recorded_anchor_events: EXTRA_VALUES,
            max_recorded_anchor_bytes: ALIAS_TEXT_BYTES,
        }
        .expect("budget! makes a budget")
    }

    pub fn alias_limits(self) -> serde_saphyr::options::AliasLimits {
        serde_saphyr::alias_limits! {
            max_total_replayed_events: EXTRA_VALUES,
        }
    }

    /// inc's message for `err` when it is one of these bounds being exceeded.
    pub fn breach(self, err: &serde_saphyr::Error) -> Option<String> {
        use serde_saphyr::Error as E;
        let mut err = err;
        while let E::WithSnippet { error, .. } | E::AliasError { error, .. } = err {
            err = error;
        }
        match err {
            E::Budget {
                breach: BudgetBreach::Depth { .. },
                ..
            } => Some(format!(
                "the YAML is nested more than {MAX_DEPTH} levels deep, beyond inc's limit: inc's files are a few levels deep; fix the file by hand"
            )),
            E::Budget { .. }
            | E::AliasReplayLimitExceeded { .. }
            | E::AliasExpansionLimitExceeded { .. }
            | E::AliasReplayStackDepthExceeded { .. }
            | E::AliasReplayCounterOverflow { .. } => Some(format!(
                "the file exceeds inc's limit for YAML size and aliases (a file of {} may expand to {} of text and {} values): write each alias (*name) out in full and remove its anchor (&name)",
                bytes(self.len),
                bytes(self.text_bytes()),
                thousands(self.values())
            )),
            _ => None,
        }
    }
}

/// A size for people: `812 bytes`, `3.1 MB`.
fn bytes(n: usize) -> String {
    if n < 1000 {
        format!("{n} bytes")
    } else if n < 1_000_000 {
        format!("{:.1} kB", n as f64 / 1e3)
    } else {
        format!("{:.1} MB", n as f64 / 1e6)
    }
}

/// `1352365` as `1,352,365`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::model::{Config, from_yaml};

    #[test]
    fn hand_written_anchors_of_ordinary_size_still_parse() {
        let text =
            "cadence:\n  default: &every {min: 30m, max: 60m}\n  SEV1: *every\n  SEV2: *every\n";
        let config: Config = from_yaml(Path::new(".inc.yaml"), text).unwrap();
        assert_eq!(config.cadence["SEV1"], config.cadence["default"]);
    }

    #[test]
    fn nesting_beyond_the_bound_is_named() {
        let text = format!("{}x{}", "[".repeat(70), "]".repeat(70));
        let err = from_yaml::<serde_json::Value>(Path::new("x.yaml"), &text).unwrap_err();
        assert!(
            err.to_string().contains("nested more than 64 levels"),
            "{err}"
        );
    }

    #[test]
    fn counts_have_separators() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1352365), "1,352,365");
        assert_eq!(bytes(2_100_000), "2.1 MB");
    }
}
