use crate::common::Repo;

/// Two open incidents and a resolved one; at 15:45 the SEV1 is overdue for customers.
fn outage_board() -> Repo {
    let repo = Repo::new();
    repo.ok_at(
        "14:00",
        &[
            "open",
            "Payments failing",
            "--sev",
            "SEV1",
            "--started",
            "13:50",
            "--lead",
            "alice",
        ],
    );
    repo.ok_at(
        "14:05",
        &[
            "comms",
            "--to",
            "internal",
            "--channel",
            "chat",
            "Bridge open",
        ],
    );
    repo.ok_at(
        "15:00",
        &["comms", "--to", "internal", "Still investigating"],
    );
    repo.ok_at("15:30", &["log", "Failing over the payments database"]);
    repo.ok_at(
        "14:30",
        &["open", "Search slow", "--sev", "SEV3", "--lead", "bob"],
    );
    repo.ok_at("15:00", &["comms", "--to", "customers", "Search is slow"]);
    repo.ok_at("15:10", &["comms", "--to", "executives", "FYI search"]);
    repo.ok_at("14:10", &["open", "Old one", "--sev", "SEV2"]);
    repo.ok_at("14:20", &["resolve"]);
    repo
}

#[test]
fn status_without_argument_is_the_dashboard_of_open_incidents() {
    let repo = outage_board();
    insta::assert_snapshot!("dashboard", repo.ok_at("15:45", &["status"]));
}

#[test]
fn overdue_is_red_unless_no_color() {
    let repo = outage_board();
    let out = repo
        .cmd()
        .env("INC_NOW", "2026-11-22T15:45:00Z")
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .arg("status")
        .output()
        .unwrap();
    let colored = String::from_utf8(out.stdout).unwrap();
    assert!(
        colored.contains("\u{1b}[38;5;9mupdate customers OVERDUE 1h 15m"),
        "{colored:?}"
    );
    let plain = repo
        .cmd()
        .env("INC_NOW", "2026-11-22T15:45:00Z")
        .env("CLICOLOR_FORCE", "1")
        .arg("status")
        .output()
        .unwrap();
    assert!(!String::from_utf8(plain.stdout).unwrap().contains('\u{1b}'));
}

#[test]
fn dashboard_json_for_scripts() {
    let repo = outage_board();
    insta::assert_snapshot!("dashboard_json", repo.ok_at("15:45", &["status", "--json"]));
}

#[test]
fn no_open_incidents() {
    let repo = Repo::new();
    assert_eq!(repo.ok(&["status"]), "No open incidents.\n");
    assert_eq!(repo.ok(&["status", "--json"]), "[]\n");
}

#[test]
fn one_broken_incident_does_not_hide_the_others() {
    let repo = outage_board();
    repo.write(
        "incidents/2026-11-22-search-slow/comms.yaml",
        "<<<<<<< HEAD\n",
    );
    let out = repo
        .cmd()
        .env("INC_NOW", "2026-11-22T15:45:00Z")
        .arg("status")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("Payments failing") && !stdout.contains("Search slow"),
        "{stdout}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("warning: skipped 2026-11-22-search-slow: ")
    );
}

/// `inc status` at `columns` wide, at `now`.
fn board_at(repo: &Repo, now: &str, columns: &str) -> String {
    let out = repo
        .cmd()
        .env("INC_NOW", crate::common::at(now))
        .env("COLUMNS", columns)
        .arg("status")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let board = String::from_utf8(out.stdout).unwrap();
    let width: usize = columns.parse().unwrap();
    for line in board.lines() {
        assert!(line.chars().count() <= width, "wider than {width}: {line}");
    }
    board
}

const PAYMENTS_FAILING: &str = "2026-11-20-payments-failing-for-all-eu-customers-after-the";

/// Three incidents at 03:00 on the third night of an outage (SLA targets set): the SEV1 with a
/// long title, opened with its lead, a change waiting for approval, updates overdue for a day,
/// and its repeating "assess" step ticked every half hour for hours; a SEV3 whose id shares its
/// first word; and a SEV2 opened an hour ago that nobody leads yet.
fn night_board() -> Repo {
    let repo = Repo::new();
    let config = repo.read(".inc.yaml");
    repo.write(
        ".inc.yaml",
        &format!("{config}sla:\n  SEV1: {{respond: 15m, resolve: 4h}}\n  default: {{respond: 1h, resolve: 3d}}\n"),
    );
    repo.git(&["commit", "-qam", "sla"]);
    repo.ok_at(
        "2026-11-20T21:00:00Z",
        &[
            "open",
            "Payments failing for all EU customers after the database failover",
            "--sev",
            "SEV1",
            "--detected",
            "20:55",
            "--lead",
            "alice",
        ],
    );
    repo.ok_at(
        "2026-11-20T21:05:00Z",
        &["comms", "--to", "internal", "Bridge open"],
    );
    for at in ["21:10", "21:40", "22:10", "22:40", "23:10", "23:40"] {
        repo.ok_at(
            &format!("2026-11-20T{at}:00Z"),
            &["runbook", "done", "-i", "payments-failing", "break-glass:5"],
        );
    }
    repo.ok_at(
        "2026-11-21T09:00:00Z",
        &[
            "open",
            "Payments slow in the US",
            "--sev",
            "SEV3",
            "--lead",
            "bob",
        ],
    );
    repo.ok_at(
        "2026-11-21T09:05:00Z",
        &[
            "comms",
            "-i",
            "payments-slow",
            "--to",
            "internal",
            "Looking",
        ],
    );
    repo.ok_at(
        "2026-11-22T02:00:00Z",
        &["open", "Search results stale", "--sev", "SEV2"],
    );
    repo.ok_at(
        "2026-11-22T02:30:00Z",
        &[
            "change",
            "request",
            "-i",
            "payments-failing",
            "Restart pgbouncer on db-2",
        ],
    );
    repo
}

#[test]
fn the_night_board_shows_one_next_duty_per_incident_at_80_columns() {
    let repo = night_board();
    insta::assert_snapshot!(
        "night_board_80",
        board_at(&repo, "2026-11-22T03:00:00Z", "80")
    );
}

#[test]
fn the_night_board_at_120_columns_gives_the_title_its_width() {
    let repo = night_board();
    let board = board_at(&repo, "2026-11-22T03:00:00Z", "120");
    insta::assert_snapshot!("night_board_120", board);
    assert!(
        board.contains("Payments failing for all EU customers"),
        "{board}"
    );
}

#[test]
fn incidents_are_ordered_by_their_most_urgent_duty() {
    let repo = night_board();
    let rows = repo.json(&["status", "--json"]);
    let rows = rows.as_array().unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    // All three need something now: by severity then. The full id stays in `id`.
    assert_eq!(
        ids,
        [
            PAYMENTS_FAILING,
            "2026-11-22-search-results-stale",
            "2026-11-21-payments-slow-in-the-us"
        ]
    );
    let short: Vec<&str> = rows
        .iter()
        .map(|r| r["short_id"].as_str().unwrap())
        .collect();
    assert_eq!(short, ["payments-failing", "search", "payments-slow"]);
    // What the table shows can be typed.
    assert!(
        repo.ok(&["show", "-i", short[0]])
            .starts_with(PAYMENTS_FAILING)
    );
    let next = |row: usize| rows[row]["next"]["kind"].as_str().unwrap();
    assert_eq!((next(0), next(1), next(2)), ("change", "lead", "comms"));
    assert_eq!(
        rows[0]["next"]["command"],
        "inc change approve ".to_string()
            + rows[0]["next"]["text"]
                .as_str()
                .unwrap()
                .split([' ', ':'])
                .nth(2)
                .unwrap()
    );
    assert_eq!(rows[1]["next"]["command"], "inc role incident-lead NAME");
    // Backward compatible: the fields scripts read before are all still there.
    for key in [
        "id",
        "title",
        "severity",
        "status",
        "age",
        "lead",
        "last_entry",
        "comms_due",
        "sla",
        "next_step",
    ] {
        assert!(rows[0].get(key).is_some(), "{key} missing");
    }
}

#[test]
fn a_repeating_runbook_step_shows_once() {
    let repo = night_board();
    let rows = repo.json(&["status", "--json"]);
    let duties = rows[0]["duties"].as_array().unwrap();
    let steps: Vec<&str> = duties
        .iter()
        .filter(|d| d["kind"] == "runbook")
        .map(|d| d["text"].as_str().unwrap())
        .collect();
    // The checklist's first step, and one of the three repeating steps (the most overdue), once.
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert!(steps[0].starts_with("break-glass:1 "), "{steps:?}");
    assert!(steps[1].starts_with("break-glass:6 "), "{steps:?}");
    // `inc show` folds the six ticks of step 5 into one line: the rest stays in view.
    let shown = repo.ok_at("2026-11-22T03:00:00Z", &["show", "-i", "payments-failing"]);
    let ticks: Vec<&str> = shown
        .lines()
        .filter(|l| l.contains("Done break-glass:5"))
        .collect();
    assert_eq!(ticks.len(), 1, "{shown}");
    assert!(ticks[0].contains("(×6 since 2026-11-20 21:10)"), "{shown}");
    assert!(shown.contains("alice is incident-lead"), "{shown}");
    assert!(shown.contains("Last entries (11 of 11)"), "{shown}");
}

#[test]
fn a_lead_named_at_open_counts_as_acknowledgement() {
    let repo = night_board();
    // Detected 20:55, respond within 15m, alice named lead at the opening at 21:00.
    let shown = repo.ok_at("2026-11-22T03:00:00Z", &["show", "-i", "payments-failing"]);
    assert!(
        shown.contains("respond       met with 10m to spare"),
        "{shown}"
    );
    let rows = repo.json(&["status", "--json"]);
    assert_eq!(rows[0]["sla"][0]["verdict"], "met");
    assert_eq!(rows[0]["sla"][0]["done"], "2026-11-20T21:00:00+00:00");
    assert!(
        !rows[0]["duties"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "respond")
    );
    // Nobody leads the SEV2: acknowledging it is still owed (after the missing lead).
    let kinds: Vec<&str> = rows[1]["duties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds[0], "lead");
    assert!(kinds.contains(&"respond"), "{kinds:?}");
    // Naming a lead later counts from then.
    repo.ok_at(
        "2026-11-22T02:40:00Z",
        &["role", "-i", "search", "incident-lead", "carol"],
    );
    let rows = repo.json(&["status", "--json"]);
    let search = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["short_id"] == "search")
        .unwrap();
    assert_eq!(search["sla"][0]["text"], "met with 20m to spare");
}
