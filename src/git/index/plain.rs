//! Patching a plain index (versions 2 and 3; the TREE, REUC, EOIE and IEOT extensions), as
//! `git update-index` does for a handful of paths: the entries are replaced, inserted or removed
//! in path order and the cached trees on their way invalidated; the rest is copied as it is.

use sha1::{Digest, Sha1};

use super::change::Update;
use super::format::{self, Entry, HEADER, TRAILER};
use super::tree;

/// The new index bytes, or `None` when the layout is one this module does not handle; `Err` says
/// why `old` does not parse. `written`: the old index file's modification time (seconds,
/// nanoseconds), for git's racy-clean rule.
pub(super) fn patch(
    old: &[u8],
    updates: &[Update<'_>],
    written: (u32, u32),
) -> Result<Option<Vec<u8>>, String> {
    let (version, count) = format::header(old)?;
    if !(version == 2 || version == 3) {
        return Ok(None);
    }
    let body = &old[..old.len() - TRAILER];

    // The entries, as they are.
    let mut spans: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> =
        Vec::with_capacity(count);
    let mut conflict = false;
    let mut offset = HEADER;
    format::entries(body, version, count, &mut offset, |entry, fixed, path| {
        // A merge conflict on one of our paths: libgit2 clears it properly.
        conflict |=
            format::stage(fixed) != 0 && updates.iter().any(|u| u.path().as_bytes() == path);
        let path_at = entry.start + fixed.len();
        spans.push((entry.start..path_at, path_at..path_at + path.len()));
    })?;
    if conflict {
        return Ok(None);
    }
    let mut entries: Vec<Entry<'_>> = Vec::with_capacity(count + updates.len());
    for (fixed, path) in spans {
        entries.push(Entry {
            fixed: format::smudge_if_racy(&body[fixed], written),
            path: body[path].into(),
        });
    }

    // The extensions: the cached trees are invalidated along our paths; the offset tables
    // (EOIE, IEOT) describe the old layout and are dropped; resolve-undo is kept; anything else
    // is left to libgit2.
    let mut extensions: Vec<u8> = Vec::new();
    while offset < body.len() {
        let (signature, data) = format::extension(body, offset)?;
        let size = data.len();
        match signature {
            b"TREE" => {
                let paths: Vec<&str> = updates.iter().map(Update::path).collect();
                tree::push_invalidated(&mut extensions, data, &paths)?;
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
        let position = entries.binary_search_by(|e| e.path.as_ref().cmp(path));
        match (update, position) {
            (Update::Set { id, meta, .. }, found) => {
                let entry = Entry::file(path, id, meta);
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
    format::write_header(&mut new, version, entries.len());
    format::write_entries(&mut new, version, &entries);
    new.extend_from_slice(&extensions);
    let hash = Sha1::digest(&new);
    new.extend_from_slice(&hash);
    Ok(Some(new))
}
