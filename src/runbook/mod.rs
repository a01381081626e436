//! Runbooks at work on incidents: choosing the repository's runbooks that match an incident. The
//! file format is `model::runbook`; reading the files is `store::runbooks`.

use crate::model::runbook::Runbook;
use crate::store::Store;
use crate::store::runbooks::{load, names};

/// Every runbook of the repository that parses, for matching; a broken one is skipped with a
/// warning (`inc check` reports it), so it cannot stop an incident from being opened.
pub fn all(store: &Store) -> Vec<Runbook> {
    let mut found = Vec::new();
    for name in names(store.root()) {
        match load(store, &name) {
            Ok(Some((_, runbook))) => found.push(runbook),
            Ok(None) => {}
            Err(err) => crate::eprintln_escaped!("warning: runbook {name} skipped: {err:#}"),
        }
    }
    found
}
