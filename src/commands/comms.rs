//! `inc comms`: record an update sent to an audience, and say when the next one is due.

use anyhow::Result;

use super::{Ctx, record};
use crate::error::Error;
use crate::model::Kind;
use crate::model::comms::{self, CommsEntry};
use crate::time::format_duration;

/// Record an update sent to an audience (what was said, to whom, where, when)
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub who: crate::cli::Person,

    /// The message as sent; quote it, or pass several words
    #[arg(required = true, num_args = 1.., value_name = "MESSAGE")]
    pub message: Vec<String>,

    /// Who it went to: one of audiences in .inc.yaml (internal, customers, executives)
    #[arg(long, value_name = "AUDIENCE", add = crate::complete::audiences())]
    pub to: String,

    /// Where it was sent: one of channels in .inc.yaml (email, chat, status-page, phone)
    #[arg(long, value_name = "CHANNEL", add = crate::complete::channels())]
    pub channel: Option<String>,

    /// When it was sent [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let message = args.message.join(" ");
    if message.trim().is_empty() {
        return Err(Error::usage("the message is empty: quote the update as it was sent").into());
    }
    let store = ctx.store()?;
    let audience = store.config().audience(&args.to)?;
    let channel = args
        .channel
        .as_deref()
        .map(|c| store.config().channel(c))
        .transpose()?;
    let at = ctx.at_in_incident(&store, args.at.as_deref())?;

    let _lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, &args.who)?;
    let incident = store.load_incident(&id)?;
    let mut sent: Vec<CommsEntry> = store.load_log(&id)?;
    let (when, recorded) = ctx.stamp(at);
    let before = comms::due(&incident, &sent, store.config(), when);
    let too_soon = before
        .iter()
        .find(|d| d.audience == audience)
        .and_then(|d| Some((d.last?, d.not_before?)))
        .filter(|(last, not_before)| *last <= when && when < *not_before);

    let entry = CommsEntry {
        id: String::new(),
        conflict_of: None,
        at: when,
        recorded,
        by: by.clone(),
        audience: audience.clone(),
        channel: channel.clone(),
        message: message.clone(),
    };
    let via = channel
        .as_deref()
        .map(|c| format!(" via {c}"))
        .unwrap_or_default();
    let note = ctx.entry(
        at,
        &by,
        Kind::Comms,
        // The logbook keeps the message whole, as sent; only displays shorten it.
        format!("Update to {audience}{via}: {message}"),
    );
    let (entry, _) = record(
        ctx,
        &store,
        &id,
        entry,
        note,
        &format!("{id}: comms to {audience}"),
    )?;

    if let Some((last, _)) = too_soon {
        crate::eprintln_escaped!(
            "note: the previous update to {audience} was {} earlier; the cadence asks for at least {} between updates",
            format_duration(when.since(last)),
            store.config().cadence_for(&incident.severity).min
        );
    }
    sent.push(entry);
    let next = comms::due(&incident, &sent, store.config(), ctx.clock.now())
        .into_iter()
        .find(|d| d.audience == audience);
    let sent_at = ctx.other_day(at);
    match next {
        Some(next) => writeln!(
            ctx.out,
            "{id}: update to {audience} recorded{sent_at}; the next is due by {}",
            ctx.clock.show(next.due)
        )?,
        None => writeln!(ctx.out, "{id}: update to {audience} recorded{sent_at}")?,
    }
    Ok(())
}
