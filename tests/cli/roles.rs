use crate::common::{CHECKOUT, Repo};

fn roles_file(repo: &Repo) -> String {
    repo.read(&format!("incidents/{CHECKOUT}/roles.yaml"))
}

#[test]
fn open_with_lead_records_the_first_incident_lead() {
    let repo = Repo::with_lead();
    assert_eq!(
        roles_file(&repo),
        format!(
            "# yaml-language-server: $schema=../../.inc/schemas/roles.schema.json\n# Roles: who held which role when. inc appends events; readers replay them in time order.\n- id: {}\n  at: \"2026-11-22T14:40:00+00:00\"\n  by: alice\n  action: assign\n  role: incident-lead\n  person: alice\n",
            roles_file(&repo)
                .split("- id: ")
                .nth(1)
                .unwrap()
                .lines()
                .next()
                .unwrap()
        )
    );
    assert!(
        repo.head_files()
            .contains(&format!("incidents/{CHECKOUT}/roles.yaml"))
    );
    let shown = repo.json(&["show", "--json"]);
    assert_eq!(
        shown["roles"]["incident-lead"],
        serde_json::json!(["alice"])
    );
}

#[test]
fn a_handover_releases_the_previous_holder_and_is_logged() {
    let repo = Repo::with_lead();
    let before = roles_file(&repo);
    repo.ok_at("15:10", &["role", "incident-lead", "bob"]);
    let after = roles_file(&repo);
    assert!(after.starts_with(&before), "roles.yaml was rewritten");
    assert_eq!(
        repo.head_files(),
        [
            format!("incidents/{CHECKOUT}/roles.yaml"),
            format!("incidents/{CHECKOUT}/timeline.yaml")
        ]
    );
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: role incident-lead bob")
    );
    assert!(
        repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"))
            .contains("  kind: role\n  text: bob is incident-lead, taking over from alice\n")
    );
    let roles = repo.json(&["roles", "--json"]);
    assert_eq!(
        roles["holders"]["incident-lead"],
        serde_json::json!(["bob"])
    );
    assert_eq!(roles["history"][0]["person"], "alice");
    assert_eq!(roles["history"][0]["until"], "2026-11-22T15:10:00+00:00");
    assert_eq!(roles["history"][0]["held"], 30 * 60);
}

#[test]
fn add_and_remove_keep_several_holders() {
    let repo = Repo::with_lead();
    repo.ok(&["role", "comms-lead", "carol"]);
    repo.ok(&["role", "comms-lead", "dave", "--add"]);
    let roles = repo.json(&["roles", "--json"]);
    assert_eq!(
        roles["holders"]["comms-lead"],
        serde_json::json!(["carol", "dave"])
    );
    repo.ok(&["role", "comms-lead", "carol", "--remove"]);
    let roles = repo.json(&["roles", "--json"]);
    assert_eq!(roles["holders"]["comms-lead"], serde_json::json!(["dave"]));
    assert_eq!(roles["holders"]["tester"], serde_json::json!([]));
    // Adding someone who already holds it changes nothing.
    let before = repo.state();
    let out = repo.ok(&["role", "comms-lead", "dave", "--add"]);
    assert_eq!(out, format!("{CHECKOUT}: dave is already comms-lead\n"));
    assert_eq!(repo.state(), before);
}

#[test]
fn role_mistakes_are_refused_and_write_nothing() {
    let repo = Repo::with_lead();
    let before = repo.state();
    let err = repo.fails(2, &["role", "incident-laed", "bob"]);
    assert_eq!(
        err,
        "error: unknown role \"incident-laed\" (did you mean incident-lead?): use one of incident-lead, technical-lead, technical-assist, scribe, comms-lead, tester\n"
    );
    let err = repo.fails(2, &["role", "scribe", "bob", "--remove"]);
    assert_eq!(
        err,
        "error: bob is not scribe (held by nobody): nothing to release\n"
    );
    let err = repo.fails(2, &["role", "scribe", "bob", "--add", "--remove"]);
    assert!(err.contains("cannot be used with"), "{err}");
    assert_eq!(repo.state(), before);
}

#[test]
fn roles_shows_holders_and_how_long_each_held_each_role() {
    let repo = Repo::with_lead();
    repo.ok_at("14:45", &["role", "scribe", "carol"]);
    repo.ok_at("14:50", &["role", "technical-lead", "bob"]);
    repo.ok_at("15:20", &["role", "incident-lead", "erin"]);
    repo.ok_at("15:25", &["role", "scribe", "frank", "--at", "15:22"]);
    insta::assert_snapshot!("roles_text", repo.ok_at("16:00", &["roles"]));
}

#[test]
fn a_backdated_handover_counts_from_when_it_happened() {
    let repo = Repo::with_lead();
    repo.ok_at("15:30", &["role", "incident-lead", "bob", "--at", "15:00"]);
    let roles = repo.json(&["roles", "--json"]);
    assert_eq!(roles["history"][0]["held"], 20 * 60);
    assert!(roles_file(&repo).contains("  recorded: \"2026-11-22T15:30:00+00:00\"\n"));
}
