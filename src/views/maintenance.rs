//! What `inc maintenance list` and `inc maintenance show` print: the JSON shape scripts read (the
//! same object for one window and for each in a list), the table, and one window for people.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::maintenance::{State, Window};
use crate::time::{Clock, Time, format_duration};

/// A window for JSON: every key present. Internal: `by` names people, which public pages must
/// not show.
#[derive(Serialize, schemars::JsonSchema)]
pub struct MaintenanceView<'a> {
    id: &'a str,
    title: &'a str,
    /// As of the clock: `upcoming`, `in-progress`, `completed` or `cancelled`.
    state: State,
    start: Time,
    end: Time,
    /// The window's length in whole seconds.
    duration: i64,
    services: &'a [String],
    summary: &'a str,
    scheduled: Time,
    /// When, by whom and why it was called off; null when it was not.
    cancelled: Option<CancellationView<'a>>,
    /// Oldest first.
    updates: Vec<UpdateView<'a>>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct CancellationView<'a> {
    at: Time,
    by: &'a str,
    /// Empty when none was given.
    reason: &'a str,
}

/// An update for JSON: every key present (`recorded` null unless `at` was given by hand).
#[derive(Serialize, schemars::JsonSchema)]
pub struct UpdateView<'a> {
    id: &'a str,
    at: Time,
    recorded: Option<Time>,
    by: &'a str,
    text: &'a str,
}

impl<'a> MaintenanceView<'a> {
    pub fn new(window: &'a Window, now: Time) -> MaintenanceView<'a> {
        let m = &window.maintenance;
        MaintenanceView {
            id: &window.id,
            title: &m.title,
            state: window.state(now),
            start: m.start,
            end: m.end,
            duration: m.end.since(m.start).as_secs(),
            services: &m.services,
            summary: &m.summary,
            scheduled: m.scheduled,
            cancelled: m.cancelled.as_ref().map(|c| CancellationView {
                at: c.at,
                by: &c.by,
                reason: &c.reason,
            }),
            updates: window
                .updates
                .iter()
                .map(|u| UpdateView {
                    id: &u.id,
                    at: u.at,
                    recorded: u.recorded,
                    by: &u.by,
                    text: &u.text,
                })
                .collect(),
        }
    }
}

/// The windows as a table, earliest first; `all` says whether past and cancelled ones were asked
/// for (for the line printed when there are none).
pub fn table(out: &mut dyn Write, windows: &[&Window], clock: &Clock, all: bool) -> Result<()> {
    if windows.is_empty() {
        let what = if all {
            "No maintenance scheduled yet"
        } else {
            "No upcoming or in-progress maintenance (--all shows past and cancelled windows)"
        };
        writeln!(
            out,
            "{what}; schedule some with: inc maintenance schedule TITLE --start WHEN --end WHEN"
        )?;
        return Ok(());
    }
    let tz = clock.tz();
    let mut table = crate::views::table(&["id", "state", "start", "end", "services", "title"]);
    for window in windows {
        let m = &window.maintenance;
        let services = if m.services.is_empty() {
            "—".to_string()
        } else {
            m.services.join(", ")
        };
        table.add_row(vec![
            window.id.clone(),
            window.state(clock.now()).to_string(),
            m.start.short(tz),
            m.end.short(tz),
            services,
            crate::text::one_line(&m.title, usize::MAX),
        ]);
    }
    writeln!(out, "{}", table.trim_fmt())?;
    Ok(())
}

/// One window for people: what, when, where it stands, and every update.
pub fn show(out: &mut dyn Write, window: &Window, clock: &Clock) -> Result<()> {
    let tz = clock.tz();
    let m = &window.maintenance;
    let now = clock.now();
    writeln!(out, "{}", window.id)?;
    writeln!(out, "{}", m.title)?;
    let state = window.state(now);
    let when = match state {
        State::Upcoming => format!("starts in {}", format_duration(m.start.since(now))),
        State::InProgress => format!("ends in {}", format_duration(m.end.since(now))),
        State::Completed => format!("ended {} ago", format_duration(now.since(m.end))),
        State::Cancelled => String::new(),
    };
    let state = if when.is_empty() {
        state.to_string()
    } else {
        format!("{state} ({when})")
    };
    writeln!(
        out,
        "{state} · {} – {} ({}) · scheduled {}",
        m.start.short(tz),
        m.end.short(tz),
        format_duration(m.end.since(m.start)),
        m.scheduled.short(tz)
    )?;
    if !m.services.is_empty() {
        writeln!(out, "services: {}", m.services.join(", "))?;
    }
    if let Some(c) = &m.cancelled {
        let reason = if c.reason.is_empty() {
            String::new()
        } else {
            format!(": {}", crate::text::one_line(&c.reason, usize::MAX))
        };
        writeln!(out, "cancelled {} by {}{reason}", c.at.short(tz), c.by)?;
    }
    if !m.summary.is_empty() {
        writeln!(out, "\nSummary")?;
        for line in m.summary.lines() {
            writeln!(out, "  {line}")?;
        }
    }
    writeln!(out, "\nUpdates")?;
    if window.updates.is_empty() {
        writeln!(out, "  none yet: inc maintenance update {} TEXT", window.id)?;
    }
    for update in &window.updates {
        let mut lines = update.text.lines();
        let first = lines.next().unwrap_or_default();
        writeln!(out, "  {}  {}  {first}", update.at.short(tz), update.by)?;
        for line in lines {
            writeln!(out, "      {line}")?;
        }
    }
    Ok(())
}
