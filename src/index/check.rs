//! Whether an index file can be read at all, by git's own checks on read: its size, signature and
//! version, each entry's length, flags and file type, each extension's length, the cached trees
//! and the split index's link. A damaged `.git/index` (or the shared index it names) is one error
//! naming the file and how to rebuild it; it is never patched, and nothing in it can make inc
//! panic or allocate what its size does not justify.
//!
//! Like git, this does not verify the checksum at the end (git does so only in `git fsck`): a
//! flipped byte that still parses is read as git reads it.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{EXTENDED_FLAG, FIXED, HEADER, TRAILER};

/// Bits of an entry's second flags word that git knows (intent-to-add, skip-worktree); git
/// refuses an entry with any other.
const KNOWN_EXTENDED_FLAGS: u16 = 0x6000;
/// The mask of an entry's name length in its flags (0xfff: longer, ended by a NUL).
pub(super) const NAME_MASK: u16 = 0x0fff;

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
                super::skip_node(&mut rest).ok_or("its cached trees (TREE) do not parse")?;
            }
            b"link" => {
                super::split::read_link(data).ok_or("its split index link does not parse")?;
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
        let stage = flags & super::STAGE_MASK;
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

/// git's offset varint (`decode_varint`): the value and the bytes it took.
pub(super) fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
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

pub(super) fn be32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes(bytes[..4].try_into().expect("4 bytes"))
}
