//! `inc site`: write the incident history as a static website (see docs/site.md).

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use crate::error::Error;
use crate::model::Incident;
use crate::names::Names;
use crate::report::{self, Context, Options};
use crate::site::{self, Entry, Page, Site};
use crate::store::{ATTACHMENTS_DIR, Store, parallel_map, refuse_links};
use crate::time::Time;
use crate::views::Loaded;

/// Write the incident history as a static website: index, a page per incident, statistics
/// with charts, an Atom feed, status.json and a badge
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc site -o site                        # then open site/index.html
  inc site -o public --public --base-url https://status.example.com --title \"Example status\"
  python3 -m http.server -d public        # serve it to look at it as the web will")]
pub struct Args {
    /// The directory to write (created if missing; rebuilding rewrites only changed files)
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,

    /// Build the customer-facing site: external reports only, no internal entries, no names,
    /// no internal updates, only attachments of public entries
    #[arg(long)]
    pub public: bool,

    /// Where the site will be published (http or https), for the feed and status.json
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// The site's title [default: "Incidents", or "Incident history" with --public]
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
}

/// Attached files larger than this are linked to nowhere rather than copied.
const MAX_ATTACHMENT: u64 = 50 * 1024 * 1024;

/// The audience whose updates a public site shows.
const PUBLIC_AUDIENCE: &str = "customers";

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let base_url = args
        .base_url
        .as_deref()
        .map(|url| {
            let url = url.trim();
            let lower = url.to_ascii_lowercase();
            let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
                && !url.chars().any(|c| c.is_whitespace() || c.is_control());
            if ok {
                Ok(url.trim_end_matches('/').to_string())
            } else {
                Err(Error::usage(format!(
                    "--base-url \"{}\" is not an http(s) address: give e.g. https://status.example.com",
                    crate::text::escape_controls(url)
                )))
            }
        })
        .transpose()?;
    let title = args
        .title
        .unwrap_or_else(|| {
            if args.public {
                "Incident history"
            } else {
                "Incidents"
            }
            .to_string()
        })
        .trim()
        .to_string();
    if title.is_empty() {
        return Err(Error::usage("--title is empty: give the site a title").into());
    }
    let store = ctx.store()?;
    let config = store.config();
    let zone = config.report_zone()?;
    let template = report::find(
        store.root(),
        if args.public { "external" } else { "internal" },
    )?;
    let dir = ctx.start_dir().join(&args.output);

    let public = args.public;
    let ids = store.ids()?;
    // On a public site a name from any incident is replaced in every incident's text, so the
    // names are gathered first (an internal context ignores the list). Incidents that do not
    // load are warned about below.
    let people: Vec<String> = if public {
        let mut people: Vec<String> = parallel_map(ids.clone(), |id| {
            Loaded::load(&store, &id)
                .map(|l| l.people())
                .unwrap_or_default()
        })
        .into_iter()
        .flatten()
        .collect();
        people.sort();
        people.dedup();
        people
    } else {
        Vec::new()
    };
    let names = Names::new(&people);
    let name_words: BTreeSet<String> = people
        .iter()
        .flat_map(|p| {
            slug::slugify(p)
                .split('-')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|w| w.chars().count() >= 2)
        .collect();
    let clock = &ctx.clock;
    let redact = |text: &str| {
        if public {
            // The words public reports put in a name's place.
            names.redact(text, "a team member")
        } else {
            text.to_string()
        }
    };
    let render = |l: &Loaded| -> Result<Entry> {
        let page_name = page_name(&l.id, public, &name_words);
        let options = Options {
            authors: Vec::new(),
            audience: public.then(|| PUBLIC_AUDIENCE.to_string()),
            public,
            attachments_url: Some(format!(
                "{}/{ATTACHMENTS_DIR}/",
                report::percent_encode(&page_name)
            )),
        };
        let context = Context::new(l, config, clock, options);
        let attached = context.attachments.clone();
        let chart = phase_chart(&context.phases, &zone, config.timezone.trim());
        // Only a public context replaces names (an internal one ignores the list).
        let markdown = report::render(&template, context.into_value(&people), &zone)?;
        let report = report::to_page(&template, &markdown);
        let attachments = attached
            .iter()
            .filter_map(|a| attachment(&store, &l.id, &a.name, &page_name))
            .collect();
        let mut entry = entry(l, &page_name, report, attachments, public, &redact, &zone);
        entry.phase_chart = chart;
        Ok(entry)
    };

    let mut site = Site {
        title,
        base_url,
        public,
        incidents: Vec::new(),
        months: Vec::new(),
        severities: config.severities.clone(),
    };
    // A chunk of incidents at a time, on every core: each incident's page is written as soon as
    // it is rendered and only its summary is kept (20,000 incidents held whole took gigabytes).
    const CHUNK: usize = 64;
    let mut writer = site::Writer::open(&dir)?;
    let mut counted: Vec<Incident> = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let rendered = parallel_map(chunk.to_vec(), |id| match Loaded::load(&store, &id) {
            Ok(loaded) => Some(render(&loaded).map(|entry| (entry, loaded.incident))),
            Err(err) => {
                crate::eprintln_escaped!("warning: skipped {id}: {err:#}");
                None
            }
        });
        for rendered in rendered.into_iter().flatten() {
            let (mut entry, incident) = rendered?;
            writer.page(&site::incident(&site, &entry))?;
            for attached in std::mem::take(&mut entry.attachments) {
                writer.page(&attached)?;
            }
            entry.report = String::new();
            entry.logbook = Vec::new();
            entry.phase_chart = None;
            site.incidents.push(entry);
            if !config.excluded_from_metrics(&incident.kind) {
                counted.push(incident);
            }
        }
    }
    site.incidents
        .sort_by(|a, b| (b.began, &b.id).cmp(&(a.began, &a.id)));
    let counted: Vec<&Incident> = counted.iter().collect();
    site.months = crate::stats::compute(
        &counted,
        Some(crate::stats::GroupBy::Month),
        config,
        &zone,
        ctx.clock.now(),
    );
    site::overview(&site, |page| writer.page(&page))?;
    let done = writer.finish()?;
    let shown = args.output.display();
    writeln!(
        ctx.out,
        "Wrote {} of {} files to {shown} ({} unchanged{}); {} incident{}{}.\nOpen {shown}/index.html in a browser.",
        done.written,
        done.written + done.unchanged,
        done.unchanged,
        if done.removed > 0 {
            format!(", {} removed", done.removed)
        } else {
            String::new()
        },
        site.incidents.len(),
        if site.incidents.len() == 1 { "" } else { "s" },
        if public { ", public" } else { "" },
    )?;
    Ok(())
}

/// The incident's page name: its id, unless a public site would show a person's name in it (any
/// word of anyone's name, in any case: a file name has no room for doubt) or the id is not a plain
/// file name; then its date and a hash of the id.
fn page_name(id: &str, public: bool, name_words: &BTreeSet<String>) -> String {
    let plain = !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let named = || {
        id.split(|c: char| !c.is_alphanumeric())
            .any(|word| name_words.contains(&word.to_lowercase()))
    };
    if plain && !(public && named()) {
        return id.to_string();
    }
    let date: String = id
        .chars()
        .take(10)
        .filter(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    let hash = crate::model::log::hashed_id(&[id.as_bytes()], 8);
    format!(
        "{}incident-{hash}",
        if date.len() == 10 {
            date + "-"
        } else {
            String::new()
        }
    )
}

/// An attached file copied into the site, beside the incident's page; `None` for a type a
/// browser could run (the page names it as not published, see [`crate::store::attachment_type`]),
/// and (with a warning) when it is missing, a link, or too large.
fn attachment(store: &Store, id: &str, name: &str, page_name: &str) -> Option<Page> {
    if !crate::store::attachment_type(name).is_published() {
        return None;
    }
    let path = store.incident_dir(id).join(ATTACHMENTS_DIR).join(name);
    let ok = refuse_links(store.root(), &path).is_ok()
        && std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= MAX_ATTACHMENT);
    let bytes = ok.then(|| std::fs::read(&path).ok()).flatten();
    if bytes.is_none() {
        crate::eprintln_escaped!(
            "warning: {id}: attachment {name} not copied (missing, a link, or over 50 MB)"
        );
    }
    Some(Page {
        path: format!("incidents/{page_name}/{ATTACHMENTS_DIR}/{name}"),
        bytes: bytes?,
    })
}

/// What the site lists of an incident.
fn entry(
    l: &Loaded,
    page_name: &str,
    report: String,
    attachments: Vec<Page>,
    public: bool,
    redact: &dyn Fn(&str) -> String,
    tz: &jiff::tz::TimeZone,
) -> Entry {
    let i = &l.incident;
    let began = crate::stats::began(i);
    let title = if public {
        let title = if i.public_title.trim().is_empty() {
            format!(
                "Service disruption on {}",
                began.in_tz(tz).strftime("%Y-%m-%d")
            )
        } else {
            i.public_title.clone()
        };
        redact(&title)
    } else {
        i.title.clone()
    };
    // A public site does not tell when something internal was written either.
    let mut updated: Time = i.opened;
    let entries = l
        .timeline
        .iter()
        .filter(|e| !(public && e.internal))
        .map(|e| e.at);
    let comms = l
        .comms
        .iter()
        .filter(|c| !public || c.audience == PUBLIC_AUDIENCE)
        .map(|c| c.at);
    for t in entries.chain(comms) {
        updated = updated.max(t);
    }
    for m in crate::model::Milestone::ALL {
        if let Some(t) = i.milestones.get(m) {
            updated = updated.max(t);
        }
    }
    let mut updates: Vec<(Time, String)> = if public {
        l.comms
            .iter()
            .filter(|c| c.audience == PUBLIC_AUDIENCE)
            .map(|c| (c.at, redact(&c.message)))
            .collect()
    } else {
        Vec::new()
    };
    updates.sort();
    let improvements = l
        .postmortem
        .as_ref()
        .map(|pm| pm.improvements.as_slice())
        .unwrap_or_default();
    let done = improvements.iter().filter(|i| i.done).count();
    Entry {
        id: if public {
            page_name.to_string()
        } else {
            l.id.clone()
        },
        page: format!("incidents/{page_name}.html"),
        title,
        severity: i.severity.clone(),
        status: i.status.name().to_string(),
        open: i.status.is_open(),
        began,
        began_shown: began.in_tz(tz).strftime("%Y-%m-%d %H:%M").to_string(),
        month: began.in_tz(tz).strftime("%Y-%m").to_string(),
        duration: i.milestones.durations().time_to_resolve,
        services: i.impact.services.iter().map(|s| redact(s)).collect(),
        tags: if public { Vec::new() } else { i.tags.clone() },
        // Customers read the impact written for them first (the external report's headline).
        summary: redact(if public && !i.impact.summary.trim().is_empty() {
            &i.impact.summary
        } else {
            &i.summary
        }),
        updated,
        updates,
        followups_open: improvements.len() - done,
        followups_done: done,
        report,
        logbook: if public {
            Vec::new()
        } else {
            let mut lines: Vec<&crate::model::TimelineEntry> = l.timeline.iter().collect();
            lines.sort_by(|a, b| (a.at, &a.text).cmp(&(b.at, &b.text)));
            lines
                .into_iter()
                .map(|e| site::LogLine {
                    at: e.at.in_tz(tz).strftime("%Y-%m-%d %H:%M").to_string(),
                    kind: e.kind.name().to_string(),
                    by: e.by.clone(),
                    text: e.text.clone(),
                    internal: e.internal,
                })
                .collect()
        },
        phase_chart: None,
        attachments,
    }
}

/// The phase chart of an incident, drawn from its phases the way HTML reports draw the
/// Markdown reports' Mermaid block.
fn phase_chart(phases: &[report::Phase], tz: &jiff::tz::TimeZone, zone: &str) -> Option<String> {
    let mut source = format!("gantt\n    title Phases ({zone})\n    dateFormat YYYY-MM-DDTHH:mm\n");
    for (n, p) in phases.iter().enumerate() {
        let at = |t: Time| t.in_tz(tz).strftime("%Y-%m-%dT%H:%M").to_string();
        source.push_str(&format!(
            "    {} ({}) :p{}, {}, {}\n",
            p.name,
            crate::time::format_duration(jiff::SignedDuration::from_secs(p.duration)),
            n + 1,
            at(p.from),
            at(p.to)
        ));
    }
    crate::chart::gantt_svg(&source, 1)
}
