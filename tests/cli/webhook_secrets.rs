//! Issue 25, point 3: a webhook's address and its answers stay secret. A server that echoes the
//! request path (token and all) in its error page leaves no trace of it in comms.yaml, the git
//! history or any output; no part of a `url_env` address but its host is ever shown.

use std::process::Output;

use crate::common::server::Server;
use crate::common::{CHECKOUT, Repo};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Parts of the address that must never be shown: user, password, path and query.
const SECRETS: [&str; 5] = [
    "hookbot",
    "pa55word",
    "T0KEN-s3cr3t",
    "q5ecret",
    "/services/",
];

fn assert_secret(what: &str, shown: &str) {
    for secret in SECRETS {
        assert!(!shown.contains(secret), "{what} shows {secret:?}:\n{shown}");
    }
}

#[test]
fn an_echoed_token_is_neither_stored_nor_printed() {
    let server = Server::echoing(500);
    let url = format!(
        "http://hookbot:pa55word@127.0.0.1:{}/services/T0KEN-s3cr3t?key=q5ecret",
        server.port
    );
    let repo = Repo::with_incident();
    let config = repo.read(".inc.yaml");
    repo.write(
        ".inc.yaml",
        &format!("{config}\nwebhooks:\n  chat: {{url_env: CHAT_HOOK, style: json}}\n"),
    );
    repo.git(&["commit", "-qam", "webhooks"]);
    let run = |args: &[&str]| -> Output {
        repo.cmd()
            .env("CHAT_HOOK", &url)
            .args(args)
            .output()
            .unwrap()
    };
    let mut shown = Vec::new();
    let out = run(&["webhooks", "trust"]);
    assert!(out.status.success());
    shown.push(("webhooks trust", out));
    let out = run(&[
        "comms",
        "Still down",
        "--to",
        "internal",
        "--channel",
        "chat",
        "--send",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: the update to internal is recorded, but was not delivered via chat: HTTP 500 Internal Server Error; post it again with `inc comms --retry`\n"
    );
    shown.push(("comms --send", out));
    // The server did get the token, and answered with it.
    assert_eq!(
        server.requests()[0].path,
        "/services/T0KEN-s3cr3t?key=q5ecret"
    );
    let out = run(&["comms", "--retry"]);
    assert_eq!(out.status.code(), Some(1));
    shown.push(("comms --retry", out));
    for args in [
        &["webhooks"][..],
        &["status"],
        &["status", "--json"],
        &["show"],
        &["show", "--json"],
        &["export", "--json"],
        &["check"],
        &["report", "-t", "comms"],
    ] {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        shown.push(("a command", out));
    }
    for (what, out) in &shown {
        assert_secret(what, &text(&out.stdout));
        assert_secret(what, &text(&out.stderr));
    }
    let comms = repo.read(&format!("incidents/{CHECKOUT}/comms.yaml"));
    assert_secret("comms.yaml", &comms);
    assert_secret("git log -p", &repo.git(&["log", "-p", "--all"]));
    assert!(
        comms.contains("    state: failed\n    status: 500\n    at:"),
        "{comms}"
    );
    assert_secret("git config", &repo.git(&["config", "--local", "--list"]));
    let status = text(&shown[4].1.stdout);
    assert!(
        status.contains("not delivered (HTTP 500 Internal Server Error)"),
        "{status}"
    );
}

/// Before issue 25 a failed delivery kept the start of the server's answer beside its status.
/// Such a file still loads, and the old text is never shown again.
#[test]
fn an_old_delivery_with_the_answer_kept_loads_and_is_not_repeated() {
    let repo = Repo::with_incident();
    let path = format!("incidents/{CHECKOUT}/comms.yaml");
    repo.write(
        &path,
        "# Communications: each update as sent, oldest first. inc appends.\n- id: bbb333\n  at: \"2026-11-22T14:30:00+00:00\"\n  by: carol\n  audience: internal\n  channel: chat\n  message: Failover started\n  delivery:\n    state: failed\n    status: 404\n    error: No route for POST /services/T0KEN-s3cr3t?key=q5ecret\n    at: \"2026-11-22T14:30:01+00:00\"\n",
    );
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "an old comms.yaml"]);
    let show = repo.json(&["show", "--json"]);
    assert_eq!(show["comms"][0]["delivery"]["status"], 404);
    assert!(show["comms"][0]["delivery"]["error"].is_null(), "{show:#}");
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["show"],
        &["export", "--json"],
        &["check"],
    ] {
        let out = repo.ok(args);
        assert_secret(&format!("{args:?}"), &out);
    }
    assert!(
        repo.ok(&["status"])
            .contains("update to internal via chat not delivered (HTTP 404 Not Found)")
    );
}
