//! `inc list`: a table of incidents, open ones by default.

use anyhow::Result;

use super::Ctx;

/// List incidents (open ones unless --all or --status; only one with -i)
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Include resolved and closed incidents
    #[arg(long)]
    pub all: bool,

    /// Only incidents with this status
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,

    /// Only incidents with this severity
    #[arg(long, value_name = "SEV")]
    pub sev: Option<String>,

    /// Print JSON for scripts
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let status = args
        .status
        .as_deref()
        .map(crate::model::names::status)
        .transpose()?;
    let severity = args
        .sev
        .as_deref()
        .map(|s| store.config().severity(s))
        .transpose()?;
    // `-i` lists that one incident, whatever its status.
    let only = ctx
        .global
        .incident
        .as_deref()
        .map(|query| store.resolve(query))
        .transpose()?;
    let keep = |id: &str, incident: &crate::model::Incident| {
        let status_ok = match status {
            Some(s) => incident.status == s,
            None => args.all || only.is_some() || incident.status.is_open(),
        };
        status_ok
            && only.as_deref().is_none_or(|only| only == id)
            && severity.as_ref().is_none_or(|s| &incident.severity == s)
    };
    crate::views::print_list(ctx.out, &store, &ctx.clock, keep, args.json)
}
