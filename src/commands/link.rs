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
  inc unlink https://chat.example.com/archives/C042")]
pub struct Args {
    #[command(flatten)]
    pub who: crate::cli::Person,

    /// The address, http:// or https://
    pub url: String,

    /// What the link is, in a few words (a link already there gets this title)
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}

/// Longest URL kept: a link is an address, not a document.
const URL_MAX: usize = 2048;

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let url = checked_url(&args.url)?;
    let title = match args.title.as_deref().map(str::trim) {
        Some("") => return Err(Error::usage("--title is empty: say what the link is").into()),
        Some(title) => Some(one_line(title, 200)),
        None => None,
    };
    let store = ctx.store()?;
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
                Ok(Some((None, Kind::Edit, text)))
            }
            None => {
                let text = format!("Linked {link}");
                incident.links.push(link);
                Ok(Some((None, Kind::Edit, text)))
            }
        }
    })
}

/// The URL as stored: trimmed, http or https with a host, no spaces or control characters (it
/// is shown in terminals and reports, and opened by people who trust it).
pub fn checked_url(typed: &str) -> Result<String, Error> {
    let text = typed.trim();
    let refuse = |why: &str| {
        Error::usage(format!(
            "\"{}\" is not a link inc keeps: {why}",
            one_line(text, 80)
        ))
    };
    if text.len() > URL_MAX {
        return Err(refuse(&format!("it is longer than {URL_MAX} characters")));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refuse(
            "it has spaces or control characters (encode them, like %20)",
        ));
    }
    let parsed = url::Url::parse(text).map_err(|err| {
        refuse(&format!(
            "{err}; give a full address like https://example.com/page"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(refuse("only http:// and https:// addresses are kept"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(refuse("it names no host"));
    }
    Ok(text.to_string())
}
