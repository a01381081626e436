//! What must not go wrong with maintenance windows: bad input refused with nothing written, hand
//! edits and links named with their place, `inc check`, repositories from before windows
//! existed, the configured directory, and two clones posting updates at once.

use super::{CATALOG, ID, UPDATES, WINDOW, schedule};
use crate::common::{CHECKOUT, Repo, team};

#[test]
fn bad_input_is_one_line_exit_2_and_writes_nothing() {
    let repo = Repo::new();
    schedule(&repo);
    repo.write(".inc/catalog.yaml", CATALOG);
    repo.git(&["add", ".inc/catalog.yaml"]);
    repo.git(&["commit", "-qm", "catalog"]);
    let long_title = "x".repeat(201);
    let long_text = "y".repeat(4001);
    let window = |title: &str, start: &str, end: &str| -> Vec<String> {
        [
            "maintenance",
            "schedule",
            title,
            "--start",
            start,
            "--end",
            end,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let with = |mut args: Vec<String>, more: &[&str]| {
        args.extend(more.iter().map(|s| s.to_string()));
        args
    };
    let ok = window("Search reindex", "in 1h", "in 2h");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            window("  ", "in 1h", "in 2h"),
            "error: the title is empty: say what will be done, like \"Database upgrade\"\n",
        ),
        (
            window(&long_title, "in 1h", "in 2h"),
            "error: the title is 201 characters, more than 200: keep it a heading and put the rest in --summary\n",
        ),
        (
            window("Two\nlines", "in 1h", "in 2h"),
            "error: the title has a line break: keep it on one line and put the rest in --summary\n",
        ),
        (
            with(ok.clone(), &["--summary", " "]),
            "error: --summary is empty: say what customers should expect, like --summary \"Checkout is read-only for up to two hours\", or leave it out\n",
        ),
        (
            with(ok.clone(), &["--summary", &long_text]),
            "error: the summary is 4001 characters, more than 4000: shorten it, or link to a page that says more\n",
        ),
        (
            with(ok.clone(), &["--service", "chekout-api"]),
            "error: unknown service \"chekout-api\" (did you mean checkout-api?): use one of checkout-api, payments; a new service goes into .inc/catalog.yaml first\n",
        ),
        (
            window("Search reindex", "in 2h", "in 1h"),
            "error: --end 2026-11-22 15:40 UTC is not after --start 2026-11-22 16:40 UTC: a window must end after it starts\n",
        ),
        (
            window("Search reindex", "2026-12-10 02:00", "2026-12-10 02:00"),
            "error: --end 2026-12-10 02:00 UTC is not after --start 2026-12-10 02:00 UTC: a window must end after it starts\n",
        ),
        (
            window("Search reindex", "soon", "in 2h"),
            "error: time \"soon\" does not parse: use \"2026-12-10 02:00\", \"in 2h\", \"+2h\", \"14:32\" (today), \"now\" or RFC 3339 (2026-12-10T02:00:00+01:00)\n",
        ),
        (
            window("Search reindex", "02:00", "04:00"),
            "error: time \"02:00\" would be 2026-11-22 02:00 UTC, 12h 40m ago: a time alone means today; for tomorrow give the date too, like \"2026-11-23 02:00\"\n",
        ),
        (
            window("Search reindex", "2h", "in 3h"),
            "error: time \"2h\" is ambiguous: write \"in 2h\" or \"+2h\" for a time ahead, \"2h ago\" for one past\n",
        ),
        (
            vec!["maintenance".into(), "update".into(), ID.into(), " ".into()],
            "error: the update is empty: say what customers should know, like \"The upgrade is done\"\n",
        ),
        (
            vec![
                "maintenance".into(),
                "update".into(),
                ID.into(),
                long_text.clone(),
            ],
            "error: the update is 4001 characters, more than 4000: shorten it, or link to a page that says more\n",
        ),
        (
            vec![
                "maintenance".into(),
                "update".into(),
                ID.into(),
                "x".into(),
                "--at".into(),
                "in 1h".into(),
            ],
            "error: time \"in 1h\" does not parse: use \"now\", \"14:32\", \"2026-11-22 14:32\", \"10m ago\", \"-2h\" or RFC 3339 (2026-11-22T14:32:00+01:00)\n",
        ),
        (
            vec![
                "maintenance".into(),
                "update".into(),
                "nightly".into(),
                "x".into(),
            ],
            "error: no maintenance window matches \"nightly\": `inc maintenance list --all` shows every id\n",
        ),
        (
            vec!["maintenance".into(), "cancel".into(), "nightly".into()],
            "error: no maintenance window matches \"nightly\": `inc maintenance list --all` shows every id\n",
        ),
        (
            vec![
                "maintenance".into(),
                "cancel".into(),
                ID.into(),
                "--reason".into(),
                "".into(),
            ],
            "error: --reason is empty: say why, like --reason \"Postponed to January\", or leave it out\n",
        ),
        (
            vec!["maintenance".into(), "show".into(), "nightly".into()],
            "error: no maintenance window matches \"nightly\": `inc maintenance list --all` shows every id\n",
        ),
    ];
    // Two windows with the same words: a query that matches both is refused with both ids.
    repo.ok(&[
        "maintenance",
        "schedule",
        "Database upgrade",
        "--start",
        "in 1h",
        "--end",
        "in 2h",
    ]);
    let before = repo.state();
    for (args, expected) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = repo.fails(2, &args);
        assert_eq!(&err, expected, "inc {args:?}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(repo.state(), before, "inc {args:?} wrote something");
    }
    let err = repo.fails(2, &["maintenance", "show", "upgrade"]);
    assert_eq!(
        err,
        format!(
            "error: \"upgrade\" matches 2 maintenance windows: 2026-11-22-database-upgrade, {ID}; give more of the id\n"
        )
    );
    // Options that mean nothing here are refused by clap, not ignored.
    repo.fails(2, &["maintenance", "list", "-i", CHECKOUT]);
    repo.fails(
        2,
        &[
            "maintenance",
            "schedule",
            "X",
            "--start",
            "in 1h",
            "--end",
            "in 2h",
            "--by",
            "bob",
        ],
    );
    let err = repo.fails(2, &["--no-commit", "maintenance", "list"]);
    assert_eq!(
        err,
        "error: --no-commit does nothing for inc maintenance list: it commits nothing\n"
    );
    assert_eq!(repo.state(), before);
    assert_eq!(repo.status(), "");
}

#[test]
fn a_hand_edit_that_does_not_parse_is_named_by_file_line_and_column() {
    let repo = Repo::new();
    schedule(&repo);
    repo.ok(&["maintenance", "update", ID, "First"]);
    let good = repo.read(WINDOW);
    repo.write(WINDOW, &good.replace("title:", "titel:"));
    let before = repo.files();
    let expected = format!(
        "{WINDOW}:2:1: unknown field `titel`, expected one of title, start, end, services, summary, scheduled, cancelled"
    );
    let err = repo.fails(1, &["maintenance", "show", ID]);
    assert_eq!(err, format!("error: {expected}\n"));
    let err = repo.fails(1, &["maintenance", "update", ID, "Second"]);
    assert_eq!(err, format!("error: {expected}\n"));
    let err = repo.fails(1, &["maintenance", "cancel", ID]);
    assert_eq!(err, format!("error: {expected}\n"));
    assert_eq!(repo.files(), before);
    // The list goes on without it, saying why.
    let out = repo.run(&["maintenance", "list", "--all"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!("warning: skipped maintenance {ID}: {expected}\n")
    );
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("No maintenance scheduled yet")
    );
    // inc check reports it on its line, as CI annotates it.
    let out = repo.run(&["check", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let annotations = String::from_utf8(out.stdout).unwrap();
    assert!(
        annotations.contains(&format!("file={WINDOW},line=2,col=1")),
        "{annotations}"
    );

    // An end before the start, by hand: refused where it is, and by inc check.
    repo.write(
        WINDOW,
        &good.replace(
            "end: \"2026-12-10T04:00:00+00:00\"",
            "end: \"2026-12-10T01:00:00+00:00\"",
        ),
    );
    let err = repo.fails(1, &["maintenance", "show", ID]);
    assert_eq!(
        err,
        format!(
            "error: {WINDOW}:4:1: end (2026-12-10T01:00:00+00:00) is not after start (2026-12-10T02:00:00+00:00): a window must end after it starts\n"
        )
    );
    let out = repo.run(&["check"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("{WINDOW}\n  4:1     error    end (")),
        "{text}"
    );
    assert!(text.contains("[maintenance]"), "{text}");

    // A broken updates.yaml: show names it, and update appends nothing.
    repo.write(WINDOW, &good);
    let updates = repo.read(UPDATES);
    repo.write(UPDATES, &format!("{updates}- id: [\n"));
    let err = repo.fails(1, &["maintenance", "show", ID]);
    assert!(err.starts_with(&format!("error: {UPDATES}:")), "{err}");
    let before = repo.files();
    repo.fails(1, &["maintenance", "update", ID, "Second"]);
    assert_eq!(repo.files(), before);
}

#[test]
fn links_are_not_followed() {
    let repo = Repo::new();
    schedule(&repo);
    let outside = crate::common::outside(&repo, "secret.yaml", "title: secret\n");
    std::fs::remove_file(repo.path(WINDOW)).unwrap();
    std::os::unix::fs::symlink(&outside, repo.path(WINDOW)).unwrap();
    let err = repo.fails(1, &["maintenance", "show", ID]);
    assert!(
        err.starts_with(&format!("error: {WINDOW} is a symbolic link (to ")),
        "{err}"
    );
    let out = repo.run(&["check"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("[symlink]"), "{text}");
}

#[test]
fn check_reports_unknown_services_and_merge_leftovers_in_windows() {
    let repo = Repo::new();
    schedule(&repo);
    repo.ok(&["maintenance", "update", ID, "First"]);
    assert_eq!(repo.ok(&["check"]), "No problems in 0 incidents.\n");
    repo.write(".inc/catalog.yaml", "services:\n- name: checkout\n");
    let updates = repo.read(UPDATES);
    repo.write(
        UPDATES,
        &format!("{updates}- id: other1\n  conflict_of: qwpz9z\n  at: \"2026-11-22T14:40:00+00:00\"\n  by: bob\n  text: First!\n"),
    );
    let out = repo.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  6:3     error    service \"checkout-api\" is not in .inc/catalog.yaml: did you mean checkout? use a listed service, or add it to the catalog  [unknown-service]"),
        "{text}"
    );
    assert!(
        text.contains("warning  update other1 is another version of update qwpz9z"),
        "{text}"
    );
}

#[test]
fn a_repository_from_before_maintenance_windows_still_works() {
    let repo = Repo::with_incident();
    // As an older inc left it: no maintenance_dir, no line for updates.yaml, six schemas.
    let config: String = repo
        .read(".inc.yaml")
        .lines()
        .filter(|l| !l.contains("maintenance"))
        .map(|l| format!("{l}\n"))
        .collect();
    repo.write(".inc.yaml", &config);
    let attributes = repo
        .read(".gitattributes")
        .replace("maintenance/*/updates.yaml merge=inc\n", "");
    repo.write(".gitattributes", &attributes);
    for name in ["maintenance", "updates"] {
        std::fs::remove_file(repo.path(&format!(".inc/schemas/{name}.schema.json"))).unwrap();
    }
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "as before maintenance windows"]);
    assert!(!repo.path("maintenance").exists());

    repo.ok(&["log", "Nothing changed for incidents"]);
    assert_eq!(repo.json(&["list", "--json"]).as_array().unwrap().len(), 1);
    repo.ok(&["check"]);
    assert!(
        repo.ok(&["maintenance", "list", "--all"])
            .starts_with("No maintenance scheduled yet")
    );
    assert_eq!(
        repo.json(&["maintenance", "list", "--json"]),
        serde_json::json!([])
    );
    assert_eq!(schedule(&repo), format!("{ID}\n"));
    // The schemas its files point at come along in the same commit.
    assert_eq!(
        repo.head_files(),
        [
            ".inc/schemas/maintenance.schema.json",
            ".inc/schemas/updates.schema.json",
            WINDOW,
            UPDATES
        ]
    );
    // inc init adds the line that merges updates entry by entry, and nothing else.
    repo.ok(&["init"]);
    assert_eq!(repo.head_files(), [".gitattributes"]);
    assert_eq!(
        repo.read(".gitattributes"),
        format!("{attributes}maintenance/*/updates.yaml merge=inc\n")
    );
    assert_eq!(repo.status(), "");
}

#[test]
fn maintenance_dir_is_configurable_and_kept_apart_from_incidents() {
    let repo = Repo::empty();
    repo.ok(&["init", "--dir", "ops/incidents"]);
    assert!(
        repo.read(".inc.yaml")
            .contains("\nmaintenance_dir: ops/maintenance\n")
    );
    assert!(
        repo.read(".gitattributes")
            .contains("\nops/maintenance/*/updates.yaml merge=inc\n")
    );
    schedule(&repo);
    let file = format!("ops/maintenance/{ID}/maintenance.yaml");
    assert!(repo.read(&file).starts_with(
        "# yaml-language-server: $schema=../../../.inc/schemas/maintenance.schema.json\n"
    ));

    let config = repo.read(".inc.yaml");
    let line = config
        .lines()
        .position(|l| l.starts_with("maintenance_dir:"))
        .unwrap()
        + 1;
    repo.write(
        ".inc.yaml",
        &config.replace(
            "maintenance_dir: ops/maintenance",
            "maintenance_dir: ops/incidents/maintenance",
        ),
    );
    let err = repo.fails(1, &["maintenance", "list"]);
    assert_eq!(
        err,
        format!(
            "error: .inc.yaml:{line}:18: maintenance_dir \"ops/incidents/maintenance\" overlaps incidents_dir \"ops/incidents\": keep maintenance windows in a directory of their own, like maintenance\n"
        )
    );
    repo.write(
        ".inc.yaml",
        &config.replace(
            "maintenance_dir: ops/maintenance",
            "maintenance_dir: ../elsewhere",
        ),
    );
    let err = repo.fails(1, &["list"]);
    assert!(
        err.contains("maintenance_dir \"../elsewhere\" must be a relative path"),
        "{err}"
    );
}

#[test]
fn two_clones_posting_updates_merge_both() {
    let (_remote, lead, scribe) = team();
    schedule(&lead);
    lead.ok(&["sync"]);
    scribe.git(&["pull", "-q", "--no-rebase", "origin", "master"]);
    lead.ok(&["maintenance", "update", ID, "From the lead"]);
    scribe.ok(&["maintenance", "update", ID, "From the scribe"]);
    lead.ok(&["sync"]);
    assert_eq!(
        scribe.ok(&["sync"]),
        "Synced master with origin (merged their changes)\n"
    );
    lead.ok(&["sync"]);
    let text = lead.read(UPDATES);
    assert_eq!(text, scribe.read(UPDATES));
    assert!(!text.contains("<<<<<<<"), "{text}");
    let texts: Vec<String> = lead.json(&["maintenance", "show", ID, "--json"])["updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts.contains(&"From the lead".to_string())
            && texts.contains(&"From the scribe".to_string())
    );
    for repo in [&lead, &scribe] {
        assert_eq!(repo.status(), "");
        repo.ok(&["check"]);
    }
}
