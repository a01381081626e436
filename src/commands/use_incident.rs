//! `inc use`: choose the incident later commands act on in this clone, or say which one they act on.

use anyhow::Result;

use super::{Ctx, Current, JustResolved, current_choice, just_resolved, open_phrase};
use crate::error::Error;
use crate::store::Store;
use crate::time::format_duration;

/// Make an incident current for the commands that follow (kept in .git, not committed); without
/// an ID, print which incident commands act on and why
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  inc use checkout\n  inc use\n  inc use --clear")]
pub struct Args {
    /// An exact id, a unique prefix or a unique substring
    #[arg(add = crate::cli::complete::incidents())]
    pub id: Option<String>,

    /// Forget the current incident
    #[arg(long, conflicts_with = "id")]
    pub clear: bool,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    if args.clear {
        store.set_current(None)?;
        writeln!(
            ctx.out,
            "No current incident; commands pick the only open one, or need -i ID"
        )?;
        return Ok(());
    }
    let Some(query) = args.id else {
        let line = describe(&store, &ctx.clock)?;
        writeln!(ctx.out, "{line}")?;
        return Ok(());
    };
    let id = store.resolve(&query)?;
    let incident = store.load_incident(&id)?;
    if !incident.status.is_open() {
        // The same rule as for a choice that went stale (Ctx::current): while another incident is
        // open, a resolved one is only acted on when named.
        let open = store.open_ids()?;
        if !open.is_empty() {
            return Err(Error::usage(format!(
                "{id} is {} while {}: then `inc use` chooses only open incidents; name {id} with -i {id} instead",
                incident.status,
                open_phrase(&open)
            ))
            .into());
        }
    }
    store.set_current(Some(&id))?;
    writeln!(ctx.out, "Using {id}")?;
    Ok(())
}

/// Which incident a command without -i acts on, and how it was chosen; or "none" and what to do.
fn describe(store: &Store, clock: &crate::time::Clock) -> Result<String> {
    let current = current_choice(store)?;
    if let Current::Chosen(_) = current {
        return Ok(current.describe());
    }
    if let Current::Stale { .. } = current {
        return Ok(format!(
            "none: {}; choose with `inc use ID`, or name one with -i ID",
            current.describe()
        ));
    }
    let open = store.open_ids()?;
    Ok(match open.as_slice() {
        [one] => format!("{one} (the only open incident)"),
        [] => match just_resolved(store, clock)? {
            JustResolved::One(id, at) => format!(
                "{id} (resolved {} ago and no incident is open; until {})",
                format_duration(clock.now().since(at)),
                clock.show(at + store.config().resolved_grace.0)
            ),
            JustResolved::Many(many) => format!(
                "none: no incident is open and {} were resolved in the last {} ({}); choose with `inc use ID`",
                many.len(),
                store.config().resolved_grace,
                many.join(", ")
            ),
            JustResolved::None => {
                "none: no incident is open; `inc open TITLE` opens one".to_string()
            }
        },
        many => format!(
            "none: {} incidents are open ({}); choose with `inc use ID`",
            many.len(),
            many.join(", ")
        ),
    })
}
