//! `inc impact`: record what the outage hit: services, customers, regions, and the summary
//! customers read.

use anyhow::Result;

use super::{Ctx, update_incident_with};
use crate::error::Error;
use crate::model::Kind;
use crate::model::incident::Impact;
use crate::store::Store;

/// Record the impact: which services, customers and regions were hit (logged in the timeline)
///
/// Each option given replaces that part and the others stay as they are: `--service` and
/// `--regions` replace the whole list (repeat them, or separate names with commas), and an empty
/// value (`--service ""`) clears a part. With .inc/catalog.yaml, services must be in the catalog.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc impact --service checkout-api --service payments --customers 1200
  inc impact --regions eu-west,eu-central --summary \"Card payments failed for EU customers\"
  inc impact --customers \"all EU customers\"
  inc impact --service search --at \"2026-11-21 23:50\"   (writing it up afterwards)")]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// The services hit (replaces the list; repeat or separate with commas)
    #[arg(long = "service", value_name = "S", value_delimiter = ',')]
    pub services: Vec<String>,

    /// Which or how many customers: a number (1200) or words ("all EU customers")
    #[arg(long, value_name = "N|TEXT")]
    pub customers: Option<String>,

    /// The regions hit (replaces the list; repeat or separate with commas)
    #[arg(long, value_name = "R", value_delimiter = ',')]
    pub regions: Vec<String>,

    /// The impact in a sentence or two for customers (public reports show it)
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,

    #[command(flatten)]
    pub when: crate::cli::args::AtArg,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let at = ctx.at_in_incident(&store, args.when.at.as_deref())?;
    let request = Request::new(&store, args)?;
    update_incident_with(
        ctx,
        &store,
        &request.who,
        "impact",
        |incident, _| {
            let before = incident.impact.clone();
            request.apply(&mut incident.impact);
            let changes = describe(&before, &incident.impact);
            if changes.is_empty() {
                return Ok(None);
            }
            Ok(Some((at, Kind::Status, format!("Impact {changes}"))))
        },
        // A service hit brings its runbooks, as a rising severity does.
        |ctx, incident, by, id| {
            crate::runbook::attach_on_change(&store, ctx.stamp(None), incident, by, id)
        },
    )
}

/// The validated parts to set; `None` leaves a part as it is.
struct Request {
    who: crate::cli::args::Person,
    services: Option<Vec<String>>,
    customers: Option<String>,
    regions: Option<Vec<String>>,
    summary: Option<String>,
}

impl Request {
    /// Checks everything typed before anything is locked or written: at least one part, no
    /// empty name in a list of several, services known to the catalog when there is one.
    fn new(store: &Store, args: Args) -> Result<Request> {
        if args.services.is_empty()
            && args.regions.is_empty()
            && args.customers.is_none()
            && args.summary.is_none()
        {
            return Err(Error::usage(
                "nothing to record: give --service, --customers, --regions or --summary (inc show shows the impact so far)",
            )
            .into());
        }
        let services = list("--service", args.services)?;
        // The catalog is read only for services: a broken one must not block recording customers.
        let catalog = match &services {
            Some(names) if !names.is_empty() => store.catalog()?,
            _ => None,
        };
        let services = match (&services, catalog) {
            (Some(names), Some(catalog)) => Some(
                names
                    .iter()
                    .map(|name| {
                        catalog.service(name).map_err(|err| {
                            Error::usage(format!(
                                "{err}; a new service goes into {} first",
                                crate::model::catalog::FILE
                            ))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            _ => services,
        };
        Ok(Request {
            who: args.who,
            services: services.map(dedupe),
            customers: args.customers.map(|c| c.trim().to_string()),
            regions: list("--regions", args.regions)?.map(dedupe),
            summary: args.summary.map(|s| s.trim().to_string()),
        })
    }

    fn apply(&self, impact: &mut Impact) {
        if let Some(services) = &self.services {
            impact.services = services.clone();
        }
        if let Some(customers) = &self.customers {
            impact.customers = customers.clone();
        }
        if let Some(regions) = &self.regions {
            impact.regions = regions.clone();
        }
        if let Some(summary) = &self.summary {
            impact.summary = summary.clone();
        }
    }
}

/// A list option: `None` when not given, empty for a lone `""` (clear), else the trimmed names.
fn list(flag: &str, values: Vec<String>) -> Result<Option<Vec<String>>> {
    if values.is_empty() {
        return Ok(None);
    }
    let names: Vec<String> = values.iter().map(|v| v.trim().to_string()).collect();
    if let [only] = names.as_slice()
        && only.is_empty()
    {
        return Ok(Some(Vec::new()));
    }
    if names.iter().any(|n| n.is_empty()) {
        return Err(Error::usage(format!(
            "{flag} has an empty name among others: give each name once (an empty {flag} \"\" alone clears the list)"
        ))
        .into());
    }
    if let Some(bad) = names.iter().find(|n| n.chars().any(char::is_control)) {
        return Err(Error::usage(format!(
            "{flag} {} has a control character: type the name as plain text",
            crate::text::escape_controls(bad)
        ))
        .into());
    }
    Ok(Some(names))
}

/// The names in the order given, each once (in any case).
fn dedupe(names: Vec<String>) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for name in names {
        if !kept.iter().any(|k| k.eq_ignore_ascii_case(&name)) {
            kept.push(name);
        }
    }
    kept
}

/// `services none → checkout-api, payments; customers 1200 → 1500`, for the parts that changed.
fn describe(before: &Impact, after: &Impact) -> String {
    let names = |list: &[String]| {
        if list.is_empty() {
            "none".to_string()
        } else {
            list.join(", ")
        }
    };
    let text = |t: &str| {
        if t.is_empty() {
            "none".to_string()
        } else {
            format!("\"{t}\"")
        }
    };
    let mut parts = Vec::new();
    if before.services != after.services {
        parts.push(format!(
            "services {} → {}",
            names(&before.services),
            names(&after.services)
        ));
    }
    if before.customers != after.customers {
        parts.push(format!(
            "customers {} → {}",
            text(&before.customers),
            text(&after.customers)
        ));
    }
    if before.regions != after.regions {
        parts.push(format!(
            "regions {} → {}",
            names(&before.regions),
            names(&after.regions)
        ));
    }
    if before.summary != after.summary {
        parts.push(format!(
            "summary {} → {}",
            text(&before.summary),
            text(&after.summary)
        ));
    }
    parts.join("; ")
}
