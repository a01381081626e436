//! `inc tag add|remove`: change the incident's tags.

use anyhow::Result;

use super::{Ctx, update_incident_with};
use crate::error::Error;
use crate::model::Kind;

/// Add or remove tags (each change logged in the timeline)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  inc tag add database payments
  inc tag add eu-west,customer-facing
  inc tag remove payments
  inc tag add dns --at \"2026-11-21 23:50\"   (writing it up afterwards)")]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Add tags (a service, a team); tags it has already, in any case, are left as they are
    Add {
        /// The tags; several, or separated with commas
        #[arg(required = true, value_name = "TAG", value_delimiter = ',')]
        tags: Vec<String>,
        #[command(flatten)]
        when: crate::cli::args::AtArg,
    },
    /// Remove tags (in any case)
    Remove {
        /// The tags; several, or separated with commas
        #[arg(required = true, value_name = "TAG", value_delimiter = ',')]
        tags: Vec<String>,
        #[command(flatten)]
        when: crate::cli::args::AtArg,
    },
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let (adding, typed, when) = match args.action {
        Action::Add { tags, when } => (true, tags, when),
        Action::Remove { tags, when } => (false, tags, when),
    };
    let tags = normalize(&typed);
    if tags.is_empty() {
        return Err(Error::usage("no tag given: name one, like inc tag add database").into());
    }
    let store = ctx.store()?;
    let at = ctx.at_in_incident(&store, when.at.as_deref())?;
    let verb = if adding { "add" } else { "remove" };
    let action = format!("tag {verb} {}", tags.join(" "));
    update_incident_with(
        ctx,
        &store,
        &args.who,
        &action,
        |incident, _| {
            let before = incident.tags.clone();
            if adding {
                for tag in &tags {
                    if !incident.tags.iter().any(|t| same(t, tag)) {
                        incident.tags.push(tag.clone());
                    }
                }
            } else {
                incident
                    .tags
                    .retain(|t| !tags.iter().any(|tag| same(t, tag)));
            }
            if incident.tags == before {
                return Ok(None);
            }
            let list = |tags: &[String]| {
                if tags.is_empty() {
                    "(none)".to_string()
                } else {
                    tags.join(", ")
                }
            };
            let text = format!("Tags {} → {}", list(&before), list(&incident.tags));
            Ok(Some((at, Kind::Edit, text)))
        },
        |ctx, incident, by, id| {
            // A tag added brings its runbooks, as a rising severity does.
            crate::runbook::attach_on_change(&store, ctx.stamp(None), incident, by, id)
        },
    )
}

/// Tags as `inc open --tag` keeps them: trimmed, empty ones dropped, each once, in order.
fn normalize(typed: &[String]) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in typed.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    tags
}

/// Tags are compared in any case, as `inc list --tag` finds them: `DB` is the tag `db`.
fn same(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}
