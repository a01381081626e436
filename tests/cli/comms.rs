use crate::common::{CHECKOUT, Repo};

/// A SEV2 (default cadence 30m–60m) opened at 14:40.
fn opened(sev: &str) -> Repo {
    let repo = Repo::new();
    // ok_at: a SEV1 notes the break-glass runbook it attaches on stderr.
    repo.ok_at(
        crate::common::NOW,
        &[
            "open",
            "Checkout API down",
            "--sev",
            sev,
            "--detected",
            "14:35",
            "--lead",
            "alice",
        ],
    );
    repo
}

fn due(repo: &Repo, now: &str, audience: &str) -> serde_json::Value {
    let shown: serde_json::Value =
        serde_json::from_str(&repo.ok_at(now, &["show", "--json"])).unwrap();
    shown["comms_due"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["audience"] == audience)
        .cloned()
        .unwrap_or(serde_json::Value::Null)
}

#[test]
fn comms_records_what_was_said_to_whom_where_and_by_whom() {
    let repo = opened("SEV2");
    let out = repo.ok_at(
        "14:50",
        &[
            "comms",
            "--to",
            "Customers",
            "--channel",
            "status-page",
            "--by",
            "carol",
            "We are investigating checkout errors.",
        ],
    );
    assert_eq!(
        out,
        format!("{CHECKOUT}: update to customers recorded; the next is due by 15:50\n")
    );
    let file = repo.read(&format!("incidents/{CHECKOUT}/comms.yaml"));
    assert!(file.ends_with(
        "  at: \"2026-11-22T14:50:00+00:00\"\n  by: carol\n  audience: customers\n  channel: status-page\n  message: We are investigating checkout errors.\n"
    ), "{file}");
    assert_eq!(
        repo.head_files(),
        [
            format!("incidents/{CHECKOUT}/comms.yaml"),
            format!("incidents/{CHECKOUT}/timeline.yaml")
        ]
    );
    let shown = repo.json(&["show", "--json"]);
    assert_eq!(
        shown["comms"][0]["message"],
        "We are investigating checkout errors."
    );
    assert_eq!(shown["comms"][0]["channel"], "status-page");
}

#[test]
fn unknown_audience_or_channel_is_refused() {
    let repo = opened("SEV2");
    let before = repo.state();
    let err = repo.fails(2, &["comms", "--to", "custmers", "hello"]);
    assert_eq!(
        err,
        "error: unknown audience \"custmers\" (did you mean customers?): use one of internal, customers, executives\n"
    );
    let err = repo.fails(
        2,
        &["comms", "--to", "customers", "--channel", "pigeon", "hello"],
    );
    assert_eq!(
        err,
        "error: unknown channel \"pigeon\": use one of email, chat, status-page, phone\n"
    );
    let err = repo.fails(2, &["comms", "--to", "customers", " "]);
    assert_eq!(
        err,
        "error: the message is empty: quote the update as it was sent\n"
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn required_audiences_are_due_from_the_opening_others_after_their_first_update() {
    let repo = opened("SEV2");
    assert_eq!(
        due(&repo, "14:41", "internal")["due"],
        "2026-11-22T15:40:00+00:00"
    );
    assert_eq!(
        due(&repo, "14:41", "customers")["due"],
        "2026-11-22T15:40:00+00:00"
    );
    assert_eq!(due(&repo, "14:41", "executives"), serde_json::Value::Null);
    repo.ok_at(
        "15:00",
        &["comms", "--to", "executives", "Heads-up: checkout degraded"],
    );
    assert_eq!(
        due(&repo, "15:01", "executives")["due"],
        "2026-11-22T16:00:00+00:00"
    );
    assert_eq!(
        due(&repo, "15:01", "executives")["not_before"],
        "2026-11-22T15:30:00+00:00"
    );
}

#[test]
fn overdue_starts_just_after_the_due_time() {
    let repo = opened("SEV2");
    repo.ok_at("14:50", &["comms", "--to", "internal", "Investigating"]);
    assert_eq!(due(&repo, "15:50:00", "internal")["overdue"], false);
    assert_eq!(due(&repo, "15:50:01", "internal")["overdue"], true);
    assert_eq!(due(&repo, "15:40:00", "customers")["overdue"], false);
    assert_eq!(due(&repo, "15:40:01", "customers")["overdue"], true);
}

#[test]
fn sev1_has_the_tighter_cadence_and_resolution_ends_it() {
    let repo = opened("SEV1");
    assert_eq!(
        due(&repo, "14:41", "customers")["due"],
        "2026-11-22T15:10:00+00:00"
    );
    repo.ok_at("14:45", &["comms", "--to", "customers", "Investigating"]);
    assert_eq!(
        due(&repo, "14:46", "customers")["due"],
        "2026-11-22T15:15:00+00:00"
    );
    assert_eq!(
        due(&repo, "14:46", "customers")["not_before"],
        "2026-11-22T15:00:00+00:00"
    );
    repo.ok_at("15:30", &["resolve"]);
    let shown: serde_json::Value =
        serde_json::from_str(&repo.ok_at("18:00", &["show", "--json"])).unwrap();
    assert_eq!(shown["comms_due"], serde_json::json!([]));
}

#[test]
fn an_update_sooner_than_the_cadence_allows_is_recorded_with_a_note() {
    let repo = opened("SEV2");
    repo.ok_at("14:50", &["comms", "--to", "customers", "First"]);
    let out = repo
        .cmd()
        .env("INC_NOW", "2026-11-22T15:00:00Z")
        .args(["comms", "--to", "customers", "Second"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "note: the previous update to customers was 10m earlier; the cadence asks for at least 30m between updates\n"
    );
    assert!(
        repo.read(&format!("incidents/{CHECKOUT}/comms.yaml"))
            .ends_with("  message: Second\n")
    );
}
