//! The layout every form of index file shares (plain, split, shared; versions 2 to 4): its header,
//! its entries and the framing of its extensions. The one reader of entries checks every bound as
//! git does on read, and the one writer lays entries out as git writes them, so the plain and the
//! split patchers cannot drift apart on the format.

use std::borrow::Cow;
use std::fs;
use std::ops::Range;
use std::os::unix::fs::MetadataExt;

pub(super) const HEADER: usize = 12;
pub(super) const TRAILER: usize = 20;
/// Bytes of an entry before its path: stat data (40), object id (20), flags (2).
pub(super) const FIXED: usize = 62;
const EXTENDED_FLAG: u16 = 0x4000;
pub(super) const STAGE_MASK: u16 = 0x3000;
/// The mask of an entry's name length in its flags (0xfff: longer, ended by a NUL).
const NAME_MASK: u16 = 0x0fff;
/// Bits of an entry's second flags word that git knows (intent-to-add, skip-worktree); git
/// refuses an entry with any other.
const KNOWN_EXTENDED_FLAGS: u16 = 0x6000;

/// One entry: its fixed part (stat data, id, flags and any extended flags) and its path (empty
/// for an entry of a split index replacing a shared one). Borrowed from an index read, or built.
#[derive(Clone)]
pub(super) struct Entry<'a> {
    pub fixed: Cow<'a, [u8]>,
    pub path: Cow<'a, [u8]>,
}

impl Entry<'_> {
    /// A stage-0 entry for a regular file.
    pub fn file(path: &[u8], id: &[u8; 20], meta: &fs::Metadata) -> Entry<'static> {
        let mut fixed = Vec::with_capacity(FIXED);
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
            fixed.extend_from_slice(&value.to_be_bytes());
        }
        fixed.extend_from_slice(id);
        fixed.extend_from_slice(&(path.len().min(NAME_MASK.into()) as u16).to_be_bytes());
        Entry {
            fixed: fixed.into(),
            path: path.to_vec().into(),
        }
    }

    pub fn stage(&self) -> u16 {
        stage(&self.fixed)
    }

    /// The entry as a replacement of a shared one: git reads the name from the shared index.
    pub fn stripped(mut self) -> Entry<'static> {
        let flags = u16::from_be_bytes([self.fixed[60], self.fixed[61]]) & !NAME_MASK;
        self.fixed.to_mut()[60..62].copy_from_slice(&flags.to_be_bytes());
        Entry {
            fixed: self.fixed.into_owned().into(),
            path: Cow::Borrowed(&[]),
        }
    }

    /// The same entry, racily clean or not (see [`smudge_if_racy`]).
    pub fn smudged_if_racy(self, written: (u32, u32)) -> Entry<'static> {
        let fixed = match smudge_if_racy(&self.fixed, written) {
            Cow::Owned(smudged) => smudged,
            Cow::Borrowed(_) => self.fixed.into_owned(),
        };
        Entry {
            fixed: fixed.into(),
            path: self.path.into_owned().into(),
        }
    }
}

/// The merge stage in an entry's fixed part (0: not conflicted).
pub(super) fn stage(fixed: &[u8]) -> u16 {
    u16::from_be_bytes([fixed[60], fixed[61]]) & STAGE_MASK
}

/// Appends `entries` as index version `version` lays them out: version 4 names are
/// prefix-compressed against the entry before, others are padded with NULs to 8 bytes.
pub(super) fn write_entries<'e>(
    out: &mut Vec<u8>,
    version: u32,
    entries: impl IntoIterator<Item = &'e Entry<'e>>,
) {
    let mut previous: &[u8] = b"";
    for entry in entries {
        out.extend_from_slice(&entry.fixed);
        if version == 4 {
            let common = previous
                .iter()
                .zip(entry.path.iter())
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
        previous = &entry.path;
    }
}

/// An entry whose file changed no earlier than the index was written ("racily clean") is one git
/// checks by content, for its stat data may not show a change made in the same clock tick. Once
/// the index is rewritten later that is no longer visible, so such an entry's size is set to 0,
/// as git does when it writes an index: git then compares the file's content again. `fixed`: the
/// entry's fixed part; `written`: when the index was (seconds, nanoseconds).
///
/// The tick is a whole second: git built without USE_NSEC (the default) stores no nanoseconds in
/// the entries it writes and compares seconds only, so an entry stamped (T, 0) for a file
/// rewritten later in second T is racy although (T, 0) sorts before an index written at (T, n).
pub(super) fn smudge_if_racy(fixed: &[u8], written: (u32, u32)) -> Cow<'_, [u8]> {
    let (mtime, size) = (be32(&fixed[8..12]), be32(&fixed[36..40]));
    if size == 0 || mtime < written.0 {
        return fixed.into();
    }
    let mut smudged = fixed.to_vec();
    smudged[36..40].fill(0);
    smudged.into()
}

/// The version and entry count of an index file, or why its header is not one.
pub(super) fn header(bytes: &[u8]) -> Result<(u32, usize), String> {
    if bytes.len() < HEADER + TRAILER {
        return Err(format!(
            "it is {} bytes long, shorter than any index",
            bytes.len()
        ));
    }
    if &bytes[..4] != b"DIRC" {
        return Err("it does not start with an index's signature, DIRC".into());
    }
    let version = be32(&bytes[4..8]);
    if !(2..=4).contains(&version) {
        return Err(format!("it says version {version}; git writes 2, 3 or 4"));
    }
    let count = be32(&bytes[8..12]) as usize;
    let room = (bytes.len() - HEADER - TRAILER) / FIXED;
    if count > room {
        return Err(format!(
            "it says it holds {count} entries, more than its {} bytes can",
            bytes.len()
        ));
    }
    Ok((version, count))
}

/// The start of an index file with `count` entries.
pub(super) fn write_header(out: &mut Vec<u8>, version: u32, count: usize) {
    out.extend_from_slice(b"DIRC");
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&(count as u32).to_be_bytes());
}

/// Calls `each(its bytes in body, fixed part, path)` for the `count` entries starting at
/// `offset` (index versions 2 to 4; version 4 names are prefix-compressed) and leaves `offset`
/// after them; or says which entry does not parse, as git would refuse it. The name is as long as
/// the entry's flags say, as git reads it. The entries with a name must be sorted by name, then
/// stage, each once (inc finds its paths by binary search); those of a split index that replace
/// shared ones have none.
pub(super) fn entries(
    body: &[u8],
    version: u32,
    count: usize,
    offset: &mut usize,
    mut each: impl FnMut(Range<usize>, &[u8], &[u8]),
) -> Result<(), String> {
    let mut name: Vec<u8> = Vec::new();
    // The previous named entry's stage and (before version 4) its name's place in body.
    let mut previous: Option<(Range<usize>, u16)> = None;
    let mut previous_stage = 0;
    for number in 1..=count {
        let cut = || format!("entry {number} of {count} runs past the end of the file");
        let unordered =
            || format!("entry {number} of {count} is out of order: git sorts entries by name");
        let at = *offset;
        let flags_bytes = body.get(at + 60..at + 62).ok_or_else(cut)?;
        let flags = u16::from_be_bytes([flags_bytes[0], flags_bytes[1]]);
        let fixed_len = FIXED + if flags & EXTENDED_FLAG != 0 { 2 } else { 0 };
        let fixed = body.get(at..at + fixed_len).ok_or_else(cut)?;
        if flags & EXTENDED_FLAG != 0 {
            let extended = u16::from_be_bytes([fixed[62], fixed[63]]);
            if extended & !KNOWN_EXTENDED_FLAGS != 0 {
                return Err(format!(
                    "entry {number} of {count} has flags git does not know"
                ));
            }
        }
        // git compares an entry with its file by its type; it stops at any other.
        let mode = be32(&fixed[24..28]);
        if !matches!(mode & 0o170000, 0o100000 | 0o120000 | 0o160000 | 0o040000) {
            return Err(format!(
                "entry {number} of {count} has a file mode git does not know, {mode:o}"
            ));
        }
        let stage = flags & STAGE_MASK;
        let rest = &body[at + fixed_len..];
        if version == 4 {
            let (strip, used) = varint(rest).ok_or_else(cut)?;
            let suffix = &rest[used..];
            let nul = suffix.iter().position(|&b| b == 0).ok_or_else(cut)?;
            let keep = usize::try_from(strip)
                .ok()
                .and_then(|strip| name.len().checked_sub(strip))
                .ok_or_else(|| {
                    format!("entry {number} of {count} shortens the name before it past its start")
                })?;
            // Both names start with name[..keep]: what follows decides their order.
            if keep + nul > 0 {
                if !name.is_empty() && (&name[keep..], previous_stage) >= (&suffix[..nul], stage) {
                    return Err(unordered());
                }
                previous_stage = stage;
            }
            name.truncate(keep);
            name.extend_from_slice(&suffix[..nul]);
            *offset = at + fixed_len + used + nul + 1;
            each(at..*offset, fixed, &name);
        } else {
            let length = match flags & NAME_MASK {
                NAME_MASK => rest.iter().position(|&b| b == 0).ok_or_else(cut)?,
                short => usize::from(short),
            };
            let path = rest.get(..length).ok_or_else(cut)?;
            *offset = at + ((fixed_len + length + 8) & !7);
            if *offset > body.len() {
                return Err(cut());
            }
            if length > 0 {
                if let Some((before, before_stage)) = previous.clone()
                    && (&body[before], before_stage) >= (path, stage)
                {
                    return Err(unordered());
                }
                let start = at + fixed_len;
                previous = Some((start..start + length, stage));
            }
            each(at..*offset, fixed, path);
        }
    }
    Ok(())
}

/// The extension at `offset` of an index's body: its signature and its data, or why it does not
/// fit in the file.
pub(super) fn extension(body: &[u8], offset: usize) -> Result<(&[u8], &[u8]), String> {
    let header = body
        .get(offset..offset + 8)
        .ok_or("it ends inside an extension's header")?;
    let signature = &header[..4];
    let size = be32(&header[4..8]) as usize;
    let data = body.get(offset + 8..offset + 8 + size).ok_or_else(|| {
        format!(
            "its extension \"{}\" runs past the end of the file",
            signature.escape_ascii()
        )
    })?;
    Ok((signature, data))
}

/// The extensions of `index` as a lenient reader sees them, each signature with its data (`None`
/// for data running past the end), up to the first header that does not fit; `None` when the
/// header or the entries do not parse. For questions asked of an index not yet checked.
pub(super) fn lenient_extensions(
    index: &[u8],
) -> Option<impl Iterator<Item = (&[u8], Option<&[u8]>)>> {
    let (version, count) = header(index).ok()?;
    let body = &index[..index.len() - TRAILER];
    let mut offset = HEADER;
    entries(body, version, count, &mut offset, |_, _, _| {}).ok()?;
    Some(std::iter::from_fn(move || {
        let header = body.get(offset..offset + 8)?;
        let size = be32(&header[4..8]) as usize;
        let data = body.get(offset + 8..offset + 8 + size);
        offset += 8 + size;
        Some((&header[..4], data))
    }))
}

/// Appends an extension: its signature, its size and its data.
pub(super) fn push_extension(out: &mut Vec<u8>, signature: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(signature);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(data);
}

/// Refuses an extension git does not know and cannot do without: git reads past one whose name
/// starts with a capital letter, and refuses the index over any other.
pub(super) fn known(signature: &[u8]) -> Result<(), String> {
    const REQUIRED_AND_KNOWN: [&[u8]; 2] = [b"link", b"sdir"];
    if signature[0].is_ascii_uppercase() || REQUIRED_AND_KNOWN.contains(&signature) {
        return Ok(());
    }
    Err(format!(
        "it needs an extension git does not know, \"{}\"",
        signature.escape_ascii()
    ))
}

/// git's offset varint (`decode_varint`): the value and the bytes it took.
fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut used = 0;
    let mut byte = *bytes.first()?;
    let mut value = u64::from(byte & 127);
    while byte & 128 != 0 {
        used += 1;
        byte = *bytes.get(used)?;
        value = value
            .checked_add(1)?
            .checked_mul(128)?
            .checked_add(u64::from(byte & 127))?;
    }
    Some((value, used + 1))
}

/// git's offset varint (`encode_varint`).
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

pub(super) fn be32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes(bytes[..4].try_into().expect("4 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for value in [0, 1, 127, 128, 255, 16_511, 16_512, 1 << 40] {
            let mut bytes = Vec::new();
            encode_varint(value, &mut bytes);
            assert_eq!(varint(&bytes), Some((value, bytes.len())));
        }
    }

    #[test]
    fn encoded_entries_are_padded_to_eight_bytes_with_at_least_one_nul() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        fs::write(&file, "x").unwrap();
        let meta = fs::metadata(&file).unwrap();
        for len in 1..20 {
            let path = vec![b'a'; len];
            let mut bytes = Vec::new();
            write_entries(&mut bytes, 2, [&Entry::file(&path, &[7; 20], &meta)]);
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
