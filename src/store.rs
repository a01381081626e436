//! The incident directories on disk: find the repository, read and write its files, lock it.
//!
//! Rewritten files (incident.yaml) are replaced atomically (temp file, fsync, rename). Logs
//! (timeline.yaml) are only appended to, after checking that the result still parses, so hand
//! edits and comments survive and nothing is written when the file is broken.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::error::Error;
use crate::journal::{Journal, Record};
use crate::model::{self, Config, Incident, LogEntry, TimelineEntry, log, schema};

pub const CONFIG_FILE: &str = ".inc.yaml";
pub const INCIDENT_FILE: &str = "incident.yaml";

/// How long a command waits for another inc command in the same repository to finish.
const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// A repository managed by inc: the directory holding `.inc.yaml`, and its configuration.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    config: Config,
    incidents: PathBuf,
    journal: Journal,
    checked: Checked,
    /// Whether writes are noted in the journal (only when they are going to be committed).
    journaling: AtomicBool,
}

impl Store {
    /// The repository containing `start`: the nearest directory upward with a `.inc.yaml`.
    pub fn find(start: &Path) -> Result<Store> {
        let start = start
            .canonicalize()
            .with_context(|| format!("cannot enter {}", start.display()))?;
        let root = start
            .ancestors()
            .find(|dir| dir.join(CONFIG_FILE).is_file())
            .ok_or_else(|| {
                Error::state(format!(
                    "no inc repository at {} or above (no {CONFIG_FILE}): run `inc init`, or point -C or INC_REPO at one",
                    start.display()
                ))
            })?;
        Store::open(root)
    }

    /// The repository whose `.inc.yaml` is in `root`.
    pub fn open(root: &Path) -> Result<Store> {
        let path = root.join(CONFIG_FILE);
        let text = read_config(&path)?;
        let config: Config = model::from_yaml(Path::new(CONFIG_FILE), &text)?;
        config.validate()?;
        let incidents = root.join(&config.incidents_dir);
        Ok(Store {
            root: root.to_path_buf(),
            config,
            incidents,
            journal: Journal::new(&crate::git::git_dir(root)),
            checked: Checked {
                file: crate::git::git_dir(root).join("inc").join("checked"),
            },
            journaling: AtomicBool::new(false),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// From now on, note every write in the journal before making it (see `journal.rs`).
    pub fn start_journal(&self) {
        self.journaling.store(true, Ordering::Relaxed);
    }

    fn note(&self, record: impl FnOnce() -> Record) -> Result<()> {
        if self.journaling.load(Ordering::Relaxed) {
            self.journal.note(&record())?;
        }
        Ok(())
    }

    fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).unwrap_or(path).to_path_buf()
    }

    /// Replaces a file of the repository atomically, noting it in the journal first.
    pub fn write_file(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        self.note(|| Record::Write {
            path: self.relative(path),
        })?;
        write_atomic(path, bytes)
    }

    pub fn incident_dir(&self, id: &str) -> PathBuf {
        self.incidents.join(id)
    }

    /// A path relative to the repository root, for messages.
    pub fn display<'a>(&self, path: &'a Path) -> std::path::Display<'a> {
        path.strip_prefix(&self.root).unwrap_or(path).display()
    }

    /// Every incident id, sorted (ids start with the date, so this is oldest first).
    pub fn ids(&self) -> Result<Vec<String>> {
        let entries = match fs::read_dir(&self.incidents) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot list {}", self.incidents.display()));
            }
        };
        let mut ids: Vec<String> = entries
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let name = entry.file_name().into_string().ok()?;
                (!name.starts_with('.') && entry.file_type().ok()?.is_dir()).then_some(name)
            })
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// The id that `query` names: an exact id, else a unique prefix, else a unique substring.
    pub fn resolve(&self, query: &str) -> Result<String> {
        // An exact id needs no directory listing (thousands of incidents after a few years).
        let exact =
            !query.is_empty() && query.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if exact && self.incident_dir(query).join(INCIDENT_FILE).is_file() {
            return Ok(query.to_string());
        }
        let ids = self.ids()?;
        for matches in [
            ids.iter()
                .filter(|id| id.starts_with(query))
                .collect::<Vec<_>>(),
            ids.iter().filter(|id| id.contains(query)).collect(),
        ] {
            match matches.as_slice() {
                [] => continue,
                [one] => return Ok((*one).clone()),
                many => {
                    let list: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
                    return Err(Error::usage(format!(
                        "\"{query}\" matches {} incidents: {}; give more of the id",
                        many.len(),
                        list.join(", ")
                    ))
                    .into());
                }
            }
        }
        Err(Error::usage(format!(
            "no incident matches \"{query}\": `inc list --all` shows every id"
        ))
        .into())
    }

    pub fn load_incident(&self, id: &str) -> Result<Incident> {
        let path = self.incident_dir(id).join(INCIDENT_FILE);
        let text = read(&path)?;
        self.parse(&path, &text)
    }

    /// Every incident with its parse result, oldest first. A broken file does not hide the others.
    pub fn load_all(&self) -> Result<Vec<(String, Result<Incident>)>> {
        let ids = self.ids()?;
        Ok(parallel_map(ids, |id| {
            let incident = self.load_incident(&id);
            (id, incident)
        }))
    }

    /// The ids of the open incidents. The `status:` line is read first and only incidents that
    /// look open are parsed (to be sure): with thousands of resolved incidents, finding the one
    /// open one is then a matter of reading a line per file. Broken files are left out.
    pub fn open_ids(&self) -> Result<Vec<String>> {
        let ids = self.ids()?;
        let open = parallel_map(ids, |id| {
            let path = self.incident_dir(&id).join(INCIDENT_FILE);
            let text = fs::read_to_string(&path).ok()?;
            let status = text
                .lines()
                .find_map(|l| l.strip_prefix("status:"))
                .map(|v| v.trim().trim_matches(['"', '\'']));
            if status
                .and_then(crate::model::Status::parse)
                .is_some_and(|s| !s.is_open())
            {
                return None;
            }
            let incident: Incident = self.parse(&path, &text).ok()?;
            incident.status.is_open().then_some(id)
        });
        Ok(open.into_iter().flatten().collect())
    }

    /// An append-only file (timeline, roles, comms) in file order; readers sort by `at`.
    /// A file that does not exist yet has no entries.
    pub fn load_log<E: LogEntry>(&self, id: &str) -> Result<Vec<E>> {
        let path = self.incident_dir(id).join(E::FILE);
        match fs::read_to_string(&path) {
            Ok(text) => self.parse_with(&path, &text, model::from_yaml_log),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// postmortem.md's structure, or `None` before it is written.
    pub fn load_postmortem(&self, id: &str) -> Result<Option<crate::postmortem::Postmortem>> {
        let path = self.incident_dir(id).join(crate::postmortem::FILE);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        self.parse_with(&path, &text, crate::postmortem::parse)
            .map(Some)
    }

    fn parse<T: serde::de::DeserializeOwned>(&self, path: &Path, text: &str) -> Result<T> {
        self.parse_with(path, text, model::from_yaml)
    }

    /// Reads a file's text with `parse`, after refusing one with conflict markers; errors name
    /// the path relative to the repository.
    fn parse_with<T>(
        &self,
        path: &Path,
        text: &str,
        parse: impl FnOnce(&Path, &str) -> Result<T, Error>,
    ) -> Result<T> {
        let shown = path.strip_prefix(&self.root).unwrap_or(path);
        if let Some(line) = model::conflict_marker_line(text) {
            return Err(conflict(shown, line).into());
        }
        Ok(parse(shown, text)?)
    }

    /// Creates a new incident directory with its incident.yaml and an empty timeline.
    pub fn create_incident(&self, id: &str, incident: &Incident) -> Result<Vec<PathBuf>> {
        let dir = self.incident_dir(id);
        fs::create_dir_all(&self.incidents)
            .with_context(|| format!("cannot create {}", self.incidents.display()))?;
        fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let timeline = dir.join(TimelineEntry::FILE);
        self.write_file(&timeline, self.header::<TimelineEntry>().as_bytes())?;
        Ok(vec![self.write_incident(id, incident)?, timeline])
    }

    /// Rewrites incident.yaml atomically.
    pub fn write_incident(&self, id: &str, incident: &Incident) -> Result<PathBuf> {
        let path = self.incident_dir(id).join(INCIDENT_FILE);
        let text = format!(
            "{}{}",
            schema::modeline("incident", self.depth()),
            model::to_yaml(incident)
        );
        self.write_file(&path, text.as_bytes())?;
        Ok(path)
    }

    /// Appends entries to an append-only file, giving each a fresh unique id. `seed` makes ids
    /// reproducible (a pinned clock); without it they are random. Nothing is written if the file
    /// does not parse, holds conflict markers, or would not parse with the new entries.
    pub fn append<E: LogEntry>(
        &self,
        id: &str,
        entries: &mut [E],
        seed: Option<&str>,
    ) -> Result<PathBuf> {
        self.prepare_append(id, entries, seed)?.write()
    }

    /// Everything [`Store::append`] does except writing: checks the file and assigns ids. Commands
    /// that append to two files prepare both first, so bad input in either writes nothing.
    pub fn prepare_append<E: LogEntry>(
        &self,
        id: &str,
        entries: &mut [E],
        seed: Option<&str>,
    ) -> Result<Append<'_>> {
        let path = self.incident_dir(id).join(E::FILE);
        let shown = path.strip_prefix(&self.root).unwrap_or(&path).to_path_buf();
        let before = fs::metadata(&path).ok();
        let existing = match fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let header = self.header::<E>();
        let old = existing.as_deref().unwrap_or(&header);
        if let Some(line) = model::conflict_marker_line(old) {
            return Err(conflict(&shown, line).into());
        }

        let mut taken: Vec<String> = Vec::new();
        for entry in entries.iter_mut() {
            let fingerprint = seed.map(|s| (s, entry.fingerprint()));
            let fresh = (0..)
                .map(|attempt| log::new_id(fingerprint.as_ref(), attempt))
                .find(|candidate| !log::holds_id(old, candidate) && !taken.contains(candidate))
                .expect("ids run out only after billions of attempts");
            taken.push(fresh.clone());
            entry.set_id(fresh);
        }

        let separator = if old.is_empty() || old.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        let mut addition = format!("{separator}{}", model::to_yaml(&entries));
        if old.contains("\r\n") {
            // A file edited on Windows keeps its line endings.
            addition = addition.replace('\n', "\r\n");
        }
        // A log that inc itself left as it is now is known to take an append; anything else
        // (hand edits, a merge, a checkout) is parsed whole, with the new entries, first.
        let known = before.is_some_and(|meta| self.checked.is_known(&shown, &meta));
        let parsed = if known {
            Ok(Vec::new())
        } else {
            model::from_yaml::<Vec<E>>(&shown, &format!("{old}{addition}"))
        };
        if let Err(err) = parsed {
            let old_lines = old.lines().count() as u64;
            return Err(match err {
                Error::File { line, .. } if line > old_lines => Error::File {
                    path: shown,
                    line: old_lines.max(1),
                    column: 1,
                    message: "the file does not end in a YAML list that entries can be appended to; fix it by hand (each entry starts with \"- id:\")".into(),
                },
                other => other,
            }
            .into());
        }

        Ok(match existing {
            Some(_) => Append {
                store: self,
                path,
                bytes: addition.into_bytes(),
                create: false,
            },
            None => Append {
                store: self,
                path,
                bytes: format!("{old}{addition}").into_bytes(),
                create: true,
            },
        })
    }

    /// How many directories an incident's files are below the root.
    fn depth(&self) -> usize {
        Path::new(&self.config.incidents_dir).components().count() + 1
    }

    /// The first lines of a new log file: the schema line for editors, then what the file is.
    fn header<E: LogEntry>(&self) -> String {
        format!("{}{}", schema::modeline(E::SCHEMA, self.depth()), E::HEADER)
    }

    /// Writes the JSON Schemas into `.inc/schemas/` where they are missing or out of date, so the
    /// schema lines in the files work offline. Returns the files it wrote.
    pub fn write_schemas(&self) -> Result<Vec<PathBuf>> {
        write_schemas(&self.root, |path, bytes| self.write_file(path, bytes))
    }

    /// Holds the repository's inc lock until dropped, so concurrent commands run one at a time.
    pub fn lock(&self) -> Result<Lock> {
        let dir = crate::git::git_dir(&self.root);
        let path = dir.join("inc.lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Lock { _file: file }),
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_TIMEOUT => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(Error::state(format!(
                        "another inc command has held {} for {}s: wait for it to finish, then run yours again",
                        path.display(),
                        LOCK_TIMEOUT.as_secs()
                    ))
                    .into());
                }
                Err(fs::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
        }
    }

    /// The incident chosen with `inc use`, if it still exists. Kept in `.git/inc/current`: it is
    /// this clone's choice, not something to commit.
    pub fn current(&self) -> Option<String> {
        let id = fs::read_to_string(self.current_file()).ok()?;
        let id = id.trim();
        self.incident_dir(id)
            .join(INCIDENT_FILE)
            .is_file()
            .then(|| id.to_string())
    }

    pub fn set_current(&self, id: Option<&str>) -> Result<()> {
        let path = self.current_file();
        match id {
            Some(id) => {
                fs::create_dir_all(path.parent().expect("inside .git"))?;
                write_atomic(&path, format!("{id}\n").as_bytes())
            }
            None => match fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
                _ => Ok(()),
            },
        }
    }

    fn current_file(&self) -> PathBuf {
        crate::git::git_dir(&self.root).join("inc").join("current")
    }
}

/// An append checked by [`Store::prepare_append`], ready to write.
#[must_use]
pub struct Append<'a> {
    store: &'a Store,
    path: PathBuf,
    bytes: Vec<u8>,
    create: bool,
}

impl Append<'_> {
    /// Writes the entries: appended to the file, or a new file written atomically.
    pub fn write(self) -> Result<PathBuf> {
        if self.create {
            self.store.write_file(&self.path, &self.bytes)?;
        } else {
            let len = fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
            self.store.note(|| Record::Append {
                path: self.store.relative(&self.path),
                len,
                end: len + self.bytes.len() as u64,
            })?;
            append(&self.path, &self.bytes)?;
        }
        if let Ok(meta) = fs::metadata(&self.path) {
            self.store
                .checked
                .remember(&self.store.relative(&self.path), &meta);
        }
        Ok(self.path)
    }
}

/// Logs known to parse, by the stat data they had when inc last checked and wrote them
/// (`.git/inc/checked`). An append to a long logbook that nobody else touched since then does
/// not parse it all again: `inc log` then costs the same at 10 entries as at 10,000.
#[derive(Debug)]
struct Checked {
    file: PathBuf,
}

/// How many logs the cache remembers (the ones in use during an outage).
const CHECKED_KEEP: usize = 64;

impl Checked {
    fn stamp(meta: &fs::Metadata) -> String {
        use std::os::unix::fs::MetadataExt;
        format!(
            "{} {} {}.{:09}",
            meta.ino(),
            meta.len(),
            meta.mtime(),
            meta.mtime_nsec()
        )
    }

    fn is_known(&self, rel: &Path, meta: &fs::Metadata) -> bool {
        let Ok(text) = fs::read_to_string(&self.file) else {
            return false;
        };
        let line = format!("{} {}", Self::stamp(meta), rel.display());
        text.lines().any(|l| l == line)
    }

    /// Records that `rel`, as it is now, parses. Failing to record only costs a parse later.
    fn remember(&self, rel: &Path, meta: &fs::Metadata) {
        let rel = rel.display().to_string();
        let old = fs::read_to_string(&self.file).unwrap_or_default();
        let mut text = format!("{} {rel}\n", Self::stamp(meta));
        for line in old
            .lines()
            .filter(|l| l.splitn(4, ' ').nth(3) != Some(rel.as_str()))
            .take(CHECKED_KEEP - 1)
        {
            text.push_str(line);
            text.push('\n');
        }
        let _ = fs::create_dir_all(self.file.parent().expect("inside .git"));
        let _ = fs::write(&self.file, text);
    }
}

/// `f` over `items` on every core, results in the order of `items`. Reading thousands of small
/// files is parse-bound, and an incident's files are independent of every other's.
pub fn parallel_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads == 1 || items.len() < 64 {
        return items.into_iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let mut chunks: Vec<Vec<T>> = Vec::new();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        chunks.push(items.by_ref().take(chunk).collect());
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker thread panicked"))
            .collect()
    })
}

/// The lock guard returned by [`Store::lock`].
pub struct Lock {
    _file: File,
}

/// The most `.inc.yaml` may hold. Every command reads it first, so an oversized one would cost
/// every command; a real one is a few kilobytes.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// `.inc.yaml`'s text, refused after [`MAX_CONFIG_BYTES`] (it is not read further).
fn read_config(path: &Path) -> Result<String> {
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|file| {
            std::io::Read::read_to_end(
                &mut std::io::Read::take(file, MAX_CONFIG_BYTES + 1),
                &mut bytes,
            )
        })
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
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
    String::from_utf8(bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        .with_context(|| format!("cannot read {}", path.display()))
}

fn conflict(path: &Path, line: u64) -> Error {
    Error::File {
        path: path.to_path_buf(),
        line,
        column: 1,
        message:
            "unresolved git conflict marker: resolve the conflict by hand, then run `inc check`"
                .into(),
    }
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// [`Store::write_schemas`] for a repository root (also used by `inc init` before a store exists).
pub fn write_schemas(
    root: &Path,
    write: impl Fn(&Path, &[u8]) -> Result<()>,
) -> Result<Vec<PathBuf>> {
    let dir = root.join(schema::REPO_DIR);
    let mut written = Vec::new();
    for name in schema::NAMES {
        let path = dir.join(schema::file_name(name));
        let text = schema::json(name).expect("known schema");
        if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            write(&path, text.as_bytes())?;
            written.push(path);
        }
    }
    Ok(written)
}

/// Replaces `path` with `bytes` atomically: a temp file in the same directory, fsync, rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().expect("files live in a directory");
    let mut temp = tempfile::Builder::new()
        .prefix(".inc-")
        .permissions(permissions_for(path))
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    temp.write_all(bytes)?;
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
fn append(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = OpenOptions::new()
        .append(true)
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
    let Ok(meta) = fs::metadata(path) else {
        return Ok(false);
    };
    if !(len < meta.len() && meta.len() < end) {
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
        .open(path)
        .with_context(|| format!("cannot repair {}", path.display()))?;
    file.set_len(len)?;
    file.sync_all()?;
    Ok(true)
}
