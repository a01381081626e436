//! Times as inc stores them, the clock it reads them from, and the forgiving `WHEN` parser.
//!
//! Files store RFC 3339 with the writer's UTC offset (`2026-11-22T14:32:00+01:00`), whole seconds.
//! People type `14:32`, `10m ago` or `-2h` at 3 a.m.; [`Clock::parse_when`] turns all of those into
//! a [`Time`] relative to one pinned "now", so a command sees a single instant from start to end.

use std::fmt;

use jiff::civil::DateTime;
use jiff::fmt::temporal::{Pieces, PiecesOffset};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Span, SpanRound, Timestamp, Unit};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod clock;
pub mod format;

pub use clock::Clock;

/// The years a time may fall in. Anything else is a typo (`1026` for `2026`) or a hostile file,
/// and would upset durations, sorting and the tools that read inc's files.
pub const YEARS: std::ops::RangeInclusive<i16> = 1970..=2100;

/// The widest UTC offset any time zone uses (Kiribati, +14:00; the other way, -12:00).
pub const MAX_OFFSET_HOURS: i32 = 14;

/// An instant together with the UTC offset it was written in. Ordered by instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Time {
    timestamp: Timestamp,
    offset: Offset,
}

impl Time {
    /// The instant `timestamp` as seen in `tz`, truncated to whole seconds.
    pub fn new(timestamp: Timestamp, tz: &TimeZone) -> Time {
        let timestamp = Timestamp::from_second(timestamp.as_second()).expect("in range");
        // RFC 3339 offsets have no seconds (some historic zone offsets do): keep whole minutes.
        let seconds = tz.to_offset(timestamp).seconds();
        let offset = Offset::from_seconds(seconds - seconds % 60).expect("smaller than before");
        Time { timestamp, offset }
    }

    /// Parses strict RFC 3339 with an offset, as found in the files.
    pub fn parse_rfc3339(input: &str) -> Option<Time> {
        let pieces = Pieces::parse(input).ok()?;
        let time = pieces.time()?;
        let offset = match pieces.offset()? {
            PiecesOffset::Zulu => Offset::UTC,
            PiecesOffset::Numeric(n) => n.offset(),
            _ => return None,
        };
        if offset.seconds() % 60 != 0 {
            return None; // not RFC 3339
        }
        let timestamp = offset.to_timestamp(pieces.date().to_datetime(time)).ok()?;
        Some(Time::new(timestamp, &TimeZone::fixed(offset)))
    }

    /// The instant in whole seconds since the epoch and the offset in seconds: the parse
    /// cache's compact form (`Time` keeps no fractions of a second).
    pub fn to_parts(self) -> (i64, i32) {
        (self.timestamp.as_second(), self.offset.seconds())
    }

    /// The time [`Time::to_parts`] gave, `None` for parts out of range.
    pub fn from_parts(seconds: i64, offset: i32) -> Option<Time> {
        Some(Time {
            timestamp: Timestamp::from_second(seconds).ok()?,
            offset: Offset::from_seconds(offset).ok()?,
        })
    }

    pub fn timestamp(self) -> Timestamp {
        self.timestamp
    }

    /// Why inc refuses this time, if it does: a year outside [`YEARS`] (as written, in its own
    /// offset) or an offset beyond [`MAX_OFFSET_HOURS`].
    pub fn out_of_range(self) -> Option<String> {
        let hours = self.offset.seconds().abs() / 3600;
        let minutes = self.offset.seconds().abs() / 60 % 60;
        if hours > MAX_OFFSET_HOURS || (hours == MAX_OFFSET_HOURS && minutes > 0) {
            let sign = if self.offset.seconds() < 0 { '-' } else { '+' };
            return Some(format!(
                "the UTC offset {sign}{hours:02}:{minutes:02} is beyond ±{MAX_OFFSET_HOURS}:00, the widest in use"
            ));
        }
        let year = self.offset.to_datetime(self.timestamp).year();
        if !YEARS.contains(&year) {
            return Some(format!(
                "the year {year} is outside {}–{}, the years inc accepts",
                YEARS.start(),
                YEARS.end()
            ));
        }
        None
    }

    /// `self - earlier`, negative when `earlier` is later.
    pub fn since(self, earlier: Time) -> SignedDuration {
        self.timestamp.duration_since(earlier.timestamp)
    }

    /// The civil date and time of this instant in `tz`.
    pub fn in_tz(self, tz: &TimeZone) -> DateTime {
        tz.to_datetime(self.timestamp)
    }

    /// `YYYY-MM-DD HH:MM` in `tz`, for people.
    pub fn short(self, tz: &TimeZone) -> String {
        self.in_tz(tz).strftime(format::DATE_TIME).to_string()
    }

    /// `HH:MM` when this time falls on `today` in `tz`, else `YYYY-MM-DD HH:MM`: the one rule for
    /// a time shown to people, so that over an incident of days a time of another day never
    /// passes for today's ([`Clock::show`] is this with the clock's today).
    pub fn near(self, tz: &TimeZone, today: jiff::civil::Date) -> String {
        let civil = self.in_tz(tz);
        if civil.date() == today {
            civil.strftime(format::CLOCK).to_string()
        } else {
            civil.strftime(format::DATE_TIME).to_string()
        }
    }

    /// [`Time::near`] and the zone's abbreviation (`14:32 CET`, `2026-11-21 14:32 CET`), for
    /// reports that may be read anywhere.
    pub fn near_tz(self, tz: &TimeZone, today: jiff::civil::Date) -> String {
        let zoned = self.timestamp.to_zoned(tz.clone());
        format!("{} {}", self.near(tz, today), zoned.strftime(format::ZONE))
    }

    /// `YYYY-MM-DD HH:MM +01:00`: the time in the offset it was written with, as the files keep
    /// it, for saying back a time typed with another day or zone in mind.
    pub fn with_offset(self) -> String {
        self.timestamp
            .to_zoned(TimeZone::fixed(self.offset))
            .strftime(format::DATE_TIME_OFFSET)
            .to_string()
    }

    /// `YYYY-MM-DD HH:MM` in `tz` and the zone's abbreviation (`2026-11-22 14:32 CET`), for a
    /// reader who may be anywhere.
    pub fn long(self, tz: &TimeZone) -> String {
        self.timestamp
            .to_zoned(tz.clone())
            .strftime(format::DATE_TIME_ZONE)
            .to_string()
    }
}

/// This time moved by a duration, keeping the offset.
impl std::ops::Add<SignedDuration> for Time {
    type Output = Time;

    fn add(self, duration: SignedDuration) -> Time {
        Time {
            timestamp: self.timestamp + duration,
            offset: self.offset,
        }
    }
}

impl Ord for Time {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.timestamp
            .cmp(&other.timestamp)
            .then(self.offset.cmp(&other.offset))
    }
}

impl PartialOrd for Time {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.timestamp.display_with_offset(self.offset))
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let time = Time::parse_rfc3339(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "\"{text}\" is not an RFC 3339 time with an offset, like 2026-11-22T14:32:00+01:00"
            ))
        })?;
        match time.out_of_range() {
            Some(why) => Err(serde::de::Error::custom(format!(
                "\"{text}\": {why}; correct the time"
            ))),
            None => Ok(time),
        }
    }
}

impl schemars::JsonSchema for Time {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Time".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339 with a UTC offset, e.g. 2026-11-22T14:32:00+01:00"
        })
    }
}

/// A length of time in configuration, written like `30m` or `1h 30m`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval(pub SignedDuration);

impl Interval {
    pub fn minutes(minutes: i64) -> Interval {
        Interval(SignedDuration::from_mins(minutes))
    }

    /// `30m`, `1h 30m`, `4 hours`, `1d` (24 hours); `None` for anything else, and for no time
    /// at all.
    pub fn parse(text: &str) -> Option<Interval> {
        // Days (`1d`, SLA targets) count as 24 hours; `SignedDuration` alone stops at hours.
        let parsed = text.parse::<SignedDuration>().ok().or_else(|| {
            text.parse::<Span>()
                .ok()?
                .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
                .ok()
        })?;
        parsed.is_positive().then_some(Interval(parsed))
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl Serialize for Interval {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Interval::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "\"{text}\" is not a length of time like 30m or 1h 30m"
            ))
        })
    }
}

impl schemars::JsonSchema for Interval {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Interval".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "a length of time, e.g. 30m or 1h 30m"
        })
    }
}

/// A duration for people: `45s`, `1h 28m`, `2d 3h 5m`. Seconds are dropped past one minute because
/// logbook times are reasonably accurate, not exact. A negative duration can only come from clocks
/// that disagree (two clones, a hand edit) and shows as `0s`; `inc check` warns about its cause.
pub fn format_duration(duration: SignedDuration) -> String {
    let duration = duration.max(SignedDuration::ZERO);
    if duration < SignedDuration::from_mins(1) {
        return format!("{}s", duration.as_secs());
    }
    let rounded = Span::try_from(duration)
        .and_then(|span| {
            span.round(
                SpanRound::new()
                    .largest(Unit::Day)
                    .smallest(Unit::Minute)
                    .days_are_24_hours(),
            )
        })
        .expect("durations between incident times fit a span");
    format!("{rounded:#}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_rfc3339() {
        for text in [
            "2026-11-22T14:32:00+01:00",
            "2026-11-22T14:32:00+00:00",
            "2026-01-02T03:04:05-09:30",
        ] {
            assert_eq!(Time::parse_rfc3339(text).unwrap().to_string(), text);
        }
        let zulu = Time::parse_rfc3339("2026-11-22T14:32:00Z").unwrap();
        assert_eq!(zulu.to_string(), "2026-11-22T14:32:00+00:00");
        assert!(Time::parse_rfc3339("2026-11-22 14:32").is_none());
        // Found by fuzzing: an offset with seconds is not RFC 3339.
        assert!(Time::parse_rfc3339("2021-01-16T10:00:00-12:10:11").is_none());
        assert!(Time::parse_rfc3339("2026-11-22").is_none());
    }

    #[test]
    fn formats_durations_for_people() {
        let f = |secs| format_duration(SignedDuration::from_secs(secs));
        assert_eq!(f(0), "0s");
        assert_eq!(f(45), "45s");
        assert_eq!(f(5280), "1h 28m");
        assert_eq!(f(5310), "1h 29m");
        assert_eq!(f(3600), "1h");
        assert_eq!(f(90061), "1d 1h 1m");
        assert_eq!(f(-300), "0s");
    }
}
