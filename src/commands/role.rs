//! `inc role`: hand a role over, add a second holder, or release one.

use anyhow::Result;

use super::{Ctx, record};
use crate::error::Error;
use crate::model::Kind;
use crate::model::roles::{self, RoleAction, RoleEvent};

/// Hand a role to a person (the previous holder is released), or add or release a holder
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub who: crate::cli::Person,

    /// The role, one of roles in .inc.yaml (incident-lead, technical-lead, scribe, comms-lead …)
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
    let at = ctx.at(args.at.as_deref())?;
    let action = match (args.add, args.remove) {
        (true, _) => RoleAction::Add,
        (_, true) => RoleAction::Remove,
        _ => RoleAction::Assign,
    };

    let _lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, &args.who)?;
    let events: Vec<RoleEvent> = store.load_log(&id)?;
    let holders = roles::holders(&events).remove(&role).unwrap_or_default();
    let holds = holders.contains(&person);
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
            let now = if holders.is_empty() {
                "nobody".to_string()
            } else {
                holders.join(", ")
            };
            return Err(Error::usage(format!(
                "{person} is not {role} (held by {now}): nothing to release"
            ))
            .into());
        }
        RoleAction::Remove => Some(format!("{person} is no longer {role}")),
    };
    let Some(text) = text else {
        writeln!(ctx.out, "{id}: {person} is already {role}")?;
        return Ok(());
    };

    let (when, recorded) = ctx.stamp(at);
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
    record(
        ctx,
        &store,
        &id,
        event,
        note,
        &format!("{id}: {verb} {role} {person}"),
    )?;
    writeln!(ctx.out, "{id}: {text}")?;
    Ok(())
}
