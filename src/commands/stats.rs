//! `inc stats`: how long incidents take to detect, mitigate and resolve, and how their post-mortem
//! follow-ups stand (done, open, overdue), by group.

use anyhow::Result;
use jiff::SignedDuration;

use super::Ctx;
use crate::model::Incident;
use crate::stats::{self, Counted, Group, GroupBy, SeverityBasis};
use crate::time::format_duration;

/// Metrics across incidents: count, and mean, median and p90 of each duration per group (one
/// incident's with -i)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc stats --since \"90d ago\" --by severity\n  inc stats --by severity --severity final   (by the severity each ended with, not its peak)\n  inc stats --by month --format csv > mttr.csv\n  inc stats -i checkout --json"
)]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    /// Only incidents that began at or after WHEN (e.g. 2026-01-01, "90d ago")
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub since: Option<String>,

    /// Only incidents that began before WHEN
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub until: Option<String>,

    /// Group by severity, tag, month, source or service [default: one group of all]
    #[arg(long = "by", value_enum, value_name = "GROUP", ignore_case = true)]
    pub group_by: Option<GroupBy>,

    /// Count every type of incident, also those .inc.yaml leaves out of the metrics (by default
    /// game-day and false-alarm)
    #[arg(long)]
    pub include_all: bool,

    /// Which severity counts an incident (for --by severity and SLA targets): the worst it had,
    /// or the one it ended with
    #[arg(
        long,
        value_enum,
        value_name = "WHICH",
        default_value_t,
        ignore_case = true
    )]
    pub severity: SeverityBasis,

    #[command(flatten)]
    pub output: Output,
}

crate::formats!(
    /// What `inc stats` prints.
    { Table, Csv, Json }
);

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let bound = |text: Option<&str>| text.map(|t| ctx.clock.parse_bound(t)).transpose();
    let since = bound(args.since.as_deref())?;
    let until = bound(args.until.as_deref())?;
    let store = ctx.store()?;
    // `-i`: the measures of that one incident.
    let only = ctx.named_incident(&store)?;
    // References into what was loaded: moving 20,000 parsed incidents into a new vector cost
    // more (in page faults) than computing the statistics.
    let loaded = store.load_all()?;
    let mut incidents: Vec<&Incident> = Vec::with_capacity(loaded.len());
    let mut ids: Vec<String> = Vec::new();
    // The types of the incidents left out as excluded from metrics, to say so.
    let mut left_out: Vec<String> = Vec::new();
    for (id, loaded) in &loaded {
        if only.as_ref().is_some_and(|only| only != id) {
            continue;
        }
        match loaded {
            Ok(incident) => {
                let began = stats::began(incident);
                if since.is_none_or(|s| began >= s) && until.is_none_or(|u| began < u) {
                    // One incident asked for by -i is counted whatever its type.
                    if !args.include_all
                        && only.is_none()
                        && store.config().excluded_from_metrics(&incident.kind)
                    {
                        left_out.push(incident.kind.clone());
                        continue;
                    }
                    incidents.push(incident);
                    ids.push(id.clone());
                }
            }
            Err(err) => crate::eprintln_escaped!("warning: skipped {id}: {err:#}"),
        }
    }
    let severities = counted_severities(&store, &ids, &incidents, args.severity);
    // Naming a lead counts as responding: roles.yaml is read only where that could matter.
    let now = ctx.clock.now();
    let counted: Vec<Counted> = ids
        .iter()
        .zip(&incidents)
        .zip(&severities)
        .map(|((id, incident), severity)| {
            let lead = crate::sla::lead_could_respond(incident, severity, store.config(), now)
                .then(|| store.load_log::<crate::model::RoleEvent>(id).ok())
                .flatten()
                .and_then(|events| crate::model::roles::first_lead(&events));
            Counted {
                incident,
                severity,
                lead,
            }
        })
        .collect();
    let mut groups = stats::compute(
        &counted,
        args.group_by,
        store.config(),
        ctx.clock.tz(),
        ctx.clock.now(),
    );
    followups(ctx, &store, (&ids, &counted), &mut groups, args.group_by)?;
    let format = args.output.get();
    match format {
        Format::Json => super::print_json(ctx.out, &groups)?,
        Format::Csv => csv(ctx, &groups)?,
        Format::Table => {
            table(ctx, &groups, !store.config().sla.is_empty())?;
            before_impact_note(ctx, &groups)?;
            followups_table(ctx, &groups)?
        }
    }
    if let Some(note) = left_out_note(&left_out) {
        // Below a table people read it; CSV and JSON stay what scripts parse.
        if format == Format::Table {
            writeln!(ctx.out, "{note}")?;
        } else {
            crate::eprintln_escaped!("{note}");
        }
    }
    Ok(())
}

/// `Left out 3 incidents (game-day 2, false-alarm 1) ...`, or nothing when none was.
fn left_out_note(kinds: &[String]) -> Option<String> {
    if kinds.is_empty() {
        return None;
    }
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for kind in kinds {
        match counts.iter_mut().find(|(k, _)| k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    counts.sort();
    let each: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let n = kinds.len();
    let noun = if n == 1 { "incident" } else { "incidents" };
    Some(format!(
        "Left out {n} {noun} of types excluded from metrics ({}): --include-all counts them.",
        each.join(", ")
    ))
}

/// The severity each incident counts as: the one it ended with, or the worst in its history
/// (read through the parse cache).
fn counted_severities(
    store: &crate::store::Store,
    ids: &[String],
    incidents: &[&Incident],
    basis: SeverityBasis,
) -> Vec<String> {
    if basis == SeverityBasis::Final {
        return incidents.iter().map(|i| i.severity.clone()).collect();
    }
    let histories = store.load_severity_histories(ids.to_vec());
    incidents
        .iter()
        .zip(histories)
        .map(|(incident, (_, history))| {
            // A timeline that does not parse is `inc check`'s to report; stats count the
            // incident by incident.yaml's severity, as they read nothing else of it.
            let mut all: Vec<&str> = match &history {
                Ok(history) => history.iter().map(String::as_str).collect(),
                Err(_) => Vec::new(),
            };
            all.push(&incident.severity);
            crate::model::severity_history::peak(&all, store.config())
                .unwrap_or(&incident.severity)
                .to_string()
        })
        .collect()
}

/// Adds each group's Improvements from the incidents' post-mortems (`inc actions`).
fn followups(
    ctx: &Ctx<'_>,
    store: &crate::store::Store,
    (ids, incidents): (&[String], &[Counted]),
    groups: &mut [Group],
    by: Option<GroupBy>,
) -> Result<()> {
    // Post-mortems are read on every core, as the incidents were, and through the parse cache.
    let loaded = store.load_improvements(ids.to_vec());
    let mut items = Vec::new();
    for (&incident, (_, postmortem)) in incidents.iter().zip(loaded) {
        match postmortem {
            Ok(Some(improvements)) => items.push((incident, improvements)),
            Ok(None) => {}
            Err(err) => crate::eprintln_escaped!("warning: skipped a post-mortem: {err:#}"),
        }
    }
    let refs: Vec<(Counted, &[crate::model::postmortem::Improvement])> = items
        .iter()
        .map(|(i, list)| (*i, list.as_slice()))
        .collect();
    stats::add_followups(
        groups,
        &refs,
        by,
        store.config(),
        ctx.clock.tz(),
        crate::actions::today(&ctx.clock),
    );
    Ok(())
}

/// Says how many incidents had their first signal before the impact, and that time to detect
/// leaves them aside (nothing when none had).
fn before_impact_note(ctx: &mut Ctx<'_>, groups: &[Group]) -> Result<()> {
    let with: Vec<&Group> = groups
        .iter()
        .filter(|g| g.detected_before_impact > 0)
        .collect();
    let why =
        "detected before impact (a first signal before anyone was affected): not in time to detect";
    match with.as_slice() {
        [] => {}
        // One group: a count. Grouped, per group (an incident may be in several: tags, services).
        [only] if groups.len() == 1 => {
            let n = only.detected_before_impact;
            let (noun, verb) = if n == 1 {
                ("incident", "was")
            } else {
                ("incidents", "were")
            };
            writeln!(ctx.out, "{n} {noun} {verb} {why}.")?;
        }
        _ => {
            let each: Vec<String> = with
                .iter()
                .map(|g| format!("{} {}", g.group, g.detected_before_impact))
                .collect();
            writeln!(ctx.out, "Incidents {why}: {}.", each.join(", "))?;
        }
    }
    Ok(())
}

/// The follow-ups per group, under the durations (nothing when no post-mortem has any).
fn followups_table(ctx: &mut Ctx<'_>, groups: &[Group]) -> Result<()> {
    if groups.iter().all(|g| g.improvements.total == 0) {
        return Ok(());
    }
    let mut table = crate::views::table(&[
        "group",
        "improvements",
        "done",
        "open",
        "overdue",
        "median days to done",
    ]);
    for group in groups {
        let f = &group.improvements;
        table.add_row(vec![
            group.group.clone(),
            f.total.to_string(),
            f.done.to_string(),
            f.open.to_string(),
            f.overdue.to_string(),
            f.median_days_to_done
                .map_or_else(|| "—".to_string(), |d| d.to_string()),
        ]);
    }
    writeln!(ctx.out, "\n{}", table.trim_fmt())?;
    Ok(())
}

/// The figures for people; with SLA targets configured, a last column counts the breaches.
fn table(ctx: &mut Ctx<'_>, groups: &[Group], sla: bool) -> Result<()> {
    if groups.is_empty() {
        writeln!(ctx.out, "No incidents in that range.")?;
        return Ok(());
    }
    let show = |v: Option<i64>| {
        v.map_or_else(
            || "—".to_string(),
            |s| format_duration(SignedDuration::from_secs(s)),
        )
    };
    let mut header = vec![
        "group",
        "incidents",
        "measure",
        "n",
        "mean",
        "median",
        "p90",
        "left out",
    ];
    if sla {
        header.push("sla breached");
    }
    let mut table = crate::views::table(&header);
    for group in groups {
        for (index, (name, m)) in group.measures().into_iter().enumerate() {
            let first = index == 0;
            let mut row = vec![
                if first {
                    group.group.clone()
                } else {
                    String::new()
                },
                if first {
                    group.count.to_string()
                } else {
                    String::new()
                },
                name.replace('_', " "),
                m.n.to_string(),
                show(m.mean),
                show(m.median),
                show(m.p90),
                m.left_out.to_string(),
            ];
            if sla {
                row.push(if first {
                    sla_breaches(&group.sla_breaches)
                } else {
                    String::new()
                });
            }
            table.add_row(row);
        }
    }
    writeln!(ctx.out, "{}", table.trim_fmt())?;
    Ok(())
}

fn csv(ctx: &mut Ctx<'_>, groups: &[Group]) -> Result<()> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "group",
        "incidents",
        "measure",
        "n",
        "left_out",
        "mean_seconds",
        "median_seconds",
        "p90_seconds",
    ])?;
    let cell = |v: Option<i64>| v.map(|s| s.to_string()).unwrap_or_default();
    for group in groups {
        for (name, m) in group.measures() {
            writer.write_record([
                group.group.clone(),
                group.count.to_string(),
                name.to_string(),
                m.n.to_string(),
                m.left_out.to_string(),
                cell(m.mean),
                cell(m.median),
                cell(m.p90),
            ])?;
        }
    }
    ctx.out.write_all(&writer.into_inner()?)?;
    Ok(())
}

/// `respond 1 of 3, resolve 0 of 2`: breaches of the incidents that had each target.
fn sla_breaches(b: &stats::SlaBreaches) -> String {
    let parts: Vec<String> = [("respond", b.respond), ("resolve", b.resolve)]
        .into_iter()
        .filter(|(_, c)| c.checked > 0)
        .map(|(name, c)| format!("{name} {} of {}", c.breached, c.checked))
        .collect();
    if parts.is_empty() {
        "—".to_string()
    } else {
        parts.join(", ")
    }
}
