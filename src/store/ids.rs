//! Incident ids: listing them (through the parse cache when it can) and finding the one a
//! person means from what they typed (an exact id, a unique prefix or a unique substring).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use super::{Cache, INCIDENT_FILE, Store, cache, refuse_links};
use crate::error::Error;

impl Store {
    /// Every incident id, sorted (ids start with the date, so this is oldest first).
    pub fn ids(&self) -> Result<Vec<String>> {
        self.directories(&self.incidents)
    }

    /// [`Store::ids`], through the parse cache (see `cache::listing`).
    pub fn listed_ids(&self) -> Result<Vec<String>> {
        // Links are refused on every run all the same.
        refuse_links(&self.root, &self.incidents)?;
        let git_dir = crate::git::git_dir(&self.root);
        cache::listing(
            Cache::open(&git_dir, "ids").as_ref(),
            &self.incidents,
            || self.ids(),
        )
    }

    /// The names of the directories in `dir`, sorted; none when it does not exist. Neither `dir`
    /// nor a linked directory in it is followed (`inc check` reports them), and names starting
    /// with `.` are not ids.
    pub(crate) fn directories(&self, dir: &Path) -> Result<Vec<String>> {
        refuse_links(&self.root, dir)?;
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot list {}", self.display(dir)));
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
        if is_plain_id(query) && self.incident_dir(query).join(INCIDENT_FILE).is_file() {
            return Ok(query.to_string());
        }
        match_id(
            &self.ids()?,
            query,
            "incidents",
            "incident",
            "`inc list --all` shows every id",
        )
    }
}

/// Whether `query` can be an id as it is (letters, digits and `-`), so it is worth trying as one.
pub(super) fn is_plain_id(query: &str) -> bool {
    !query.is_empty() && query.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The one of `ids` that `query` names: a unique prefix, else a unique substring. `many` and
/// `one` name the things for errors (`incidents`, `incident`); `hint` says where to see the ids.
pub(super) fn match_id(
    ids: &[String],
    query: &str,
    many: &str,
    one: &str,
    hint: &str,
) -> Result<String> {
    for matches in [
        ids.iter()
            .filter(|id| id.starts_with(query))
            .collect::<Vec<_>>(),
        ids.iter().filter(|id| id.contains(query)).collect(),
    ] {
        match matches.as_slice() {
            [] => continue,
            [found] => return Ok((*found).clone()),
            found => {
                let list: Vec<&str> = found.iter().map(|s| s.as_str()).collect();
                return Err(Error::usage(format!(
                    "\"{query}\" matches {} {many}: {}; give more of the id",
                    found.len(),
                    list.join(", ")
                ))
                .into());
            }
        }
    }
    Err(Error::usage(format!("no {one} matches \"{query}\": {hint}")).into())
}
