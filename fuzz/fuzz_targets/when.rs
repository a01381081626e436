//! The WHEN parser: any text either parses to a time no later than shortly after "now", or is
//! refused with a usage error. It never panics.
#![no_main]

use inc::time::Clock;
use jiff::tz::TimeZone;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let now = "2026-11-22T13:40:00Z".parse().unwrap();
    for tz in [TimeZone::UTC, TimeZone::fixed(jiff::tz::offset(-9))] {
        let clock = Clock::new(now, tz);
        match clock.parse_when(text) {
            Ok(time) => {
                // Whatever parsed prints as RFC 3339 and reads back the same.
                let printed = time.to_string();
                assert_eq!(inc::time::Time::parse_rfc3339(&printed), Some(time), "{printed}");
            }
            Err(err) => assert_eq!(err.exit_code(), 2),
        }
    }
});
