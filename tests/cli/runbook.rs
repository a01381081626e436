//! Runbooks: matching by severity, tag and service; escalation adding runbooks; ticking from two
//! clones merged without conflict; pre-approved steps run with `inc exec --step` while other
//! changes still need approval; the break-glass runbook from `inc init` and its next due step on
//! the dashboard; `inc runbook new --from`; `inc check` on runbook files; every refusal writes
//! nothing.

use crate::common::{CHECKOUT, Repo, bare_remote};

const TIMELINE: &str = "incidents/2026-11-22-checkout-api-down/timeline.yaml";

const DB: &str = "---
title: Database failover
when:
  severity: [SEV1, SEV2]
  tags: [db]
---
# Database failover

- [ ] Page the DBA on call
- [ ] Fail over to the replica: `dbctl failover --to replica` (pre-approved)
- [ ] Restart the workers: `kubectl rollout restart deploy/workers`
";

const CHECKOUT_SVC: &str = "---
when:
  services: [checkout]
---
- [ ] Check the payment provider's status page
";

const NEVER: &str = "---
title: Only by hand
---
- [ ] Something
";

fn with_runbooks() -> Repo {
    let repo = Repo::new();
    repo.write(".inc/runbooks/db.md", DB);
    repo.write(".inc/runbooks/checkout.md", CHECKOUT_SVC);
    repo.write(".inc/runbooks/manual.md", NEVER);
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "runbooks"]);
    repo
}

fn open(repo: &Repo, args: &[&str]) -> String {
    let mut all = vec!["open", "Checkout API down"];
    all.extend_from_slice(args);
    let out = repo.run(&all);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), CHECKOUT);
    String::from_utf8(out.stderr).unwrap()
}

fn attached(repo: &Repo) -> Vec<String> {
    let shown = repo.json(&["show", "--json"]);
    shown["runbooks"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|r| r["name"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn runbooks_attach_by_severity_tag_and_service() {
    let repo = with_runbooks();
    // SEV2 and tag db: db matches (both lists); checkout needs a service, manual never attaches.
    let note = open(&repo, &["--sev", "SEV2", "--tag", "DB"]);
    assert_eq!(
        note,
        format!("{CHECKOUT}: attached runbook db (see `inc runbook`)\n")
    );
    assert_eq!(attached(&repo), ["db"]);
    assert!(
        repo.read(TIMELINE)
            .contains("kind: runbook-attach\n  ref: db\n")
    );

    // The right tag at the wrong severity does not match.
    let other = with_runbooks();
    assert_eq!(open(&other, &["--sev", "SEV3", "--tag", "db"]), "");
    assert!(attached(&other).is_empty());
    assert!(other.ok(&["runbook"]).contains("no runbooks attached"));
}

#[test]
fn rising_severity_adds_runbooks_and_falling_removes_none() {
    let repo = with_runbooks();
    open(&repo, &["--sev", "SEV3", "--tag", "db"]);
    assert!(attached(&repo).is_empty());
    let out = repo.ok(&["sev", "1"]);
    assert!(
        out.contains("Severity SEV3 → SEV1\n")
            && out.contains("Attached runbook break-glass (Break glass)")
            && out.contains("Attached runbook db (Database failover)"),
        "{out}"
    );
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: sev SEV1"));
    assert_eq!(attached(&repo), ["break-glass", "db"]);
    repo.ok(&["sev", "4"]);
    assert_eq!(attached(&repo), ["break-glass", "db"]);
    // Detached by hand: a later escalation leaves it detached.
    repo.ok(&["runbook", "detach", "db"]);
    repo.ok(&["sev", "2"]);
    assert_eq!(attached(&repo), ["break-glass"]);
}

#[test]
fn services_match_after_impact_on_escalation() {
    let repo = with_runbooks();
    open(&repo, &["--sev", "SEV3"]);
    repo.ok(&["impact", "--service", "Checkout"]);
    repo.ok(&["sev", "2"]);
    assert_eq!(attached(&repo), ["checkout"]);
}

#[test]
fn steps_are_ticked_shown_and_refused_twice() {
    let repo = with_runbooks();
    open(&repo, &["--sev", "SEV2", "--tag", "db"]);
    let out = repo.ok(&["runbook", "done", "1", "--by", "carol"]);
    assert_eq!(
        out,
        format!("{CHECKOUT}: Done db:1: Page the DBA on call\n")
    );
    assert!(
        repo.read(TIMELINE)
            .contains("by: carol\n  kind: runbook-step\n  ref: db:1\n  internal: true\n")
    );
    let shown = repo.ok(&["runbook"]);
    assert!(
        shown.contains("db (Database failover): 1/3 done"),
        "{shown}"
    );
    assert!(
        shown.contains("[x]  1. Page the DBA on call (done 2026-11-22 14:40 by carol)"),
        "{shown}"
    );
    assert!(shown.contains("next: db:2 Fail over"), "{shown}");
    assert!(
        repo.ok(&["show"])
            .contains("db (Database failover): 1/3 done; next db:2")
    );
    assert!(
        repo.ok(&["report", "--template", "tactical"])
            .contains("- db: 1/3 steps done; next db:2: Fail over")
    );

    let before = repo.state();
    for (args, wanted) in [
        (vec!["runbook", "done", "db:1"], "already done by carol"),
        (
            vec!["runbook", "done", "db:9"],
            "its steps are db:1 to db:3",
        ),
        (
            vec!["runbook", "done", "manual:1"],
            "runbook manual is not attached",
        ),
        (vec!["runbook", "attach", "nope"], "no runbook \"nope\""),
        (vec!["runbook", "attach", "../x"], "not a runbook name"),
        (vec!["runbook", "detach", "manual"], "is not attached"),
        (vec!["runbook", "new", "db"], "already exists"),
        (vec!["runbook", "new", "Bad Name"], "not a runbook name"),
        (
            vec!["runbook", "--no-commit"],
            "does nothing for inc runbook",
        ),
    ] {
        let err = repo.fails(2, &args);
        assert!(err.contains(wanted), "{args:?}: {err}");
    }
    assert_eq!(repo.state(), before);
}

#[test]
fn two_clones_tick_different_steps_and_merge_without_conflict() {
    let (_remote, path) = bare_remote();
    let lead = with_runbooks();
    open(&lead, &["--sev", "SEV2", "--tag", "db"]);
    lead.git(&["remote", "add", "origin", path.to_str().unwrap()]);
    lead.ok(&["sync"]);
    let mut scribe = Repo::clone_of(&path);
    scribe.user = "bob".into();
    scribe.ok(&["list"]);

    lead.ok_at("14:45", &["runbook", "done", "db:1"]);
    scribe.ok_at("14:46", &["runbook", "done", "db:3"]);
    lead.ok(&["sync"]);
    scribe.ok(&["sync"]);
    lead.ok(&["sync"]);
    assert_eq!(lead.read(TIMELINE), scribe.read(TIMELINE));
    assert!(!lead.read(TIMELINE).contains("<<<<<<<"));
    for repo in [&lead, &scribe] {
        let shown = repo.ok(&["runbook"]);
        assert!(shown.contains("2/3 done"), "{shown}");
        assert!(shown.contains("done 2026-11-22 14:45 by alice"), "{shown}");
        assert!(shown.contains("done 2026-11-22 14:46 by bob"), "{shown}");
    }
}

#[test]
fn a_pre_approved_step_runs_without_approval_and_others_still_need_it() {
    let repo = with_runbooks();
    repo.write(
        ".inc/runbooks/db.md",
        &DB.replace("dbctl failover --to replica", "true"),
    );
    repo.git(&["commit", "-qam", "db"]);
    open(&repo, &["--sev", "SEV2", "--tag", "db", "--lead", "carol"]);

    // Step 3 is a change nobody approved: refused, pointing to inc change request.
    let before = repo.state();
    let err = repo.fails(2, &["exec", "--step", "3", "--", "true"]);
    assert!(
        err.contains("db:3 is not pre-approved: ask the incident lead with `inc change request"),
        "{err}"
    );
    // Step 2 pre-approves `true` only.
    let err = repo.fails(2, &["exec", "--step", "db:2", "--", "echo", "hi"]);
    assert!(
        err.contains("db:2 pre-approves `true`, not `echo hi`"),
        "{err}"
    );
    assert_eq!(repo.state(), before);

    let out = repo.ok(&["exec", "--step", "2", "--", "true"]);
    assert!(out.contains(&format!("{CHECKOUT}: done db:2\n")), "{out}");
    assert!(repo.read(TIMELINE).contains("ref: db:2\n"));
    assert!(repo.ok(&["runbook"]).contains("[x]  2."));

    // The other change still waits for the incident lead.
    let requested = repo.ok(&["change", "request", "Restart the workers"]);
    assert!(
        requested.contains("the incident lead (carol) approves"),
        "{requested}"
    );
    let shown = repo.ok(&["show"]);
    assert!(
        shown.contains("Pending changes") && shown.contains("Restart the workers"),
        "{shown}"
    );
}

#[test]
fn init_writes_break_glass_and_the_dashboard_shows_its_next_due_step() {
    let repo = Repo::new();
    let text = repo.read(".inc/runbooks/break-glass.md");
    assert!(text.contains("  severity: [SEV1]\n"), "{text}");
    assert!(text.contains("- {until: 1h, every: 10m}\n"), "{text}");
    assert!(
        repo.git(&["ls-files"])
            .contains(".inc/runbooks/break-glass.md")
    );
    assert!(repo.ok(&["check"]).contains("no problems") || repo.run(&["check"]).status.success());

    let note = open(&repo, &["--sev", "SEV1"]);
    assert!(note.contains("attached runbook break-glass"), "{note}");
    // The dashboard's runbook duties: the checklist's next step, and the repeating step due
    // soonest (once, however many steps repeat), with whether it is overdue.
    let steps = |now: &str| -> Vec<(String, bool)> {
        let rows: serde_json::Value =
            serde_json::from_str(&repo.ok_at(now, &["status", "--json"])).unwrap();
        rows[0]["duties"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"] == "runbook")
            .map(|d| {
                let text = d["text"].as_str().unwrap();
                (
                    text.split(' ').next().unwrap().to_string(),
                    d["overdue"] == true,
                )
            })
            .collect()
    };
    let step = |name: &str, overdue| (name.to_string(), overdue);
    // Opened at 14:40: the steps in order first, the repeating ones due at 14:50.
    assert_eq!(
        steps("14:45"),
        [step("break-glass:1", false), step("break-glass:5", false)]
    );
    // At 14:55 the repeating assess step is overdue, and does not hide the checklist.
    assert_eq!(
        steps("14:55"),
        [step("break-glass:1", false), step("break-glass:5", true)]
    );
    let json = repo.ok_at("14:55", &["status", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[0]["next_step"]["step"], "break-glass:5");
    assert_eq!(rows[0]["next_step"]["due"], "2026-11-22T14:50:00+00:00");

    // Done at 14:55: due again 10 minutes later; after the first hour every 30 minutes.
    repo.ok_at("14:55", &["runbook", "done", "break-glass:5"]);
    let shown = repo.ok_at("14:56", &["runbook"]);
    assert!(shown.contains("[~]  5. Assess"), "{shown}");
    assert!(shown.contains("due 15:05 (in 9m)"), "{shown}");
    repo.ok_at("15:45", &["runbook", "done", "break-glass:5"]);
    let shown = repo.ok_at("15:46", &["runbook"]);
    assert!(shown.contains("due 16:15 (in 29m)"), "{shown}");
}

#[test]
fn init_adds_break_glass_to_an_older_repository_and_keeps_an_edited_one() {
    let repo = Repo::new();
    repo.git(&["rm", "-q", ".inc/runbooks/break-glass.md"]);
    repo.git(&["commit", "-qm", "as before runbooks"]);
    // An older repository without runbooks works as before.
    open(&repo, &["--sev", "SEV1"]);
    assert!(repo.ok(&["runbook"]).contains("no runbooks attached"));
    repo.ok(&["init"]);
    assert!(repo.path(".inc/runbooks/break-glass.md").exists());
    repo.write(".inc/runbooks/break-glass.md", "---\n---\n- [ ] Mine\n");
    repo.ok(&["init"]);
    assert_eq!(
        repo.read(".inc/runbooks/break-glass.md"),
        "---\n---\n- [ ] Mine\n"
    );
}

#[test]
fn runbook_new_from_an_incident_collects_actions_decisions_and_process_improvements() {
    let repo = Repo::with_incident();
    repo.ok(&["log", "--kind", "action", "Restarted the payment pods"]);
    repo.ok(&[
        "log",
        "--kind",
        "decision",
        "Fail over to EU-2 (pre-approved)",
    ]);
    repo.ok(&["log", "Customers report errors"]);
    repo.ok(&["resolve"]);
    repo.ok(&["postmortem"]);
    let pm = format!("incidents/{CHECKOUT}/postmortem.md");
    let text = repo.read(&pm).replace(
        "## Improvements\n",
        "## Improvements\n\n- [ ] Add a failover drill to the on-call handbook (type: process)\n- [ ] Add an alert (type: prevent)\n",
    );
    repo.write(&pm, &text);
    repo.git(&["commit", "-qam", "pm"]);

    let out = repo.ok(&["runbook", "new", "payments", "--from", "checkout"]);
    assert_eq!(out, ".inc/runbooks/payments.md\n");
    assert_eq!(repo.head_message(), "inc: runbook new payments");
    let text = repo.read(".inc/runbooks/payments.md");
    assert!(
        text.contains("- [ ] Restarted the payment pods\n"),
        "{text}"
    );
    // A logbook cannot pre-approve anything: the suffix is dropped.
    assert!(text.contains("- [ ] Fail over to EU-2\n"), "{text}");
    assert!(
        text.contains("- [ ] Add a failover drill to the on-call handbook\n"),
        "{text}"
    );
    assert!(!text.contains("Customers report errors") && !text.contains("Add an alert"));
    // It parses, and attaches by hand.
    repo.ok(&["runbook", "attach", "payments", "-i", "checkout"]);
}

#[test]
fn check_reports_broken_runbooks_with_file_line_and_column() {
    let repo = Repo::new();
    repo.write(
        ".inc/runbooks/bad.md",
        "---\ntitle: Bad\nwhen:\n  sevrity: [SEV1]\n---\n- [ ] a\n",
    );
    repo.write(
        ".inc/runbooks/names.md",
        "---\nwhen:\n  severity: [SEV9]\nrepeat:\n  default:\n    - {every: 10m}\n    - {every: 30m}\n---\n- [ ] a\n",
    );
    repo.write(
        ".inc/runbooks/empty.md",
        "---\nwhen: {}\n---\nNo checklist here.\n",
    );
    repo.write(".inc/runbooks/nofront.md", "- [ ] a\n");
    let out = repo.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    for wanted in [
        ".inc/runbooks/bad.md\n  4:3     error    front matter: unknown field `sevrity`",
        ".inc/runbooks/empty.md\n  4:1     error    no steps",
        ".inc/runbooks/names.md\n  3:3     error    unknown severity \"SEV9\"",
        "  5:3     error    repeat default: only the last pace may leave out `until`",
        ".inc/runbooks/nofront.md\n  1:1     error    no front matter",
        "5 errors and 0 warnings in 4 files",
    ] {
        assert!(text.contains(wanted), "{wanted}\n{text}");
    }
    // A broken runbook never stops an incident from opening.
    let out = repo.run(&["open", "X", "--sev", "SEV1"]);
    assert!(out.status.success());
}

#[test]
fn runbooks_are_inc_files_and_links_are_refused() {
    let (_remote, path) = bare_remote();
    let repo = Repo::new();
    repo.git(&["remote", "add", "origin", path.to_str().unwrap()]);
    repo.write(".inc/runbooks/extra.md", NEVER);
    repo.write(".inc/runbooks/notes.txt", "mine");
    let note = repo.run(&["sync"]);
    assert!(note.status.success());
    assert!(
        String::from_utf8_lossy(&note.stderr)
            .contains("left alone (not inc's files, so not committed): .inc/runbooks/notes.txt")
    );
    let committed = repo.git(&["ls-files"]);
    assert!(committed.contains(".inc/runbooks/extra.md"), "{committed}");
    assert!(!committed.contains("notes.txt"), "{committed}");

    #[cfg(unix)]
    {
        let outside = repo.path("../outside.md");
        std::fs::write(&outside, NEVER).unwrap();
        std::os::unix::fs::symlink(&outside, repo.path(".inc/runbooks/linked.md")).unwrap();
        repo.ok_at(crate::common::NOW, &["open", "Checkout API down"]);
        let before = repo.state();
        let err = repo.fails(1, &["runbook", "attach", "linked"]);
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(repo.state(), before);
    }
}

#[test]
fn hostile_runbooks_are_bounded_and_escaped() {
    let repo = Repo::new();
    let huge = format!(
        "---\nwhen: {{severity: [SEV1]}}\n---\n{}",
        "- [ ] x\n".repeat(40_000)
    );
    repo.write(".inc/runbooks/huge.md", &huge);
    repo.write(
        ".inc/runbooks/ansi.md",
        "---\nwhen: {severity: [SEV1]}\n---\n- [ ] Look \u{1b}[31mred\u{1b}[0m here\n",
    );
    let note = open(&repo, &["--sev", "SEV1"]);
    assert!(
        note.contains("warning: runbook huge skipped") && note.contains("larger than inc reads"),
        "{note}"
    );
    assert!(
        note.contains("attached runbook ansi, break-glass"),
        "{note}"
    );
    let shown = repo.ok(&["runbook"]);
    assert!(!shown.contains('\u{1b}'), "{shown}");
    assert!(shown.contains("Look \\u{1b}[31mred"), "{shown}");
    let out = repo.run(&["check"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(".inc/runbooks/huge.md\n  1:1"), "{text}");
}

#[test]
fn a_failed_pre_approved_command_is_logged_and_the_step_stays_open() {
    let repo = with_runbooks();
    repo.write(
        ".inc/runbooks/db.md",
        &DB.replace("dbctl failover --to replica", "false"),
    );
    repo.git(&["commit", "-qam", "db"]);
    open(&repo, &["--sev", "SEV2", "--tag", "db"]);
    let out = repo.run(&["exec", "--step", "db:2", "--", "false"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("db:2 stays open: the command failed"),
        "{stdout}"
    );
    assert!(!repo.read(TIMELINE).contains("ref: db:2\n"));
    assert!(repo.read(TIMELINE).contains("$ false → exit 1"));
}
