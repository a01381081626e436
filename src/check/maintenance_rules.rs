//! The rules about maintenance windows (`maintenance_dir/ID/`): maintenance.yaml parses, ends
//! after it starts, keeps its title and summary within their bounds and names only services the
//! catalog knows; updates.yaml parses, with each id once and no version a merge kept twice. A
//! repository-level check, like the runbooks': windows are not incidents.

use std::collections::HashMap;
use std::path::Path;

use super::{Level, Problem};
use crate::error::Error;
use crate::model::catalog::Catalog;
use crate::model::locate::{item_id, locate, locate_in_item, locate_item, locate_list_item};
use crate::model::maintenance::{FILE, Maintenance, Update};
use crate::model::{self, LogEntry};
use crate::store::{Store, refuse_links};

/// Problems in every maintenance window; none without a maintenance directory.
pub fn maintenance(store: &Store) -> Vec<Problem> {
    let shown_root = store.config().maintenance_dir();
    let root = store.maintenance_root();
    let link = |shown: String, err: Error| Problem {
        file: shown,
        line: 1,
        column: 1,
        level: Level::Error,
        rule: "symlink",
        message: err.to_string(),
    };
    if let Err(err) = refuse_links(store.root(), root) {
        return vec![link(shown_root, err)];
    }
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut dirs: Vec<(String, bool)> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok()?;
            let kind = entry.file_type().ok()?;
            (!name.starts_with('.') && (kind.is_dir() || kind.is_symlink()))
                .then_some((name, kind.is_symlink()))
        })
        .collect();
    dirs.sort();
    // A broken catalog is reported by its own rule; here it only means no service is checked.
    let catalog = store.catalog().ok().flatten();
    let mut problems = Vec::new();
    for (id, is_link) in dirs {
        let shown = format!("{shown_root}/{id}");
        if is_link {
            if let Err(err) = refuse_links(store.root(), &root.join(&id)) {
                problems.push(link(shown, err));
            }
            continue;
        }
        let mut window = Window {
            store,
            id: &id,
            shown: &shown,
            problems: &mut problems,
        };
        window.maintenance(catalog.as_ref());
        window.updates();
    }
    problems
}

/// One window being checked.
struct Window<'a> {
    store: &'a Store,
    id: &'a str,
    /// Its directory, relative to the root with `/`.
    shown: &'a str,
    problems: &'a mut Vec<Problem>,
}

impl Window<'_> {
    fn push(
        &mut self,
        file: &str,
        (line, column): (u64, u64),
        level: Level,
        rule: &'static str,
        message: String,
    ) {
        self.problems.push(Problem {
            file: format!("{}/{file}", self.shown),
            line,
            column,
            level,
            rule,
            message,
        });
    }

    /// A file of the window as text (`None`: missing), with conflict markers and links reported;
    /// `Err` when it cannot be judged further.
    fn read(&mut self, name: &str) -> Result<Option<String>, ()> {
        let path = self.store.maintenance_dir(self.id).join(name);
        if let Err(err) = refuse_links(self.store.root(), &path) {
            self.push(name, (1, 1), Level::Error, "symlink", err.to_string());
            return Err(());
        }
        let text = match self.store.read_text(&path) {
            Ok(text) => text,
            Err(err) => {
                let (at, message) = super::error_position(&err);
                self.push(name, at, Level::Error, "unreadable", message);
                return Err(());
            }
        };
        if let Some(line) = text.as_deref().and_then(model::conflict_marker_line) {
            self.push(
                name,
                (line, 1),
                Level::Error,
                "conflict-marker",
                "git conflict marker left in the file: resolve the conflict".into(),
            );
            return Err(());
        }
        Ok(text)
    }

    /// `parse`'s error as a problem at its position.
    fn parse_error(&mut self, name: &str, err: Error) {
        match err {
            Error::File {
                line,
                column,
                message,
                ..
            } => self.push(name, (line, column), Level::Error, "parse", message),
            other => self.push(name, (1, 1), Level::Error, "parse", other.to_string()),
        }
    }

    fn maintenance(&mut self, catalog: Option<&Catalog>) {
        let text = match self.read(FILE) {
            Ok(Some(text)) => text,
            Ok(None) => {
                let message = format!(
                    "cannot read {FILE}: it does not exist; a maintenance window's directory holds its {FILE} (or remove the directory)"
                );
                self.push(FILE, (1, 1), Level::Error, "unreadable", message);
                return;
            }
            Err(()) => return,
        };
        let window: Maintenance = match model::from_yaml(Path::new(FILE), &text) {
            Ok(window) => window,
            Err(err) => return self.parse_error(FILE, err),
        };
        for (key, message) in window.problems() {
            self.push(
                FILE,
                locate(&text, &[key]),
                Level::Error,
                "maintenance",
                message,
            );
        }
        let Some(catalog) = catalog else {
            return;
        };
        for (index, service) in window.services.iter().enumerate() {
            if catalog.knows(service) {
                continue;
            }
            let hint = crate::error::did_you_mean(service, &catalog.names())
                .map(|s| format!("did you mean {s}? "))
                .unwrap_or_default();
            let message = format!(
                "service \"{service}\" is not in {}: {hint}use a listed service, or add it to the catalog",
                crate::model::catalog::FILE
            );
            let at = locate_list_item(&text, &["services"], index);
            self.push(FILE, at, Level::Error, "unknown-service", message);
        }
    }

    fn updates(&mut self) {
        let name = Update::FILE;
        let Ok(Some(text)) = self.read(name) else {
            return;
        };
        let updates: Vec<Update> = match model::from_yaml_log(Path::new(name), &text) {
            Ok(updates) => updates,
            Err(err) => return self.parse_error(name, err),
        };
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (index, update) in updates.iter().enumerate() {
            let count = seen.entry(update.id.as_str()).or_default();
            *count += 1;
            if *count > 1 {
                let at = locate_item(&text, |item| item_id(item) == Some(&update.id), *count);
                let message = format!(
                    "update id {} is used more than once: give this update a new id",
                    update.id
                );
                self.push(name, at, Level::Error, "duplicate-id", message);
            }
            if let Some(kept) = &update.conflict_of {
                let message = format!(
                    "update {} is another version of update {kept}: two clones edited it differently and a merge kept both; delete the wrong one (and this conflict_of line)",
                    update.id
                );
                let at = locate_in_item(&text, index, "conflict_of");
                self.push(name, at, Level::Warning, "entry-conflict", message);
            }
        }
    }
}
