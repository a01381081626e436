//! The merge driver's log merge: three versions (split on NUL) merge or are refused; a merge
//! always reads back as a log, is the same in both directions, and holds every entry the other
//! side added.
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
        let reverse = inc::merge::log::<TimelineEntry>(path, base, theirs, ours);
        assert_eq!(reverse.as_ref().ok(), Some(&merged), "the merge depends on its direction");
        let entries: Vec<TimelineEntry> =
            model::from_yaml(path, &merged.text).expect("merges parse");
        // Only whole files say which entries each side has (the text before the first entry is
        // taken from one side only, so the other may be broken there).
        let (Ok(theirs), Ok(base)) = (
            model::from_yaml::<Vec<TimelineEntry>>(path, theirs),
            model::from_yaml::<Vec<TimelineEntry>>(path, base),
        ) else {
            return;
        };
        // Entries new on their side are never lost (an entry both sides edited is kept twice).
        for entry in theirs.iter().filter(|e| !base.iter().any(|b| b.id == e.id)) {
            assert!(
                entries.iter().any(|m| m.text == entry.text && m.at == entry.at),
                "their new entry {} was lost",
                entry.id
            );
        }
    }
});
