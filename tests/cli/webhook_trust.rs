//! Issue 25, point 1: a pushed change to `.inc.yaml` cannot make another clone post to a new
//! webhook. A destination this clone has not trusted (new, or changed by a pull) is refused,
//! nothing is sent, and the update stays recorded as undelivered until `inc webhooks trust`.
//! The trust lives in the clone's own .git/config; the user's global git config does not count.

use std::process::Output;

use crate::common::server::Server;
use crate::common::{CHECKOUT, Repo, team};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn comms_file(repo: &Repo) -> String {
    repo.read(&format!("incidents/{CHECKOUT}/comms.yaml"))
}

/// Adds `webhooks:` to .inc.yaml (the chat channel, `hook` being its settings) and commits it.
fn set_webhook(repo: &Repo, hook: &str) {
    let config = repo.read(".inc.yaml");
    let config = match config.find("\nwebhooks:\n") {
        Some(at) => config[..at].to_string(),
        None => config,
    };
    repo.write(
        ".inc.yaml",
        &format!("{config}\nwebhooks:\n  chat: {hook}\n"),
    );
    repo.git(&["commit", "-qam", "webhooks"]);
}

/// `inc ARGS` with the chat webhook's address in $CHAT_HOOK.
fn with_hook(repo: &Repo, url: &str, args: &[&str]) -> Output {
    repo.cmd()
        .env("CHAT_HOOK", url)
        .args(args)
        .output()
        .unwrap()
}

const SEND: [&str; 7] = [
    "comms",
    "Root cause: the pool config, see #inc-checkout",
    "--to",
    "internal",
    "--channel",
    "chat",
    "--send",
];

#[test]
fn a_pulled_change_of_destination_is_refused_until_trusted() {
    let ours = Server::start(200, false);
    let theirs = Server::start(200, false);
    let (_remote, mut lead, scribe) = team();
    // The lead's clone posts to the address in its own environment, and trusts that.
    set_webhook(&lead, "{url_env: CHAT_HOOK, style: slack}");
    assert_eq!(
        lead.ok(&["webhooks", "trust"]),
        "chat: trusted ($CHAT_HOOK (not set), slack)\n"
    );
    lead.ok(&["sync"]);
    let out = with_hook(&lead, &ours.url(), &SEND);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(ours.requests().len(), 1);

    // A collaborator with push access points the channel somewhere else.
    scribe.ok(&["sync"]);
    let elsewhere = format!("http://127.0.0.1:{}/collect", theirs.port);
    set_webhook(&scribe, &format!("{{url: \"{elsewhere}\", style: json}}"));
    scribe.ok(&["sync"]);
    lead.ok(&["sync"]);

    lead.now = "2026-11-22T15:20:00Z".into();
    let before = lead.head();
    let out = with_hook(&lead, &ours.url(), &SEND);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("update to internal recorded"));
    let host = format!("127.0.0.1:{}", theirs.port);
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: the update to internal is recorded but was not sent: the webhook of channel chat changed in .inc.yaml since this clone trusted it; it posts to {host} (json): check webhooks: in .inc.yaml, then run `inc webhooks trust chat`, then `inc comms --retry`\n"
        )
    );
    assert!(theirs.requests().is_empty(), "nothing went to the new host");
    assert_eq!(ours.requests().len(), 1, "nor to the old one");
    // Recorded as not delivered, in its own commit after the update's.
    let comms = comms_file(&lead);
    assert!(
        comms.ends_with(
            "  delivery:\n    state: failed\n    error: webhook destination not trusted\n    at: \"2026-11-22T15:20:00+00:00\"\n"
        ),
        "{comms}"
    );
    assert_eq!(
        lead.git(&["log", "--format=%s", &format!("{before}..")]),
        format!(
            "{CHECKOUT}: comms to internal not sent via chat (webhook not trusted)\n{CHECKOUT}: comms to internal\n"
        )
    );
    assert_eq!(lead.status(), "");
    let status = lead.ok(&["status"]);
    assert!(
        status.contains(
            "update to internal via chat not delivered (webhook destination not trusted) — inc comms --retry"
        ),
        "{status}"
    );
    // A retry is refused the same way, and posts nothing.
    let out = with_hook(&lead, &ours.url(), &["comms", "--retry"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with(
            "error: nothing was posted: the webhook of channel chat changed in .inc.yaml since this clone trusted it;"
        ),
        "{}",
        text(&out.stderr)
    );
    assert!(theirs.requests().is_empty());

    assert_eq!(
        lead.ok(&["webhooks"]),
        format!("chat  {host}  json   not trusted (changed since trusted)\n")
    );
    assert_eq!(
        lead.ok(&["webhooks", "trust", "chat"]),
        format!("chat: trusted ({host}, json)\n")
    );
    assert_eq!(
        lead.ok(&["webhooks", "list"]),
        format!("chat  {host}  json   trusted\n")
    );
    // Trusted now: the retry posts the update, and the next one goes straight out.
    let out = with_hook(&lead, &ours.url(), &["comms", "--retry"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("{CHECKOUT}: update to internal via chat sent (HTTP 200)\n")
    );
    assert_eq!(theirs.requests().len(), 1);
    assert!(theirs.requests()[0].body.contains("Root cause"));
    let out = lead.run(&[
        "comms",
        "Fixed",
        "--to",
        "internal",
        "--channel",
        "chat",
        "--send",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(theirs.requests().len(), 2);
}

#[test]
fn a_fresh_clone_trusts_once_and_global_config_does_not_count() {
    let server = Server::start(200, false);
    let (_remote, lead, scribe) = team();
    set_webhook(&lead, "{url_env: CHAT_HOOK, style: slack}");
    lead.ok(&["webhooks", "trust"]);
    lead.ok(&["sync"]);
    scribe.ok(&["sync"]);
    let host = format!("127.0.0.1:{}", server.port);

    let out = with_hook(&scribe, &server.url(), &SEND);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: the update to internal is recorded but was not sent: the webhook of channel chat is not trusted in this clone yet; it posts to {host} (slack): check webhooks: in .inc.yaml, then run `inc webhooks trust chat`, then `inc comms --retry`\n"
        )
    );
    assert!(server.requests().is_empty());
    let out = with_hook(&scribe, &server.url(), &["webhooks"]);
    assert_eq!(
        text(&out.stdout),
        format!("chat  $CHAT_HOOK → {host}  slack  not trusted (new)\n")
    );

    // The very value the lead's clone keeps, set in the scribe's global git config: a setting
    // there would trust every repository cloned from then on, so it is not read.
    let trusted = lead.git(&["config", "--local", "inc.webhook.chat.trusted"]);
    scribe.git(&[
        "config",
        "--global",
        "inc.webhook.chat.trusted",
        trusted.trim(),
    ]);
    let out = with_hook(&scribe, &server.url(), &["comms", "--retry"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is not trusted in this clone yet"));
    assert!(server.requests().is_empty());

    let out = with_hook(&scribe, &server.url(), &["webhooks", "trust"]);
    assert_eq!(
        text(&out.stdout),
        format!("chat: trusted ($CHAT_HOOK → {host}, slack)\n")
    );
    assert_eq!(
        scribe.git(&["config", "--local", "inc.webhook.chat.trusted"]),
        trusted
    );
    let out = with_hook(&scribe, &server.url(), &["comms", "--retry"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(server.requests().len(), 1);
    // Its value is the person's own environment: a new address needs no new trust.
    let other = Server::start(200, false);
    let out = with_hook(&scribe, &other.url(), &SEND);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(other.requests().len(), 1);
    // The style decides what is posted: changing it needs trust again.
    set_webhook(&scribe, "{url_env: CHAT_HOOK, style: json}");
    let out = with_hook(&scribe, &other.url(), &SEND);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(other.requests().len(), 1);
}

#[test]
fn webhooks_lists_and_trusts_by_channel() {
    let repo = Repo::with_incident();
    assert_eq!(
        repo.ok(&["webhooks"]),
        "no webhooks: add them under webhooks: in .inc.yaml (docs/format.md)\n"
    );
    let config = repo.read(".inc.yaml");
    repo.write(
        ".inc.yaml",
        &format!(
            "{config}\nwebhooks:\n  chat: {{url: 'https://bot:pa55@hooks.example.com/T0/s3cr3t?k=v', style: slack}}\n  status-page: {{url_env: STATUS_HOOK, style: teams}}\n"
        ),
    );
    let listed = repo.ok(&["webhooks"]);
    assert_eq!(
        listed,
        "chat         hooks.example.com       slack  not trusted (new)\nstatus-page  $STATUS_HOOK (not set)  teams  not trusted (new)\n"
    );
    let before = repo.state();
    let err = repo.fails(2, &["webhooks", "trust", "email"]);
    assert_eq!(
        err,
        "error: channel email has no webhook to trust: add one under webhooks: in .inc.yaml (docs/format.md)\n"
    );
    repo.fails(2, &["webhooks", "trust", "nope"]);
    assert_eq!(
        repo.state(),
        before,
        "trusting writes nothing in the work tree"
    );
    assert_eq!(
        repo.ok(&["webhooks", "trust", "chat"]),
        "chat: trusted (hooks.example.com, slack)\n"
    );
    assert_eq!(
        repo.ok(&["webhooks", "trust"]),
        "chat: already trusted (hooks.example.com, slack)\nstatus-page: trusted ($STATUS_HOOK (not set), teams)\n"
    );
    let config = repo.git(&["config", "--local", "--list"]);
    assert!(config.contains("inc.webhook.chat.trusted="), "{config}");
    for secret in ["pa55", "s3cr3t", "k=v", "bot"] {
        assert!(!config.contains(secret), "{config}");
        assert!(!listed.contains(secret), "{listed}");
    }
}
