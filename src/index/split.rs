//! Updating a split index (`core.splitIndex`, git's index-format "Split index" section) without
//! rewriting the shared part.
//!
//! A split `.git/index` holds a `link` extension naming `.git/sharedindex.<id>`, which lists
//! every file, and only what changed since: entries replacing shared ones (in the shared order,
//! with their names left out), entries the shared index lacks (sorted), and bitmaps of the shared
//! positions replaced and deleted. On a repository with 20,000 incidents the shared index is
//! 11 MB and the split file a few kilobytes: `inc log` reads the shared index to find the
//! position of its file and rewrites only the split file, as `git update-index` does.
//!
//! When the entries the shared index lacks pass git's own limit (`splitIndex.maxPercentChange`,
//! 20% by default), git writes a new shared index; this module leaves that case to
//! `git update-index`, as it does a missing shared index.

use std::fs;
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

use super::check::{self, Damaged, NAME_MASK, be32};
use super::ewah::{ewah, read_ewah};
use super::{FIXED, HEADER, TRAILER, Update};

const STAGE_MASK: u16 = 0x3000;
/// git's default `splitIndex.maxPercentChange`.
const DEFAULT_MAX_PERCENT_CHANGE: usize = 20;

/// One entry of the split file: its fixed part (stat data, id, flags and any extended flags)
/// and its path (empty for an entry replacing a shared one).
#[derive(Clone)]
struct Entry {
    fixed: Vec<u8>,
    path: Vec<u8>,
}

impl Entry {
    fn flags(&self) -> u16 {
        u16::from_be_bytes([self.fixed[60], self.fixed[61]])
    }
}

/// What the split file says about the shared index.
pub(super) struct Link {
    shared: [u8; 20],
    deleted: Vec<usize>,
    replaced: Vec<usize>,
}

/// The shared index a split index names, mapped.
pub(super) struct Shared {
    /// `.git/sharedindex.<id>`.
    pub path: PathBuf,
    /// The split file naming it: what rebuilding starts from.
    index: PathBuf,
    map: memmap2::Mmap,
}

impl Shared {
    /// The shared index `index` (the bytes of the split file at `index_path`) names, checked as
    /// git checks it before reading it: it exists, has a header, ends with the checksum the
    /// split file names, and holds the entries the split file refers to. Its entries are checked
    /// as they are read ([`patch`]), or all at once by [`Shared::check`]. `Ok(None)`: the split
    /// file names none (its link is all zeros: git has not written the shared index yet).
    pub fn open(
        git_dir: &Path,
        index_path: &Path,
        index: &[u8],
    ) -> Result<Option<Shared>, Damaged> {
        let damaged = |file: &Path, why: String| Damaged::new(file, index_path, why);
        let Some(id) = link_id(index) else {
            return Ok(None);
        };
        let path = git_dir.join(format!("sharedindex.{}", hex(&id)));
        let missing = |err: std::io::Error| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let why = if err.kind() == std::io::ErrorKind::NotFound {
                format!("it names the shared index {name}, which does not exist")
            } else {
                format!("it names the shared index {name}, which cannot be read: {err}")
            };
            damaged(index_path, why)
        };
        // Mapped, not read: copying 11 MB into memory took longer than the rest of `inc log`.
        // git never changes a shared index in place (a new one gets a new name), so the mapping
        // holds.
        let file = fs::File::open(&path).map_err(missing)?;
        // SAFETY: the file is git's, read-only here, and replaced rather than modified by git.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(missing)?;
        check::header(&map).map_err(|why| damaged(&path, why))?;
        if map[map.len() - TRAILER..] != id {
            return Err(damaged(
                &path,
                "its checksum is not the one the index names".into(),
            ));
        }
        fits(index, &map).map_err(|why| damaged(index_path, why))?;
        Ok(Some(Shared {
            path,
            index: index_path.to_path_buf(),
            map,
        }))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// Whether the whole shared index parses (see [`check::check`]).
    pub fn check(&self) -> Result<(), Damaged> {
        check::check(&self.map).map_err(|why| Damaged::new(&self.path, &self.index, why))
    }

    /// git keeps a shared index alive by its modification time (splitIndex.sharedIndexExpire):
    /// every split file written on top of it freshens it.
    pub fn freshen(&self) {
        if let Ok(file) = fs::OpenOptions::new().append(true).open(&self.path) {
            let _ = file.set_modified(std::time::SystemTime::now());
        }
    }
}

/// Why the split file `index` does not fit the shared index `shared` as git requires: its first
/// entries (as many as it replaces) have no name and the others have one, and every position it
/// replaces or deletes is one of the shared index's. Both files parse.
pub(super) fn fits(index: &[u8], shared: &[u8]) -> Result<(), String> {
    let (version, count) = check::header(index)?;
    let body = &index[..index.len() - TRAILER];
    let mut offset = HEADER;
    let mut names: Vec<bool> = Vec::with_capacity(count);
    check::entries(body, version, count, &mut offset, |_, _, path| {
        names.push(!path.is_empty());
    })?;
    let mut link = None;
    while let Some(header) = body.get(offset..offset + 8) {
        let size = be32(&header[4..8]) as usize;
        if &header[..4] == b"link" {
            link = body.get(offset + 8..offset + 8 + size).and_then(read_link);
        }
        offset += 8 + size;
    }
    let link = link.ok_or("its split index link does not parse")?;
    let replaced = link.replaced.len();
    if replaced > names.len() || names[..replaced].iter().any(|&named| named) {
        return Err(format!(
            "it replaces {replaced} shared entries but does not begin with as many entries without a name"
        ));
    }
    if let Some(number) = names[replaced..].iter().position(|&named| !named) {
        return Err(format!(
            "entry {} of {count} has no name",
            replaced + number + 1
        ));
    }
    let (_, shared_count) = check::header(shared)?;
    if [&link.deleted, &link.replaced]
        .iter()
        .any(|bits| bits.last().is_some_and(|&p| p >= shared_count))
    {
        return Err(format!(
            "it names an entry past the {shared_count} of the shared index"
        ));
    }
    Ok(())
}

/// The id of the shared index the split file `index` names, if it names one (not all zeros).
pub(super) fn link_id(index: &[u8]) -> Option<[u8; 20]> {
    let (version, count) = check::header(index).ok()?;
    let body = &index[..index.len() - TRAILER];
    let mut offset = HEADER;
    check::entries(body, version, count, &mut offset, |_, _, _| {}).ok()?;
    while let Some(header) = body.get(offset..offset + 8) {
        let size = be32(&header[4..8]) as usize;
        if &header[..4] == b"link" {
            return read_link(body.get(offset + 8..offset + 8 + size)?)
                .map(|link| link.shared)
                .filter(|id| *id != [0; 20]);
        }
        offset += 8 + size;
    }
    None
}

/// Which file a patch found damaged, and why.
#[derive(Debug, PartialEq)]
pub(super) enum Fault {
    /// The split file (`.git/index`).
    Index(String),
    /// The shared index it names.
    Shared(String),
}

impl From<String> for Fault {
    fn from(why: String) -> Fault {
        Fault::Index(why)
    }
}

impl From<&str> for Fault {
    fn from(why: &str) -> Fault {
        Fault::Index(why.into())
    }
}

/// The new split file, or `None` when `old` is not a split index or has a shape left to git
/// (a conflict on one of the paths, extensions this module does not know, too many entries
/// outside the shared index). `shared`: the shared index it names (see [`Shared::open`]). `Err`
/// says why `old` does not parse, or does not fit the shared index.
pub(super) fn patch(
    old: &[u8],
    shared: &[u8],
    updates: &[Update<'_>],
    max_percent_change: Option<u8>,
    written: (u32, u32),
) -> Result<Option<Vec<u8>>, Fault> {
    let (version, count) = check::header(old)?;
    let body = &old[..old.len() - TRAILER];
    let mut offset = HEADER;
    let mut entries: Vec<Entry> = Vec::with_capacity(count + updates.len());
    check::entries(body, version, count, &mut offset, |_, fixed, path| {
        entries.push(Entry {
            fixed: super::smudge_if_racy(fixed, written).into_owned(),
            path: path.to_vec(),
        });
    })?;

    let mut link = None;
    let mut tree = None;
    let mut kept: Vec<u8> = Vec::new();
    while offset < body.len() {
        let (signature, data) = check::extension(body, offset)?;
        let size = data.len();
        match signature {
            b"link" => link = Some(read_link(data).ok_or("its split index link does not parse")?),
            b"TREE" => tree = Some(data),
            b"REUC" => kept.extend_from_slice(&body[offset..offset + 8 + size]),
            b"EOIE" | b"IEOT" => {}
            _ => return Ok(None),
        }
        offset += 8 + size;
    }
    let Some(mut link) = link else {
        return Ok(None);
    };
    if link.shared == [0; 20] {
        return Ok(None);
    }
    let replacements = link.replaced.len();
    if replacements > entries.len() || entries[..replacements].iter().any(|e| !e.path.is_empty()) {
        return Err("it replaces more shared entries than it holds, or names a replacement".into());
    }
    let mut added = entries.split_off(replacements);
    let mut replaced = entries;
    // git refuses an entry that replaces none and has no name.
    if added.iter().any(|e| e.path.is_empty()) {
        return Err("one of its own entries has no name".into());
    }

    let (positions, racy) = find_shared(shared, updates, written).map_err(Fault::Shared)?;
    let shared_count = be32(&shared[8..12]) as usize;
    // git dies on a position past the shared index; so does this module, before writing.
    if [&link.deleted, &link.replaced]
        .iter()
        .any(|bits| bits.last().is_some_and(|&p| p >= shared_count))
    {
        return Err(
            format!("it names an entry past the {shared_count} of the shared index").into(),
        );
    }

    for (update, found) in updates.iter().zip(positions) {
        let path = update.path().as_bytes();
        let in_added = added.binary_search_by(|e| e.path.as_slice().cmp(path));
        if added
            .iter()
            .any(|e| e.path == path && e.flags() & STAGE_MASK != 0)
        {
            return Ok(None);
        }
        let new_entry = match update {
            Update::Set { id, meta, .. } => Some(entry(path, id, meta)),
            Update::Remove { .. } => None,
        };
        match (in_added, found) {
            (Ok(i), _) => match new_entry {
                Some(e) => added[i] = e,
                None => {
                    added.remove(i);
                }
            },
            (Err(_), Some(Found::Conflict)) => return Ok(None),
            (Err(_), Some(Found::At(position))) => {
                let rank = link.replaced.binary_search(&position);
                let deleted = link.deleted.binary_search(&position);
                match (new_entry, rank, deleted) {
                    (Some(e), Ok(r), _) => replaced[r] = stripped(e),
                    (Some(e), Err(r), deleted) => {
                        if let Ok(d) = deleted {
                            link.deleted.remove(d);
                        }
                        link.replaced.insert(r, position);
                        replaced.insert(r, stripped(e));
                    }
                    (None, rank, Err(d)) => {
                        if let Ok(r) = rank {
                            link.replaced.remove(r);
                            replaced.remove(r);
                        }
                        link.deleted.insert(d, position);
                    }
                    (None, _, Ok(_)) => {}
                }
            }
            (Err(i), None) => {
                if let Some(e) = new_entry {
                    added.insert(i, e);
                }
            }
        }
    }

    // A racily clean shared entry would look clean once this split file is newer than its file:
    // it goes into the split file smudged, as a replacement, as git does.
    for (position, fixed) in racy {
        let rank = link.replaced.binary_search(&position);
        if let (Err(r), Err(_)) = (rank, link.deleted.binary_search(&position)) {
            link.replaced.insert(r, position);
            replaced.insert(
                r,
                stripped(Entry {
                    fixed,
                    path: Vec::new(),
                }),
            );
        }
    }

    let total = shared_count - link.deleted.len() + added.len();
    let max_percent = max_percent_change.map_or(DEFAULT_MAX_PERCENT_CHANGE, usize::from);
    if max_percent == 0 || (max_percent < 100 && total * max_percent < added.len() * 100) {
        return Ok(None); // git would write a new shared index now
    }

    let mut new = Vec::with_capacity(old.len() + 256);
    new.extend_from_slice(b"DIRC");
    new.extend_from_slice(&version.to_be_bytes());
    new.extend_from_slice(&((replaced.len() + added.len()) as u32).to_be_bytes());
    let mut previous: &[u8] = b"";
    for e in replaced.iter().chain(&added) {
        write_entry(&mut new, version, e, previous);
        previous = &e.path;
    }
    let mut extension = link.shared.to_vec();
    ewah(&mut extension, &link.deleted);
    ewah(&mut extension, &link.replaced);
    push_extension(&mut new, b"link", &extension);
    if let Some(tree) = tree {
        let paths: Vec<&str> = updates.iter().map(Update::path).collect();
        let tree =
            super::invalidate_trees(tree, &paths).ok_or("its cached trees (TREE) do not parse")?;
        push_extension(&mut new, b"TREE", &tree);
    }
    new.extend_from_slice(&kept);
    let hash = Sha1::digest(&new);
    new.extend_from_slice(&hash);
    Ok(Some(new))
}

/// Whether `index` (the bytes of `.git/index`) is a split index.
pub(super) fn is_split(index: &[u8]) -> bool {
    let Ok((version, count)) = check::header(index) else {
        return false;
    };
    let body = &index[..index.len() - TRAILER];
    let mut offset = HEADER;
    if check::entries(body, version, count, &mut offset, |_, _, _| {}).is_err() {
        return false;
    }
    while let Some(header) = body.get(offset..offset + 8) {
        if &header[..4] == b"link" {
            return true;
        }
        offset += 8 + be32(&header[4..8]) as usize;
    }
    false
}

/// Where an updated path is in the shared index.
enum Found {
    At(usize),
    /// The path has entries at a merge stage: left to git.
    Conflict,
}

/// The position of every update's path among the shared index's entries (`None` for a path it
/// does not list), and the racily clean entries (see `super::smudge_if_racy`), smudged, by
/// position; `Err` when the shared index does not parse.
#[allow(clippy::type_complexity)]
fn find_shared(
    shared: &[u8],
    updates: &[Update<'_>],
    written: (u32, u32),
) -> Result<(Vec<Option<Found>>, Vec<(usize, Vec<u8>)>), String> {
    let (version, count) = check::header(shared)?;
    let mut found: Vec<Option<Found>> = updates.iter().map(|_| None).collect();
    let mut racy = Vec::new();
    let mut position = 0;
    let mut offset = HEADER;
    let body = &shared[..shared.len() - TRAILER];
    check::entries(body, version, count, &mut offset, |_, fixed, path| {
        for (slot, update) in found.iter_mut().zip(updates) {
            if update.path().as_bytes() == path {
                let stage = u16::from_be_bytes([fixed[60], fixed[61]]) & STAGE_MASK;
                *slot = Some(match slot {
                    None if stage == 0 => Found::At(position),
                    _ => Found::Conflict,
                });
            }
        }
        if let std::borrow::Cow::Owned(smudged) = super::smudge_if_racy(fixed, written) {
            racy.push((position, smudged));
        }
        position += 1;
    })?;
    // Its extensions are not used here (git writes none in a shared index), but must fit.
    while offset < body.len() {
        let (signature, data) = check::extension(body, offset)?;
        check::known(signature)?;
        offset += 8 + data.len();
    }
    Ok((found, racy))
}

fn encode_varint(mut value: u64, out: &mut Vec<u8>) {
    let mut bytes = vec![(value & 127) as u8];
    while {
        value >>= 7;
        value != 0
    } {
        value -= 1;
        bytes.push(128 | (value & 127) as u8);
    }
    out.extend(bytes.iter().rev());
}

/// A stage-0 entry for a regular file.
fn entry(path: &[u8], id: &[u8; 20], meta: &fs::Metadata) -> Entry {
    let bytes = super::encode(path, id, meta);
    Entry {
        fixed: bytes[..FIXED].to_vec(),
        path: path.to_vec(),
    }
}

/// The entry as a replacement of a shared one: git reads the name from the shared index.
fn stripped(mut entry: Entry) -> Entry {
    let flags = entry.flags() & !NAME_MASK;
    entry.fixed[60..62].copy_from_slice(&flags.to_be_bytes());
    entry.path.clear();
    entry
}

fn write_entry(out: &mut Vec<u8>, version: u32, entry: &Entry, previous: &[u8]) {
    out.extend_from_slice(&entry.fixed);
    if version == 4 {
        let common = previous
            .iter()
            .zip(&entry.path)
            .take_while(|(a, b)| a == b)
            .count();
        encode_varint((previous.len() - common) as u64, out);
        out.extend_from_slice(&entry.path[common..]);
        out.push(0);
    } else {
        let size = entry.fixed.len() + entry.path.len();
        out.extend_from_slice(&entry.path);
        out.resize(out.len() + ((size + 8) & !7) - size, 0);
    }
}

fn push_extension(out: &mut Vec<u8>, signature: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(signature);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(data);
}

pub(super) fn read_link(data: &[u8]) -> Option<Link> {
    let shared: [u8; 20] = data.get(..20)?.try_into().ok()?;
    let mut rest = &data[20..];
    if rest.is_empty() {
        return Some(Link {
            shared,
            deleted: Vec::new(),
            replaced: Vec::new(),
        });
    }
    let deleted = read_ewah(&mut rest)?;
    let replaced = read_ewah(&mut rest)?;
    if !rest.is_empty() {
        return None;
    }
    // git refuses an entry marked both replaced and deleted.
    if replaced.iter().any(|p| deleted.binary_search(p).is_ok()) {
        return None;
    }
    Some(Link {
        shared,
        deleted,
        replaced,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for value in [0, 1, 127, 128, 255, 16_511, 16_512, 1 << 40] {
            let mut bytes = Vec::new();
            encode_varint(value, &mut bytes);
            assert_eq!(check::varint(&bytes), Some((value, bytes.len())));
        }
    }
}
