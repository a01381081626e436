//! Building the site from a repository (`inc site`): every incident loaded a chunk at a time and
//! shaped into its page, internal or public (through the report template the site uses), then
//! the overview pages, written as they are made.

use std::path::PathBuf;

use anyhow::Result;

use super::{Entry, Site, Writer, Written, entry, id_base, id_base_of, named_services, overview};
use crate::model::Incident;
use crate::names::Names;
use crate::report::{self, Context, Options, PublicContext, PublicOptions};
use crate::store::{ATTACHMENTS_DIR, Loaded, Store, parallel_map};
use crate::time::Clock;

/// What to build, checked by the command.
pub struct Request {
    /// The directory to write.
    pub dir: PathBuf,
    pub title: String,
    /// Where the site will be published, without a trailing `/`.
    pub base_url: Option<String>,
    /// The customer-facing site.
    pub public: bool,
}

/// What a build did.
pub struct Built {
    pub written: Written,
    /// The incidents the site lists.
    pub incidents: usize,
    /// Whether the feeds' entry ids are made from where the site lives (else from its title, and
    /// two sites' entries may share ids).
    pub unique_ids: bool,
}

/// Builds the site `request` asks for from `store`'s incidents, as of `clock`.
pub fn build(store: &Store, clock: &Clock, request: Request) -> Result<Built> {
    let Request {
        dir,
        title,
        base_url,
        public,
    } = request;
    let config = store.config();
    let zone = config.report_zone()?;
    let template = report::find(store.root(), if public { "external" } else { "internal" })?;

    let ids = store.ids()?;
    let windows = crate::maintenance::load_all(store)?;
    // On a public site a name from any incident is replaced in every incident's text, so the
    // names are gathered first. Incidents that do not load are warned about below.
    let names = if public {
        Names::new(&crate::public::people::of_incidents(store, &ids)?)
    } else {
        Names::new(&[])
    };
    // A Markdown template's report becomes a page; an HTML template's is sanitized and wrapped.
    let page = |text: String| report::to_page(&template, &text);

    let render = |l: &Loaded| -> Result<Entry> {
        let rendered = if public {
            let p = crate::public::Incident::build(l, config, clock, &names);
            let options = PublicOptions {
                audience: None,
                attachments_url: Some(format!("{}/{ATTACHMENTS_DIR}/", p.id)),
            };
            let context = PublicContext::new(&p, &config.timezone, clock, options);
            let chart = entry::phase_chart(&context.phases, &zone, config.timezone.trim());
            let report = page(report::render(&template, context.into_value(), &zone)?);
            let files: Vec<(&str, &str)> = p
                .attachments
                .iter()
                .map(|a| (a.file.as_str(), a.name.as_str()))
                .collect();
            let mut entry = entry::public(&p, report, &zone);
            entry.attachments = entry::attachments(store, &l.id, &files, &p.id);
            entry.phase_chart = chart;
            entry
        } else {
            let page_name = entry::page_name(&l.id);
            let options = Options {
                authors: Vec::new(),
                audience: None,
                attachments_url: Some(format!(
                    "{}/{ATTACHMENTS_DIR}/",
                    report::percent_encode(&page_name)
                )),
            };
            let context = Context::new(l, config, clock, options);
            let chart = entry::phase_chart(&context.phases, &zone, config.timezone.trim());
            let attached: Vec<String> =
                context.attachments.iter().map(|a| a.name.clone()).collect();
            let report = page(report::render(&template, context.into_value(), &zone)?);
            let files: Vec<(&str, &str)> =
                attached.iter().map(|n| (n.as_str(), n.as_str())).collect();
            let mut entry = entry::internal(l, config, report, &zone);
            entry.attachments = entry::attachments(store, &l.id, &files, &page_name);
            entry.phase_chart = chart;
            entry
        };
        Ok(rendered)
    };
    let id_base = id_base(
        base_url.as_deref(),
        crate::git::remote_url(store.root(), "origin").as_deref(),
    );
    // Said after the summary: a reader may take two sites' entries with the same id for one.
    let unique_ids = id_base.is_some() || !public;
    let mut site = Site {
        id_base: id_base.unwrap_or_else(|| id_base_of(&title)),
        title,
        base_url,
        public,
        incidents: Vec::new(),
        services: Vec::new(),
        maintenance: windows
            .iter()
            .map(|w| crate::public::Maintenance::build(w, clock.now(), &names))
            .collect(),
        now: clock.now(),
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
    let mut writer = Writer::open(&dir)?;
    // Each incident with the worst severity it had: what its SLA targets were.
    let mut counted: Vec<(Incident, String)> = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let rendered = parallel_map(chunk.to_vec(), |id| match Loaded::load(store, &id) {
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
            writer.page(&super::incident(&site, &entry))?;
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
        None => named_services(&site),
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
        clock.now(),
    );
    overview(&site, |page| writer.page(&page))?;

    let written = writer.finish()?;
    Ok(Built {
        written,
        incidents: site.incidents.len(),
        unique_ids,
    })
}
