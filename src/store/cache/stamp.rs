//! The stamps the parse cache keys its entries by: what stat says of the files (and of the
//! incidents directory) an entry was computed from, encoded as fixed-size bytes so that a warm
//! run compares them without decoding.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// What a file's stat data said when an entry was computed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

/// The bytes a stamp (or "absent") takes in the cache file: a tag, then seven 64-bit fields.
/// Fixed-size so that an entry's stamps compare with the files' as bytes, without decoding.
pub(super) const STAMP_BYTES: usize = 57;

impl Stamp {
    fn of(stat: &libc::stat) -> Stamp {
        Stamp {
            dev: stat.st_dev,
            ino: stat.st_ino,
            size: stat.st_size as u64,
            mtime: (stat.st_mtime, stat.st_mtime_nsec),
            ctime: (stat.st_ctime, stat.st_ctime_nsec),
        }
    }

    pub(super) fn encode(stamp: Option<&Stamp>, out: &mut Vec<u8>) {
        let Some(s) = stamp else {
            out.extend_from_slice(&[0; STAMP_BYTES]);
            return;
        };
        out.push(1);
        for field in [s.dev, s.ino, s.size] {
            out.extend_from_slice(&field.to_le_bytes());
        }
        for field in [s.mtime.0, s.mtime.1, s.ctime.0, s.ctime.1] {
            out.extend_from_slice(&field.to_le_bytes());
        }
    }

    /// The stamp (or "absent") `encode` wrote in `b`, `None` when it is not one (a damaged
    /// file).
    pub(super) fn decode(b: &[u8]) -> Option<Option<Stamp>> {
        if b.len() != STAMP_BYTES {
            return None;
        }
        let field = |i: usize| {
            let at = 1 + 8 * i;
            u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
        };
        match b[0] {
            0 => b.iter().all(|&x| x == 0).then_some(None),
            1 => Some(Some(Stamp {
                dev: field(0),
                ino: field(1),
                size: field(2),
                mtime: (field(3) as i64, field(4) as i64),
                ctime: (field(5) as i64, field(6) as i64),
            })),
            _ => None,
        }
    }

    /// Every stamp `encode` wrote in `bytes`, `None` if one is not such.
    #[cfg(test)]
    pub(super) fn decode_all(bytes: &[u8]) -> Option<Vec<Option<Stamp>>> {
        if !bytes.len().is_multiple_of(STAMP_BYTES) {
            return None;
        }
        bytes.chunks_exact(STAMP_BYTES).map(Stamp::decode).collect()
    }

    /// Whether the file changed no earlier than `written` (the cache file's time): then a second
    /// change within the same clock tick would keep this stamp, and it is not trusted.
    pub(super) fn racy(&self, written: (i64, i64)) -> bool {
        self.mtime >= written || self.ctime >= written
    }
}

/// Where the files each key's value is computed from are: `dir/KEY/NAME` for each of `names`
/// (an incident's files, keyed by its id).
#[derive(Clone, Copy)]
pub struct Files<'a> {
    pub dir: &'a Path,
    pub names: &'a [&'a str],
}

/// A directory opened once, whose files are stamped relative to it: `fstatat` walks two path
/// components (`ID/FILE`) where a full path walks every component of the repository's path
/// (a warm `inc stats` makes 40,000 stats at 20,000 incidents, its largest cost).
pub(super) struct Stamper<'a> {
    dir: Option<fs::File>,
    files: Files<'a>,
}

impl<'a> Stamper<'a> {
    pub(super) fn open(files: Files<'a>) -> Stamper<'a> {
        use std::os::unix::fs::OpenOptionsExt;
        // O_PATH: only a handle to stat relative to; O_NOFOLLOW: a linked incidents directory
        // is not stamped (nothing is cached, and the reader reports the link).
        let dir = fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW)
            .open(files.dir)
            .ok();
        Stamper { dir, files }
    }

    /// The stamps of `key`'s files, encoded, `None` if one of them cannot be cached. `racy`
    /// is set when one changed no earlier than `written`.
    pub(super) fn stamps(
        &self,
        key: &str,
        written: (i64, i64),
        settled: (i64, i64),
    ) -> Option<Stamps> {
        use std::os::fd::AsRawFd;
        let dir = self.dir.as_ref()?;
        // A key is an incident id, one path component; anything else is not stamped.
        if key.is_empty() || key.starts_with('.') || key.contains(['/', '\0']) {
            return None;
        }
        let mut stamps = Stamps {
            bytes: Vec::with_capacity(STAMP_BYTES * self.files.names.len()),
            racy: false,
            settled: true,
        };
        let mut path = Vec::with_capacity(key.len() + 32);
        for name in self.files.names {
            path.clear();
            path.extend_from_slice(key.as_bytes());
            path.push(b'/');
            path.extend_from_slice(name.as_bytes());
            path.push(0);
            let path = std::ffi::CStr::from_bytes_with_nul(&path).ok()?;
            let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
            // SAFETY: `path` is a NUL-terminated string and `stat` a buffer of the size
            // fstatat writes; both outlive the call, and `stat` is read only on success.
            let rc = unsafe {
                libc::fstatat(
                    dir.as_raw_fd(),
                    path.as_ptr(),
                    stat.as_mut_ptr(),
                    libc::AT_SYMLINK_NOFOLLOW,
                )
            };
            if rc != 0 {
                // "Absent" only for a file that does not exist; any other error (a component
                // that is not a directory, no permission) is for the reader to report.
                if std::io::Error::last_os_error().raw_os_error() == Some(libc::ENOENT) {
                    Stamp::encode(None, &mut stamps.bytes);
                    continue;
                }
                return None;
            }
            // SAFETY: fstatat succeeded, so it filled `stat`.
            let stat = unsafe { stat.assume_init() };
            if stat.st_mode & libc::S_IFMT != libc::S_IFREG {
                return None;
            }
            let stamp = Stamp::of(&stat);
            stamps.racy |= stamp.racy(written);
            stamps.settled &= stamp.mtime < settled && stamp.ctime < settled;
            Stamp::encode(Some(&stamp), &mut stamps.bytes);
        }
        Some(stamps)
    }
}

/// The stamps of one key's files as stored, and what they say about trusting and storing.
pub(super) struct Stamps {
    pub(super) bytes: Vec<u8>,
    /// A file changed no earlier than the cache file was written: its entry is not trusted.
    pub(super) racy: bool,
    /// Every file was left alone for [`super::SETTLED`]: what was read from them may be stored.
    pub(super) settled: bool,
}

/// The stamp of the directory `dir` itself, `None` when it is not a directory (or a link).
pub(super) fn dir_stamps(dir: &Path, written: (i64, i64), settled: (i64, i64)) -> Option<Stamps> {
    use std::os::unix::fs::OpenOptionsExt;
    let meta = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW)
        .open(dir)
        .and_then(|dir| dir.metadata())
        .ok()?;
    if !meta.is_dir() {
        return None;
    }
    let stamp = Stamp {
        dev: meta.dev(),
        ino: meta.ino(),
        size: meta.size(),
        mtime: (meta.mtime(), meta.mtime_nsec()),
        ctime: (meta.ctime(), meta.ctime_nsec()),
    };
    let mut bytes = Vec::with_capacity(STAMP_BYTES);
    Stamp::encode(Some(&stamp), &mut bytes);
    Some(Stamps {
        bytes,
        racy: stamp.racy(written),
        settled: stamp.mtime < settled && stamp.ctime < settled,
    })
}
