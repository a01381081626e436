//! The command line: global options and the list of commands. Each command's own arguments live
//! with it in `commands/`; their doc comments are the `--help` text.

use clap::{Parser, Subcommand};

use crate::commands;

pub use args::{Global, Takes};
pub use run::run;

pub mod args;
pub mod complete;
pub mod env;
mod globals;
pub mod needs;
mod run;
pub mod settings;
pub mod term;

/// Run production incidents from a shell. Every incident is plain YAML and Markdown in git, and
/// every change is a commit.
#[derive(Debug, Parser)]
#[command(name = "inc", version = crate::VERSION, max_term_width = 100, after_help = ENVIRONMENT)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

const ENVIRONMENT: &str = "\
Environment:
  INC_REPO        the repository to use when -C is not given
  INC_USER        who you are, when --by is not given (else git's user.name)
  INC_NOW         pin the clock to an RFC 3339 time (tests, demos)
  INC_PAGER       the pager for show, report and search on a terminal; empty or cat: none
  PAGER           the pager when INC_PAGER is not set [default: less -FRX]
  INC_NO_HOOKS    set to 1: never run the repository's hooks (as --no-hooks)
  INC_NO_CACHE    set to 1: neither read nor write the parse cache in .git/inc/cache
  NO_COLOR        never print colors (--color wins)
  CLICOLOR_FORCE  print colors even in a pipe (--color wins)
  VISUAL, EDITOR  the editor of inc edit and inc postmortem --edit
  COLUMNS         how wide the dashboard and tables may be [default: the terminal's width]
  TZ, TZDIR       the time zone times are shown and typed in, where zones are found
  XDG_CONFIG_HOME where your own defaults are: $XDG_CONFIG_HOME/inc/config.yaml, else
                  ~/.config/inc/config.yaml (user, color, pager, editor; the variables above
                  and the options win: inc config list)
  COMPLETE        bash, zsh or fish: print the completion script that asks inc for incident
                  ids, roles and names (source <(COMPLETE=bash inc))
  GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_INDEX_FILE, GIT_CONFIG_NOSYSTEM, HOME
                  read as git reads them, for commits and signing

Exit codes:
  0  done
  1  failure (a file that does not parse, a git error, no repository; or an update
     `inc comms --send` recorded but could not deliver, or would not post to a webhook this
     clone has not trusted: `inc webhooks trust`, then `inc comms --retry` posts it; or a
     retry that left out updates this clone did not record: `inc comms --retry --yes`)
  2  usage error (a value you typed is wrong; nothing was written)
  3  saved but not committed (git busy or failing): the next inc command commits it";

/// Parses a command line (with the program name) into a [`Cli`] whose [`Global`] holds `-i` and
/// `--no-commit` wherever they were given, and what the command takes.
pub fn parse_from<I, T>(argv: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().try_get_matches_from(argv)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    let mut names = Vec::new();
    let mut leaf = &matches;
    while let Some((name, sub)) = leaf.subcommand() {
        names.push(name);
        leaf = sub;
    }
    // An argument the command does not define is an error here, not a `None`.
    let incident = leaf.try_get_one::<String>("incident");
    let no_commit = leaf.try_get_one::<bool>("no_commit");
    cli.global.takes = Takes {
        name: names.join(" "),
        incident: incident.is_ok(),
        no_commit: no_commit.is_ok(),
    };
    if let Ok(Some(id)) = incident {
        if let Some(before) = cli.global.incident.as_ref().filter(|before| *before != id) {
            let (before, id) = (
                crate::text::escape_controls(before),
                crate::text::escape_controls(id),
            );
            return Err(Cli::command().error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("-i names {before} before the command and {id} after it: give it once"),
            ));
        }
        cli.global.incident = Some(id.clone());
    }
    if let Ok(Some(true)) = no_commit {
        cli.global.no_commit = true;
    }
    if let Ok(Some(true)) = leaf.try_get_one::<bool>("no_hooks") {
        cli.global.no_hooks = true;
    }
    Ok(cli)
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(commands::init::Args),
    Open(commands::open::Args),
    Log(commands::log::Args),
    Strike(commands::strike::Args),
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
    Webhooks(commands::webhooks::Args),
    Change(commands::change::Args),
    Exec(commands::exec::Args),
    Runbook(commands::runbook::Args),
    Postmortem(commands::postmortem::Args),
    Actions(commands::actions::Args),
    Check(commands::check::Args),
    Report(commands::report::Args),
    Stats(commands::stats::Args),
    Maintenance(commands::maintenance::Args),
    Site(commands::site::Args),
    Search(commands::search::Args),
    Related(commands::related::Args),
    Attach(commands::attach::Args),
    Import(commands::import::Args),
    Export(commands::export::Args),
    Sync(commands::sync::Args),
    Schema(commands::schema::Args),
    Demo(commands::demo::Args),
    Completions(commands::completions::Args),
    Man(commands::man::Args),
    Config(commands::config::Args),
    #[command(hide = true)]
    MergeDriver(commands::merge_driver::Args),
}
