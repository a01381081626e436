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

    /// Only incidents that hit this service (`inc impact --service`); repeat for any of several
    #[arg(long = "service", value_name = "S")]
    pub services: Vec<String>,

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
    let services = services_filter(&store, &args.services)?;
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
            && hits_any(incident, &services)
    };
    crate::views::print_list(ctx.out, &store, &ctx.clock, keep, args.json)
}

/// The services `--service` names: checked against the catalog when there is one (so a typo gets
/// a "did you mean" instead of an empty list), else taken as typed.
fn services_filter(store: &crate::store::Store, typed: &[String]) -> Result<Vec<String>> {
    let catalog = if typed.is_empty() {
        None
    } else {
        store.catalog()?
    };
    typed
        .iter()
        .map(|name| match &catalog {
            Some(catalog) => Ok(catalog.service(name)?),
            None => Ok(name.trim().to_string()),
        })
        .collect()
}

/// Whether the incident hit one of `services` (any case); true when none is asked for.
fn hits_any(incident: &crate::model::Incident, services: &[String]) -> bool {
    services.is_empty()
        || incident
            .impact
            .services
            .iter()
            .any(|s| services.iter().any(|w| w.eq_ignore_ascii_case(s.trim())))
}
