//! `inc site`: the incident history as a static website: a status page (the state of every
//! service now and over 90 days, ongoing incidents, scheduled maintenance) over the history of
//! incidents, a page per incident, statistics with inline SVG charts, Atom feeds (the whole site
//! and each service), status.json and a badge.
//!
//! Pure: the incidents as the site shows them in, the files (relative path and bytes) out. Every
//! link between pages is relative, no page loads anything from the network (a Content Security
//! Policy in each page says so to the browser too), and every text is escaped. Writing the files
//! (only those whose bytes changed), page by page as they are made, is [`Writer`]'s job.
//! Putting it together from a repository is [`build`].

use crate::stats::Group;
use crate::time::Time;

mod badge;
mod build;
mod charts;
pub mod entry;
mod feed;
pub mod history;
mod index;
mod stats;
mod status;
mod write;

pub use build::{Built, Request, build};
pub use write::{Writer, Written};

/// One file of the site: where it goes (relative, with `/`) and what it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// One incident as the site lists it. For a public site every text here comes from the public
/// model ([`crate::public::Incident`]): its public id, title and summary, names replaced, no tags.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The incident's id (its public id on a public site).
    pub id: String,
    /// Its page, relative to the site's root (`incidents/ID.html`).
    pub page: String,
    pub title: String,
    /// Its severity (the public label on a public site).
    pub severity: String,
    /// How the services it hits show while it is open.
    pub state: crate::model::severity::ServiceState,
    /// It counts in the metrics and on the status page: not a game day or a false alarm.
    pub counted: bool,
    pub status: String,
    pub open: bool,
    /// When it began (started, else detected, else opened), and as shown in the site's zone.
    pub began: Time,
    /// When it was resolved.
    pub ended: Option<Time>,
    pub began_shown: String,
    /// `YYYY-MM` in the site's zone.
    pub month: String,
    /// Time to resolve in seconds, when known.
    pub duration: Option<i64>,
    pub services: Vec<String>,
    pub tags: Vec<String>,
    pub summary: String,
    /// The last time anything about it was written (an entry, an update, a milestone).
    pub updated: Time,
    /// Updates sent to public audiences (public sites show them and put them in the feed).
    pub updates: Vec<Update>,
    /// Its follow-ups (post-mortem Improvements): open and done.
    pub followups_open: usize,
    pub followups_done: usize,
    /// The incident's report as a standalone HTML page (see [`crate::report::to_page`]).
    pub report: String,
    /// The whole logbook, shown under the report on an internal site (the internal report has
    /// only the key entries); empty on a public site.
    pub logbook: Vec<LogLine>,
    /// The phase chart (SVG), shown under the report's heading when the report draws none (a
    /// repository's own template may not).
    pub phase_chart: Option<String>,
    /// Attached files the page links to: path relative to the site's root, and bytes.
    pub attachments: Vec<Page>,
}

/// An update to a public audience as the public site shows it.
#[derive(Clone, Debug)]
pub struct Update {
    /// Stable: the comms entry's id.
    pub id: String,
    pub at: Time,
    /// The incident's status when it was sent.
    pub status: String,
    pub text: String,
}

/// One logbook entry as the internal site shows it.
#[derive(Clone, Debug)]
pub struct LogLine {
    /// The time in the site's zone.
    pub at: String,
    pub kind: String,
    pub by: String,
    pub text: String,
    pub internal: bool,
}

/// Everything the site is built from.
pub struct Site {
    pub title: String,
    /// Where the site is published (`--base-url`), for the feed and status.json; links between
    /// pages stay relative.
    pub base_url: Option<String>,
    /// What the ids of the feeds' entries start with: the base URL, else an id of the repository
    /// (so that two sites never share an entry id).
    pub id_base: String,
    pub public: bool,
    /// Newest first.
    pub incidents: Vec<Entry>,
    /// `inc stats --by month` over the incidents that count in metrics, oldest month first.
    pub months: Vec<Group>,
    /// The severities of .inc.yaml, worst first (their public labels on a public site).
    pub severities: Vec<String>,
    /// The services the status page shows: the catalog's, else every service an incident names.
    pub services: Vec<String>,
    /// The maintenance windows, by start.
    pub maintenance: Vec<crate::public::Maintenance>,
    /// The clock the site is built at, and the zone its times are shown in.
    pub now: Time,
    pub zone: jiff::tz::TimeZone,
}

/// An incident's page. It needs nothing of the other incidents, so a site is written an
/// incident at a time, and only [`overview`] needs them all (their summaries).
pub fn incident(site: &Site, entry: &Entry) -> Page {
    html(&entry.page, incident_page(site, entry))
}

/// The pages about every incident, each given to `put` as soon as it is made: index,
/// statistics, feed, status.json and the badge. They use what an [`Entry`] says of its
/// incident, not its report, logbook or attachments.
pub fn overview(
    site: &Site,
    mut put: impl FnMut(Page) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let services = history::services(site);
    put(html("index.html", index::index(site, &services)))?;
    put(html("stats.html", stats::stats(site)))?;
    put(Page {
        path: "feed.xml".into(),
        bytes: feed::atom(site, None).into_bytes(),
    })?;
    for (service, path) in feed::service_feeds(site) {
        put(Page {
            path,
            bytes: feed::atom(site, Some(&service)).into_bytes(),
        })?;
    }
    put(Page {
        path: "status.json".into(),
        bytes: status::json(site, &services).into_bytes(),
    })?;
    put(Page {
        path: "badge.svg".into(),
        bytes: badge::svg(site).into_bytes(),
    })
}

fn html(path: &str, text: String) -> Page {
    Page {
        path: path.to_string(),
        bytes: text.into_bytes(),
    }
}

pub(crate) use crate::text::escape_markup as esc;

/// The site's style on top of the report's: light and dark schemes, the navigation, the status
/// page (banner, services with their 90 days, maintenance), and tables that reflow into one
/// card per row on a phone, so that no page scrolls sideways.
const CSS: &str = ":root { color-scheme: light dark; --ok: #2e7d32; --degraded: #b7791f; --outage: #c9302c; --maintenance: #2f6fd6; }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; overflow-wrap: break-word; }
main { max-width: 64rem; margin: 2rem auto; padding: 0 1rem; }
nav.site { font-size: 0.95rem; margin-bottom: 1rem; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
figure.chart { margin: 1rem 0; }
figure.chart svg { max-width: 100%; height: auto; }
svg text { fill: currentColor; }
.sev { font-weight: 600; }
.open { color: var(--outage); font-weight: 600; }
.filters { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; }
.banner { padding: 0.8rem 1rem; border-radius: 6px; color: #fff; font-size: 1.15rem; margin: 1rem 0 1.5rem; }
.banner small { display: block; font-size: 0.85rem; opacity: 0.9; }
.st-operational { background: var(--ok); }
.st-degraded { background: var(--degraded); }
.st-outage { background: var(--outage); }
.st-maintenance { background: var(--maintenance); }
.card { border: 1px solid #ccc; border-left: 6px solid var(--outage); border-radius: 4px; padding: 0.5rem 0.9rem; margin: 0.75rem 0; }
.card.degraded { border-left-color: var(--degraded); }
.card.operational { border-left-color: var(--ok); }
.card.maintenance { border-left-color: var(--maintenance); }
.card h3 { margin: 0.2rem 0; font-size: 1.1rem; }
.meta { color: #555; font-size: 0.9rem; margin: 0.2rem 0; }
ul.services { list-style: none; padding: 0; margin: 0; }
ul.services > li { border: 1px solid #ccc; border-radius: 4px; padding: 0.6rem 0.8rem; margin: 0 0 0.6rem; }
.service { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.25rem 1rem; align-items: baseline; }
.service .name { font-weight: 600; overflow-wrap: anywhere; }
.state { font-size: 0.9rem; font-weight: 600; }
.state.operational { color: var(--ok); }
.state.degraded { color: var(--degraded); }
.state.outage { color: var(--outage); }
.state.maintenance { color: var(--maintenance); }
.days { display: flex; gap: 2px; height: 2rem; margin: 0.5rem 0 0.2rem; }
.days span { flex: 1; min-width: 0; border-radius: 2px; }
.legend { display: flex; justify-content: space-between; font-size: 0.8rem; color: #555; }
.short { display: none; }
@media (max-width: 40rem) {
  main { margin: 1rem auto; }
  .days span:nth-child(-n+60) { display: none; }
  .long { display: none; }
  .short { display: inline; }
  table.reflow, table.reflow tbody, table.reflow tr, table.reflow td { display: block; }
  table.reflow thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.reflow tr { border: 1px solid #ccc; border-radius: 4px; margin: 0 0 0.6rem; padding: 0.3rem 0.6rem; }
  table.reflow td { border: 0; padding: 0.1rem 0; }
  table.reflow tr[hidden] { display: none; }
  table.reflow td[data-label]::before { content: attr(data-label) \": \"; font-weight: 600; }
}
@media (prefers-color-scheme: dark) {
  body { background: #121212; color: #e6e6e6; }
  th { background: #222; }
  th, td, .card, ul.services > li, table.reflow tr { border-color: #444; }
  pre { background: #1d1d1d; }
  blockquote { color: #bbb; border-color: #555; }
  a { color: #8ab4f8; }
  .meta, .legend { color: #aaa; }
  .open { color: #ff7b72; }
}
";

/// A page of the site: `root` is the way back to the site's root (`""` or `../`); `scripts` are
/// the inline scripts `body` holds (the text inside each `<script>`), which the page's policy
/// allows by hash. Built by [`crate::report::standalone`], like every page inc writes.
fn layout(site: &Site, title: &str, root: &str, body: &str, scripts: &[&str]) -> String {
    crate::report::standalone(&crate::report::PageParts {
        title,
        scripts,
        head: &head(site, root),
        body: &format!("{}\n{body}", nav(site, root)),
    })
}

/// What the site adds to a page's head after the report's style: the feed, and its own style
/// (last, so that it wins: the dark scheme).
fn head(site: &Site, root: &str) -> String {
    format!(
        "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"{root}feed.xml\" title=\"{}\">\n<style>\n{CSS}</style>\n",
        esc(&site.title)
    )
}

fn nav(site: &Site, root: &str) -> String {
    format!(
        "<nav class=\"site\"><a href=\"{root}index.html\">{}</a><a href=\"{root}stats.html\">Statistics</a><a href=\"{root}feed.xml\">Feed</a><a href=\"{root}status.json\">status.json</a></nav>",
        esc(&site.title)
    )
}

/// An incident's report page with the site's navigation, policy, schemes and phase chart added.
fn incident_page(site: &Site, entry: &Entry) -> String {
    // The report is a page of inc's own shell (crate::report::to_page): its head and main come
    // first in it, and nothing in its body can be markup of those (a Markdown report shows raw
    // HTML as text, an HTML template's output is sanitized), so these are the page's own tags.
    // It carries the policy a page without script needs; one that does not gets it, first.
    let report = if entry.report.starts_with(crate::report::POLICY_START) {
        std::borrow::Cow::Borrowed(&entry.report)
    } else {
        std::borrow::Cow::Owned(entry.report.replacen(
            "<head>\n",
            &format!(
                "<head>\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n",
                crate::report::content_security_policy(&[])
            ),
            1,
        ))
    };
    let mut page = report
        .replacen("</head>\n", &format!("{}</head>\n", head(site, "../")), 1)
        .replacen("<main>\n", &format!("<main>\n{}\n", nav(site, "../")), 1);
    if !entry.logbook.is_empty() {
        let mut table = format!(
            "<h2 id=\"logbook\">Logbook</h2>\n<p>{} (internal ones marked).</p>\n<table>\n<thead><tr><th>Time</th><th>Kind</th><th>By</th><th>Entry</th></tr></thead>\n<tbody>\n",
            match entry.logbook.len() {
                1 => "The one entry".to_string(),
                n => format!("All {n} entries"),
            }
        );
        for line in &entry.logbook {
            table.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>\n",
                esc(&line.at),
                esc(&line.kind),
                esc(&line.by),
                if line.internal {
                    "<strong>internal:</strong> "
                } else {
                    ""
                },
                esc(&line.text)
            ));
        }
        table.push_str("</tbody>\n</table>\n</main>\n");
        if let Some(at) = page.rfind("</main>\n") {
            page.replace_range(at..at + "</main>\n".len(), &table);
        }
    }
    let chart = entry
        .phase_chart
        .as_deref()
        .filter(|_| !page.contains("<svg"));
    if let (Some(chart), Some(at)) = (chart, page.find("</h1>\n")) {
        page.insert_str(at + "</h1>\n".len(), chart);
    }
    page
}

/// What the feeds' entry ids start with: `--base-url`, else a URN made from the repository's
/// `origin` remote (the same for every clone of it, whatever way each reaches it: the host and
/// path, without scheme, user or `.git`); `None` when there is neither.
pub fn id_base(base_url: Option<&str>, origin: Option<&str>) -> Option<String> {
    if let Some(base) = base_url {
        return Some(base.trim_end_matches('/').to_string());
    }
    let origin = origin?.trim();
    let rest = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    let rest = rest.split_once('@').map_or(rest, |(_, rest)| rest);
    let place = rest
        .replacen(':', "/", 1)
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .to_ascii_lowercase();
    let hash = crate::model::log::hashed_id(&[b"inc site\0", place.as_bytes()], 12);
    Some(format!("urn:inc:{hash}"))
}

/// The ids of a site with neither a base URL nor a remote: from its title alone.
pub fn id_base_of(title: &str) -> String {
    format!(
        "urn:inc:{}",
        crate::model::log::hashed_id(&[title.as_bytes()], 12)
    )
}

/// Every service an incident names, in order of name (any case once): the status page's
/// services when there is no catalog.
pub fn named_services(site: &Site) -> Vec<String> {
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    for name in site
        .incidents
        .iter()
        .flat_map(|e| &e.services)
        .chain(site.maintenance.iter().flat_map(|m| &m.services))
    {
        seen.entry(name.to_lowercase())
            .or_insert_with(|| name.clone());
    }
    seen.into_values().collect()
}

/// A page's address: absolute under `--base-url`, else relative to the site's root.
pub(crate) fn url(site: &Site, page: &str) -> String {
    let page = crate::report::percent_encode(page);
    match &site.base_url {
        Some(base) => format!("{}/{page}", base.trim_end_matches('/')),
        None => page,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn feed_ids_are_the_same_for_every_clone_of_a_repository() {
        let ssh = id_base(None, Some("git@github.com:Acme/incidents.git")).unwrap();
        for same in [
            "https://github.com/acme/incidents",
            "ssh://git@github.com/acme/incidents.git",
            "https://token@github.com/acme/incidents.git/",
        ] {
            assert_eq!(id_base(None, Some(same)).unwrap(), ssh, "{same}");
        }
        assert_ne!(
            id_base(None, Some("git@github.com:acme/other.git")).unwrap(),
            ssh
        );
        assert!(ssh.starts_with("urn:inc:") && !ssh.contains("acme"));
        assert_eq!(
            id_base(Some("https://status.example.com/"), Some("x")).unwrap(),
            "https://status.example.com"
        );
        assert_eq!(id_base(None, None), None);
    }

    #[test]
    fn quiet_months_are_on_the_axis() {
        let months: BTreeSet<String> = ["2025-11", "2026-02"].map(String::from).into();
        assert_eq!(
            stats::month_range(&months),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        let odd: BTreeSet<String> = ["2026-01", "(unknown)"].map(String::from).into();
        assert_eq!(stats::month_range(&odd), ["(unknown)", "2026-01"]);
    }

    #[test]
    fn esc_escapes_markup_and_shows_controls_escaped() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>\u{1b}[2J"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\\u{1b}[2J"
        );
    }
}
