//! Appending entries that already have their ids (`inc import`): a JSON export keeps its entry
//! ids so the round trip is exact, and Slack messages get ids from their timestamps so a second
//! import of the same export adds nothing. Checked like [`Store::prepare_append`], but no id is
//! changed: an id the file already holds is refused.

use anyhow::Result;

use super::{Store, conflict};
use crate::error::Error;
use crate::model::{self, LogEntry, log};

impl Store {
    /// Prepares `entries`, ids kept, for appending to the incident's log (a new file when it does
    /// not exist yet). Nothing is written; `Append::write` writes.
    pub fn prepare_append_keeping_ids<E: LogEntry>(
        &self,
        id: &str,
        entries: &[E],
    ) -> Result<super::Append<'_>> {
        assert!(!entries.is_empty(), "an empty list would be written as []");
        let path = self.incident_dir(id).join(E::FILE);
        let shown = path.strip_prefix(&self.root).unwrap_or(&path).to_path_buf();
        let existing = self.read_text(&path)?;
        let header = self.header::<E>();
        let old = existing.as_deref().unwrap_or(&header);
        if let Some(line) = model::conflict_marker_line(old) {
            return Err(conflict(&shown, line).into());
        }
        if let Some(taken) = entries.iter().find(|e| log::holds_id(old, e.id())) {
            return Err(Error::state(format!(
                "{} already has an entry {}: inc does not add it twice",
                shown.display(),
                taken.id()
            ))
            .into());
        }
        let separator = if old.is_empty() || old.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        let mut addition = format!("{separator}{}", model::to_yaml(&entries));
        if old.contains("\r\n") {
            addition = addition.replace('\n', "\r\n");
        }
        // The whole file must still parse with the entries, so an append never breaks it.
        model::from_yaml_log::<E>(&shown, &format!("{old}{addition}"))?;
        let create = existing.is_none();
        let bytes = if create {
            format!("{old}{addition}")
        } else {
            addition
        };
        Ok(super::Append {
            store: self,
            path,
            bytes: bytes.into_bytes(),
            create,
        })
    }
}
