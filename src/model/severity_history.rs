//! The severity an incident had over time, read from its timeline (`timeline::severity_changes`):
//! which one was in force at a time, the worst it reached (its peak, what stats and SLA targets
//! count), and the latest, which incident.yaml holds.
//!
//! A 73-hour SEV1 downgraded for its last hour was a SEV1 incident: counting it by the severity
//! it ended with would rewrite its history. The final severity is still there on request.

use super::Config;
use super::timeline::SeverityChange;
use crate::time::Time;

/// The severity in force at `at`: the last change at or before it, else the one it was opened
/// with (which holds from the incident's beginning), else what the first change changed from.
pub fn in_force_at(changes: &[SeverityChange], at: Time) -> Option<&str> {
    match changes.iter().rev().find(|c| c.at <= at || is_opening(c)) {
        Some(change) => Some(&change.to),
        None => changes
            .first()
            .map(|first| first.from.as_deref().unwrap_or(&first.to)),
    }
}

/// Whether `change` is the severity the incident was opened with.
pub fn is_opening(change: &SeverityChange) -> bool {
    change.from.is_none()
}

/// The first change recorded after `at` (the opening is none: it holds from the beginning):
/// the one that stays in force over a change backdated to `at`.
pub fn later_than(changes: &[SeverityChange], at: Time) -> Option<&SeverityChange> {
    changes.iter().find(|c| !is_opening(c) && c.at > at)
}

/// The severities the incident had, in time order: what the first change changed from (when it
/// is not the opening), then each change's.
pub fn history(changes: &[SeverityChange]) -> Vec<&str> {
    let from = changes.first().and_then(|c| c.from.as_deref());
    from.into_iter()
        .chain(changes.iter().map(|c| c.to.as_str()))
        .collect()
}

/// The worst of `severities` by the order in .inc.yaml (first is worst); a name .inc.yaml does
/// not know counts as the mildest. `None` for none.
pub fn peak<'a>(severities: &[&'a str], config: &Config) -> Option<&'a str> {
    severities
        .iter()
        .copied()
        .min_by_key(|s| config.severity_rank(s))
}

/// The worst severity of an incident whose history is `changes` and whose incident.yaml says
/// `current` (an incident whose timeline holds no history, written by hand or before inc kept
/// one, still has that): what SLA targets and stats count it by.
pub fn peak_of(changes: &[SeverityChange], current: &str, config: &Config) -> String {
    let mut all = history(changes);
    all.push(current);
    peak(&all, config).unwrap_or(current).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(hm: &str, from: Option<&str>, to: &str) -> SeverityChange {
        SeverityChange {
            at: Time::parse_rfc3339(&format!("2026-11-22T{hm}:00Z")).unwrap(),
            from: from.map(String::from),
            to: to.into(),
        }
    }

    fn t(hm: &str) -> Time {
        Time::parse_rfc3339(&format!("2026-11-22T{hm}:00Z")).unwrap()
    }

    #[test]
    fn the_severity_in_force_is_the_last_change_up_to_then() {
        let changes = [
            change("10:00", None, "SEV2"),
            change("12:00", Some("SEV2"), "SEV1"),
            change("15:00", Some("SEV1"), "SEV3"),
        ];
        assert_eq!(in_force_at(&changes, t("09:00")), Some("SEV2"));
        assert_eq!(in_force_at(&changes, t("11:59")), Some("SEV2"));
        assert_eq!(in_force_at(&changes, t("12:00")), Some("SEV1"));
        assert_eq!(in_force_at(&changes, t("16:00")), Some("SEV3"));
        // Without the opening entry, what the first change changed from.
        assert_eq!(in_force_at(&changes[1..], t("09:00")), Some("SEV2"));
        assert_eq!(in_force_at(&[], t("09:00")), None);
        assert_eq!(later_than(&changes, t("09:00")).unwrap().to, "SEV1");
        assert!(later_than(&changes, t("15:00")).is_none());
        // Opened at 14:00 as SEV2, changed to SEV1 backdated to 11:00: SEV2 until 11:00 only.
        let changes = [
            change("14:00", None, "SEV2"),
            change("11:00", Some("SEV2"), "SEV1"),
        ];
        assert_eq!(in_force_at(&changes, t("10:00")), Some("SEV2"));
        assert_eq!(in_force_at(&changes, t("12:00")), Some("SEV1"));
        assert_eq!(in_force_at(&changes, t("15:00")), Some("SEV1"));
        assert!(later_than(&changes, t("10:00")).unwrap().to == "SEV1");
        assert!(later_than(&changes, t("12:00")).is_none());
    }

    #[test]
    fn a_change_backdated_between_two_lands_in_order_and_each_is_from_the_one_before() {
        let entry = |id: &str, hm: &str, text: &str| {
            format!(
                "- id: {id}\n  at: \"2026-11-22T{hm}:00Z\"\n  by: alice\n  kind: status\n  text: '{text}'\n"
            )
        };
        // In file order: the change at 11:00 was typed last.
        let yaml = [
            entry("aaa", "10:00", "Opened \"Checkout down\" as SEV2"),
            entry("bbb", "12:00", "Severity SEV2 → SEV1"),
            entry("ccc", "11:00", "Severity SEV2 → SEV3"),
        ]
        .concat();
        let entries: Vec<crate::model::TimelineEntry> =
            crate::model::from_yaml(std::path::Path::new("timeline.yaml"), &yaml).unwrap();
        let changes = super::super::timeline::severity_changes(&entries);
        let shown: Vec<(Option<&str>, &str)> = changes
            .iter()
            .map(|c| (c.from.as_deref(), c.to.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (None, "SEV2"),
                (Some("SEV2"), "SEV3"),
                (Some("SEV3"), "SEV1")
            ]
        );
    }

    #[test]
    fn the_peak_is_the_worst_ever_and_final_is_the_last() {
        let config = Config::default();
        let changes = [
            change("10:00", None, "SEV2"),
            change("12:00", Some("SEV2"), "SEV1"),
            change("15:00", Some("SEV1"), "SEV3"),
        ];
        let all = history(&changes);
        assert_eq!(all, ["SEV2", "SEV1", "SEV3"]);
        assert_eq!(history(&changes[1..]), ["SEV2", "SEV1", "SEV3"]);
        assert_eq!(peak(&all, &config), Some("SEV1"));
        assert_eq!(peak_of(&changes, "SEV3", &config), "SEV1");
        // No history: the file's severity is all there is.
        assert_eq!(peak_of(&[], "SEV4", &config), "SEV4");
        // A name .inc.yaml does not know is never the peak over a known one.
        assert_eq!(peak(&["SEV9", "SEV4"], &config), Some("SEV4"));
    }
}
