//! `inc site`: the incident history as a static website (index, a page per incident, statistics
//! with inline SVG charts, an Atom feed, status.json and a badge).
//!
//! Pure: the incidents as the site shows them in, the files (relative path and bytes) out. Every
//! link between pages is relative, no page loads anything from the network (a Content Security
//! Policy in each page says so to the browser too), and every text is escaped. Writing the files
//! (only those whose bytes changed), page by page as they are made, is [`Writer`]'s job.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::stats::Group;
use crate::time::{Time, format_duration};

mod charts;
pub mod entry;
mod feed;
mod stats;
mod write;

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
    /// The severity's place in `severities` (0: the worst).
    pub rank: usize,
    /// How the services it hits show while it is open.
    pub state: crate::model::severity::ServiceState,
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
    /// The incident's report as a standalone HTML page (see [`crate::report::to_html`]).
    pub report: String,
    /// The whole logbook, shown under the report on an internal site (the internal report has
    /// only the key entries); empty on a public site.
    pub logbook: Vec<LogLine>,
    /// The phase chart (SVG), shown under the report's heading when the report draws none (the
    /// external template has no chart).
    pub phase_chart: Option<String>,
    /// Attached files the page links to: path relative to the site's root, and bytes.
    pub attachments: Vec<Page>,
}

/// An update to a public audience as the public site shows it.
#[derive(Clone, Debug)]
pub struct Update {
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
    pub public: bool,
    /// Newest first.
    pub incidents: Vec<Entry>,
    /// `inc stats --by month` over the incidents that count in metrics, oldest month first.
    pub months: Vec<Group>,
    /// The severities of .inc.yaml, worst first.
    pub severities: Vec<String>,
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
    put(html("index.html", index(site)))?;
    put(html("stats.html", stats::stats(site)))?;
    put(Page {
        path: "feed.xml".into(),
        bytes: feed::atom(site).into_bytes(),
    })?;
    put(Page {
        path: "status.json".into(),
        bytes: status_json(site).into_bytes(),
    })?;
    put(Page {
        path: "badge.svg".into(),
        bytes: badge(site).into_bytes(),
    })
}

fn html(path: &str, text: String) -> Page {
    Page {
        path: path.to_string(),
        bytes: text.into_bytes(),
    }
}

pub(crate) use crate::text::escape_markup as esc;

/// The site's style on top of the report's: light and dark schemes, the navigation.
const CSS: &str = ":root { color-scheme: light dark; }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; }
main { max-width: 64rem; margin: 2rem auto; padding: 0 1rem; }
nav.site { font-size: 0.95rem; margin-bottom: 1rem; }
nav.site a { margin-right: 1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
figure.chart { margin: 1rem 0; }
figure.chart svg { max-width: 100%; height: auto; }
svg text { fill: currentColor; }
.sev { font-weight: 600; }
.open { color: #c9302c; font-weight: 600; }
.filters label { margin-right: 1rem; }
@media (prefers-color-scheme: dark) {
  body { background: #121212; color: #e6e6e6; }
  th { background: #222; }
  th, td { border-color: #444; }
  pre { background: #1d1d1d; }
  blockquote { color: #bbb; border-color: #555; }
  a { color: #8ab4f8; }
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
            "<h2 id=\"logbook\">Logbook</h2>\n<p>All {} entries (internal ones marked).</p>\n<table>\n<thead><tr><th>Time</th><th>Kind</th><th>By</th><th>Entry</th></tr></thead>\n<tbody>\n",
            entry.logbook.len()
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

fn index(site: &Site) -> String {
    let mut body = format!("<h1>{}</h1>\n", esc(&site.title));
    let open = site.incidents.iter().filter(|e| e.open).count();
    body.push_str(&format!(
        "<p>{} incidents, {} open. <img src=\"badge.svg\" alt=\"{}\" width=\"{}\" height=\"20\"></p>\n",
        site.incidents.len(),
        open,
        esc(&badge_text(site)),
        badge_width(site)
    ));
    // Filters: every value present, one <select> each. Without JavaScript they stay hidden and
    // the table shows everything.
    let mut values: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for e in &site.incidents {
        values
            .entry("severity")
            .or_default()
            .insert(e.severity.clone());
        values.entry("status").or_default().insert(e.status.clone());
        values
            .entry("year")
            .or_default()
            .insert(e.month.get(..4).unwrap_or_default().to_string());
        for t in &e.tags {
            values.entry("tag").or_default().insert(t.clone());
        }
        for s in &e.services {
            values.entry("service").or_default().insert(s.clone());
        }
    }
    body.push_str("<form class=\"filters\" id=\"filters\" hidden>\n");
    for name in ["severity", "status", "tag", "service", "year"] {
        let Some(options) = values.get(name) else {
            continue;
        };
        body.push_str(&format!(
            "<label>{name} <select data-filter=\"{name}\"><option value=\"\">all</option>"
        ));
        for v in options {
            body.push_str(&format!("<option>{}</option>", esc(v)));
        }
        body.push_str("</select></label>\n");
    }
    body.push_str("<span id=\"shown\"></span>\n</form>\n");
    body.push_str("<table id=\"incidents\">\n<thead><tr><th>Began</th><th>Severity</th><th>Status</th><th>Incident</th><th>Duration</th><th>Services</th><th>Tags</th></tr></thead>\n<tbody>\n");
    for e in &site.incidents {
        // Values are joined with a control character no value can hold (esc shows them escaped).
        let joined = |list: &[String]| {
            list.iter()
                .map(|v| esc(v))
                .collect::<Vec<_>>()
                .join("&#31;")
        };
        body.push_str(&format!(
            "<tr data-severity=\"{}\" data-status=\"{}\" data-year=\"{}\" data-tag=\"{}\" data-service=\"{}\"><td>{}</td><td class=\"sev\">{}</td><td{}>{}</td><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&e.severity),
            esc(&e.status),
            esc(e.month.get(..4).unwrap_or_default()),
            joined(&e.tags),
            joined(&e.services),
            esc(&e.began_shown),
            esc(&e.severity),
            if e.open { " class=\"open\"" } else { "" },
            esc(&e.status),
            esc(&crate::report::percent_encode(&e.page)),
            esc(&e.title),
            e.duration.map_or_else(
                || if e.open { "ongoing".to_string() } else { "—".to_string() },
                |d| format_duration(jiff::SignedDuration::from_secs(d))
            ),
            esc(&e.services.join(", ")),
            esc(&e.tags.join(", ")),
        ));
    }
    body.push_str("</tbody>\n</table>\n");
    body.push_str(&format!("<script>{FILTER_SCRIPT}</script>\n"));
    layout(site, &site.title, "", &body, &[FILTER_SCRIPT])
}

/// Shows only the rows every chosen filter matches. Inline, small, and reads nothing but the
/// page; the text inside its `<script>`, which the index's policy allows by its hash (and no
/// other script).
const FILTER_SCRIPT: &str = "
(function () {
  var form = document.getElementById('filters');
  var rows = document.querySelectorAll('#incidents tbody tr');
  var selects = form.querySelectorAll('select');
  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = true;
      selects.forEach(function (s) {
        if (s.value && row.dataset[s.dataset.filter].split('\\u001f').indexOf(s.value) < 0) ok = false;
      });
      row.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById('shown').textContent = shown + ' shown';
  }
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  form.hidden = false;
  apply();
})();
";

/// The open incidents, for a status page or a badge.
fn status_json(site: &Site) -> String {
    #[derive(Serialize)]
    struct Open<'a> {
        id: &'a str,
        title: &'a str,
        severity: &'a str,
        status: &'a str,
        began: Time,
        url: String,
    }
    #[derive(Serialize)]
    struct Status<'a> {
        title: &'a str,
        open: Vec<Open<'a>>,
        updated: Option<Time>,
    }
    let status = Status {
        title: &site.title,
        open: site
            .incidents
            .iter()
            .filter(|e| e.open)
            .map(|e| Open {
                id: &e.id,
                title: &e.title,
                severity: &e.severity,
                status: &e.status,
                began: e.began,
                url: url(site, &e.page),
            })
            .collect(),
        updated: site.incidents.iter().map(|e| e.updated).max(),
    };
    let mut text = serde_json::to_string_pretty(&status).expect("status serializes");
    text.push('\n');
    text
}

/// A page's address: absolute under `--base-url`, else relative to the site's root.
pub(crate) fn url(site: &Site, page: &str) -> String {
    let page = crate::report::percent_encode(page);
    match &site.base_url {
        Some(base) => format!("{}/{page}", base.trim_end_matches('/')),
        None => page,
    }
}

fn badge_text(site: &Site) -> String {
    match site.incidents.iter().filter(|e| e.open).count() {
        0 => "no open incidents".to_string(),
        1 => "1 open incident".to_string(),
        n => format!("{n} open incidents"),
    }
}

fn badge_width(site: &Site) -> usize {
    70 + 7 * badge_text(site).chars().count() + 10
}

/// A badge in the usual two-part shape: "incidents" and how many are open.
fn badge(site: &Site) -> String {
    let text = badge_text(site);
    let open = site.incidents.iter().any(|e| e.open);
    let colour = if open { "#c9302c" } else { "#2e7d32" };
    let width = badge_width(site);
    let right = width - 70;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{width}\" height=\"20\" viewBox=\"0 0 {width} 20\" aria-labelledby=\"badge-title\">\n<title id=\"badge-title\">incidents: {t}</title>\n<desc>{d}</desc>\n<rect width=\"70\" height=\"20\" fill=\"#555\"/>\n<rect x=\"70\" width=\"{right}\" height=\"20\" fill=\"{colour}\"/>\n<g fill=\"#fff\" font-family=\"system-ui, sans-serif\" font-size=\"11\" text-anchor=\"middle\">\n<text x=\"35\" y=\"14\">incidents</text>\n<text x=\"{mid}\" y=\"14\">{t}</text>\n</g>\n</svg>\n",
        t = esc(&text),
        d = esc(&site.title),
        mid = 70 + right / 2,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
