//! `inc comms --send`, `--retry` and `--draft` against a real HTTP server on 127.0.0.1: what the
//! webhook receives per style, what comms.yaml records, and what `inc status` shows.

use std::net::TcpListener;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::server::Server;
use crate::common::{CHECKOUT, Repo};

/// The checkout incident, with `webhooks:` for the chat channel added to .inc.yaml, committed,
/// and trusted by this clone (which wrote it).
fn repo_with(webhook: &str) -> Repo {
    let repo = Repo::with_incident();
    let config = repo.read(".inc.yaml");
    repo.write(
        ".inc.yaml",
        &format!("{config}\nwebhooks:\n  chat:\n{webhook}"),
    );
    repo.git(&["commit", "-qam", "webhooks"]);
    repo.ok(&["webhooks", "trust"]);
    repo
}

fn comms_file(repo: &Repo) -> String {
    repo.read(&format!("incidents/{CHECKOUT}/comms.yaml"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn send(repo: &Repo, args: &[&str]) -> Output {
    repo.run(&[&["comms"], args].concat())
}

/// The id of the last update in comms.yaml.
fn last_id(repo: &Repo) -> String {
    let show = repo.json(&["show", "--json"]);
    let comms = show["comms"].as_array().unwrap();
    comms.last().unwrap()["id"].as_str().unwrap().to_string()
}

#[test]
fn slack_gets_the_message_as_text_and_the_delivery_is_recorded() {
    let server = Server::start(200, false);
    let repo = repo_with(&format!("    url: {}\n    style: slack\n", server.url()));
    let out = repo.ok(&[
        "comms",
        "Checkout is <down> & failing",
        "--to",
        "customers",
        "--channel",
        "chat",
        "--send",
    ]);
    assert!(out.contains("update to customers recorded"), "{out}");
    assert!(
        out.contains(&format!(
            "{CHECKOUT}: update to customers sent via chat (HTTP 200)"
        )),
        "{out}"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].path, "/hook");
    assert_eq!(requests[0].content_type, "application/json");
    // Slack would read <…> as a mention or link: the text is escaped as Slack asks.
    assert_eq!(
        requests[0].body,
        r#"{"text":"Checkout is &lt;down&gt; &amp; failing"}"#
    );
    let comms = comms_file(&repo);
    assert!(
        comms.ends_with(
            "  message: Checkout is <down> & failing\n  delivery:\n    state: sent\n    status: 200\n    at: \"2026-11-22T14:40:00+00:00\"\n"
        ),
        "{comms}"
    );
    // Recorded first, in its own commit; the delivery in a second one.
    let log = repo.git(&["log", "-2", "--format=%s"]);
    assert_eq!(
        log,
        format!("{CHECKOUT}: comms to customers sent via chat\n{CHECKOUT}: comms to customers\n")
    );
    assert_eq!(repo.status(), "");
}

#[test]
fn teams_gets_a_message_card_and_json_the_whole_update() {
    let server = Server::start(200, false);
    let repo = repo_with(&format!("    url: {}\n    style: teams\n", server.url()));
    repo.ok(&[
        "comms",
        "We are on it",
        "--to",
        "internal",
        "--channel",
        "chat",
        "--send",
    ]);
    assert_eq!(
        server.requests()[0].body,
        format!(
            r#"{{"@context":"https://schema.org/extensions","@type":"MessageCard","summary":"{CHECKOUT}: update to internal","text":"We are on it","title":"Checkout API down"}}"#
        )
    );

    let server = Server::start(200, false);
    let repo = repo_with(&format!(
        "    url: {}\n    style: json\n    timeout: 5s\n",
        server.url()
    ));
    repo.ok(&[
        "comms",
        "Fix deployed",
        "--to",
        "executives",
        "--channel",
        "chat",
        "--send",
        "--by",
        "carol",
    ]);
    let request = &server.requests()[0];
    assert_eq!(request.content_type, "application/json");
    assert_eq!(
        request.body,
        format!(
            r#"{{"id":"{}","incident":"{CHECKOUT}","title":"Checkout API down","severity":"SEV2","status":"investigating","audience":"executives","channel":"chat","message":"Fix deployed","by":"carol","at":"2026-11-22T14:40:00+00:00"}}"#,
            last_id(&repo)
        )
    );
}

/// A post to a public audience is built from the public model: the public id and title, the
/// public severity label, nobody as its author, names in the message replaced.
#[test]
fn a_post_to_customers_carries_nothing_internal() {
    for style in ["json", "teams"] {
        let server = Server::start(200, false);
        let repo = repo_with(&format!("    url: {}\n    style: {style}\n", server.url()));
        repo.ok(&["role", "comms-lead", "Carol Git"]);
        repo.ok(&[
            "comms",
            "Carol is looking into it; next update from C. Git soon",
            "--to",
            "customers",
            "--channel",
            "chat",
            "--send",
            "--by",
            "Carol Git",
        ]);
        let body = &server.requests()[0].body;
        for internal in [
            "checkout-api-down",
            "Checkout API down",
            "Carol",
            "Git",
            "SEV2",
        ] {
            assert!(
                !body.contains(internal),
                "{style} posts {internal:?}: {body}"
            );
        }
        assert!(
            body.contains("Disruption to our service on 2026-11-22"),
            "{style}: {body}"
        );
        assert!(
            body.contains("a team member is looking into it; next update from a team member soon"),
            "{style}: {body}"
        );
        if style == "json" {
            let sent: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(sent["severity"], "Partial outage");
            assert_eq!(sent["by"], "a team member");
            assert!(
                sent["incident"]
                    .as_str()
                    .unwrap()
                    .starts_with("2026-11-22-")
            );
        }
    }
}

#[test]
fn a_500_is_recorded_shown_by_status_and_retried() {
    let server = Server::start(500, false);
    let repo = repo_with(&format!("    url: {}\n    style: slack\n", server.url()));
    let out = send(
        &repo,
        &[
            "Checkout is down",
            "--to",
            "customers",
            "--channel",
            "chat",
            "--send",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("update to customers recorded"));
    let stderr = text(&out.stderr);
    // The status code and inc's own words for it: never the server's answer.
    assert_eq!(
        stderr,
        "error: the update to customers is recorded, but was not delivered via chat: HTTP 500 Internal Server Error; post it again with `inc comms --retry`\n"
    );
    let comms = comms_file(&repo);
    assert!(
        comms.ends_with(
            "  delivery:\n    state: failed\n    status: 500\n    at: \"2026-11-22T14:40:00+00:00\"\n"
        ),
        "{comms}"
    );
    assert_eq!(repo.status(), "", "the failed delivery is committed too");
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: comms to customers not delivered via chat")
    );

    let status = repo.ok(&["status"]);
    assert!(
        status.contains(&format!(
            "{CHECKOUT}: update to customers via chat not delivered (HTTP 500 Internal Server Error) — inc comms --retry\n"
        )),
        "{status}"
    );
    let json = repo.json(&["status", "--json"]);
    assert_eq!(
        json[0]["undelivered"][0]["reason"],
        "HTTP 500 Internal Server Error"
    );

    // Still failing: recorded again, exit 1, nothing lost.
    let again = repo.run(&["comms", "--retry"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("1 of 1 updates still not delivered"));

    // A hand comment after the entry stays where it is: only the delivery lines change.
    let before = comms_file(&repo);
    let path = format!("incidents/{CHECKOUT}/comms.yaml");
    repo.write(
        &path,
        &format!("{before}# vendor says their side is down\n"),
    );
    repo.git(&["commit", "-qam", "note"]);

    server.answer(200);
    let out = repo.ok(&["comms", "--retry"]);
    assert_eq!(
        out,
        format!("{CHECKOUT}: update to customers via chat sent (HTTP 200)\n")
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| r.body == r#"{"text":"Checkout is down"}"#)
    );
    let comms = comms_file(&repo);
    assert!(
        comms.contains("    state: sent\n    status: 200\n"),
        "{comms}"
    );
    assert!(!comms.contains("failed"), "{comms}");
    assert_eq!(comms.matches("delivery:").count(), 1, "{comms}");
    let failed_lines = "    state: failed\n    status: 500\n";
    assert_eq!(
        comms,
        format!("{before}# vendor says their side is down\n")
            .replace(failed_lines, "    state: sent\n    status: 200\n"),
        "{comms}"
    );
    assert!(!repo.ok(&["status"]).contains("not delivered"));
    assert_eq!(
        repo.ok(&["comms", "--retry"]),
        format!("{CHECKOUT}: no failed deliveries to retry\n")
    );
}

#[test]
fn a_webhook_that_never_answers_times_out() {
    let server = Server::start(200, true);
    let repo = repo_with(&format!(
        "    url: {}\n    style: slack\n    timeout: 1s\n",
        server.url()
    ));
    let started = Instant::now();
    let out = send(
        &repo,
        &[
            "Still down",
            "--to",
            "internal",
            "--channel",
            "chat",
            "--send",
        ],
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "one attempt, with its timeout"
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not delivered via chat: timed out after 1s;"),
        "{}",
        text(&out.stderr)
    );
    assert!(comms_file(&repo).contains("    state: failed\n    error: timed out after 1s\n"));
}

#[test]
fn a_refused_connection_is_a_failed_delivery() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let repo = repo_with(&format!(
        "    url: http://127.0.0.1:{port}/hook\n    style: json\n"
    ));
    let out = send(
        &repo,
        &[
            "Still down",
            "--to",
            "internal",
            "--channel",
            "chat",
            "--send",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not delivered via chat: connection refused;"),
        "{}",
        text(&out.stderr)
    );
    assert!(comms_file(&repo).contains("    state: failed\n    error: connection refused\n"));
    assert!(
        repo.ok(&["status"])
            .contains("not delivered (connection refused)")
    );
}

#[test]
fn url_env_is_read_at_send_time_and_never_printed() {
    let server = Server::start(500, false);
    let repo = repo_with("    url_env: CHAT_HOOK\n    style: slack\n");
    let before = repo.state();
    let out = send(
        &repo,
        &[
            "Still down",
            "--to",
            "internal",
            "--channel",
            "chat",
            "--send",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: the webhook of channel chat reads its address from $CHAT_HOOK, which is not set: export CHAT_HOOK with the webhook's address, then run again\n"
    );
    assert_eq!(
        repo.state(),
        before,
        "nothing is recorded without an address"
    );

    let out = repo
        .cmd()
        .env("CHAT_HOOK", server.url())
        .args([
            "comms",
            "Still down",
            "--to",
            "internal",
            "--channel",
            "chat",
            "--send",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(server.requests().len(), 1);
    let port = server.port.to_string();
    for shown in [text(&out.stdout), text(&out.stderr), comms_file(&repo)] {
        assert!(!shown.contains(&port), "the address leaked: {shown}");
    }
    server.answer(200);
    let out = repo
        .cmd()
        .env("CHAT_HOOK", server.url())
        .args(["comms", "--retry"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains(&port));
}

#[test]
fn draft_prints_the_update_template_and_records_only_with_send() {
    let server = Server::start(200, false);
    let repo = repo_with(&format!("    url: {}\n    style: slack\n", server.url()));
    let before = repo.state();
    let draft = repo.ok(&["comms", "--draft", "--to", "customers"]);
    assert!(
        draft.starts_with(
            "**Investigating:** Disruption to our service on 2026-11-22\n\nWe are investigating"
        ),
        "{draft}"
    );
    assert_eq!(repo.state(), before, "a draft alone records nothing");

    let out = repo.ok(&[
        "comms",
        "--draft",
        "--to",
        "customers",
        "--channel",
        "chat",
        "--send",
    ]);
    assert!(out.starts_with(&draft), "{out}");
    assert!(out.contains("sent via chat (HTTP 200)"), "{out}");
    let show = repo.json(&["show", "--json"]);
    assert_eq!(show["comms"][0]["message"], draft.trim_end());
    let sent: serde_json::Value = serde_json::from_str(&server.requests()[0].body).unwrap();
    assert_eq!(sent["text"], draft.trim_end());
}

#[test]
fn send_and_retry_arguments_are_checked_before_anything_is_written() {
    let repo = repo_with("    url: http://127.0.0.1:9/hook\n    style: slack\n");
    let before = repo.state();
    for args in [
        &["comms", "--to", "customers"][..],
        &["comms", "hello", "--retry"],
        &["comms", "--retry", "--to", "customers"],
        &["comms", "hello", "--to", "customers", "--send"],
        &["comms", "hello", "--draft", "--to", "customers"],
    ] {
        let out = repo.run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let err = repo.fails(
        2,
        &[
            "comms",
            "hello",
            "--to",
            "customers",
            "--channel",
            "email",
            "--send",
        ],
    );
    assert_eq!(
        err,
        "error: channel email has no webhook to send to: add one under webhooks: in .inc.yaml (docs/format.md), or record the update without --send\n"
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn bad_webhook_settings_are_reported_at_their_line() {
    // (the webhooks, the line below `webhooks:` and the column at fault, the message)
    let cases = [
        (
            "  chatt:\n    url: https://hooks.example.com/x\n    style: slack\n",
            (1, 3),
            "webhooks has \"chatt\" (did you mean chat?), which is not one of channels",
        ),
        (
            "  chat:\n    url: https://hooks.example.com/x\n    url_env: CHAT_HOOK\n    style: slack\n",
            (3, 5),
            "webhook chat has both url and url_env",
        ),
        (
            "  chat:\n    style: slack\n",
            (1, 3),
            "webhook chat has neither url nor url_env",
        ),
        (
            "  chat:\n    url: file:///etc/s3cr3t\n    style: slack\n",
            (2, 5),
            "webhook chat: url is a file address",
        ),
        (
            "  chat:\n    url: https://hooks.example.com/x\n    style: discord\n",
            (3, 12),
            "",
        ),
    ];
    for (webhooks, (below, column), expected) in cases {
        let repo = Repo::with_incident();
        let config = repo.read(".inc.yaml");
        let line = config.lines().count() + 1 + below;
        repo.write(".inc.yaml", &format!("{config}webhooks:\n{webhooks}"));
        let before = repo.state();
        let err = repo.fails(1, &["status"]);
        assert!(
            err.starts_with(&format!("error: .inc.yaml:{line}:{column}: {expected}")),
            "{expected}: {err}"
        );
        assert!(!err.contains("s3cr3t"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        repo.fails(1, &["comms", "x", "--to", "internal"]);
        assert_eq!(repo.state(), before);
    }
}

#[test]
fn comms_files_without_and_with_deliveries_load() {
    let repo = Repo::with_incident();
    let path = format!("incidents/{CHECKOUT}/comms.yaml");
    // As inc wrote comms.yaml before deliveries existed, and an entry with one.
    repo.write(
        &path,
        "# Communications: each update as sent, oldest first. inc appends.\n- id: aaa222\n  at: \"2026-11-22T14:20:00+00:00\"\n  by: carol\n  audience: customers\n  channel: email\n  message: Looking into it\n- id: bbb333\n  at: \"2026-11-22T14:30:00+00:00\"\n  by: carol\n  audience: internal\n  channel: chat\n  message: Failover started\n  delivery:\n    state: failed\n    error: connection refused\n    at: \"2026-11-22T14:30:01+00:00\"\n",
    );
    let show = repo.json(&["show", "--json"]);
    assert_eq!(show["comms"][0]["message"], "Looking into it");
    assert!(show["comms"][0]["delivery"].is_null());
    assert_eq!(show["comms"][1]["delivery"]["state"], "failed");
    assert_eq!(show["comms"][1]["delivery"]["error"], "connection refused");
    repo.ok(&["check"]);
}
