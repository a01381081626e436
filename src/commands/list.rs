//! `inc list`: a table of incidents, open ones by default.

use anyhow::Result;

use super::Ctx;
use crate::error::Error;
use crate::model::roles::LEAD;
use crate::model::{Incident, RoleAction, RoleEvent};
use crate::store::Store;
use crate::time::Time;

/// List incidents (open ones unless --all or --status; only one with -i)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Filters combine: an incident is listed when it passes every one given.

Examples:
  inc list --all --tag database --since 2026-01-01
  inc list --all --type game-day --json
  inc list --all --lead alice --sev SEV1")]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

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

    /// Only incidents with this tag (any case); repeat for incidents with all of them
    #[arg(long = "tag", value_name = "TAG", value_delimiter = ',')]
    pub tags: Vec<String>,

    /// Only incidents of this type (incident, game-day, false-alarm, or as in .inc.yaml)
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,

    /// Only incidents that began at or after WHEN (started, else detected, else opened; as
    /// `inc stats --since`)
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub since: Option<String>,

    /// Only incidents that began before WHEN
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub until: Option<String>,

    /// Only incidents PERSON led (held the incident-lead role at any time)
    #[arg(long, value_name = "PERSON")]
    pub lead: Option<String>,

    #[command(flatten)]
    pub output: Output,
}

crate::formats!(
    /// What `inc list` prints: a table, JSON, or CSV with the table's columns.
    {
        Table,
        Json,
        /// The table's columns, with whole titles
        Csv,
    }
);

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
    let filters = Filters::new(ctx, &store, &args)?;
    // `-i` lists that one incident, whatever its status.
    let only = ctx.named_incident(&store)?;
    let keep = |id: &str, incident: &Incident| {
        let status_ok = match status {
            Some(s) => incident.status == s,
            None => args.all || only.is_some() || incident.status.is_open(),
        };
        status_ok
            && only.as_deref().is_none_or(|only| only == id)
            && severity.as_ref().is_none_or(|s| &incident.severity == s)
            && hits_any(incident, &services)
            && filters.keep(&store, id, incident)
    };
    let format = match args.output.get() {
        Format::Table => crate::views::ListFormat::Table,
        Format::Json => crate::views::ListFormat::Json,
        Format::Csv => crate::views::ListFormat::Csv,
    };
    crate::views::print_list_as(ctx.out, &store, &ctx.clock, keep, format)
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

/// The filters of `--tag`, `--type`, `--since`, `--until` and `--lead`, checked before any
/// incident is read.
struct Filters {
    tags: Vec<String>,
    kind: Option<String>,
    since: Option<Time>,
    until: Option<Time>,
    lead: Option<String>,
}

impl Filters {
    fn new(ctx: &Ctx<'_>, store: &Store, args: &Args) -> Result<Filters> {
        let bound = |text: Option<&str>| text.map(|t| ctx.clock.parse_bound(t)).transpose();
        let lead = match args.lead.as_deref().map(str::trim) {
            Some("") => return Err(Error::usage("--lead is empty: name a person").into()),
            lead => lead.map(String::from),
        };
        Ok(Filters {
            tags: args
                .tags
                .iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            kind: args
                .kind
                .as_deref()
                .map(|k| store.config().incident_type(k))
                .transpose()?,
            since: bound(args.since.as_deref())?,
            until: bound(args.until.as_deref())?,
            lead,
        })
    }

    fn keep(&self, store: &Store, id: &str, incident: &Incident) -> bool {
        let began = crate::stats::began(incident);
        self.tags
            .iter()
            .all(|tag| incident.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))
            && self.kind.as_ref().is_none_or(|k| &incident.kind == k)
            && self.since.is_none_or(|s| began >= s)
            && self.until.is_none_or(|u| began < u)
            // roles.yaml is read last, and only for incidents every other filter kept.
            && self.lead.as_deref().is_none_or(|person| led(store, id, person))
    }
}

/// Whether `person` held the incident-lead role at any time (any case).
fn led(store: &Store, id: &str, person: &str) -> bool {
    let events: Vec<RoleEvent> = store.load_log(id).unwrap_or_else(|err| {
        crate::eprintln_escaped!("warning: {id}: roles not read: {err:#}");
        Vec::new()
    });
    events.iter().any(|e| {
        e.role == LEAD && e.action != RoleAction::Remove && e.person.eq_ignore_ascii_case(person)
    })
}
