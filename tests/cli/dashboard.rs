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
        colored.contains("\u{1b}[38;5;9mOVERDUE 1h 15m"),
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
        stdout.contains("2026-11-22-payments-failing") && !stdout.contains("search-slow"),
        "{stdout}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("warning: skipped 2026-11-22-search-slow: ")
    );
}
