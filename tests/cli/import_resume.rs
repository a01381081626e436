//! Running an import again, after it was interrupted or had finished: what is there already is
//! skipped and counted, the rest is imported once (issue 25 point 8).

use std::process::Stdio;
use std::time::Duration;

use crate::common::{CHECKOUT, Repo, outside};
use crate::import_export::path;

/// `n` rows, two of them the same (told apart by their order, imported as two incidents).
fn rows(n: usize) -> String {
    let mut csv = String::from("title,severity,started,summary\n");
    for i in 0..n {
        let i = if i == 1 { 0 } else { i };
        csv.push_str(&format!(
            "Outage {i},SEV2,2026-03-04T10:{:02}:00Z,row {i}\n",
            i % 60
        ));
    }
    csv
}

/// The incidents' ids, sorted.
fn ids(repo: &Repo) -> Vec<String> {
    let mut ids: Vec<String> = repo
        .ok(&["export"])
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    ids.sort();
    ids
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_csv_import_run_again_imports_only_the_rest_and_counts() {
    let repo = Repo::new();
    // The first 3 rows, as an interrupted import leaves them (each incident is its own commit).
    let part = outside(&repo, "part.csv", &rows(3));
    repo.ok(&["import", path(&part), "--format", "csv"]);
    let all = outside(&repo, "all.csv", &rows(5));
    let dry = repo.ok(&["import", path(&all), "--format", "csv", "--dry-run"]);
    assert_eq!(
        dry.lines()
            .filter(|l| l.starts_with("already here "))
            .count(),
        3,
        "{dry}"
    );
    assert_eq!(
        dry.lines()
            .filter(|l| l.starts_with("would create "))
            .count(),
        2,
        "{dry}"
    );
    let out = repo.run(&["import", path(&all), "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2026-03-04-outage-3\n2026-03-04-outage-4\n"
    );
    assert_eq!(
        stderr(&out),
        format!(
            "note: 3 incidents of {} already here from an earlier import, skipped; 2 imported\n",
            all.display()
        )
    );
    // The two rows that are the same are two incidents, each once.
    assert_eq!(
        ids(&repo),
        [
            "2026-03-04-outage-0",
            "2026-03-04-outage-0-2",
            "2026-03-04-outage-2",
            "2026-03-04-outage-3",
            "2026-03-04-outage-4"
        ]
    );
    // Once more: nothing to do, nothing written.
    let state = repo.state();
    let out = repo.run(&["import", path(&all), "--format", "csv"]);
    assert!(out.status.success() && out.stdout.is_empty());
    assert!(stderr(&out).contains("5 incidents of"), "{}", stderr(&out));
    assert_eq!(repo.state(), state);
    repo.ok(&["check"]);
}

#[test]
fn a_json_import_run_again_imports_only_the_rest() {
    let a = Repo::new();
    let csv = outside(&a, "rows.csv", &rows(5));
    a.ok(&["import", path(&csv), "--format", "csv"]);
    let export = a.ok(&["export"]);
    let b = Repo::new();
    let first: String = export.lines().take(2).map(|l| format!("{l}\n")).collect();
    b.ok(&[
        "import",
        path(&outside(&b, "two.jsonl", &first)),
        "--format",
        "json",
    ]);
    b.ok(&[
        "-i",
        "2026-03-04-outage-0-2",
        "log",
        "logged after the import",
    ]);
    let all = outside(&b, "all.jsonl", &export);
    let out = b.run(&["import", path(&all), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
    assert!(
        stderr(&out).starts_with("note: 2 incidents of ")
            && stderr(&out).ends_with("skipped; 3 imported\n"),
        "{}",
        stderr(&out)
    );
    assert_eq!(ids(&b), ids(&a));

    // An incident of that id that is another one refuses the import as a whole.
    let c = Repo::with_incident();
    let other = Repo::new();
    other.ok(&[
        "open",
        "Checkout API down",
        "--sev",
        "SEV2",
        "--started",
        "14:02",
    ]);
    other.ok(&["log", "a first entry the other one never had"]);
    let line = other.ok(&["export"]);
    let file = outside(&c, "other.jsonl", &format!("{}{line}", first));
    let state = c.state();
    let err = c.fails(2, &["import", path(&file), "--format", "json"]);
    assert!(
        err.contains(&format!(
            "{CHECKOUT} ({} line 3) already exists here and is another incident",
            file.display()
        )),
        "{err}"
    );
    assert_eq!(c.state(), state);
}

/// Starts `inc import FILE`, kills it with SIGKILL after `after`, and waits for it.
fn killed_import(repo: &Repo, file: &std::path::Path, format: &str, after: Duration) {
    let mut child = repo
        .std_cmd()
        .args(["import", path(file), "--format", format])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let _ = child.kill();
    let _ = child.wait();
}

/// Kills an import of `file` until one dies having created some incidents, then runs it again:
/// every row once, and the note counts what the killed one left.
fn killed_then_again(format: &str, file_text: &str, rows: usize) {
    let mut after = Duration::from_millis(150);
    for _ in 0..12 {
        let repo = Repo::new();
        let file = outside(&repo, "history", file_text);
        killed_import(&repo, &file, format, after);
        let left = std::fs::read_dir(repo.path("incidents"))
            .map(|d| {
                d.filter(|e| {
                    !e.as_ref()
                        .unwrap()
                        .file_name()
                        .to_string_lossy()
                        .starts_with('.')
                })
                .count()
            })
            .unwrap_or(0);
        if left == 0 {
            after *= 2;
            continue;
        }
        let out = repo.run(&["import", path(&file), "--format", format]);
        assert!(out.status.success(), "{}", stderr(&out));
        let err = stderr(&out);
        let imported = String::from_utf8_lossy(&out.stdout).lines().count();
        assert_eq!(imported + left, rows, "{err}");
        assert!(
            err.contains(&format!(
                "{left} incident{} of {} already here from an earlier import, skipped; {imported} imported\n",
                if left == 1 { "" } else { "s" },
                file.display()
            )),
            "{err}"
        );
        let ids = ids(&repo);
        assert_eq!(ids.len(), rows, "{ids:?}");
        // Everything committed; a half-made directory the kill left (`.inc-new-…`) is swept
        // once it is stale, as after any interrupted command.
        let status = repo.status();
        assert!(
            status
                .lines()
                .all(|l| l.starts_with("?? incidents/.inc-new-")),
            "{status}"
        );
        return;
    }
    panic!("no kill landed after an incident was created");
}

#[test]
fn a_killed_csv_import_run_again_creates_each_row_once() {
    killed_then_again("csv", &rows(40), 40);
}

#[test]
fn a_killed_json_import_run_again_creates_each_incident_once() {
    let a = Repo::new();
    a.ok(&[
        "import",
        path(&outside(&a, "rows.csv", &rows(40))),
        "--format",
        "csv",
    ]);
    killed_then_again("json", &a.ok(&["export"]), 40);
}
