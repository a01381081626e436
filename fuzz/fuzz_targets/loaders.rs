//! The file loaders: any text is parsed or refused with file:line:column, never a panic; what
//! parses writes back to text that parses to the same value.
#![no_main]

use std::path::Path;

use inc::model::{self, CommsEntry, Config, Incident, RoleEvent, TimelineEntry};
use libfuzzer_sys::fuzz_target;

fn round_trip<T>(text: &str)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    if let Ok(value) = model::from_yaml::<T>(Path::new("f.yaml"), text) {
        let written = model::to_yaml(&value);
        let back: T = model::from_yaml(Path::new("f.yaml"), &written)
            .unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert_eq!(back, value);
    }
}

fuzz_target!(|text: &str| {
    round_trip::<Incident>(text);
    round_trip::<Vec<TimelineEntry>>(text);
    round_trip::<Vec<RoleEvent>>(text);
    round_trip::<Vec<CommsEntry>>(text);
    let _ = model::from_yaml::<Config>(Path::new(".inc.yaml"), text);
    let _ = model::conflict_marker_line(text);
    let _ = inc::check::locate(text, &["milestones", "resolved"]);
});
