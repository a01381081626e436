use crate::common::{CHECKOUT, Repo};

#[test]
fn the_only_open_incident_is_chosen() {
    let repo = Repo::with_incident();
    repo.ok(&["use", "--clear"]);
    repo.ok(&["log", "picked automatically"]);
    assert!(
        repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"))
            .contains("picked automatically")
    );
}

#[test]
fn several_open_incidents_need_a_choice() {
    let repo = Repo::with_incident();
    repo.ok(&["open", "Search slow"]);
    repo.ok(&["use", "--clear"]);
    let before = repo.state();
    let err = repo.fails(2, &["log", "where does this go?"]);
    assert_eq!(
        err,
        "error: 2 incidents are open (2026-11-22-checkout-api-down, 2026-11-22-search-slow): choose one with -i ID, or `inc use ID` for the rest of this shift\n"
    );
    assert_eq!(repo.state(), before);
    repo.ok(&["-i", "search", "log", "here"]);
    repo.ok(&["use", "checkout"]);
    repo.ok(&["log", "there"]);
    assert!(
        repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"))
            .ends_with("text: there\n")
    );
}

#[test]
fn ids_match_exactly_then_by_prefix_then_by_substring() {
    let repo = Repo::new();
    repo.ok(&["open", "DB slow"]);
    repo.ok(&["open", "DB slow again"]);
    // Exact beats prefix: "2026-11-22-db-slow" is also a prefix of the other id.
    repo.ok(&["-i", "2026-11-22-db-slow", "log", "exact"]);
    assert!(
        repo.read("incidents/2026-11-22-db-slow/timeline.yaml")
            .contains("exact")
    );
    repo.ok(&["-i", "again", "log", "substring"]);
    assert!(
        repo.read("incidents/2026-11-22-db-slow-again/timeline.yaml")
            .contains("substring")
    );
    let err = repo.fails(2, &["-i", "db", "log", "ambiguous"]);
    assert_eq!(
        err,
        "error: \"db\" matches 2 incidents: 2026-11-22-db-slow, 2026-11-22-db-slow-again; give more of the id\n"
    );
    let err = repo.fails(2, &["-i", "nothing", "log", "x"]);
    assert_eq!(
        err,
        "error: no incident matches \"nothing\": `inc list --all` shows every id\n"
    );
}

#[test]
fn dash_c_and_inc_repo_find_the_repository_from_elsewhere() {
    let repo = Repo::with_incident();
    let elsewhere = tempfile::TempDir::new().unwrap();
    let out = repo
        .cmd()
        .current_dir(elsewhere.path())
        .args(["-C", repo.root().to_str().unwrap(), "show", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = repo
        .cmd()
        .current_dir(elsewhere.path())
        .env("INC_REPO", repo.root())
        .args(["log", "via INC_REPO"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"))
            .contains("via INC_REPO")
    );
}

#[test]
fn outside_a_repository_the_error_says_how_to_start() {
    let repo = Repo::empty();
    let err = repo.fails(1, &["list"]);
    assert_eq!(
        err,
        "error: no inc repository at [REPO] or above (no .inc.yaml): run `inc init`, or point -C or INC_REPO at one\n"
    );
}

/// `-i` before the command and another after it: refused, not one of them chosen silently.
#[test]
fn two_different_incidents_on_one_command_line_are_refused() {
    let repo = Repo::with_incident();
    repo.ok(&["open", "Second one", "--sev", "SEV3"]);
    let before = repo.state();
    let err = repo.fails(
        2,
        &[
            "-i",
            CHECKOUT,
            "log",
            "-i",
            "2026-11-22-second-one",
            "words",
        ],
    );
    assert!(
        err.contains(&format!(
            "-i names {CHECKOUT} before the command and 2026-11-22-second-one after it: give it once"
        )),
        "{err}"
    );
    assert_eq!(repo.state(), before);
    // The same incident twice is what was meant.
    repo.ok(&["-i", CHECKOUT, "log", "-i", CHECKOUT, "words"]);
}
