//! `inc sev`: change the severity.

use anyhow::Result;

use super::{Ctx, update_incident_with};
use crate::model::Kind;

/// Change the severity (logged in the timeline)
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub who: crate::cli::Person,

    /// The new severity, one of those in .inc.yaml (default SEV1 … SEV4)
    pub severity: String,

    /// When it changed [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let severity = store.config().severity(&args.severity)?;
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
