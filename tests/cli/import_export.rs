//! Issue 17 points 3 and 4: `inc import` (csv, json) and `inc export` (jsonl, csv, --public):
//! round trips, bad rows that write nothing, dry runs. Slack imports are in import_slack.rs,
//! running an import again in import_resume.rs, exact round trips in import_roundtrip.rs.

use std::path::Path;

use crate::common::{CHECKOUT, Repo, outside};
use crate::import_slack::slack_export;

const CSV: &str = "\
title,severity,started,detected,mitigated,resolved,tags,services,summary
Checkout API down,sev1,2026-03-04T10:00:00Z,2026-03-04 10:05,2026-03-04T10:30:00Z,2026-03-04T11:00:00Z,checkout; payments,checkout-api,\"Card payments failed, 500s\"
Search slow,2,2026-05-01T09:00:00+02:00,,,,search,,
Checkout API down,SEV3,2026-03-04T18:00:00Z,,2026-03-04T18:20:00Z,,,,=cmd|calc
";

pub fn commits(repo: &Repo) -> usize {
    repo.git(&["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .unwrap()
}

pub fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn csv_rows_become_incidents_one_commit_each() {
    let repo = Repo::new();
    let file = outside(&repo, "history.csv", CSV);
    let before = commits(&repo);
    let out = repo.ok(&["import", path(&file), "--format", "csv"]);
    assert_eq!(
        out,
        "2026-03-04-checkout-api-down\n2026-05-01-search-slow\n2026-03-04-checkout-api-down-2\n"
    );
    assert_eq!(commits(&repo), before + 3);
    assert_eq!(
        repo.head_message(),
        format!(
            "2026-03-04-checkout-api-down-2: import \"Checkout API down\" from {} line 4",
            file.display()
        )
    );
    let first = repo.json(&["show", "2026-03-04-checkout-api-down", "--json"]);
    assert_eq!(first["severity"], "SEV1");
    assert_eq!(first["status"], "resolved");
    assert_eq!(first["tags"], serde_json::json!(["checkout", "payments"]));
    assert_eq!(first["services"], serde_json::json!(["checkout-api"]));
    assert_eq!(first["summary"], "Card payments failed, 500s");
    assert_eq!(first["milestones"]["detected"], "2026-03-04T10:05:00+00:00");
    assert_eq!(first["durations"]["time_to_resolve"], 3600);
    let search = repo.json(&["show", "2026-05-01-search-slow", "--json"]);
    assert_eq!(search["severity"], "SEV2");
    assert_eq!(search["status"], "investigating");
    assert_eq!(search["milestones"]["started"], "2026-05-01T09:00:00+02:00");
    let third = repo.json(&["show", "2026-03-04-checkout-api-down-2", "--json"]);
    assert_eq!(third["status"], "monitoring");
    assert_eq!(third["summary"], "=cmd|calc");
    let text = third["timeline"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("Opened \"Checkout API down\" as SEV3 (imported from"),
        "{text}"
    );
    // The files are what inc writes: `inc check` finds nothing wrong.
    repo.ok(&["check"]);
}

#[test]
fn a_bad_row_is_reported_at_its_cell_and_nothing_is_imported() {
    let repo = Repo::new();
    let file = outside(
        &repo,
        "bad.csv",
        "title,severity,started,resolved\n\
         Good row,SEV2,2026-03-04T10:00:00Z,\n\
         Bad sev,SEV9,2026-03-04T10:00:00Z,\n\
         Bad time,SEV2,2026-03-04T10:00:00Z,yesterday-ish\n",
    );
    let before = repo.state();
    let err = repo.fails(1, &["import", path(&file), "--format", "csv"]);
    let shown = file.display();
    assert!(
        err.contains(&format!("error: {shown}:3:9: unknown severity \"SEV9\"")),
        "{err}"
    );
    assert!(err.contains(&format!("{shown}:4:36: ")), "{err}");
    assert!(
        err.contains("2 problems in the file (nothing was imported)"),
        "{err}"
    );
    assert_eq!(repo.state(), before);

    // A header that misnames a column points at it.
    let file = outside(&repo, "header.csv", "title,sev\nX,SEV1\n");
    let err = repo.fails(1, &["import", path(&file), "--format", "csv"]);
    assert!(
        err.contains(&format!("{}:1:7: unknown column \"sev\"", file.display())),
        "{err}"
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn dry_run_prints_and_writes_nothing() {
    let repo = Repo::new();
    let file = outside(&repo, "history.csv", CSV);
    let before = repo.state();
    let out = repo.ok(&["import", path(&file), "--format", "csv", "--dry-run"]);
    assert!(
        out.starts_with(
            "would create 2026-03-04-checkout-api-down: \"Checkout API down\" SEV1 resolved"
        ),
        "{out}"
    );
    assert_eq!(out.lines().count(), 3, "{out}");
    assert_eq!(repo.state(), before);
}

/// The checkout incident with roles, updates, key and internal entries, a change, a link, an
/// impact, resolved.
fn rich() -> Repo {
    let repo = Repo::with_incident();
    repo.ok(&["role", "incident-lead", "Carol Git"]);
    repo.ok(&["role", "comms-lead", "dave"]);
    repo.ok(&["role", "comms-lead", "erin", "--add"]);
    repo.ok(&[
        "log",
        "--by",
        "bob",
        "--at",
        "14:10",
        "--key",
        "Paged the db team",
    ]);
    repo.ok(&[
        "log",
        "--at",
        "14:12",
        "--internal",
        "Carol thinks it is the cache",
    ]);
    repo.ok(&["change", "request", "Roll back v412"]);
    repo.ok(&[
        "comms",
        "--to",
        "customers",
        "--channel",
        "status-page",
        "We are on it",
    ]);
    repo.ok(&["link", "https://grafana.example.com/d/checkout"]);
    repo.ok(&[
        "impact",
        "--service",
        "checkout-api",
        "--summary",
        "Card payments failed",
    ]);
    repo.ok(&["resolve"]);
    repo
}

#[test]
fn export_jsonl_then_import_json_round_trips_exactly() {
    let a = rich();
    a.ok(&["open", "Search slow", "--sev", "SEV3"]);
    let export = a.ok(&["export"]);
    assert_eq!(export.lines().count(), 2);
    let ids: Vec<String> = export
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();

    let b = Repo::new();
    let file = outside(&b, "all.jsonl", &export);
    let before = commits(&b);
    assert_eq!(
        b.ok(&["import", path(&file), "--format", "json"]),
        format!("{}\n", ids.join("\n"))
    );
    assert_eq!(commits(&b), before + 2);
    for id in &ids {
        assert_eq!(
            b.json(&["show", id, "--json"]),
            a.json(&["show", id, "--json"]),
            "{id}"
        );
    }
    assert_eq!(b.ok(&["export"]), export);
    b.ok(&["check"]);

    // One object as `inc show --json` prints it, and an array of them, work too.
    let c = Repo::new();
    let one = outside(&c, "one.json", &a.ok(&["show", CHECKOUT, "--json"]));
    c.ok(&["import", path(&one), "--format", "json"]);
    assert_eq!(
        c.json(&["show", CHECKOUT, "--json"]),
        a.json(&["show", CHECKOUT, "--json"])
    );
    let d = Repo::new();
    let array = format!("[{}]", export.trim_end().replace('\n', ","));
    let array = outside(&d, "array.json", &array);
    d.ok(&["import", path(&array), "--format", "json"]);
    assert_eq!(d.ok(&["export"]), export);

    // Importing it again finds both there and writes nothing (import_resume.rs has the rest).
    let state = b.state();
    let out = b.run(&["import", path(&file), "--format", "json"]);
    assert!(out.status.success() && out.stdout.is_empty(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "note: 2 incidents of {} already here from an earlier import, skipped; 0 imported\n",
            file.display()
        )
    );
    assert_eq!(b.state(), state);
}

#[test]
fn a_hostile_id_in_json_is_refused_and_writes_nothing() {
    let a = Repo::with_incident();
    let shown = a.ok(&["show", CHECKOUT, "--json"]);
    let b = Repo::new();
    let before = b.state();
    for hostile in ["../x", "../../escaped", "a/b", ".git"] {
        let text = shown.replacen(
            &format!("\"id\": \"{CHECKOUT}\""),
            &format!("\"id\": \"{hostile}\""),
            1,
        );
        let file = outside(&b, "hostile.json", &text);
        let err = b.fails(1, &["import", path(&file), "--format", "json"]);
        assert!(
            err.contains(&format!(
                "{}:1:1: \"{hostile}\" is not an incident id",
                file.display()
            )),
            "{err}"
        );
        assert_eq!(b.state(), before);
    }
    assert!(!b.root().parent().unwrap().join("x").exists());
    assert!(!b.root().parent().unwrap().join("escaped").exists());

    // A wrong field deep in the file is reported where it is.
    let text = shown.replacen("\"kind\": \"status\"", "\"kind\": \"party\"", 1);
    let line = text.lines().position(|l| l.contains("\"party\"")).unwrap() + 1;
    let file = outside(&b, "kind.json", &text);
    let err = b.fails(1, &["import", path(&file), "--format", "json"]);
    assert!(
        err.contains(&format!("{}:{line}:", file.display())) && err.contains("party"),
        "{err}"
    );
    assert_eq!(b.state(), before);
}

#[test]
fn export_public_names_no_one_and_hides_internal_entries() {
    let repo = rich();
    let public = repo.ok(&["export", "--public"]);
    let value: serde_json::Value = serde_json::from_str(public.trim()).unwrap();
    for name in ["Carol", "Git", "dave", "erin", "bob", "alice"] {
        let named = public
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word == name);
        assert!(!named, "names {name}: {public}");
    }
    assert!(!public.contains("the cache"), "an internal entry: {public}");
    assert!(!public.contains("grafana"), "a link: {public}");
    assert!(
        value.get("roles").is_none() && value.get("tags").is_none(),
        "{value}"
    );
    // A key entry is for the team's summary timeline; only entries marked public go out.
    assert!(!public.contains("Paged the db team"), "{public}");
    assert!(public.contains("We are on it"), "{public}");
    // Its id and title hold no word of the team's title; it says it is public.
    let id = value["id"].as_str().unwrap();
    assert!(
        id.starts_with("2026-11-22-") && !id.contains("checkout"),
        "{id}"
    );
    assert_eq!(value["title"], "Disruption to checkout-api on 2026-11-22");
    assert_eq!(value["public"], true);
    assert!(!public.contains("Checkout API down"), "{public}");
    let csv = repo.ok(&["export", "--public", "--format", "csv"]);
    assert!(
        !csv.contains("checkout;") && !csv.contains("Carol") && !csv.contains("Checkout API"),
        "{csv}"
    );
    // It is one-way: inc import says so instead of making a record without people.
    repo.write("public.jsonl", &public);
    let other = Repo::new();
    let file = repo.path("public.jsonl");
    let err = other.fails(1, &["import", file.to_str().unwrap(), "--format", "json"]);
    assert!(
        err.contains("public export") && err.contains("one-way"),
        "{err}"
    );
    // So is the CSV: its last column says it is public.
    assert!(csv.lines().next().unwrap().ends_with(",public"), "{csv}");
    repo.write("public.csv", &csv);
    let file = repo.path("public.csv");
    let err = other.fails(1, &["import", file.to_str().unwrap(), "--format", "csv"]);
    assert!(
        err.contains("public export") && err.contains("one-way"),
        "{err}"
    );
    assert_eq!(other.ok(&["list", "--all", "--json"]).trim(), "[]");
}

#[test]
fn csv_export_round_trips_through_csv_import() {
    let a = Repo::new();
    let file = outside(&a, "history.csv", CSV);
    a.ok(&["import", path(&file), "--format", "csv"]);
    let export = a.ok(&["export", "--format", "csv"]);
    assert!(export.starts_with(
        "title,severity,started,detected,acknowledged,mitigated,resolved,tags,services,summary\n"
    ));
    // A cell a spreadsheet would run as a formula is quoted with '.
    assert!(export.contains(",'=cmd|calc\n"), "{export}");
    let b = Repo::new();
    let again = outside(&b, "again.csv", &export);
    b.ok(&["import", path(&again), "--format", "csv"]);
    assert_eq!(b.ok(&["export", "--format", "csv"]), export);
}

#[test]
fn export_filters_and_writes_files_carefully() {
    let repo = Repo::new();
    let file = outside(&repo, "history.csv", CSV);
    repo.ok(&["import", path(&file), "--format", "csv"]);
    let ids = |args: &[&str]| -> Vec<String> {
        repo.ok(args)
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(
        ids(&["export", "--sev", "1"]),
        ["2026-03-04-checkout-api-down"]
    );
    assert_eq!(
        ids(&["export", "--tag", "SEARCH"]),
        ["2026-05-01-search-slow"]
    );
    assert_eq!(
        ids(&["export", "--since", "2026-03-04 12:00"]),
        ["2026-03-04-checkout-api-down-2", "2026-05-01-search-slow"]
    );
    assert_eq!(ids(&["-i", "search", "export"]), ["2026-05-01-search-slow"]);

    let out = repo.root().parent().unwrap().join("out.jsonl");
    assert_eq!(repo.ok(&["export", "-o", path(&out)]), "");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), repo.ok(&["export"]));
    let err = repo.fails(2, &["export", "--sev", "1", "-o", path(&out)]);
    assert!(err.contains("exists: add --force to replace it"), "{err}");
    repo.ok(&["export", "--sev", "1", "-o", path(&out), "--force"]);
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 1);
    let link = repo.root().parent().unwrap().join("link.jsonl");
    std::os::unix::fs::symlink(&out, &link).unwrap();
    let err = repo.fails(2, &["export", "-o", path(&link), "--force"]);
    assert!(err.contains("is a symbolic link"), "{err}");
}

#[test]
fn global_options_take_effect_or_are_refused() {
    let repo = Repo::with_incident();
    let file = outside(&repo, "history.csv", CSV);
    let err = repo.fails(
        2,
        &["-i", "checkout", "import", path(&file), "--format", "csv"],
    );
    assert!(err.contains("-i does nothing for inc import"), "{err}");
    let channel = slack_export(&repo);
    let err = repo.fails(
        2,
        &["import", path(&channel), "--format", "slack", "--by", "zed"],
    );
    assert!(
        err.contains("--by does nothing for inc import --format slack"),
        "{err}"
    );
    let err = repo.fails(2, &["export", "--no-commit"]);
    assert!(err.contains("unexpected argument '--no-commit'"), "{err}");
    let err = repo.fails(2, &["--no-commit", "export"]);
    assert!(
        err.contains("--no-commit does nothing for inc export"),
        "{err}"
    );
    let err = repo.fails(
        2,
        &[
            "import",
            path(&file),
            "--format",
            "csv",
            "--since",
            "1h ago",
        ],
    );
    assert!(err.contains("--since is for --format slack"), "{err}");
    // --by names who imported; --no-commit writes without committing.
    let before = commits(&repo);
    repo.ok(&[
        "import",
        path(&file),
        "--format",
        "csv",
        "--by",
        "Zebulon",
        "--no-commit",
    ]);
    assert_eq!(commits(&repo), before);
    let timeline = repo.read("incidents/2026-05-01-search-slow/timeline.yaml");
    assert!(timeline.contains("by: Zebulon"), "{timeline}");
}

#[test]
fn imports_never_read_through_links() {
    let repo = Repo::with_incident();
    let file = outside(&repo, "history.csv", CSV);
    let link = repo.root().parent().unwrap().join("link.csv");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let before = repo.state();
    let err = repo.fails(2, &["import", path(&link), "--format", "csv"]);
    assert!(
        err.contains("is a symbolic link: inc does not follow links"),
        "{err}"
    );
    let channel = slack_export(&repo);
    std::os::unix::fs::symlink(&file, channel.join("2026-11-23.json")).unwrap();
    let err = repo.fails(2, &["import", path(&channel), "--format", "slack"]);
    assert!(err.contains("2026-11-23.json is a symbolic link"), "{err}");
    assert_eq!(repo.state(), before);
}

#[test]
fn a_minimal_json_incident_takes_entries_afterwards() {
    let repo = Repo::new();
    let file = outside(
        &repo,
        "min.json",
        r#"{"id": "2026-01-02-dns", "title": "DNS flaps", "severity": "sev2", "status": "investigating", "opened": "2026-01-02T03:04:05Z"}"#,
    );
    assert_eq!(
        repo.ok(&["import", path(&file), "--format", "json"]),
        "2026-01-02-dns\n"
    );
    repo.ok(&["-i", "dns", "log", "Flushed the resolver cache"]);
    let show = repo.json(&["show", "2026-01-02-dns", "--json"]);
    assert_eq!(show["severity"], "SEV2");
    assert_eq!(show["timeline"][0]["text"], "Flushed the resolver cache");
    repo.ok(&["check"]);

    // Status and resolved time must agree, as `inc check` requires.
    let file = outside(
        &repo,
        "resolved.json",
        r#"{"id": "2026-01-03-cdn", "title": "CDN", "severity": "SEV3", "status": "resolved", "opened": "2026-01-03T00:00:00Z"}"#,
    );
    let before = repo.state();
    let err = repo.fails(1, &["import", path(&file), "--format", "json"]);
    assert!(
        err.contains("2026-01-03-cdn: the status is resolved but the resolved time is not set"),
        "{err}"
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn services_are_checked_against_the_catalog() {
    let repo = Repo::new();
    repo.write(
        ".inc/catalog.yaml",
        "services:\n- name: checkout-api\n- name: search\n",
    );
    repo.git(&["add", ".inc/catalog.yaml"]);
    repo.git(&["commit", "-qm", "catalog"]);
    let bad = outside(
        &repo,
        "bad.csv",
        "title,severity,services\nA,SEV1,search; chekout-api\n",
    );
    let before = repo.state();
    let err = repo.fails(1, &["import", path(&bad), "--format", "csv"]);
    assert!(
        err.contains(&format!(
            "{}:2:8: unknown service \"chekout-api\" (did you mean checkout-api?)",
            bad.display()
        )),
        "{err}"
    );
    assert_eq!(repo.state(), before);
    // Any case or a unique prefix, as `inc impact --service` takes it, stored as the catalog says.
    let good = outside(
        &repo,
        "good.csv",
        "title,severity,services\nA,SEV1,SEARCH; checkout\n",
    );
    let id = repo.ok(&["import", path(&good), "--format", "csv"]);
    let show = repo.json(&["show", id.trim(), "--json"]);
    assert_eq!(
        show["services"],
        serde_json::json!(["search", "checkout-api"])
    );
}

#[test]
fn a_broken_incident_stops_the_export() {
    let repo = Repo::with_incident();
    repo.ok(&["open", "Search slow", "--sev", "SEV3"]);
    let file = format!("incidents/{CHECKOUT}/incident.yaml");
    let text = repo.read(&file);
    repo.write(&file, &text.replace("severity: SEV2", "severity: [SEV2"));
    let err = repo.fails(1, &["export"]);
    assert!(err.contains(&format!("error: {file}:")), "{err}");
    // Left out with a filter, the rest exports.
    assert_eq!(repo.ok(&["-i", "search", "export"]).lines().count(), 1);
}
