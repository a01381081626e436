//! `maintenance.yaml` and `updates.yaml`: a scheduled maintenance window (work announced ahead,
//! such as a database upgrade) and the append-only log of updates posted about it. Not an
//! incident: windows live in their own directory (`maintenance_dir`), so nothing that counts
//! incidents sees them.
//!
//! What a window is *now* (upcoming, in progress, completed, cancelled) is not stored: it follows
//! from the clock ([`Maintenance::state`]), so a file written weeks ahead never goes stale.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::time::Time;

/// The window's own file, in its directory.
pub const FILE: &str = "maintenance.yaml";

/// The longest title and the longest summary, update or cancellation reason, in characters:
/// the bounds of every text written for customers (an incident's public title and summary too).
pub use super::config::{SUMMARY_MAX as TEXT_MAX, TITLE_MAX};

/// One maintenance window. Rewritten whole (atomically) when it is cancelled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Maintenance {
    /// What is being done, on one line (at most 200 characters); the status page's heading.
    pub title: String,
    /// When the window opens.
    pub start: Time,
    /// When it closes; after `start`.
    pub end: Time,
    /// The services affected; names from .inc/catalog.yaml when the repository has one.
    #[serde(default)]
    pub services: Vec<String>,
    /// What customers should expect (at most 4000 characters).
    #[serde(default)]
    pub summary: String,
    /// When it was scheduled (`inc maintenance schedule`).
    pub scheduled: Time,
    /// Set when the window was called off (`inc maintenance cancel`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<Cancellation>,
}

/// When and why a window was called off.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cancellation {
    pub at: Time,
    /// Who called it off. For the team: public pages must not show it.
    pub by: String,
    /// Why, for customers (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// Where a window stands as of a clock reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Before its start.
    Upcoming,
    /// From its start until its end.
    InProgress,
    /// At or after its end.
    Completed,
    /// Called off (whenever that was).
    Cancelled,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Upcoming => "upcoming",
            State::InProgress => "in-progress",
            State::Completed => "completed",
            State::Cancelled => "cancelled",
        }
    }

    /// Upcoming or in progress: what `inc maintenance list` shows without `--all`.
    pub fn is_current(self) -> bool {
        matches!(self, State::Upcoming | State::InProgress)
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Maintenance {
    /// Where the window stands at `now`. A cancelled window is cancelled from then on, even one
    /// cancelled while it was in progress: the work stopped, it did not complete.
    pub fn state(&self, now: Time) -> State {
        if self.cancelled.is_some() {
            State::Cancelled
        } else if now < self.start {
            State::Upcoming
        } else if now < self.end {
            State::InProgress
        } else {
            State::Completed
        }
    }

    /// What a hand edit can get wrong that serde cannot see, as (key, message): the bounds on
    /// the title and summary, and an end that is not after the start.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut found = Vec::new();
        if let Err(err) = title(&self.title) {
            found.push(("title", err.to_string()));
        }
        if let Err(err) = text("the summary", &self.summary, true) {
            found.push(("summary", err.to_string()));
        }
        if let Some(message) = window_problem(self.start, self.end) {
            found.push(("end", message));
        }
        if let Some(reason) = self.cancelled.as_ref().map(|c| &c.reason)
            && let Err(err) = text("the reason", reason, true)
        {
            found.push(("cancelled", err.to_string()));
        }
        found
    }
}

/// A title as it will be stored (trimmed), or why it cannot be one: empty, longer than
/// [`TITLE_MAX`], or more than one line.
pub fn title(input: &str) -> Result<String, Error> {
    let title = input.trim();
    if title.is_empty() {
        return Err(Error::usage(
            "the title is empty: say what will be done, like \"Database upgrade\"",
        ));
    }
    let count = title.chars().count();
    if count > TITLE_MAX {
        return Err(Error::usage(format!(
            "the title is {count} characters, more than {TITLE_MAX}: keep it a heading and put the rest in --summary"
        )));
    }
    if title.contains(['\n', '\r']) {
        return Err(Error::usage(
            "the title has a line break: keep it on one line and put the rest in --summary",
        ));
    }
    Ok(title.to_string())
}

/// Text as it will be stored (trimmed), or why it cannot be: longer than [`TEXT_MAX`], or empty
/// when `may_be_empty` is false. `what` names it in the message ("the summary").
pub fn text(what: &str, input: &str, may_be_empty: bool) -> Result<String, Error> {
    let text = input.trim();
    if text.is_empty() && !may_be_empty {
        return Err(Error::usage(format!(
            "{what} is empty: say what customers should know, like \"The upgrade is done\""
        )));
    }
    let count = text.chars().count();
    if count > TEXT_MAX {
        return Err(Error::usage(format!(
            "{what} is {count} characters, more than {TEXT_MAX}: shorten it, or link to a page that says more"
        )));
    }
    Ok(text.to_string())
}

/// Why a window from `start` to `end` cannot be, if it cannot: it must end after it starts.
pub fn window_problem(start: Time, end: Time) -> Option<String> {
    (end <= start).then(|| {
        format!("end ({end}) is not after start ({start}): a window must end after it starts")
    })
}

/// One update posted about a window: progress, a delay, the all-clear. `at` is when it was
/// posted; `recorded`, present only when `at` was given by hand, is when it was written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Update {
    /// Short unique id; merges of two clones union updates by it.
    pub id: String,
    /// Set by a merge on the second version of an update both clones edited differently: the id
    /// of the version kept under the original id. Delete the wrong one, and this line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_of: Option<String>,
    pub at: Time,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<Time>,
    /// Who posted it. For the team: public pages must not show it.
    pub by: String,
    pub text: String,
}

/// The comment at the top of a new updates.yaml.
pub const UPDATES_HEADER: &str = "# Maintenance updates: one per list item, oldest first. inc appends; hand edits and comments stay.\n";

super::log::log_entry!(Update, file: "updates.yaml", schema: "updates", header: UPDATES_HEADER,
    fingerprint: |e| format!("{}|{}|{}", e.at, e.by, e.text));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{from_yaml, to_yaml};
    use std::path::Path;

    fn time(text: &str) -> Time {
        Time::parse_rfc3339(text).unwrap()
    }

    fn window() -> Maintenance {
        Maintenance {
            title: "Database upgrade".into(),
            start: time("2026-12-10T02:00:00+00:00"),
            end: time("2026-12-10T04:00:00+00:00"),
            services: vec!["checkout-api".into()],
            summary: "Checkout is read-only for up to two hours.".into(),
            scheduled: time("2026-11-22T14:40:00+00:00"),
            cancelled: None,
        }
    }

    #[test]
    fn a_window_is_written_in_a_fixed_order_and_reads_back() {
        let text = to_yaml(&window());
        assert_eq!(
            text,
            "title: Database upgrade\nstart: \"2026-12-10T02:00:00+00:00\"\nend: \"2026-12-10T04:00:00+00:00\"\nservices:\n- checkout-api\nsummary: Checkout is read-only for up to two hours.\nscheduled: \"2026-11-22T14:40:00+00:00\"\n"
        );
        let back: Maintenance = from_yaml(Path::new(FILE), &text).unwrap();
        assert_eq!(back, window());
    }

    #[test]
    fn the_state_follows_the_clock() {
        let w = window();
        assert_eq!(w.state(time("2026-12-10T01:59:59Z")), State::Upcoming);
        assert_eq!(w.state(time("2026-12-10T02:00:00Z")), State::InProgress);
        assert_eq!(w.state(time("2026-12-10T03:59:59Z")), State::InProgress);
        assert_eq!(w.state(time("2026-12-10T04:00:00Z")), State::Completed);
        let cancelled = Maintenance {
            cancelled: Some(Cancellation {
                at: time("2026-12-10T02:30:00Z"),
                by: "alice".into(),
                reason: String::new(),
            }),
            ..w
        };
        assert_eq!(
            cancelled.state(time("2026-12-01T00:00:00Z")),
            State::Cancelled
        );
    }

    #[test]
    fn titles_and_texts_are_bounded() {
        assert_eq!(title("  DB upgrade ").unwrap(), "DB upgrade");
        assert!(title(" ").is_err());
        assert!(title(&"x".repeat(TITLE_MAX)).is_ok());
        let long = title(&"x".repeat(TITLE_MAX + 1)).unwrap_err().to_string();
        assert!(long.contains("201 characters, more than 200"), "{long}");
        assert!(title("two\nlines").is_err());
        assert_eq!(text("the summary", "", true).unwrap(), "");
        assert!(text("the update", " ", false).is_err());
        assert!(text("the update", &"é".repeat(TEXT_MAX + 1), false).is_err());
    }

    #[test]
    fn a_hand_edit_ending_before_it_starts_is_a_problem() {
        let mut w = window();
        w.end = w.start;
        let problems = w.problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "end");
    }

    #[test]
    fn an_update_is_written_in_a_fixed_order() {
        let update = Update {
            id: "abc234".into(),
            conflict_of: None,
            at: time("2026-12-10T02:10:00+00:00"),
            recorded: None,
            by: "alice".into(),
            text: "Started".into(),
        };
        assert_eq!(
            to_yaml(&[update]),
            "- id: abc234\n  at: \"2026-12-10T02:10:00+00:00\"\n  by: alice\n  text: Started\n"
        );
    }
}
