//! Hostile files that parse: YAML alias bombs and oversized files, dates out of range, and control
//! characters that must not reach a terminal or an HTML title.

use std::path::Path;
use std::process::Output;

use crate::common::{CHECKOUT, Repo};

/// What a hostile 2 MB file may cost any command (the issue's bound is about 100 MB).
const MAX_PEAK_KB: u64 = 100 * 1024;

/// The message every over-the-bound YAML file gets.
const LIMIT: &str = "exceeds inc's limit for YAML size and aliases";

/// Runs inc with `args` and returns its output with its peak memory in kB, measured by
/// `/usr/bin/time` when the machine has it.
fn run_measured(repo: &Repo, args: &[&str]) -> (Output, Option<u64>) {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("/usr/bin/time is missing: peak memory not measured");
        return (repo.run(args), None);
    }
    let inc = repo.std_cmd();
    let report = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = std::process::Command::new(time);
    cmd.env_clear();
    for (key, value) in inc.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    cmd.current_dir(repo.root())
        .args(["-f", "%M", "-o"])
        .arg(report.path())
        .arg(inc.get_program())
        .args(args);
    let out = cmd.output().unwrap();
    let text = std::fs::read_to_string(report.path()).unwrap();
    // GNU time prefixes "Command exited with non-zero status N" on its own line.
    let peak = text.lines().last().and_then(|l| l.trim().parse().ok());
    (out, peak)
}

fn assert_bounded(args: &[&str], peak: Option<u64>) {
    if let Some(peak) = peak {
        assert!(
            peak < MAX_PEAK_KB,
            "inc {args:?} peaked at {peak} kB, more than {MAX_PEAK_KB} kB"
        );
    }
}

/// A 1 MB string anchored once in `summary` and listed 3,000 times in `tags`: 3 GB once read.
fn incident_bomb() -> String {
    let big = "x".repeat(1_000_000);
    let aliases = vec!["*big"; 3000].join(", ");
    format!(
        "title: Checkout API down\nseverity: SEV2\nstatus: investigating\nopened: \"2026-11-22T14:40:00+00:00\"\nsummary: &big \"{big}\"\ntags: [{aliases}]\nlinks: []\ndetection:\n  source: null\nmilestones:\n  started: null\n  detected: null\n  acknowledged: null\n  mitigated: null\n  resolved: null\n"
    )
}

/// The issue's case: a 1 MB anchored string referenced 3,000 times in timeline.yaml.
fn timeline_bomb(repo: &Repo) -> String {
    let mut text = repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"));
    let big = "x".repeat(1_000_000);
    text.push_str(&format!(
        "- id: bomb00\n  at: \"2026-11-22T14:39:00+00:00\"\n  by: mallory\n  kind: event\n  text: &big \"{big}\"\n"
    ));
    for n in 0..3000 {
        text.push_str(&format!(
            "- id: b{n:05}\n  at: \"2026-11-22T14:39:00+00:00\"\n  by: mallory\n  kind: event\n  text: *big\n"
        ));
    }
    text
}

#[test]
fn an_alias_bomb_in_a_timeline_is_one_clear_error_in_bounded_memory() {
    let repo = Repo::with_incident();
    let bomb = timeline_bomb(&repo);
    assert!(bomb.len() < 2_000_000);
    repo.write(&format!("incidents/{CHECKOUT}/timeline.yaml"), &bomb);
    for args in [&["show"][..], &["report"], &["status"]] {
        let (out, peak) = run_measured(&repo, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if args == ["status"] {
            // The dashboard shows the other incidents and warns about this one.
            assert!(out.status.success(), "{stderr}");
        } else {
            assert_eq!(out.status.code(), Some(1), "inc {args:?}: {stderr}");
        }
        assert!(
            stderr.contains(&format!("incidents/{CHECKOUT}/timeline.yaml:"))
                && stderr.contains(LIMIT)
                && stderr.contains("remove its anchor (&name)"),
            "inc {args:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert_bounded(args, peak);
    }
    let (out, peak) = run_measured(&repo, &["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains(&format!("incidents/{CHECKOUT}/timeline.yaml\n")) && stdout.contains(LIMIT),
        "{stdout}"
    );
    assert_bounded(&["check"], peak);
}

#[test]
fn an_alias_bomb_in_incident_yaml_is_refused_by_list_and_check() {
    let repo = Repo::with_incident();
    repo.write(
        &format!("incidents/{CHECKOUT}/incident.yaml"),
        &incident_bomb(),
    );
    let (out, peak) = run_measured(&repo, &["list", "--all"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("incidents/{CHECKOUT}/incident.yaml:6:"))
            && stderr.contains(LIMIT),
        "{stderr}"
    );
    assert_bounded(&["list"], peak);
    let (out, peak) = run_measured(&repo, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains(LIMIT));
    assert_bounded(&["check"], peak);
}

/// Ten levels of ten merged aliases: 10^10 keys from a 2 kB file.
fn billion_laughs() -> String {
    let mut text = String::from("cadence:\n  l0: &l0 {min: 30m, max: 60m}\n");
    for level in 1..10 {
        let refs = vec![format!("*l{}", level - 1); 10].join(", ");
        text.push_str(&format!("  l{level}: &l{level} {{<<: [{refs}]}}\n"));
    }
    text
}

#[test]
fn a_billion_laughs_in_the_configuration_fails_every_command_fast() {
    let repo = Repo::with_incident();
    let config = repo.read(".inc.yaml");
    let cut = config.find("\ncadence:").unwrap() + 1;
    let end = config.find("postmortem_due_days").unwrap();
    repo.write(
        ".inc.yaml",
        &format!("{}{}{}", &config[..cut], billion_laughs(), &config[end..]),
    );
    for args in [&["list"][..], &["status"], &["log", "still here?"]] {
        let started = std::time::Instant::now();
        let (out, peak) = run_measured(&repo, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "inc {args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: .inc.yaml:") && stderr.contains(LIMIT),
            "inc {args:?}: {stderr}"
        );
        assert_bounded(args, peak);
        // Before the bound: about 30 s and 400 MB per command.
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }
}

#[test]
fn an_oversized_configuration_is_refused_without_reading_it() {
    let repo = Repo::with_incident();
    let mut config = repo.read(".inc.yaml");
    config.push_str(&format!("# {}\n", "padding ".repeat(200_000)));
    repo.write(".inc.yaml", &config);
    let err = repo.fails(1, &["list"]);
    assert!(
        err.starts_with("error: .inc.yaml:1:1: the configuration is larger than inc reads"),
        "{err}"
    );
}

#[test]
fn the_merge_driver_falls_back_to_lines_for_an_alias_bomb() {
    let repo = Repo::with_incident();
    let ours = repo.read(&format!("incidents/{CHECKOUT}/incident.yaml"));
    let (base_file, ours_file, theirs_file) = (
        repo.path("base.yaml"),
        repo.path("ours.yaml"),
        repo.path("theirs.yaml"),
    );
    std::fs::write(&base_file, &ours).unwrap();
    std::fs::write(&ours_file, &ours).unwrap();
    std::fs::write(&theirs_file, incident_bomb()).unwrap();
    let args = [
        "merge-driver",
        base_file.to_str().unwrap(),
        ours_file.to_str().unwrap(),
        theirs_file.to_str().unwrap(),
        &format!("incidents/{CHECKOUT}/incident.yaml"),
    ];
    let (out, peak) = run_measured(&repo, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(LIMIT) && stderr.contains("line by line"),
        "{stderr}"
    );
    assert_bounded(&args, peak);
    // Merged as git would: theirs changed the file, ours did not.
    assert_eq!(
        std::fs::read_to_string(&ours_file).unwrap(),
        incident_bomb()
    );
}

#[test]
fn a_one_megabyte_text_and_a_long_logbook_still_parse() {
    let repo = Repo::with_incident();
    let mut text = repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"));
    let long = "y".repeat(3_000_000);
    text.push_str(&format!(
        "- id: long00\n  at: \"2026-11-22T14:39:00+00:00\"\n  by: alice\n  kind: event\n  text: {long}\n"
    ));
    for n in 0..10_000 {
        text.push_str(&format!(
            "- id: e{n:05}\n  at: \"2026-11-22T14:39:00+00:00\"\n  by: alice\n  kind: event\n  key: true\n  text: entry {n}\n"
        ));
    }
    repo.write(&format!("incidents/{CHECKOUT}/timeline.yaml"), &text);
    let shown = repo.json(&["show", "--json"]);
    assert_eq!(shown["timeline"].as_array().unwrap().len(), 10_002);
    let out = repo.ok(&["check"]);
    assert!(out.contains("No problems"), "{out}");
}

#[test]
fn times_in_files_outside_the_years_and_offsets_are_errors_at_their_position() {
    let repo = Repo::with_incident();
    let timeline = format!("incidents/{CHECKOUT}/timeline.yaml");
    let mut text = repo.read(&timeline);
    let line = text.lines().count() + 2;
    text.push_str("- id: old000\n  at: \"1500-11-22T14:32:00+00:00\"\n  by: alice\n  kind: event\n  text: a typo\n");
    repo.write(&timeline, &text);
    let err = repo.fails(1, &["show"]);
    assert_eq!(
        err,
        format!(
            "error: {timeline}:{line}:7: \"1500-11-22T14:32:00+00:00\": the year 1500 is outside 1970–2100, the years inc accepts; correct the time\n"
        )
    );

    let incident = format!("incidents/{CHECKOUT}/incident.yaml");
    let text = repo.read(&incident);
    let opened = text.lines().position(|l| l.starts_with("opened:")).unwrap() + 1;
    repo.write(
        &incident,
        &text.replacen(
            "opened: \"2026-11-22T14:40:00+00:00\"",
            "opened: \"2026-11-22T14:40:00+23:00\"",
            1,
        ),
    );
    let out = repo.run(&["check"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        report.contains(&format!(
            "  {opened}:9     error    \"2026-11-22T14:40:00+23:00\": the UTC offset +23:00 is beyond ±14:00"
        )),
        "{report}"
    );
}

#[test]
fn typed_times_outside_the_years_and_offsets_are_refused() {
    let repo = Repo::with_incident();
    let before = repo.state();
    for (args, why) in [
        (
            &["log", "--at", "1969-12-31 23:00", "too early"][..],
            "time \"1969-12-31 23:00\": the year 1969 is outside 1970–2100",
        ),
        (
            &["log", "--at", "60y ago", "too early"],
            "time \"60y ago\": the year 1966 is outside 1970–2100",
        ),
        (
            &["mark", "started", "--at", "2026-11-22T10:00:00+15:00"],
            "time \"2026-11-22T10:00:00+15:00\": the UTC offset +15:00 is beyond ±14:00",
        ),
        (
            &["stats", "--until", "2101-01-01"],
            "time \"2101-01-01\": the year 2101 is outside 1970–2100",
        ),
    ] {
        let err = repo.fails(2, args);
        assert!(err.contains(why), "inc {args:?}: {err}");
    }
    assert_eq!(repo.state(), before);
    let out = repo
        .cmd()
        .env("INC_NOW", "1960-01-01T00:00:00Z")
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("INC_NOW=\"1960-01-01T00:00:00Z\": the year 1960")
    );
}

/// ESC sequences, BEL, NUL, DEL, the C1 CSI and a right-to-left override, as YAML escapes.
const HOSTILE_YAML: &str = r#""Evil \e[31mred\a\0\x7f\x9b[2J\u202Eright""#;
/// The same text as inc shows it.
const SHOWN: &str = r"Evil \u{1b}[31mred\u{7}\u{0}\u{7f}\u{9b}[2J\u{202e}right";
/// The same text as stored.
const STORED: &str = "Evil \u{1b}[31mred\u{7}\u{0}\u{7f}\u{9b}[2J\u{202e}right";

fn assert_no_raw_controls(what: &str, text: &str) {
    let raw = text.chars().find(|&c| {
        (c < ' ' && c != '\n' && c != '\t')
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    });
    assert_eq!(
        raw, None,
        "{what} printed a raw control character: {text:?}"
    );
}

/// The checkout incident with the hostile text as its title, a logbook entry, a person and a role.
fn hostile_incident() -> Repo {
    let repo = Repo::with_incident();
    let incident = format!("incidents/{CHECKOUT}/incident.yaml");
    let text = repo.read(&incident);
    repo.write(
        &incident,
        &text.replacen(
            "title: Checkout API down",
            &format!("title: {HOSTILE_YAML}"),
            1,
        ),
    );
    let timeline = format!("incidents/{CHECKOUT}/timeline.yaml");
    let mut text = repo.read(&timeline);
    text.push_str(&format!(
        "- id: evil00\n  at: \"2026-11-22T14:40:30+00:00\"\n  by: {HOSTILE_YAML}\n  kind: event\n  key: true\n  text: {HOSTILE_YAML}\n"
    ));
    repo.write(&timeline, &text);
    repo.write(
        &format!("incidents/{CHECKOUT}/roles.yaml"),
        &format!(
            "- id: evil01\n  at: \"2026-11-22T14:40:00+00:00\"\n  by: alice\n  action: assign\n  role: incident-lead\n  person: {HOSTILE_YAML}\n- id: evil02\n  at: \"2026-11-22T14:40:00+00:00\"\n  by: alice\n  action: assign\n  role: {HOSTILE_YAML}\n  person: bob\n"
        ),
    );
    repo
}

#[test]
fn control_characters_from_files_are_shown_escaped_everywhere() {
    let repo = hostile_incident();
    for args in [
        &["show"][..],
        &["list"],
        &["status"],
        &["roles"],
        &["report"],
        &["report", "--template", "summary"],
        &["report", "--html"],
    ] {
        let out = repo.ok(args);
        assert_no_raw_controls(&format!("inc {args:?}"), &out);
        assert!(
            out.contains(SHOWN),
            "inc {args:?} does not show {SHOWN}: {out}"
        );
    }
    let html = repo.ok(&["report", "--html"]);
    assert!(
        html.contains(&format!("<title>Outage report: {SHOWN}</title>")),
        "{html}"
    );

    // inc check names the unknown role, escaped, and fails because of it.
    let out = repo.run(&["check"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_no_raw_controls("inc check", &report);
    assert!(report.contains(SHOWN), "{report}");
    for format in ["github", "json"] {
        let out = repo.run(&["check", "--format", format]);
        assert_no_raw_controls(
            &format!("inc check --format {format}"),
            &String::from_utf8_lossy(&out.stdout),
        );
    }

    // An error echoing what was typed.
    let err = repo.fails(2, &["show", "-i", "\u{1b}]0;owned\u{7}"]);
    assert_no_raw_controls("an error", &err);
    assert!(err.contains(r"\u{1b}]0;owned\u{7}"), "{err}");
}

#[test]
fn json_keeps_control_characters_exactly_but_never_raw() {
    let repo = hostile_incident();
    let out = repo.ok(&["show", "--json"]);
    assert_no_raw_controls("inc show --json", &out);
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["title"], STORED);
    assert_eq!(
        shown["timeline"].as_array().unwrap().last().unwrap()["text"],
        STORED
    );
    let out = repo.ok(&["list", "--json"]);
    assert_no_raw_controls("inc list --json", &out);
}

#[test]
fn an_html_report_written_to_a_file_has_an_escaped_title_and_the_files_stay_exact() {
    let repo = hostile_incident();
    let before = repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"));
    repo.ok(&["report", "--html", "-o", "report.html"]);
    let html = repo.read("report.html");
    assert_no_raw_controls("report.html", &html);
    assert!(
        html.contains(&format!("<title>Outage report: {SHOWN}</title>")),
        "{html}"
    );
    // An HTML template's page is titled by its first heading (its own <title> is dropped).
    repo.write(
        ".inc/templates/page.html",
        "<html><head><title>{{ incident.title }}</title></head><body><h1>{{ incident.title }}</h1></body></html>\n",
    );
    repo.ok(&["report", "--template", "page", "-o", "page.html"]);
    let page = repo.read("page.html");
    assert_no_raw_controls("an HTML template", &page);
    assert!(page.contains(&format!("<title>{SHOWN}</title>")), "{page}");
    assert_eq!(page.matches("<title>").count(), 1, "{page}");
    // What inc shows is escaped; what the files hold is not touched.
    repo.ok(&["log", "after the reports"]);
    let after = repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"));
    assert!(after.starts_with(&before), "{after}");
}
