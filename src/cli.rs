//! The command line: global options and the list of commands. Each command's own arguments live
//! with it in `commands/`; their doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::commands;

/// Run production incidents from a shell. Every incident is plain YAML and Markdown in git, and
/// every change is a commit.
#[derive(Debug, Parser)]
#[command(name = "inc", version = VERSION, max_term_width = 100, after_help = ENVIRONMENT)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

/// `0.2.0 (abc1234 2026-11-24)`: the commit and its date come from build.rs, and are left out of
/// a build outside a git checkout.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("INC_BUILD_INFO"));

const ENVIRONMENT: &str = "\
Environment:
  INC_REPO   the repository to use when -C is not given
  INC_USER   who you are, when --by is not given (else git's user.name)
  INC_NOW    pin the clock to an RFC 3339 time (tests, demos)
  NO_COLOR   never print colors

Exit codes:
  0  done
  1  failure (a file that does not parse, a git error, no repository)
  2  usage error (a value you typed is wrong; nothing was written)
  3  saved but not committed (git busy or failing): the next inc command commits it";

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct Global {
    /// Run as if inc was started in DIR
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,

    /// The incident: an exact id, a unique prefix or a unique substring [default: the one chosen
    /// with `inc use`, else the only open one]
    #[arg(short, long, global = true, value_name = "ID", add = crate::complete::incidents())]
    pub incident: Option<String>,

    /// Write the files but do not commit them
    #[arg(long, global = true)]
    pub no_commit: bool,
}

/// `--by`, on every command that records who did something.
#[derive(Debug, Default, Args)]
pub struct Person {
    /// Who is doing this [default: $INC_USER, else git's user.name]
    #[arg(long, value_name = "PERSON", global = true)]
    pub by: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(commands::init::Args),
    Open(commands::open::Args),
    Log(commands::log::Args),
    Mark(commands::mark::Args),
    Resolve(commands::resolve::Args),
    Status(commands::status::Args),
    Sev(commands::sev::Args),
    Impact(commands::impact::Args),
    Edit(commands::edit::Args),
    Tag(commands::tag::Args),
    Link(commands::link::Args),
    Unlink(commands::unlink::Args),
    List(commands::list::Args),
    Show(commands::show::Args),
    Use(commands::use_incident::Args),
    Role(commands::role::Args),
    Roles(commands::roles::Args),
    Comms(commands::comms::Args),
    Change(commands::change::Args),
    Exec(commands::exec::Args),
    Runbook(commands::runbook::Args),
    Postmortem(commands::postmortem::Args),
    Actions(commands::actions::Args),
    Check(commands::check::Args),
    Report(commands::report::Args),
    Stats(commands::stats::Args),
    Site(commands::site::Args),
    Search(commands::search::Args),
    Attach(commands::attach::Args),
    Sync(commands::sync::Args),
    Schema(commands::schema::Args),
    Demo(commands::demo::Args),
    Completions(commands::completions::Args),
    Man(commands::man::Args),
    Config(commands::config::Args),
    #[command(hide = true)]
    MergeDriver(commands::merge_driver::Args),
}
