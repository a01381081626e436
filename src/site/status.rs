//! What machines read of the site: `status.json` (the state now, the open incidents with their
//! latest update, each service, current maintenance) and the badge, coloured by the worst state.

use serde::Serialize;

use super::history::{self, Service};
use super::{Site, esc, url};
use crate::model::severity::ServiceState;
use crate::time::Time;

/// `status.json`.
pub fn json(site: &Site, services: &[Service]) -> String {
    #[derive(Serialize)]
    struct Latest<'a> {
        at: Time,
        status: &'a str,
        text: &'a str,
    }
    #[derive(Serialize)]
    struct Open<'a> {
        id: &'a str,
        title: &'a str,
        severity: &'a str,
        state: &'static str,
        status: &'a str,
        began: Time,
        updated: Time,
        url: String,
        latest_update: Option<Latest<'a>>,
    }
    #[derive(Serialize)]
    struct ServiceView<'a> {
        name: &'a str,
        state: &'static str,
        /// Per cent of the last 90 days up to now without an outage.
        uptime_90_days: f64,
    }
    #[derive(Serialize)]
    struct Window<'a> {
        id: &'a str,
        title: &'a str,
        state: &'static str,
        start: Time,
        end: Time,
        services: &'a [String],
        url: String,
    }
    #[derive(Serialize)]
    struct Status<'a> {
        title: &'a str,
        /// operational, maintenance, degraded or outage: the worst state now.
        status: &'static str,
        description: &'static str,
        updated: Option<Time>,
        open: Vec<Open<'a>>,
        services: Vec<ServiceView<'a>>,
        maintenance: Vec<Window<'a>>,
    }
    let overall = history::overall(site);
    let updated = site
        .incidents
        .iter()
        .map(|e| e.updated)
        .chain(site.maintenance.iter().map(|m| m.updated()))
        .max();
    let status = Status {
        title: &site.title,
        status: overall.name(),
        description: super::index::banner(overall),
        updated,
        open: site
            .incidents
            .iter()
            .filter(|e| e.open)
            .map(|e| Open {
                id: &e.id,
                title: &e.title,
                severity: &e.severity,
                state: e.state.name(),
                status: &e.status,
                began: e.began,
                updated: e.updated,
                url: url(site, &e.page),
                latest_update: e.updates.last().map(|u| Latest {
                    at: u.at,
                    status: &u.status,
                    text: &u.text,
                }),
            })
            .collect(),
        services: services
            .iter()
            .map(|s| ServiceView {
                name: &s.name,
                state: s.state.name(),
                uptime_90_days: (s.uptime * 100.0).floor() / 100.0,
            })
            .collect(),
        maintenance: site
            .maintenance
            .iter()
            .filter(|m| m.state.is_current())
            .map(|m| Window {
                id: &m.id,
                title: &m.title,
                state: m.state.name(),
                start: m.start,
                end: m.end,
                services: &m.services,
                url: format!("{}#maintenance-{}", url(site, "index.html"), m.id),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&status).expect("status serializes");
    text.push('\n');
    text
}

pub fn badge_text(site: &Site) -> String {
    match site.incidents.iter().filter(|e| e.open).count() {
        0 => "no open incidents".to_string(),
        n => crate::text::plural(n, "open incident"),
    }
}

pub fn badge_width(site: &Site) -> usize {
    70 + 7 * badge_text(site).chars().count() + 10
}

/// A badge in the usual two-part shape: "incidents" and how many are open, coloured by the
/// worst state now (green, blue for maintenance, amber, red).
pub fn badge(site: &Site) -> String {
    let text = badge_text(site);
    let colour = match history::overall(site) {
        ServiceState::Operational => "#2e7d32",
        ServiceState::Maintenance => "#2f6fd6",
        ServiceState::Degraded => "#b7791f",
        ServiceState::Outage => "#c9302c",
    };
    let width = badge_width(site);
    let right = width - 70;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{width}\" height=\"20\" viewBox=\"0 0 {width} 20\" aria-labelledby=\"badge-title\">\n<title id=\"badge-title\">incidents: {t}</title>\n<desc>{d}</desc>\n<rect width=\"70\" height=\"20\" fill=\"#555\"/>\n<rect x=\"70\" width=\"{right}\" height=\"20\" fill=\"{colour}\"/>\n<g fill=\"#fff\" font-family=\"system-ui, sans-serif\" font-size=\"11\" text-anchor=\"middle\">\n<text x=\"35\" y=\"14\">incidents</text>\n<text x=\"{mid}\" y=\"14\">{t}</text>\n</g>\n</svg>\n",
        t = esc(&text),
        d = esc(&site.title),
        mid = 70 + right / 2,
    )
}
