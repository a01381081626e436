//! Updating a few entries of the git index in place, for the commit that every inc command makes.
//!
//! libgit2 reads the whole index through its collision-detecting SHA-1 (to verify the trailer),
//! copies every entry, and hashes it again to write it: on a repository with 10,000 files that
//! is most of `inc log`'s time (see docs/benchmarks.md). git itself does not verify on read.
//! This module does what `git update-index` does for a handful of paths: it takes
//! `index.lock`, patches the entries, marks the cached trees of their directories invalid, and
//! writes the index with a hardware-accelerated SHA-1 trailer.
//!
//! It handles the plain layout (versions 2 and 3; the TREE, REUC, EOIE and IEOT extensions)
//! here and the split index (`core.splitIndex`, versions 2 to 4) in `split`. For anything else
//! (version 4 unsplit, sparse indexes, the untracked cache, fsmonitor, conflicts on a path) it
//! leaves the index alone and says who should write it. An index git could not read (`check`:
//! cut short, or a count, length, mode or order that does not hold) is refused with one line
//! naming the file and how to rebuild it, whoever would have written it.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use anyhow::{Context, Result};
use sha1::{Digest, Sha1};

mod check;
mod ewah;
#[doc(hidden)]
pub mod fuzz;
mod split;

pub use check::{Damaged, check};

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
    fn path(&self) -> &str {
        match self {
            Update::Set { path, .. } | Update::Remove { path } => path,
        }
    }
}

const HEADER: usize = 12;
const TRAILER: usize = 20;
/// Bytes of an entry before its path: stat data (40), object id (20), flags (2).
const FIXED: usize = 62;
const EXTENDED_FLAG: u16 = 0x4000;
const STAGE_MASK: u16 = 0x3000;

/// One entry, as a slice of the old index or newly built bytes.
struct Entry<'a> {
    path: &'a [u8],
    bytes: std::borrow::Cow<'a, [u8]>,
}

/// Applies `updates` to the index in `git_dir`. `Ok(false)`: the index has a shape this module
/// leaves to libgit2 or git, and nothing was changed.
pub fn update(git_dir: &Path, updates: &[Update<'_>]) -> Result<bool> {
    let settings = SplitSettings::default();
    Ok(matches!(
        update_as(git_dir, updates, &settings)?,
        Outcome::Written
    ))
}

/// What `update_as` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The index is updated.
    Written,
    /// Nothing was changed: the layout is one libgit2 writes.
    ForLibgit2,
    /// Nothing was changed: only git writes this layout (a split index it must re-share, or
    /// `core.splitIndex` asking to split or join the index, which libgit2 ignores).
    ForGit,
}

/// The repository's split index settings (git's defaults when unset).
#[derive(Debug, Default)]
pub struct SplitSettings {
    /// `core.splitIndex`.
    pub enabled: Option<bool>,
    /// `splitIndex.maxPercentChange` (0 to 100).
    pub max_percent_change: Option<u8>,
}

/// Applies `updates` to the index in `git_dir`, as `update` does. An index whose layout
/// `core.splitIndex` asks to change is left to git, which changes it as it writes.
pub fn update_as(
    git_dir: &Path,
    updates: &[Update<'_>],
    settings: &SplitSettings,
) -> Result<Outcome> {
    let split_index = settings.enabled;
    let index_path = git_dir.join("index");
    let lock_path = git_dir.join("index.lock");
    let mut lock = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&lock_path)
        .with_context(|| format!("cannot take {}", lock_path.display()))?;
    let result = (|| {
        let old = match fs::read(&index_path) {
            Ok(old) => old,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => empty_index(),
            Err(e) => return Err(e).context("reading the git index"),
        };
        let written = fs::metadata(&index_path)
            .map(|m| (m.mtime() as u32, m.mtime_nsec() as u32))
            .unwrap_or((0, 0));
        let damaged = |why: String| Damaged::new(&index_path, &index_path, why);
        // Whatever writes it next, a damaged index is not handed on: libgit2 and git would
        // refuse it less clearly, or keep what survives of it. What the patchers read they
        // check as git does; a layout left to libgit2 or git is checked whole first.
        let handed_on = |outcome: Outcome| -> Result<Outcome> {
            check_files_of(git_dir, &index_path, &old)?;
            Ok(outcome)
        };
        let new = match patch(&old, updates, written).map_err(damaged)? {
            Some(_) if split_index == Some(true) => return handed_on(Outcome::ForGit),
            Some(new) => new,
            None if !split::is_split(&old) => return handed_on(Outcome::ForLibgit2),
            None if split_index == Some(false) => return handed_on(Outcome::ForGit),
            None => {
                let Some(shared) = split::Shared::open(git_dir, &index_path, &old)? else {
                    return handed_on(Outcome::ForGit);
                };
                let max = settings.max_percent_change;
                let patched = split::patch(&old, shared.bytes(), updates, max, written);
                match patched.map_err(|fault| match fault {
                    split::Fault::Index(why) => damaged(why),
                    split::Fault::Shared(why) => Damaged::new(&shared.path, &index_path, why),
                })? {
                    Some(new) => {
                        shared.freshen();
                        new
                    }
                    None => return handed_on(Outcome::ForGit),
                }
            }
        };
        lock.write_all(&new)?;
        drop(lock);
        fs::rename(&lock_path, &index_path).context("replacing the git index")?;
        Ok(Outcome::Written)
    })();
    if !matches!(result, Ok(Outcome::Written)) {
        let _ = fs::remove_file(&lock_path);
    }
    result
}

/// Whether the index in `git_dir` (and the shared index it names, if it is split) can be read,
/// by git's checks on read. A missing index is an empty one.
pub fn check_files(git_dir: &Path) -> Result<()> {
    let index_path = git_dir.join("index");
    let bytes = match fs::read(&index_path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).context("reading the git index"),
    };
    check_files_of(git_dir, &index_path, &bytes)
}

/// [`check_files`] of `index`, the bytes of the index at `index_path`.
fn check_files_of(git_dir: &Path, index_path: &Path, index: &[u8]) -> Result<()> {
    check(index).map_err(|why| Damaged::new(index_path, index_path, why))?;
    if split::is_split(index)
        && let Some(shared) = split::Shared::open(git_dir, index_path, index)?
    {
        shared.check()?;
    }
    Ok(())
}

fn empty_index() -> Vec<u8> {
    let mut bytes = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
    let hash = Sha1::digest(&bytes);
    bytes.extend_from_slice(&hash);
    bytes
}

/// The new index bytes, or `None` when the layout is one this module does not handle; `Err` says
/// why `old` does not parse. `written`: the old index file's modification time (seconds,
/// nanoseconds), for git's racy-clean rule.
fn patch(
    old: &[u8],
    updates: &[Update<'_>],
    written: (u32, u32),
) -> Result<Option<Vec<u8>>, String> {
    let (version, count) = check::header(old)?;
    if !(version == 2 || version == 3) {
        return Ok(None);
    }
    let body = &old[..old.len() - TRAILER];

    // The entries, as they are.
    let mut spans: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> =
        Vec::with_capacity(count);
    let mut conflict = false;
    let mut offset = HEADER;
    check::entries(body, version, count, &mut offset, |entry, fixed, path| {
        let flags = u16::from_be_bytes([fixed[60], fixed[61]]);
        // A merge conflict on one of our paths: libgit2 clears it properly.
        conflict |= flags & STAGE_MASK != 0 && updates.iter().any(|u| u.path().as_bytes() == path);
        let path_at = entry.start + fixed.len();
        spans.push((entry, path_at..path_at + path.len()));
    })?;
    if conflict {
        return Ok(None);
    }
    let mut entries: Vec<Entry<'_>> = Vec::with_capacity(count + updates.len());
    for (entry, path) in spans {
        entries.push(Entry {
            path: &body[path],
            bytes: smudge_if_racy(&body[entry], written),
        });
    }

    // The extensions: the cached trees are invalidated along our paths; the offset tables
    // (EOIE, IEOT) describe the old layout and are dropped; resolve-undo is kept; anything else
    // is left to libgit2.
    let mut extensions: Vec<u8> = Vec::new();
    while offset < body.len() {
        let (signature, data) = check::extension(body, offset)?;
        let size = data.len();
        match signature {
            b"TREE" => {
                let paths: Vec<&str> = updates.iter().map(Update::path).collect();
                let tree =
                    invalidate_trees(data, &paths).ok_or("its cached trees (TREE) do not parse")?;
                extensions.extend_from_slice(b"TREE");
                extensions.extend_from_slice(&(tree.len() as u32).to_be_bytes());
                extensions.extend_from_slice(&tree);
            }
            b"REUC" => extensions.extend_from_slice(&body[offset..offset + 8 + size]),
            b"EOIE" | b"IEOT" => {}
            _ => return Ok(None),
        }
        offset += 8 + size;
    }

    // Apply the updates, keeping the entries sorted by path.
    for update in updates {
        let path = update.path().as_bytes();
        // Git orders index entries by the bytes of their paths.
        let position = entries.binary_search_by(|e| e.path.cmp(path));
        match (update, position) {
            (Update::Set { id, meta, .. }, found) => {
                let entry = Entry {
                    path,
                    bytes: encode(path, id, meta).into(),
                };
                match found {
                    Ok(i) => entries[i] = entry,
                    Err(i) => entries.insert(i, entry),
                }
            }
            (Update::Remove { .. }, Ok(i)) => {
                entries.remove(i);
            }
            (Update::Remove { .. }, Err(_)) => {}
        }
    }

    let mut new = Vec::with_capacity(old.len() + 256);
    new.extend_from_slice(b"DIRC");
    new.extend_from_slice(&version.to_be_bytes());
    new.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    for entry in &entries {
        new.extend_from_slice(&entry.bytes);
    }
    new.extend_from_slice(&extensions);
    let hash = Sha1::digest(&new);
    new.extend_from_slice(&hash);
    Ok(Some(new))
}

/// An entry whose file changed no earlier than the index was written ("racily clean") is one git
/// checks by content, for its stat data may not show a change made in the same clock tick. Once
/// the index is rewritten later that is no longer visible, so such an entry's size is set to 0,
/// as git does when it writes an index: git then compares the file's content again.
///
/// The tick is a whole second: git built without USE_NSEC (the default) stores no nanoseconds in
/// the entries it writes and compares seconds only, so an entry stamped (T, 0) for a file
/// rewritten later in second T is racy although (T, 0) sorts before an index written at (T, n).
fn smudge_if_racy(entry: &[u8], written: (u32, u32)) -> std::borrow::Cow<'_, [u8]> {
    let be = |at: usize| u32::from_be_bytes(entry[at..at + 4].try_into().expect("4 bytes"));
    let (mtime, size) = (be(8), be(36));
    if size == 0 || mtime < written.0 {
        return entry.into();
    }
    let mut smudged = entry.to_vec();
    smudged[36..40].fill(0);
    smudged.into()
}

/// A stage-0 entry for a regular file.
fn encode(path: &[u8], id: &[u8; 20], meta: &fs::Metadata) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(FIXED + path.len() + 8);
    let mode: u32 = if meta.mode() & 0o111 != 0 {
        0o100755
    } else {
        0o100644
    };
    for value in [
        meta.ctime() as u32,
        meta.ctime_nsec() as u32,
        meta.mtime() as u32,
        meta.mtime_nsec() as u32,
        meta.dev() as u32,
        meta.ino() as u32,
        mode,
        meta.uid(),
        meta.gid(),
        meta.size() as u32,
    ] {
        bytes.extend_from_slice(&value.to_be_bytes());
    }
    bytes.extend_from_slice(id);
    bytes.extend_from_slice(&(path.len().min(0xfff) as u16).to_be_bytes());
    bytes.extend_from_slice(path);
    let padded = (bytes.len() + 8) & !7;
    bytes.resize(padded, 0);
    bytes
}

/// The TREE extension with every cached tree on the way to `paths` marked invalid (entry count
/// -1, no id), as git does when it changes an entry. `None` if the data does not parse.
///
/// At 20,000 incidents the extension holds 20,000 trees (1 MB): the subtrees off the changed
/// paths are copied as they are, parsed only to find where they end.
fn invalidate_trees(data: &[u8], paths: &[&str]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    let mut rest = data;
    let dirs: Vec<Vec<&[u8]>> = paths
        .iter()
        .map(|p| {
            let mut parts: Vec<&[u8]> = p.as_bytes().split(|&b| b == b'/').collect();
            parts.pop();
            parts
        })
        .collect();
    let below: Vec<&[&[u8]]> = dirs.iter().map(Vec::as_slice).collect();
    node(&mut rest, &mut out, None, &below)?;
    Some(out)
}

/// One cached-tree node: its name, entry count, number of children and (when valid) id.
struct TreeNode<'a> {
    name: &'a [u8],
    header: &'a [u8],
    count: i64,
    children: usize,
}

fn tree_node<'a>(input: &mut &'a [u8]) -> Option<TreeNode<'a>> {
    let nul = input.iter().position(|&b| b == 0)?;
    let name = &input[..nul];
    let rest = &input[nul + 1..];
    let newline = rest.iter().position(|&b| b == b'\n')?;
    let header = &rest[..newline];
    let text = std::str::from_utf8(header).ok()?;
    let (count, children) = text.split_once(' ')?;
    let node = TreeNode {
        name,
        header,
        count: count.parse().ok()?,
        children: children.parse().ok()?,
    };
    *input = &rest[newline + 1..];
    if node.count >= 0 {
        input.get(..20)?;
        *input = &input[20..];
    }
    Some(node)
}

/// Moves `input` past one node and its children. Not recursive: a hostile count of children
/// or nesting ends with the input, not with the stack.
fn skip_node(input: &mut &[u8]) -> Option<()> {
    let mut pending: usize = 1;
    while pending > 0 {
        let node = tree_node(input)?;
        pending = (pending - 1).checked_add(node.children)?;
    }
    Some(())
}

/// Rewrites one cached-tree node (and its children) from `input` to `out`. `parent` holds what
/// remains below the parent of the directories changed (`None` at the root, which every path
/// goes through); a node some of them go through is invalidated.
fn node(
    input: &mut &[u8],
    out: &mut Vec<u8>,
    parent: Option<&[&[&[u8]]]>,
    root_dirs: &[&[&[u8]]],
) -> Option<()> {
    let start = *input;
    let node = tree_node(input)?;
    let below: Vec<&[&[u8]]> = match parent {
        None => root_dirs.to_vec(),
        Some(dirs) => dirs
            .iter()
            .filter(|d| d.first() == Some(&node.name))
            .map(|d| &d[1..])
            .collect(),
    };
    if below.is_empty() {
        for _ in 0..node.children {
            skip_node(input)?;
        }
        out.extend_from_slice(&start[..start.len() - input.len()]);
        return Some(());
    }
    out.extend_from_slice(node.name);
    out.push(0);
    if node.count >= 0 {
        out.extend_from_slice(format!("-1 {}\n", node.children).as_bytes());
    } else {
        out.extend_from_slice(node.header);
        out.push(b'\n');
    }
    for _ in 0..node.children {
        self::node(input, out, Some(&below), root_dirs)?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree_node(name: &str, count: i64, children: usize, id: u8) -> Vec<u8> {
        let mut bytes = format!("{name}\0{count} {children}\n").into_bytes();
        if count >= 0 {
            bytes.extend_from_slice(&[id; 20]);
        }
        bytes
    }

    #[test]
    fn invalidates_the_trees_on_the_way_to_a_path_only() {
        let data = [
            tree_node("", 5, 2, 1),
            tree_node("docs", 1, 0, 2),
            tree_node("incidents", 4, 2, 3),
            tree_node("a", 2, 0, 4),
            tree_node("b", 2, 0, 5),
        ]
        .concat();
        let out = invalidate_trees(&data, &["incidents/b/timeline.yaml"]).unwrap();
        let expected = [
            tree_node("", -1, 2, 0),
            tree_node("docs", 1, 0, 2),
            tree_node("incidents", -1, 2, 0),
            tree_node("a", 2, 0, 4),
            tree_node("b", -1, 0, 0),
        ]
        .concat();
        assert_eq!(out, expected);
    }

    #[test]
    fn encoded_entries_are_padded_to_eight_bytes_with_at_least_one_nul() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        fs::write(&file, "x").unwrap();
        let meta = fs::metadata(&file).unwrap();
        for len in 1..20 {
            let path = vec![b'a'; len];
            let bytes = encode(&path, &[7; 20], &meta);
            assert_eq!(bytes.len() % 8, 0);
            assert_eq!(bytes[FIXED + len], 0);
        }
    }

    /// An entry as git writes it: mtime (seconds, nanoseconds) and size, the rest zero.
    fn stamped(mtime: (u32, u32), size: u32) -> Vec<u8> {
        let mut entry = vec![0u8; FIXED];
        entry[8..12].copy_from_slice(&mtime.0.to_be_bytes());
        entry[12..16].copy_from_slice(&mtime.1.to_be_bytes());
        entry[36..40].copy_from_slice(&size.to_be_bytes());
        entry
    }

    #[test]
    fn an_entry_changed_in_the_second_the_index_was_written_is_smudged() {
        let size = |entry: &[u8]| u32::from_be_bytes(entry[36..40].try_into().unwrap());
        // git without USE_NSEC stamps no nanoseconds: (100, 0) written into an index at
        // (100, 500): the file may have changed again within second 100.
        assert_eq!(size(&smudge_if_racy(&stamped((100, 0), 3), (100, 500))), 0);
        assert_eq!(
            size(&smudge_if_racy(&stamped((100, 900), 3), (100, 500))),
            0
        );
        assert_eq!(size(&smudge_if_racy(&stamped((101, 0), 3), (100, 500))), 0);
        // An earlier second is settled.
        assert_eq!(size(&smudge_if_racy(&stamped((99, 999), 3), (100, 0))), 3);
    }
}
