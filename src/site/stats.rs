//! stats.html: the trend charts across incidents, month by month.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::time::format_duration;

pub(super) fn stats(site: &Site) -> String {
    let mut body = format!("<h1>Statistics: {}</h1>\n", esc(&site.title));
    // Every month from the first incident's to the last one's, so quiet months show as gaps.
    let mut present: BTreeSet<String> = site.months.iter().map(|g| g.group.clone()).collect();
    present.extend(site.incidents.iter().map(|e| e.month.clone()));
    let all_months = month_range(&present);
    let group = |month: &str| site.months.iter().find(|g| g.group == month);
    let secs = |secs: Option<i64>| secs.map_or(0.0, |s| s as f64);
    let show_duration = |v: f64| format_duration(jiff::SignedDuration::from_secs(v as i64));
    for (n, (name, title)) in [
        ("time_to_detect", "Time to detect"),
        ("time_to_mitigate", "Time to mitigate"),
        ("time_to_resolve", "Time to resolve"),
    ]
    .into_iter()
    .enumerate()
    {
        let pick = |month: &str| {
            group(month)
                .and_then(|g| g.measures().into_iter().find(|(m, _)| *m == name))
                .map(|(_, m)| m.clone())
                .unwrap_or_default()
        };
        let median: Vec<f64> = all_months.iter().map(|m| secs(pick(m).median)).collect();
        let p90: Vec<f64> = all_months.iter().map(|m| secs(pick(m).p90)).collect();
        let desc = site
            .months
            .iter()
            .map(|g| {
                let m = pick(&g.group);
                match (m.median, m.p90) {
                    (Some(med), Some(p)) => format!(
                        "{}: median {}, p90 {}.",
                        g.group,
                        show_duration(med as f64),
                        show_duration(p as f64)
                    ),
                    _ => format!("{}: not known.", g.group),
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        let desc = if desc.is_empty() {
            "No incidents yet.".to_string()
        } else {
            desc
        };
        body.push_str(&format!("<h2>{title} per month</h2>\n"));
        body.push_str(&charts::bars(
            &format!("chart-{}", n + 1),
            &format!("{title} per month, median and p90"),
            &desc,
            &all_months,
            &[
                charts::Series {
                    name: "median".into(),
                    colour: charts::PALETTE[2],
                    values: median,
                },
                charts::Series {
                    name: "p90".into(),
                    colour: charts::PALETTE[4],
                    values: p90,
                },
            ],
            false,
            &show_duration,
        ));
    }

    // Incidents per month by severity (all incidents, also those left out of the durations).
    let mut severities: Vec<String> = site.severities.clone();
    for e in &site.incidents {
        if !severities.contains(&e.severity) {
            severities.push(e.severity.clone());
        }
    }
    severities.retain(|s| site.incidents.iter().any(|e| &e.severity == s));
    let series: Vec<charts::Series> = severities
        .iter()
        .enumerate()
        .map(|(i, sev)| charts::Series {
            name: sev.clone(),
            colour: charts::PALETTE[i.min(charts::PALETTE.len() - 1)],
            values: all_months
                .iter()
                .map(|m| {
                    site.incidents
                        .iter()
                        .filter(|e| &e.month == m && &e.severity == sev)
                        .count() as f64
                })
                .collect(),
        })
        .collect();
    let desc = all_months
        .iter()
        .map(|m| {
            let n = site.incidents.iter().filter(|e| &e.month == m).count();
            format!("{m}: {n}.")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let desc = if desc.is_empty() {
        "No incidents yet.".to_string()
    } else {
        desc
    };
    body.push_str("<h2>Incidents per month by severity</h2>\n");
    body.push_str(&charts::bars(
        "chart-4",
        "Incidents per month by severity",
        &desc,
        &all_months,
        &series,
        true,
        &|v| format!("{v}"),
    ));

    let mut services: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &site.incidents {
        for s in &e.services {
            *services.entry(s).or_default() += 1;
        }
    }
    let mut top: Vec<(String, f64)> = services
        .into_iter()
        .map(|(s, n)| (s.to_string(), n as f64))
        .collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(10);
    body.push_str("<h2>Top services</h2>\n");
    if top.is_empty() {
        body.push_str(
            "<p>No incident names the services it hit (<code>inc impact --service</code>).</p>\n",
        );
    } else {
        let desc = top
            .iter()
            .map(|(s, n)| format!("{s}: {}.", crate::text::plural(*n as usize, "incident")))
            .collect::<Vec<_>>()
            .join(" ");
        body.push_str(&charts::hbars(
            "chart-5",
            "Services hit by the most incidents",
            &desc,
            &top,
            charts::PALETTE[0],
        ));
    }

    let open: usize = site.incidents.iter().map(|e| e.followups_open).sum();
    let done: usize = site.incidents.iter().map(|e| e.followups_done).sum();
    body.push_str("<h2>Follow-ups</h2>\n");
    body.push_str(&charts::hbars(
        "chart-6",
        "Follow-ups open and done",
        &format!("{open} open, {done} done."),
        &[
            ("open".to_string(), open as f64),
            ("done".to_string(), done as f64),
        ],
        charts::PALETTE[3],
    ));
    layout(site, &format!("Statistics: {}", site.title), "", &body, &[])
}

/// Every `YYYY-MM` from the first of `months` to the last (at most 600: fifty years); the months
/// as given when one does not parse.
pub(super) fn month_range(months: &BTreeSet<String>) -> Vec<String> {
    let parse =
        |m: &String| jiff::civil::Date::strptime(crate::time::format::DATE, format!("{m}-01")).ok();
    let (Some(first), Some(last)) = (
        months.first().and_then(parse),
        months.last().and_then(parse),
    ) else {
        return months.iter().cloned().collect();
    };
    if months.iter().any(|m| parse(m).is_none()) {
        return months.iter().cloned().collect();
    }
    let mut out = Vec::new();
    let mut at = first;
    while at <= last && out.len() < 600 {
        out.push(at.strftime(crate::time::format::MONTH).to_string());
        match at.checked_add(jiff::Span::new().months(1)) {
            Ok(next) => at = next,
            Err(_) => break,
        }
    }
    out
}
