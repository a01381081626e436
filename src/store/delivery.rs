//! Recording how an update's delivery went on its entry in comms.yaml: the one change inc makes
//! to an entry it already wrote. Only that entry's `delivery:` lines change; every other byte of
//! the file (hand edits, comments, other entries) stays, so a merge sees a one-entry edit.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;

use super::{Store, conflict};
use crate::error::Error;
use crate::model::comms::{CommsEntry, Delivery};
use crate::model::{self, LogEntry};

impl Store {
    /// Sets the delivery of the comms entries `deliveries` names (entry id → outcome) and writes
    /// comms.yaml atomically. Nothing is written if the file does not parse or an id is missing.
    pub fn set_deliveries(&self, id: &str, deliveries: &[(String, Delivery)]) -> Result<PathBuf> {
        let path = self.incident_dir(id).join(CommsEntry::FILE);
        let shown = path
            .strip_prefix(self.root())
            .unwrap_or(&path)
            .to_path_buf();
        let text = self
            .read_text(&path)?
            .ok_or_else(|| Error::state(format!("{} does not exist", shown.display())))?;
        if let Some(line) = model::conflict_marker_line(&text) {
            return Err(conflict(&shown, line).into());
        }
        let mut text = text;
        for (entry, delivery) in deliveries {
            text = with_delivery(&shown, &text, entry, delivery)?;
        }
        self.write_file(&path, text.as_bytes())?;
        Ok(path)
    }
}

/// `text` (a comms.yaml) with the entry `id`'s delivery set to `delivery`.
fn with_delivery(path: &Path, text: &str, id: &str, delivery: &Delivery) -> Result<String, Error> {
    for std::ops::Range { start, end } in model::log::entry_spans(text) {
        let block = &text[start..end];
        let Ok(mut entries) = model::from_yaml::<Vec<CommsEntry>>(path, block) else {
            continue;
        };
        let Some(mut entry) = entries.pop().filter(|e| e.id == id) else {
            continue;
        };
        entry.delivery = Some(delivery.clone());
        let new_block =
            edited_block(path, block, &entry).unwrap_or_else(|| model::to_yaml(&[entry.clone()]));
        let out = format!("{}{new_block}{}", &text[..start], &text[end..]);
        // The result must read back as the log it was, with this one entry changed.
        model::from_yaml::<Vec<CommsEntry>>(path, &out)?;
        return Ok(out);
    }
    Err(Error::state(format!(
        "{}: no update with id {id}; it may have been removed by hand",
        path.display()
    )))
}

/// `block` with its `delivery:` lines replaced by the entry's, keeping every other line as it
/// is; `None` when the entry is laid out in a way this cannot edit safely (then the caller
/// writes the entry afresh).
fn edited_block(path: &Path, block: &str, entry: &CommsEntry) -> Option<String> {
    #[derive(Serialize)]
    struct Only<'a> {
        delivery: &'a Option<Delivery>,
    }
    let ending = if block.contains("\r\n") { "\r\n" } else { "\n" };
    let lines: Vec<&str> = block.split_inclusive('\n').collect();
    // Drop the old `delivery:` key and the lines indented under it.
    let mut kept: Vec<&str> = Vec::new();
    let mut inside = false;
    for line in &lines {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start().len();
        if inside && (body.trim().is_empty() || indent > 2) {
            continue;
        }
        inside = indent == 2 && body[indent..].starts_with("delivery:");
        if !inside {
            kept.push(line);
        }
    }
    // The new lines go after the entry's last field, before comments and blank lines that
    // follow it.
    let insert_at = kept
        .iter()
        .rposition(|line| {
            let trimmed = line.trim();
            !trimmed.is_empty() && !trimmed.starts_with('#')
        })
        .map_or(kept.len(), |p| p + 1);
    let mut delivery = String::new();
    for line in model::to_yaml(&Only {
        delivery: &entry.delivery,
    })
    .lines()
    {
        delivery.push_str("  ");
        delivery.push_str(line);
        delivery.push_str(ending);
    }
    let mut out = String::new();
    for (index, line) in kept.iter().enumerate() {
        if index == insert_at {
            out.push_str(&delivery);
        }
        out.push_str(line);
        if index + 1 == insert_at && !line.ends_with('\n') {
            out.push_str(ending);
        }
    }
    if insert_at == kept.len() {
        out.push_str(&delivery);
    }
    let mut parsed = model::from_yaml::<Vec<CommsEntry>>(path, &out).ok()?;
    (parsed.len() == 1 && parsed.pop().as_ref() == Some(entry)).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::comms::DeliveryState;
    use crate::time::Time;

    const FILE: &str = "# Communications\n- id: aaa222\n  at: \"2026-11-22T14:40:00+00:00\"\n  by: alice\n  audience: customers\n  channel: chat\n  message: |-\n    Checkout is down.\n    # not a comment\n# a comment of the next entry\n- id: bbb333 # hand comment\n  at: \"2026-11-22T14:50:00+00:00\"\n  by: alice\n  audience: internal\n  message: Still down\n";

    fn delivery(state: DeliveryState, status: Option<u16>) -> Delivery {
        Delivery {
            state,
            status,
            error: None,
            at: Time::parse_rfc3339("2026-11-22T14:41:00Z").unwrap(),
        }
    }

    #[test]
    fn only_the_entry_changes_and_a_retry_replaces_the_delivery() {
        let path = Path::new("comms.yaml");
        let failed = with_delivery(
            path,
            FILE,
            "bbb333",
            &delivery(DeliveryState::Failed, Some(500)),
        )
        .unwrap();
        assert_eq!(
            failed,
            format!(
                "{FILE}  delivery:\n    state: failed\n    status: 500\n    at: \"2026-11-22T14:41:00+00:00\"\n"
            )
        );
        let sent = with_delivery(
            path,
            &failed,
            "bbb333",
            &delivery(DeliveryState::Sent, Some(200)),
        )
        .unwrap();
        assert!(sent.starts_with(FILE), "{sent}");
        assert!(sent.contains("state: sent\n    status: 200\n"), "{sent}");
        assert!(!sent.contains("failed"), "{sent}");

        // The block scalar's last line looks like a comment: the entry is written afresh rather
        // than cut in two, and the other entry keeps its hand comment.
        let first =
            with_delivery(path, FILE, "aaa222", &delivery(DeliveryState::Sent, None)).unwrap();
        let entries: Vec<CommsEntry> = model::from_yaml(path, &first).unwrap();
        assert_eq!(entries[0].message, "Checkout is down.\n# not a comment");
        assert!(entries[0].delivery.is_some());
        assert!(first.contains("- id: bbb333 # hand comment\n"), "{first}");
    }

    #[test]
    fn a_delivery_merges_with_an_update_appended_on_another_clone() {
        let path = Path::new("comms.yaml");
        let base =
            with_delivery(path, FILE, "bbb333", &delivery(DeliveryState::Failed, None)).unwrap();
        let retried = with_delivery(
            path,
            &base,
            "bbb333",
            &delivery(DeliveryState::Sent, Some(200)),
        )
        .unwrap();
        let appended = format!(
            "{base}- id: ccc444\n  at: \"2026-11-22T15:00:00+00:00\"\n  by: bob\n  audience: internal\n  message: Fixed\n"
        );
        let merged = crate::merge::log::<CommsEntry>(path, &base, &retried, &appended).unwrap();
        assert!(merged.conflicts.is_empty());
        let entries: Vec<CommsEntry> = model::from_yaml(path, &merged.text).unwrap();
        let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["aaa222", "bbb333", "ccc444"]);
        assert_eq!(
            entries[1].delivery.as_ref().map(|d| d.state),
            Some(DeliveryState::Sent)
        );
    }

    #[test]
    fn a_missing_entry_is_an_error() {
        let err = with_delivery(
            Path::new("comms.yaml"),
            FILE,
            "zzz999",
            &delivery(DeliveryState::Sent, None),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("no update with id zzz999"),
            "{err}"
        );
    }
}
