//! The incident directories on disk: find the repository, read and write its files, lock it.
//!
//! Rewritten files (incident.yaml) are replaced atomically (temp file, fsync, rename). Logs
//! (timeline.yaml) are only appended to, after checking that the result still parses, so hand
//! edits and comments survive and nothing is written when the file is broken. A new incident is
//! built under a temporary name and renamed into place whole.
//!
//! A cloned repository is not trusted: every read and write of its files goes through
//! [`read_text`] or the writers here, which refuse symbolic links anywhere between the repository
//! root and the file, so a link cannot make inc publish a file from outside the repository or
//! write to one.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path, PathBuf};
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

/// Temp files and directories inc writes before renaming them into place start with this.
const TEMP_PREFIX: &str = ".inc-";

/// A temp file this old was left by a command that was killed: no command takes a minute between
/// creating its temp file and renaming it.
const STALE_TEMP: Duration = Duration::from_secs(60);

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
        check_config_size(&path)?;
        let text = read_text(root, &path)?
            .ok_or_else(|| anyhow::anyhow!("cannot read {}: it does not exist", path.display()))?;
        let config: Config = model::from_yaml(Path::new(CONFIG_FILE), &text)?;
        if let Some(message) = model::config::incidents_dir_problem(&config.incidents_dir) {
            let (line, column) = value_position(&text, "incidents_dir");
            return Err(Error::File {
                path: PathBuf::from(CONFIG_FILE),
                line,
                column,
                message,
            }
            .into());
        }
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

    /// Replaces a file of the repository atomically, noting it in the journal first. Refuses a
    /// symbolic link on the way to it; clears the temp files a killed command left beside it.
    pub fn write_file(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        refuse_links(&self.root, path)?;
        self.note(|| Record::Write {
            path: self.relative(path),
        })?;
        sweep_temps(path.parent().expect("files live in a directory"));
        write_atomic(path, bytes)
    }

    /// A file of the repository as text, `None` if it does not exist (see [`read_text`]).
    pub fn read_text(&self, path: &Path) -> Result<Option<String>> {
        read_text(&self.root, path)
    }

    /// Removes the temp files and half-made incident directories that killed commands left in
    /// the incidents directory. Run under the lock by every command that writes.
    pub fn sweep_temps(&self) {
        if refuse_links(&self.root, &self.incidents).is_ok() {
            sweep_temps(&self.incidents);
        }
    }

    /// Removes the stale temp files in the directory of `path`, a file of the repository that
    /// an interrupted command was writing.
    pub fn sweep_temps_beside(&self, path: &Path) {
        let dir = path.parent().expect("files live in a directory");
        if dir.starts_with(&self.root) && refuse_links(&self.root, dir).is_ok() {
            sweep_temps(dir);
        }
    }

    /// Symbolic links where incidents are kept, each with the error that names it: the incidents
    /// directory itself (or a directory above it), else links among the incident directories,
    /// which are not incidents. For `inc check`.
    pub fn links(&self) -> Vec<(PathBuf, Error)> {
        if let Err(err) = refuse_links(&self.root, &self.incidents) {
            return vec![(self.relative(&self.incidents), err)];
        }
        let Ok(entries) = fs::read_dir(&self.incidents) else {
            return Vec::new();
        };
        let mut links: Vec<(PathBuf, Error)> = entries
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let hidden = entry.file_name().to_string_lossy().starts_with('.');
                (!hidden && entry.file_type().ok()?.is_symlink())
                    .then(|| link_error(&self.root, &entry.path()))
                    .map(|err| (self.relative(&entry.path()), err))
            })
            .collect();
        links.sort_by(|a, b| a.0.cmp(&b.0));
        links
    }

    /// Whether `rel` (a slash-separated path from the repository root) is one of inc's files:
    /// what `inc sync` may commit on its own. Anything else, even inside an incident's directory
    /// (an `.env`, a core dump, an editor's swap file), is the user's to commit or not. This is
    /// the one place that decides; files inc creates in the future (attachments) belong here.
    pub fn is_inc_file(&self, rel: &str) -> bool {
        if rel == CONFIG_FILE || rel == ".gitattributes" {
            return true;
        }
        if let Some(name) = rel
            .strip_prefix(schema::REPO_DIR)
            .and_then(|r| r.strip_prefix('/'))
        {
            return schema::NAMES.iter().any(|n| schema::file_name(n) == name);
        }
        if let Some(name) = rel
            .strip_prefix(crate::report::REPO_TEMPLATES)
            .and_then(|r| r.strip_prefix('/'))
        {
            return !name.contains('/')
                && !name.starts_with('.')
                && (name.ends_with(".md") || name.ends_with(".html"));
        }
        let Some((id, file)) = rel
            .strip_prefix(self.config.incidents_dir.as_str())
            .and_then(|r| r.strip_prefix('/'))
            .and_then(|r| r.split_once('/'))
        else {
            return false;
        };
        !id.is_empty()
            && !id.starts_with('.')
            && [
                INCIDENT_FILE,
                TimelineEntry::FILE,
                model::RoleEvent::FILE,
                model::CommsEntry::FILE,
                crate::postmortem::FILE,
            ]
            .contains(&file)
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
        refuse_links(&self.root, &self.incidents)?;
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
        let text = self.read_text(&path)?.ok_or_else(|| {
            anyhow::anyhow!("cannot read {}: it does not exist", self.display(&path))
        })?;
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

    /// The ids of the open incidents. Broken files are left out (see [`Store::open_or_broken`]).
    pub fn open_ids(&self) -> Result<Vec<String>> {
        Ok(self.open_or_broken()?.0)
    }

    /// The ids of the open incidents, and why each incident whose status cannot be established
    /// could not be read. The `status:` line is read first and only incidents that look open are
    /// parsed (to be sure): with thousands of resolved incidents, finding the one open one is
    /// then a matter of reading a line per file. A broken file whose status line says resolved
    /// or closed is not open, whatever else is wrong with it.
    pub fn open_or_broken(&self) -> Result<(Vec<String>, Vec<anyhow::Error>)> {
        let ids = self.ids()?;
        let found = parallel_map(ids, |id| -> Result<Option<String>> {
            let path = self.incident_dir(&id).join(INCIDENT_FILE);
            let text = self.read_text(&path)?.ok_or_else(|| {
                anyhow::anyhow!("cannot read {}: it does not exist", self.display(&path))
            })?;
            let status = text
                .lines()
                .find_map(|l| l.strip_prefix("status:"))
                .map(|v| v.trim().trim_matches(['"', '\'']));
            if status
                .and_then(crate::model::Status::parse)
                .is_some_and(|s| !s.is_open())
            {
                return Ok(None);
            }
            let incident: Incident = self.parse(&path, &text)?;
            Ok(incident.status.is_open().then_some(id))
        });
        let mut open = Vec::new();
        let mut broken = Vec::new();
        for result in found {
            match result {
                Ok(Some(id)) => open.push(id),
                Ok(None) => {}
                Err(err) => broken.push(err),
            }
        }
        Ok((open, broken))
    }

    /// An append-only file (timeline, roles, comms) in file order; readers sort by `at`.
    /// A file that does not exist yet has no entries.
    pub fn load_log<E: LogEntry>(&self, id: &str) -> Result<Vec<E>> {
        let path = self.incident_dir(id).join(E::FILE);
        match self.read_text(&path)? {
            Some(text) => self.parse_with(&path, &text, model::from_yaml_log),
            None => Ok(Vec::new()),
        }
    }

    /// postmortem.md's structure, or `None` before it is written.
    pub fn load_postmortem(&self, id: &str) -> Result<Option<crate::postmortem::Postmortem>> {
        let path = self.incident_dir(id).join(crate::postmortem::FILE);
        let Some(text) = self.read_text(&path)? else {
            return Ok(None);
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

    /// Creates a new incident directory with its incident.yaml and `logs` (appends prepared
    /// for the new incident; an empty timeline when there is none). The directory is built
    /// under a temp name and renamed into place, so a killed `inc open` leaves either a whole
    /// incident or a temp directory that later commands ignore and sweep.
    pub fn create_incident(
        &self,
        id: &str,
        incident: &Incident,
        logs: Vec<Append<'_>>,
    ) -> Result<Vec<PathBuf>> {
        let dir = self.incident_dir(id);
        let mut files = vec![(
            dir.join(INCIDENT_FILE),
            self.incident_text(incident).into_bytes(),
        )];
        let timeline = dir.join(TimelineEntry::FILE);
        if !logs.iter().any(|log| log.path == timeline) {
            files.push((timeline, self.header::<TimelineEntry>().into_bytes()));
        }
        for log in logs {
            assert!(log.create, "a new incident's logs are new files");
            files.push((log.path, log.bytes));
        }

        refuse_links(&self.root, &dir)?;
        fs::create_dir_all(&self.incidents)
            .with_context(|| format!("cannot create {}", self.incidents.display()))?;
        for (path, _) in &files {
            self.note(|| Record::Write {
                path: self.relative(path),
            })?;
        }
        let temp = self
            .incidents
            .join(format!("{TEMP_PREFIX}new-{id}-{}", std::process::id()));
        // A directory of that name is a leftover of an earlier process with the same pid.
        let _ = fs::remove_dir_all(&temp);
        let built = build_dir(&temp, &files).and_then(|()| {
            fs::rename(&temp, &dir).with_context(|| format!("cannot create {}", dir.display()))
        });
        if let Err(err) = built {
            let _ = fs::remove_dir_all(&temp);
            return Err(err);
        }
        sync_dir(&self.incidents)?;
        for (path, _) in &files {
            if let Ok(meta) = fs::symlink_metadata(path) {
                self.checked.remember(&self.relative(path), &meta);
            }
        }
        Ok(files.into_iter().map(|(path, _)| path).collect())
    }

    /// Rewrites incident.yaml atomically.
    pub fn write_incident(&self, id: &str, incident: &Incident) -> Result<PathBuf> {
        let path = self.incident_dir(id).join(INCIDENT_FILE);
        self.write_file(&path, self.incident_text(incident).as_bytes())?;
        Ok(path)
    }

    fn incident_text(&self, incident: &Incident) -> String {
        format!(
            "{}{}",
            schema::modeline("incident", self.depth()),
            model::to_yaml(incident)
        )
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
        let before = fs::symlink_metadata(&path).ok();
        let existing = self.read_text(&path)?;
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
    /// this clone's choice, not something to commit. A pointer that is not a plain id (a hand
    /// edit naming a path) is refused rather than followed out of the incidents directory.
    pub fn current(&self) -> Result<Option<String>> {
        let path = self.current_file();
        let git_dir = crate::git::git_dir(&self.root);
        let Some(text) = read_text_shown(&git_dir, &path, &self.root)? else {
            return Ok(None);
        };
        let id = text.trim();
        if id.is_empty() {
            return Ok(None);
        }
        if !is_incident_name(id) {
            let shown: String = id.chars().take(60).collect();
            return Err(Error::File {
                path: self.relative(&path),
                line: 1,
                column: 1,
                message: format!(
                    "{shown:?} is not an incident id: choose the incident again with `inc use ID` (or forget it with `inc use --clear`)"
                ),
            }
            .into());
        }
        Ok(self
            .incident_dir(id)
            .join(INCIDENT_FILE)
            .is_file()
            .then(|| id.to_string()))
    }

    pub fn set_current(&self, id: Option<&str>) -> Result<()> {
        let path = self.current_file();
        refuse_links_shown(&crate::git::git_dir(&self.root), &path, &self.root)?;
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
            refuse_links(&self.store.root, &self.path)?;
            let len = fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
            self.store.note(|| Record::Append {
                path: self.store.relative(&self.path),
                len,
                end: len + self.bytes.len() as u64,
            })?;
            // A temp file beside the log is a killed rewrite's leftover (one small directory).
            sweep_temps(self.path.parent().expect("files live in a directory"));
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

/// Refuses a `.inc.yaml` larger than [`MAX_CONFIG_BYTES`] before reading it.
fn check_config_size(path: &Path) -> Result<()> {
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

/// Whether `text` can be an incident id: the name of a directory directly in the incidents
/// directory that [`Store::ids`] would list. Anything else (`..`, a path with `/`) would point
/// outside the incidents directory.
fn is_incident_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 255
        && !text.starts_with('.')
        && !text.contains(['/', '\\'])
        && !text.chars().any(char::is_control)
}

/// A file of the repository at `root` as text, `None` if it does not exist. Refuses a symbolic
/// link at the file or at any directory between `root` and it (naming the link), and anything
/// that is not a regular file (a FIFO would block inc forever).
pub fn read_text(root: &Path, path: &Path) -> Result<Option<String>> {
    read_text_shown(root, path, root)
}

/// [`read_text`] for a file below `base` (links are looked for from there), named in messages
/// relative to `shown_from`.
fn read_text_shown(base: &Path, path: &Path, shown_from: &Path) -> Result<Option<String>> {
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

fn refuse_links_shown(base: &Path, path: &Path, shown_from: &Path) -> Result<(), Error> {
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
fn link_error(root: &Path, link: &Path) -> Error {
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
fn sweep_temps(dir: &Path) {
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
fn build_dir(dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
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
fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot sync {}", dir.display()))
}

/// Line and column of a top-level key's value in a YAML text, for errors about it.
fn value_position(text: &str, key: &str) -> (u64, u64) {
    let (line, column) = crate::check::locate(text, &[key]);
    let value = text
        .lines()
        .nth(line as usize - 1)
        .and_then(|l| {
            let after = l.get(column as usize - 1 + key.len() + 1..)?;
            Some(l.len() - after.trim_start().len())
        })
        .map_or(column, |offset| offset as u64 + 1);
    (line, value)
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
        if read_text(root, &path).ok().flatten().as_deref() != Some(text.as_str()) {
            refuse_links(root, &path)?;
            fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            write(&path, text.as_bytes())?;
            written.push(path);
        }
    }
    Ok(written)
}

/// Replaces `path` with `bytes` atomically: a temp file in the same directory, fsync, rename.
/// A symbolic link at `path` is refused: the rename would replace the link, not what it names.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().expect("files live in a directory");
    refuse_links(dir, path)?;
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
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
