//! One change to the index, as the plain and the split patchers apply it.

use std::fs;

/// One change to the index.
pub enum Update<'a> {
    /// Stage `path` (slash-separated, relative to the work tree) as blob `id`, with the file's
    /// stat data so git need not hash it again.
    Set {
        path: &'a str,
        id: [u8; 20],
        meta: &'a fs::Metadata,
    },
    /// Remove `path` from the index.
    Remove { path: &'a str },
}

impl Update<'_> {
    pub(super) fn path(&self) -> &str {
        match self {
            Update::Set { path, .. } | Update::Remove { path } => path,
        }
    }
}
