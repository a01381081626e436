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

mod append;
mod attachments;
mod cache;
mod catalog;
mod checked;
mod compact;
mod current;
mod delivery;
mod files;
mod ids;
pub mod layout;
mod loaded;
mod lock;
mod maintenance;
mod owned;
mod parallel;
mod resolved;
pub mod runbooks;
mod sent;
mod severities;
mod short_id;
mod snapshot;
mod sync;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};

use crate::error::Error;
use crate::journal::{Journal, Record};
use crate::model::{self, Config, Incident, LogEntry, TimelineEntry, schema};

pub use append::Append;
pub use attachments::{
    AttachmentType, attachment_name, attachment_note, attachment_type, is_attachment_name,
};
pub use cache::{Cache, map as cache_map};
pub use catalog::service_position;
use checked::Checked;
pub use files::{
    MAX_CONFIG_BYTES, read_text, refuse_links, undo_torn_append, write_atomic, write_atomic_with,
};
use files::{TEMP_PREFIX, build_dir, check_config_size, link_error, sweep_temps, sync_dir};
pub use layout::ATTACHMENTS_DIR;
pub use loaded::Loaded;
pub use lock::Lock;
pub use parallel::parallel_map;
pub use short_id::short_ids;
pub use snapshot::{Changed, Snapshot};

pub use layout::{CONFIG_FILE, INCIDENT_FILE};
/// A repository managed by inc: the directory holding `.inc.yaml`, and its configuration.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    config: Config,
    incidents: PathBuf,
    /// Where maintenance windows live (`maintenance_dir`).
    maintenance: PathBuf,
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
        let at_position = |(line, column), message| Error::File {
            path: PathBuf::from(CONFIG_FILE),
            line,
            column,
            message,
        };
        if let Some(message) = model::config::incidents_dir_problem(&config.incidents_dir) {
            return Err(at_position(value_position(&text, "incidents_dir"), message).into());
        }
        if let Some(message) = config.maintenance_dir_problem() {
            return Err(at_position(value_position(&text, "maintenance_dir"), message).into());
        }
        let problems = [
            config.severity_definitions_problem(),
            config.webhooks_problem(),
            config.hooks_problem(),
            config.public_problem(),
            config.cadence_problem(),
        ];
        if let Some((at, message)) = problems.into_iter().flatten().next() {
            let at: Vec<&str> = at.iter().map(String::as_str).collect();
            return Err(at_position(crate::model::locate::locate(&text, &at), message).into());
        }
        config.validate()?;
        let incidents = root.join(&config.incidents_dir);
        let maintenance = root.join(config.maintenance_dir());
        Ok(Store {
            root: root.to_path_buf(),
            config,
            incidents,
            maintenance,
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

    pub fn incident_dir(&self, id: &str) -> PathBuf {
        self.incidents.join(id)
    }

    /// Where each incident's `file` is, for the parse cache: `incident_dir(id).join(file)`.
    pub fn incident_files<'a>(&'a self, names: &'a [&'a str]) -> cache::Files<'a> {
        cache::Files {
            dir: &self.incidents,
            names,
        }
    }

    /// A path relative to the repository root, for messages.
    pub fn display<'a>(&self, path: &'a Path) -> std::path::Display<'a> {
        path.strip_prefix(&self.root).unwrap_or(path).display()
    }

    pub fn load_incident(&self, id: &str) -> Result<Incident> {
        let path = self.incident_dir(id).join(INCIDENT_FILE);
        let text = self.read_text(&path)?.ok_or_else(|| {
            anyhow::anyhow!("cannot read {}: it does not exist", self.display(&path))
        })?;
        self.parse(&path, &text)
    }

    /// Every incident with its parse result, oldest first. A broken file does not hide the others.
    /// Parsed incidents come from the parse cache when their file did not change (`cache.rs`).
    pub fn load_all(&self) -> Result<Vec<(String, Result<Incident>)>> {
        let ids = self.listed_ids()?;
        let cache = Cache::open(&crate::git::git_dir(&self.root), "incidents");
        Ok(cache_map(
            cache.as_ref(),
            ids,
            true,
            self.incident_files(&[INCIDENT_FILE]),
            |id| self.load_incident(id),
            |loaded| compact::encode(loaded.as_ref().ok()?),
            |bytes| compact::decode(bytes).map(Ok),
        ))
    }

    /// The Improvements of each incident's post-mortem, `None` before it is written; through the
    /// parse cache, as [`Store::load_all`] (which does not keep `end_line`: read the post-mortem
    /// itself to rewrite it).
    pub fn load_improvements(
        &self,
        ids: Vec<String>,
    ) -> Vec<(
        String,
        Result<Option<Vec<crate::model::postmortem::Improvement>>>,
    )> {
        let cache = Cache::open(&crate::git::git_dir(&self.root), "improvements");
        cache_map(
            cache.as_ref(),
            ids,
            false,
            self.incident_files(&[crate::store::layout::POSTMORTEM_FILE]),
            |id| Ok(self.load_postmortem(id)?.map(|pm| pm.improvements)),
            |loaded| compact::encode_improvements(loaded.as_ref().ok()?),
            |bytes| compact::decode_improvements(bytes).map(Ok),
        )
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
    pub fn load_postmortem(
        &self,
        id: &str,
    ) -> Result<Option<crate::model::postmortem::Postmortem>> {
        let path = self
            .incident_dir(id)
            .join(crate::store::layout::POSTMORTEM_FILE);
        let Some(text) = self.read_text(&path)? else {
            return Ok(None);
        };
        self.parse_with(&path, &text, crate::model::postmortem::parse)
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
        self.create_dir(&self.incidents, id, files)
    }

    /// Creates the directory `id` in `parent` holding `files` (paths in it, with their bytes):
    /// built under a temp name and renamed into place whole.
    fn create_dir(
        &self,
        parent: &Path,
        id: &str,
        files: Vec<(PathBuf, Vec<u8>)>,
    ) -> Result<Vec<PathBuf>> {
        let dir = parent.join(id);
        refuse_links(&self.root, &dir)?;
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        for (path, _) in &files {
            self.note(|| Record::Write {
                path: self.relative(path),
            })?;
        }
        let temp = parent.join(format!("{TEMP_PREFIX}new-{id}-{}", std::process::id()));
        // A directory of that name is a leftover of an earlier process with the same pid.
        let _ = fs::remove_dir_all(&temp);
        let built = build_dir(&temp, &files).and_then(|()| {
            fs::rename(&temp, &dir).with_context(|| format!("cannot create {}", dir.display()))
        });
        if let Err(err) = built {
            let _ = fs::remove_dir_all(&temp);
            return Err(err);
        }
        sync_dir(parent)?;
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

    /// How many directories an incident's files are below the root.
    fn depth(&self) -> usize {
        Path::new(&self.config.incidents_dir).components().count() + 1
    }

    /// The first lines of a new log file: the schema line for editors, then what the file is.
    fn header<E: LogEntry>(&self) -> String {
        header::<E>(self.depth())
    }

    /// Writes the JSON Schemas into `.inc/schemas/` where they are missing or out of date, so the
    /// schema lines in the files work offline. Returns the files it wrote.
    pub fn write_schemas(&self) -> Result<Vec<PathBuf>> {
        write_schemas(&self.root, |path, bytes| self.write_file(path, bytes))
    }
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

/// The first lines of a new log file `depth` directories below the root.
fn header<E: LogEntry>(depth: usize) -> String {
    format!("{}{}", schema::modeline(E::SCHEMA, depth), E::HEADER)
}

/// Whether `text` can be an incident id: the name of a directory directly in the incidents
/// directory that [`Store::ids`] would list. Anything else (`..`, a path with `/`) would point
/// outside the incidents directory.
pub(crate) fn is_incident_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 255
        && !text.starts_with('.')
        && !text.contains(['/', '\\'])
        && !text.chars().any(char::is_control)
}

/// Line and column of a top-level key's value in a YAML text, for errors about it.
fn value_position(text: &str, key: &str) -> (u64, u64) {
    let (line, column) = crate::model::locate::locate(text, &[key]);
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
