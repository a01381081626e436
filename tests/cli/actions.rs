//! `inc actions`: follow-ups across incidents (issue 13): list with filters and formats, ids,
//! done / reopen by command, done by `Fixes-Action:` trailers, overdue in check and stats.

use crate::common::{CHECKOUT, Repo};

const SEARCH: &str = "2026-11-25-search-is-slow";

fn pm_path(id: &str) -> String {
    format!("incidents/{id}/postmortem.md")
}

fn postmortem(id: &str, items: &str) -> String {
    format!(
        "---\nstatus: draft\nincident: {id}\nauthors: [alice]\n---\n# Post-mortem\n\n## Improvements\n\n{items}\n## Lessons\n\nSome.\n"
    )
}

/// Two incidents with post-mortems: checkout (resolved on 11-22, two open items, one of them
/// overdue on 11-22, one done) and search (opened 11-25, one open item with an id).
fn two_incidents() -> Repo {
    let repo = Repo::with_incident();
    repo.ok(&["resolve", "--at", "14:38"]);
    repo.ok_at(
        "2026-11-25T09:00:00Z",
        &["open", "Search is slow", "--sev", "SEV3"],
    );
    repo.write(
        &pm_path(CHECKOUT),
        &postmortem(
            CHECKOUT,
            "- [ ] Load-test the pool (owner: carol, due: 2026-11-20, type: prevent)\n- [ ] Page on exhaustion (owner: bob, due: 2026-12-20, type: mitigate, ref: OPS-1)\n- [x] Write the runbook (owner: carol, type: process)\n",
        ),
    );
    repo.write(
        &pm_path(SEARCH),
        &postmortem(
            SEARCH,
            "- [ ] Add a search index alert (owner: Carol, due: 2026-12-01, type: mitigate, id: s3arc)\n",
        ),
    );
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "post-mortems by hand"]);
    repo
}

fn ids_of(repo: &Repo, args: &[&str]) -> Vec<String> {
    let mut all = vec!["actions", "--json"];
    all.extend_from_slice(args);
    repo.json(&all)
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{}#{}",
                a["incident"].as_str().unwrap(),
                a["id"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn list_table_json_and_csv_are_golden_and_read_only() {
    let repo = two_incidents();
    let before = repo.state();
    insta::assert_snapshot!("actions_table", repo.ok(&["actions"]));
    insta::assert_snapshot!("actions_table_all", repo.ok(&["actions", "list", "--all"]));
    insta::assert_snapshot!("actions_json", repo.ok(&["actions", "--all", "--json"]));
    insta::assert_snapshot!(
        "actions_csv",
        repo.ok(&["actions", "--all", "--format", "csv"])
    );
    // Listing never writes ids (nor anything else).
    assert_eq!(repo.state(), before);
    assert!(!repo.read(&pm_path(CHECKOUT)).contains("id:"));
}

#[test]
fn filters_select_by_owner_type_overdue_incident_and_start() {
    let repo = two_incidents();
    let json = repo.json(&["actions", "--json"]);
    // Newest incident first, open ones only.
    assert_eq!(json[0]["incident"], SEARCH);
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert_eq!(json[1]["overdue"], true);
    assert_eq!(json[1]["status"], "open");
    assert_eq!(json[1]["line"], 10);
    assert_eq!(json[1]["file"], pm_path(CHECKOUT));
    assert_eq!(json[0]["provisional"], false);
    assert_eq!(json[1]["provisional"], true);
    let count = |args: &[&str]| ids_of(&repo, args).len();
    assert_eq!(count(&["--owner", "carol"]), 2); // case-insensitive: Carol too
    assert_eq!(count(&["--owner", "carol", "--all"]), 3);
    assert_eq!(count(&["--type", "mitigate"]), 2);
    assert_eq!(count(&["--overdue"]), 1);
    assert_eq!(count(&["-i", "search"]), 1);
    assert_eq!(count(&["--incident", "checkout"]), 2);
    assert_eq!(count(&["--since", "2026-11-24"]), 1);
    assert_eq!(count(&["--until", "2026-11-24"]), 2);
    // A week later the search item is overdue too.
    let later = repo
        .cmd()
        .env("INC_NOW", "2026-12-08T10:00:00Z")
        .args(["actions", "--overdue", "--json"])
        .output()
        .unwrap();
    let later: serde_json::Value = serde_json::from_slice(&later.stdout).unwrap();
    assert_eq!(later.as_array().unwrap().len(), 2);
}

#[test]
fn overdue_is_red_on_a_terminal_colour() {
    let repo = two_incidents();
    let out = repo
        .cmd()
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .args(["actions"])
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.contains("\u{1b}[38;5;9m") || out.contains("\u{1b}[31m"),
        "{out:?}"
    );
    assert!(!repo.ok(&["actions"]).contains('\u{1b}'));
}

#[test]
fn done_by_command_then_reopen_records_who_and_when_and_commits() {
    let repo = two_incidents();
    let ids = ids_of(&repo, &["-i", "checkout"]);
    let first = ids[0].split_once('#').unwrap().1.to_string();
    // The id `inc actions` printed (provisional) works, bare.
    let out = repo.ok(&["actions", "done", &first, "--ref", "PR-9", "--by", "dave"]);
    assert_eq!(out, format!("{CHECKOUT}#{first}: done\n"));
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: action {first} done")
    );
    assert_eq!(repo.head_files(), [pm_path(CHECKOUT)]);
    let text = repo.read(&pm_path(CHECKOUT));
    assert!(text.contains(&format!(
        "- [x] Load-test the pool (owner: carol, due: 2026-11-20, type: prevent, id: {first}, done: 2026-11-22, by: dave, ref: PR-9)\n"
    )), "{text}");
    // Writing the file gave every item its id: the same ones that were printed.
    assert_eq!(ids_of(&repo, &["-i", "checkout", "--all"]).len(), 3);
    for id in &ids {
        let bare = id.split_once('#').unwrap().1;
        assert!(text.contains(&format!("id: {bare}")), "{text}");
    }
    assert!(repo.json(&["actions", "--json", "-i", "checkout"])[0]["provisional"] == false);
    // The overdue warning is gone; done is done.
    assert!(!repo.ok(&["check"]).contains("improvement-overdue"));
    assert_eq!(
        repo.ok(&["actions", "done", &ids[0]]),
        format!("{}: already done\n", ids[0])
    );
    // Reopen: INCIDENT#ID with the -i matching and any case.
    let query = format!("checkout#{}", first.to_uppercase());
    assert_eq!(
        repo.ok(&["actions", "reopen", &query]),
        format!("{CHECKOUT}#{first}: reopened\n")
    );
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: action {first} reopened")
    );
    assert!(repo.read(&pm_path(CHECKOUT)).contains(&format!(
        "- [ ] Load-test the pool (owner: carol, due: 2026-11-20, type: prevent, id: {first}, ref: PR-9)\n"
    )));
}

#[test]
fn done_changes_only_the_one_line_and_keeps_crlf() {
    let repo = two_incidents();
    let items = "- [ ] First (owner: a, id: aaaa2)\r\n- [ ] Second  (owner: b,id: bbbb3)\r\n- [ ] Third (owner: c, id: cccc4)\r\n";
    let text = postmortem(CHECKOUT, items)
        .replace('\n', "\r\n")
        .replace("\r\r\n", "\r\n");
    repo.write(&pm_path(CHECKOUT), &text);
    repo.git(&["commit", "-qam", "crlf"]);
    repo.ok(&["actions", "done", "bbbb3"]);
    let after = repo.read(&pm_path(CHECKOUT));
    let old: Vec<&str> = text.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    assert_eq!(old.len(), new.len());
    let changed: Vec<usize> = (0..old.len()).filter(|&i| old[i] != new[i]).collect();
    assert_eq!(changed.len(), 1, "{after}");
    assert_eq!(
        new[changed[0]],
        "- [x] Second (owner: b, id: bbbb3, done: 2026-11-22, by: alice)\r\n"
    );
}

#[test]
fn a_commit_trailer_in_another_repository_marks_it_done_once() {
    let repo = two_incidents();
    let code = Repo::empty();
    code.git(&["init", "-q"]);
    code.git(&["commit", "-q", "--allow-empty", "-m", "Start"]);
    code.git(&[
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "Alert on the search index\n\nIt pages now.\n\nFixes-Action: search#s3arc\nSigned-off-by: Test Author <author@example.com>",
    ]);
    code.git(&[
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "Not a trailer: Fixes-Action: checkout#nope in the middle\n\nbody",
    ]);
    let hash = code.git(&["rev-parse", "HEAD~1"]).trim()[..12].to_string();
    let path = code.root().to_str().unwrap().to_string();
    let out = repo.ok(&["actions", "scan", "--repo", &path]);
    assert_eq!(out, format!("{SEARCH}#s3arc: done by commit {hash}\n"));
    assert_eq!(
        repo.head_message(),
        format!("{SEARCH}: actions done by commits (Fixes-Action)")
    );
    assert!(repo.read(&pm_path(SEARCH)).contains(&format!(
        "- [x] Add a search index alert (owner: Carol, due: 2026-12-01, type: mitigate, id: s3arc, done: 2026-11-22, by: Test Author, commit: {hash})\n"
    )));
    // Idempotent: a second scan changes nothing.
    let before = repo.state();
    assert_eq!(
        repo.ok(&["actions", "scan", "--repo", &path]),
        "Nothing to do: no open Improvement is named by a Fixes-Action trailer.\n"
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn a_scan_keeps_the_tracker_ref_and_adds_the_commit_beside_it() {
    let repo = two_incidents();
    // One item known to a tracker, and one ticked by a scan before `commit:` existed (its hash in
    // `ref:`): that older line still reads as it did.
    repo.write(
        &pm_path(SEARCH),
        &postmortem(
            SEARCH,
            "- [ ] Add a search index alert (owner: Carol, type: mitigate, ref: INFRA-101, id: s3arc)\n- [x] Old scan (owner: bob, ref: 0123456789ab, id: old22, done: 2026-11-20, by: Bob)\n",
        ),
    );
    repo.git(&["commit", "-qam", "tracker ref"]);
    repo.git(&[
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "Alert on the index\n\nFixes-Action: search#s3arc",
    ]);
    let hash = repo.git(&["rev-parse", "HEAD"]).trim()[..12].to_string();
    assert_eq!(
        repo.ok(&["actions", "scan"]),
        format!("{SEARCH}#s3arc: done by commit {hash}\n")
    );
    let text = repo.read(&pm_path(SEARCH));
    assert!(
        text.contains(&format!(
            "- [x] Add a search index alert (owner: Carol, type: mitigate, ref: INFRA-101, id: s3arc, done: 2026-11-22, by: Test Author, commit: {hash})\n"
        )),
        "{text}"
    );
    let json = repo.json(&["actions", "--all", "--json", "-i", "search"]);
    assert_eq!(json[0]["ref"], "INFRA-101");
    assert_eq!(json[0]["commit"], hash.as_str());
    assert_eq!(json[1]["ref"], "0123456789ab");
    assert_eq!(json[1]["commit"], serde_json::Value::Null);
    // `commit` is an attribute inc knows; the table and the report show both.
    assert!(!repo.ok(&["check"]).contains("unknown attribute"));
    let table = repo.ok(&["actions", "--all", "-i", "search"]);
    assert!(table.contains(&format!("INFRA-101, {hash}")), "{table}");
    let report = repo.ok(&["report", "-i", "search"]);
    assert!(
        report.contains(&format!("| mitigate | INFRA-101, {hash} | s3arc |")),
        "{report}"
    );
    // Reopening forgets the commit (it did not close the action after all), not the ticket.
    repo.ok(&["actions", "reopen", "search#s3arc"]);
    assert!(repo.read(&pm_path(SEARCH)).contains(
        "- [ ] Add a search index alert (owner: Carol, type: mitigate, ref: INFRA-101, id: s3arc)\n"
    ));
}

#[test]
fn a_trailer_in_this_repository_counts_and_an_unknown_one_warns() {
    let repo = two_incidents();
    repo.git(&[
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "Fix\n\nFixes-Action: search#s3arc\nFixes-Action: checkout#zzzzz",
    ]);
    let out = repo.run(&["actions", "scan"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Fixes-Action: checkout#zzzzz, skipped: no action has id \"zzzzz\""),
        "{stderr}"
    );
    assert!(
        repo.read(&pm_path(SEARCH))
            .contains("- [x] Add a search index alert")
    );
}

#[test]
fn bad_input_writes_nothing() {
    let repo = two_incidents();
    // Two items with one id in two incidents.
    let text = repo
        .read(&pm_path(CHECKOUT))
        .replace("type: process)", "type: process, id: s3arc)");
    repo.write(&pm_path(CHECKOUT), &text);
    repo.git(&["commit", "-qam", "same id"]);
    let before = repo.state();
    let err = repo.fails(2, &["actions", "done", "zzzzz"]);
    assert_eq!(
        err,
        "error: no action has id \"zzzzz\": `inc actions --all` lists every id\n"
    );
    let err = repo.fails(2, &["actions", "done", "s3arc"]);
    assert_eq!(
        err,
        format!(
            "error: \"s3arc\" is the id of 2 actions: {SEARCH}#s3arc, {CHECKOUT}#s3arc; give INCIDENT#ID\n"
        )
    );
    let err = repo.fails(2, &["actions", "done", "search#zzzzz"]);
    assert!(err.contains(&format!("in {SEARCH}")), "{err}");
    let err = repo.fails(2, &["actions", "done", "search#s3arc", "--ref", "a, b"]);
    assert!(err.contains("without commas"), "{err}");
    assert_eq!(repo.state(), before);
    // INCIDENT#ID is not ambiguous.
    repo.ok(&["actions", "done", "search#s3arc"]);

    // A post-mortem that does not parse: one line naming the file, nothing written.
    repo.write(
        &pm_path(SEARCH),
        "# no front matter\n- [ ] x (owner: a, id: bbbb2)\n",
    );
    repo.git(&["commit", "-qam", "broken"]);
    let before = repo.state();
    let err = repo.fails(1, &["actions", "reopen", "bbbb2"]);
    assert!(
        err.starts_with("error: cannot look for action \"bbbb2\"")
            && err.contains(&pm_path(SEARCH)),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(repo.state(), before);
    // Listing goes on without it, with a warning.
    let out = repo.run(&["actions"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: skipped a post-mortem"));
}

#[test]
fn check_warns_overdue_and_duplicate_ids_and_accepts_the_attributes() {
    let repo = two_incidents();
    let text = repo
        .read(&pm_path(CHECKOUT))
        .replace(
            "type: process)",
            "type: process, id: dupe2, done: 2026-11-21, by: bob)",
        )
        .replace("ref: OPS-1)", "ref: OPS-1, id: dupe2)");
    repo.write(&pm_path(CHECKOUT), &text);
    let out = repo.ok(&["check", "-i", "checkout"]);
    assert!(out.contains("10:1    warning  improvement \"Load-test the pool\" was due 2026-11-20 and is still open"), "{out}");
    assert!(out.contains("[improvement-overdue]"));
    assert!(
        out.contains("12:1    warning  another improvement above has id \"dupe2\""),
        "{out}"
    );
    assert!(!out.contains("improvement-attribute"), "{out}");
    // INC_NOW decides what is overdue.
    let early = repo
        .cmd()
        .env("INC_NOW", "2026-11-19T10:00:00Z")
        .args(["check", "-i", "checkout"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&early.stdout).contains("improvement-overdue"));
}

#[test]
fn stats_count_followups_per_group() {
    let repo = two_incidents();
    repo.ok(&["actions", "done", "search#s3arc"]);
    let later = |args: &[&str]| {
        let out = repo
            .cmd()
            .env("INC_NOW", "2026-11-30T10:00:00Z")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&later(&["stats", "--json"])).unwrap();
    assert_eq!(
        json[0]["improvements"],
        serde_json::json!({"total": 4, "done": 2, "open": 2, "overdue": 1, "median_days_to_done": null})
    );
    // Done on 11-29, after a resolution on 11-22: 7 days.
    let id = ids_of(&repo, &["-i", "checkout"])[1].clone();
    let out = repo
        .cmd()
        .env("INC_NOW", "2026-11-29T10:00:00Z")
        .args(["actions", "done", &id])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value =
        serde_json::from_str(&later(&["stats", "--json", "--by", "severity"])).unwrap();
    let sev2 = json
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "SEV2")
        .unwrap();
    assert_eq!(
        sev2["improvements"],
        serde_json::json!({"total": 3, "done": 2, "open": 1, "overdue": 1, "median_days_to_done": 7})
    );
    let table = later(&["stats"]);
    assert!(
        table.contains("GROUP  IMPROVEMENTS  DONE  OPEN  OVERDUE  MEDIAN DAYS TO DONE"),
        "{table}"
    );
}

#[test]
fn the_report_shows_status_ref_and_id_and_refresh_leaves_items_alone() {
    let repo = two_incidents();
    repo.ok(&["postmortem", "--force", "-i", "checkout"]);
    let text = repo.read(&pm_path(CHECKOUT)).replace(
        "due and ref are optional. -->\n",
        "due and ref are optional. -->\n\n- [ ] One (owner: a)\n- [ ] Two (owner: b, id: tw2)\n",
    );
    repo.write(&pm_path(CHECKOUT), &text);
    // --refresh rewrites only what inc generated: hand-written items keep their bytes.
    repo.ok(&["postmortem", "--refresh", "-i", "checkout"]);
    assert!(
        repo.read(&pm_path(CHECKOUT))
            .contains("- [ ] One (owner: a)\n")
    );
    repo.ok(&["actions", "done", "search#s3arc", "--ref", "OPS-7"]);
    let report = repo.ok(&["report", "-i", "search"]);
    assert!(
        report.contains(
            "| done 2026-11-22 | Add a search index alert | Carol | 2026-12-01 | mitigate | OPS-7 | s3arc |"
        ),
        "{report}"
    );
    // The public report names no one and shows no ids.
    let public = repo.ok(&["report", "-i", "search", "--template", "external"]);
    assert!(
        !public.contains("s3arc") && !public.contains("alice"),
        "{public}"
    );
}

#[test]
fn a_url_ref_and_no_commit_work() {
    let repo = two_incidents();
    let head = repo.head();
    let url = "https://github.com/acme/shop/pull/812";
    repo.ok(&["actions", "done", "s3arc", "--ref", url, "--no-commit"]);
    assert_eq!(repo.head(), head);
    assert_eq!(
        repo.json(&["actions", "--all", "--json", "-i", "search"])[0]["ref"],
        url
    );
    // Listing commits nothing: clap refuses the option, or inc when it comes before the name.
    let err = repo.fails(2, &["actions", "--no-commit"]);
    assert!(err.contains("unexpected argument '--no-commit'"), "{err}");
    let err = repo.fails(2, &["--no-commit", "actions"]);
    assert!(
        err.contains("--no-commit does nothing for inc actions"),
        "{err}"
    );
}
