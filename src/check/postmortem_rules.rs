//! The rules about postmortem.md: it parses, names this incident, has every section (filled in
//! from review on), gives each improvement an owner and a valid due date and type, and is blameless.

use std::path::Path;

use super::{Check, Level};
use crate::error::Error;
use crate::model;
use crate::model::locate::locate;
use crate::model::postmortem::{self, Postmortem};
use crate::names::Names;
use crate::store::layout::POSTMORTEM_FILE;

impl Check<'_> {
    /// postmortem.md's text and what could be read from it (`None` if the front matter is broken).
    pub(super) fn postmortem(&mut self) -> Option<(String, Option<Postmortem>)> {
        let text = self.read(POSTMORTEM_FILE).ok()??;
        if let Some(line) = model::conflict_marker_line(&text) {
            self.push(
                POSTMORTEM_FILE,
                (line, 1),
                Level::Error,
                "conflict-marker",
                "git conflict marker left in the file: resolve the conflict".into(),
            );
            return Some((text, None));
        }
        match postmortem::parse(Path::new(POSTMORTEM_FILE), &text) {
            Ok(pm) => Some((text, Some(pm))),
            Err(Error::File {
                line,
                column,
                message,
                ..
            }) => {
                self.push(
                    POSTMORTEM_FILE,
                    (line, column),
                    Level::Error,
                    "parse",
                    message,
                );
                Some((text, None))
            }
            Err(other) => {
                self.push(
                    POSTMORTEM_FILE,
                    (1, 1),
                    Level::Error,
                    "parse",
                    other.to_string(),
                );
                Some((text, None))
            }
        }
    }

    pub(super) fn postmortem_rules(&mut self, text: &str, pm: &Postmortem, people: &[String]) {
        let file = POSTMORTEM_FILE;
        if pm.front.incident != self.id {
            let message = format!(
                "front matter names incident {}, but this is {}",
                pm.front.incident, self.id
            );
            self.push(
                file,
                locate(text_front(text), &["incident"]),
                Level::Error,
                "postmortem-incident",
                message,
            );
        }
        for improvement in &pm.improvements {
            let at = (improvement.line, improvement.column);
            if improvement.owner.is_none() {
                self.push(
                    file,
                    at,
                    Level::Error,
                    "improvement-owner",
                    format!(
                        "improvement \"{}\" has no owner: add (owner: NAME) at the end",
                        crate::text::one_line(&improvement.text, 50)
                    ),
                );
            }
            if let Some(due) = &improvement.due
                && due.parse::<jiff::civil::Date>().is_err()
            {
                self.push(
                    file,
                    at,
                    Level::Error,
                    "improvement-due",
                    format!("due \"{due}\" is not a date: write it as YYYY-MM-DD"),
                );
            }
            if let Some(kind) = &improvement.kind
                && !postmortem::TYPES.contains(&kind.as_str())
            {
                self.push(
                    file,
                    at,
                    Level::Error,
                    "improvement-type",
                    format!(
                        "type \"{kind}\" is not one of {}",
                        postmortem::TYPES.join(", ")
                    ),
                );
            }
            for unknown in &improvement.unknown {
                self.push(
                    file,
                    at,
                    Level::Error,
                    "improvement-attribute",
                    format!(
                        "unknown attribute \"{unknown}\": use {}",
                        postmortem::ATTRIBUTES.join(", ")
                    ),
                );
            }
        }
        self.followups(pm);
        self.missing_sections(text, pm);
        if pm.front.status != postmortem::Status::Draft {
            for required in postmortem::SECTIONS {
                if let Some(section) = pm
                    .sections
                    .iter()
                    .find(|s| s.title.eq_ignore_ascii_case(required))
                    && section.empty
                {
                    self.push(
                        file,
                        (section.line, 1),
                        Level::Error,
                        "section-empty",
                        format!(
                            "section \"{required}\" is empty; a post-mortem {} needs it filled in",
                            pm.front.status.name()
                        ),
                    );
                }
            }
        }
        let names = Names::new(people);
        for issue in &pm.issues {
            if let Some(found) = names.first(&issue.text) {
                let name = if found.mention.to_lowercase() == found.person.to_lowercase() {
                    found.person.to_string()
                } else {
                    format!("{} (\"{}\")", found.person, found.mention)
                };
                self.push(
                    file,
                    (issue.line, issue.column),
                    Level::Warning,
                    "issue-names-person",
                    format!(
                        "this Issue names {name}: a blameless post-mortem describes the system or process that failed, not who"
                    ),
                );
            }
        }
    }
}

impl Check<'_> {
    /// Follow-ups (`inc actions`): an open item past its due date as of the clock, and two items
    /// with one id (copied lines), which `inc actions done` could not tell apart.
    fn followups(&mut self, pm: &Postmortem) {
        let today = crate::actions::today(self.clock);
        let mut seen: Vec<String> = Vec::new();
        for improvement in &pm.improvements {
            let at = (improvement.line, improvement.column);
            if crate::actions::overdue(improvement, today) {
                self.push(
                    POSTMORTEM_FILE,
                    at,
                    Level::Warning,
                    "improvement-overdue",
                    format!(
                        "improvement \"{}\" was due {} and is still open: do it (inc actions done), or move its due date",
                        crate::text::one_line(&improvement.text, 50),
                        improvement.due.as_deref().unwrap_or_default()
                    ),
                );
            }
            if let Some(id) = &improvement.id {
                let id = id.to_lowercase();
                if seen.contains(&id) {
                    self.push(
                        POSTMORTEM_FILE,
                        at,
                        Level::Warning,
                        "improvement-id-duplicate",
                        format!(
                            "another improvement above has id \"{id}\": remove this id (inc gives the item a new one the next time it writes the file)"
                        ),
                    );
                } else {
                    seen.push(id);
                }
            }
        }
    }

    /// Each section the post-mortem lacks, reported where it belongs: on the heading of the next
    /// section that is there (it goes before it), else on the last line. A draft gets a warning
    /// (it is still being written, but a heading was lost); from review on it is an error.
    fn missing_sections(&mut self, text: &str, pm: &Postmortem) {
        let status = pm.front.status;
        for (index, required) in postmortem::SECTIONS.iter().enumerate() {
            if pm.section_present(required) {
                continue;
            }
            let next = postmortem::SECTIONS[index + 1..].iter().find_map(|later| {
                pm.sections
                    .iter()
                    .find(|s| s.title.eq_ignore_ascii_case(later))
            });
            let (line, place) = match next {
                Some(section) => (
                    section.line,
                    format!("add it before \"## {}\"", section.title),
                ),
                None => (
                    text.lines().count().max(1) as u64,
                    "add it at the end".to_string(),
                ),
            };
            let (level, why) = match status {
                postmortem::Status::Draft => (Level::Warning, String::new()),
                _ => (
                    Level::Error,
                    format!(" (a post-mortem {} needs every section)", status.name()),
                ),
            };
            self.push(
                POSTMORTEM_FILE,
                (line, 1),
                level,
                "section-missing",
                format!("section \"## {required}\" is missing: {place}{why}"),
            );
        }
    }
}

/// The front matter part of a post-mortem, for locating its keys (line numbers stay the same).
fn text_front(text: &str) -> &str {
    text.get(4..)
        .and_then(|rest| rest.find("\n---").map(|end| &text[..4 + end]))
        .unwrap_or(text)
}
