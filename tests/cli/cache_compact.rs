//! Issue 19, `inc list --all` and `inc stats` at 20,000 incidents: the parse cache keeps
//! incident.yaml and the post-mortem's Improvements in a compact form (no JSON, times as
//! integers), and every field comes back as it was read.

use std::process::Output;

use crate::common::Repo;

const DIR: &str = "incidents/2026-11-22-checkout-api-down";

/// Every field of incident.yaml, with offsets, a titled and a bare link, and `changed`.
const INCIDENT: &str = r#"title: "Checkout 支払い fails \u0007 again"
severity: SEV2
status: resolved
type: game-day
opened: "2026-11-22T14:32:00+05:30"
summary: "Payments failed.\nTwo lines."
public_title: Some payments failed
impact:
  summary: Card payments failed
  services: [checkout, payments]
  customers: EU customers
  regions: [eu-west-1]
tags: [payments, Database]
links:
- https://grafana.example.com/d/checkout
- url: https://chat.example.com/c/1
  title: War room
detection:
  source: customer
milestones:
  started: "2026-11-22T14:20:00-03:00"
  detected: "2026-11-22T14:25:00Z"
  acknowledged: "2026-11-22T14:30:00+05:30"
  mitigated: "2026-11-22T15:00:00+14:00"
  resolved: "2026-11-22T16:00:00-12:00"
changed:
  status: "2026-11-22T16:00:00Z"
  milestones.resolved: "2026-11-22T16:00:01+01:00"
"#;

fn run(repo: &Repo, args: &[&str], cache: bool) -> Output {
    let mut cmd = repo.cmd();
    if !cache {
        cmd.env("INC_NO_CACHE", "1");
    }
    cmd.args(args).output().unwrap()
}

/// A repository whose incident has every field and whose post-mortem has Improvements with
/// every attribute, its files old enough for the cache to store them.
fn repo() -> Repo {
    let mut repo = Repo::with_incident();
    repo.ok_at("14:45", &["resolve"]);
    repo.ok_at("14:50", &["postmortem"]);
    let pm = format!("{DIR}/postmortem.md");
    let text = repo.read(&pm).replace(
        "## Improvements\n",
        "## Improvements\n\n\
         - [ ] Validate pool sizes (owner: bob, due: 2026-12-15, type: prevent, ref: JIRA-1, \
         id: a1b2, colour: red)\n\
         - [x] Alert on 5xx (owner: alice, done: 2026-11-30, by: carol)\n  wrapped onto a \
         second line\n",
    );
    repo.write(&pm, &text);
    repo.write(&format!("{DIR}/incident.yaml"), INCIDENT);
    repo.now = "2026-12-01T00:00:00Z".into();
    std::thread::sleep(std::time::Duration::from_millis(3100));
    repo
}

#[test]
fn a_cached_incident_comes_back_whole() {
    let repo = repo();
    for args in [
        &["list", "--all", "--json"][..],
        &["list", "--all"],
        &["list", "--all", "--format", "csv"],
        &["stats", "--json"],
        &["stats", "--json", "--include-all"],
        &["stats", "--by", "service", "--include-all"],
        &["stats", "--by", "source", "--include-all"],
        &["show"],
    ] {
        let cold = run(&repo, args, false);
        assert!(cold.status.success(), "{args:?}: {cold:?}");
        for pass in ["filling", "warm"] {
            let out = run(&repo, args, true);
            assert_eq!(
                (&out.stdout, &out.stderr),
                (&cold.stdout, &cold.stderr),
                "inc {args:?}, {pass} run:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&cold.stdout),
            );
        }
    }
    let stats = repo.json(&["stats", "--json", "--include-all"]);
    assert_eq!(stats[0]["improvements"]["done"], 1, "{stats}");
    assert_eq!(stats[0]["improvements"]["open"], 1, "{stats}");
    let json = repo.json(&["list", "--all", "--json"]);
    let text = json.to_string();
    for part in [
        "War room",
        "eu-west-1",
        "EU customers",
        "game-day",
        "2026-11-22T16:00:00-12:00",
        "customer",
    ] {
        assert!(text.contains(part), "{part} in {json}");
    }
}

#[test]
fn the_cache_holds_no_json_and_no_time_as_text() {
    let repo = repo();
    run(&repo, &["stats", "--include-all"], true);
    for name in ["incidents", "improvements"] {
        let bytes = std::fs::read(repo.path(&format!(".git/inc/cache/{name}"))).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("Validate pool sizes") || text.contains("Checkout"),
            "{name}"
        );
        for json in [
            "\"title\":",
            "\"text\":",
            "2026-11-22T14:32:00",
            "\"line\":",
        ] {
            assert!(!text.contains(json), "{name} holds {json}");
        }
    }
}
