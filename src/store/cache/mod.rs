//! The parse cache under `.git/inc/cache/`: what reading every incident found (incident.yaml's
//! content, a post-mortem's follow-ups, `inc check`'s findings), kept between commands so that
//! `inc list`, `inc stats` and `inc check` at thousands of incidents parse only what changed.
//!
//! Nothing here may ever serve stale data. An entry is keyed by the stat data of every file it
//! was computed from (inode, size, mtime and ctime in nanoseconds, or "absent"): a hand edit, a
//! checkout, a merge or a pull changes at least the ctime, which no user-space tool can set back.
//! File times advance in clock ticks (milliseconds, or seconds on some file systems), so a
//! second change within the tick of the first, after inc read the file, would keep every stamp.
//! An entry is therefore stored only for files unchanged for [`SETTLED`] before inc read them,
//! and, as in git's racy-git rule, not trusted when its file changed no earlier than the cache
//! file was written. Only successes are cached: a broken file is
//! parsed every time, so its error is always the parser's own. The incidents directory's
//! listing is kept the same way ([`listing`]), keyed by the directory's own stat data, which
//! adding, removing or renaming an entry changes.
//!
//! A warm run at 20,000 incidents is mostly checking stamps, so that is kept cheap: each file is
//! stat-ed relative to the incidents directory (two path components, not the whole path), the
//! entries are stored sorted by key with their stamps as fixed-size bytes (found by position or
//! binary search and compared without decoding), and the file is mapped rather than read.
//!
//! The cache is local and may be corrupt or from another version of inc: a file that is too
//! big, fails its checksum or does not decode is ignored (and rewritten), never an error.
//! `INC_NO_CACHE=1` neither reads nor writes it.

use std::fs;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod stamp;

pub use stamp::Files;
use stamp::{STAMP_BYTES, Stamp, Stamper, Stamps, dir_stamps};

/// Bumped whenever what an entry holds changes meaning; with inc's version and the commit it
/// was built from (build.rs), the file's header: `inc check`'s findings follow its rules, which
/// may change in any commit, so a cache from another build is rebuilt rather than trusted.
const FORMAT: &str = concat!(
    "inc-cache 4 ",
    env!("CARGO_PKG_VERSION"),
    env!("INC_BUILD_INFO")
);

/// A cache file larger than this is not read (20,000 incidents take about 20 MB).
const MAX_BYTES: u64 = 256 << 20;

/// How long a file must have been left alone before what was read from it is stored: longer
/// than any file system's timestamp granularity (FAT's two seconds) and the kernel's clock tick.
const SETTLED: std::time::Duration = std::time::Duration::from_secs(3);

/// The environment variable that turns the cache off.
pub const DISABLE_VAR: &str = "INC_NO_CACHE";

/// One entry as stored: a key (an incident id), the stamps it depends on (encoded, see
/// [`Stamp::encode`]), and its value in the form its user chose (serialized by the caller).
/// Entries are stored sorted by key, each key once.
#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    key: &'a str,
    stamps: &'a [u8],
    value: &'a [u8],
}

#[derive(Serialize, Deserialize)]
struct Body<'a> {
    format: &'a str,
    #[serde(borrow)]
    entries: Vec<Entry<'a>>,
}

/// One cache file, mapped whole; entries borrow from it.
pub struct Cache {
    path: PathBuf,
    /// Mapped rather than read: copying megabytes into fresh memory was a tenth of the page
    /// faults of a warm `inc stats`. `None` for a missing or unusable file (an empty cache).
    bytes: Option<memmap2::Mmap>,
    /// The cache file's modification time: stamps from then or later are not trusted.
    written: (i64, i64),
}

/// A value computed this run, to be stored.
struct Fresh {
    key: String,
    stamps: Vec<u8>,
    value: Vec<u8>,
}

impl Cache {
    /// The cache file `name` of the repository whose git directory is `git_dir`; `None` when the
    /// cache is turned off. A missing, oversized or unreadable file is an empty cache.
    pub fn open(git_dir: &Path, name: &str) -> Option<Cache> {
        if std::env::var_os(DISABLE_VAR).is_some_and(|v| !v.is_empty() && v != "0") {
            return None;
        }
        // Outside a git repository there is no local place for it (and none is made).
        if !git_dir.is_dir() {
            return None;
        }
        let dir = git_dir.join("inc").join("cache");
        let path = dir.join(name);
        let mut cache = Cache {
            path,
            bytes: None,
            written: (i64::MIN, 0),
        };
        // The cache is inc's own file in .git, but a link there is still not followed.
        match fs::symlink_metadata(&cache.path) {
            Ok(meta) if meta.file_type().is_file() && meta.len() <= MAX_BYTES => {}
            _ => return Some(cache),
        }
        if crate::store::refuse_links(git_dir, &cache.path).is_err() {
            return Some(cache);
        }
        if let Some((map, meta)) = map_bounded(&cache.path, MAX_BYTES) {
            cache.bytes = Some(map);
            cache.written = (meta.mtime(), meta.mtime_nsec());
        }
        Some(cache)
    }

    /// The entries, sorted by key. A corrupt or foreign file has none.
    fn entries(&self) -> Entries<'_> {
        let entries = self
            .decode()
            .map(|body| body.entries)
            .filter(|entries| entries.windows(2).all(|w| w[0].key < w[1].key))
            .unwrap_or_default();
        Entries {
            entries,
            written: self.written,
        }
    }

    fn decode(&self) -> Option<Body<'_>> {
        // Layout: the body (postcard), then its CRC-32, little-endian.
        let bytes: &[u8] = self.bytes.as_deref().unwrap_or_default();
        let split = bytes.len().checked_sub(4)?;
        let (body, sum) = bytes.split_at(split);
        if crc32fast::hash(body).to_le_bytes() != sum {
            return None;
        }
        let body: Body<'_> = postcard::from_bytes(body).ok()?;
        (body.format == FORMAT).then_some(body)
    }

    /// Rewrites the cache with `fresh` and the entries of `kept` not replaced by them (the same
    /// key). Failing to write costs only a parse next time, so errors are ignored.
    fn save<'a>(&self, kept: impl Iterator<Item = &'a Entry<'a>>, fresh: &'a [Fresh]) {
        let mut entries: Vec<Entry<'_>> = fresh
            .iter()
            .map(|f| Entry {
                key: &f.key,
                stamps: &f.stamps,
                value: &f.value,
            })
            .collect();
        let replaced: std::collections::HashSet<&str> =
            fresh.iter().map(|f| f.key.as_str()).collect();
        entries.extend(kept.filter(|e| !replaced.contains(e.key)).map(|e| Entry {
            key: e.key,
            stamps: e.stamps,
            value: e.value,
        }));
        entries.sort_unstable_by(|a, b| a.key.cmp(b.key));
        entries.dedup_by(|a, b| a.key == b.key);
        let body = Body {
            format: FORMAT,
            entries,
        };
        let Ok(mut bytes) = postcard::to_stdvec(&body) else {
            return;
        };
        let sum = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&sum.to_le_bytes());
        let _ = self.write(&bytes);
    }

    fn write(&self, bytes: &[u8]) -> std::io::Result<()> {
        let dir = self.path.parent().expect("inside .git");
        fs::create_dir_all(dir)?;
        // No fsync: a cache torn by a crash fails its checksum and is rebuilt.
        let mut temp = tempfile::Builder::new()
            .prefix(".cache-")
            .tempfile_in(dir)?;
        temp.write_all(bytes)?;
        temp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The entries of a cache file, sorted by key: looked up by binary search, their stamps
/// compared as bytes (a warm run decodes no stamp and builds no map).
struct Entries<'a> {
    entries: Vec<Entry<'a>>,
    written: (i64, i64),
}

impl<'a> Entries<'a> {
    /// The entry for `key`, looked for first at `hint`: the keys asked for are usually the
    /// stored ones in the same order (every incident), and a binary search over 20,000 ids that
    /// share their first characters was a tenth of a warm `inc stats`.
    fn find(&self, key: &str, hint: usize) -> Option<&Entry<'a>> {
        if let Some(entry) = self.entries.get(hint)
            && entry.key == key
        {
            return Some(entry);
        }
        let at = self.entries.binary_search_by(|e| e.key.cmp(key)).ok()?;
        Some(&self.entries[at])
    }

    /// The value stored for `key` if it was computed from files with exactly these stamps, and
    /// they are not racy (changed no earlier than the cache file was written).
    fn get(&self, key: &str, hint: usize, stamps: &Stamps) -> Option<&'a [u8]> {
        if stamps.racy {
            return None;
        }
        self.find(key, hint)
            .filter(|e| e.stamps == stamps.bytes.as_slice())
            .map(|e| e.value)
    }

    /// Whether an entry can be trusted at all: its stamps decode, and none is racy. Without
    /// allocating: a warm run asks this of every entry.
    fn trusted(&self, entry: &Entry<'_>) -> bool {
        entry.stamps.len().is_multiple_of(STAMP_BYTES)
            && entry
                .stamps
                .chunks_exact(STAMP_BYTES)
                .all(|b| match Stamp::decode(b) {
                    Some(Some(stamp)) => !stamp.racy(self.written),
                    Some(None) => true,
                    None => false,
                })
    }

    /// The entries to carry over into the next write: the trusted ones (with `wanted`, only
    /// those whose key it holds).
    fn kept<'b>(&'b self, wanted: Option<&'b [&str]>) -> impl Iterator<Item = &'b Entry<'a>> {
        self.entries.iter().filter(move |e| {
            wanted.is_none_or(|keys| keys.binary_search(&e.key).is_ok()) && self.trusted(e)
        })
    }

    /// Whether the trusted entries have exactly these keys (sorted): nothing to drop.
    fn is_exactly(&self, keys: &[&str]) -> bool {
        self.entries.len() == keys.len()
            && self
                .entries
                .iter()
                .zip(keys)
                .all(|(e, k)| e.key == *k && self.trusted(e))
    }
}

/// The time (seconds, nanoseconds) before which a file must have last changed for what was read
/// from it now to be stored.
fn settled_before() -> (i64, i64) {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .saturating_sub(SETTLED);
    (since.as_secs() as i64, i64::from(since.subsec_nanos()))
}

/// The file at `path` mapped, with its stat data, if it is a regular file of at most `max`
/// bytes (and not empty: there is nothing to map).
fn map_bounded(path: &Path, max: u64) -> Option<(memmap2::Mmap, fs::Metadata)> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::OpenOptions::new()
        .read(true)
        // Non-blocking: a FIFO put there after the check is not waited on (and not mapped).
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .ok()?;
    // The file opened, not the path checked before: it may have been replaced in between.
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() == 0 || meta.len() > max {
        return None;
    }
    // SAFETY: the cache file is inc's own, in .git, and only ever replaced (a new file renamed
    // over it, see `Cache::write`), never changed in place, so the mapping stays as it was read.
    // Populated at once: every page is read (the checksum) and faulting them in one by one
    // costs more.
    let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }.ok()?;
    Some((map, meta))
}

/// The names `list` gives for the directory `dir` (the incidents directory), through the cache
/// file `cache`: listing 20,000 incidents took 10 ms of every warm `inc list` and `inc stats`.
/// A directory's mtime and ctime change whenever an entry is added to it, removed or renamed,
/// so the directory's stamp keys its listing as a file's stamp keys what was read from it, under
/// the same rules (settled, not racy); `list` must depend on nothing but the entries' names and
/// types. A linked directory is listed, never cached.
pub fn listing<E>(
    cache: Option<&Cache>,
    dir: &Path,
    list: impl FnOnce() -> Result<Vec<String>, E>,
) -> Result<Vec<String>, E> {
    let Some(cache) = cache else {
        return list();
    };
    // Stamped before it is listed: a change in between gives the next run another stamp.
    let stamps = dir_stamps(dir, cache.written, settled_before());
    let entries = cache.entries();
    if let Some(stamps) = &stamps
        && let Some(value) = entries.get("", 0, stamps)
        && let Ok(names) = postcard::from_bytes::<Vec<String>>(value)
    {
        return Ok(names);
    }
    let names = list()?;
    if let Some(stamps) = stamps.filter(|s| s.settled)
        && let Ok(value) = postcard::to_stdvec(&names)
    {
        let fresh = Fresh {
            key: String::new(),
            stamps: stamps.bytes,
            value,
        };
        cache.save(std::iter::empty(), std::slice::from_ref(&fresh));
    }
    Ok(names)
}

/// `compute` for every key, through the cache file `cache`: a key whose files (`files`) have
/// the stamps of a trusted entry is answered by `decode` from the cache; any other is computed,
/// and its value stored when `encode` gives one (a success). Runs on every core. With `whole`,
/// the keys are everything the cache should hold (entries for others are dropped).
pub fn map<R: Send>(
    cache: Option<&Cache>,
    keys: Vec<String>,
    whole: bool,
    files: Files<'_>,
    compute: impl Fn(&str) -> R + Sync,
    encode: impl Fn(&R) -> Option<Vec<u8>> + Sync,
    decode: impl Fn(&[u8]) -> Option<R> + Sync,
) -> Vec<(String, R)> {
    let Some(cache) = cache else {
        return super::parallel_map(keys, |key| {
            let value = compute(&key);
            (key, value)
        });
    };
    let entries = cache.entries();
    let stamper = Stamper::open(files);
    let settled = settled_before();
    // Rare on a warm run; gathered aside so that the results are written once, in place.
    let fresh = std::sync::Mutex::new(Vec::new());
    let keys: Vec<(usize, String)> = keys.into_iter().enumerate().collect();
    let out = super::parallel_map(keys, |(at, key)| {
        let stamps = stamper.stamps(&key, cache.written, settled);
        if let Some(stamps) = &stamps
            && let Some(value) = entries.get(&key, at, stamps).and_then(&decode)
        {
            return (key, value);
        }
        let value = compute(&key);
        let stored = stamps.filter(|s| s.settled).and_then(|stamps| {
            encode(&value).map(|value| Fresh {
                key: key.clone(),
                stamps: stamps.bytes,
                value,
            })
        });
        // A value not stored (a broken file) does not rewrite the cache on every run.
        if let Some(stored) = stored {
            fresh.lock().unwrap_or_else(|e| e.into_inner()).push(stored);
        }
        (key, value)
    });
    let fresh = fresh.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut keys: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    if !fresh.is_empty() || (whole && !entries.is_exactly(&keys)) {
        cache.save(entries.kept(whole.then_some(&keys[..])), &fresh);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamper_in(dir: &Path) -> Stamper<'_> {
        Stamper::open(Files {
            dir,
            names: &["a.yaml", "b.md"],
        })
    }

    #[test]
    fn stamps_are_those_of_regular_files_only() {
        let temp = tempfile::tempdir().unwrap();
        let dir = &temp.path().join("incidents");
        fs::create_dir_all(dir.join("id/b.md")).unwrap();
        fs::write(dir.join("id/a.yaml"), "x").unwrap();
        fs::create_dir_all(dir.join("other")).unwrap();
        fs::write(dir.join("other/a.yaml"), "y").unwrap();
        std::os::unix::fs::symlink(dir.join("other/a.yaml"), dir.join("other/b.md")).unwrap();
        let stamper = stamper_in(dir);
        let now = (i64::MAX, 0);
        // A directory where a file should be, a link, a path out of the directory: not cached.
        assert!(stamper.stamps("id", now, now).is_none());
        assert!(stamper.stamps("other", now, now).is_none());
        for key in ["", ".", "..", "../other", "other/..", "a\0b"] {
            assert!(stamper.stamps(key, now, now).is_none(), "{key:?}");
        }
        // Absent files are stamped as such, and the stamps round-trip.
        fs::remove_file(dir.join("other/b.md")).unwrap();
        let stamps = stamper.stamps("other", now, now).unwrap();
        let decoded = Stamp::decode_all(&stamps.bytes).unwrap();
        assert!(matches!(decoded.as_slice(), [Some(_), None]), "{decoded:?}");
        let mut again = Vec::new();
        for stamp in &decoded {
            Stamp::encode(stamp.as_ref(), &mut again);
        }
        assert_eq!(again, stamps.bytes);
        assert!(!stamps.racy && stamps.settled);
        // Changed no earlier than the cache file: racy; not yet settled: not to be stored.
        let stamps = stamper.stamps("other", (0, 0), (0, 0)).unwrap();
        assert!(stamps.racy && !stamps.settled);
        // A missing key: every file absent. A linked incidents directory: nothing is stamped.
        assert!(stamper.stamps("missing", now, now).is_some());
        let linked = temp.path().join("linked");
        std::os::unix::fs::symlink(dir, &linked).unwrap();
        assert!(stamper_in(&linked).stamps("other", now, now).is_none());
    }

    #[test]
    fn damaged_stamps_do_not_decode() {
        let mut bytes = Vec::new();
        Stamp::encode(None, &mut bytes);
        assert_eq!(Stamp::decode_all(&bytes), Some(vec![None]));
        assert_eq!(Stamp::decode_all(&bytes[1..]), None);
        bytes[0] = 2;
        assert_eq!(Stamp::decode_all(&bytes), None);
        bytes[0] = 0;
        bytes[9] = 1;
        assert_eq!(Stamp::decode_all(&bytes), None);
    }

    #[test]
    fn an_entry_is_found_off_its_position_and_only_for_its_stamps() {
        let stamps = |n: u8| vec![n; STAMP_BYTES];
        let (a, b, c) = (stamps(1), stamps(2), stamps(3));
        let entries = Entries {
            entries: vec![
                Entry {
                    key: "a",
                    stamps: &a,
                    value: b"A",
                },
                Entry {
                    key: "b",
                    stamps: &b,
                    value: b"B",
                },
                Entry {
                    key: "c",
                    stamps: &c,
                    value: b"C",
                },
            ],
            written: (0, 0),
        };
        let current = |bytes: &[u8], racy| Stamps {
            bytes: bytes.to_vec(),
            racy,
            settled: true,
        };
        for hint in [0, 1, 2, 7] {
            assert_eq!(entries.get("b", hint, &current(&b, false)), Some(&b"B"[..]));
            assert_eq!(entries.get("b", hint, &current(&a, false)), None);
            assert_eq!(entries.get("b", hint, &current(&b, true)), None);
            assert_eq!(entries.get("bb", hint, &current(&b, false)), None);
        }
    }
}
