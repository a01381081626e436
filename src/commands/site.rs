//! `inc site`: write the incident history as a static website (see docs/site.md).

use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use crate::error::Error;
use crate::model::Incident;
use crate::names::Names;
use crate::report::{self, Context, Options, PublicContext, PublicOptions};
use crate::site::{self, Entry, Site};
use crate::store::{ATTACHMENTS_DIR, Loaded, parallel_map};

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
    let windows = crate::maintenance::load_all(&store)?;
    // On a public site a name from any incident is replaced in every incident's text, so the
    // names are gathered first. Incidents that do not load are warned about below.
    let names = if public {
        Names::new(&crate::public::people::of_incidents(&store, &ids)?)
    } else {
        Names::new(&[])
    };
    // A Markdown template's report becomes a page; an HTML template's is sanitized and wrapped.
    let page = |text: String| report::to_page(&template, &text);

    let clock = &ctx.clock;
    let render = |l: &Loaded| -> Result<Entry> {
        let rendered = if public {
            let p = crate::public::Incident::build(l, config, clock, &names);
            let options = PublicOptions {
                audience: None,
                attachments_url: Some(format!("{}/{ATTACHMENTS_DIR}/", p.id)),
            };
            let context = PublicContext::new(&p, &config.timezone, clock, options);
            let chart = site::entry::phase_chart(&context.phases, &zone, config.timezone.trim());
            let report = page(report::render(&template, context.into_value(), &zone)?);
            let files: Vec<(&str, &str)> = p
                .attachments
                .iter()
                .map(|a| (a.file.as_str(), a.name.as_str()))
                .collect();
            let mut entry = site::entry::public(&p, report, &zone);
            entry.attachments = site::entry::attachments(&store, &l.id, &files, &p.id);
            entry.phase_chart = chart;
            entry
        } else {
            let page_name = site::entry::page_name(&l.id);
            let options = Options {
                authors: Vec::new(),
                audience: None,
                attachments_url: Some(format!(
                    "{}/{ATTACHMENTS_DIR}/",
                    report::percent_encode(&page_name)
                )),
            };
            let context = Context::new(l, config, clock, options);
            let chart = site::entry::phase_chart(&context.phases, &zone, config.timezone.trim());
            let attached: Vec<String> =
                context.attachments.iter().map(|a| a.name.clone()).collect();
            let report = page(report::render(&template, context.into_value(), &zone)?);
            let files: Vec<(&str, &str)> =
                attached.iter().map(|n| (n.as_str(), n.as_str())).collect();
            let mut entry = site::entry::internal(l, config, report, &zone);
            entry.attachments = site::entry::attachments(&store, &l.id, &files, &page_name);
            entry.phase_chart = chart;
            entry
        };
        Ok(rendered)
    };
    let id_base = site::id_base(
        base_url.as_deref(),
        crate::git::remote_url(store.root(), "origin").as_deref(),
    );
    // Said after the summary: a reader may take two sites' entries with the same id for one.
    let unique_ids = id_base.is_some() || !public;
    let mut site = Site {
        id_base: id_base.unwrap_or_else(|| site::id_base_of(&title)),
        title,
        base_url,
        public,
        incidents: Vec::new(),
        services: Vec::new(),
        maintenance: windows
            .iter()
            .map(|w| crate::public::Maintenance::build(w, ctx.clock.now(), &names))
            .collect(),
        now: ctx.clock.now(),
        zone: zone.clone(),
        months: Vec::new(),
        severities: if public {
            config.public_labels()
        } else {
            config.severities.clone()
        },
    };
    // A chunk of incidents at a time, on every core: each incident's page is written as soon as
    // it is rendered and only its summary is kept (20,000 incidents held whole took gigabytes).
    const CHUNK: usize = 64;
    let mut writer = site::Writer::open(&dir)?;
    // Each incident with the worst severity it had: what its SLA targets were.
    let mut counted: Vec<(Incident, String)> = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let rendered = parallel_map(chunk.to_vec(), |id| match Loaded::load(&store, &id) {
            // A rehearsal or a false alarm is the team's business, not the customers' news.
            Ok(loaded) if public && !crate::public::is_published(&loaded.incident, config) => None,
            Ok(loaded) => Some(render(&loaded).map(|entry| {
                let peak = loaded.peak_severity(config);
                (entry, (loaded.incident, peak))
            })),
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
            if !config.excluded_from_metrics(&incident.0.kind) {
                counted.push(incident);
            }
        }
    }
    site.incidents
        .sort_by(|a, b| (b.began, &b.id).cmp(&(a.began, &a.id)));
    site.services = match store.catalog()? {
        Some(catalog) => catalog.names().into_iter().map(String::from).collect(),
        None => site::named_services(&site),
    };
    let counted: Vec<crate::stats::Counted> = counted
        .iter()
        .map(|(incident, severity)| crate::stats::Counted {
            incident,
            severity,
            // The site shows no SLA counts, the only figures a lead changes.
            lead: None,
        })
        .collect();
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
        "Wrote {} of {} files to {shown} ({} unchanged{}); {}{}.\nOpen {shown}/index.html in a browser.",
        done.written,
        done.written + done.unchanged,
        done.unchanged,
        if done.removed > 0 {
            format!(", {} removed", done.removed)
        } else {
            String::new()
        },
        crate::text::plural(site.incidents.len(), "incident"),
        if public { ", public" } else { "" },
    )?;
    if !unique_ids {
        writeln!(
            ctx.out,
            "The feeds' entry ids are made from the site's title (no --base-url, no origin remote): give --base-url where the site will be published."
        )?;
    }
    Ok(())
}
