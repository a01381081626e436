//! What machines read of the site: `status.json` (the state now, the open incidents with their
//! latest update, each service, current maintenance). The badge is `badge.rs`.

use serde::Serialize;

use super::history::{self, Service};
use super::{Site, url};
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
