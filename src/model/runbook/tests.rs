//! Runbook files: front matter, steps, matching and the repeat cadence.

use super::*;

const SAMPLE: &str = "---\ntitle: DB failover\nwhen:\n  severity: [SEV1]\n  tags: [db]\n---\n# DB\n\n- [ ] Page the DBA\n- [ ] Fail over: `dbctl failover` (pre-approved)\n  - a sub item\n- not a step\n- [ ] Check replication (repeats)\n";

#[test]
fn reads_steps_with_lines_and_markers() {
    let rb = parse(Path::new("x.md"), "db", SAMPLE).unwrap();
    assert_eq!(rb.title(), "DB failover");
    assert_eq!(rb.steps.len(), 3);
    assert_eq!(rb.steps[0].line, 9);
    assert_eq!(rb.steps[1].text, "Fail over: `dbctl failover`");
    assert!(rb.steps[1].pre_approved && !rb.steps[1].repeats);
    assert_eq!(rb.steps[1].commands, vec!["dbctl failover".to_string()]);
    assert!(rb.steps[2].repeats);
    assert_eq!(rb.steps[2].number, 3);
}

#[test]
fn front_matter_errors_point_into_the_file() {
    let err = parse(
        Path::new("x.md"),
        "x",
        "---\nwhen:\n  sevrity: [SEV1]\n---\n- [ ] a\n",
    )
    .unwrap_err();
    let Error::File { line, message, .. } = err else {
        panic!("{err}")
    };
    assert_eq!(line, 3, "{message}");
    assert!(message.contains("sevrity"), "{message}");
}

#[test]
fn conflict_markers_are_refused() {
    let text = "---\n---\n<<<<<<< HEAD\n- [ ] a\n=======\n- [ ] b\n>>>>>>> x\n";
    let err = parse(Path::new("x.md"), "x", text).unwrap_err();
    assert!(matches!(err, Error::File { line: 3, .. }), "{err}");
}

#[test]
fn the_pace_grows_with_age() {
    let pace = default_pace();
    assert_eq!(
        every(&pace, jiff::SignedDuration::from_mins(5)).as_mins(),
        10
    );
    assert_eq!(
        every(&pace, jiff::SignedDuration::from_mins(61)).as_mins(),
        30
    );
}

#[test]
fn break_glass_parses() {
    let rb = parse(Path::new("b.md"), BREAK_GLASS, &break_glass("SEV1")).unwrap();
    assert_eq!(rb.steps.len(), 7);
    assert_eq!(rb.steps.iter().filter(|s| s.repeats).count(), 3);
    assert!(problems(&rb, &break_glass("SEV1"), &Config::default()).is_empty());
}
