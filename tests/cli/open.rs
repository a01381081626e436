use crate::common::{CHECKOUT, Repo};

#[test]
fn open_writes_the_incident_and_commits_it() {
    let repo = Repo::with_incident();
    let dir = format!("incidents/{CHECKOUT}");
    insta::assert_snapshot!(
        "open_incident_yaml",
        repo.read(&format!("{dir}/incident.yaml"))
    );
    let timeline = repo.read(&format!("{dir}/timeline.yaml"));
    assert!(
        timeline.contains("text: Opened \"Checkout API down\" as SEV2\n"),
        "{timeline}"
    );
    assert_eq!(
        repo.head_files(),
        [
            format!("{dir}/incident.yaml"),
            format!("{dir}/timeline.yaml")
        ]
    );
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: open \"Checkout API down\"")
    );
    assert_eq!(repo.status(), "");
    // It is now current: a second open incident does not make `log` ambiguous.
    repo.ok(&["log", "hello"]);
}

#[test]
fn the_same_title_twice_on_one_day_gets_a_distinct_id() {
    let repo = Repo::new();
    assert_eq!(repo.ok(&["open", "DB slow"]).trim(), "2026-11-22-db-slow");
    assert_eq!(repo.ok(&["open", "DB slow"]).trim(), "2026-11-22-db-slow-2");
    assert_eq!(
        repo.ok(&["open", "db   SLOW!"]).trim(),
        "2026-11-22-db-slow-3"
    );
}

#[test]
fn no_title_can_write_outside_the_incidents_directory() {
    let repo = Repo::new();
    for title in [
        "../../escape",
        "/etc/passwd",
        "..",
        "a/../../b",
        "~/x",
        "\\..\\win",
    ] {
        let id = repo.ok(&["open", title]);
        let id = id.trim();
        assert!(
            id.starts_with("2026-11-22-")
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "{title:?} gave {id:?}"
        );
        assert!(
            repo.path(&format!("incidents/{id}/incident.yaml"))
                .is_file()
        );
    }
    let top: Vec<String> = std::fs::read_dir(repo.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let mut top = top;
    top.sort();
    assert_eq!(
        top,
        [".git", ".gitattributes", ".inc", ".inc.yaml", "incidents"]
    );
}

#[test]
fn the_date_in_the_id_is_the_local_date() {
    let repo = Repo::new();
    // 23:30 UTC on the 22nd is already the 23rd in Tokyo.
    let out = repo
        .cmd()
        .env("INC_NOW", "2026-11-22T23:30:00Z")
        .env("TZ", "Asia/Tokyo")
        .args(["open", "Late night"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "2026-11-23-late-night"
    );
    let yaml = repo.read("incidents/2026-11-23-late-night/incident.yaml");
    assert!(
        yaml.contains("opened: \"2026-11-23T08:30:00+09:00\""),
        "{yaml}"
    );
}
