//! `inc use`: choose the incident later commands act on in this clone.

use anyhow::Result;

use super::Ctx;

/// Make an incident current for the commands that follow (kept in .git, not committed)
#[derive(Debug, clap::Args)]
pub struct Args {
    /// An exact id, a unique prefix or a unique substring
    #[arg(required_unless_present = "clear")]
    pub id: Option<String>,

    /// Forget the current incident
    #[arg(long, conflicts_with = "id")]
    pub clear: bool,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    match args.id {
        Some(query) => {
            let id = store.resolve(&query)?;
            store.set_current(Some(&id))?;
            writeln!(ctx.out, "Using {id}")?;
        }
        None => {
            store.set_current(None)?;
            writeln!(
                ctx.out,
                "No current incident; commands pick the only open one, or need -i ID"
            )?;
        }
    }
    Ok(())
}
