//! `inc sev`: change the severity, or list what each severity means (`--list`).

use anyhow::Result;

use super::{Ctx, update_incident_with};
use crate::model::Kind;

/// Change the severity (logged in the timeline), or list the severities
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  inc sev SEV1
  inc sev 2 --at 14:20 --by bob
  inc sev --list")]
pub struct Args {
    #[command(flatten)]
    pub recording: crate::cli::RecordingArgs,

    #[command(flatten)]
    pub who: crate::cli::Person,

    /// The new severity, one of those in .inc.yaml (default SEV1 … SEV4)
    #[arg(required_unless_present = "list")]
    pub severity: Option<String>,

    /// When it changed [default: now]
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
    update_incident_with(
        ctx,
        &store,
        &args.who,
        &format!("sev {severity}"),
        |incident, _| {
            if incident.severity == severity {
                return Ok(None);
            }
            let text = format!("Severity {} → {severity}", incident.severity);
            incident.severity = severity;
            Ok(Some((at, Kind::Status, text)))
        },
        // Rising severity layers its runbooks on; falling detaches nothing.
        |ctx, incident, by, id| {
            let logged: Vec<crate::model::TimelineEntry> = store.load_log(id)?;
            Ok(super::runbook::matching(&store, incident, &logged)
                .iter()
                .map(|r| super::runbook::attach_entry(ctx, by, r))
                .collect())
        },
    )
}

/// `inc sev --list`: reads .inc.yaml only.
fn list(ctx: &mut Ctx<'_>, store: &crate::store::Store, json: bool) -> Result<()> {
    let list = store.config().severity_list();
    if json {
        return super::print_json(ctx.out, &list);
    }
    crate::views::print_severities(ctx.out, &list, false)
}
