//! `inc link`: add a link (a dashboard, a chat channel, a ticket) to the incident, or retitle one.

use anyhow::Result;

use super::{Ctx, one_line, update_incident};
use crate::error::Error;
use crate::model::Kind;
use crate::model::incident::Link;

/// Add a link to the incident, with an optional title (logged in the timeline)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  inc link https://grafana.example.com/d/checkout --title \"Checkout dashboard\"
  inc link https://chat.example.com/archives/C042
  inc link https://status.example.com/x --at \"2026-11-21 23:50\"   (writing it up afterwards)
  inc unlink https://chat.example.com/archives/C042")]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// The address, http:// or https://
    pub url: String,

    /// What the link is, in a few words (a link already there gets this title)
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    #[command(flatten)]
    pub when: crate::cli::args::AtArg,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let url = Link::checked_url(&args.url)?;
    let title = match args.title.as_deref().map(str::trim) {
        Some("") => return Err(Error::usage("--title is empty: say what the link is").into()),
        Some(title) => Some(one_line(title, 200)),
        None => None,
    };
    let store = ctx.store()?;
    let at = ctx.at_in_incident(&store, args.when.at.as_deref())?;
    let action = format!("link {url}");
    update_incident(ctx, &store, &args.who, &action, |incident, _| {
        let link = Link {
            url: url.clone(),
            title: title.clone(),
        };
        match incident.links.iter_mut().find(|l| l.url == url) {
            Some(existing) if title.is_none() || existing.title == title => Ok(None),
            Some(existing) => {
                let text = format!(
                    "Link {url} retitled {} → \"{}\"",
                    existing
                        .title
                        .as_deref()
                        .map_or("(none)".to_string(), |t| format!("\"{t}\"")),
                    title.as_deref().unwrap_or_default()
                );
                existing.title = title.clone();
                Ok(Some((at, Kind::Edit, text)))
            }
            None => {
                let text = format!("Linked {link}");
                incident.links.push(link);
                Ok(Some((at, Kind::Edit, text)))
            }
        }
    })
}
