//! The clock a command reads "now" from, and the forgiving parser of typed `WHEN` input
//! (`14:32`, `10m ago`, `-2h`, dates, RFC 3339) that turns it into a [`Time`].

use jiff::civil::{self, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Span, Timestamp};

use super::{Time, format_duration};
use crate::error::Error;

/// How far ahead of "now" a typed time may be before it is refused as a mistake: typing takes a
/// while at 3 a.m., and the clocks of clones drift apart.
const FUTURE_SLACK: SignedDuration = SignedDuration::from_mins(15);

/// The WHEN forms, for error messages.
const FORMS: &str = "use \"now\", \"14:32\", \"2026-11-22 14:32\", \"10m ago\", \"-2h\" or RFC 3339 (2026-11-22T14:32:00+01:00)";

/// The WHEN forms of a time planned ahead ([`Clock::parse_planned`]), for error messages.
const PLANNED_FORMS: &str = "use \"2026-12-10 02:00\", \"in 2h\", \"+2h\", \"14:32\" (today), \"now\" or RFC 3339 (2026-12-10T02:00:00+01:00)";

/// How a typed time named its moment, which decides what is checked and said back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// `now`, `10m ago`, `-2h`, `in 2h`: counted from now.
    Relative,
    /// `14:32`: a clock time alone, which means today.
    Clock,
    /// A date, with or without a time and a zone: it says which day it means.
    Dated,
}

/// The one "now" a command works with, and the time zone people mean when they type `14:32`.
#[derive(Clone, Debug)]
pub struct Clock {
    now: Timestamp,
    tz: TimeZone,
}

impl Clock {
    pub fn new(now: Timestamp, tz: TimeZone) -> Clock {
        Clock { now, tz }
    }

    /// The system clock, or the RFC 3339 instant in `pinned` (`$INC_NOW`) when given.
    pub fn system(pinned: Option<&str>) -> Result<Clock, Error> {
        let tz = local_zone();
        let now = match pinned {
            None => Timestamp::now(),
            Some(text) => {
                let time = Time::parse_rfc3339(text).ok_or_else(|| {
                    Error::usage(format!(
                        "INC_NOW=\"{text}\" is not an RFC 3339 time: set it like 2026-11-22T14:32:00Z or unset it"
                    ))
                })?;
                if let Some(why) = time.out_of_range() {
                    return Err(Error::usage(format!(
                        "INC_NOW=\"{text}\": {why}; set it to a real time or unset it"
                    )));
                }
                time.timestamp()
            }
        };
        Ok(Clock { now, tz })
    }

    pub fn now(&self) -> Time {
        Time::new(self.now, &self.tz)
    }

    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }

    /// Parses what a person typed for WHEN: RFC 3339, `YYYY-MM-DD HH:MM[:SS]`, `HH:MM[:SS]` (today),
    /// `10m ago`, `-2h`, `now`. A time more than [`FUTURE_SLACK`] ahead of now is refused.
    pub fn parse_when(&self, input: &str) -> Result<Time, Error> {
        self.parse_when_since(input, || None)
    }

    /// [`Clock::parse_when`] for a time in an incident that began at `began` (asked only for a
    /// bare `14:32`). A clock time names no day, so it means today; when today would put it ahead
    /// of now or before the incident began, it is refused with the full date it would have been,
    /// rather than guessed to be yesterday: the date has to be typed.
    pub fn parse_when_since(
        &self,
        input: &str,
        began: impl FnOnce() -> Option<Time>,
    ) -> Result<Time, Error> {
        Ok(self.parse_when_said(input, began)?.0)
    }

    /// [`Clock::parse_when_since`], and what to say back about a time that may not be the one
    /// meant but is taken as typed: a date before the incident began (a write-up records what led
    /// up to it), or one typed in another zone than the person's. Such a time names its day and
    /// zone, so it is not refused; the note repeats it with both, so a slip of the date shows.
    pub fn parse_when_said(
        &self,
        input: &str,
        began: impl FnOnce() -> Option<Time>,
    ) -> Result<(Time, Option<String>), Error> {
        let text = input.trim();
        let (time, form) = self.parse_typed(text, false)?;
        let ahead = time.since(self.now());
        // A relative time counts from now, and says what it means.
        let began = if form == Form::Relative {
            None
        } else {
            began()
        };
        if form == Form::Clock {
            let date = |t: Time| t.in_tz(&self.tz).date();
            if ahead > FUTURE_SLACK {
                let yesterday = date(time).yesterday().unwrap_or(date(time));
                return Err(Error::usage(format!(
                    "time \"{text}\" would be {}, {} ahead of now ({}): a time alone means today; for another day give the date too, like \"{yesterday} {text}\"",
                    self.long(time),
                    format_duration(ahead),
                    self.now().in_tz(&self.tz).strftime(super::format::CLOCK),
                )));
            }
            if let Some(began) = began.filter(|began| time < *began) {
                return Err(Error::usage(format!(
                    "time \"{text}\" would be {}, before the incident began ({}): if that is right, give the date too, like \"{} {text}\"",
                    self.long(time),
                    self.long(began),
                    date(time),
                )));
            }
        } else if ahead > FUTURE_SLACK {
            return Err(Error::usage(format!(
                "time \"{input}\" is {} in the future ({}): the logbook records what has happened; check the date and time zone",
                format_duration(ahead),
                self.long(time),
            )));
        }
        if form != Form::Dated {
            return Ok((time, None));
        }
        let here = Time::new(time.timestamp(), &self.tz);
        let zone = (here.with_offset() != time.with_offset())
            .then(|| format!(" ({} in your zone)", self.long(time)));
        let before = began
            .filter(|began| time < *began)
            .map(|began| format!(", before the incident began ({})", began.with_offset()));
        let note = (zone.is_some() || before.is_some()).then(|| {
            format!(
                "note: recorded at {}{}{}",
                time.with_offset(),
                zone.unwrap_or_default(),
                before.unwrap_or_default()
            )
        });
        Ok((time, note))
    }

    /// [`Clock::parse_when`] for the bounds of a range (`inc stats --until`), which may lie in
    /// the future.
    pub fn parse_bound(&self, input: &str) -> Result<Time, Error> {
        Ok(self.parse_typed(input.trim(), false)?.0)
    }

    /// [`Clock::parse_when`] for a time planned ahead (a maintenance window's start and end):
    /// the future is what it is for, so nothing is too far ahead, and `+2h` or `in 2h` count
    /// from now. A clock time alone (`02:00`) still means today, never tomorrow: once today's
    /// has passed (by more than the slack of typing), it is refused with the date to give, as
    /// [`Clock::parse_when_since`] refuses a clock time that would lie ahead.
    pub fn parse_planned(&self, input: &str) -> Result<Time, Error> {
        let text = input.trim();
        let (time, form) = self.parse_typed(text, true)?;
        let behind = self.now().since(time);
        if form == Form::Clock && behind > FUTURE_SLACK {
            let date = time.in_tz(&self.tz).date();
            let tomorrow = date.tomorrow().unwrap_or(date);
            return Err(Error::usage(format!(
                "time \"{text}\" would be {}, {} ago: a time alone means today; for tomorrow give the date too, like \"{tomorrow} {text}\"",
                self.long(time),
                format_duration(behind),
            )));
        }
        Ok(time)
    }

    /// `HH:MM` for a time today, `YYYY-MM-DD HH:MM` for any other day: what confirmations print,
    /// so a time that landed on another day never looks like today's.
    pub fn show(&self, time: Time) -> String {
        time.near(&self.tz, self.today())
    }

    /// Today's date in the clock's time zone.
    pub fn today(&self) -> jiff::civil::Date {
        self.now().in_tz(&self.tz).date()
    }

    /// `YYYY-MM-DD HH:MM` and the zone's abbreviation (`2026-11-22 14:32 CET`), for messages
    /// about a time that may not be the one meant.
    pub fn long(&self, time: Time) -> String {
        time.long(&self.tz)
    }

    /// The time `text` names, and its [`Form`]; a time is refused outside the years and offsets
    /// inc accepts. `planned`: `+2h` and `in 2h` name a time ahead (see
    /// [`Clock::parse_planned`]).
    fn parse_typed(&self, text: &str, planned: bool) -> Result<(Time, Form), Error> {
        let (time, form) = self.parse_typed_unchecked(text, planned)?;
        match time.out_of_range() {
            Some(why) => Err(Error::usage(format!("time \"{text}\": {why}"))),
            None => Ok((time, form)),
        }
    }

    fn parse_typed_unchecked(&self, text: &str, planned: bool) -> Result<(Time, Form), Error> {
        let forms = if planned { PLANNED_FORMS } else { FORMS };
        let bad = || Error::usage(format!("time \"{text}\" does not parse: {forms}"));
        if text.eq_ignore_ascii_case("now") {
            return Ok((self.now(), Form::Relative));
        }
        if let Some(time) = Time::parse_rfc3339(text) {
            return Ok((time, Form::Dated));
        }
        if let Ok(datetime) = text.parse::<DateTime>() {
            return Ok((self.local(datetime, text)?, Form::Dated));
        }
        if let Ok(date) = text.parse::<civil::Date>() {
            let midnight = date.to_datetime(civil::Time::midnight());
            return Ok((self.local(midnight, text)?, Form::Dated));
        }
        if let Ok(clock_time) = text.parse::<civil::Time>() {
            let today = self.tz.to_datetime(self.now).date();
            let time = self.local(today.to_datetime(clock_time), text)?;
            return Ok((time, Form::Clock));
        }
        let lower = text.to_ascii_lowercase();
        // "in 2h" is what people say for a time ahead; the span parser knows only "+2h".
        let (text, ahead) = match lower.strip_prefix("in ") {
            Some(_) if planned => (text[3..].trim_start(), true),
            _ => (text, text.starts_with('+')),
        };
        let relative = text.starts_with('-') || lower.ends_with("ago") || (planned && ahead);
        match text.parse::<Span>() {
            Ok(span) if relative => {
                let zoned = self.now.to_zoned(self.tz.clone());
                let then = zoned.checked_add(span).map_err(|_| bad())?;
                Ok((Time::new(then.timestamp(), &self.tz), Form::Relative))
            }
            Ok(_) if planned => Err(Error::usage(format!(
                "time \"{text}\" is ambiguous: write \"in {text}\" or \"+{text}\" for a time ahead, \"{text} ago\" for one past"
            ))),
            Ok(_) if text.starts_with('+') => Err(Error::usage(format!(
                "time \"{text}\" is in the future, and the logbook records what has happened: {FORMS}"
            ))),
            Ok(_) => Err(Error::usage(format!(
                "time \"{text}\" is ambiguous: write \"{text} ago\" or \"-{text}\" for a time in the past"
            ))),
            Err(_) => Err(bad()),
        }
    }

    /// The instant a local date and time (`text`, as typed) names in this clock's zone. One a
    /// daylight-saving change makes ambiguous is refused with both readings, to be typed with
    /// their offset: when the clocks go back, 01:30 happens twice; when they go forward, 02:30
    /// never happens, and whoever typed it read a clock on either side of the change. Guessing
    /// one would put the entry an hour off, silently.
    fn local(&self, datetime: DateTime, text: &str) -> Result<Time, Error> {
        let bad = || Error::usage(format!("time \"{text}\" does not parse: {FORMS}"));
        let ambiguous = self.tz.to_ambiguous_timestamp(datetime);
        let (before, after, fold) = match ambiguous.offset() {
            AmbiguousOffset::Unambiguous { offset } => {
                let timestamp = offset.to_timestamp(datetime).map_err(|_| bad())?;
                return Ok(Time::new(timestamp, &self.tz));
            }
            AmbiguousOffset::Fold { before, after } => (before, after, true),
            AmbiguousOffset::Gap { before, after } => (before, after, false),
        };
        // Each reading as the instant, shown in the zone (`01:30 EDT`) and as RFC 3339 to type.
        let reading = |offset: jiff::tz::Offset| -> Result<(String, String), Error> {
            let timestamp = offset.to_timestamp(datetime).map_err(|_| bad())?;
            let time = Time::new(timestamp, &self.tz);
            let shown = timestamp
                .to_zoned(self.tz.clone())
                .strftime(super::format::CLOCK_ZONE);
            Ok((shown.to_string(), time.to_string()))
        };
        let ((first_shown, first), (second_shown, second)) = if fold {
            (reading(before)?, reading(after)?)
        } else {
            // In a gap the offset before the change puts the time after it, and the other way
            // round: the earlier instant first.
            (reading(after)?, reading(before)?)
        };
        let zone = self.tz.iana_name().unwrap_or("the local time zone");
        let moved = format_duration((after.duration_since(before)).abs());
        Err(Error::usage(if fold {
            format!(
                "time \"{text}\" happened twice in {zone} (the clocks went back {moved}): give {first} ({first_shown}, the first) or {second} ({second_shown}, {moved} later)"
            )
        } else {
            format!(
                "time \"{text}\" did not happen in {zone} (the clocks went forward {moved}): give {first} ({first_shown}) or {second} ({second_shown})"
            )
        }))
    }
}

/// The local time zone: `$TZ` (a zone name, `:name` or a path), else `/etc/localtime`.
///
/// The zone's TZif file is read directly: jiff's own lookup first indexes the whole zoneinfo
/// directory, which costs more than the rest of `inc log` together (see docs/benchmarks.md).
/// Anything else (a POSIX TZ string like `EST5EDT`) goes to jiff.
fn local_zone() -> TimeZone {
    let zoneinfo = || {
        std::env::var_os("TZDIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| "/usr/share/zoneinfo".into())
    };
    let tzif = |name: &str, path: &std::path::Path| {
        let data = std::fs::read(path).ok()?;
        TimeZone::tzif(name, &data).ok()
    };
    let found = match std::env::var("TZ") {
        Err(_) => {
            let link = std::fs::read_link("/etc/localtime").ok();
            let name = link
                .as_ref()
                .and_then(|l| l.to_str())
                .and_then(|l| l.split_once("zoneinfo/"))
                .map_or("Local", |(_, name)| name);
            tzif(name, std::path::Path::new("/etc/localtime"))
        }
        Ok(tz) if tz.is_empty() || tz.eq_ignore_ascii_case("UTC") => Some(TimeZone::UTC),
        Ok(tz) => {
            let name = tz.strip_prefix(':').unwrap_or(&tz);
            if name.starts_with('/') {
                tzif(name, std::path::Path::new(name))
            } else if !name.contains("..") {
                tzif(name, &zoneinfo().join(name))
            } else {
                None
            }
        }
    };
    found.unwrap_or_else(|| TimeZone::try_system().unwrap_or(TimeZone::UTC))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> Clock {
        // 14:40 in Berlin (UTC+1 in November).
        Clock::new(
            "2026-11-22T13:40:00Z".parse().unwrap(),
            TimeZone::get("Europe/Berlin").unwrap(),
        )
    }

    fn when(input: &str) -> String {
        clock().parse_when(input).unwrap().to_string()
    }

    #[test]
    fn parses_every_documented_form() {
        assert_eq!(when("now"), "2026-11-22T14:40:00+01:00");
        assert_eq!(when("2026-11-22T10:00:00Z"), "2026-11-22T10:00:00+00:00");
        assert_eq!(
            when("2026-11-22T08:00:00-05:00"),
            "2026-11-22T08:00:00-05:00"
        );
        assert_eq!(when("2026-11-22 14:32"), "2026-11-22T14:32:00+01:00");
        assert_eq!(when("2026-11-22 14:32:15"), "2026-11-22T14:32:15+01:00");
        assert_eq!(when("2026-11-01"), "2026-11-01T00:00:00+01:00");
        assert_eq!(when("14:32"), "2026-11-22T14:32:00+01:00");
        assert_eq!(when("10m ago"), "2026-11-22T14:30:00+01:00");
        assert_eq!(when("-2h"), "2026-11-22T12:40:00+01:00");
        assert_eq!(when("1h 30m ago"), "2026-11-22T13:10:00+01:00");
        assert_eq!(when("  now "), "2026-11-22T14:40:00+01:00");
    }

    #[test]
    fn a_clock_time_means_today_up_to_fifteen_minutes_ahead() {
        assert_eq!(when("14:41"), "2026-11-22T14:41:00+01:00");
        assert_eq!(when("14:55"), "2026-11-22T14:55:00+01:00");
        // Further ahead it is refused, not taken for yesterday: the message spells out the date.
        let err = clock().parse_when("14:56").unwrap_err();
        assert_eq!(
            err.to_string(),
            "time \"14:56\" would be 2026-11-22 14:56 CET, 16m ahead of now (14:40): a time alone means today; for another day give the date too, like \"2026-11-21 14:56\""
        );
        assert_eq!(err.exit_code(), 2);
        assert!(clock().parse_when("23:50").is_err());
        assert_eq!(when("2026-11-21 23:50"), "2026-11-21T23:50:00+01:00");
    }

    #[test]
    fn a_clock_time_before_the_incident_began_is_refused() {
        let began = Time::parse_rfc3339("2026-11-22T14:02:00+01:00");
        let clock = clock();
        let err = clock.parse_when_since("13:50", || began).unwrap_err();
        assert_eq!(
            err.to_string(),
            "time \"13:50\" would be 2026-11-22 13:50 CET, before the incident began (2026-11-22 14:02 CET): if that is right, give the date too, like \"2026-11-22 13:50\""
        );
        assert!(clock.parse_when_since("14:02", || began).is_ok());
        // Only a clock time alone is checked: a date, or a relative time, says what it means.
        assert!(clock.parse_when_since("2026-11-22 13:50", || began).is_ok());
        assert!(clock.parse_when_since("50m ago", || began).is_ok());
    }

    #[test]
    fn a_date_before_the_incident_or_in_another_zone_is_said_back() {
        let began = Time::parse_rfc3339("2026-11-22T14:02:00+01:00");
        let clock = clock();
        let said = |input: &str| clock.parse_when_said(input, || began).unwrap().1;
        assert_eq!(
            said("2026-11-22 13:50").as_deref(),
            Some(
                "note: recorded at 2026-11-22 13:50 +01:00, before the incident began (2026-11-22 14:02 +01:00)"
            )
        );
        assert_eq!(
            said("2026-11-22T08:30:00-05:00").as_deref(),
            Some("note: recorded at 2026-11-22 08:30 -05:00 (2026-11-22 14:30 CET in your zone)")
        );
        assert_eq!(
            said("2026-11-22T07:30:00-05:00").as_deref(),
            Some(
                "note: recorded at 2026-11-22 07:30 -05:00 (2026-11-22 13:30 CET in your zone), before the incident began (2026-11-22 14:02 +01:00)"
            )
        );
        // What names no day, or counts from now, or is this zone's time after the start: nothing.
        for quiet in [
            "14:10",
            "50m ago",
            "now",
            "2026-11-22 14:30",
            "2026-11-22T14:30:00+01:00",
        ] {
            assert_eq!(said(quiet), None, "{quiet}");
        }
        // The incident is not read for a relative time.
        assert!(clock.parse_when_said("5m ago", || panic!("read")).is_ok());
    }

    #[test]
    fn confirmations_show_the_date_unless_it_is_today() {
        let clock = clock();
        let show = |text: &str| clock.show(Time::parse_rfc3339(text).unwrap());
        assert_eq!(show("2026-11-22T09:05:00+01:00"), "09:05");
        assert_eq!(show("2026-11-21T23:05:00+01:00"), "2026-11-21 23:05");
        // Today is the local day: 23:30 UTC on the 21st is already the 22nd in Berlin.
        assert_eq!(show("2026-11-21T23:30:00Z"), "00:30");
    }

    #[test]
    fn keeps_the_offset_across_daylight_saving() {
        // A summer date in Berlin is UTC+2.
        assert_eq!(when("2026-07-01 09:00"), "2026-07-01T09:00:00+02:00");
    }

    #[test]
    fn refuses_a_local_time_daylight_saving_makes_ambiguous() {
        // Noon in New York on the day the clocks go back (02:00 EDT → 01:00 EST).
        let clock = Clock::new(
            "2026-11-01T17:00:00Z".parse().unwrap(),
            TimeZone::get("America/New_York").unwrap(),
        );
        // A clock time alone means today: the same refusal, with both readings.
        let err = clock.parse_when("01:30").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert_eq!(
            err.to_string(),
            "time \"01:30\" happened twice in America/New_York (the clocks went back 1h): give 2026-11-01T01:30:00-04:00 (01:30 EDT, the first) or 2026-11-01T01:30:00-05:00 (01:30 EST, 1h later)"
        );
        assert!(clock.parse_when("00:30").is_ok());
        assert!(clock.parse_when("2026-11-01T01:30:00-05:00").is_ok());
        // Relative times count from an instant: never ambiguous.
        assert!(clock.parse_when("11h ago").is_ok());
        let err = clock.parse_when("2026-03-08 02:00").unwrap_err();
        assert!(
            err.to_string()
                .contains("did not happen in America/New_York"),
            "{err}"
        );
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for input in [
            "",
            "yesterday-ish",
            "25:00",
            "2026-13-01 10:00",
            "10 parsecs ago",
        ] {
            let err = clock().parse_when(input).unwrap_err();
            assert!(err.to_string().contains("does not parse"), "{input}: {err}");
            assert_eq!(err.exit_code(), 2);
        }
    }

    #[test]
    fn refuses_a_bare_span_and_the_future() {
        let err = clock().parse_when("10m").unwrap_err().to_string();
        assert!(err.contains("ambiguous"), "{err}");
        let err = clock().parse_when("+2m").unwrap_err().to_string();
        assert!(
            err.contains("\"+2m\" is in the future") && err.contains("\"10m ago\", \"-2h\""),
            "{err}"
        );
        let err = clock()
            .parse_when("2026-11-23 09:00")
            .unwrap_err()
            .to_string();
        assert!(err.contains("in the future"), "{err}");
    }

    #[test]
    fn a_planned_time_may_be_ahead_and_counts_forward_from_now() {
        let clock = clock();
        let planned = |text: &str| clock.parse_planned(text).unwrap().to_string();
        assert_eq!(planned("+2h"), "2026-11-22T16:40:00+01:00");
        assert_eq!(planned("in 2h 30m"), "2026-11-22T17:10:00+01:00");
        assert_eq!(planned("In 3d"), "2026-11-25T14:40:00+01:00");
        assert_eq!(planned("2026-12-10 02:00"), "2026-12-10T02:00:00+01:00");
        assert_eq!(planned("23:00"), "2026-11-22T23:00:00+01:00");
        assert_eq!(planned("1h ago"), "2026-11-22T13:40:00+01:00");
        assert_eq!(planned("14:30"), "2026-11-22T14:30:00+01:00");
        let err = clock.parse_planned("02:00").unwrap_err();
        assert_eq!(
            err.to_string(),
            "time \"02:00\" would be 2026-11-22 02:00 CET, 12h 40m ago: a time alone means today; for tomorrow give the date too, like \"2026-11-23 02:00\""
        );
        assert_eq!(err.exit_code(), 2);
        let err = clock.parse_planned("2h").unwrap_err().to_string();
        assert!(err.contains("write \"in 2h\" or \"+2h\""), "{err}");
        assert!(clock.parse_planned("in").is_err());
        // Elsewhere "in 2h" is still not a time: the logbook records what has happened.
        assert!(clock.parse_when("in 2h").is_err());
        assert!(clock.parse_bound("+2h").is_err());
    }

    #[test]
    fn refuses_years_and_offsets_no_clock_uses() {
        for (text, why) in [
            (
                "1969-12-31T23:59:59+00:00",
                "the year 1969 is outside 1970–2100",
            ),
            ("2101-01-01T00:00:00Z", "the year 2101 is outside"),
            (
                "2026-11-22T14:32:00+14:01",
                "the UTC offset +14:01 is beyond ±14:00",
            ),
            (
                "2026-11-22T14:32:00-23:00",
                "the UTC offset -23:00 is beyond",
            ),
        ] {
            let time = Time::parse_rfc3339(text).unwrap();
            assert!(time.out_of_range().unwrap().starts_with(why), "{text}");
            let err = clock().parse_bound(text).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            assert!(err.to_string().contains(why), "{err}");
        }
        for text in [
            "1970-01-01T00:00:00+00:00",
            "2100-12-31T23:59:59-12:00",
            "2026-11-22T14:32:00+14:00",
            "2026-11-22T14:32:00-14:00",
        ] {
            assert_eq!(Time::parse_rfc3339(text).unwrap().out_of_range(), None);
        }
        let err = clock().parse_when("60y ago").unwrap_err().to_string();
        assert!(err.contains("the year 1966 is outside"), "{err}");
    }
}
