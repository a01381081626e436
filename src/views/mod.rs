//! What `list`, `show`, `status` and `roles` print: the JSON shapes scripts rely on (see SPEC.md)
//! and the tables people read. Rendering writes to any `Write` and never decides where that goes.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use comfy_table::{ContentArrangement, Table, presets};
use jiff::SignedDuration;
use serde::Serialize;

use crate::model::comms::{self, Due};
use crate::model::roles;
use crate::model::runbook::progress::ProgressView;
use crate::model::{CommsEntry, Config, Incident, Kind, RoleEvent, TimelineEntry};
use crate::store::Loaded;
use crate::time::{Clock, Time};

pub mod actions;
mod dashboard;
mod fit;
mod incident;
mod list;
pub mod maintenance;
mod plain;
mod related;
mod role_holders;
pub mod schema;
mod severities;
mod unshared;

pub use dashboard::{DashboardRow, print_dashboard};
pub use incident::{ImpactView, IncidentView, PostmortemView, print_incident};
pub use list::{ListFormat, print_list, print_list_as};
pub use related::{print_related, print_related_section};
pub use role_holders::{Roles, TenureView};
pub use severities::{ask_severity, print_severities};
pub use unshared::{SyncView, print_unshared, sync_view};

/// What a loaded incident means at a moment: the runbook steps, updates and SLA targets due by
/// the clock. Judging by a clock is the renderers' business, so the store's [`Loaded`] holds only
/// what the files say.
pub trait LoadedViews {
    /// The attached runbooks' progress as of the clock (nothing due once resolved).
    fn runbook_views(&self, clock: &Clock) -> Vec<ProgressView>;

    /// The SLA targets of its peak severity judged now, a named incident lead counting as
    /// responded.
    fn sla(&self, config: &Config, clock: &Clock) -> Vec<crate::sla::SlaCheck>;

    /// The updates due to each audience now.
    fn due(&self, config: &Config, clock: &Clock) -> Vec<Due>;
}

impl LoadedViews for Loaded {
    fn runbook_views(&self, clock: &Clock) -> Vec<ProgressView> {
        let began = self.incident.began();
        let open = self.incident.status.is_open();
        self.runbooks
            .iter()
            .map(|p| {
                let mut view = p.view(&self.incident.severity, began, clock.now());
                // Once it is resolved nothing is due any more.
                if !open {
                    view.next = None;
                    view.steps.iter_mut().for_each(|s| s.due = None);
                }
                view
            })
            .collect()
    }

    fn sla(&self, config: &Config, clock: &Clock) -> Vec<crate::sla::SlaCheck> {
        let lead = roles::first_lead(&self.roles);
        let peak = self.peak_severity(config);
        crate::sla::checks_led(&self.incident, &peak, lead, config, clock.now())
    }

    fn due(&self, config: &Config, clock: &Clock) -> Vec<Due> {
        comms::due(
            &self.incident,
            &self.comms,
            &self.timeline,
            config,
            clock.now(),
        )
    }
}

/// "quiet until 07:00" (quiet hours) or "snoozed until 18:40" (`inc comms snooze`): why no
/// update is due to an audience now. The end has its date when it is not today.
pub fn quiet_text(quiet: &crate::model::cadence::Quiet, clock: &Clock) -> String {
    let why = match quiet.reason {
        crate::model::cadence::QuietReason::QuietHours => "quiet",
        crate::model::cadence::QuietReason::Snoozed => "snoozed",
    };
    format!("{why} until {}", clock.show(quiet.until))
}

/// Every configured role with its current holders (empty when nobody holds it), plus any role
/// held that the configuration no longer lists.
pub fn holders(config: &Config, events: &[RoleEvent]) -> BTreeMap<String, Vec<String>> {
    let mut holders: BTreeMap<String, Vec<String>> = config
        .roles
        .iter()
        .map(|r| (r.clone(), Vec::new()))
        .collect();
    holders.extend(roles::holders(events));
    holders
}

/// A timeline entry for JSON, with every field present (`key`, `internal` false, others null).
#[derive(Serialize, schemars::JsonSchema)]
pub struct EntryView<'a> {
    pub id: &'a str,
    pub at: Time,
    pub recorded: Option<Time>,
    pub by: &'a str,
    pub kind: Kind,
    #[serde(rename = "ref")]
    pub reference: Option<&'a str>,
    pub key: bool,
    pub internal: bool,
    /// Marked for customers (`inc log --public`).
    pub public: bool,
    pub text: &'a str,
    /// The file the entry attached (`inc attach`), by its name in the incident's `attachments/`
    /// directory; `null` for other entries.
    pub attachment: Option<&'a str>,
    /// The strike that withdrew this entry (`inc strike`), in `inc show --json`; `null` when it
    /// is in force.
    pub struck: Option<StruckView<'a>>,
}

/// Who withdrew an entry, when and why: the strike entry, as `inc show --json` gives it on the
/// entry it struck.
#[derive(Serialize, schemars::JsonSchema)]
pub struct StruckView<'a> {
    /// The strike entry's own id.
    pub id: &'a str,
    pub at: Time,
    pub by: &'a str,
    pub reason: &'a str,
}

impl<'a> From<&'a TimelineEntry> for StruckView<'a> {
    fn from(strike: &'a TimelineEntry) -> Self {
        StruckView {
            id: &strike.id,
            at: strike.at,
            by: &strike.by,
            reason: &strike.text,
        }
    }
}

impl<'a> From<&'a TimelineEntry> for EntryView<'a> {
    fn from(e: &'a TimelineEntry) -> Self {
        EntryView {
            id: &e.id,
            at: e.at,
            recorded: e.recorded,
            by: &e.by,
            kind: e.kind,
            reference: e.reference.as_deref(),
            key: e.key,
            internal: e.internal,
            public: e.public,
            text: &e.text,
            attachment: e.attachment.as_deref(),
            struck: None,
        }
    }
}

/// A comms entry for JSON, with every field present.
#[derive(Serialize, schemars::JsonSchema)]
pub struct CommsView<'a> {
    pub id: &'a str,
    pub at: Time,
    pub recorded: Option<Time>,
    pub by: &'a str,
    pub audience: &'a str,
    pub channel: Option<&'a str>,
    pub message: &'a str,
    /// How posting it to a webhook went (`inc comms --send`); null when it was not posted.
    pub delivery: Option<&'a crate::model::comms::Delivery>,
}

impl<'a> From<&'a CommsEntry> for CommsView<'a> {
    fn from(c: &'a CommsEntry) -> Self {
        CommsView {
            id: &c.id,
            at: c.at,
            recorded: c.recorded,
            by: &c.by,
            audience: &c.audience,
            channel: c.channel.as_deref(),
            message: &c.message,
            delivery: c.delivery.as_ref(),
        }
    }
}

/// The width tables fit on a terminal: [`crate::Env::columns`], set once per run by
/// [`set_terminal_width`] (tables are built deep inside renderers that have no `Env`).
static TERMINAL_WIDTH: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

/// Sets the width of every table printed to a terminal from now on (the first call wins).
pub fn set_terminal_width(columns: Option<usize>) {
    if let Some(columns) = columns {
        let _ = TERMINAL_WIDTH.set(columns);
    }
}

/// The width set by [`set_terminal_width`], if any: what plain lines (not tables) fit.
pub fn terminal_width() -> Option<usize> {
    TERMINAL_WIDTH.get().copied()
}

/// A table for people: no borders, fits the terminal when there is one.
pub fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().map(|h| h.to_uppercase()));
    // comfy-table asks the terminal itself, which says 0 on a fresh pseudo-terminal (every cell
    // would wrap at each letter) and knows nothing of $COLUMNS.
    if let Some(&width) = TERMINAL_WIDTH.get()
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        table.set_width(u16::try_from(width).unwrap_or(u16::MAX));
    }
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    table
}

/// How long the incident has lasted: from its start (or detection, or opening) until resolved or now.
/// Never negative: a start ahead of this clock (another clone's clock runs fast) counts as zero,
/// and `inc check` warns about it.
pub fn age(incident: &Incident, clock: &Clock) -> SignedDuration {
    let m = &incident.milestones;
    let start = m.started.or(m.detected).unwrap_or(incident.opened);
    let end = m
        .resolved
        .filter(|_| !incident.status.is_open())
        .unwrap_or_else(|| clock.now());
    end.since(start).max(SignedDuration::ZERO)
}

/// Prints `value` as pretty JSON and a newline.
pub fn print_json(out: &mut dyn Write, value: &impl serde::Serialize) -> Result<()> {
    let text = crate::text::escape_json(serde_json::to_string_pretty(value)?);
    writeln!(out, "{text}")?;
    Ok(())
}
