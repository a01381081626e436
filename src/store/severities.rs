//! Each incident's severity history for `inc stats`, through the parse cache: the metrics count
//! an incident by the worst severity it had, which only its timeline knows, and reading
//! thousands of timelines on every run would cost more than the rest of the command.

use anyhow::Result;

use super::{Cache, Store, cache_map};
use crate::model::{LogEntry, TimelineEntry, severity_history, timeline};

impl Store {
    /// The severities each incident had, in time order (`severity_history::history`): empty for
    /// a timeline that holds no history or does not exist yet.
    pub fn load_severity_histories(&self, ids: Vec<String>) -> Vec<(String, Result<Vec<String>>)> {
        let cache = Cache::open(&crate::git::git_dir(self.root()), "severities");
        cache_map(
            cache.as_ref(),
            ids,
            false,
            self.incident_files(&[TimelineEntry::FILE]),
            |id| {
                let entries: Vec<TimelineEntry> = self.load_log(id)?;
                let changes = timeline::severity_changes(&entries);
                Ok(severity_history::history(&changes)
                    .into_iter()
                    .map(String::from)
                    .collect())
            },
            |loaded| postcard::to_stdvec(loaded.as_ref().ok()?).ok(),
            |bytes| postcard::from_bytes(bytes).ok().map(Ok),
        )
    }
}
