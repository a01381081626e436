//! `inc log`: append one entry to the incident's logbook.

use anyhow::Result;

use super::{Ctx, one_line};
use crate::error::Error;
use crate::model::Kind;

/// Append an entry to the logbook (timeline.yaml)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc log \"Rolled back to v412\"\n  inc log --kind decision --key \"Fail over to the replica\"\n  inc log --public \"Payments are processed again; we are watching closely\"\n  tail -n 20 app.log | inc log --internal -"
)]
pub struct Args {
    #[command(flatten)]
    pub recording: crate::cli::args::RecordingArgs,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// What happened; quote it, or pass several words; `-` reads it from standard input
    #[arg(required = true, num_args = 1.., value_name = "TEXT")]
    pub text: Vec<String>,

    /// When it happened [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,

    /// What sort of entry this is
    #[arg(long, value_enum, default_value = "event", ignore_case = true)]
    pub kind: KindArg,

    /// Put it in the summary timeline of reports and the post-mortem (for the team; it does not
    /// make the entry public)
    #[arg(long)]
    pub key: bool,

    /// Never show it to customers
    #[arg(long, conflicts_with = "public")]
    pub internal: bool,

    /// Customers may see it: the status page and the external report show it
    #[arg(long)]
    pub public: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum KindArg {
    Event,
    Action,
    Decision,
    Observation,
    Detection,
}

impl From<KindArg> for Kind {
    fn from(kind: KindArg) -> Kind {
        match kind {
            KindArg::Event => Kind::Event,
            KindArg::Action => Kind::Action,
            KindArg::Decision => Kind::Decision,
            KindArg::Observation => Kind::Observation,
            KindArg::Detection => Kind::Detection,
        }
    }
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let text = if args.text == ["-"] {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|_| Error::usage("standard input is not valid UTF-8 text"))?;
        text
    } else {
        args.text.join(" ")
    };
    if text.trim().is_empty() {
        return Err(Error::usage(
            "the text is empty: say what happened, like inc log \"Restarted the API pods\"",
        )
        .into());
    }
    let store = ctx.store()?;
    let at = ctx.at_in_incident(&store, args.at.as_deref())?;
    let _lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, &args.who)?;
    let mut entry = ctx.entry(at, &by, args.kind.into(), text);
    entry.key = args.key;
    entry.internal = args.internal;
    entry.public = args.public;
    let mut entries = [entry];
    let path = store.append(&id, &mut entries, ctx.id_seed())?;
    let [entry] = entries;
    ctx.commit(
        &store,
        &[path],
        &format!("{id}: log \"{}\"", one_line(&entry.text, 60)),
    )?;
    ctx.recorded(&store, &id, Some(&entry));
    writeln!(
        ctx.out,
        "{} logged {} in {id}",
        ctx.clock.show(entry.at),
        entry.id
    )?;
    Ok(())
}
