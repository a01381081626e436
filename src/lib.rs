//! inc: run production incidents from a shell, with every incident kept as plain files in git.
//!
//! The binary calls [`main`]; tests and the demo call [`run`] with their own [`Env`], so nothing
//! here reads the process environment except [`Env::from_process`].

pub mod actions;
pub mod chart;
pub mod check;
pub mod cli;
pub mod commands;
pub mod complete;
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
pub mod postmortem;
pub mod public;
pub mod refresh;
pub mod related;
pub mod report;
pub mod runbook;
pub mod search;
pub mod site;
pub mod sla;
pub mod stats;
pub mod store;
pub mod term;
pub mod text;
pub mod time;
pub mod user_config;
pub mod views;
pub mod webhooks;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

pub use error::Error;

/// What inc reads from its environment, gathered in one place so tests and the demo can pin it.
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// The directory inc was started in.
    pub cwd: PathBuf,
    /// `$INC_REPO`: the repository to use when `-C` is not given.
    pub repo: Option<PathBuf>,
    /// `$INC_USER`, else `user` in the user's config file: who is acting, when `--by` is not given.
    pub user: Option<String>,
    /// `$INC_NOW`: an RFC 3339 time that pins the clock.
    pub now: Option<String>,
    /// `$VISUAL`, else `$EDITOR`, else `editor` in the user's config file: the command that
    /// edits a file.
    pub editor: Option<String>,
    /// Whether to colour output: `$NO_COLOR` turns it off, `$CLICOLOR_FORCE` on even in a pipe.
    pub color: Color,
    /// How wide the output may be: `$COLUMNS`, else the terminal's width; `None` in a pipe.
    pub columns: Option<usize>,
    /// `$INC_PAGER`, else `$PAGER`: the first that is set, even to nothing (which means none).
    pub pager: Option<String>,
    /// Whether stdin and stdout are both terminals, so a person can be asked (`inc open` offers
    /// the severities when `--sev` is not given); never in a pipe, a script or a test.
    pub interactive: bool,
    /// `$INC_NO_HOOKS` (set, and not `0`): run no hooks, as `--no-hooks` on every command.
    pub no_hooks: bool,
    /// The user's config file and the variables that override it, for `inc config` (the values
    /// in force are in the fields above).
    pub settings: user_config::Settings,
}

/// When to print colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Never,
    // Only when printing to a terminal.
    #[default]
    Auto,
    Always,
}

impl Env {
    pub fn from_process() -> Env {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let settings = user_config::Settings::from_process();
        // A file that does not parse stops the command (see `commands::run`), not this.
        let file = settings.file().unwrap_or_default();
        let nonempty = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        Env {
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            repo: var("INC_REPO").map(PathBuf::from),
            user: var("INC_USER").or(nonempty(file.user)),
            now: var("INC_NOW"),
            editor: var("VISUAL")
                .or_else(|| var("EDITOR"))
                .or(nonempty(file.editor)),
            color: if var("NO_COLOR").is_some() {
                Color::Never
            } else if var("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                Color::Always
            } else {
                match file.color {
                    Some(user_config::ColorChoice::Always) => Color::Always,
                    Some(user_config::ColorChoice::Never) => Color::Never,
                    Some(user_config::ColorChoice::Auto) | None => Color::Auto,
                }
            },
            columns: var("COLUMNS")
                .and_then(|c| c.trim().parse().ok())
                .filter(|&c| c > 0)
                .or_else(|| {
                    use std::io::IsTerminal;
                    let stdout = std::io::stdout();
                    match terminal_size::terminal_size_of(&stdout) {
                        Some((width, _)) if width.0 > 0 => Some(usize::from(width.0)),
                        // A terminal that says it has no width (a fresh pseudo-terminal).
                        _ if stdout.is_terminal() => Some(80),
                        _ => None,
                    }
                }),
            pager: std::env::var("INC_PAGER")
                .or_else(|_| std::env::var("PAGER"))
                .ok()
                .or(file.pager),
            interactive: {
                use std::io::IsTerminal;
                std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
            },
            no_hooks: var("INC_NO_HOOKS").is_some_and(|v| v != "0"),
            settings,
        }
    }
}

/// Runs inc as a process: parses `std::env::args`, prints errors, returns the exit code.
pub fn main() -> i32 {
    if let Some(code) = complete::handle() {
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
    let pager = pager_for(&cli, &env).and_then(|command| term::Pager::start(&command));
    let (result, pager) = match pager {
        Some(mut pager) => {
            let result = commands::run(cli, &env, &mut pager).and_then(|()| Ok(pager.flush()?));
            (result, Some(pager))
        }
        None => (
            commands::run(cli, &env, &mut stdout).and_then(|()| Ok(stdout.flush()?)),
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

/// The pager for this command line, when its output is long (`show`, `report`, `search`) and
/// goes to a terminal (see [`term::pager`]).
fn pager_for(cli: &cli::Cli, env: &Env) -> Option<String> {
    use std::io::IsTerminal;
    let off = match &cli.command {
        cli::Command::Show(args) => args.pager.no_pager,
        cli::Command::Search(args) => args.pager.no_pager,
        cli::Command::Report(args) => args.pager.no_pager || args.output.is_some(),
        _ => return None,
    };
    term::pager(off, env.pager.as_deref(), std::io::stdout().is_terminal())
}

/// Parses `args` (without the program name) and runs them, as the demo replays commands.
pub fn run<I, T>(args: I, env: &Env, out: &mut dyn Write) -> anyhow::Result<()>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let argv = std::iter::once(OsString::from("inc")).chain(args.into_iter().map(Into::into));
    let cli = cli::parse_from(argv).map_err(|e| Error::usage(e.to_string()))?;
    commands::run(cli, env, out)
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
