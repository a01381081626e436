//! `inc exec`: run a command with the terminal attached and log what ran, how it ended and how long
//! it took.

use std::time::Instant;

use anyhow::Result;

use super::{Ctx, one_line};
use crate::error::Error;
use crate::model::Kind;
use crate::time::format_duration;

/// Run a command and log it (command line, exit status, duration) as an action
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc exec -- kubectl rollout undo deploy/checkout\n  inc exec --key -- systemctl restart pgbouncer\n  inc exec --step break-glass:2 -- ./scripts/failover.sh"
)]
pub struct Args {
    #[command(flatten)]
    pub recording: crate::cli::args::RecordingArgs,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// Also put the entry in the summary timeline
    #[arg(long)]
    pub key: bool,

    /// A pre-approved runbook step (NAME:N, or N with one runbook attached) this command carries
    /// out: it runs without the incident lead's approval and is ticked when it succeeds
    #[arg(long, value_name = "STEP", add = crate::cli::complete::steps())]
    pub step: Option<String>,

    /// The command and its arguments, after `--`
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    pub command: Vec<String>,
}

/// The exit code a shell reports when a command cannot be started.
const NOT_STARTED: i32 = 127;

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    // Everything that can be refused is checked before the command runs.
    let store = ctx.store()?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, &args.who)?;
    ctx.ready_to_commit(&store)?;
    let line = shell_line(&args.command);
    let step = match &args.step {
        Some(input) => Some(pre_approved(
            &store,
            &id,
            input,
            &args.command,
            ctx.clock.tz(),
        )?),
        None => None,
    };
    warn_of_pending_changes(&store, &id)?;
    let started = ctx.clock.now();

    let clock = Instant::now();
    let status = std::process::Command::new(&args.command[0])
        .args(&args.command[1..])
        .status();
    let took = jiff::SignedDuration::try_from(clock.elapsed()).unwrap_or_default();
    let (code, outcome) = match &status {
        Ok(status) => match (status.code(), signal(status)) {
            (Some(code), _) => (code, format!("exit {code}")),
            (None, Some(signal)) => (128 + signal, format!("killed by signal {signal}")),
            (None, None) => (1, "ended without a status".to_string()),
        },
        Err(err) => (NOT_STARTED, format!("could not start: {err}")),
    };

    let text = format!("$ {line} → {outcome} after {}", format_duration(took));
    let mut entry = ctx.entry(Some(started), &by, Kind::Action, text.clone());
    entry.recorded = None;
    entry.key = args.key;
    // Command lines name hosts and internals: never shown to customers.
    entry.internal = true;
    let mut entries = vec![entry];
    if let Some(step) = step.as_ref().filter(|_| code == 0) {
        entries.push(step.tick(ctx.stamp(None), &by, " (inc exec)"));
    }
    let logged = (|| {
        let _lock = ctx.lock(&store)?;
        let path = store.append(&id, &mut entries, ctx.id_seed())?;
        ctx.commit(
            &store,
            &[path],
            &format!("{id}: exec \"{}\"", one_line(&line, 60)),
        )
    })();
    if let Err(err) = &status {
        crate::eprintln_escaped!("error: cannot run {}: {err}", args.command[0]);
    }
    match logged {
        Ok(()) => {
            ctx.recorded(&store, &id, entries.first());
            writeln!(ctx.out, "{id}: logged {}", one_line(&text, 100))?;
            match &step {
                Some(step) if code == 0 => writeln!(ctx.out, "{id}: done {}", step.reference())?,
                Some(step) => writeln!(
                    ctx.out,
                    "{id}: {} stays open: the command failed",
                    step.reference()
                )?,
                None => {}
            }
            if code == 0 {
                Ok(())
            } else {
                Err(Error::Exit(code).into())
            }
        }
        Err(err) => {
            crate::eprintln_escaped!(
                "error: the command ran ({outcome}) but was not logged: {err:#}"
            );
            Err(Error::Exit(if code == 0 { 1 } else { code }).into())
        }
    }
}

/// The runbook step `input` names, if it may run without approval: it is pre-approved, and when
/// it names commands (in backticks), `command` is one of them. Anything else goes through
/// `inc change request`, as every production change does.
fn pre_approved(
    store: &crate::store::Store,
    id: &str,
    input: &str,
    command: &[String],
    tz: &jiff::tz::TimeZone,
) -> Result<crate::runbook::Found> {
    let found = crate::runbook::find_step(store, id, input, tz)?;
    let step = found.step();
    if !step.pre_approved {
        return Err(Error::usage(format!(
            "{} is not pre-approved: ask the incident lead with `inc change request \"{}\"`, then run it with `inc exec -- CMD` once approved",
            found.reference(),
            one_line(&step.text, 60)
        ))
        .into());
    }
    let typed = command.join(" ");
    let normal = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    if !step.commands.is_empty() && !step.commands.iter().any(|c| normal(c) == normal(&typed)) {
        return Err(Error::usage(format!(
            "{} pre-approves `{}`, not `{}`: run that command, or ask for this one with `inc change request`",
            found.reference(),
            one_line(&step.commands.join("` or `"), 100),
            one_line(&typed, 60)
        ))
        .into());
    }
    Ok(found)
}

/// Says on stderr, before the command runs, which change requests still wait for the incident
/// lead: the command may be one of them, run ahead of its approval. A warning, not a refusal:
/// inc cannot tell what a command changes, and most commands during an incident change nothing.
fn warn_of_pending_changes(store: &crate::store::Store, id: &str) -> Result<()> {
    let entries: Vec<crate::model::TimelineEntry> = store.load_log(id)?;
    let pending: Vec<String> = crate::model::timeline::changes(&entries)
        .into_iter()
        .filter(|c| c.decision.is_none())
        .map(|c| format!("{} ({})", c.request.id, one_line(&c.request.text, 40)))
        .collect();
    match pending.as_slice() {
        [] => {}
        [one] => crate::eprintln_escaped!(
            "warning: change {one} awaits the incident lead's approval: if this command carries it out, wait for `inc change approve`"
        ),
        many => crate::eprintln_escaped!(
            "warning: {} changes await the incident lead's approval ({}): if this command carries one out, wait for `inc change approve ID`",
            many.len(),
            many.join(", ")
        ),
    }
    Ok(())
}

#[cfg(unix)]
fn signal(status: &std::process::ExitStatus) -> Option<i32> {
    std::os::unix::process::ExitStatusExt::signal(status)
}

#[cfg(not(unix))]
fn signal(_: &std::process::ExitStatus) -> Option<i32> {
    None
}

/// The command line as someone would type it into a shell.
fn shell_line(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let plain = !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
            if plain {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
