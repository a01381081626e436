//! Notes the merge driver leaves in `.git/inc` for the next inc command: decisions a merge of
//! incident.yaml made (to log) and log entries it kept twice (to report).

use std::path::Path;

use anyhow::{Context, Result};
use git2::Repository;

use super::repo::git_dir;

/// A decision a merge of incident.yaml made (see `merge::Conflict`), to be logged in the
/// incident's timeline so the value that lost is not forgotten.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeNote {
    pub incident: String,
    /// The timeline entry's text.
    pub text: String,
}

/// A log entry both sides of a merge edited differently, kept twice (see `merge::log`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryConflictNote {
    pub incident: String,
    /// The log's file name (`timeline.yaml` …).
    pub file: String,
    /// The version kept under the entry's id.
    pub kept: String,
    /// The id the other version got.
    pub other: String,
}

const MERGE_NOTES: &str = "merge-notes";
const ENTRY_CONFLICTS: &str = "merge-conflicts";

/// Appends tab-separated records to a notes file in `.git/inc` of the repository being merged
/// (found from `cwd`: the merge driver runs inside `git merge`).
fn save_notes(cwd: &Path, name: &str, records: &[Vec<&str>]) -> Result<()> {
    let repo = Repository::discover(cwd).context("finding the repository being merged")?;
    let file = repo.path().join("inc").join(name);
    std::fs::create_dir_all(file.parent().expect("inside .git"))?;
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let mut text = std::fs::read_to_string(&file).unwrap_or_default();
    for record in records {
        let fields: Vec<String> = record.iter().map(|f| clean(f)).collect();
        text.push_str(&fields.join("\t"));
        text.push('\n');
    }
    std::fs::write(&file, text).with_context(|| format!("cannot write {}", file.display()))
}

/// Takes the records of a notes file (the file is removed).
fn take_notes(root: &Path, name: &str) -> Vec<Vec<String>> {
    let file = git_dir(root).join("inc").join(name);
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Vec::new();
    };
    let _ = std::fs::remove_file(&file);
    text.lines()
        .map(|line| line.split('\t').map(String::from).collect())
        .collect()
}

/// Records merge notes (from the merge driver) for the next inc command to log.
pub fn save_merge_notes(cwd: &Path, notes: &[MergeNote]) -> Result<()> {
    let records: Vec<Vec<&str>> = notes
        .iter()
        .map(|n| vec![n.incident.as_str(), n.text.as_str()])
        .collect();
    save_notes(cwd, MERGE_NOTES, &records)
}

/// Takes the recorded merge notes (the file is removed).
pub fn take_merge_notes(root: &Path) -> Vec<MergeNote> {
    take_notes(root, MERGE_NOTES)
        .into_iter()
        .filter_map(|record| match record.as_slice() {
            [incident, text] => Some(MergeNote {
                incident: incident.clone(),
                text: text.clone(),
            }),
            // Written by an inc from before notes carried their text.
            [incident, field, kept, other] => Some(MergeNote {
                incident: incident.clone(),
                text: format!(
                    "Merge: both clones changed {field}; kept {kept} (the later change), the other had {other}"
                ),
            }),
            _ => None,
        })
        .collect()
}

/// Records log entries a merge kept twice, for `inc sync` to report.
pub fn save_entry_conflicts(cwd: &Path, notes: &[EntryConflictNote]) -> Result<()> {
    let records: Vec<Vec<&str>> = notes
        .iter()
        .map(|n| vec![n.incident.as_str(), &n.file, &n.kept, &n.other])
        .collect();
    save_notes(cwd, ENTRY_CONFLICTS, &records)
}

/// Takes the recorded entry conflicts (the file is removed).
pub fn take_entry_conflicts(root: &Path) -> Vec<EntryConflictNote> {
    take_notes(root, ENTRY_CONFLICTS)
        .into_iter()
        .filter_map(|record| match record.as_slice() {
            [incident, file, kept, other] => Some(EntryConflictNote {
                incident: incident.clone(),
                file: file.clone(),
                kept: kept.clone(),
                other: other.clone(),
            }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod merge_notes_tests {
    use super::*;

    #[test]
    fn merge_notes_round_trip_and_old_ones_still_read() {
        let temp = tempfile::TempDir::new().unwrap();
        Repository::init(temp.path()).unwrap();
        let note = MergeNote {
            incident: "x".into(),
            text: "Merge: a\ttab and\na newline".into(),
        };
        save_merge_notes(temp.path(), std::slice::from_ref(&note)).unwrap();
        let notes_file = temp.path().join(".git/inc").join(MERGE_NOTES);
        let mut text = std::fs::read_to_string(&notes_file).unwrap();
        text.push_str("y\tstatus\tmonitoring\tidentified\n"); // an older inc's four columns
        std::fs::write(&notes_file, text).unwrap();
        assert_eq!(
            take_merge_notes(temp.path()),
            [
                MergeNote {
                    incident: "x".into(),
                    text: "Merge: a tab and a newline".into()
                },
                MergeNote {
                    incident: "y".into(),
                    text: "Merge: both clones changed status; kept monitoring (the later change), the other had identified".into()
                }
            ]
        );
        assert!(take_merge_notes(temp.path()).is_empty(), "taken once");

        let conflict = EntryConflictNote {
            incident: "x".into(),
            file: "timeline.yaml".into(),
            kept: "aaaaaa".into(),
            other: "bbbbbb".into(),
        };
        save_entry_conflicts(temp.path(), std::slice::from_ref(&conflict)).unwrap();
        assert_eq!(take_entry_conflicts(temp.path()), [conflict]);
    }
}
