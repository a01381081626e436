//! The rules about `.inc.yaml` that loading it does not enforce: settings an older inc wrote
//! whose meaning has changed since.

use super::{Level, Problem};
use crate::model::config::PublicEntries;
use crate::store::{CONFIG_FILE, Store};

/// Warnings about `.inc.yaml`.
pub fn config(store: &Store) -> Vec<Problem> {
    let mut problems = Vec::new();
    if store.config().public_entries == PublicEntries::Key {
        let text = crate::store::read_text(store.root(), &store.root().join(CONFIG_FILE))
            .ok()
            .flatten()
            .unwrap_or_default();
        let (line, column) = crate::model::locate::locate(&text, &["public_entries"]);
        problems.push(Problem {
            file: CONFIG_FILE.to_string(),
            line,
            column,
            level: Level::Warning,
            rule: "public-entries-key",
            message: "public_entries: key no longer makes key entries public (inc log --public does): write `marked`, or `marked-and-key` to keep key entries public as before".to_string(),
        });
    }
    problems
}
