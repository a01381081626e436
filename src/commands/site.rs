//! `inc site`: write the incident history as a static website (see docs/site.md).

use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use crate::error::Error;
use crate::site::{self, Request};

/// Write the incident history as a static website: index, a page per incident, statistics
/// with charts, an Atom feed, status.json and a badge
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc site -o site                        # then open site/index.html
  inc site -o public --public --base-url https://status.example.com --title \"Example status\"
  python3 -m http.server -d public        # serve it to look at it as the web will")]
pub struct Args {
    /// The directory to write (created if missing; rebuilding rewrites only changed files)
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,

    /// Build the customer-facing site: external reports only, no internal entries, no names,
    /// no internal updates, only attachments of public entries
    #[arg(long)]
    pub public: bool,

    /// Where the site will be published (http or https), for the feed and status.json
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// The site's title [default: "Incidents", or "Incident history" with --public]
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let base_url = args
        .base_url
        .as_deref()
        .map(|url| {
            let url = url.trim();
            let lower = url.to_ascii_lowercase();
            let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
                && !url.chars().any(|c| c.is_whitespace() || c.is_control());
            if ok {
                Ok(url.trim_end_matches('/').to_string())
            } else {
                Err(Error::usage(format!(
                    "--base-url \"{}\" is not an http(s) address: give e.g. https://status.example.com",
                    crate::text::escape_controls(url)
                )))
            }
        })
        .transpose()?;
    let title = args
        .title
        .unwrap_or_else(|| {
            if args.public {
                "Incident history"
            } else {
                "Incidents"
            }
            .to_string()
        })
        .trim()
        .to_string();
    if title.is_empty() {
        return Err(Error::usage("--title is empty: give the site a title").into());
    }
    let store = ctx.store()?;
    let built = site::build(
        &store,
        &ctx.clock,
        Request {
            dir: ctx.start_dir().join(&args.output),
            title,
            base_url,
            public: args.public,
        },
    )?;
    let done = built.written;
    let public = args.public;
    let shown = args.output.display();
    writeln!(
        ctx.out,
        "Wrote {} of {} files to {shown} ({} unchanged{}); {}{}.\nOpen {shown}/index.html in a browser.",
        done.written,
        done.written + done.unchanged,
        done.unchanged,
        if done.removed > 0 {
            format!(", {} removed", done.removed)
        } else {
            String::new()
        },
        crate::text::plural(built.incidents, "incident"),
        if public { ", public" } else { "" },
    )?;
    if !built.unique_ids {
        writeln!(
            ctx.out,
            "The feeds' entry ids are made from the site's title (no --base-url, no origin remote): give --base-url where the site will be published."
        )?;
    }
    Ok(())
}
