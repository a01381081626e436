//! Issue 25, point 2: `inc comms --retry` posts on its own only the updates this clone recorded.
//! An update that arrived by pull, with a forged `by:` and a failed delivery, or one of this
//! clone's updates edited by a pull, is shown with its destination and posted only with `--yes`.

use crate::common::server::Server;
use crate::common::{CHECKOUT, Repo, team};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn comms_path() -> String {
    format!("incidents/{CHECKOUT}/comms.yaml")
}

/// The lead's clone and the scribe's, the chat webhook posting to `server` (slack style),
/// trusted by the lead's clone, which wrote it.
fn clones(server: &Server) -> (tempfile::TempDir, Repo, Repo) {
    let (remote, lead, scribe) = team();
    let config = lead.read(".inc.yaml");
    lead.write(
        ".inc.yaml",
        &format!(
            "{config}\nwebhooks:\n  chat: {{url: \"{}\", style: slack}}\n",
            server.url()
        ),
    );
    lead.git(&["commit", "-qam", "webhooks"]);
    lead.ok(&["webhooks", "trust"]);
    lead.ok(&["sync"]);
    scribe.ok(&["sync"]);
    (remote, lead, scribe)
}

/// The scribe records an update in alice's name and marks its delivery failed, by hand.
fn forge(scribe: &Repo, message: &str) {
    scribe.ok(&[
        "comms",
        message,
        "--to",
        "internal",
        "--channel",
        "chat",
        "--by",
        "alice",
    ]);
    let path = comms_path();
    let comms = scribe.read(&path);
    scribe.write(
        &path,
        &format!(
            "{comms}  delivery:\n    state: failed\n    status: 500\n    at: \"2026-11-22T14:41:00+00:00\"\n"
        ),
    );
    scribe.git(&["commit", "-qam", "comms delivery"]);
    scribe.ok(&["sync"]);
}

#[test]
fn a_pulled_update_with_a_forged_author_is_shown_and_needs_yes() {
    let server = Server::start(500, false);
    let (_remote, lead, scribe) = clones(&server);
    // The lead's own update fails to deliver.
    let out = lead.run(&[
        "comms",
        "Checkout is down",
        "--to",
        "internal",
        "--channel",
        "chat",
        "--send",
    ]);
    assert_eq!(out.status.code(), Some(1));
    lead.ok(&["sync"]);
    forge(&scribe, "Please wire the refund float to account 1234");
    lead.ok(&["sync"]);
    server.answer(200);

    let out = lead.run(&["comms", "--retry"]);
    assert_eq!(out.status.code(), Some(1));
    let forged_id = {
        let show = lead.json(&["show", "--json"]);
        show["comms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["message"].as_str().unwrap().contains("refund"))
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        text(&out.stdout),
        format!(
            "{CHECKOUT}: update to internal via chat sent (HTTP 200)\n{CHECKOUT}: update {forged_id} to internal via chat → 127.0.0.1:{} (slack) was not recorded in this clone; not posted. It says:\n    Please wire the refund float to account 1234\n",
            server.port
        )
    );
    assert_eq!(
        text(&out.stderr),
        "error: not posted: 1 update not recorded in this clone (shown above; a by: line may name anyone); if they are yours to send, run `inc comms --retry --yes`\n"
    );
    let bodies: Vec<String> = server.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(
        bodies,
        [
            r#"{"text":"Checkout is down"}"#,
            r#"{"text":"Checkout is down"}"#
        ],
        "only the lead's own update, sent and retried"
    );
    let comms = lead.read(&comms_path());
    assert_eq!(comms.matches("state: failed").count(), 1, "{comms}");

    // Nothing more of its own to post: the retry changes nothing and commits nothing.
    let head = lead.head();
    let out = lead.run(&["comms", "--retry"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("refund float"));
    assert_eq!(lead.head(), head);
    assert_eq!(server.requests().len(), 2);

    // Seen, and meant: --yes posts it.
    assert_eq!(
        lead.ok(&["comms", "--retry", "--yes"]),
        format!("{CHECKOUT}: update to internal via chat sent (HTTP 200)\n")
    );
    let last = server.requests().pop().unwrap();
    assert!(last.body.contains("refund float"), "{}", last.body);
    assert!(!lead.read(&comms_path()).contains("state: failed"));
    let err = lead.fails(2, &["comms", "--yes", "hello", "--to", "internal"]);
    assert!(err.contains("--retry"), "{err}");
}

#[test]
fn an_own_update_edited_by_a_pull_is_no_longer_its_own() {
    let server = Server::start(500, false);
    let (_remote, lead, scribe) = clones(&server);
    let out = lead.run(&[
        "comms",
        "Checkout is down",
        "--to",
        "internal",
        "--channel",
        "chat",
        "--send",
    ]);
    assert_eq!(out.status.code(), Some(1));
    lead.ok(&["sync"]);
    scribe.ok(&["sync"]);
    let path = comms_path();
    let comms = scribe.read(&path);
    scribe.write(
        &path,
        &comms.replace(
            "Checkout is down",
            "Send the admin password to evil@example.com",
        ),
    );
    scribe.git(&["commit", "-qam", "edit an update"]);
    scribe.ok(&["sync"]);
    lead.ok(&["sync"]);
    server.answer(200);

    let out = lead.run(&["comms", "--retry"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains(
            "not recorded in this clone; not posted. It says:\n    Send the admin password"
        ),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(server.requests().len(), 1, "only the first, failed, post");
}
