//! The maintenance windows on disk: `maintenance_dir/<id>/maintenance.yaml` and its append-only
//! `updates.yaml`, read, created and rewritten the way incidents are (bounded parse, links
//! refused, atomic rewrites, a new window renamed into place whole).

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::files::sweep_temps;
use super::ids::{is_plain_id, match_id};
use super::{Append, Store, header, refuse_links};
use crate::error::Error;
use crate::model::maintenance::{FILE, Maintenance, Update};
use crate::model::{self, LogEntry, schema};

impl Store {
    /// The directory that holds every maintenance window (`maintenance_dir`).
    pub fn maintenance_root(&self) -> &Path {
        &self.maintenance
    }

    /// The directory of the window `id`.
    pub fn maintenance_dir(&self, id: &str) -> PathBuf {
        self.maintenance.join(id)
    }

    /// Every window id, sorted (ids start with the start date, so this is earliest first). No
    /// maintenance directory (a repository from before windows existed) means none.
    pub fn maintenance_ids(&self) -> Result<Vec<String>> {
        self.directories(&self.maintenance)
    }

    /// The window id that `query` names: an exact id, else a unique prefix, else a unique
    /// substring (as for incidents).
    pub fn resolve_maintenance(&self, query: &str) -> Result<String> {
        let query = query.trim();
        if is_plain_id(query) && self.maintenance_dir(query).join(FILE).is_file() {
            return Ok(query.to_string());
        }
        if query.is_empty() {
            return Err(Error::usage(
                "the maintenance id is empty: `inc maintenance list --all` shows every id",
            )
            .into());
        }
        match_id(
            &self.maintenance_ids()?,
            query,
            "maintenance windows",
            "maintenance window",
            "`inc maintenance list --all` shows every id",
        )
    }

    /// A window's maintenance.yaml. Besides what does not parse (with its line and column), a
    /// hand edit that breaks the rules serde cannot see (an end before the start, an empty
    /// title) is refused at the key it is about.
    pub fn load_maintenance(&self, id: &str) -> Result<Maintenance> {
        let path = self.maintenance_dir(id).join(FILE);
        let text = self.read_text(&path)?.ok_or_else(|| {
            anyhow::anyhow!("cannot read {}: it does not exist", self.display(&path))
        })?;
        let window: Maintenance = self.parse_with(&path, &text, model::from_yaml)?;
        if let Some((key, message)) = window.problems().into_iter().next() {
            let (line, column) = model::locate::locate(&text, &[key]);
            return Err(Error::File {
                path: self.relative(&path),
                line,
                column,
                message,
            }
            .into());
        }
        Ok(window)
    }

    /// A window's updates in file order (readers sort by `at`); none before the first.
    pub fn load_updates(&self, id: &str) -> Result<Vec<Update>> {
        let path = self.maintenance_dir(id).join(Update::FILE);
        match self.read_text(&path)? {
            Some(text) => self.parse_with(&path, &text, model::from_yaml_log),
            None => Ok(Vec::new()),
        }
    }

    /// Creates the window `id` with its maintenance.yaml and an empty updates.yaml, built under
    /// a temp name and renamed into place (see `create_incident`). Returns the files written.
    pub fn create_maintenance(&self, id: &str, window: &Maintenance) -> Result<Vec<PathBuf>> {
        let dir = self.maintenance_dir(id);
        let files = vec![
            (dir.join(FILE), self.maintenance_text(window).into_bytes()),
            (
                dir.join(Update::FILE),
                header::<Update>(self.maintenance_depth()).into_bytes(),
            ),
        ];
        self.create_dir(&self.maintenance, id, files)
    }

    /// Rewrites a window's maintenance.yaml atomically.
    pub fn write_maintenance(&self, id: &str, window: &Maintenance) -> Result<PathBuf> {
        let path = self.maintenance_dir(id).join(FILE);
        self.write_file(&path, self.maintenance_text(window).as_bytes())?;
        Ok(path)
    }

    /// Checks an append of `updates` to the window's updates.yaml and gives each an id (see
    /// [`Store::prepare_append`]).
    pub fn prepare_update(
        &self,
        id: &str,
        updates: &mut [Update],
        seed: Option<&str>,
    ) -> Result<Append<'_>> {
        let path = self.maintenance_dir(id).join(Update::FILE);
        let header = header::<Update>(self.maintenance_depth());
        self.prepare_append_to(path, &header, updates, seed)
    }

    /// Removes what a killed `inc maintenance schedule` left in the maintenance directory.
    pub fn sweep_maintenance_temps(&self) {
        if refuse_links(&self.root, &self.maintenance).is_ok() {
            sweep_temps(&self.maintenance);
        }
    }

    fn maintenance_text(&self, window: &Maintenance) -> String {
        format!(
            "{}{}",
            schema::modeline("maintenance", self.maintenance_depth()),
            model::to_yaml(window)
        )
    }

    /// How many directories a window's files are below the root.
    fn maintenance_depth(&self) -> usize {
        self.maintenance
            .strip_prefix(&self.root)
            .map_or(1, |rel| rel.components().count())
            + 1
    }
}
