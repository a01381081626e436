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
use std::path::Path;

use anyhow::{Result, anyhow};
use sha1::{Digest, Sha1};

use super::{FIXED, HEADER, TRAILER, Update};

const EXTENDED_FLAG: u16 = 0x4000;
const STAGE_MASK: u16 = 0x3000;
const NAME_MASK: u16 = 0x0fff;
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
struct Link {
    shared: [u8; 20],
    deleted: Vec<usize>,
    replaced: Vec<usize>,
}

/// The new split file, or `None` when `old` is not a split index or has a shape left to git
/// (a conflict on one of the paths, extensions this module does not know, a missing shared
/// index, too many entries outside the shared index).
pub(super) fn patch(
    git_dir: &Path,
    old: &[u8],
    updates: &[Update<'_>],
    max_percent_change: Option<u8>,
    written: (u32, u32),
) -> Result<Option<Vec<u8>>> {
    let bad = || anyhow!("the git index is damaged (run `git status` to see what git says)");
    if old.len() < HEADER + TRAILER || &old[..4] != b"DIRC" {
        return Err(bad());
    }
    let version = be32(&old[4..8]);
    if !(2..=4).contains(&version) {
        return Ok(None);
    }
    let count = be32(&old[8..12]) as usize;
    let body = &old[..old.len() - TRAILER];
    let mut offset = HEADER;
    let mut entries: Vec<Entry> = Vec::with_capacity(count + updates.len());
    walk(body, version, count, &mut offset, |fixed, path| {
        entries.push(Entry {
            fixed: super::smudge_if_racy(fixed, written).into_owned(),
            path: path.to_vec(),
        });
    })
    .ok_or_else(bad)?;

    let mut link = None;
    let mut tree = None;
    let mut kept: Vec<u8> = Vec::new();
    while offset < body.len() {
        let header = body.get(offset..offset + 8).ok_or_else(bad)?;
        let size = be32(&header[4..8]) as usize;
        let data = body.get(offset + 8..offset + 8 + size).ok_or_else(bad)?;
        match &header[..4] {
            b"link" => link = Some(read_link(data).ok_or_else(bad)?),
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
        return Err(bad());
    }
    let mut added = entries.split_off(replacements);
    let mut replaced = entries;

    let shared_path = git_dir.join(format!("sharedindex.{}", hex(&link.shared)));
    // Mapped, not read: copying 11 MB into memory took longer than the rest of `inc log`. git
    // never changes a shared index in place (a new one gets a new name), so the mapping holds.
    let Ok(file) = fs::File::open(&shared_path) else {
        return Ok(None);
    };
    // SAFETY: the file is git's, read-only here, and replaced rather than modified by git.
    let Ok(shared) = (unsafe { memmap2::Mmap::map(&file) }) else {
        return Ok(None);
    };
    let shared: &[u8] = &shared;
    let Some((positions, racy)) = find_shared(shared, updates, written) else {
        return Ok(None);
    };
    let shared_count = be32(&shared[8..12]) as usize;
    // git dies on a position past the shared index; so does this module, before writing.
    if [&link.deleted, &link.replaced]
        .iter()
        .any(|bits| bits.last().is_some_and(|&p| p >= shared_count))
    {
        return Err(bad());
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
        let tree = super::invalidate_trees(tree, &paths).ok_or_else(bad)?;
        push_extension(&mut new, b"TREE", &tree);
    }
    new.extend_from_slice(&kept);
    let hash = Sha1::digest(&new);
    new.extend_from_slice(&hash);

    // git keeps a shared index alive by its modification time (splitIndex.sharedIndexExpire):
    // every split file written on top of it freshens it.
    if let Ok(file) = fs::OpenOptions::new().append(true).open(&shared_path) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
    Ok(Some(new))
}

/// Whether `index` (the bytes of `.git/index`) is a split index.
pub(super) fn is_split(index: &[u8]) -> bool {
    if index.len() < HEADER + TRAILER || &index[..4] != b"DIRC" {
        return false;
    }
    let version = be32(&index[4..8]);
    let body = &index[..index.len() - TRAILER];
    let mut offset = HEADER;
    if !(2..=4).contains(&version)
        || walk(
            body,
            version,
            be32(&index[8..12]) as usize,
            &mut offset,
            |_, _| {},
        )
        .is_none()
    {
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
/// does not list), or `None` when the shared index does not parse.
/// Also the racily clean entries (see `super::smudge_if_racy`), smudged, by position.
#[allow(clippy::type_complexity)]
fn find_shared(
    shared: &[u8],
    updates: &[Update<'_>],
    written: (u32, u32),
) -> Option<(Vec<Option<Found>>, Vec<(usize, Vec<u8>)>)> {
    if shared.len() < HEADER + TRAILER || &shared[..4] != b"DIRC" {
        return None;
    }
    let version = be32(&shared[4..8]);
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = be32(&shared[8..12]) as usize;
    let mut found: Vec<Option<Found>> = updates.iter().map(|_| None).collect();
    let mut racy = Vec::new();
    let mut position = 0;
    let mut offset = HEADER;
    walk(
        &shared[..shared.len() - TRAILER],
        version,
        count,
        &mut offset,
        |fixed, path| {
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
        },
    )?;
    Some((found, racy))
}

/// Calls `each(fixed part, path)` for the `count` entries starting at `offset` (index versions
/// 2 to 4; version 4 names are prefix-compressed) and leaves `offset` after them. `None` if they
/// do not parse.
fn walk(
    body: &[u8],
    version: u32,
    count: usize,
    offset: &mut usize,
    mut each: impl FnMut(&[u8], &[u8]),
) -> Option<()> {
    let mut name: Vec<u8> = Vec::new();
    for _ in 0..count {
        let at = *offset;
        let flags_bytes = body.get(at + 60..at + 62)?;
        let flags = u16::from_be_bytes([flags_bytes[0], flags_bytes[1]]);
        let fixed_len = FIXED + if flags & EXTENDED_FLAG != 0 { 2 } else { 0 };
        let fixed = body.get(at..at + fixed_len)?;
        let rest = &body[at + fixed_len..];
        if version == 4 {
            let (strip, used) = varint(rest)?;
            let suffix = &rest[used..];
            let nul = suffix.iter().position(|&b| b == 0)?;
            name.truncate(name.len().checked_sub(usize::try_from(strip).ok()?)?);
            name.extend_from_slice(&suffix[..nul]);
            each(fixed, &name);
            *offset = at + fixed_len + used + nul + 1;
        } else {
            let length = match flags & NAME_MASK {
                NAME_MASK => rest.iter().position(|&b| b == 0)?,
                short => usize::from(short),
            };
            let path = rest.get(..length)?;
            each(fixed, path);
            *offset = at + ((fixed_len + length + 8) & !7);
        }
        if *offset > body.len() {
            return None;
        }
    }
    Some(())
}

/// git's offset varint (`decode_varint`): the value and the bytes it took.
fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut used = 0;
    let mut byte = *bytes.first()?;
    let mut value = u64::from(byte & 127);
    while byte & 128 != 0 {
        used += 1;
        byte = *bytes.get(used)?;
        value = value.checked_add(1)?.checked_mul(128)? + u64::from(byte & 127);
    }
    Some((value, used + 1))
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

fn read_link(data: &[u8]) -> Option<Link> {
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

/// More entries than any index this module patches holds (the index is 62 bytes an entry).
const MAX_POSITIONS: usize = 1 << 24;

/// Bits of a run-length word: the running bit, 32 bits of run length, 31 of literal count.
const RUN_BITS: u32 = 32;

/// The set positions of an EWAH bitmap (git's ewah/ewah_io.c layout), in order.
fn read_ewah(data: &mut &[u8]) -> Option<Vec<usize>> {
    let words = be32(data.get(4..8)?) as usize;
    let end = 8 + words.checked_mul(8)? + 4;
    if data.len() < end {
        return None;
    }
    let bytes = &data[8..end - 4];
    *data = &data[end..];
    let word = |i: usize| u64::from_be_bytes(bytes[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
    let mut positions = Vec::new();
    let mut position = 0usize;
    let mut i = 0;
    while i < words {
        let marker = word(i);
        let run = ((marker >> 1) & ((1 << RUN_BITS) - 1)) as usize * 64;
        let literals = (marker >> (RUN_BITS + 1)) as usize;
        if marker & 1 != 0 {
            // A hostile run of ones is not expanded past any index's size.
            if position + run > MAX_POSITIONS {
                return None;
            }
            positions.extend(position..position + run);
        }
        position = position.checked_add(run)?;
        i += 1;
        for _ in 0..literals {
            let bits = if i < words { word(i) } else { return None };
            for bit in 0..64 {
                if bits & (1 << bit) != 0 {
                    positions.push(position + bit);
                }
            }
            position += 64;
            i += 1;
        }
    }
    Some(positions)
}

/// Appends an EWAH bitmap of `positions` (sorted): runs of empty words, then literal words.
fn ewah(out: &mut Vec<u8>, positions: &[usize]) {
    let mut words: Vec<u64> = vec![0];
    let mut marker = 0;
    let mut next_word = 0; // the first word index the words written so far do not cover
    let mut i = 0;
    while i < positions.len() {
        let word_index = positions[i] / 64;
        let mut bits = 0u64;
        while i < positions.len() && positions[i] / 64 == word_index {
            bits |= 1 << (positions[i] % 64);
            i += 1;
        }
        let gap = (word_index - next_word) as u64;
        let literals = words[marker] >> (RUN_BITS + 1);
        if gap == 0 && literals > 0 {
            words[marker] += 1 << (RUN_BITS + 1);
        } else {
            if literals > 0 {
                marker = words.len();
                words.push(0);
            }
            words[marker] = (gap << 1) | (1 << (RUN_BITS + 1));
        }
        words.push(bits);
        next_word = word_index + 1;
    }
    let bit_size = positions.last().map_or(0, |p| p + 1) as u32;
    out.extend_from_slice(&bit_size.to_be_bytes());
    out.extend_from_slice(&(words.len() as u32).to_be_bytes());
    for word in &words {
        out.extend_from_slice(&word.to_be_bytes());
    }
    out.extend_from_slice(&(marker as u32).to_be_bytes());
}

fn be32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes(bytes[..4].try_into().expect("4 bytes"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(positions: &[usize]) {
        let mut bytes = Vec::new();
        ewah(&mut bytes, positions);
        let mut data = bytes.as_slice();
        assert_eq!(read_ewah(&mut data).unwrap(), positions);
        assert!(data.is_empty());
    }

    #[test]
    fn ewah_bitmaps_round_trip() {
        round_trip(&[]);
        round_trip(&[0]);
        round_trip(&[63, 64]);
        round_trip(&[5, 9, 200, 201, 100_000]);
        round_trip(&(0..130).collect::<Vec<_>>());
    }

    #[test]
    fn an_empty_ewah_bitmap_is_written_as_git_writes_it() {
        let mut bytes = Vec::new();
        ewah(&mut bytes, &[]);
        assert_eq!(
            bytes,
            [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn varints_round_trip() {
        for value in [0, 1, 127, 128, 255, 16_511, 16_512, 1 << 40] {
            let mut bytes = Vec::new();
            encode_varint(value, &mut bytes);
            assert_eq!(varint(&bytes), Some((value, bytes.len())));
        }
    }
}
