//! `inc sev`: change the severity, or list what each severity means (`--list`).

use anyhow::Result;

use super::{Ctx, update_incident_with};
use crate::model::{Kind, TimelineEntry, severity_history, timeline};

/// Change the severity (logged in the timeline), or list the severities
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  inc sev SEV1
  inc sev 2 --at 14:20 --by bob
  inc sev SEV1 --at \"2026-11-21 23:50\"   (before a later change: it lands in time order)
  inc sev --list")]
pub struct Args {
    #[command(flatten)]
    pub recording: crate::cli::args::RecordingArgs,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// The new severity, one of those in .inc.yaml (default SEV1 … SEV4)
    #[arg(required_unless_present = "list")]
    pub severity: Option<String>,

    /// When it changed [default: now]; a time before a later change recorded already lands in
    /// time order, and the later one stays in force
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,

    /// List the severities, worst first, with what each means and whether it owes a
    /// post-mortem (severity_definitions in .inc.yaml); changes nothing
    #[arg(long, conflicts_with_all = ["severity", "at"])]
    pub list: bool,

    /// With --list: print JSON for scripts
    #[arg(long, requires = "list")]
    pub json: bool,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    if args.list {
        return list(ctx, &store, args.json);
    }
    let severity = store
        .config()
        .severity(args.severity.as_deref().unwrap_or_default())?;
    let at = ctx.at_in_incident(&store, args.at.as_deref())?;
    // A backdated change is judged against the history, read under the lock.
    let id = match at {
        Some(_) => Some(ctx.incident(&store, None)?),
        None => None,
    };
    let stays = std::cell::Cell::new(None);
    let tz = ctx.clock.tz().clone();
    update_incident_with(
        ctx,
        &store,
        &args.who,
        &format!("sev {severity}"),
        |incident, _| {
            let (Some(at), Some(id)) = (at, &id) else {
                if incident.severity == severity {
                    return Ok(None);
                }
                let text = format!("Severity {} → {severity}", incident.severity);
                incident.severity = severity;
                return Ok(Some((at, Kind::Status, text)));
            };
            let logged: Vec<TimelineEntry> = store.load_log(id)?;
            let changes = timeline::severity_changes(&logged);
            let then = severity_history::in_force_at(&changes, at)
                .unwrap_or(&incident.severity)
                .to_string();
            if then == severity {
                return Ok(None);
            }
            // It lands in time order: a change recorded for later stays the one in force.
            match severity_history::later_than(&changes, at) {
                Some(later) => stays.set(Some(format!(
                    "note: {} stays the severity: it was changed to {} later, at {}",
                    incident.severity,
                    later.to,
                    later.at.short(&tz)
                ))),
                None => incident.severity = severity.clone(),
            }
            Ok(Some((
                Some(at),
                Kind::Status,
                format!("Severity {then} → {severity}"),
            )))
        },
        // Rising severity layers its runbooks on; falling detaches nothing.
        |ctx, incident, by, id| {
            let logged: Vec<TimelineEntry> = store.load_log(id)?;
            Ok(crate::runbook::matching(&store, incident, &logged)
                .iter()
                .map(|r| crate::runbook::attach_entry(ctx.stamp(None), by, r))
                .collect())
        },
    )?;
    if let Some(note) = stays.take() {
        ctx.say(note);
    }
    Ok(())
}

/// `inc sev --list`: reads .inc.yaml only.
fn list(ctx: &mut Ctx<'_>, store: &crate::store::Store, json: bool) -> Result<()> {
    let list = store.config().severity_list();
    if json {
        return super::print_json(ctx.out, &list);
    }
    crate::views::print_severities(ctx.out, &list, false)
}
