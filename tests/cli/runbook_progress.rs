//! Runbook progress in `inc show`: "all done" only when every step is, also once the incident is
//! resolved (nothing is due then, which once read as "all done").

use crate::common::Repo;

const DB: &str = "---
title: Database failover
when:
  severity: [SEV1, SEV2]
---
- [ ] Page the DBA on call
- [ ] Fail over to the replica
- [ ] Restart the workers
";

fn with_db_runbook() -> Repo {
    let repo = Repo::new();
    repo.write(".inc/runbooks/db.md", DB);
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "runbooks"]);
    let out = repo.run(&["open", "Checkout API down", "--sev", "SEV2"]);
    assert!(out.status.success(), "{out:?}");
    repo
}

fn runbook_line(repo: &Repo) -> String {
    let shown = repo.ok(&["show"]);
    shown
        .lines()
        .find(|l| l.trim_start().starts_with("db (Database failover)"))
        .unwrap_or_else(|| panic!("no runbook line in:\n{shown}"))
        .trim()
        .to_string()
}

#[test]
fn a_resolved_incident_with_steps_left_is_not_all_done() {
    let repo = with_db_runbook();
    repo.ok(&["runbook", "done", "1"]);
    assert_eq!(
        runbook_line(&repo),
        "db (Database failover): 1/3 done; next db:2 Fail over to the replica"
    );
    repo.ok(&["resolve"]);
    assert_eq!(
        runbook_line(&repo),
        "db (Database failover): 1/3 done; 2 not done"
    );
    // JSON says the same: nothing next, one of three done.
    let shown = repo.json(&["show", "--json"]);
    assert_eq!(shown["runbooks"][0]["done"], 1);
    assert_eq!(shown["runbooks"][0]["total"], 3);
    assert_eq!(shown["runbooks"][0]["next"], serde_json::Value::Null);
}

#[test]
fn every_step_done_is_all_done_open_or_resolved() {
    let repo = with_db_runbook();
    for step in ["1", "2", "3"] {
        repo.ok(&["runbook", "done", step]);
    }
    assert_eq!(
        runbook_line(&repo),
        "db (Database failover): 3/3 done; all done"
    );
    repo.ok(&["resolve"]);
    assert_eq!(
        runbook_line(&repo),
        "db (Database failover): 3/3 done; all done"
    );
}
