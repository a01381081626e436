//! `inc actions`: the post-mortems' Improvements across every incident (list, done, reopen), and
//! ticking them from `Fixes-Action:` commit trailers (scan).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context as _, Result};

use super::Ctx;
use crate::actions::{self, Change};
use crate::error::Error;
use crate::git;
use crate::store::Store;
use crate::views::actions::ActionView;

/// Follow-ups: the open Improvements of every post-mortem, newest incident first
#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:
  inc actions --owner carol --overdue
  inc actions done 2026-11-22-checkout-api-down#k3m9p --ref OPS-12
  inc actions scan --repo ../checkout-service --since \"30d ago\""
)]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    #[command(subcommand)]
    pub command: Option<Sub>,

    #[command(flatten)]
    pub list: ListArgs,
}

#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    List(ListArgs),
    Done(DoneArgs),
    Reopen(ReopenArgs),
    Scan(ScanArgs),
}

impl Args {
    /// Whether this prints the table (which colours its own cells and escapes their text).
    pub fn prints_table(&self) -> bool {
        let list = match &self.command {
            None => &self.list,
            Some(Sub::List(list)) => list,
            Some(_) => return false,
        };
        list.output.get() == Format::Table
    }

    /// Whether this writes postmortem.md files.
    pub fn writes(&self) -> bool {
        matches!(
            self.command,
            Some(Sub::Done(_) | Sub::Reopen(_) | Sub::Scan(_))
        )
    }

    pub fn person(&self) -> Option<&crate::cli::args::Person> {
        match &self.command {
            Some(Sub::Done(done)) => Some(&done.who),
            _ => None,
        }
    }
}

/// List Improvements (open ones unless --all; -i/--incident: one incident's)
#[derive(Debug, Default, clap::Args)]
#[command(after_help = "Examples:
  inc actions list --owner carol --overdue
  inc actions list --all --format csv > follow-ups.csv
  inc actions list -i checkout --json")]
pub struct ListArgs {
    /// Only those owned by PERSON (case-insensitive)
    #[arg(long, value_name = "PERSON")]
    pub owner: Option<String>,

    /// Only those of this type
    #[arg(long = "type", value_name = "TYPE", value_parser = ["mitigate", "prevent", "process"], ignore_case = true)]
    pub kind: Option<String>,

    /// Only open ones past their due date (as of the clock; INC_NOW pins it)
    #[arg(long)]
    pub overdue: bool,

    /// Done ones too
    #[arg(long)]
    pub all: bool,

    /// Only incidents that began at or after WHEN (e.g. 2026-01-01, "90d ago")
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub since: Option<String>,

    /// Only incidents that began before WHEN
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub until: Option<String>,

    #[command(flatten)]
    pub output: Output,
}

crate::formats!(
    /// What `inc actions list` prints.
    {
        Table,
        Json,
        /// The columns trackers import (Jira, GitHub, Linear)
        Csv,
    }
);

/// Tick an Improvement in its postmortem.md (with the date and who), and commit
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc actions done k3m9p
  inc actions done 2026-11-22-checkout-api-down#k3m9p --ref OPS-12
  inc actions done checkout#k3m9p --by carol --ref https://github.com/acme/shop/pull/812")]
pub struct DoneArgs {
    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    /// INCIDENT#ID, or an id no other Improvement has
    #[arg(add = crate::cli::complete::actions())]
    pub id: String,

    /// What did it: a ticket, pull request or commit (sets `ref:`)
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,

    #[command(flatten)]
    pub who: crate::cli::args::Person,
}

/// Untick an Improvement (forgets when and by whom it was done), and commit
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc actions reopen k3m9p
  inc actions reopen checkout#k3m9p")]
pub struct ReopenArgs {
    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    /// INCIDENT#ID, or an id no other Improvement has
    #[arg(add = crate::cli::complete::actions())]
    pub id: String,
}

/// Tick the Improvements that commits name in a `Fixes-Action: INCIDENT#ID` trailer, and commit
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc actions scan
  inc actions scan --repo ../checkout-service --since \"30d ago\"

A commit closes a follow-up with a trailer in its message's last paragraph:
  git commit -m \"Validate pool sizes in CI\" --trailer \"Fixes-Action: checkout#k3m9p\"")]
pub struct ScanArgs {
    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    /// The git repository whose commits to read [default: this one]
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,

    /// Only commits made at or after WHEN (e.g. "30d ago", 2026-11-01)
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub since: Option<String>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    match args.command {
        None => list(ctx, args.list),
        Some(Sub::List(list_args)) => list(ctx, list_args),
        Some(Sub::Done(done_args)) => done(ctx, done_args),
        Some(Sub::Reopen(reopen_args)) => reopen(ctx, reopen_args),
        Some(Sub::Scan(scan_args)) => scan(ctx, scan_args),
    }
}

/// The incidents to look in: `-i` names one, else all of them, newest first.
fn scope(ctx: &Ctx<'_>, store: &Store) -> Result<Vec<String>> {
    if let Some(id) = ctx.named_incident(store)? {
        return Ok(vec![id]);
    }
    let mut ids = store.ids()?;
    ids.reverse();
    Ok(ids)
}

fn list(ctx: &mut Ctx<'_>, args: ListArgs) -> Result<()> {
    let bound = |text: Option<&str>| text.map(|t| ctx.clock.parse_bound(t)).transpose();
    let since = bound(args.since.as_deref())?;
    let until = bound(args.until.as_deref())?;
    let store = ctx.store()?;
    let mut incidents = scope(ctx, &store)?;
    if since.is_some() || until.is_some() {
        incidents.retain(|id| match store.load_incident(id) {
            Ok(incident) => {
                let began = crate::stats::began(&incident);
                since.is_none_or(|s| began >= s) && until.is_none_or(|u| began < u)
            }
            Err(err) => {
                crate::eprintln_escaped!("warning: skipped {id}: {err:#}");
                false
            }
        });
    }
    let today = actions::today(&ctx.clock);
    let loaded = actions::load(&store, &incidents, today)?;
    let mut found = loaded.actions;
    for (_, err) in loaded.broken {
        crate::eprintln_escaped!("warning: skipped a post-mortem: {err:#}");
    }
    let owner = args.owner.as_deref().map(str::trim);
    found.retain(|a| {
        (args.all || !a.item.done)
            && (!args.overdue || a.overdue)
            && owner.is_none_or(|o| {
                a.item
                    .owner
                    .as_deref()
                    .is_some_and(|x| x.eq_ignore_ascii_case(o))
            })
            && args.kind.as_deref().is_none_or(|k| {
                a.item
                    .kind
                    .as_deref()
                    .is_some_and(|x| x.eq_ignore_ascii_case(k))
            })
    });
    let format = args.output.get();
    match format {
        Format::Json => {
            let views: Vec<ActionView> = found.iter().map(ActionView::from).collect();
            super::print_json(ctx.out, &views)
        }
        Format::Csv => crate::views::actions::csv(ctx.out, &found),
        Format::Table => crate::views::actions::table(ctx.out, ctx.env.color, &found, args.all),
    }
}

fn done(ctx: &mut Ctx<'_>, args: DoneArgs) -> Result<()> {
    if let Some(reference) = &args.reference {
        actions::check_value("--ref", reference)?;
    }
    let store = ctx.store()?;
    let _lock = ctx.lock(&store)?;
    let by = ctx.by(&store, &args.who)?;
    actions::check_value("--by", &by)?;
    let incidents = scope(ctx, &store)?;
    let today = actions::today(&ctx.clock);
    let action = actions::find(&store, &incidents, &args.id, today)?;
    let change = Change::Done {
        on: today.to_string(),
        by,
        reference: args.reference.as_deref().map(|r| r.trim().to_string()),
        commit: None,
    };
    if action.item.done && args.reference.is_none() {
        writeln!(ctx.out, "{}: already done", action.name())?;
        return Ok(());
    }
    let path = write(&store, &action.incident, &[(&action.id, &change)])?;
    ctx.commit(
        &store,
        &[path],
        &format!("{}: action {} done", action.incident, action.id),
    )?;
    writeln!(ctx.out, "{}: done", action.name())?;
    Ok(())
}

fn reopen(ctx: &mut Ctx<'_>, args: ReopenArgs) -> Result<()> {
    let store = ctx.store()?;
    let _lock = ctx.lock(&store)?;
    let incidents = scope(ctx, &store)?;
    let today = actions::today(&ctx.clock);
    let action = actions::find(&store, &incidents, &args.id, today)?;
    if !action.item.done {
        writeln!(ctx.out, "{}: already open", action.name())?;
        return Ok(());
    }
    let path = write(&store, &action.incident, &[(&action.id, &Change::Reopen)])?;
    ctx.commit(
        &store,
        &[path],
        &format!("{}: action {} reopened", action.incident, action.id),
    )?;
    writeln!(ctx.out, "{}: reopened", action.name())?;
    Ok(())
}

/// Makes `changes` to one incident's postmortem.md (every item without an id gets one) and writes
/// it; nothing is written if any change cannot be made.
fn write(store: &Store, incident: &str, changes: &[(&str, &Change)]) -> Result<PathBuf> {
    let (path, shown) = actions::file_of(store, incident);
    let mut text = store
        .read_text(&path)?
        .with_context(|| format!("cannot read {shown}: it does not exist"))?;
    if let Some(line) = crate::model::conflict_marker_line(&text) {
        return Err(Error::File {
            path: PathBuf::from(&shown),
            line,
            column: 1,
            message: "git conflict marker left in the file: resolve the conflict".into(),
        }
        .into());
    }
    for (id, change) in changes {
        text = actions::rewrite(
            std::path::Path::new(&shown),
            &text,
            incident,
            Some((id, change)),
        )?;
    }
    store.write_file(&path, text.as_bytes())?;
    Ok(path)
}

/// One `Fixes-Action:` trailer found in a commit.
struct Trailer {
    query: String,
    commit: String,
    author: String,
    date: String,
}

fn scan(ctx: &mut Ctx<'_>, args: ScanArgs) -> Result<()> {
    let since = args
        .since
        .as_deref()
        .map(|t| ctx.clock.parse_bound(t))
        .transpose()?;
    let store = ctx.store()?;
    let code = match &args.repo {
        Some(path) => ctx.env.cwd.join(path),
        None => store.root().to_path_buf(),
    };
    let trailers = trailers(&code, since.map(|s| s.timestamp().as_second()), ctx)?;
    let _lock = ctx.lock(&store)?;
    let incidents = scope(ctx, &store)?;
    let today = actions::today(&ctx.clock);
    // Oldest commit first: the first commit that did the work is the one that counts.
    let mut changes: BTreeMap<String, Vec<(String, Change)>> = BTreeMap::new();
    let mut done: Vec<String> = Vec::new();
    // Read once: a long history may name many actions.
    let loaded = actions::load(&store, &incidents, today)?;
    for trailer in trailers.iter().rev() {
        let action = match loaded.find(&store, &trailer.query) {
            Ok(action) => action,
            Err(err) => {
                crate::eprintln_escaped!(
                    "warning: commit {} says Fixes-Action: {}, skipped: {err:#}",
                    trailer.commit,
                    trailer.query
                );
                continue;
            }
        };
        let name = action.name().to_lowercase();
        if action.item.done || done.contains(&name) {
            continue;
        }
        done.push(name);
        writeln!(
            ctx.out,
            "{}: done by commit {}",
            action.name(),
            trailer.commit
        )?;
        changes.entry(action.incident.clone()).or_default().push((
            action.id.clone(),
            Change::Done {
                on: trailer.date.clone(),
                by: trailer.author.clone(),
                reference: None,
                commit: Some(trailer.commit.clone()),
            },
        ));
    }
    if changes.is_empty() {
        writeln!(
            ctx.out,
            "Nothing to do: no open Improvement is named by a Fixes-Action trailer."
        )?;
        return Ok(());
    }
    let mut paths = Vec::new();
    for (incident, list) in &changes {
        let list: Vec<(&str, &Change)> = list.iter().map(|(id, c)| (id.as_str(), c)).collect();
        paths.push(write(&store, incident, &list)?);
    }
    let names: Vec<&str> = changes.keys().map(String::as_str).collect();
    ctx.commit(
        &store,
        &paths,
        &format!(
            "{}: actions done by commits (Fixes-Action)",
            names.join(", ")
        ),
    )?;
    Ok(())
}

/// Every `Fixes-Action:` trailer in the history of HEAD of the repository at `path`, newest
/// commit first.
fn trailers(path: &std::path::Path, since: Option<i64>, ctx: &Ctx<'_>) -> Result<Vec<Trailer>> {
    let found = git::trailers(path, "Fixes-Action", since).map_err(|err| match err
        .downcast::<git::NotARepository>(
    ) {
        Ok(not) => Error::usage(format!("{not}: give --repo the path of a clone")).into(),
        Err(err) => err,
    })?;
    Ok(found
        .into_iter()
        .map(|trailer| {
            let author: String = trailer
                .author
                .as_deref()
                .unwrap_or("unknown")
                .chars()
                .filter(|c| !matches!(c, ',' | '(' | ')') && !c.is_control())
                .collect();
            let date = jiff::Timestamp::from_second(trailer.time)
                .map(|t| t.to_zoned(ctx.clock.tz().clone()).date().to_string())
                .unwrap_or_else(|_| actions::today(&ctx.clock).to_string());
            Trailer {
                query: trailer.value.trim().to_string(),
                commit: trailer.commit,
                author: author.trim().to_string(),
                date,
            }
        })
        .collect())
}
