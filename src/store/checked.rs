//! The cache of logs known to parse, so an append to a long, untouched log does not parse it
//! all again.

use std::fs;
use std::path::{Path, PathBuf};

/// Logs known to parse, by the stat data they had when inc last checked and wrote them
/// (`.git/inc/checked`). An append to a long logbook that nobody else touched since then does
/// not parse it all again: `inc log` then costs the same at 10 entries as at 10,000.
#[derive(Debug)]
pub(super) struct Checked {
    pub(super) file: PathBuf,
}

/// How many logs the cache remembers (the ones in use during an outage).
const CHECKED_KEEP: usize = 64;

impl Checked {
    fn stamp(meta: &fs::Metadata) -> String {
        use std::os::unix::fs::MetadataExt;
        format!(
            "{} {} {}.{:09}",
            meta.ino(),
            meta.len(),
            meta.mtime(),
            meta.mtime_nsec()
        )
    }

    pub(super) fn is_known(&self, rel: &Path, meta: &fs::Metadata) -> bool {
        let Ok(text) = fs::read_to_string(&self.file) else {
            return false;
        };
        let line = format!("{} {}", Self::stamp(meta), rel.display());
        text.lines().any(|l| l == line)
    }

    /// Records that `rel`, as it is now, parses. Failing to record only costs a parse later.
    pub(super) fn remember(&self, rel: &Path, meta: &fs::Metadata) {
        let rel = rel.display().to_string();
        let old = fs::read_to_string(&self.file).unwrap_or_default();
        let mut text = format!("{} {rel}\n", Self::stamp(meta));
        for line in old
            .lines()
            .filter(|l| l.splitn(4, ' ').nth(3) != Some(rel.as_str()))
            .take(CHECKED_KEEP - 1)
        {
            text.push_str(line);
            text.push('\n');
        }
        let _ = fs::create_dir_all(self.file.parent().expect("inside .git"));
        let _ = fs::write(&self.file, text);
    }
}
