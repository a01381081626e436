//! `inc role`: hand a role over, add a second holder, or release one.

use anyhow::Result;

use super::{Ctx, record};
use crate::error::Error;
use crate::model::Kind;
use crate::model::roles::{self, RoleAction, RoleEvent};

/// Hand a role to a person (the previous holder is released), or add or release a holder
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc role incident-lead bob\n  inc role comms-lead carol --add\n  inc role scribe dave --remove"
)]
pub struct Args {
    #[command(flatten)]
    pub recording: crate::cli::args::RecordingArgs,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// The role, one of roles in .inc.yaml (incident-lead, technical-lead, scribe, comms-lead …)
    #[arg(add = crate::cli::complete::roles())]
    pub role: String,

    /// Who takes (or, with --remove, leaves) the role
    pub person: String,

    /// When it happened [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,

    /// Add PERSON as another holder instead of handing the role over (comms-lead, tester)
    #[arg(long, conflicts_with = "remove")]
    pub add: bool,

    /// Release PERSON from the role
    #[arg(long)]
    pub remove: bool,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let role = store.config().role(&args.role)?;
    let person = args.person.trim().to_string();
    if person.is_empty() {
        return Err(Error::usage("the person is empty: name who takes the role").into());
    }
    let at = ctx.at_in_incident(&store, args.at.as_deref())?;
    let action = match (args.add, args.remove) {
        (true, _) => RoleAction::Add,
        (_, true) => RoleAction::Remove,
        _ => RoleAction::Assign,
    };

    let _lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, &args.who)?;
    let events: Vec<RoleEvent> = store.load_log(&id)?;
    // A backdated change takes effect at its time: judge it by who held the role then.
    let (when, recorded) = ctx.stamp(at);
    let holders = match at {
        Some(at) => roles::holders_at(&events, at),
        None => roles::holders(&events),
    }
    .remove(&role)
    .unwrap_or_default();
    let holds = holders.contains(&person);
    let then = ctx.other_day(at);
    let text = match action {
        RoleAction::Assign if holders == [person.clone()] => None,
        RoleAction::Assign if holders.is_empty() => Some(format!("{person} is {role}")),
        RoleAction::Assign => {
            let others: Vec<&str> = holders
                .iter()
                .filter(|h| **h != person)
                .map(String::as_str)
                .collect();
            Some(format!(
                "{person} is {role}, taking over from {}",
                others.join(", ")
            ))
        }
        RoleAction::Add if holds => None,
        RoleAction::Add => Some(format!("{person} is also {role}")),
        RoleAction::Remove if !holds => {
            let held = if holders.is_empty() {
                "nobody".to_string()
            } else {
                holders.join(", ")
            };
            let Some(at) = at else {
                return Err(Error::usage(format!(
                    "{person} is not {role} (held by {held}): nothing to release"
                ))
                .into());
            };
            // Say when they did hold it, so the right --at is easy to find.
            let tenures: Vec<String> = roles::tenures(&events)
                .iter()
                .filter(|t| t.role == role && t.person == person)
                .map(|t| match t.until {
                    Some(until) => {
                        format!("{} to {}", ctx.clock.show(t.from), ctx.clock.show(until))
                    }
                    None => format!("from {}", ctx.clock.show(t.from)),
                })
                .collect();
            let held_by_person = if tenures.is_empty() {
                format!("{person} never held it")
            } else {
                format!("{person} held it {}", tenures.join(", "))
            };
            return Err(Error::usage(format!(
                "{person} was not {role} at {} (held by {held} then; {held_by_person}): a release takes effect at --at, so give a time while {person} held it",
                ctx.clock.long(at)
            ))
            .into());
        }
        RoleAction::Remove => Some(format!("{person} is no longer {role}")),
    };
    let Some(text) = text else {
        match at {
            Some(at) => writeln!(
                ctx.out,
                "{id}: {person} was already {role} at {}",
                ctx.clock.show(at)
            )?,
            None => writeln!(ctx.out, "{id}: {person} is already {role}")?,
        }
        return Ok(());
    };

    let event = RoleEvent {
        id: String::new(),
        conflict_of: None,
        at: when,
        recorded,
        by: by.clone(),
        action,
        role: role.clone(),
        person: person.clone(),
    };
    let note = ctx.entry(at, &by, Kind::Role, text.clone());
    let verb = match action {
        RoleAction::Assign => "role",
        RoleAction::Add => "role --add",
        RoleAction::Remove => "role --remove",
    };
    let (event, _) = record(
        ctx,
        &store,
        &id,
        event,
        note,
        &format!("{id}: {verb} {role} {person}"),
    )?;
    writeln!(ctx.out, "{id}: {text}{then}")?;
    if at.is_some() && action != RoleAction::Remove {
        // A backdated hand-over may be followed by a later one: say how long it lasted.
        let mut all = events;
        all.push(event);
        if let Some(until) = roles::tenures(&all)
            .iter()
            .find(|t| t.role == role && t.person == person && t.from == when)
            .and_then(|t| t.until)
        {
            eprintln!(
                "note: a later change ends it: {person} held {role} until {}",
                ctx.clock.show(until)
            );
        }
    }
    Ok(())
}
