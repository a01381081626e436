//! The post-mortem reader: any text is read or refused with a file error; never a panic, and
//! every line number it reports is inside the text.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let lines = text.lines().count() as u64 + 1;
    if let Ok(pm) = inc::model::postmortem::parse(Path::new("postmortem.md"), text) {
        for issue in &pm.issues {
            assert!(issue.line >= 1 && issue.line <= lines);
        }
        for improvement in &pm.improvements {
            assert!(improvement.line >= 1 && improvement.line <= lines);
        }
        for section in &pm.sections {
            assert!(section.line >= 1 && section.line <= lines);
        }
    }
});
