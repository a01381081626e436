//! Pending change requests: `inc change approve` and `reject` without an id take the only one
//! pending, and refuse (listing them) when there are several; `inc exec` warns while any waits.

use crate::common::{CHECKOUT, Repo};

/// Requests a change as bob and returns its id.
fn request(repo: &Repo, text: &str) -> String {
    let out = repo.ok(&["change", "request", "--by", "bob", text]);
    out.split("change ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn approve_without_an_id_takes_the_only_pending_change() {
    let repo = Repo::with_lead();
    let first = request(&repo, "Scale the pool");
    repo.ok(&["change", "reject", &first, "--reason", "Not now"]);
    let second = request(&repo, "Restart the payments-db primary");
    // The rejected one is decided: only the second is pending.
    let out = repo.ok(&["change", "approve"]);
    assert_eq!(
        out,
        format!("{CHECKOUT}: Approved change {second}: Restart the payments-db primary\n")
    );
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: change approve {second}")
    );
    let shown = repo.json(&["show", "--json"]);
    assert_eq!(shown["pending_changes"], serde_json::json!([]));
}

#[test]
fn reject_without_an_id_takes_the_only_pending_change() {
    let repo = Repo::with_lead();
    let id = request(&repo, "Drop the sessions table");
    let out = repo.ok(&["change", "reject", "--reason", "Too risky"]);
    assert_eq!(
        out,
        format!("{CHECKOUT}: Rejected change {id}: Drop the sessions table (reason: Too risky)\n")
    );
}

#[test]
fn several_pending_changes_need_an_id_and_nothing_is_written() {
    let repo = Repo::with_lead();
    let a = request(&repo, "Scale the pool");
    let b = request(&repo, "Flush the CDN");
    let before = repo.state();
    let err = repo.fails(2, &["change", "approve"]);
    assert_eq!(
        err,
        format!(
            "error: 2 changes are pending ({a} (Scale the pool), {b} (Flush the CDN)): give the id of the one you mean\n"
        )
    );
    let err = repo.fails(2, &["change", "reject"]);
    assert!(err.starts_with("error: 2 changes are pending ("), "{err}");
    assert_eq!(repo.state(), before);
}

#[test]
fn approve_without_an_id_and_nothing_pending_says_so() {
    let repo = Repo::with_lead();
    let before = repo.state();
    let err = repo.fails(2, &["change", "approve"]);
    assert_eq!(
        err,
        "error: there are no pending change requests: request one with `inc change request TEXT`\n"
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn the_help_says_the_id_may_be_left_out() {
    let repo = Repo::new();
    let help = repo.ok(&["change", "approve", "--help"]);
    assert!(
        help.contains("[default: the only pending change]"),
        "{help}"
    );
}

#[test]
fn exec_warns_while_a_change_awaits_approval_and_still_runs() {
    let repo = Repo::with_lead();
    // Nothing pending: no warning.
    let out = repo.run(&["exec", "--", "true"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");

    let id = request(&repo, "Restart the payments-db primary");
    let out = repo.run(&["exec", "--", "sh", "-c", "touch ran"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "warning: change {id} (Restart the payments-db primary) awaits the incident lead's approval: if this command carries it out, wait for `inc change approve`\n"
        )
    );
    assert!(repo.path("ran").exists());

    let other = request(&repo, "Flush the CDN");
    let out = repo.run(&["exec", "--", "true"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "warning: 2 changes await the incident lead's approval ({id} (Restart the payments-db primary), {other} (Flush the CDN)): if this command carries one out, wait for `inc change approve ID`\n"
        )
    );

    // Once decided, the warning is gone.
    repo.ok(&["change", "approve", &id]);
    repo.ok(&["change", "reject", &other]);
    let out = repo.run(&["exec", "--", "true"]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
