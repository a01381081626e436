//! When updates to an audience are due. An update is due once the time since the last one,
//! counted only outside the audience's quiet hours and snoozes, has used up the cadence's `max`,
//! each stretch counted against the `max` of the severity in force then: 15 minutes of a SEV3
//! (max 60m) use a quarter of it, the next 15 minutes as a SEV1 (max 30m) another half.
//!
//! Snoozes are timeline entries (`inc comms snooze AUDIENCE 4h`), so they sync with the rest of
//! the record; quiet hours come from `.inc.yaml`.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use schemars::JsonSchema;
use serde::Serialize;

use super::config::{Cadence, QuietHours};
use super::{Config, Incident, Kind, TimelineEntry};
use crate::time::{Interval, Time};

/// How a snooze's timeline entry is told from other `comms` entries: its `ref` is
/// `snooze:AUDIENCE:LENGTH` (`snooze:executives:4h`).
const SNOOZE_REF: &str = "snooze:";

/// The longest snooze: a longer one is an audience that needs no updates at all.
pub const MAX_SNOOZE_HOURS: i64 = 24 * 7;

/// One `inc comms snooze`: nothing is due for `audience` from `from` for `length` (or until its
/// next snooze, which replaces it).
#[derive(Clone, Debug, PartialEq)]
pub struct Snooze {
    pub audience: String,
    pub from: Time,
    pub length: SignedDuration,
}

impl Snooze {
    /// The `ref` of the timeline entry that records a snooze.
    pub fn reference(audience: &str, length: Interval) -> String {
        format!("{SNOOZE_REF}{audience}:{length}")
    }

    /// The snooze `entry` records, if it records one. A length past the longest allowed (a hand
    /// edit) counts as the longest.
    pub fn read(entry: &TimelineEntry) -> Option<Snooze> {
        if entry.kind != Kind::Comms {
            return None;
        }
        let rest = entry.reference.as_deref()?.strip_prefix(SNOOZE_REF)?;
        let (audience, length) = rest.rsplit_once(':')?;
        let length = Interval::parse(length)?.0;
        Some(Snooze {
            audience: audience.to_string(),
            from: entry.at,
            length: length.min(SignedDuration::from_hours(MAX_SNOOZE_HOURS)),
        })
    }
}

/// Why nothing is due for an audience just now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum QuietReason {
    /// Its quiet hours (`quiet_hours` in .inc.yaml).
    QuietHours,
    /// `inc comms snooze`.
    Snoozed,
}

/// A stretch of time in which nothing is due for an audience.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Quiet {
    /// When updates count again.
    pub until: Time,
    pub reason: QuietReason,
}

/// Everything that decides when updates to one audience of one incident are due.
pub struct Schedule<'a> {
    config: &'a Config,
    audience: &'a str,
    /// The severity from each time on, sorted by time; the first also holds before its time.
    severities: Vec<(Timestamp, String)>,
    quiet_hours: Option<(QuietHours, TimeZone)>,
    /// The audience's snoozes as `[from, until)`, sorted by time and apart: each is cut short by
    /// the next.
    snoozes: Vec<(Timestamp, Timestamp)>,
}

/// Far more steps than any real schedule takes (a week of `max` in one-minute days of
/// updates); a bound so that no configuration can keep a command busy.
const MAX_STEPS: usize = 100_000;

impl<'a> Schedule<'a> {
    /// The schedule of `audience` in `incident`, its severity history and snoozes read from
    /// `timeline`. The severity after the last recorded change is incident.yaml's.
    pub fn new(
        config: &'a Config,
        audience: &'a str,
        incident: &Incident,
        timeline: &[TimelineEntry],
    ) -> Schedule<'a> {
        let mut severities: Vec<(Timestamp, String)> = super::timeline::severity_changes(timeline)
            .into_iter()
            .map(|c| (c.at.timestamp(), c.to))
            .collect();
        match severities.last_mut() {
            Some(last) => last.1 = incident.severity.clone(),
            None => severities.push((incident.opened.timestamp(), incident.severity.clone())),
        }
        let quiet_hours = config.quiet_hours.get(audience).map(|q| {
            let fallback = config.report_zone().unwrap_or(TimeZone::UTC);
            (q.clone(), q.zone(&fallback))
        });
        let mut starts: Vec<(Timestamp, SignedDuration)> = timeline
            .iter()
            .filter_map(Snooze::read)
            .filter(|s| s.audience == audience)
            .map(|s| (s.from.timestamp(), s.length))
            .collect();
        starts.sort();
        let snoozes = starts
            .iter()
            .enumerate()
            .map(|(i, (from, length))| {
                let end = from.saturating_add(*length).unwrap_or(*from);
                let cut = starts.get(i + 1).map_or(end, |(next, _)| end.min(*next));
                (*from, cut)
            })
            .filter(|(from, until)| from < until)
            .collect();
        Schedule {
            config,
            audience,
            severities,
            quiet_hours,
            snoozes,
        }
    }

    /// The severity in force at `at`.
    pub fn severity_at(&self, at: Time) -> &str {
        self.severity_at_ts(at.timestamp())
    }

    fn severity_at_ts(&self, at: Timestamp) -> &str {
        // Sorted by time: a hostile timeline may hold thousands of changes.
        let after = self.severities.partition_point(|(from, _)| *from <= at);
        self.severities
            .get(after.saturating_sub(1))
            .map_or("", |(_, s)| s.as_str())
    }

    /// The audience's cadence at the severity in force at `at`.
    pub fn cadence_at(&self, at: Time) -> Cadence {
        self.config
            .audience_cadence(self.audience, self.severity_at(at))
    }

    /// Whether nothing is due at `at` (quiet hours, a snooze), and until when: the end of that
    /// stretch and of any that follows it without a break.
    pub fn quiet_at(&self, at: Time) -> Option<Quiet> {
        let t = at.timestamp();
        let reason = if self.snooze_at(t).is_some() {
            QuietReason::Snoozed
        } else if self.quiet_hours_at(t).is_some() {
            QuietReason::QuietHours
        } else {
            return None;
        };
        let end = self.pause_end(t)?;
        Some(Quiet {
            until: at + end.duration_since(t),
            reason,
        })
    }

    /// When an update is due after one at `since` (or after the opening, for the first): where
    /// the time counted since then reaches the cadence's `max`.
    pub fn due_after(&self, since: Time) -> Time {
        let start = since.timestamp();
        let mut t = start;
        // The part of the interval still to run, as a fraction of the `max` in force.
        let mut left = 1.0_f64;
        for _ in 0..MAX_STEPS {
            if let Some(end) = self.pause_end(t) {
                t = end;
                continue;
            }
            let max = self
                .config
                .audience_cadence(self.audience, self.severity_at_ts(t))
                .max
                .0
                .as_secs() as f64;
            let need = (left * max).round() as i64;
            let next = [self.next_change(t), self.next_pause(t)]
                .into_iter()
                .flatten()
                .min();
            // `<=`: an interval that runs out just as quiet hours begin is due at their end.
            match next {
                Some(next) if next.duration_since(t).as_secs() <= need => {
                    left -= next.duration_since(t).as_secs() as f64 / max;
                    t = next;
                }
                _ => {
                    t = t
                        .saturating_add(SignedDuration::from_secs(need))
                        .unwrap_or(t);
                    break;
                }
            }
        }
        since + t.duration_since(start)
    }

    /// The next severity change after `t`.
    fn next_change(&self, t: Timestamp) -> Option<Timestamp> {
        let after = self.severities.partition_point(|(from, _)| *from <= t);
        self.severities.get(after).map(|(from, _)| *from)
    }

    /// The start of the next quiet stretch (quiet hours or a snooze) after `t`.
    fn next_pause(&self, t: Timestamp) -> Option<Timestamp> {
        let after = self.snoozes.partition_point(|(from, _)| *from <= t);
        let snooze = self.snoozes.get(after).map(|(from, _)| *from);
        let quiet = self
            .quiet_windows(t)
            .into_iter()
            .map(|(from, _)| from)
            .filter(|f| *f > t)
            .min();
        [snooze, quiet].into_iter().flatten().min()
    }

    /// When the quiet stretch `t` is in ends, including the ones that follow without a break;
    /// `None` when `t` is not in one.
    fn pause_end(&self, t: Timestamp) -> Option<Timestamp> {
        let mut end = self.snooze_at(t).or_else(|| self.quiet_hours_at(t))?;
        for _ in 0..MAX_STEPS {
            match self.snooze_at(end).or_else(|| self.quiet_hours_at(end)) {
                Some(later) if later > end => end = later,
                _ => break,
            }
        }
        Some(end)
    }

    /// The end of the snooze `t` is in.
    fn snooze_at(&self, t: Timestamp) -> Option<Timestamp> {
        // Sorted and apart (each is cut short by the next): only the last to start can hold `t`.
        let after = self.snoozes.partition_point(|(from, _)| *from <= t);
        let (_, until) = self.snoozes.get(after.checked_sub(1)?)?;
        (t < *until).then_some(*until)
    }

    /// The end of the quiet hours `t` is in.
    fn quiet_hours_at(&self, t: Timestamp) -> Option<Timestamp> {
        self.quiet_windows(t)
            .into_iter()
            .find(|(from, until)| *from <= t && t < *until)
            .map(|(_, until)| until)
    }

    /// The quiet hours that begin the day before `t`'s day, on it, and the day after, each as
    /// `[from, until)`.
    fn quiet_windows(&self, t: Timestamp) -> Vec<(Timestamp, Timestamp)> {
        let Some((hours, zone)) = &self.quiet_hours else {
            return Vec::new();
        };
        let day = t.to_zoned(zone.clone()).date();
        let at = |date: jiff::civil::Date, time| {
            date.to_datetime(time)
                .to_zoned(zone.clone())
                .ok()
                .map(|z| z.timestamp())
        };
        [-1, 0, 1]
            .into_iter()
            .filter_map(|offset| {
                let date = day.checked_add(jiff::Span::new().days(offset)).ok()?;
                let end_date = if hours.end > hours.start {
                    date
                } else {
                    date.tomorrow().ok()?
                };
                Some((at(date, hours.start)?, at(end_date, hours.end)?))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Milestones, Status, incident::Detection};

    fn time(text: &str) -> Time {
        Time::parse_rfc3339(&format!("2026-11-{text}:00Z")).unwrap()
    }

    fn incident() -> Incident {
        Incident {
            title: "x".into(),
            severity: "SEV1".into(),
            status: Status::Investigating,
            kind: crate::model::incident::DEFAULT_TYPE.into(),
            opened: time("22T14:00"),
            summary: String::new(),
            public_title: String::new(),
            public_summary: String::new(),
            impact: Default::default(),
            tags: vec![],
            links: vec![],
            detection: Detection::default(),
            milestones: Milestones::default(),
            changed: Default::default(),
            postmortem_waived: None,
        }
    }

    fn status(at: &str, text: &str, reference: Option<&str>, kind: Kind) -> TimelineEntry {
        TimelineEntry {
            id: "x".into(),
            conflict_of: None,
            at: time(at),
            recorded: None,
            by: "carol".into(),
            kind,
            reference: reference.map(String::from),
            key: false,
            internal: false,
            public: false,
            attachment: None,
            text: text.into(),
        }
    }

    fn config(yaml: &str) -> Config {
        crate::model::from_yaml(std::path::Path::new(".inc.yaml"), yaml).unwrap()
    }

    #[test]
    fn a_stretch_counts_against_the_severity_in_force() {
        let timeline = [
            status("22T14:00", "Opened \"x\" as SEV3", None, Kind::Status),
            status("22T14:30", "Severity SEV3 → SEV1", None, Kind::Status),
        ];
        let config = Config::default();
        let schedule = Schedule::new(&config, "internal", &incident(), &timeline);
        assert_eq!(schedule.severity_at(time("22T14:10")), "SEV3");
        // 30 minutes of SEV3 use half of its hour; half of SEV1's 30 minutes are left.
        assert_eq!(schedule.due_after(time("22T14:00")), time("22T14:45"));
        assert_eq!(schedule.due_after(time("22T14:40")), time("22T15:10"));
    }

    #[test]
    fn quiet_hours_stop_the_clock_and_end_in_their_zone() {
        let config = config(
            "cadence:\n  executives: {min: 1h, max: 2h}\nquiet_hours:\n  executives: 22:00-07:00 Europe/Berlin\n",
        );
        let schedule = Schedule::new(&config, "executives", &incident(), &[]);
        // Berlin is UTC+1 in November: quiet from 21:00 to 06:00 UTC. 20:30 leaves 30 minutes
        // before them, 1h 30m after.
        assert_eq!(schedule.due_after(time("22T20:30")), time("23T07:30"));
        let quiet = schedule.quiet_at(time("22T23:00")).unwrap();
        assert_eq!(
            (quiet.until, quiet.reason),
            (time("23T06:00"), QuietReason::QuietHours)
        );
        assert_eq!(schedule.quiet_at(time("23T06:00")), None);
        // An update during them counts from their end.
        assert_eq!(schedule.due_after(time("23T02:00")), time("23T08:00"));
        // An interval that runs out just as they begin is due as they end.
        assert_eq!(schedule.due_after(time("22T19:00")), time("23T06:00"));
    }

    #[test]
    fn a_later_snooze_replaces_an_earlier_one() {
        let timeline = [
            status(
                "22T14:00",
                "Snoozed",
                Some("snooze:executives:4h"),
                Kind::Comms,
            ),
            status(
                "22T15:00",
                "Snoozed",
                Some("snooze:executives:1h"),
                Kind::Comms,
            ),
            status(
                "22T15:00",
                "Noted",
                Some("snooze:executives:1h"),
                Kind::Event,
            ),
        ];
        let config = Config::default();
        let schedule = Schedule::new(&config, "executives", &incident(), &timeline);
        let quiet = schedule.quiet_at(time("22T14:30")).unwrap();
        assert_eq!(
            (quiet.until, quiet.reason),
            (time("22T16:00"), QuietReason::Snoozed)
        );
        // SEV1's 30 minutes start at 16:00.
        assert_eq!(schedule.due_after(time("22T13:50")), time("22T16:20"));
        let other = Schedule::new(&config, "internal", &incident(), &timeline);
        assert_eq!(other.quiet_at(time("22T14:30")), None);
    }
}
