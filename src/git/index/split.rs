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

use super::change::Update;
use super::check::{self, Damaged};
use super::format::{self, Entry, HEADER, TRAILER, be32};
use super::link::read_link;
use super::tree;

/// git's default `splitIndex.maxPercentChange`.
const DEFAULT_MAX_PERCENT_CHANGE: usize = 20;

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
        format::header(&map).map_err(|why| damaged(&path, why))?;
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
    let (version, count) = format::header(index)?;
    let body = &index[..index.len() - TRAILER];
    let mut offset = HEADER;
    let mut names: Vec<bool> = Vec::with_capacity(count);
    format::entries(body, version, count, &mut offset, |_, _, path| {
        names.push(!path.is_empty());
    })?;
    // The last link, as git reads them all.
    let link = format::lenient_extensions(index)
        .into_iter()
        .flatten()
        .filter(|(signature, _)| *signature == b"link")
        .last()
        .and_then(|(_, data)| read_link(data?))
        .ok_or("its split index link does not parse")?;
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
    let (_, shared_count) = format::header(shared)?;
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
    let (_, data) =
        format::lenient_extensions(index)?.find(|(signature, _)| *signature == b"link")?;
    read_link(data?)
        .map(|link| link.shared)
        .filter(|id| *id != [0; 20])
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
    let (version, count) = format::header(old)?;
    let body = &old[..old.len() - TRAILER];
    let mut offset = HEADER;
    let mut entries: Vec<Entry<'static>> = Vec::with_capacity(count + updates.len());
    format::entries(body, version, count, &mut offset, |_, fixed, path| {
        entries.push(
            Entry {
                fixed: fixed.into(),
                path: path.into(),
            }
            .smudged_if_racy(written),
        );
    })?;

    let mut link = None;
    let mut tree = None;
    let mut kept: Vec<u8> = Vec::new();
    while offset < body.len() {
        let (signature, data) = format::extension(body, offset)?;
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
        let in_added = added.binary_search_by(|e| e.path.as_ref().cmp(path));
        if added.iter().any(|e| *e.path == *path && e.stage() != 0) {
            return Ok(None);
        }
        let new_entry = match update {
            Update::Set { id, meta, .. } => Some(Entry::file(path, id, meta)),
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
                    (Some(e), Ok(r), _) => replaced[r] = e.stripped(),
                    (Some(e), Err(r), deleted) => {
                        if let Ok(d) = deleted {
                            link.deleted.remove(d);
                        }
                        link.replaced.insert(r, position);
                        replaced.insert(r, e.stripped());
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
                Entry {
                    fixed: fixed.into(),
                    path: Vec::new().into(),
                }
                .stripped(),
            );
        }
    }

    let total = shared_count - link.deleted.len() + added.len();
    let max_percent = max_percent_change.map_or(DEFAULT_MAX_PERCENT_CHANGE, usize::from);
    if max_percent == 0 || (max_percent < 100 && total * max_percent < added.len() * 100) {
        return Ok(None); // git would write a new shared index now
    }

    let mut new = Vec::with_capacity(old.len() + 256);
    format::write_header(&mut new, version, replaced.len() + added.len());
    format::write_entries(&mut new, version, replaced.iter().chain(&added));
    format::push_extension(&mut new, b"link", &link.bytes());
    if let Some(data) = tree {
        let paths: Vec<&str> = updates.iter().map(Update::path).collect();
        tree::push_invalidated(&mut new, data, &paths)?;
    }
    new.extend_from_slice(&kept);
    let hash = Sha1::digest(&new);
    new.extend_from_slice(&hash);
    Ok(Some(new))
}

/// Whether `index` (the bytes of `.git/index`) is a split index.
pub(super) fn is_split(index: &[u8]) -> bool {
    format::lenient_extensions(index)
        .is_some_and(|mut extensions| extensions.any(|(signature, _)| signature == b"link"))
}

/// Where an updated path is in the shared index.
enum Found {
    At(usize),
    /// The path has entries at a merge stage: left to git.
    Conflict,
}

/// The position of every update's path among the shared index's entries (`None` for a path it
/// does not list), and the racily clean entries (see `format::smudge_if_racy`), smudged, by
/// position; `Err` when the shared index does not parse.
#[allow(clippy::type_complexity)]
fn find_shared(
    shared: &[u8],
    updates: &[Update<'_>],
    written: (u32, u32),
) -> Result<(Vec<Option<Found>>, Vec<(usize, Vec<u8>)>), String> {
    let (version, count) = format::header(shared)?;
    let mut found: Vec<Option<Found>> = updates.iter().map(|_| None).collect();
    let mut racy = Vec::new();
    let mut position = 0;
    let mut offset = HEADER;
    let body = &shared[..shared.len() - TRAILER];
    format::entries(body, version, count, &mut offset, |_, fixed, path| {
        for (slot, update) in found.iter_mut().zip(updates) {
            if update.path().as_bytes() == path {
                let stage = format::stage(fixed);
                *slot = Some(match slot {
                    None if stage == 0 => Found::At(position),
                    _ => Found::Conflict,
                });
            }
        }
        if let std::borrow::Cow::Owned(smudged) = format::smudge_if_racy(fixed, written) {
            racy.push((position, smudged));
        }
        position += 1;
    })?;
    // Its extensions are not used here (git writes none in a shared index), but must fit.
    while offset < body.len() {
        let (signature, data) = format::extension(body, offset)?;
        format::known(signature)?;
        offset += 8 + data.len();
    }
    Ok((found, racy))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
