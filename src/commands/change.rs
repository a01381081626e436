//! `inc change`: production changes during an incident need the incident lead's approval.

use anyhow::Result;

use super::{Ctx, one_line};
use crate::error::Error;
use crate::model::roles::{self, LEAD};
use crate::model::timeline::{self, Change};
use crate::model::{Kind, RoleEvent, TimelineEntry};

/// Request a production change, or approve or reject one (incident lead only)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc change request \"Roll back checkout to v412\"\n  inc change approve            (the only pending change)\n  inc change reject 7q2kx --reason \"Not during peak\"\n  inc change approve 7q2kx --at \"2026-11-21 23:50\"   (writing it up afterwards)"
)]
pub struct Args {
    #[command(flatten)]
    pub recording: crate::cli::args::RecordingArgs,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Ask the incident lead to approve a change; prints the change's id
    Request {
        /// What will be changed, and how
        #[arg(required = true, num_args = 1.., value_name = "TEXT")]
        text: Vec<String>,
        #[command(flatten)]
        when: crate::cli::args::AtArg,
    },
    /// Approve a requested change (only the current incident lead)
    Approve {
        /// The change's id (or a unique prefix) [default: the only pending change]
        id: Option<String>,
        #[command(flatten)]
        when: crate::cli::args::AtArg,
    },
    /// Reject a requested change (only the current incident lead)
    Reject {
        /// The change's id (or a unique prefix) [default: the only pending change]
        id: Option<String>,
        /// Why, for the logbook
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        #[command(flatten)]
        when: crate::cli::args::AtArg,
    },
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let (Action::Request { when, .. } | Action::Approve { when, .. } | Action::Reject { when, .. }) =
        &args.action;
    let at = ctx.at_in_incident(&store, when.at.as_deref())?;
    let _lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, &args.who)?;

    let tz = ctx.clock.tz().clone();
    let (entry, message) = match args.action {
        Action::Request { text, .. } => {
            let text = text.join(" ");
            if text.trim().is_empty() {
                return Err(Error::usage("the change is empty: say what will be changed").into());
            }
            let entry = ctx.entry(at, &by, Kind::ChangeRequest, text.clone());
            (
                entry,
                format!("{id}: change request \"{}\"", one_line(&text, 60)),
            )
        }
        Action::Approve { id: query, .. } => {
            let entries: Vec<TimelineEntry> = store.load_log(&id)?;
            let request = decide(&store, &id, &entries, query.as_deref(), &by, (at, &tz))?;
            // The logbook keeps the request whole; only displays shorten it.
            let text = format!("Approved change {}: {}", request.id, request.text);
            let mut entry = ctx.entry(at, &by, Kind::ChangeApproved, text);
            entry.reference = Some(request.id.clone());
            (entry, format!("{id}: change approve {}", request.id))
        }
        Action::Reject {
            id: query, reason, ..
        } => {
            let entries: Vec<TimelineEntry> = store.load_log(&id)?;
            let request = decide(&store, &id, &entries, query.as_deref(), &by, (at, &tz))?;
            let mut text = format!("Rejected change {}: {}", request.id, request.text);
            if let Some(reason) = reason.filter(|r| !r.trim().is_empty()) {
                text.push_str(&format!(" (reason: {})", reason.trim()));
            }
            let mut entry = ctx.entry(at, &by, Kind::ChangeRejected, text);
            entry.reference = Some(request.id.clone());
            (entry, format!("{id}: change reject {}", request.id))
        }
    };
    let mut appended = [entry];
    let path = store.append(&id, &mut appended, ctx.id_seed())?;
    ctx.commit(&store, &[path], &message)?;
    let [entry] = appended;
    ctx.recorded(&store, &id, Some(&entry));
    match entry.kind {
        Kind::ChangeRequest => {
            let events: Vec<RoleEvent> = store.load_log(&id)?;
            let leads = roles::holders(&events).remove(LEAD).unwrap_or_default();
            let who = if leads.is_empty() {
                "the incident lead (nobody yet: inc role incident-lead PERSON)".to_string()
            } else {
                format!("the incident lead ({})", leads.join(", "))
            };
            writeln!(
                ctx.out,
                "{id}: change {} requested{}; {who} approves with: inc change approve {}",
                entry.id,
                ctx.other_day(at),
                entry.id
            )?;
        }
        _ => writeln!(
            ctx.out,
            "{id}: {}{}",
            one_line(&entry.text, 120),
            ctx.other_day(at)
        )?,
    }
    Ok(())
}

/// The pending request `query` names, if `by` is the incident lead and may decide it: at `at`
/// when the decision is backdated (then it must come after the request), else now.
fn decide<'a>(
    store: &crate::store::Store,
    id: &str,
    entries: &'a [TimelineEntry],
    query: Option<&str>,
    by: &str,
    (at, tz): (Option<crate::time::Time>, &jiff::tz::TimeZone),
) -> Result<&'a TimelineEntry> {
    let changes = timeline::changes(entries);
    let change = match query {
        Some(query) => find(&changes, query)?,
        None => only_pending(&changes)?,
    };
    if let Some(decision) = change.decision {
        let verb = if decision.kind == Kind::ChangeApproved {
            "approved"
        } else {
            "rejected"
        };
        return Err(Error::usage(format!(
            "change {} was already {verb} by {} at {}",
            change.request.id,
            decision.by,
            decision.at.short(tz)
        ))
        .into());
    }
    if let Some(at) = at.filter(|at| *at < change.request.at) {
        return Err(Error::usage(format!(
            "--at {} is before change {} was requested ({}): a decision comes after its request",
            at.short(tz),
            change.request.id,
            change.request.at.short(tz)
        ))
        .into());
    }
    let events: Vec<RoleEvent> = store.load_log(id)?;
    // A backdated decision is judged by who led then, as a backdated hand-over is.
    let (leads, then) = match at {
        Some(at) => (
            roles::holders_at(&events, at).remove(LEAD),
            format!(" at {}", at.short(tz)),
        ),
        None => (roles::holders(&events).remove(LEAD), String::new()),
    };
    let leads = leads.unwrap_or_default();
    if leads.is_empty() {
        return Err(Error::state(format!(
            "nobody is {LEAD}{then}, so nobody can approve change {}: assign one with `inc role {LEAD} PERSON`",
            change.request.id
        ))
        .into());
    }
    if !leads.iter().any(|lead| lead == by) {
        return Err(Error::state(format!(
            "{by} is not the {LEAD}{then}: only {} can approve or reject change {}",
            leads.join(" or "),
            change.request.id
        ))
        .into());
    }
    Ok(change.request)
}

/// The change an approval or rejection without an id means: the one pending, when there is
/// exactly one. With several, inc does not guess which the lead means.
fn only_pending<'a, 'b>(changes: &'b [Change<'a>]) -> Result<&'b Change<'a>> {
    let pending: Vec<&Change> = changes.iter().filter(|c| c.decision.is_none()).collect();
    match pending.as_slice() {
        [one] => Ok(one),
        [] => Err(Error::usage(
            "there are no pending change requests: request one with `inc change request TEXT`",
        )
        .into()),
        many => Err(Error::usage(format!(
            "{} changes are pending ({}): give the id of the one you mean",
            many.len(),
            pending_list(many)
        ))
        .into()),
    }
}

/// `7q2kx (Scale the pool), 9m4ra (Flush the CDN)`.
fn pending_list(pending: &[&Change]) -> String {
    pending
        .iter()
        .map(|c| format!("{} ({})", c.request.id, one_line(&c.request.text, 40)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn find<'a, 'b>(changes: &'b [Change<'a>], query: &str) -> Result<&'b Change<'a>> {
    let matches: Vec<&Change> = match changes.iter().find(|c| c.request.id == query) {
        Some(exact) => vec![exact],
        None => changes
            .iter()
            .filter(|c| c.request.id.starts_with(query))
            .collect(),
    };
    match matches.as_slice() {
        [one] => Ok(one),
        [] => {
            let pending: Vec<&Change> = changes.iter().filter(|c| c.decision.is_none()).collect();
            let hint = if pending.is_empty() {
                "there are no pending change requests".to_string()
            } else {
                format!("pending: {}", pending_list(&pending))
            };
            Err(Error::usage(format!("no change request \"{query}\": {hint}")).into())
        }
        many => {
            let ids: Vec<&str> = many.iter().map(|c| c.request.id.as_str()).collect();
            Err(Error::usage(format!(
                "\"{query}\" matches changes {}: give more of the id",
                ids.join(", ")
            ))
            .into())
        }
    }
}
