//! The strftime patterns inc shows times in, named once so that every page, table and file
//! writes a date the same way.

/// `2026-12-08`.
pub const DATE: &str = "%Y-%m-%d";
/// `2026-12`: the month a report or a site groups by.
pub const MONTH: &str = "%Y-%m";
/// `14:32`.
pub const CLOCK: &str = "%H:%M";
/// `14:32 CET`.
pub const CLOCK_ZONE: &str = "%H:%M %Z";
/// `CET`: the zone's abbreviation alone.
pub const ZONE: &str = "%Z";
/// `2026-12-08 14:32`: how inc shows a time in tables and messages.
pub const DATE_TIME: &str = "%Y-%m-%d %H:%M";
/// `2026-12-08 14:32 +01:00`.
pub const DATE_TIME_OFFSET: &str = "%Y-%m-%d %H:%M %:z";
/// `2026-12-08 14:32 CET`.
pub const DATE_TIME_ZONE: &str = "%Y-%m-%d %H:%M %Z";
/// `2026-12-08T14:32`: a Mermaid gantt's `dateFormat YYYY-MM-DDTHH:mm`.
pub const GANTT: &str = "%Y-%m-%dT%H:%M";
/// `12-08 14:32`: the ends of a chart longer than a day.
pub const DAY_CLOCK: &str = "%m-%d %H:%M";
/// `Tue 12-08`: a day's name under a chart's axis.
pub const WEEKDAY_DAY: &str = "%a %m-%d";
/// `20261208T143200Z`: a time in a file name (no separators a file system could object to).
pub const FILE_STAMP: &str = "%Y%m%dT%H%M%SZ";
/// How a Mermaid gantt block names [`GANTT`] in its `dateFormat` line.
pub const GANTT_MERMAID: &str = "YYYY-MM-DDTHH:mm";
