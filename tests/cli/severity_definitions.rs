//! Severity definitions: `severity_definitions` in .inc.yaml, `inc sev --list`, `inc open`
//! offering them on a terminal, and `inc check` asking for a post-mortem only where the severity
//! requires one.

use crate::common::Repo;

/// Definitions for three of the four default severities; SEV3 keeps its built-in one.
const DEFINED: &str = "\
severities: [SEV1, SEV2, SEV3, SEV4]
default_severity: SEV3
required_updates: []
severity_definitions:
  SEV1:
    description: \"Critical: checkout or login is down\"
    criteria:
      - most customers cannot pay
      - data loss
    postmortem_due_days: 2
  SEV2:
    description: \"Major: a core feature is degraded\"
  SEV4:
    description: \"Low: nobody noticed yet\"
    postmortem: optional
";

/// A configuration written before severity definitions existed.
const OLD_CONFIG: &str = "\
incidents_dir: incidents
commit: true
severities: [P1, P2, P3]
default_severity: P3
roles: [incident-lead, scribe]
audiences: [internal, customers]
channels: [chat]
required_updates: []
cadence:
  default: {min: 30m, max: 60m}
postmortem_due_days: 4
";

fn with_config(yaml: &str) -> Repo {
    let repo = Repo::new();
    repo.write(".inc.yaml", yaml);
    repo.git(&["commit", "-qam", "configure severities"]);
    repo
}

/// Opens and resolves an incident of `sev`, resolved on `day` of November 2026.
fn resolved(repo: &Repo, title: &str, sev: &str, day: u32) {
    let opened = format!("2026-11-{day:02}T10:00:00Z");
    let closed = format!("2026-11-{day:02}T11:00:00Z");
    repo.ok_at(&opened, &["open", title, "--sev", sev]);
    repo.ok_at(&closed, &["resolve"]);
}

#[test]
fn sev_list_prints_the_definitions_worst_first() {
    let repo = with_config(DEFINED);
    let out = repo.ok(&["sev", "--list"]);
    assert_eq!(
        out,
        "\
SEV1  Critical: checkout or login is down
      - most customers cannot pay
      - data loss
      post-mortem required within 2 days
SEV2  Major: a core feature is degraded
      post-mortem required within 5 days
SEV3  Minor: a limited or partial problem (default)
      - a non-core feature is impaired
      - few customers affected, or a workaround exists
      post-mortem required within 5 days
SEV4  Low: nobody noticed yet
      post-mortem optional
"
    );
    let json = repo.json(&["sev", "--list", "--json"]);
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["SEV1", "SEV2", "SEV3", "SEV4"]);
    assert_eq!(
        json[0],
        serde_json::json!({
            "name": "SEV1",
            "default": false,
            "description": "Critical: checkout or login is down",
            "criteria": ["most customers cannot pay", "data loss"],
            "postmortem": "required",
            "postmortem_due_days": 2
        })
    );
    assert_eq!(json[2]["default"], true);
    assert_eq!(json[3]["postmortem"], "optional");
}

#[test]
fn the_defaults_of_inc_init_are_listed() {
    let repo = Repo::new();
    let out = repo.ok(&["sev", "--list"]);
    assert!(
        out.starts_with("SEV1  Critical: a core service is down or data is at risk\n      - most customers cannot use a core service\n"),
        "{out}"
    );
    assert_eq!(out.matches("post-mortem required within 5 days").count(), 4);
    assert!(
        repo.read(".inc.yaml")
            .contains("severity_definitions:\n  SEV1:\n")
    );
}

#[test]
fn sev_list_needs_no_incident_and_writes_nothing() {
    let repo = Repo::with_incident();
    let before = repo.state();
    repo.ok(&["sev", "--list"]);
    assert_eq!(repo.state(), before);
    let empty = Repo::new();
    assert!(empty.ok(&["sev", "--list"]).contains("SEV4"));
    for (args, message) in [
        (
            &["sev", "--list", "--by", "bob"][..],
            "error: --by does nothing for inc sev --list: it records nothing\n",
        ),
        (
            &["sev", "--list", "--no-commit"],
            "error: --no-commit does nothing for inc sev --list: it writes nothing\n",
        ),
        (
            &["-i", "checkout", "sev", "--list"],
            "error: -i does nothing for inc sev --list: it lists the severities of .inc.yaml, not an incident's\n",
        ),
    ] {
        assert_eq!(repo.fails(2, args), message, "{args:?}");
    }
    let err = repo.fails(2, &["sev", "--list", "SEV1"]);
    assert!(err.contains("'--list' cannot be used with"), "{err}");
    let err = repo.fails(2, &["sev", "--json"]);
    assert!(err.contains("--list"), "{err}");
    assert_eq!(repo.state(), before);
}

#[test]
fn check_asks_for_a_post_mortem_only_where_the_severity_requires_one() {
    let repo = with_config(DEFINED);
    // Resolved 2026-11-19: 3 days before the test clock.
    resolved(&repo, "Payments down", "SEV1", 19);
    resolved(&repo, "Search slow", "SEV2", 19);
    // Resolved 2026-11-16: 6 days before, past the built-in 5.
    resolved(&repo, "Reports late", "SEV3", 16);
    resolved(&repo, "Typo on the status page", "SEV4", 1);
    let out = repo.cmd().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap(), @r"
    incidents/2026-11-16-reports-late/incident.yaml
      16:3    warning  resolved 6d 3h 40m ago and no post-mortem yet (due within 5 days): inc postmortem -i 2026-11-16-reports-late  [postmortem-overdue]

    incidents/2026-11-19-payments-down/incident.yaml
      16:3    warning  resolved 3d 3h 40m ago and no post-mortem yet (due within 2 days): inc postmortem -i 2026-11-19-payments-down  [postmortem-overdue]

    0 errors and 2 warnings in 2 files (4 incidents checked).
    ");
}

#[test]
fn an_old_config_loads_and_every_severity_still_owes_a_post_mortem() {
    let repo = with_config(OLD_CONFIG);
    resolved(&repo, "Disk full", "P3", 10);
    let out = repo.ok(&["sev", "--list"]);
    assert_eq!(
        out,
        "\
P1
    post-mortem required within 4 days
P2
    post-mortem required within 4 days
P3  (default)
    post-mortem required within 4 days
"
    );
    let out = repo.cmd().arg("check").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("(due within 4 days): inc postmortem -i 2026-11-10-disk-full"),
        "{text}"
    );
}

#[test]
fn a_bad_definition_is_refused_with_its_line_and_column() {
    for (yaml, message) in [
        (
            format!("{DEFINED}  SEV5:\n    description: unknown\n"),
            "error: .inc.yaml:16:3: severity_definitions has \"SEV5\", which is not one of severities (SEV1, SEV2, SEV3, SEV4): rename it to one of them or remove it\n",
        ),
        (
            DEFINED.replace("postmortem: optional", "postmortem: sometimes"),
            "error: .inc.yaml:15:17:",
        ),
        (
            DEFINED.replace("postmortem_due_days: 2", "postmortem_due_days: 400"),
            "error: .inc.yaml:10:5: severity_definitions SEV1: postmortem_due_days 400 is more than 365",
        ),
        (
            DEFINED.replace(
                "    description: \"Major",
                "    colour: red\n    description: \"Major",
            ),
            "error: .inc.yaml:12:5:",
        ),
    ] {
        let repo = Repo::new();
        repo.write(".inc.yaml", &yaml);
        let before = repo.state();
        let err = repo.fails(1, &["open", "Checkout API down"]);
        assert!(err.starts_with(message), "{err}");
        assert_eq!(repo.state(), before);
    }
}

#[test]
fn open_without_a_terminal_asks_nothing_and_takes_the_default() {
    let repo = with_config(DEFINED);
    let out = repo
        .cmd()
        .args(["open", "Checkout API down"])
        .write_stdin("1\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "2026-11-22-checkout-api-down\n"
    );
    assert_eq!(repo.json(&["show", "--json"])["severity"], "SEV3");
}

/// `inc open` in a pseudo-terminal made by `script` (util-linux), answers piped in.
fn open_on_a_terminal(repo: &Repo, options: &str, answers: &str) -> Option<(bool, String)> {
    let script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    drop(script);
    let inner = repo.std_cmd();
    let mut cmd = std::process::Command::new("script");
    for (key, value) in inner.get_envs() {
        match value {
            Some(value) => cmd.env(key, value),
            None => cmd.env_remove(key),
        };
    }
    let bin = inner.get_program().to_str().unwrap().to_string();
    let out = cmd
        .current_dir(repo.root())
        .args([
            "-qec",
            &format!("'{bin}' open 'Checkout API down' {options}"),
            "/dev/null",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(answers.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).replace('\r', ""),
    ))
}

#[test]
fn open_on_a_terminal_offers_the_definitions() {
    let repo = with_config(DEFINED);
    let Some((ok, shown)) = open_on_a_terminal(&repo, "", "1\n") else {
        eprintln!("no `script` command: the terminal prompt is covered by the unit tests only");
        return;
    };
    assert!(ok, "{shown}");
    assert!(
        shown.contains(
            "1) SEV1  Critical: checkout or login is down\n         - most customers cannot pay\n"
        ),
        "{shown}"
    );
    assert!(shown.contains("Choose 1-4 or a name [SEV3]: "), "{shown}");
    assert!(shown.contains("2026-11-22-checkout-api-down\n"), "{shown}");
    assert_eq!(repo.json(&["show", "--json"])["severity"], "SEV1");

    let other = with_config(DEFINED);
    let before = other.state();
    let (ok, shown) = open_on_a_terminal(&other, "", "sev9\n").unwrap();
    assert!(!ok, "{shown}");
    assert!(shown.contains("unknown severity \"sev9\""), "{shown}");
    assert!(
        shown.contains("error: no severity chosen: give one with --sev SEV"),
        "{shown}"
    );
    assert_eq!(other.state(), before);

    // A wrong option is refused before anything is asked.
    let (ok, shown) = open_on_a_terminal(&other, "--type nope", "1\n").unwrap();
    assert!(!ok && shown.contains("error: unknown"), "{shown}");
    assert!(!shown.contains("Choose"), "{shown}");
    assert_eq!(other.state(), before);
}
