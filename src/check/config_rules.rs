//! The rules about `.inc.yaml` that loading it does not enforce: settings an older inc wrote
//! whose meaning has changed since, and settings that would let the team's words out.

use super::{Level, Problem};
use crate::model::config::PublicEntries;
use crate::store::{CONFIG_FILE, Store};

/// Warnings about `.inc.yaml`.
pub fn config(store: &Store) -> Vec<Problem> {
    let config = store.config();
    let text = crate::store::read_text(store.root(), &store.root().join(CONFIG_FILE))
        .ok()
        .flatten()
        .unwrap_or_default();
    let warning = |key: &str, rule: &'static str, message: &str| {
        let (line, column) = crate::model::locate::locate(&text, &[key]);
        Problem {
            file: CONFIG_FILE.to_string(),
            line,
            column,
            level: Level::Warning,
            rule,
            message: message.to_string(),
        }
    };
    let mut problems = Vec::new();
    if config.public_entries == PublicEntries::Key {
        problems.push(warning(
            "public_entries",
            "public-entries-key",
            "public_entries: key no longer makes key entries public (inc log --public does): write `marked`, or `marked-and-key` to keep key entries public as before",
        ));
    }
    if config.public_audiences().is_empty() {
        problems.push(warning(
            "audiences",
            "no-public-audience",
            "no audience is public (none is called customers and public.audiences is not set): drafts and webhook posts to customers would carry the team's words; name yours in public.audiences",
        ));
    }
    problems
}
