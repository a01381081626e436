//! The status page's account of each service: its state now, and its last 90 days, each day
//! coloured by the worst incident that hit it (or maintenance), with the uptime those days had.
//!
//! An incident hits a service from when it began until it was resolved (or now, while open),
//! with its severity's public state; a maintenance window from its start to its end. Only an
//! outage counts as time down: a degraded service is up, if slowly (as status pages count it).

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::{Entry, Site};
use crate::maintenance::State;
use crate::model::severity::ServiceState;
use crate::public::Maintenance;
use crate::time::Time;

/// How many days the history shows.
pub const DAYS: usize = 90;

/// One service on the status page.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub name: String,
    /// Its state now.
    pub state: ServiceState,
    /// The worst state of each of the last [`DAYS`] days, oldest first, with the day.
    pub days: Vec<(Date, ServiceState)>,
    /// The share of the last [`DAYS`] days (up to now) it was not in an outage, in per cent.
    pub uptime: f64,
}

/// Something that hit services for a while.
struct Span<'a> {
    services: &'a [String],
    from: Time,
    /// Its end, or now while it lasts.
    to: Time,
    /// It lasts now (an open incident, maintenance in progress).
    current: bool,
    state: ServiceState,
}

/// The services of `site` with their state and history, as of `site.now`.
pub fn services(site: &Site) -> Vec<Service> {
    let today = site.now.in_tz(&site.zone).date();
    let first = today
        .checked_sub(jiff::Span::new().days(DAYS as i64 - 1))
        .unwrap_or(today);
    let since = start_of(first, &site.zone).unwrap_or(site.now);
    let spans = spans(site, since);
    // Each day with its bounds in the site's zone (a day of a DST change is not 24 hours).
    let days: Vec<(Date, Option<(Time, Time)>)> = (0..DAYS)
        .filter_map(|n| first.checked_add(jiff::Span::new().days(n as i64)).ok())
        .map(|day| {
            let to = day.tomorrow().ok().and_then(|d| start_of(d, &site.zone));
            (day, start_of(day, &site.zone).zip(to))
        })
        .collect();
    site.services
        .iter()
        .map(|name| {
            let mine: Vec<&Span> = spans
                .iter()
                .filter(|s| s.services.iter().any(|x| x.eq_ignore_ascii_case(name)))
                .collect();
            let state = mine
                .iter()
                .filter(|s| s.current)
                .map(|s| s.state)
                .max()
                .unwrap_or(ServiceState::Operational);
            let days = days
                .iter()
                .map(|&(day, bounds)| {
                    let worst = bounds.and_then(|(from, to)| {
                        mine.iter()
                            .filter(|s| s.from < to && from < s.to)
                            .map(|s| s.state)
                            .max()
                    });
                    (day, worst.unwrap_or(ServiceState::Operational))
                })
                .collect();
            Service {
                name: name.clone(),
                state,
                days,
                uptime: uptime(&mine, since, site.now),
            }
        })
        .collect()
}

/// The worst state of any service now: the page's banner (an open incident that names no
/// service counts too; maintenance in progress shows when nothing is worse).
pub fn overall(site: &Site) -> ServiceState {
    let incidents = site
        .incidents
        .iter()
        .filter(|e| e.open && e.counted)
        .map(|e| e.state);
    let maintenance = site
        .maintenance
        .iter()
        .filter(|m| m.state == State::InProgress)
        .map(|_| ServiceState::Maintenance);
    incidents
        .chain(maintenance)
        .max()
        .unwrap_or(ServiceState::Operational)
}

/// The incidents and maintenance windows that reach past `since`.
fn spans(site: &Site, since: Time) -> Vec<Span<'_>> {
    let incidents = site
        .incidents
        .iter()
        .filter(|e| e.counted && e.state > ServiceState::Operational)
        .filter_map(|e: &Entry| {
            let to = e.ended.unwrap_or(site.now);
            (to > since).then_some(Span {
                services: &e.services,
                from: e.began,
                to,
                current: e.open,
                state: e.state,
            })
        });
    let windows = site
        .maintenance
        .iter()
        // What is still to come colours no day yet.
        .filter(|m| m.state != State::Cancelled && m.end > since && m.start < site.now)
        .map(|m: &Maintenance| Span {
            services: &m.services,
            from: m.start,
            to: m.end.min(site.now),
            current: m.state == State::InProgress,
            state: ServiceState::Maintenance,
        });
    incidents.chain(windows).collect()
}

/// The share of `since..now` that no outage in `spans` covers, in per cent.
fn uptime(spans: &[&Span], since: Time, now: Time) -> f64 {
    let total = now.since(since).as_secs();
    if total <= 0 {
        return 100.0;
    }
    let mut down: Vec<(i64, i64)> = spans
        .iter()
        .filter(|s| s.state == ServiceState::Outage)
        .map(|s| {
            let from = s.from.max(since).since(since).as_secs();
            let to = s.to.min(now).since(since).as_secs();
            (from, to)
        })
        .filter(|(from, to)| to > from)
        .collect();
    down.sort();
    let mut covered = 0;
    let mut reach = 0;
    for (from, to) in down {
        let from = from.max(reach);
        if to > from {
            covered += to - from;
        }
        reach = reach.max(to);
    }
    100.0 * (total - covered) as f64 / total as f64
}

/// Midnight of `day` in `zone`.
fn start_of(day: Date, zone: &TimeZone) -> Option<Time> {
    let zoned = day.to_zoned(zone.clone()).ok()?;
    Some(Time::new(zoned.timestamp(), zone))
}

/// An uptime as status pages print it: two decimals, without trailing zeros (`99.95%`, `100%`).
pub fn percent(uptime: f64) -> String {
    // Never round a service that was down at all up to 100%.
    let floored = (uptime * 100.0).floor() / 100.0;
    let text = format!("{floored:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_counts_overlapping_outages_once() {
        let t = |h: i64| {
            Time::parse_rfc3339("2026-11-01T00:00:00Z").unwrap()
                + jiff::SignedDuration::from_hours(h)
        };
        let services = ["a".to_string()];
        let spans = [
            Span {
                services: &services,
                from: t(10),
                to: t(20),
                current: false,
                state: ServiceState::Outage,
            },
            Span {
                services: &services,
                from: t(15),
                to: t(30),
                current: false,
                state: ServiceState::Outage,
            },
            Span {
                services: &services,
                from: t(40),
                to: t(90),
                current: false,
                state: ServiceState::Degraded,
            },
        ];
        let refs: Vec<&Span> = spans.iter().collect();
        // 20 of 100 hours down; the degraded stretch is up.
        assert_eq!(uptime(&refs, t(0), t(100)), 80.0);
        assert_eq!(percent(80.0), "80%");
        assert_eq!(percent(99.999), "99.99%");
        assert_eq!(percent(100.0), "100%");
        assert_eq!(percent(99.5), "99.5%");
    }
}
