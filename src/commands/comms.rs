//! `inc comms`: record an update sent to an audience, and say when the next one is due.

use anyhow::Result;

use super::{Ctx, record};
use crate::error::Error;
use crate::model::cadence::Schedule;
use crate::model::comms::{self, CommsEntry};
use crate::model::{Kind, TimelineEntry};
use crate::time::format_duration;

/// Record an update sent to an audience (what was said, to whom, where, when)
///
/// With --send the update is recorded (and committed) first, then posted to the channel's
/// webhook (webhooks: in .inc.yaml), and how that went is recorded on it. A failed post exits 1
/// with the update kept; `inc status` shows it and `inc comms --retry` posts it again. A webhook
/// is posted to only once this clone trusts it (`inc webhooks trust`).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc comms --to customers --channel status-page \"We are investigating failed checkouts\"\n  inc comms --to internal --channel chat --at 14:50 \"Bridge open in #inc-checkout\"\n  inc comms --to internal --channel chat --send \"Rollback done, error rate falling\"\n  inc comms snooze executives 4h",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Args {
    #[command(flatten)]
    pub recording: crate::cli::args::RecordingArgs,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// The message as sent; quote it, or pass several words (not with --draft or --retry)
    #[arg(
        num_args = 1..,
        value_name = "MESSAGE",
        required_unless_present_any = ["draft", "retry"],
        conflicts_with_all = ["draft", "retry"]
    )]
    pub message: Vec<String>,

    /// Who it went to: one of audiences in .inc.yaml (internal, customers, executives)
    #[arg(
        long,
        value_name = "AUDIENCE",
        required_unless_present = "retry",
        add = crate::cli::complete::audiences()
    )]
    pub to: Option<String>,

    /// Where it was sent: one of channels in .inc.yaml (email, chat, status-page, phone)
    #[arg(long, value_name = "CHANNEL", add = crate::cli::complete::channels())]
    pub channel: Option<String>,

    /// When it was sent [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,

    /// Also post it to the channel's webhook (webhooks: in .inc.yaml), after recording it
    #[arg(long, requires = "channel")]
    pub send: bool,

    /// Write the message from the update template for the audience and print it; records
    /// nothing unless --send is given too
    #[arg(long)]
    pub draft: bool,

    /// Post again every update of the incident whose delivery failed and that this clone
    /// recorded, and record how it went; others (pulled from a teammate) are shown, not posted
    #[arg(long, conflicts_with_all = ["to", "channel", "at", "send", "draft"])]
    pub retry: bool,

    /// With --retry: also post the failed updates this clone did not record
    #[arg(long)]
    pub yes: bool,

    #[command(subcommand)]
    pub action: Option<Action>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    Snooze(super::comms_snooze::Args),
}

impl Args {
    /// Whether this records an update (or posts one): what the `comms` hook runs for; a snooze
    /// fires `snooze`.
    pub fn is_update(&self) -> bool {
        self.action.is_none()
    }
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    if let Some(Action::Snooze(snooze)) = args.action {
        return super::comms_snooze::run(ctx, snooze, &args.who);
    }
    // Not clap's `requires`: a flag's default `false` counts as given there.
    if args.yes && !args.retry {
        return Err(Error::usage(
            "--yes only goes with --retry: `inc comms --retry --yes` posts the failed updates this clone did not record",
        )
        .into());
    }
    if args.retry {
        return super::comms_send::retry(ctx, args.yes);
    }
    let to = args.to.as_deref().unwrap_or_default();
    let mut message = args.message.join(" ");
    if message.trim().is_empty() && !args.draft {
        return Err(Error::usage("the message is empty: quote the update as it was sent").into());
    }
    let store = ctx.store()?;
    let audience = store.config().audience(to)?;
    let channel = args
        .channel
        .as_deref()
        .map(|c| store.config().channel(c))
        .transpose()?;
    let at = ctx.at_in_incident(&store, args.at.as_deref())?;
    // Where to post is checked before anything is recorded: an unset variable is fixed and the
    // command run again, with nothing to clean up.
    let target = match (&channel, args.send) {
        (Some(channel), true) => Some(crate::webhooks::target(store.config(), channel)?),
        _ => None,
    };
    if args.draft {
        let id = ctx.incident(&store, None)?;
        message = crate::report::update_draft(&store, &id, &audience, &ctx.clock)?;
        writeln!(ctx.out, "{message}")?;
        if !args.send {
            return Ok(());
        }
        writeln!(ctx.out)?;
    }

    let lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, &args.who)?;
    let incident = store.load_incident(&id)?;
    let mut sent: Vec<CommsEntry> = store.load_log(&id)?;
    let mut timeline: Vec<TimelineEntry> = store.load_log(&id)?;
    let (when, recorded) = ctx.stamp(at);
    let before = comms::due(&incident, &sent, &timeline, store.config(), when);
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
        delivery: None,
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
    let (entry, note) = record(
        ctx,
        &store,
        &id,
        entry,
        note,
        &format!("{id}: comms to {audience}"),
    )?;
    if target.is_some() {
        // Before the post: this clone's own updates are the ones `--retry` posts unasked.
        store.note_sent(&id, &entry)?;
    }

    if let Some((last, _)) = too_soon {
        crate::eprintln_escaped!(
            "note: the previous update to {audience} was {} earlier; the cadence asks for at least {} between updates",
            format_duration(when.since(last)),
            Schedule::new(store.config(), &audience, &incident, &timeline)
                .cadence_at(when)
                .min
        );
    }
    let recorded_entry = entry.clone();
    sent.push(entry);
    timeline.push(note);
    let next = comms::due(&incident, &sent, &timeline, store.config(), ctx.clock.now())
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
    // The post waits for the network: other commands may record meanwhile.
    drop(lock);
    if let Some(target) = target {
        super::comms_send::deliver(ctx, &store, &id, &incident, &recorded_entry, &target)?;
    }
    Ok(())
}
