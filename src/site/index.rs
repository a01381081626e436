//! The site's front page, a status page: a banner with the state of things now, the ongoing
//! incidents with their latest update, scheduled maintenance, each service with its state and
//! its last 90 days, then the history of incidents (a table that filters, and reflows into one
//! card per incident on a phone) and of past maintenance.

use std::collections::{BTreeMap, BTreeSet};

use super::history::{self, DAYS, Service};
use super::{Entry, Site, esc, layout};
use crate::maintenance::State;
use crate::model::severity::ServiceState;
use crate::public::Maintenance;
use crate::time::{Time, format_duration};

pub fn index(site: &Site, services: &[Service]) -> String {
    let mut body = format!("<h1>{}</h1>\n", esc(&site.title));
    let overall = history::overall(site);
    body.push_str(&format!(
        "<p class=\"banner st-{}\" role=\"status\"><strong>{}</strong><small>As of {}</small></p>\n",
        overall.name(),
        banner(overall),
        esc(&shown(site, site.now)),
    ));
    ongoing(site, &mut body);
    let (current, past): (Vec<&Maintenance>, Vec<&Maintenance>) =
        site.maintenance.iter().partition(|m| m.state.is_current());
    if !current.is_empty() {
        body.push_str("<section id=\"maintenance\">\n<h2>Scheduled maintenance</h2>\n");
        for m in current {
            window(site, m, &mut body);
        }
        body.push_str("</section>\n");
    }
    if !services.is_empty() {
        services_section(site, services, &mut body);
    }
    history_table(site, &mut body);
    if !past.is_empty() {
        past_maintenance(site, &past, &mut body);
    }
    body.push_str(&format!("<script>{FILTER_SCRIPT}</script>\n"));
    layout(site, &site.title, "", &body, &[FILTER_SCRIPT])
}

/// What the banner says for the worst state now.
pub fn banner(state: ServiceState) -> &'static str {
    match state {
        ServiceState::Operational => "All systems operational",
        ServiceState::Maintenance => "Scheduled maintenance in progress",
        ServiceState::Degraded => "Some services are degraded",
        ServiceState::Outage => "Service outage",
    }
}

/// A state as a person reads it.
pub fn state_label(state: ServiceState) -> &'static str {
    match state {
        ServiceState::Operational => "Operational",
        ServiceState::Maintenance => "Under maintenance",
        ServiceState::Degraded => "Degraded",
        ServiceState::Outage => "Outage",
    }
}

/// A time in the site's zone, with the zone: `2026-11-22 14:02 UTC`.
fn shown(site: &Site, t: Time) -> String {
    t.long(&site.zone)
}

fn ongoing(site: &Site, body: &mut String) {
    let open: Vec<&Entry> = site.incidents.iter().filter(|e| e.open).collect();
    if open.is_empty() {
        return;
    }
    body.push_str(&format!(
        "<section id=\"ongoing\">\n<h2>{}</h2>\n",
        if open.len() == 1 {
            "Ongoing incident"
        } else {
            "Ongoing incidents"
        }
    ));
    for e in open {
        body.push_str(&format!(
            "<article class=\"card {}\">\n<h3><a href=\"{}\">{}</a></h3>\n<p class=\"meta\">{} · {} · since {}</p>\n",
            e.state.name(),
            esc(&crate::report::percent_encode(&e.page)),
            esc(&e.title),
            esc(&e.severity),
            esc(&crate::text::capitalized(&e.status)),
            esc(&shown(site, e.began)),
        ));
        match e.updates.last() {
            Some(u) => body.push_str(&format!(
                "<p><strong>{}</strong> · {}<br>{}</p>\n",
                esc(&crate::text::capitalized(&u.status)),
                esc(&shown(site, u.at)),
                esc(&u.text)
            )),
            None if !e.summary.trim().is_empty() => {
                body.push_str(&format!("<p>{}</p>\n", esc(&e.summary)))
            }
            None => {}
        }
        body.push_str("</article>\n");
    }
    body.push_str("</section>\n");
}

fn window(site: &Site, m: &Maintenance, body: &mut String) {
    let when = match m.state {
        State::InProgress => "In progress",
        State::Upcoming => "Upcoming",
        State::Completed => "Completed",
        State::Cancelled => "Cancelled",
    };
    body.push_str(&format!(
        "<article class=\"card maintenance\" id=\"maintenance-{}\">\n<h3>{}</h3>\n<p class=\"meta\">{when} · {} to {}{}</p>\n",
        esc(&m.id),
        esc(&m.title),
        esc(&shown(site, m.start)),
        esc(&shown(site, m.end)),
        if m.services.is_empty() {
            String::new()
        } else {
            format!(" · {}", esc(&m.services.join(", ")))
        }
    ));
    if !m.summary.is_empty() {
        body.push_str(&format!("<p>{}</p>\n", esc(&m.summary)));
    }
    for u in m.updates.iter().rev() {
        body.push_str(&format!(
            "<p><strong>{}</strong><br>{}</p>\n",
            esc(&shown(site, u.at)),
            esc(&u.text)
        ));
    }
    body.push_str("</article>\n");
}

fn services_section(site: &Site, services: &[Service], body: &mut String) {
    let feeds: BTreeMap<String, String> = super::feed::service_feeds(site).into_iter().collect();
    body.push_str("<section id=\"services\">\n<h2>Services</h2>\n<ul class=\"services\">\n");
    for s in services {
        let feed = feeds
            .get(&s.name)
            .map(|path| {
                format!(
                    " <a href=\"{}\" class=\"feed\">feed</a>",
                    esc(&crate::report::percent_encode(path))
                )
            })
            .unwrap_or_default();
        let uptime = history::percent(s.uptime);
        body.push_str(&format!(
            "<li>\n<div class=\"service\"><span class=\"name\">{}{feed}</span><span class=\"state {}\">{}</span></div>\n<div class=\"days\" role=\"img\" aria-label=\"{}: {uptime} uptime over the last {DAYS} days\">",
            esc(&s.name),
            s.state.name(),
            state_label(s.state),
            esc(&s.name),
        ));
        for (day, state) in &s.days {
            let what = match state {
                ServiceState::Operational => "no incident",
                other => state_label(*other),
            };
            body.push_str(&format!(
                "<span class=\"st-{}\" title=\"{}: {what}\"></span>",
                state.name(),
                day.strftime(crate::time::format::DATE),
            ));
        }
        body.push_str(&format!(
            "</div>\n<div class=\"legend\"><span><span class=\"long\">{DAYS} days ago</span><span class=\"short\">30 days ago</span></span><span>{uptime} uptime</span><span>Today</span></div>\n</li>\n"
        ));
    }
    body.push_str("</ul>\n</section>\n");
}

fn history_table(site: &Site, body: &mut String) {
    let open = site.incidents.iter().filter(|e| e.open).count();
    body.push_str(&format!(
        "<section id=\"history\">\n<h2>{}</h2>\n<p>{}, {} open. <img src=\"badge.svg\" alt=\"{}\" width=\"{}\" height=\"20\"></p>\n",
        if site.public { "Incident history" } else { "Incidents" },
        crate::text::plural(site.incidents.len(), "incident"),
        open,
        esc(&super::badge::text(site)),
        super::badge::width(site)
    ));
    if site.incidents.is_empty() {
        body.push_str("</section>\n");
        return;
    }
    // A column no incident has a value for is left out.
    let has_services = site.incidents.iter().any(|e| !e.services.is_empty());
    let has_tags = site.incidents.iter().any(|e| !e.tags.is_empty());
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
    body.push_str("<table id=\"incidents\" class=\"reflow\">\n<thead><tr><th>Began</th><th>Severity</th><th>Status</th><th>Incident</th><th>Duration</th>");
    if has_services {
        body.push_str("<th>Services</th>");
    }
    if has_tags {
        body.push_str("<th>Tags</th>");
    }
    body.push_str("</tr></thead>\n<tbody>\n");
    for e in &site.incidents {
        // Values are joined with a control character no value can hold (esc shows them escaped).
        let joined = |list: &[String]| {
            list.iter()
                .map(|v| esc(v))
                .collect::<Vec<_>>()
                .join("&#31;")
        };
        body.push_str(&format!(
            "<tr data-severity=\"{}\" data-status=\"{}\" data-year=\"{}\" data-tag=\"{}\" data-service=\"{}\"><td data-label=\"Began\">{}</td><td data-label=\"Severity\" class=\"sev\">{}</td><td data-label=\"Status\"{}>{}</td><td data-label=\"Incident\"><a href=\"{}\">{}</a></td><td data-label=\"Duration\">{}</td>",
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
        ));
        if has_services {
            body.push_str(&format!(
                "<td data-label=\"Services\">{}</td>",
                esc(&e.services.join(", "))
            ));
        }
        if has_tags {
            body.push_str(&format!(
                "<td data-label=\"Tags\">{}</td>",
                esc(&e.tags.join(", "))
            ));
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</tbody>\n</table>\n</section>\n");
}

fn past_maintenance(site: &Site, past: &[&Maintenance], body: &mut String) {
    let has_services = past.iter().any(|m| !m.services.is_empty());
    body.push_str(&format!(
        "<section id=\"past-maintenance\">\n<h2>Past maintenance</h2>\n<table class=\"reflow\">\n<thead><tr><th>When</th><th>Maintenance</th>{}<th>Outcome</th></tr></thead>\n<tbody>\n",
        if has_services { "<th>Services</th>" } else { "" }
    ));
    for m in past.iter().rev() {
        let outcome = match (&m.state, &m.cancelled) {
            (State::Cancelled, Some(reason)) if !reason.is_empty() => {
                format!("Cancelled: {reason}")
            }
            (State::Cancelled, _) => "Cancelled".to_string(),
            _ => "Completed".to_string(),
        };
        let services = if has_services {
            format!(
                "<td data-label=\"Services\">{}</td>",
                esc(&m.services.join(", "))
            )
        } else {
            String::new()
        };
        body.push_str(&format!(
            "<tr id=\"maintenance-{}\"><td data-label=\"When\">{} to {}</td><td data-label=\"Maintenance\">{}</td>{services}<td data-label=\"Outcome\">{}</td></tr>\n",
            esc(&m.id),
            esc(&shown(site, m.start)),
            esc(&shown(site, m.end)),
            esc(&m.title),
            esc(&outcome),
        ));
    }
    body.push_str("</tbody>\n</table>\n</section>\n");
}

/// Shows only the rows every chosen filter matches. Inline, small, and reads nothing but the
/// page; the text inside its `<script>`, which the index's policy allows by its hash (and no
/// other script).
pub const FILTER_SCRIPT: &str = "
(function () {
  var form = document.getElementById('filters');
  if (!form) return;
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
