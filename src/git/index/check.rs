//! Whether an index file can be read at all, by git's own checks on read: its size, signature and
//! version, each entry's length, flags and file type, each extension's length, the cached trees
//! and the split index's link. A damaged `.git/index` (or the shared index it names) is one error
//! naming the file and how to rebuild it; it is never patched, and nothing in it can make inc
//! panic or allocate what its size does not justify.
//!
//! Like git, this does not verify the checksum at the end (git does so only in `git fsck`): a
//! flipped byte that still parses is read as git reads it.

use std::path::{Path, PathBuf};

use super::format::{HEADER, TRAILER, entries, extension, header, known};
use super::{link, tree};

/// An index file that does not parse, and how to rebuild it.
#[derive(Debug, thiserror::Error)]
#[error("{} is damaged ({why}): {}", shown(file), self.fix())]
pub struct Damaged {
    /// The file that does not parse: the index, or the shared index a split index names.
    pub file: PathBuf,
    /// The index file the fix removes.
    pub index: PathBuf,
    pub why: String,
}

impl Damaged {
    pub(super) fn new(file: &Path, index: &Path, why: impl Into<String>) -> Damaged {
        Damaged {
            file: file.to_path_buf(),
            index: index.to_path_buf(),
            why: why.into(),
        }
    }

    /// The same, with its paths relative to `root` (the work tree) where they are inside it.
    pub fn relative_to(self, root: &Path) -> Damaged {
        let relative = |p: PathBuf| p.strip_prefix(root).map(Path::to_path_buf).unwrap_or(p);
        Damaged {
            file: relative(self.file),
            index: relative(self.index),
            why: self.why,
        }
    }

    /// `git reset` rebuilds the index from HEAD, but reads the damaged one first and dies on it:
    /// the index goes first. The work tree is not touched.
    fn fix(&self) -> String {
        let what = if self.file == self.index {
            "rebuild it"
        } else {
            "rebuild the index"
        };
        format!(
            "{what} from HEAD with `rm {} && git reset` (your files stay as they are; anything staged is unstaged)",
            quoted(&self.index)
        )
    }
}

fn shown(path: &Path) -> String {
    crate::text::escape_controls(&path.to_string_lossy()).into_owned()
}

/// The path as one shell word.
fn quoted(path: &Path) -> String {
    let text = shown(path);
    if text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._/-+@".contains(&b))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// Why `bytes` (an index file, plain, split or shared) cannot be read; `Ok` when git could.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    let (version, count) = header(bytes)?;
    let body = &bytes[..bytes.len() - TRAILER];
    let mut offset = HEADER;
    let mut number = 0;
    let mut nameless = None;
    entries(body, version, count, &mut offset, |_, _, path| {
        number += 1;
        if path.is_empty() {
            nameless.get_or_insert(number);
        }
    })?;
    while offset < body.len() {
        let (signature, data) = extension(body, offset)?;
        match signature {
            b"TREE" => {
                let mut rest = data;
                tree::skip_node(&mut rest).ok_or("its cached trees (TREE) do not parse")?;
            }
            b"link" => {
                link::read_link(data).ok_or("its split index link does not parse")?;
                nameless = None;
            }
            _ => known(signature)?,
        }
        offset += 8 + data.len();
    }
    // Only the entries of a split index that replace shared ones go without a name.
    if let Some(number) = nameless {
        return Err(format!("entry {number} of {count} has no name"));
    }
    Ok(())
}
