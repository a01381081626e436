//! `inc open`: create an incident directory and make it the current incident.

use anyhow::Result;

use super::{Ctx, one_line};
use crate::error::Error;
use crate::model::incident::{Detection, Impact};
use crate::model::roles::LEAD;
use crate::model::{Incident, Kind, Milestones, RoleAction, RoleEvent, Source, Status};
use crate::time::Time;

/// Open a new incident, print its id, and make it current
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc open \"Checkout API down\" --sev SEV2 --lead alice\n  inc open \"Search slow\" --sev 3 --started 14:02 --source alert --tag search\n  inc open \"Quarterly failover drill\" --type game-day\n  inc open \"DNS outage\" --started \"2026-03-04 13:00\" --at \"2026-03-04 13:25\" --lead alice"
)]
pub struct Args {
    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    #[command(flatten)]
    pub hooks: crate::cli::args::HooksArg,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// What is broken, in a few words (the id is made from it)
    pub title: String,

    /// Severity (`inc sev --list` shows what each means) [default: asked on a terminal, else
    /// default_severity in .inc.yaml, SEV3]
    #[arg(long, value_name = "SEV")]
    pub sev: Option<String>,

    /// When the outage began, if known (can be set later with `inc mark started`)
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub started: Option<String>,

    /// When it was noticed [default: when it was opened (--at)]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub detected: Option<String>,

    /// When it was opened: the time of its first entry and of the lead given here [default: now,
    /// or --detected when that is on an earlier day (a write-up)]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,

    /// How it was noticed
    #[arg(long, value_enum, ignore_case = true)]
    pub source: Option<SourceArg>,

    /// A tag (a service, a team); repeat or separate with commas
    #[arg(long = "tag", value_name = "TAG", value_delimiter = ',')]
    pub tags: Vec<String>,

    /// What is happening, for people who join later
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,

    /// The first incident lead
    #[arg(long, value_name = "PERSON")]
    pub lead: Option<String>,

    /// The headline customers read in everything public (the title stays the team's; without
    /// it they read a neutral title: the impact and the date)
    #[arg(long, value_name = "TEXT")]
    pub public_title: Option<String>,

    /// Who and what is affected, in words fit for customers (public reports show it)
    #[arg(long, value_name = "TEXT")]
    pub impact: Option<String>,

    /// The kind of incident, one of `types` in .inc.yaml (game-day and false-alarm are left out
    /// of `inc stats`) [default: incident]
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,

    /// After the id, list up to three earlier incidents like this one (`inc related`) even when
    /// not on a terminal [default: only on a terminal]
    #[arg(long)]
    pub related: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum SourceArg {
    Alert,
    Customer,
    Employee,
    Other,
}

impl From<SourceArg> for Source {
    fn from(source: SourceArg) -> Source {
        match source {
            SourceArg::Alert => Source::Alert,
            SourceArg::Customer => Source::Customer,
            SourceArg::Employee => Source::Employee,
            SourceArg::Other => Source::Other,
        }
    }
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let title = args.title.trim().to_string();
    if title.is_empty() {
        return Err(Error::usage(
            "the title is empty: say what is broken, like \"Checkout API down\"",
        )
        .into());
    }
    let public_title = args
        .public_title
        .as_deref()
        .map(crate::public::checked_title)
        .transpose()?;
    let store = ctx.store()?;
    let severity = match &args.sev {
        Some(sev) => store.config().severity(sev)?,
        None => store.config().default_severity.clone(),
    };
    let kind = match &args.kind {
        Some(kind) => store.config().incident_type(kind)?,
        None => crate::model::incident::DEFAULT_TYPE.to_string(),
    };
    let now = ctx.clock.now();
    let started = ctx.at(args.started.as_deref())?;
    let detected = ctx.at(args.detected.as_deref())?;
    let opened = opening(ctx, ctx.at(args.at.as_deref())?, detected, started);
    let milestones = Milestones {
        started,
        detected: Some(detected.unwrap_or(opened)),
        ..Milestones::default()
    };
    // Asked last, once every option is known to be right: a person at a terminal chooses from
    // the definitions; a script keeps the default.
    let severity = match &args.sev {
        None if ctx.env.interactive => crate::views::ask_severity(
            store.config(),
            &mut std::io::stdin().lock(),
            &mut std::io::stderr(),
        )?,
        _ => severity,
    };
    let mut tags: Vec<String> = Vec::new();
    for tag in args.tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    let incident = Incident {
        title: title.clone(),
        severity: severity.clone(),
        status: Status::Investigating,
        kind,
        opened,
        summary: args.summary.unwrap_or_default().trim().to_string(),
        public_title: public_title.unwrap_or_default(),
        public_summary: String::new(),
        impact: Impact {
            summary: args.impact.unwrap_or_default().trim().to_string(),
            ..Impact::default()
        },
        tags,
        links: Vec::new(),
        detection: Detection {
            source: args.source.map(Source::from),
        },
        milestones,
        postmortem_waived: None,
        changed: Default::default(),
    };

    let lead = args.lead.as_deref().map(str::trim).map(String::from);
    if lead.as_deref() == Some("") {
        return Err(Error::usage("--lead is empty: name the incident lead").into());
    }

    let lock = ctx.lock(&store)?;
    // What an `inc open` killed without a journal (--no-commit) left beside the new incident.
    store.sweep_temps();
    let by = ctx.by(&store, &args.who)?;
    // The id is dated by when the incident began, which a write-up gives, not by today.
    let date = incident.began().in_tz(ctx.clock.tz()).date();
    let ids = store.ids()?;
    let id = crate::model::slug::dated_id(date, &title, "incident", |candidate| {
        ids.iter().any(|id| id == candidate)
    });

    // Everything recorded at opening happened then: now, unless a write-up says otherwise.
    let at = (opened != now).then_some(opened);
    let text = format!("Opened \"{title}\" as {severity}");
    let mut entries = vec![ctx.entry(at, &by, Kind::Status, text)];
    let runbooks = crate::runbook::matching(&store, &incident, &[]);
    entries.extend(runbooks.iter().map(|r| {
        let mut entry = crate::runbook::attach_entry(ctx.stamp(None), &by, r);
        ctx.backdate(&mut entry, at);
        entry
    }));
    let mut logs = Vec::new();
    if let Some(lead) = &lead {
        let (when, recorded) = ctx.stamp(at);
        let mut event = [RoleEvent {
            id: String::new(),
            conflict_of: None,
            at: when,
            recorded,
            by: by.clone(),
            action: RoleAction::Assign,
            role: LEAD.to_string(),
            person: lead.clone(),
        }];
        logs.push(store.prepare_append(&id, &mut event, ctx.id_seed())?);
        entries.push(ctx.entry(at, &by, Kind::Role, format!("{lead} is {LEAD}")));
    }
    logs.push(store.prepare_append(&id, &mut entries, ctx.id_seed())?);
    let mut paths = store.write_schemas()?;
    paths.extend(store.create_incident(&id, &incident, logs)?);
    store.set_current(Some(&id))?;
    ctx.commit(
        &store,
        &paths,
        &format!("{id}: open \"{}\"", one_line(&title, 60)),
    )?;
    ctx.recorded(&store, &id, entries.first());
    writeln!(ctx.out, "{id}")?;
    if let Some(note) = super::signal_note(&ctx.clock, &incident.milestones) {
        // On stderr: scripts take the id from stdout.
        crate::eprintln_escaped!("{id}: {note}");
    }
    if !runbooks.is_empty() {
        // On stderr: scripts take the id from stdout.
        let names: Vec<&str> = runbooks.iter().map(|r| r.name.as_str()).collect();
        crate::eprintln_escaped!(
            "{id}: attached runbook {} (see `inc runbook`)",
            names.join(", ")
        );
    }
    // For the person at the terminal, what was learnt from earlier incidents like this one;
    // a script reads the id alone. Nothing is written any more: others need not wait for it.
    drop(lock);
    if args.related || ctx.env.interactive {
        let today = crate::actions::today(&ctx.clock);
        let related = crate::related::related(&store, &id, &incident, ids, today);
        crate::views::print_related_section(ctx.out, &related, ctx.clock.tz())?;
    }
    Ok(())
}

/// When the incident was opened: `--at`; else, for an incident detected on an earlier day than
/// today (a write-up), when it was detected, said back; else now. Without either, an outage
/// that started on an earlier day is opened now, and that is said back too, with what to give.
fn opening(ctx: &Ctx<'_>, at: Option<Time>, detected: Option<Time>, started: Option<Time>) -> Time {
    let now = ctx.clock.now();
    if let Some(at) = at {
        return at;
    }
    let tz = ctx.clock.tz();
    let today = now.in_tz(tz).date();
    let earlier_day = |t: Time| t.in_tz(tz).date() < today;
    if let Some(detected) = detected.filter(|t| earlier_day(*t)) {
        ctx.say(format!(
            "note: opened at {}, when it was detected (--at gives when it was opened)",
            detected.with_offset()
        ));
        return detected;
    }
    if let Some(started) = started.filter(|t| earlier_day(*t)) {
        ctx.say(format!(
            "note: detected and opened now ({}), {} after it started: if you are writing it up afterwards, give --detected and --at",
            now.with_offset(),
            crate::time::format_duration(now.since(started))
        ));
    }
    now
}
