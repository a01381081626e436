//! File I/O for a repository that is not trusted: reads and writes that refuse symbolic links
//! and anything but regular files, bounded reads, atomic replacement, synced appends and their
//! repair, and the sweeping of temp files that killed commands left.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use super::CONFIG_FILE;
use crate::error::Error;

/// Temp files and directories inc writes before renaming them into place start with this.
pub(super) const TEMP_PREFIX: &str = ".inc-";

/// A temp file this old was left by a command that was killed: no command takes a minute between
/// creating its temp file and renaming it.
const STALE_TEMP: Duration = Duration::from_secs(60);
/// The most `.inc.yaml` may hold. Every command reads it first, so an oversized one would cost
/// every command; a real one is a few kilobytes.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Refuses a `.inc.yaml` larger than [`MAX_CONFIG_BYTES`] before reading it.
pub(super) fn check_config_size(path: &Path) -> Result<()> {
    let len = fs::symlink_metadata(path).map_or(0, |m| m.len());
    if len > MAX_CONFIG_BYTES {
        return Err(Error::File {
            path: PathBuf::from(CONFIG_FILE),
            line: 1,
            column: 1,
            message: format!(
                "the configuration is larger than inc reads ({MAX_CONFIG_BYTES} bytes): it holds a few settings (docs/format.md); remove the rest"
            ),
        }
        .into());
    }
    Ok(())
}
/// A file of the repository at `root` as text, `None` if it does not exist. Refuses a symbolic
/// link at the file or at any directory between `root` and it (naming the link), and anything
/// that is not a regular file (a FIFO would block inc forever).
pub fn read_text(root: &Path, path: &Path) -> Result<Option<String>> {
    read_text_shown(root, path, root)
}

/// [`read_text`] for a file below `base` (links are looked for from there), named in messages
/// relative to `shown_from`.
pub(super) fn read_text_shown(
    base: &Path,
    path: &Path,
    shown_from: &Path,
) -> Result<Option<String>> {
    refuse_links_shown(base, path, shown_from)?;
    let shown = path.strip_prefix(shown_from).unwrap_or(path);
    let file = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        // The link appeared after the check above.
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(link_error(shown_from, path).into());
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", shown.display())),
    };
    let meta = file
        .metadata()
        .with_context(|| format!("cannot read {}", shown.display()))?;
    if !meta.is_file() {
        return Err(Error::state(format!(
            "{} is not a regular file: replace it with one",
            shown.display()
        ))
        .into());
    }
    let mut text = String::new();
    (&file)
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {}", shown.display()))?;
    Ok(Some(text))
}

/// Refuses a symbolic link at `path` or at any directory between `root` and it. `root` itself
/// (the canonical repository root) is trusted. A path outside `root` is not the repository's:
/// only a link at its last component is refused.
pub fn refuse_links(root: &Path, path: &Path) -> Result<(), Error> {
    refuse_links_shown(root, path, root)
}

pub(super) fn refuse_links_shown(base: &Path, path: &Path, shown_from: &Path) -> Result<(), Error> {
    let is_link =
        |at: &Path| fs::symlink_metadata(at).is_ok_and(|meta| meta.file_type().is_symlink());
    let inside = path
        .strip_prefix(base)
        .ok()
        .filter(|rel| rel.components().all(|c| matches!(c, Component::Normal(_))));
    let Some(rel) = inside else {
        return match is_link(path) {
            true => Err(link_error(shown_from, path)),
            false => Ok(()),
        };
    };
    let mut at = base.to_path_buf();
    for component in rel.components() {
        at.push(component);
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => return Err(link_error(shown_from, &at)),
            Ok(_) => {}
            // Nothing further exists, so nothing further can be a link.
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// The error for a symbolic link at `link`, named relative to `root`, with where it points.
pub(super) fn link_error(root: &Path, link: &Path) -> Error {
    let shown = link.strip_prefix(root).unwrap_or(link);
    let target = fs::read_link(link)
        .map(|t| format!(" (to {})", t.display()))
        .unwrap_or_default();
    let what = if fs::metadata(link).is_ok_and(|m| m.is_dir()) {
        "directory"
    } else {
        "file"
    };
    Error::state(format!(
        "{} is a symbolic link{target}: inc does not follow links in the repository; replace it with a regular {what}",
        shown.display()
    ))
}

/// Removes `.inc-*` temp files and directories in `dir` that killed commands left (older than
/// [`STALE_TEMP`], so a temp file another command is writing right now is left alone). Failing
/// to remove one is harmless: readers skip dot names.
pub(super) fn sweep_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        let stale = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age >= STALE_TEMP);
        if !stale {
            continue;
        }
        // `DirEntry::metadata` does not follow links: a linked directory loses only the link.
        let _ = if meta.is_dir() {
            fs::remove_dir_all(entry.path())
        } else {
            fs::remove_file(entry.path())
        };
    }
}

/// Writes `files` (by file name) into a new directory `dir`, each synced, then the directory.
pub(super) fn build_dir(dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    fs::create_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (path, bytes) in files {
        let name = path.file_name().expect("files have names");
        let target = dir.join(name);
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&target)
            .with_context(|| format!("cannot create {}", target.display()))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    sync_dir(dir)
}

/// Syncs a directory's entries, so a file renamed into it stays there after a power cut.
pub(super) fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot sync {}", dir.display()))
}
/// Replaces `path` with `bytes` atomically: a temp file in the same directory, fsync, rename.
/// A symbolic link at `path` is refused: the rename would replace the link, not what it names.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |out| Ok(out.write_all(bytes)?))
}

/// [`write_atomic`] of what `write` writes, as it writes it (an export of thousands of
/// incidents is never held whole); if `write` fails, `path` is left as it was.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let dir = path.parent().expect("files live in a directory");
    refuse_links(dir, path)?;
    let temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .permissions(permissions_for(path))
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let mut out = std::io::BufWriter::new(temp);
    write(&mut out)?;
    let temp = out.into_inner().map_err(|e| e.into_error())?;
    temp.as_file().sync_all()?;
    temp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// Keeps an existing file's permissions; new files are readable by everyone, as git writes them.
fn permissions_for(path: &Path) -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path)
        .map(|meta| meta.permissions())
        .unwrap_or_else(|_| fs::Permissions::from_mode(0o644))
}

/// Appends `bytes` in one write and syncs, so the entry is on disk before inc reports success.
/// (The caller has checked, under the lock, that the file ends where the bytes fit.)
pub(super) fn append(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = OpenOptions::new()
        .append(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .with_context(|| format!("cannot open {} for appending", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot append to {}", path.display()))?;
    file.sync_data()
        .with_context(|| format!("cannot sync {}", path.display()))?;
    Ok(())
}

/// Cuts a log back to `len` bytes when it stopped between `len` and `end`: an append that was
/// interrupted is undone whole. A file changed since the journal was last written (a hand edit
/// after the failed command) is left alone, whatever its length. Returns whether it cut anything.
pub fn undo_torn_append(
    path: &Path,
    len: u64,
    end: u64,
    journal: Option<std::time::SystemTime>,
) -> Result<bool> {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return Ok(false);
    };
    if !(meta.is_file() && len < meta.len() && meta.len() < end) {
        return Ok(false);
    }
    let edited_later = match (meta.modified(), journal) {
        (Ok(modified), Some(journal)) => modified > journal + Duration::from_secs(2),
        _ => false,
    };
    if edited_later {
        return Ok(false);
    }
    let file = OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .with_context(|| format!("cannot repair {}", path.display()))?;
    file.set_len(len)?;
    file.sync_all()?;
    Ok(true)
}
