use crate::common::{CHECKOUT, Repo};

/// Three incidents: the checkout one (open, with entries), a resolved one, an open SEV4.
fn busy_repo() -> Repo {
    let repo = Repo::with_incident();
    repo.ok(&["log", "--at", "14:10", "--key", "Error rate at 40%"]);
    repo.ok(&[
        "log",
        "--at",
        "14:20",
        "--kind",
        "action",
        "Rolled back deploy 4711",
    ]);
    repo.ok(&["log", "--internal", "Multi-line note\nwith a second line"]);
    repo.ok(&["mark", "acknowledged", "--at", "14:07"]);
    repo.ok(&["mark", "mitigated", "--at", "14:33"]);
    repo.ok(&[
        "open",
        "Slow search",
        "--sev",
        "SEV4",
        "--started",
        "13:00",
        "--detected",
        "13:30",
    ]);
    repo.ok(&[
        "open",
        "Login errors",
        "--sev",
        "SEV3",
        "--detected",
        "12:00",
    ]);
    repo.ok(&["resolve", "--at", "12:45"]);
    repo.ok(&["use", CHECKOUT]);
    repo
}

#[test]
fn list_shows_open_incidents() {
    let repo = busy_repo();
    insta::assert_snapshot!("list_open", repo.ok(&["list"]));
}

#[test]
fn list_all_and_filters() {
    let repo = busy_repo();
    insta::assert_snapshot!("list_all", repo.ok(&["list", "--all"]));
    let resolved = repo.ok(&["list", "--status", "resolved"]);
    assert!(
        resolved.contains("2026-11-22-login-errors") && !resolved.contains(CHECKOUT),
        "{resolved}"
    );
    let sev4 = repo.ok(&["list", "--all", "--sev", "sev4"]);
    assert!(
        sev4.contains("slow-search") && !sev4.contains(CHECKOUT),
        "{sev4}"
    );
    let none = repo.ok(&["list", "--sev", "SEV1"]);
    assert_eq!(
        none,
        "No incidents to show (inc list --all includes resolved ones).\n"
    );
}

#[test]
fn list_json_has_the_documented_shape() {
    let repo = busy_repo();
    let list = repo.json(&["list", "--all", "--json"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3);
    let checkout = list.iter().find(|i| i["id"] == CHECKOUT).unwrap();
    insta::assert_json_snapshot!("list_json_checkout", checkout);
    let raw = repo.ok(&["list", "--json", "--sev", "SEV2"]);
    insta::assert_snapshot!("list_json_raw", raw);
    assert!(checkout.get("timeline").is_none() && checkout.get("comms").is_none());
}

#[test]
fn show_prints_milestones_durations_and_last_entries() {
    let repo = busy_repo();
    insta::assert_snapshot!("show_text", repo.ok(&["show"]));
}

#[test]
fn show_json_has_the_documented_shape() {
    let repo = busy_repo();
    // The raw text: key order is part of the contract scripts see.
    insta::assert_snapshot!("show_json", repo.ok(&["show", "--json", "checkout"]));
}

#[test]
fn show_takes_an_id_or_a_prefix() {
    let repo = busy_repo();
    let by_prefix = repo.ok(&["show", "2026-11-22-slow"]);
    assert!(
        by_prefix.starts_with("2026-11-22-slow-search\nSlow search\n"),
        "{by_prefix}"
    );
    let by_flag = repo.ok(&["show", "-i", "login"]);
    assert!(
        by_flag.starts_with("2026-11-22-login-errors\n"),
        "{by_flag}"
    );
}

#[test]
fn show_limits_to_the_last_ten_entries() {
    let repo = Repo::with_incident();
    for n in 1..=12 {
        repo.ok(&["log", &format!("entry {n}")]);
    }
    let out = repo.ok(&["show"]);
    assert!(out.contains("Last entries (10 of 13)"), "{out}");
    assert!(
        out.contains("entry 12") && out.contains("entry 3") && !out.contains("entry 2\n"),
        "{out}"
    );
}
