//! Runs a parsed command line: checks the global options against the command, decides colour,
//! escaping and settings from what the command needs ([`super::needs`]), dispatches to its
//! module in `commands/`, and fires the hook for what it recorded. The one place that knows
//! every command and what surrounds it.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use super::args::Person;
use super::{Cli, Command};
use crate::Env;
use crate::commands::{self, Ctx};
use crate::store::Store;
use crate::time::Clock;

/// Dispatches a parsed command line.
pub fn run(cli: Cli, env: &Env, out: &mut dyn Write) -> Result<()> {
    super::globals::check(&cli.global, &cli.command)?;
    // Decided once, before any output may go through a pager (which is not a terminal).
    let env = &Env {
        color: crate::cli::term::color(
            cli.global.color,
            env.color,
            std::io::IsTerminal::is_terminal(&std::io::stdout()),
        ),
        ..env.clone()
    };
    crate::views::set_terminal_width(env.columns);
    let needs = cli.command.needs();
    // A user config file that does not parse would leave settings half applied; `inc config`
    // reports it itself (and `inc config path` still says where it is). Commands that use none
    // of the settings run anyway: git runs the merge driver in the middle of a pull.
    if needs.settings {
        env.settings.file()?;
    }
    let clock = Clock::system(env.now.as_deref())?;
    // Whatever a command prints may quote the repository's files: control characters are
    // escaped on the way out, but by the commands that style their own output.
    let mut escaping;
    let out: &mut dyn Write = if needs.raw_output {
        out
    } else {
        escaping = crate::text::Escaping::new(out);
        &mut escaping
    };
    let hook = needs.hook;
    let person = Person {
        by: needs.person.and_then(|p| p.by.clone()),
    };
    let mut ctx = Ctx::new(&cli.global, env, clock, out, Cli::command);
    let result = match cli.command {
        Command::Init(args) => commands::init::run(&mut ctx, args),
        Command::Open(args) => commands::open::run(&mut ctx, args),
        Command::Log(args) => commands::log::run(&mut ctx, args),
        Command::Strike(args) => commands::strike::run(&mut ctx, args),
        Command::MergeDriver(args) => commands::merge_driver::run(&mut ctx, args),
        Command::Mark(args) => commands::mark::run(&mut ctx, args),
        Command::Resolve(args) => commands::resolve::run(&mut ctx, args),
        Command::Status(args) => commands::status::run(&mut ctx, args),
        Command::Sev(args) => commands::sev::run(&mut ctx, args),
        Command::Impact(args) => commands::impact::run(&mut ctx, args),
        Command::Edit(args) => commands::edit::run(&mut ctx, args),
        Command::Tag(args) => commands::tag::run(&mut ctx, args),
        Command::Link(args) => commands::link::run(&mut ctx, args),
        Command::Unlink(args) => commands::unlink::run(&mut ctx, args),
        Command::List(args) => commands::list::run(&mut ctx, args),
        Command::Show(args) => commands::show::run(&mut ctx, args),
        Command::Use(args) => commands::use_incident::run(&mut ctx, args),
        Command::Role(args) => commands::role::run(&mut ctx, args),
        Command::Roles(args) => commands::roles::run(&mut ctx, args),
        Command::Comms(args) => commands::comms::run(&mut ctx, args),
        Command::Change(args) => commands::change::run(&mut ctx, args),
        Command::Exec(args) => commands::exec::run(&mut ctx, args),
        Command::Runbook(args) => commands::runbook::run(&mut ctx, args),
        Command::Postmortem(args) => commands::postmortem::run(&mut ctx, args),
        Command::Actions(args) => commands::actions::run(&mut ctx, args),
        Command::Check(args) => commands::check::run(&mut ctx, args),
        Command::Report(args) => commands::report::run(&mut ctx, args),
        Command::Stats(args) => commands::stats::run(&mut ctx, args),
        Command::Maintenance(args) => commands::maintenance::run(&mut ctx, args),
        Command::Site(args) => commands::site::run(&mut ctx, args),
        Command::Search(args) => commands::search::run(&mut ctx, args),
        Command::Related(args) => commands::related::run(&mut ctx, args),
        Command::Attach(args) => commands::attach::run(&mut ctx, args),
        Command::Import(args) => commands::import::run(&mut ctx, args),
        Command::Webhooks(args) => commands::webhooks::run(&mut ctx, args),
        Command::Export(args) => commands::export::run(&mut ctx, args),
        Command::Sync(args) => commands::sync::run(&mut ctx, args),
        Command::Schema(args) => commands::schema::run(&mut ctx, args),
        Command::Demo(args) => commands::demo::run(&mut ctx, args),
        Command::Completions(args) => commands::completions::run(&mut ctx, args),
        Command::Man(args) => commands::man::run(&mut ctx, args),
        Command::Config(args) => commands::config::run(&mut ctx, args),
    };
    if result.is_ok() {
        ctx.say_back();
    }
    // Whatever the command's result, a record it made is made: `inc exec` logs a command that
    // failed, and exits with its status.
    if let (Some(event), Some(recorded)) = (hook, ctx.take_recorded()) {
        let skip = cli.global.no_hooks || env.no_hooks;
        let by = |store: &Store| ctx.by(store, &person).unwrap_or_default();
        crate::hooks::fire(event, &recorded, &ctx.clock, skip, by);
    }
    result
}
