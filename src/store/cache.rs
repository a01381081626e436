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
//! parsed every time, so its error is always the parser's own.
//!
//! The cache is local and may be corrupt or from another version of inc: a file that is too
//! big, fails its checksum or does not decode is ignored (and rewritten), never an error.
//! `INC_NO_CACHE=1` neither reads nor writes it.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Bumped whenever what an entry holds changes meaning; with inc's version, the file's header.
const FORMAT: &str = concat!("inc-cache 2 ", env!("CARGO_PKG_VERSION"));

/// A cache file larger than this is not read (20,000 incidents take about 20 MB).
const MAX_BYTES: u64 = 256 << 20;

/// How long a file must have been left alone before what was read from it is stored: longer
/// than any file system's timestamp granularity (FAT's two seconds) and the kernel's clock tick.
const SETTLED: std::time::Duration = std::time::Duration::from_secs(3);

/// The environment variable that turns the cache off.
pub const DISABLE_VAR: &str = "INC_NO_CACHE";

/// What a file's stat data said when an entry was computed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

/// The stamp of the file at `path`: `Some(None)` when it does not exist, `None` when it cannot
/// be cached (a symbolic link, a directory, an unreadable entry: the reader reports those).
pub fn stamp(path: &Path) -> Option<Option<Stamp>> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_file() => Some(Some(Stamp {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.len(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        })),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(None),
        _ => None,
    }
}

/// The stamps of several files, `None` if one of them cannot be cached.
pub fn stamps(paths: &[PathBuf]) -> Option<Vec<Option<Stamp>>> {
    paths.iter().map(|p| stamp(p)).collect()
}

/// One entry as stored: a key (an incident id), the stamps it depends on, and its value in the
/// form its user chose (serialized by the caller).
#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    key: &'a str,
    stamps: Vec<Option<Stamp>>,
    value: &'a [u8],
}

#[derive(Serialize, Deserialize)]
struct Body<'a> {
    format: &'a str,
    #[serde(borrow)]
    entries: Vec<Entry<'a>>,
}

/// One cache file, read whole; entries borrow from it.
pub struct Cache {
    path: PathBuf,
    bytes: Vec<u8>,
    /// The cache file's modification time: stamps from then or later are not trusted.
    written: (i64, i64),
}

/// A value computed this run, to be stored.
pub struct Fresh {
    pub key: String,
    pub stamps: Vec<Option<Stamp>>,
    pub value: Vec<u8>,
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
            bytes: Vec::new(),
            written: (i64::MIN, 0),
        };
        // The cache is inc's own file in .git, but a link there is still not followed.
        let meta = match fs::symlink_metadata(&cache.path) {
            Ok(meta) if meta.file_type().is_file() && meta.len() <= MAX_BYTES => meta,
            _ => return Some(cache),
        };
        if crate::store::refuse_links(git_dir, &cache.path).is_err() {
            return Some(cache);
        }
        if let Ok(bytes) = read_bounded(&cache.path, MAX_BYTES) {
            cache.bytes = bytes;
            cache.written = (meta.mtime(), meta.mtime_nsec());
        }
        Some(cache)
    }

    /// The entries that can be trusted, by key. A corrupt or foreign file has none.
    pub fn entries(&self) -> Entries<'_> {
        let mut map = HashMap::new();
        if let Some(body) = self.decode() {
            for entry in body.entries {
                let racy = entry
                    .stamps
                    .iter()
                    .flatten()
                    .any(|s| s.mtime >= self.written || s.ctime >= self.written);
                if !racy {
                    map.insert(entry.key, (entry.stamps, entry.value));
                }
            }
        }
        Entries { map }
    }

    fn decode(&self) -> Option<Body<'_>> {
        // Layout: the body (postcard), then its CRC-32, little-endian.
        let split = self.bytes.len().checked_sub(4)?;
        let (body, sum) = self.bytes.split_at(split);
        if crc32fast::hash(body).to_le_bytes() != sum {
            return None;
        }
        let body: Body<'_> = postcard::from_bytes(body).ok()?;
        (body.format == FORMAT).then_some(body)
    }

    /// Rewrites the cache with `fresh` and the trusted entries of `kept` not replaced by them
    /// (the same key). Failing to write costs only a parse next time, so errors are ignored.
    pub fn save(&self, kept: Vec<Kept<'_>>, fresh: &[Fresh]) {
        let mut entries: Vec<Entry<'_>> = fresh
            .iter()
            .map(|f| Entry {
                key: &f.key,
                stamps: f.stamps.clone(),
                value: &f.value,
            })
            .collect();
        let replaced: std::collections::HashSet<&str> =
            fresh.iter().map(|f| f.key.as_str()).collect();
        entries.extend(
            kept.into_iter()
                .filter(|(key, _, _)| !replaced.contains(key))
                .map(|(key, stamps, value)| Entry {
                    key,
                    stamps: stamps.to_vec(),
                    value,
                }),
        );
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

/// An entry carried over from the cache file into the next: key, stamps, value.
pub type Kept<'a> = (&'a str, &'a [Option<Stamp>], &'a [u8]);

/// The trusted entries of a cache file.
pub struct Entries<'a> {
    map: HashMap<&'a str, (Vec<Option<Stamp>>, &'a [u8])>,
}

impl<'a> Entries<'a> {
    /// The value stored for `key` if it was computed from files with exactly these stamps.
    pub fn get(&self, key: &str, stamps: &[Option<Stamp>]) -> Option<&'a [u8]> {
        self.map
            .get(key)
            .filter(|(s, _)| s.as_slice() == stamps)
            .map(|(_, value)| *value)
    }

    /// Every entry, to carry over into the next write.
    pub fn all(&self) -> Vec<Kept<'_>> {
        self.map
            .iter()
            .map(|(k, (s, v))| (*k, s.as_slice(), *v))
            .collect()
    }

    /// Whether the entries with these keys are all there is (nothing to drop).
    pub fn is_exactly(&self, keys: &[&str]) -> bool {
        self.map.len() == keys.len() && keys.iter().all(|k| self.map.contains_key(k))
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

fn read_bounded(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    fs::File::open(path)?
        .take(max + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::other("cache too big"));
    }
    Ok(bytes)
}

/// `compute` for every key, through the cache file `cache`: a key whose files (`paths`) have the
/// stamps of a trusted entry is answered by `decode` from the cache; any other is computed, and
/// its value stored when `encode` gives one (a success). Runs on every core. With `whole`, the
/// keys are everything the cache should hold (entries for others are dropped).
pub fn map<R: Send>(
    cache: Option<&Cache>,
    keys: Vec<String>,
    whole: bool,
    paths: impl Fn(&str) -> Vec<PathBuf> + Sync,
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
    let settled = settled_before();
    let results = super::parallel_map(keys, |key| {
        let stamps = stamps(&paths(&key));
        if let Some(stamps) = &stamps
            && let Some(value) = entries.get(&key, stamps).and_then(&decode)
        {
            return (key, value, None);
        }
        let value = compute(&key);
        let settled = |stamps: &Vec<Option<Stamp>>| {
            stamps
                .iter()
                .flatten()
                .all(|s| s.mtime < settled && s.ctime < settled)
        };
        let fresh = stamps.filter(settled).and_then(|stamps| {
            encode(&value).map(|value| Fresh {
                key: key.clone(),
                stamps,
                value,
            })
        });
        (key, value, Some(fresh))
    });
    let mut fresh = Vec::new();
    let mut missed = false;
    let mut out = Vec::with_capacity(results.len());
    for (key, value, computed) in results {
        // A value not stored (a broken file) does not rewrite the cache on every run.
        if let Some(Some(computed)) = computed {
            missed = true;
            fresh.push(computed);
        }
        out.push((key, value));
    }
    let keys: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
    if missed || (whole && !entries.is_exactly(&keys)) {
        let kept = if whole {
            let wanted: std::collections::HashSet<&str> = keys.iter().copied().collect();
            entries
                .all()
                .into_iter()
                .filter(|(k, _, _)| wanted.contains(k))
                .collect()
        } else {
            entries.all()
        };
        cache.save(kept, &fresh);
    }
    out
}
