//! The incident this clone chose with `inc use`: a pointer in `.git/inc/current`, never committed.

use std::fs;
use std::path::PathBuf;

use anyhow::Result;

use super::files::{read_text_shown, refuse_links_shown};
use super::{INCIDENT_FILE, Store, is_incident_name, write_atomic};
use crate::error::Error;

impl Store {
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
