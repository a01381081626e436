//! inc: run production incidents from a shell, with every incident kept as plain files in git.
//!
//! The binary calls [`main`]; tests and the demo call [`run`] with their own [`Env`], so nothing
//! here reads the process environment except [`Env::from_process`].
//!
//! # The layers
//!
//! Each module names only modules on its own floor or below (checked by `tests/layers.rs`):
//!
//! | floor | modules | what they are |
//! |---|---|---|
//! | 6 | `cli` (parser, `run`, `needs`, `globals`) | the command line: parses, decides what a command needs, dispatches |
//! | 5 | `commands` | one module per command: check arguments, call the domain, say what was done |
//! | 4 | `cli::{args, env, settings, term, complete}` | what commands share from the command line |
//! | 3 | `views`, `report`, `check`, `site`, `public`, `hooks`, `webhooks`, `import`, `export`, `runbook`, `related`, `duties`, `stats`, `search`, `actions`, `maintenance`, `merge`, `sla`, `chart`, `editor` | renderers and the domain: pure or on a [`store::Store`] |
//! | 2 | `store` | the repository on disk: its layout, reading, writing, locking, the loaded incident |
//! | 1 | `model`, `git`, `time` | the file formats, git (git2 only here), times |
//! | 0 | `error`, `text`, `names`, `journal`, `svg` | vocabulary every layer uses |
//!
//! The crate root re-exports [`Env`], [`Color`] and [`Error`] for every layer.

pub mod actions;
pub mod chart;
pub mod check;
pub mod cli;
pub mod commands;
pub mod duties;
pub mod editor;
pub mod error;
pub mod export;
pub mod git;
pub mod hooks;
pub mod import;
pub mod journal;
pub mod maintenance;
pub mod merge;
pub mod model;
pub mod names;
pub mod public;
pub mod related;
pub mod report;
pub mod runbook;
pub mod search;
pub mod site;
pub mod sla;
pub mod stats;
pub mod store;
pub mod svg;
pub mod text;
pub mod time;
pub mod views;
pub mod webhooks;

use std::ffi::OsString;
use std::io::Write;

pub use cli::env::{Color, Env};

/// `0.2.0 (abc1234 2026-11-24)`: the commit and its date come from build.rs, and are left out of
/// a build outside a git checkout.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("INC_BUILD_INFO"));
pub use error::Error;

/// Runs inc as a process: parses `std::env::args`, prints errors, returns the exit code.
pub fn main() -> i32 {
    if let Some(code) = cli::complete::handle(<cli::Cli as clap::CommandFactory>::command) {
        return code;
    }
    let cli = match cli::parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return err.exit_code();
        }
    };
    let env = Env::from_process();
    let mut stdout = std::io::stdout().lock();
    let pager = pager_for(&cli, &env).and_then(|command| cli::term::Pager::start(&command));
    let (result, pager) = match pager {
        Some(mut pager) => {
            let result = cli::run(cli, &env, &mut pager).and_then(|()| Ok(pager.flush()?));
            (result, Some(pager))
        }
        None => (
            cli::run(cli, &env, &mut stdout).and_then(|()| Ok(stdout.flush()?)),
            None,
        ),
    };
    if let Some(pager) = pager {
        pager.finish();
    }
    match result {
        Ok(()) => 0,
        Err(err) if is_broken_pipe(&err) => 0,
        Err(err) if matches!(err.downcast_ref::<Error>(), Some(Error::Exit(_))) => exit_code(&err),
        Err(err) => {
            eprintln_escaped!("error: {err:#}");
            exit_code(&err)
        }
    }
}

/// The pager for this command line, when its output is long and goes to a terminal (see
/// [`cli::term::pager`]).
fn pager_for(cli: &cli::Cli, env: &Env) -> Option<String> {
    use std::io::IsTerminal;
    let off = cli.command.needs().pager?;
    cli::term::pager(off, env.pager.as_deref(), std::io::stdout().is_terminal())
}

/// Parses `args` (without the program name) and runs them, as the demo replays commands.
pub fn run<I, T>(args: I, env: &Env, out: &mut dyn Write) -> anyhow::Result<()>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let argv = std::iter::once(OsString::from("inc")).chain(args.into_iter().map(Into::into));
    let cli = cli::parse_from(argv).map_err(|e| Error::usage(e.to_string()))?;
    cli::run(cli, env, out)
}

/// 2 when the user typed something wrong, 3 when it is saved but not committed, 1 for any other
/// failure.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    // "Saved but not committed" is context around the git error that caused it, which `chain`
    // does not show as an `Error`; it decides the code whatever the cause.
    if let Some(saved @ Error::Uncommitted(_)) = err.downcast_ref::<Error>() {
        return saved.exit_code();
    }
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Error>())
        .map_or(1, Error::exit_code)
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
