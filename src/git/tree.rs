//! Writing a large tree (the incidents directory: one entry per incident) as a copy of HEAD's
//! with a few entries changed.
//!
//! At 20,000 incidents that tree is 1 MB. libgit2's tree builder puts every entry in a hash map,
//! sorts them back, hashes the result through its collision-detecting SHA-1 and deflates it: most
//! of `inc log`'s time there (docs/benchmarks.md). Here the entries are streamed from HEAD's
//! parsed tree in their order with the changes merged in, hashed with the hardware SHA-1, and
//! stored as a loose object without compression (zlib's stored blocks, which every git reads;
//! the next command inflates it by copying). Deflating 1 MB of object ids and names, even at
//! zlib's fastest level, took longer than all the rest of `inc log`; the price is disk: a loose
//! 1 MB object per commit instead of about 550 KB, until `git gc` packs them (as deltas of a few
//! bytes each).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use git2::{Oid, Repository, Tree};
use sha1::{Digest, Sha1};

/// Trees with fewer entries go through libgit2's tree builder: the gain is in the big ones.
pub const LARGE: usize = 1000;

/// One change to a tree: the entry `name` becomes `(id, mode)`, or goes with `None`.
pub struct Change<'a> {
    pub name: &'a str,
    pub entry: Option<(Oid, i32)>,
}

/// Writes `base` with `changes` applied (names unique); `None` when the result is empty.
pub fn write_changed(
    repo: &Repository,
    base: &Tree<'_>,
    changes: &[Change<'_>],
) -> Result<Option<Oid>> {
    let mut sorted: Vec<&Change<'_>> = changes.iter().collect();
    sorted.sort_by(|a, b| git_order(a.name.as_bytes(), a.mode(), b.name.as_bytes(), b.mode()));

    let mut body: Vec<u8> = Vec::with_capacity(base.len() * 64 + changes.len() * 64);
    let mut pending = sorted.iter().peekable();
    for entry in base.iter() {
        let name = entry.name_bytes();
        if changes.iter().any(|c| c.name.as_bytes() == name) {
            continue; // written (or dropped) from the changes, in its place
        }
        let mode = entry.filemode();
        while let Some(change) =
            pending.next_if(|c| git_order(c.name.as_bytes(), c.mode(), name, mode).is_le())
        {
            push(&mut body, change);
        }
        push_entry(&mut body, name, mode, entry.id());
    }
    for change in pending {
        push(&mut body, change);
    }
    if body.is_empty() {
        return Ok(None);
    }

    let header = format!("tree {}\0", body.len());
    let mut hasher = Sha1::new();
    hasher.update(header.as_bytes());
    hasher.update(&body);
    let id = Oid::from_bytes(&hasher.finalize())?;
    if repo.odb()?.exists(id) {
        return Ok(Some(id));
    }
    store_loose(&repo.path().join("objects"), id, header.as_bytes(), &body)
        .with_context(|| format!("storing tree {id}"))?;
    Ok(Some(id))
}

/// git orders tree entries by name, a directory's name as if it ended in `/`.
fn git_order(a: &[u8], a_mode: i32, b: &[u8], b_mode: i32) -> std::cmp::Ordering {
    let tree = i32::from(git2::FileMode::Tree);
    let a_end = (a_mode == tree).then_some(b'/');
    let b_end = (b_mode == tree).then_some(b'/');
    a.iter()
        .copied()
        .chain(a_end)
        .cmp(b.iter().copied().chain(b_end))
}

impl Change<'_> {
    fn mode(&self) -> i32 {
        self.entry.map_or(0, |(_, mode)| mode)
    }
}

fn push(body: &mut Vec<u8>, change: &Change<'_>) {
    if let Some((id, mode)) = change.entry {
        push_entry(body, change.name.as_bytes(), mode, id);
    }
}

fn push_entry(body: &mut Vec<u8>, name: &[u8], mode: i32, id: Oid) {
    // Octal without leading zeros, as git writes it (40000 for a directory).
    let mut digits = [0u8; 12];
    let mut at = digits.len();
    let mut rest = mode as u32;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest & 7) as u8;
        rest >>= 3;
        if rest == 0 {
            break;
        }
    }
    body.extend_from_slice(&digits[at..]);
    body.push(b' ');
    body.extend_from_slice(name);
    body.push(0);
    body.extend_from_slice(id.as_bytes());
}

/// Stores an object as git does (`objects/ab/cdef…`, zlib-compressed, read-only), through a
/// temporary file renamed into place.
fn store_loose(objects: &Path, id: Oid, header: &[u8], body: &[u8]) -> Result<()> {
    let hex = id.to_string();
    let dir = objects.join(&hex[..2]);
    std::fs::create_dir_all(&dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix("tmp_obj_")
        .tempfile_in(&dir)?;
    {
        let mut encoder =
            flate2::write::ZlibEncoder::new(temp.as_file_mut(), flate2::Compression::none());
        encoder.write_all(header)?;
        encoder.write_all(body)?;
        encoder.finish()?;
    }
    let mut permissions = temp.as_file().metadata()?.permissions();
    permissions.set_readonly(true);
    temp.as_file().set_permissions(permissions)?;
    match temp.persist_noclobber(dir.join(&hex[2..])) {
        Ok(_) => Ok(()),
        // Another process stored the same object meanwhile: it is the same bytes.
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e.error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_are_written_in_octal_without_leading_zeros() {
        let mut body = Vec::new();
        push_entry(&mut body, b"d", 0o40000, Oid::ZERO_SHA1);
        push_entry(&mut body, b"f", 0o100644, Oid::ZERO_SHA1);
        assert!(body.starts_with(b"40000 d\0"));
        assert_eq!(&body[28..37], b"100644 f\0");
    }

    #[test]
    fn directories_sort_as_if_their_names_ended_in_a_slash() {
        use std::cmp::Ordering::*;
        let tree = 0o40000;
        let file = 0o100644;
        assert_eq!(git_order(b"a", tree, b"a.b", file), Greater); // "a/" > "a.b"
        assert_eq!(git_order(b"a", file, b"a.b", file), Less);
        assert_eq!(git_order(b"a-1", tree, b"a-2", tree), Less);
    }
}
