//! Seams between features built apart: runbooks attached when impact or tags change, and the
//! tactical report with more than one runbook.

use crate::common::{CHECKOUT, Repo};

const BY_SERVICE: &str = "---
title: Checkout provider
when:
  services: [checkout]
---
- [ ] Check the payment provider's status page
";

const BY_TAG: &str = "---
title: Database
when:
  tags: [db]
---
- [ ] Page the DBA on call
";

fn with_runbooks() -> Repo {
    let repo = Repo::new();
    repo.write(".inc/runbooks/checkout.md", BY_SERVICE);
    repo.write(".inc/runbooks/db.md", BY_TAG);
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "runbooks"]);
    repo.open_checkout();
    repo
}

fn attached(repo: &Repo) -> Vec<String> {
    repo.json(&["show", "--json"])["runbooks"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|r| r["name"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn impact_service_attaches_its_runbook() {
    let repo = with_runbooks();
    assert!(attached(&repo).is_empty());
    let out = repo.ok(&["impact", "--service", "checkout"]);
    assert!(
        out.contains(&format!(
            "{CHECKOUT}: Attached runbook checkout (Checkout provider)\n"
        )),
        "{out}"
    );
    assert_eq!(attached(&repo), ["checkout"]);
    // One commit for the impact and the attachment.
    assert!(repo.status().is_empty());
    assert_eq!(
        repo.head_files(),
        [
            format!("incidents/{CHECKOUT}/incident.yaml"),
            format!("incidents/{CHECKOUT}/timeline.yaml")
        ]
    );
}

#[test]
fn tag_add_attaches_its_runbook() {
    let repo = with_runbooks();
    let out = repo.ok(&["tag", "add", "db"]);
    assert!(out.contains("Attached runbook db (Database)"), "{out}");
    assert_eq!(attached(&repo), ["db"]);
    // Once only: removing and adding the tag again attaches nothing more.
    repo.ok(&["tag", "remove", "db"]);
    let again = repo.ok(&["tag", "add", "db"]);
    assert!(!again.contains("Attached"), "{again}");
}

#[test]
fn impact_after_resolution_attaches_nothing() {
    let repo = with_runbooks();
    repo.ok(&["resolve"]);
    let out = repo.ok(&["impact", "--service", "checkout"]);
    assert!(!out.contains("Attached"), "{out}");
    assert!(attached(&repo).is_empty());
}

#[test]
fn tactical_report_lists_each_runbook_on_its_own_line() {
    let repo = with_runbooks();
    repo.ok(&["runbook", "attach", "db"]);
    repo.ok(&["runbook", "attach", "checkout"]);
    let report = repo.ok(&["report", "--template", "tactical"]);
    let section = report
        .split("## Runbooks\n\n")
        .nth(1)
        .and_then(|rest| rest.split("## Needs").next())
        .expect("a Runbooks section");
    assert_eq!(
        section,
        "- db: 0/1 steps done; next db:1: Page the DBA on call\n\
         - checkout: 0/1 steps done; next checkout:1: Check the payment provider's status page\n\n"
    );
}

#[test]
fn check_reports_runbook_services_missing_from_the_catalog() {
    let repo = Repo::new();
    repo.write(
        ".inc/catalog.yaml",
        "services:\n  - name: checkout\n  - name: api\n",
    );
    repo.write(
        ".inc/runbooks/pay.md",
        "---\nwhen:\n  services:\n    - api\n    - chekout\n---\n- [ ] Check the provider\n",
    );
    let run = repo.run(&["check"]);
    assert_eq!(run.status.code(), Some(1));
    let out = String::from_utf8(run.stdout).unwrap() + &String::from_utf8(run.stderr).unwrap();
    assert!(
        out.contains(".inc/runbooks/pay.md\n  5:7     error    service \"chekout\" is not in .inc/catalog.yaml: did you mean checkout?"),
        "{out}"
    );
    // Listed names, in any case, pass; so does any name without a catalog.
    repo.write(
        ".inc/runbooks/pay.md",
        "---\nwhen:\n  services: [API, checkout]\n---\n- [ ] Check the provider\n",
    );
    repo.ok(&["check"]);
    std::fs::remove_file(repo.path(".inc/catalog.yaml")).unwrap();
    repo.write(
        ".inc/runbooks/pay.md",
        "---\nwhen:\n  services: [chekout]\n---\n- [ ] Check the provider\n",
    );
    repo.ok(&["check"]);
}

#[test]
fn runbook_from_an_incident_turns_exec_entries_into_run_steps() {
    let repo = Repo::with_incident();
    repo.ok(&["exec", "--", "true"]);
    let failed = repo.run(&["exec", "--", "false"]);
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
    repo.ok(&["log", "--kind", "decision", "Roll back first"]);
    repo.ok(&["runbook", "new", "learned", "--from", CHECKOUT]);
    let text = repo.read(".inc/runbooks/learned.md");
    let steps: Vec<&str> = text.lines().filter(|l| l.starts_with("- [ ]")).collect();
    assert_eq!(steps, ["- [ ] Run `true`", "- [ ] Roll back first"]);
}

#[test]
fn init_config_keeps_a_blank_line_between_sections() {
    let repo = Repo::new();
    let config = repo.read(".inc.yaml");
    assert!(
        config.contains("  false-alarm: {exclude_from_metrics: true, postmortem: optional}\n\n# The largest file"),
        "{config}"
    );
    // Every comment block that opens a section follows a blank line.
    let lines: Vec<&str> = config.lines().collect();
    for pair in lines.windows(2) {
        if pair[1].starts_with("# ") && !pair[0].starts_with('#') {
            assert!(pair[0].is_empty(), "no blank line before {:?}", pair[1]);
        }
    }
}
