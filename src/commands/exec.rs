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
pub struct Args {
    #[command(flatten)]
    pub who: crate::cli::Person,

    /// Also put the entry in the summary timeline
    #[arg(long)]
    pub key: bool,

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
    let logged = (|| {
        let _lock = ctx.lock(&store)?;
        let path = store.append(&id, &mut [entry], ctx.id_seed())?;
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
            writeln!(ctx.out, "{id}: logged {}", one_line(&text, 100))?;
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
