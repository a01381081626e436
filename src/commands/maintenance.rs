//! `inc maintenance`: schedule maintenance windows, post updates about them, cancel them, and
//! list or show them. The windows and their rules are in `maintenance.rs`; this parses what was
//! typed, takes the lock, commits and prints.

use anyhow::Result;

use super::{Ctx, one_line};
use crate::error::Error;
use crate::maintenance::{self, Cancellation, Cancelled, Request, Update, Window};

/// Scheduled maintenance: announce work ahead, post updates, cancel; list upcoming windows
///
/// A maintenance window is planned work customers should know about (a database upgrade, a
/// network change). It is not an incident: it is kept in maintenance_dir (default: maintenance/
/// beside the incidents), and inc list, stats, search and the incident checks leave it out.
/// Whether it is upcoming, in progress or completed follows from the clock.
#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:
  inc maintenance schedule \"Database upgrade\" --start \"2026-12-10 02:00\" --end \"2026-12-10 04:00\"
  inc maintenance update database \"The upgrade has started\"
  inc maintenance cancel database --reason \"Postponed to January\"
  inc maintenance list --all"
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Sub>,

    #[command(flatten)]
    pub list: ListArgs,
}

#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    Schedule(ScheduleArgs),
    Update(UpdateArgs),
    Cancel(CancelArgs),
    List(ListArgs),
    Show(ShowArgs),
}

impl Args {
    /// Whether this writes (and commits) anything.
    pub fn writes(&self) -> bool {
        matches!(
            self.command,
            Some(Sub::Schedule(_) | Sub::Update(_) | Sub::Cancel(_))
        )
    }

    /// `--by`, for the forms that record who acted (`schedule` names nobody in the file: the
    /// commit says who scheduled it).
    pub fn person(&self) -> Option<&crate::cli::args::Person> {
        match &self.command {
            Some(Sub::Update(a)) => Some(&a.who),
            Some(Sub::Cancel(a)) => Some(&a.who),
            _ => None,
        }
    }
}

/// Schedule a maintenance window, print its id, and commit
///
/// The id is the start date and the title (2026-12-10-database-upgrade). WHEN takes what
/// --at takes, and times ahead: "2026-12-10 02:00", "in 2h" or "+2h" (from now), "14:32"
/// (today; refused once it has passed: give the date). The title is at most 200 characters on
/// one line, the summary at most 4000. With .inc/catalog.yaml, services must be in the catalog.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc maintenance schedule \"Database upgrade\" --start \"2026-12-10 02:00\" --end \"2026-12-10 04:00\"
  inc maintenance schedule \"Network change\" --start \"in 2h\" --end \"in 3h\" --service payments
  inc maintenance schedule \"Search reindex\" --start 22:00 --end 23:30 --summary \"Search may be slow\"")]
pub struct ScheduleArgs {
    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    /// What will be done, in a few words (the id is made from it; the status page's heading)
    pub title: String,

    /// When the window opens
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub start: String,

    /// When it closes (after --start)
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub end: String,

    /// A service affected; repeat or separate with commas
    #[arg(long = "service", value_name = "S", value_delimiter = ',')]
    pub services: Vec<String>,

    /// What customers should expect, in a sentence or two
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,
}

/// Post an update about a maintenance window (appended to its updates.yaml), and commit
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc maintenance update database \"The upgrade has started\"
  inc maintenance update 2026-12-10-database-upgrade \"Done; checkout is writable again\" --at 03:40")]
pub struct UpdateArgs {
    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// The window: an exact id, a unique prefix or a unique substring
    #[arg(add = crate::cli::complete::maintenance())]
    pub id: String,

    /// What customers should know; quote it, or pass several words (at most 4000 characters)
    #[arg(required = true, num_args = 1.., value_name = "TEXT")]
    pub text: Vec<String>,

    /// When it was posted [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,
}

/// Call off a maintenance window that has not ended, and commit
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc maintenance cancel database
  inc maintenance cancel database --reason \"Postponed to January\"")]
pub struct CancelArgs {
    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// The window: an exact id, a unique prefix or a unique substring
    #[arg(add = crate::cli::complete::maintenance())]
    pub id: String,

    /// Why, for customers (at most 4000 characters)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// List maintenance windows, earliest first (upcoming and in progress unless --all)
#[derive(Debug, Default, clap::Args)]
#[command(after_help = "Examples:
  inc maintenance list
  inc maintenance list --all --json")]
pub struct ListArgs {
    /// Completed and cancelled windows too
    #[arg(long)]
    pub all: bool,

    #[command(flatten)]
    pub output: list::Output,
}

/// Show one maintenance window with its updates
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc maintenance show database
  inc maintenance show 2026-12-10-database-upgrade --json")]
pub struct ShowArgs {
    /// The window: an exact id, a unique prefix or a unique substring
    #[arg(add = crate::cli::complete::maintenance())]
    pub id: String,

    #[command(flatten)]
    pub output: show::Output,
}

/// `--format` of `inc maintenance list`.
pub mod list {
    crate::formats!(
        /// What `inc maintenance list` prints.
        { Table, Json }
    );
}

/// `--format` of `inc maintenance show`.
pub mod show {
    crate::formats!(
        /// What `inc maintenance show` prints.
        { Text, Json }
    );
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    match args.command {
        None => list_windows(ctx, args.list),
        Some(Sub::List(list_args)) => list_windows(ctx, list_args),
        Some(Sub::Schedule(schedule_args)) => schedule(ctx, schedule_args),
        Some(Sub::Update(update_args)) => update(ctx, update_args),
        Some(Sub::Cancel(cancel_args)) => cancel(ctx, cancel_args),
        Some(Sub::Show(show_args)) => show_window(ctx, show_args),
    }
}

fn schedule(ctx: &mut Ctx<'_>, args: ScheduleArgs) -> Result<()> {
    let start = ctx.clock.parse_planned(&args.start)?;
    let end = ctx.clock.parse_planned(&args.end)?;
    let store = ctx.store()?;
    let request = Request::new(
        &store,
        &ctx.clock,
        &args.title,
        (start, end),
        &args.services,
        args.summary.as_deref(),
    )?;
    // Who scheduled it is the commit's author; the file names nobody (no --by).
    let _lock = ctx.lock(&store)?;
    let (id, paths) = maintenance::schedule(&store, request, ctx.clock.now(), ctx.clock.tz())?;
    ctx.commit(&store, &paths, &format!("{id}: maintenance scheduled"))?;
    writeln!(ctx.out, "{id}")?;
    Ok(())
}

fn update(ctx: &mut Ctx<'_>, args: UpdateArgs) -> Result<()> {
    let text = crate::model::maintenance::text("the update", &args.text.join(" "), false)?;
    let store = ctx.store()?;
    let id = store.resolve_maintenance(&args.id)?;
    let at = ctx.at(args.at.as_deref())?;
    let _lock = ctx.lock(&store)?;
    let by = ctx.by(&store, &args.who)?;
    let (at, recorded) = ctx.stamp(at);
    let posted = Update {
        id: String::new(),
        conflict_of: None,
        at,
        recorded,
        by,
        text,
    };
    let (posted, path) = maintenance::update(&store, &id, posted, ctx.id_seed())?;
    ctx.commit(
        &store,
        &[path],
        &format!(
            "{id}: maintenance update \"{}\"",
            one_line(&posted.text, 60)
        ),
    )?;
    writeln!(
        ctx.out,
        "{} posted update {} to {id}",
        ctx.clock.show(posted.at),
        posted.id
    )?;
    Ok(())
}

fn cancel(ctx: &mut Ctx<'_>, args: CancelArgs) -> Result<()> {
    let reason =
        crate::model::maintenance::text("the reason", args.reason.as_deref().unwrap_or(""), true)?;
    if args.reason.is_some() && reason.is_empty() {
        return Err(Error::usage(
            "--reason is empty: say why, like --reason \"Postponed to January\", or leave it out",
        )
        .into());
    }
    let store = ctx.store()?;
    let id = store.resolve_maintenance(&args.id)?;
    let _lock = ctx.lock(&store)?;
    let by = ctx.by(&store, &args.who)?;
    let cancellation = Cancellation {
        at: ctx.clock.now(),
        by,
        reason,
    };
    match maintenance::cancel(&store, &ctx.clock, &id, cancellation)? {
        Cancelled::Now(path) => {
            ctx.commit(&store, &[path], &format!("{id}: maintenance cancelled"))?;
            writeln!(ctx.out, "{id}: cancelled")?;
        }
        Cancelled::Already(at) => {
            writeln!(
                ctx.out,
                "{id}: already cancelled (at {})",
                at.short(ctx.clock.tz())
            )?;
        }
    }
    Ok(())
}

fn list_windows(ctx: &mut Ctx<'_>, args: ListArgs) -> Result<()> {
    let store = ctx.store()?;
    let now = ctx.clock.now();
    let mut windows: Vec<Window> = Vec::new();
    for (id, window) in maintenance::load_each(&store)? {
        match window {
            Ok(window) => windows.push(window),
            Err(err) => crate::eprintln_escaped!("warning: skipped maintenance {id}: {err:#}"),
        }
    }
    let shown: Vec<&Window> = windows
        .iter()
        .filter(|w| args.all || w.state(now).is_current())
        .collect();
    match args.output.get() {
        list::Format::Json => {
            let views: Vec<_> = shown
                .iter()
                .map(|w| crate::views::maintenance::MaintenanceView::new(w, now))
                .collect();
            super::print_json(ctx.out, &views)
        }
        list::Format::Table => {
            crate::views::maintenance::table(ctx.out, &shown, &ctx.clock, args.all)
        }
    }
}

fn show_window(ctx: &mut Ctx<'_>, args: ShowArgs) -> Result<()> {
    let store = ctx.store()?;
    let id = store.resolve_maintenance(&args.id)?;
    let window = Window::load(&store, &id)?;
    match args.output.get() {
        show::Format::Json => super::print_json(
            ctx.out,
            &crate::views::maintenance::MaintenanceView::new(&window, ctx.clock.now()),
        ),
        show::Format::Text => crate::views::maintenance::show(ctx.out, &window, &ctx.clock),
    }
}
