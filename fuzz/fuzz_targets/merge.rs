//! The merge driver's log merge: three versions (split on NUL) merge or are refused; a merge
//! always reads back as a log holding every entry id of both sides that was not deleted.
#![no_main]

use std::path::Path;

use inc::model::{self, TimelineEntry};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut parts = text.splitn(3, '\0');
    let (Some(base), Some(ours), Some(theirs)) = (parts.next(), parts.next(), parts.next()) else {
        return;
    };
    let path = Path::new("timeline.yaml");
    if let Ok(merged) = inc::merge::log::<TimelineEntry>(path, base, ours, theirs) {
        let entries: Vec<TimelineEntry> = model::from_yaml(path, &merged).expect("merges parse");
        let theirs: Vec<TimelineEntry> = model::from_yaml(path, theirs).unwrap();
        let base: Vec<TimelineEntry> = model::from_yaml(path, base).unwrap();
        for entry in theirs.iter().filter(|e| !base.contains(e)) {
            assert!(
                entries.iter().any(|m| m.text == entry.text && m.at == entry.at),
                "their new entry {} was lost",
                entry.id
            );
        }
    }
});
