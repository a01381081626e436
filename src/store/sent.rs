//! The updates this clone recorded to post (`inc comms --send`): a digest of each in
//! `.git/inc/sent-updates`, never committed. `inc comms --retry` posts on its own only what is
//! listed here; an update that arrived by pull (its `by:` may name anyone) is shown first and
//! needs `--yes`.

use std::collections::HashSet;
use std::fs;
use std::path::PathBuf;

use anyhow::Result;

use super::files::{read_text_shown, refuse_links_shown};
use super::{Store, write_atomic};
use crate::model::CommsEntry;

impl Store {
    /// Notes that this clone recorded `entry` of `incident` to post it. Call under the lock.
    pub fn note_sent(&self, incident: &str, entry: &CommsEntry) -> Result<()> {
        let path = self.sent_file();
        let git_dir = crate::git::git_dir(&self.root);
        let mut text = read_text_shown(&git_dir, &path, &self.root)?.unwrap_or_default();
        let digest = entry.digest(incident);
        if text.lines().any(|line| line == digest) {
            return Ok(());
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&digest);
        text.push('\n');
        refuse_links_shown(&git_dir, &path, &self.root)?;
        fs::create_dir_all(path.parent().expect("inside .git"))?;
        write_atomic(&path, text.as_bytes())
    }

    /// The digests ([`CommsEntry::digest`]) of every update this clone recorded to post.
    pub fn sent_here(&self) -> Result<HashSet<String>> {
        let git_dir = crate::git::git_dir(&self.root);
        let text = read_text_shown(&git_dir, &self.sent_file(), &self.root)?.unwrap_or_default();
        Ok(text.lines().map(String::from).collect())
    }

    fn sent_file(&self) -> PathBuf {
        crate::git::git_dir(&self.root)
            .join("inc")
            .join("sent-updates")
    }
}
