//! Service level targets (`sla:` in .inc.yaml): whether an incident was responded to and resolved
//! within the time its severity promises, and by how much.
//!
//! The clock starts when the impact was known: when it was detected, or when the impact began
//! if a first signal came before it (else when it was opened in inc). A customer contract counts
//! from when the problem was known, not from a start found out later, nor from a warning before
//! anyone was affected. "Responded" is the acknowledged milestone; an incident mitigated or
//! resolved without ever being marked acknowledged counts as responded then, and so does naming
//! an incident lead ([`checks_led`]): someone took it on. A response before the impact counts as
//! at its start. The targets are those of the worst severity the incident had, not the one it
//! ended with. Pure: incident, targets and now in, verdicts out.

use jiff::SignedDuration;
use serde::Serialize;

use crate::model::config::Sla;
use crate::model::{Config, Incident};
use crate::time::{Interval, Time, format_duration};

/// Where a target stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Done in time.
    Met,
    /// Done late, or not done and past due.
    Breached,
    /// Not done yet, still within the time.
    Pending,
}

/// One target of one incident.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SlaCheck {
    /// `respond` or `resolve`.
    pub target: &'static str,
    /// The time allowed, in whole seconds.
    pub within: i64,
    /// When the clock started (when the impact was known, else opened).
    pub from: Time,
    /// When it was due.
    pub due: Time,
    /// When it was done (acknowledged or resolved), `null` while not done.
    pub done: Option<Time>,
    pub verdict: Verdict,
    /// Whole seconds from `done` (or now, while not done) to `due`: positive is time to spare,
    /// negative is how late.
    pub margin: i64,
    /// The verdict for people: `met with 5m to spare`, `breached by 1h 5m`, `3h 10m left`.
    pub text: String,
}

impl SlaCheck {
    pub fn breached(&self) -> bool {
        self.verdict == Verdict::Breached
    }
}

/// Each SLA target `severity` has, for `incident` judged at `now`; empty when it has none. The
/// severity is the incident's peak (`severity_history::peak_of`): a SEV1 downgraded for its last
/// hour was promised SEV1's targets.
pub fn checks(incident: &Incident, severity: &str, config: &Config, now: Time) -> Vec<SlaCheck> {
    let Some(Sla { respond, resolve }) = config.sla_for(severity) else {
        return Vec::new();
    };
    let m = &incident.milestones;
    let from = m.impact_known().unwrap_or(incident.opened);
    let responded = [m.acknowledged, m.mitigated, m.resolved]
        .into_iter()
        .flatten()
        .min();
    // Whatever the status says, only the resolved time tells when it ended.
    let resolved = m.resolved;
    [
        ("respond", respond, responded),
        ("resolve", resolve, resolved),
    ]
    .into_iter()
    .filter_map(|(target, within, done)| Some(check(target, within?, from, done, now)))
    .collect()
}

/// [`checks`], with `lead` (when someone first held the incident-lead role, from
/// [`crate::model::roles::first_lead`]) counting as responded, like the acknowledged milestone:
/// naming a lead, at `inc open --lead` or later, is taking the incident on.
pub fn checks_led(
    incident: &Incident,
    severity: &str,
    lead: Option<Time>,
    config: &Config,
    now: Time,
) -> Vec<SlaCheck> {
    match lead {
        Some(lead) if incident.milestones.acknowledged.is_none_or(|a| lead < a) => {
            let mut led = incident.clone();
            led.milestones.acknowledged = Some(lead);
            checks(&led, severity, config, now)
        }
        _ => checks(incident, severity, config, now),
    }
}

/// Whether naming a lead could change the incident's verdicts: it has a respond target that its
/// milestones alone do not meet. Lets `inc stats` read roles.yaml only for those incidents.
pub fn lead_could_respond(incident: &Incident, severity: &str, config: &Config, now: Time) -> bool {
    checks(incident, severity, config, now)
        .iter()
        .any(|c| c.target == "respond" && c.verdict != Verdict::Met)
}

fn check(
    target: &'static str,
    within: Interval,
    from: Time,
    done: Option<Time>,
    now: Time,
) -> SlaCheck {
    let due = from + within.0;
    // An acknowledgement of a signal before the impact responded as the impact began.
    let margin = due.since(done.unwrap_or(now).max(from));
    let verdict = match (done, margin.is_negative()) {
        (_, true) => Verdict::Breached,
        (Some(_), false) => Verdict::Met,
        (None, false) => Verdict::Pending,
    };
    let amount = format_duration(margin.abs());
    let text = match verdict {
        Verdict::Met => format!("met with {amount} to spare"),
        Verdict::Breached if done.is_none() => {
            let not = if target == "respond" {
                "acknowledged"
            } else {
                "resolved"
            };
            format!("breached by {amount} (not {not} yet)")
        }
        Verdict::Breached => format!("breached by {amount}"),
        Verdict::Pending => format!("{amount} left"),
    };
    SlaCheck {
        target,
        within: within.0.as_secs(),
        from,
        due,
        done,
        verdict,
        margin: margin.as_secs(),
        text,
    }
}

/// The one SLA line the dashboard has room for: a breach first, else the target with the least
/// time left, else `met`; `None` without targets.
pub fn most_pressing(checks: &[SlaCheck]) -> Option<(String, bool)> {
    if let Some(c) = checks.iter().find(|c| c.breached()) {
        let over = format_duration(SignedDuration::from_secs(-c.margin));
        return Some((format!("BREACHED {} {over}", c.target), true));
    }
    if let Some(c) = checks
        .iter()
        .filter(|c| c.verdict == Verdict::Pending)
        .min_by_key(|c| c.margin)
    {
        let left = format_duration(SignedDuration::from_secs(c.margin));
        return Some((format!("{} in {left}", c.target), false));
    }
    (!checks.is_empty()).then(|| ("met".to_string(), false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn t(hm: &str) -> Time {
        Time::parse_rfc3339(&format!("2026-11-22T{hm}:00Z")).unwrap()
    }

    fn setup(milestones: &str) -> (Incident, Config) {
        let incident: Incident = crate::model::from_yaml(
            Path::new("incident.yaml"),
            &format!(
                "title: x\nseverity: SEV1\nstatus: investigating\nopened: \"2026-11-22T14:10:00Z\"\nmilestones:\n{milestones}"
            ),
        )
        .unwrap();
        let config: Config = crate::model::from_yaml(
            Path::new(".inc.yaml"),
            "sla:\n  SEV1: {respond: 15m, resolve: 4h}\n  default: {resolve: 1h}\n",
        )
        .unwrap();
        config.validate().unwrap();
        (incident, config)
    }

    #[test]
    fn counts_from_detection_and_judges_each_target() {
        let (incident, config) = setup(
            "  detected: \"2026-11-22T14:00:00Z\"\n  acknowledged: \"2026-11-22T14:20:00Z\"\n",
        );
        let checks = checks(&incident, &incident.severity, &config, t("15:00"));
        assert_eq!(checks.len(), 2);
        assert_eq!(checks[0].due, t("14:15"));
        assert_eq!(
            (checks[0].verdict, checks[0].margin, checks[0].text.as_str()),
            (Verdict::Breached, -300, "breached by 5m")
        );
        assert_eq!(
            (checks[1].verdict, checks[1].text.as_str()),
            (Verdict::Pending, "3h left")
        );
        assert_eq!(
            most_pressing(&checks),
            Some(("BREACHED respond 5m".into(), true))
        );
    }

    #[test]
    fn without_detection_the_opening_counts_and_resolving_responds() {
        let (incident, config) = setup("  resolved: \"2026-11-22T14:20:00Z\"\n");
        let checks = checks(&incident, &incident.severity, &config, t("23:00"));
        assert_eq!(checks[0].from, t("14:10"));
        assert_eq!(checks[0].text, "met with 5m to spare");
        assert_eq!(checks[1].text, "met with 3h 50m to spare");
        assert_eq!(most_pressing(&checks), Some(("met".into(), false)));
    }

    #[test]
    fn a_signal_before_the_impact_starts_the_clock_at_the_impact() {
        let (incident, config) = setup(
            "  started: \"2026-11-22T14:00:00Z\"\n  detected: \"2026-11-22T12:00:00Z\"\n  acknowledged: \"2026-11-22T12:05:00Z\"\n",
        );
        let checks = checks(&incident, &incident.severity, &config, t("15:00"));
        assert_eq!(checks[0].from, t("14:00"));
        assert_eq!(checks[0].done, Some(t("12:05")));
        assert_eq!(checks[0].text, "met with 15m to spare");
        assert_eq!(checks[1].due, t("18:00"));
    }

    #[test]
    fn unreached_targets_past_due_are_breached() {
        let (mut incident, config) = setup("  detected: \"2026-11-22T14:00:00Z\"\n");
        let checks = checks(&incident, &incident.severity, &config, t("18:30"));
        assert_eq!(checks[0].text, "breached by 4h 15m (not acknowledged yet)");
        assert_eq!(checks[1].text, "breached by 30m (not resolved yet)");
        incident.severity = "SEV3".into();
        let other = super::checks(&incident, &incident.severity, &config, t("14:30"));
        assert_eq!(other.len(), 1);
        assert_eq!(other[0].text, "30m left");
        incident.severity = "SEV2".into();
        let config = Config::default();
        assert!(super::checks(&incident, &incident.severity, &config, t("14:30")).is_empty());
    }

    #[test]
    fn naming_a_lead_responds() {
        let (incident, config) = setup("  detected: \"2026-11-22T14:00:00Z\"\n");
        assert!(lead_could_respond(
            &incident,
            &incident.severity,
            &config,
            t("14:05")
        ));
        let led = checks_led(
            &incident,
            &incident.severity,
            Some(t("14:10")),
            &config,
            t("18:30"),
        );
        assert_eq!(
            (led[0].done, led[0].text.as_str()),
            (Some(t("14:10")), "met with 5m to spare")
        );
        // An earlier acknowledgement stays the one that counts.
        let (acked, _) = setup(
            "  detected: \"2026-11-22T14:00:00Z\"\n  acknowledged: \"2026-11-22T14:05:00Z\"\n",
        );
        let led = checks_led(
            &acked,
            &acked.severity,
            Some(t("14:10")),
            &config,
            t("18:30"),
        );
        assert_eq!(led[0].done, Some(t("14:05")));
        assert!(!lead_could_respond(
            &acked,
            &acked.severity,
            &config,
            t("18:30")
        ));
        let late = checks_led(
            &incident,
            &incident.severity,
            Some(t("14:20")),
            &config,
            t("18:30"),
        );
        assert_eq!(late[0].text, "breached by 5m");
    }
}
