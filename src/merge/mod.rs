//! Three-way merges of incident files, for the git merge driver (`inc merge-driver`).
//!
//! The logs (timeline, roles, comms) merge as the union of their entries by id, in time order,
//! each entry keeping its own text (so hand edits and comments inside it survive); an entry
//! deleted on one side and untouched on the other stays deleted; an entry both sides edited
//! differently is kept twice, the second version under a new id marked `conflict_of`.
//! incident.yaml merges field by field; when both sides changed a field differently, the change
//! made later (incident.yaml's `changed` times) wins and the other value is reported so it can be
//! logged. Every decision depends on the three texts only, never on which side is "ours": merging
//! A into B and B into A give the same bytes, so clones converge whoever syncs first, with
//! `inc sync` or a plain `git pull`. Pure: texts in, text out.

use crate::model::Status;

mod incident;
mod log;

pub use incident::incident;
pub use log::{EntryConflict, LogMerge, log};

/// A field of incident.yaml the merge had to decide: the value kept, the one that lost, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// Dotted path, like `status` or `milestones.resolved`.
    pub field: String,
    pub kept: String,
    pub other: String,
    pub why: Why,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Both sides changed the field; the change made later wins.
    Later,
    /// Both sides changed the field and at most one recorded when (files from before `changed`
    /// existed, hand edits): the choice is by value, so it is at least the same in every clone.
    ByValue,
    /// The status one side set decides the resolved time, so status and milestones agree.
    Status(Status),
}

impl Conflict {
    /// The timeline entry that keeps the losing value on record.
    pub fn message(&self) -> String {
        let Conflict {
            field, kept, other, ..
        } = self;
        match self.why {
            Why::Later => format!(
                "Merge: both clones changed {field}; kept {kept} (the later change), the other had {other}"
            ),
            Why::ByValue => format!(
                "Merge: both clones changed {field}; kept {kept} (neither recorded when, so chosen by value), the other had {other}"
            ),
            Why::Status(status) => format!(
                "Merge: status {status} (the later status change) decides {field}; kept {kept}, the other clone had {other}"
            ),
        }
    }
}
