//! Which files of the repository are inc's own: the one list `inc sync` commits from.

use super::Store;
use super::layout::{
    ATTACHMENTS_DIR, CONFIG_FILE, INCIDENT_FILE, POSTMORTEM_FILE, RUNBOOKS_DIR, TEMPLATES_DIR,
};
use crate::model::{self, LogEntry, TimelineEntry, schema};

impl Store {
    /// Whether `rel` (a slash-separated path from the repository root) is one of inc's files:
    /// what `inc sync` may commit on its own. Anything else, even inside an incident's directory
    /// (an `.env`, a core dump, an editor's swap file), is the user's to commit or not. This is
    /// the one place that decides. Attachments (`ID/attachments/NAME`) are inc's: `inc attach`
    /// wrote them. So are maintenance windows' files.
    pub fn is_inc_file(&self, rel: &str) -> bool {
        if rel == CONFIG_FILE || rel == ".gitattributes" || rel == model::catalog::FILE {
            return true;
        }
        if let Some(name) = rel
            .strip_prefix(schema::REPO_DIR)
            .and_then(|r| r.strip_prefix('/'))
        {
            return schema::NAMES.iter().any(|n| schema::file_name(n) == name);
        }
        if let Some(name) = rel
            .strip_prefix(RUNBOOKS_DIR)
            .and_then(|r| r.strip_prefix('/'))
        {
            return name
                .strip_suffix(".md")
                .is_some_and(crate::model::runbook::valid_name);
        }
        if let Some(name) = rel
            .strip_prefix(TEMPLATES_DIR)
            .and_then(|r| r.strip_prefix('/'))
        {
            return !name.contains('/')
                && !name.starts_with('.')
                && (name.ends_with(".md") || name.ends_with(".html"));
        }
        // A maintenance window's two files (`maintenance_dir/ID/FILE`).
        if let Some((id, file)) = rel
            .strip_prefix(self.config.maintenance_dir().as_str())
            .and_then(|r| r.strip_prefix('/'))
            .and_then(|r| r.split_once('/'))
        {
            return !id.is_empty()
                && !id.starts_with('.')
                && [model::maintenance::FILE, model::maintenance::Update::FILE].contains(&file);
        }
        let Some((id, file)) = rel
            .strip_prefix(self.config.incidents_dir.as_str())
            .and_then(|r| r.strip_prefix('/'))
            .and_then(|r| r.split_once('/'))
        else {
            return false;
        };
        if let Some(name) = file
            .strip_prefix(ATTACHMENTS_DIR)
            .and_then(|r| r.strip_prefix('/'))
        {
            return !id.is_empty()
                && !id.starts_with('.')
                && !name.is_empty()
                && !name.contains('/')
                && !name.starts_with('.');
        }
        !id.is_empty()
            && !id.starts_with('.')
            && [
                INCIDENT_FILE,
                TimelineEntry::FILE,
                model::RoleEvent::FILE,
                model::CommsEntry::FILE,
                POSTMORTEM_FILE,
            ]
            .contains(&file)
    }
}
