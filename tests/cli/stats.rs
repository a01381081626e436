//! `inc stats` against values computed by hand.

use crate::common::Repo;

/// Five incidents with known durations (minutes after 10:00 on their day):
///
/// | incident | sev  | tags     | source   | started | detected | mitigated | resolved |
/// |----------|------|----------|----------|---------|----------|-----------|----------|
/// | a (Oct)  | SEV1 | db       | alert    | 0       | 5        | 20        | 60       |
/// | b (Oct)  | SEV1 | db, api  | customer | 0       | 15       | —         | 90       |
/// | c (Nov)  | SEV2 | api      | alert    | 0       | 2        | 10        | 30       |
/// | d (Nov)  | SEV2 | —        | —        | —       | 0        | —         | 40       |
/// | e (Nov)  | SEV1 | —        | alert    | 0       | 30       | —         | — (open) |
fn history() -> Repo {
    let repo = Repo::new();
    let day = |d: &str, hm: &str| format!("2026-{d}T{hm}:00Z");
    let open = |d: &str, title: &str, extra: &[&str]| {
        let mut args = vec!["open", title, "--started", "10:00"];
        args.extend_from_slice(extra);
        repo.ok_at(&day(d, "10:30"), &args);
    };
    open(
        "10-05",
        "a",
        &[
            "--sev",
            "SEV1",
            "--tag",
            "db",
            "--source",
            "alert",
            "--detected",
            "10:05",
        ],
    );
    repo.ok_at(
        &day("10-05", "12:00"),
        &["mark", "mitigated", "--at", "10:20"],
    );
    repo.ok_at(&day("10-05", "12:00"), &["resolve", "--at", "11:00"]);
    open(
        "10-20",
        "b",
        &[
            "--sev",
            "SEV1",
            "--tag",
            "db,api",
            "--source",
            "customer",
            "--detected",
            "10:15",
        ],
    );
    repo.ok_at(&day("10-20", "11:30"), &["resolve"]);
    open(
        "11-02",
        "c",
        &[
            "--sev",
            "SEV2",
            "--tag",
            "api",
            "--source",
            "alert",
            "--detected",
            "10:02",
        ],
    );
    repo.ok_at(
        &day("11-02", "12:00"),
        &["mark", "mitigated", "--at", "10:10"],
    );
    repo.ok_at(&day("11-02", "12:00"), &["resolve", "--at", "10:30"]);
    repo.ok_at(&day("11-03", "10:00"), &["open", "d", "--sev", "SEV2"]);
    repo.ok_at(&day("11-03", "10:40"), &["resolve"]);
    open(
        "11-04",
        "e",
        &["--sev", "SEV1", "--source", "alert", "--detected", "10:30"],
    );
    repo
}

fn stats(repo: &Repo, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["stats", "--json"];
    all.extend_from_slice(args);
    repo.json(&all)
}

fn group<'a>(groups: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == name)
        .unwrap()
}

#[test]
fn all_incidents_by_hand() {
    let repo = history();
    let groups = stats(&repo, &[]);
    let all = group(&groups, "all");
    assert_eq!(all["count"], 5);
    // Time to detect: a 5, b 15, c 2, e 30 (d has no start) → mean 13, median 10, p90 30.
    assert_eq!(
        all["time_to_detect"],
        serde_json::json!({"n": 4, "left_out": 1, "mean": 780, "median": 600, "p90": 1800})
    );
    // Time to mitigate: a 20, c 10 → mean 15, median 15, p90 20.
    assert_eq!(
        all["time_to_mitigate"],
        serde_json::json!({"n": 2, "left_out": 3, "mean": 900, "median": 900, "p90": 1200})
    );
    // Time to resolve: a 60, b 90, c 30 → mean 60, median 60, p90 90.
    assert_eq!(
        all["time_to_resolve"],
        serde_json::json!({"n": 3, "left_out": 2, "mean": 3600, "median": 3600, "p90": 5400})
    );
    // Detected to resolved: a 55, b 75, c 28, d 40 → mean 49.5, median 47.5, p90 75.
    assert_eq!(
        all["detected_to_resolved"],
        serde_json::json!({"n": 4, "left_out": 1, "mean": 2970, "median": 2850, "p90": 4500})
    );
}

#[test]
fn grouped_by_severity_tag_month_and_source() {
    let repo = history();
    let by_sev = stats(&repo, &["--by", "severity"]);
    let names: Vec<&str> = by_sev
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["SEV1", "SEV2"]);
    assert_eq!(group(&by_sev, "SEV1")["count"], 3);
    assert_eq!(group(&by_sev, "SEV1")["time_to_detect"]["median"], 900); // 5, 15, 30
    assert_eq!(group(&by_sev, "SEV2")["time_to_resolve"]["mean"], 1800); // c only

    let by_tag = stats(&repo, &["--by", "tag"]);
    let names: Vec<&str> = by_tag
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["api", "db", "(no tag)"]);
    assert_eq!(group(&by_tag, "db")["count"], 2);
    assert_eq!(group(&by_tag, "api")["time_to_resolve"]["mean"], 3600); // b 90, c 30

    let by_month = stats(&repo, &["--by", "month"]);
    assert_eq!(group(&by_month, "2026-10")["count"], 2);
    assert_eq!(group(&by_month, "2026-11")["count"], 3);

    let by_source = stats(&repo, &["--by", "source"]);
    let names: Vec<&str> = by_source
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alert", "customer", "(unknown)"]);
    assert_eq!(group(&by_source, "alert")["count"], 3);
}

#[test]
fn since_and_until_select_by_when_the_incident_began() {
    let repo = history();
    let groups = stats(&repo, &["--since", "2026-11-01", "--until", "2026-11-04"]);
    assert_eq!(group(&groups, "all")["count"], 2); // c and d
    let none = repo.ok(&["stats", "--since", "2026-11-10"]);
    assert_eq!(none, "No incidents in that range.\n");
}

#[test]
fn table_and_csv_for_people_and_spreadsheets() {
    let repo = history();
    insta::assert_snapshot!("stats_table", repo.ok(&["stats", "--by", "severity"]));
    insta::assert_snapshot!(
        "stats_csv",
        repo.ok(&["stats", "--by", "tag", "--format", "csv"])
    );
}

#[test]
fn stats_reads_only_incident_files() {
    let repo = history();
    // Broken logs elsewhere in the incidents do not matter to stats.
    for id in ["2026-10-05-a", "2026-11-02-c"] {
        repo.write(
            &format!("incidents/{id}/timeline.yaml"),
            "this: [is not a timeline\n",
        );
        repo.write(&format!("incidents/{id}/roles.yaml"), "<<<<<<< HEAD\n");
    }
    assert_eq!(group(&stats(&repo, &[]), "all")["count"], 5);
}

#[test]
fn until_may_be_in_the_future() {
    let repo = history();
    let groups = stats(&repo, &["--until", "2027-01-01"]);
    assert_eq!(group(&groups, "all")["count"], 5);
}
