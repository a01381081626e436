//! Metrics across incidents: how long it takes to detect, mitigate and resolve, per group.
//!
//! Pure: incidents in, groups out. Only incident.yaml is needed (milestones, severity, tags,
//! source), which keeps `inc stats` fast over thousands of incidents, and the severity each is
//! counted by ([`Counted`]): the worst it had, read from its timeline, or the one it ended with.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use serde::Serialize;

use crate::model::incident::Durations;
use crate::model::{Config, Incident};
use crate::time::Time;

/// What to group incidents by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupBy {
    Severity,
    Tag,
    Month,
    Source,
    /// The services hit (`inc impact --service`): an incident that hit several counts in each.
    Service,
}

/// The four durations, in the order they are reported.
pub const MEASURES: [&str; 4] = [
    "time_to_detect",
    "time_to_mitigate",
    "time_to_resolve",
    "detected_to_resolved",
];

/// Which of an incident's severities the metrics count it by (`inc stats --severity`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SeverityBasis {
    /// The worst it had at any time, by the order of severities in .inc.yaml
    #[default]
    Peak,
    /// The one it ended with (incident.yaml's severity)
    Final,
}

/// An incident as the metrics count it: with the severity they count it by, for grouping by
/// severity and for its SLA targets.
#[derive(Clone, Copy, Debug)]
pub struct Counted<'a> {
    pub incident: &'a Incident,
    pub severity: &'a str,
    /// When someone first held the incident-lead role, which counts as responding, where known
    /// (see [`crate::sla::lead_could_respond`]).
    pub lead: Option<Time>,
}

/// One group's figures.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Group {
    pub group: String,
    pub count: usize,
    pub time_to_detect: Measure,
    pub time_to_mitigate: Measure,
    pub time_to_resolve: Measure,
    pub detected_to_resolved: Measure,
    /// How many incidents had their first signal before the impact: they have no time to detect
    /// (neither counted in it nor left out of it).
    pub detected_before_impact: usize,
    /// The post-mortems' Improvements (follow-ups) of the group's incidents.
    pub improvements: Followups,
    /// How many of the group's incidents breached their SLA targets (see `sla.rs`).
    pub sla_breaches: SlaBreaches,
}

/// How a group's follow-ups stand: counts as of the clock, and the median number of days from
/// the incident's resolution to an Improvement's `done:` date (over those that have both).
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Followups {
    pub total: usize,
    pub done: usize,
    pub open: usize,
    pub overdue: usize,
    pub median_days_to_done: Option<i64>,
}

/// Per SLA target, how many incidents had it (`checked`) and how many breached it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SlaBreaches {
    pub respond: SlaCount,
    pub resolve: SlaCount,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SlaCount {
    pub checked: usize,
    pub breached: usize,
}

impl SlaBreaches {
    fn of(members: &[Counted], config: &Config, now: Time) -> SlaBreaches {
        let mut counts = SlaBreaches::default();
        for member in members {
            for check in
                crate::sla::checks_led(member.incident, member.severity, member.lead, config, now)
            {
                let count = match check.target {
                    "respond" => &mut counts.respond,
                    _ => &mut counts.resolve,
                };
                count.checked += 1;
                count.breached += usize::from(check.breached());
            }
        }
        counts
    }
}

impl Group {
    pub fn measures(&self) -> [(&'static str, &Measure); 4] {
        [
            (MEASURES[0], &self.time_to_detect),
            (MEASURES[1], &self.time_to_mitigate),
            (MEASURES[2], &self.time_to_resolve),
            (MEASURES[3], &self.detected_to_resolved),
        ]
    }
}

/// Mean, median and 90th percentile of one duration over the incidents that have it, in whole
/// seconds. `left_out` counts the incidents missing a milestone it needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Measure {
    pub n: usize,
    pub left_out: usize,
    pub mean: Option<i64>,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

impl Measure {
    fn of(values: &[Option<i64>]) -> Measure {
        let mut known: Vec<i64> = values.iter().flatten().copied().collect();
        known.sort_unstable();
        let n = known.len();
        let left_out = values.len() - n;
        if n == 0 {
            return Measure {
                n,
                left_out,
                ..Measure::default()
            };
        }
        let sum: i128 = known.iter().map(|&v| i128::from(v)).sum();
        let median = if n % 2 == 1 {
            known[n / 2]
        } else {
            round_half_away(i128::from(known[n / 2 - 1]) + i128::from(known[n / 2]), 2)
        };
        // Nearest rank: the smallest value with at least 90% of values at or below it.
        let rank = (n * 9).div_ceil(10);
        Measure {
            n,
            left_out,
            mean: Some(round_half_away(sum, n as i128)),
            median: Some(median),
            p90: Some(known[rank - 1]),
        }
    }
}

fn round_half_away(numerator: i128, denominator: i128) -> i64 {
    let doubled = numerator * 2;
    let rounded = if numerator >= 0 {
        (doubled + denominator) / (2 * denominator)
    } else {
        (doubled - denominator) / (2 * denominator)
    };
    rounded as i64
}

/// When an incident began, for --since, --until and months: started, else detected, else opened.
pub fn began(incident: &Incident) -> Time {
    incident.impact_began()
}

/// Groups the incidents and computes each group's figures. Without `by`, one group "all". SLA
/// targets not reached yet are judged at `now`.
pub fn compute(
    incidents: &[Counted],
    by: Option<GroupBy>,
    config: &Config,
    tz: &TimeZone,
    now: Time,
) -> Vec<Group> {
    let mut groups: BTreeMap<(usize, String), Vec<Counted>> = BTreeMap::new();
    for counted in incidents {
        for key in keys(counted, by, config, tz) {
            groups.entry(key).or_default().push(*counted);
        }
    }
    groups
        .into_iter()
        .map(|((_, name), members)| {
            let durations: Vec<_> = members
                .iter()
                .map(|c| c.incident.milestones.durations())
                .collect();
            let measure = |f: fn(&Durations) -> Option<i64>| {
                Measure::of(&durations.iter().map(f).collect::<Vec<_>>())
            };
            let (before_impact, after): (Vec<&Durations>, Vec<&Durations>) = durations
                .iter()
                .partition(|d| d.signal_before_impact.is_some());
            Group {
                group: name,
                count: members.len(),
                time_to_detect: Measure::of(
                    &after.iter().map(|d| d.time_to_detect).collect::<Vec<_>>(),
                ),
                detected_before_impact: before_impact.len(),
                time_to_mitigate: measure(|d| d.time_to_mitigate),
                time_to_resolve: measure(|d| d.time_to_resolve),
                detected_to_resolved: measure(|d| d.detected_to_resolved),
                improvements: Followups::default(),
                sla_breaches: SlaBreaches::of(&members, config, now),
            }
        })
        .collect()
}

/// Counts each incident's Improvements into the groups it belongs to (the groups [`compute`]
/// made from the same incidents, `by`, config and zone).
pub fn add_followups(
    groups: &mut [Group],
    incidents: &[(Counted, &[crate::model::postmortem::Improvement])],
    by: Option<GroupBy>,
    config: &Config,
    tz: &TimeZone,
    today: jiff::civil::Date,
) {
    let mut days: BTreeMap<String, Vec<Option<i64>>> = BTreeMap::new();
    for (counted, items) in incidents {
        let resolved = counted
            .incident
            .milestones
            .resolved
            .map(|r| r.in_tz(tz).date());
        for (_, name) in keys(counted, by, config, tz) {
            let Some(group) = groups.iter_mut().find(|g| g.group == name) else {
                continue;
            };
            let f = &mut group.improvements;
            for item in *items {
                f.total += 1;
                if item.done {
                    f.done += 1;
                } else {
                    f.open += 1;
                }
                if crate::actions::overdue(item, today) {
                    f.overdue += 1;
                }
                let done_on = item
                    .done_on
                    .as_deref()
                    .and_then(|d| d.parse::<jiff::civil::Date>().ok());
                if let (true, Some(done_on), Some(resolved)) = (item.done, done_on, resolved) {
                    let span = resolved
                        .until(done_on)
                        .ok()
                        .map(|s| i64::from(s.get_days()));
                    days.entry(name.clone()).or_default().push(span);
                }
            }
        }
    }
    for group in groups {
        if let Some(values) = days.get(&group.group) {
            group.improvements.median_days_to_done = Measure::of(values).median;
        }
    }
}

/// The groups an incident belongs to, as (sort rank, name).
fn keys(
    counted: &Counted,
    by: Option<GroupBy>,
    config: &Config,
    tz: &TimeZone,
) -> Vec<(usize, String)> {
    let incident = counted.incident;
    match by {
        None => vec![(0, "all".into())],
        Some(GroupBy::Severity) => vec![(
            config.severity_rank(counted.severity),
            counted.severity.to_string(),
        )],
        Some(GroupBy::Month) => vec![(
            0,
            began(incident)
                .in_tz(tz)
                .strftime(crate::time::format::MONTH)
                .to_string(),
        )],
        Some(GroupBy::Source) => {
            let source = incident.detection.source;
            let rank = source.map_or(4, |s| s as usize);
            vec![(rank, source.map_or("(unknown)", |s| s.name()).to_string())]
        }
        Some(GroupBy::Service) if incident.impact.services.is_empty() => {
            vec![(1, "(no service)".into())]
        }
        Some(GroupBy::Service) => incident
            .impact
            .services
            .iter()
            .map(|s| (0, s.clone()))
            .collect(),
        Some(GroupBy::Tag) if incident.tags.is_empty() => vec![(1, "(no tag)".into())],
        Some(GroupBy::Tag) => incident.tags.iter().map(|t| (0, t.clone())).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_median_and_p90_by_hand() {
        // 60, 120, 180, 240, 600 seconds and two incidents without the milestone.
        let values = [
            Some(120),
            None,
            Some(600),
            Some(60),
            Some(240),
            None,
            Some(180),
        ];
        let m = Measure::of(&values);
        assert_eq!(m.n, 5);
        assert_eq!(m.left_out, 2);
        assert_eq!(m.mean, Some(240)); // 1200 / 5
        assert_eq!(m.median, Some(180));
        assert_eq!(m.p90, Some(600)); // rank ceil(4.5) = 5
    }

    #[test]
    fn even_counts_average_the_middle_pair_and_round() {
        let m = Measure::of(&[Some(100), Some(201), Some(300), Some(400)]);
        assert_eq!(m.median, Some(251)); // (201 + 300) / 2 = 250.5 → 251
        assert_eq!(m.mean, Some(250)); // 1001 / 4 = 250.25
        assert_eq!(m.p90, Some(400)); // rank ceil(3.6) = 4
        let ten: Vec<Option<i64>> = (1..=10).map(|v| Some(v * 10)).collect();
        assert_eq!(Measure::of(&ten).p90, Some(90)); // rank 9
    }

    #[test]
    fn nothing_known_gives_no_figures() {
        let m = Measure::of(&[None, None]);
        assert_eq!(
            (m.n, m.left_out, m.mean, m.median, m.p90),
            (0, 2, None, None, None)
        );
    }
}
