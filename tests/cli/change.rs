use crate::common::{CHECKOUT, Repo};

/// Requests a change as bob and returns its id.
fn request(repo: &Repo, text: &str) -> String {
    let out = repo.ok(&["change", "request", "--by", "bob", text]);
    let id = out
        .split("change ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        out,
        format!(
            "{CHECKOUT}: change {id} requested; the incident lead (alice) approves with: inc change approve {id}\n"
        )
    );
    id
}

#[test]
fn the_incident_lead_approves_a_requested_change() {
    let repo = Repo::with_lead();
    let id = request(&repo, "Restart the payments-db primary");
    let shown = repo.json(&["show", "--json"]);
    assert_eq!(shown["pending_changes"][0]["id"], id.as_str());
    assert!(repo.ok(&["show"]).contains(&format!(
        "Pending changes (inc change approve ID)\n  {id}  14:40  bob"
    )));

    let out = repo.ok(&["change", "approve", &id[..3]]);
    assert_eq!(
        out,
        format!("{CHECKOUT}: Approved change {id}: Restart the payments-db primary\n")
    );
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: change approve {id}")
    );
    let timeline = repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"));
    assert!(timeline.ends_with(&format!(
        "  by: alice\n  kind: change-approved\n  ref: {id}\n  text: \"Approved change {id}: Restart the payments-db primary\"\n"
    )), "{timeline}");
    let shown = repo.json(&["show", "--json"]);
    assert_eq!(shown["pending_changes"], serde_json::json!([]));
}

#[test]
fn anyone_but_the_lead_is_refused_with_the_leads_name() {
    let repo = Repo::with_lead();
    let id = request(&repo, "Scale the pool");
    let before = repo.state();
    let err = repo.fails(1, &["change", "approve", &id, "--by", "bob"]);
    assert_eq!(
        err,
        format!(
            "error: bob is not the incident-lead: only alice can approve or reject change {id}\n"
        )
    );
    let err = repo.fails(1, &["change", "reject", &id, "--by", "mallory"]);
    assert_eq!(
        err,
        format!(
            "error: mallory is not the incident-lead: only alice can approve or reject change {id}\n"
        )
    );
    assert_eq!(repo.state(), before);
    // After a handover, the new lead decides.
    repo.ok(&["role", "incident-lead", "bob"]);
    repo.ok(&["change", "approve", &id, "--by", "bob"]);
}

#[test]
fn a_rejection_records_the_reason_and_a_decision_is_final() {
    let repo = Repo::with_lead();
    let id = request(&repo, "Drop the sessions table");
    repo.ok(&["change", "reject", &id, "--reason", "Too risky during peak"]);
    assert!(repo
        .read(&format!("incidents/{CHECKOUT}/timeline.yaml"))
        .ends_with(&format!("  text: \"Rejected change {id}: Drop the sessions table (reason: Too risky during peak)\"\n")));
    let err = repo.fails(2, &["change", "approve", &id]);
    assert_eq!(
        err,
        format!("error: change {id} was already rejected by alice at 2026-11-22 14:40\n")
    );
}

#[test]
fn without_a_lead_nobody_can_approve() {
    let repo = Repo::new();
    repo.ok(&["open", "No lead yet"]);
    let out = repo.ok(&["change", "request", "Flush the CDN"]);
    assert!(
        out.contains("the incident lead (nobody yet: inc role incident-lead PERSON)"),
        "{out}"
    );
    let id = out
        .split("change ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    let err = repo.fails(1, &["change", "approve", id]);
    assert_eq!(
        err,
        format!(
            "error: nobody is incident-lead, so nobody can approve change {id}: assign one with `inc role incident-lead PERSON`\n"
        )
    );
}

#[test]
fn an_unknown_change_lists_the_pending_ones() {
    let repo = Repo::with_lead();
    let err = repo.fails(2, &["change", "approve", "zzzz"]);
    assert_eq!(
        err,
        "error: no change request \"zzzz\": there are no pending change requests\n"
    );
    let id = request(&repo, "Scale the pool");
    let err = repo.fails(2, &["change", "approve", "zzzz"]);
    assert_eq!(
        err,
        format!("error: no change request \"zzzz\": pending: {id} (Scale the pool)\n")
    );
}
