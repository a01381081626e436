//! `inc unlink`: remove a link from the incident.

use anyhow::Result;

use super::{Ctx, update_incident};
use crate::error::Error;
use crate::model::Kind;

/// Remove a link from the incident (logged in the timeline)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  inc unlink https://chat.example.com/archives/C042
  inc show        (lists the links)")]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// The address, as `inc show` lists it
    pub url: String,

    #[command(flatten)]
    pub when: crate::cli::args::AtArg,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let url = args.url.trim().to_string();
    let store = ctx.store()?;
    let at = ctx.at_in_incident(&store, args.when.at.as_deref())?;
    let action = format!("unlink {url}");
    update_incident(ctx, &store, &args.who, &action, |incident, _| {
        let Some(index) = incident.links.iter().position(|l| l.url == url) else {
            let known: Vec<&str> = incident.links.iter().map(|l| l.url.as_str()).collect();
            let hint = if known.is_empty() {
                "it has no links".to_string()
            } else {
                format!("its links are {}", known.join(", "))
            };
            return Err(Error::usage(format!("the incident has no link {url}: {hint}")).into());
        };
        let link = incident.links.remove(index);
        Ok(Some((at, Kind::Edit, format!("Unlinked {link}"))))
    })
}
