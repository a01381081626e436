//! Issue 12, what reports say: update drafts a comms lead can send, time zones, the public and
//! internal reports, `postmortem --refresh`, stable order, the tactical report once resolved, the
//! HTML phase chart, the demo's transcript and the benchmark generator.

use std::path::PathBuf;

use crate::common::{CHECKOUT, Repo};

const INCIDENT: &str = "incidents/2026-11-22-checkout-api-down/incident.yaml";
const PM: &str = "incidents/2026-11-22-checkout-api-down/postmortem.md";

fn report(repo: &Repo, args: &[&str]) -> String {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    repo.ok(&all)
}

/// A SEV1 under investigation whose summary is a statement, with a command run through inc.
fn sev1() -> Repo {
    let repo = Repo::new();
    // ok_at: a SEV1 notes the break-glass runbook it attaches on stderr.
    repo.ok_at(
        crate::common::NOW,
        &[
            "open",
            "Checkout API down",
            "--sev",
            "SEV1",
            "--started",
            "14:02",
            "--summary",
            "40% of checkouts fail",
        ],
    );
    repo.ok(&["exec", "--", "sh", "-c", "exit 0"]);
    repo.ok(&[
        "log",
        "--kind",
        "action",
        "Failed over the payments database",
    ]);
    repo
}

#[test]
fn update_drafts_are_prose_with_the_next_update_from_the_severity_cadence() {
    let repo = sev1();
    for audience in ["executives", "customers"] {
        let draft = report(&repo, &["-t", "update", "--audience", audience]);
        // Customers never read the team's summary: only what was written for them.
        let expected = if audience == "customers" {
            "We are investigating a problem affecting our service.\n"
        } else {
            "We are investigating: 40% of checkouts fail.\n"
        };
        assert!(draft.contains(expected), "{audience}: {draft}");
        for shell in ["$ ", "sh -c", "exit 0", "exit"] {
            assert!(!draft.contains(shell), "{audience} sees {shell:?}: {draft}");
        }
        // SEV1 updates every 30 minutes at the latest: the next one is promised with date and zone.
        assert!(
            draft.contains("Next update by 2026-11-22 15:10 UTC.\n"),
            "{audience}: {draft}"
        );
        assert!(!draft.contains("within the hour"), "{draft}");
    }
    let executives = report(&repo, &["-t", "update", "--audience", "executives"]);
    assert!(
        executives.contains("- Failed over the payments database\n"),
        "{executives}"
    );
    // The team's own channel sees the command, as a command.
    let internal = report(&repo, &["-t", "update", "--audience", "internal"]);
    assert!(internal.contains("- Ran `sh -c 'exit 0'`\n"), "{internal}");

    // A SEV3 follows the default cadence (60 minutes).
    let repo = Repo::with_incident();
    repo.ok(&["sev", "SEV3"]);
    let draft = report(&repo, &["-t", "update", "--audience", "internal"]);
    assert!(
        draft.contains("Next update by 2026-11-22 15:40 UTC.\n"),
        "{draft}"
    );
}

#[test]
fn report_times_name_the_repositorys_time_zone() {
    let repo = Repo::with_incident();
    let internal = report(&repo, &[]);
    assert!(
        internal.contains("- **Detected:** 2026-11-22 14:05 UTC"),
        "{internal}"
    );
    assert!(internal.contains("| Time (UTC) | Event |"), "{internal}");
    let config = repo
        .read(".inc.yaml")
        .replace("timezone: UTC", "timezone: Europe/Berlin");
    repo.write(".inc.yaml", &config);
    let internal = report(&repo, &[]);
    assert!(
        internal.contains("- **Detected:** 2026-11-22 15:05 CET"),
        "{internal}"
    );
    assert!(
        internal.contains("| Time (Europe/Berlin) | Event |\n|---|---|\n| 2026-11-22 15:02 |"),
        "{internal}"
    );
    let tactical = report(&repo, &["-t", "tactical"]);
    assert!(
        tactical.contains("as of 2026-11-22 15:40 CET"),
        "{tactical}"
    );

    repo.write(
        ".inc.yaml",
        &config.replace("timezone: Europe/Berlin", "timezone: Mars/Olympus"),
    );
    let err = repo.fails(1, &["report"]);
    assert_eq!(
        err,
        "error: .inc.yaml: timezone \"Mars/Olympus\" is not a time zone: use an IANA name like UTC, Europe/Berlin or America/New_York\n"
    );
}

#[test]
fn the_external_report_uses_the_public_title_and_impact_and_follows_the_status() {
    let repo = Repo::new();
    repo.ok(&[
        "open",
        "payments-db pool exhausted after deploy v412",
        "--sev",
        "SEV2",
        "--started",
        "14:02",
        "--detected",
        "14:05",
        "--source",
        "alert",
        "--public-title",
        "Errors during checkout",
        "--impact",
        "Some card payments failed",
    ]);
    let yaml = repo.read(
        INCIDENT
            .replace(
                "checkout-api-down",
                "payments-db-pool-exhausted-after-deploy-v412",
            )
            .as_str(),
    );
    assert!(
        yaml.contains(
            "public_title: Errors during checkout\nimpact:\n  summary: Some card payments failed\n"
        ),
        "{yaml}"
    );
    let external = report(&repo, &["-t", "external"]);
    assert!(
        external.starts_with("# Errors during checkout\n"),
        "{external}"
    );
    assert!(
        external.contains(
            "**Ongoing.** We are investigating a problem that began at 2026-11-22 14:02 UTC. Some card payments failed.\n"
        ),
        "{external}"
    );
    assert!(!external.contains("pool exhausted"), "{external}");
    assert!(!external.contains("some of our customers"), "{external}");
    assert!(external.contains("## How we found it\n"), "{external}");

    repo.ok(&["status", "identified"]);
    let external = report(&repo, &["-t", "external"]);
    assert!(
        external.contains("**Ongoing.** We have found the cause and are working on a fix;"),
        "{external}"
    );
    repo.ok(&["mark", "mitigated", "--at", "14:30"]);
    repo.ok(&["status", "monitoring"]);
    let external = report(&repo, &["-t", "external"]);
    assert!(
        external.contains("**Recovering.** A fix is in place and we are monitoring the results;"),
        "{external}"
    );
    repo.ok(&["resolve", "--at", "14:38"]);
    let external = report(&repo, &["-t", "external"]);
    assert!(
        external.contains(
            "**Resolved.** From 2026-11-22 14:02 UTC to 2026-11-22 14:38 UTC (36m). Some card payments failed.\n"
        ),
        "{external}"
    );
    assert!(
        external.contains("## How we found and fixed it\n"),
        "{external}"
    );

    // Without a public title the headline is not the team's title either: the impact and the
    // date, in the repository's wording.
    let repo = Repo::with_incident();
    let external = report(&repo, &["-t", "external"]);
    assert!(
        external.starts_with("# Disruption to our service on 2026-11-22\n"),
        "{external}"
    );
    repo.ok(&["impact", "--service", "checkout-api,payments"]);
    let config =
        repo.read(".inc.yaml") + "public:\n  title: \"{services}: service disruption ({date})\"\n";
    repo.write(".inc.yaml", &config);
    let external = report(&repo, &["-t", "external"]);
    assert!(
        external.starts_with("# checkout-api and payments: service disruption (2026-11-22)\n"),
        "{external}"
    );
}

#[test]
fn public_entries_follow_the_repository_policy() {
    let repo = Repo::with_incident();
    repo.ok(&[
        "log",
        "--at",
        "14:09",
        "--public",
        "Payments are being retried",
    ]);
    repo.ok(&["log", "--at", "14:10", "--key", "Handed the bridge to bob"]);
    repo.ok(&["log", "--at", "14:11", "Restarted the checkout workers"]);
    repo.ok(&[
        "log",
        "--at",
        "14:12",
        "--key",
        "--internal",
        "Vendor ticket 88123",
    ]);
    let external = report(&repo, &["-t", "external"]);
    assert!(
        external.contains("| Payments are being retried |"),
        "{external}"
    );
    // --key is for the summary timeline: it does not make an entry public.
    for hidden in [
        "Handed the bridge",
        "Restarted the checkout workers",
        "88123",
    ] {
        assert!(!external.contains(hidden), "{hidden}: {external}");
    }
    // A template sees the same: public entries only.
    repo.write(
        ".inc/templates/entries.md",
        "{% for e in timeline %}{{ e.text }}\n{% endfor %}",
    );
    assert_eq!(
        report(&repo, &["-t", "entries", "--audience", "customers"]),
        "Payments are being retried\n"
    );

    // A repository made before --public existed says `key`: its key entries stay private.
    let policy = |value: &str| {
        let config: String = repo
            .read(".inc.yaml")
            .lines()
            .map(|line| match line.starts_with("public_entries:") {
                true => format!("public_entries: {value}\n"),
                false => format!("{line}\n"),
            })
            .collect();
        repo.write(".inc.yaml", &config);
        report(&repo, &["-t", "entries", "--audience", "customers"])
    };
    assert_eq!(policy("key"), "Payments are being retried\n");
    assert_eq!(
        policy("marked-and-key"),
        "Payments are being retried\nHanded the bridge to bob\n"
    );
    policy("all");
    let external = report(&repo, &["-t", "external"]);
    assert!(
        external.contains("| Restarted the checkout workers |"),
        "{external}"
    );
    assert!(!external.contains("88123"), "{external}");
    // Every entry but one: the opening entry quotes the team's title, never shown to customers.
    assert!(!external.contains("Checkout API down"), "{external}");
}

#[test]
fn the_internal_report_has_the_header_the_postmortem_and_commands_as_code() {
    let repo = Repo::with_incident();
    repo.ok(&["sev", "SEV1"]);
    repo.ok(&["exec", "--key", "--", "sh", "-c", "echo rolled back"]);
    repo.ok(&["mark", "mitigated", "--at", "14:30"]);
    repo.ok(&["resolve"]);
    repo.ok(&["postmortem"]);
    let pm = repo
        .read(PM)
        .replace(
            "## Root cause\n",
            "## Root cause\n\nThe pool was too small.\n",
        )
        .replace("## Trigger\n", "## Trigger\n\nDeploy v412.\n")
        .replace("## Resolution\n", "## Resolution\n\nRolled back to v411.\n")
        .replace(
            "### What went well\n",
            "### What went well\n\n- The rollback was quick.\n",
        );
    repo.write(PM, &pm);
    let internal = report(&repo, &[]);
    for expected in [
        "- **Outage:** 2026-11-22 14:02 UTC to 2026-11-22 14:40 UTC, 38m\n",
        "- **Detected:** 2026-11-22 14:05 UTC by alert, 3m after it started\n",
        "- **Mitigated:** 2026-11-22 14:30 UTC, 28m after it started\n",
        "- **Severity:** SEV2 from 2026-11-22 14:40 UTC; SEV1 from 2026-11-22 14:40 UTC\n",
        "## Root cause\n\nThe pool was too small.\n",
        "## Trigger\n\nDeploy v412.\n",
        "## Detection\n\nDetected by alert at 2026-11-22 14:05 UTC, 3m after it started.\n",
        "## Resolution\n\nRolled back to v411.\n",
        "## Lessons\n\n### What went well\n\n- The rollback was quick.\n",
        "| 2026-11-22 14:40 | Ran `sh -c 'echo rolled back'` (exit 0, 0s) |",
    ] {
        assert!(internal.contains(expected), "{expected:?} in:\n{internal}");
    }
    assert!(!internal.contains("$ sh -c"), "{internal}");
    // No table starts with an empty header row.
    let lines: Vec<&str> = internal.lines().collect();
    for pair in lines.windows(2) {
        if pair[1].starts_with("|---") {
            assert!(
                pair[0].chars().any(|c| c.is_alphanumeric()),
                "empty header {:?} in:\n{internal}",
                pair[0]
            );
        }
    }
}

#[test]
fn postmortem_refresh_rewrites_the_generated_parts_only() {
    let repo = Repo::with_incident();
    repo.ok(&["log", "--at", "14:10", "--key", "Error rate at 40%"]);
    repo.ok(&["postmortem"]);
    // People write; then the incident goes on.
    let mine = "\n\n  Carts  were *lost*,\r\nabout 3,100 of them.  \n";
    let written = repo.read(PM).replace(
        "## Impact\n\n<!-- Who was affected, how, and for how long. Numbers where you have them. -->\n",
        &format!("## Impact\n\n<!-- Who was affected, how, and for how long. Numbers where you have them. -->{mine}"),
    );
    repo.write(PM, &written);
    repo.git(&["commit", "-qam", "impact"]);
    repo.ok(&["log", "--at", "14:20", "--key", "Rolled back deploy v412"]);
    repo.ok(&["mark", "mitigated", "--at", "14:30"]);
    repo.ok(&["resolve", "--at", "14:38"]);
    let incident = repo.read(INCIDENT).replace(
        "summary: Checkout returns 500s",
        "summary: A bad deploy broke checkout",
    );
    repo.write(INCIDENT, &incident);
    repo.git(&["commit", "-qam", "summary"]);

    let out = repo.ok(&["postmortem", "--refresh"]);
    assert_eq!(
        out,
        format!("{PM}: rewrote header, summary, timeline, statistics\n")
    );
    let refreshed = repo.read(PM);
    assert!(refreshed.contains(mine), "{refreshed}");
    assert!(refreshed.contains("| 2026-11-22 14:20 | Rolled back deploy v412 |"));
    assert!(refreshed.contains("| Time to mitigate | 28m |"));
    assert!(refreshed.contains("\nA bad deploy broke checkout\n"));
    assert!(!refreshed.contains("Checkout returns 500s"));
    // Everything outside the generated parts is byte for byte what it was.
    let outside = |text: &str| {
        let mut kept = String::new();
        let mut inside = false;
        for line in text.split_inclusive('\n') {
            if line.starts_with("<!-- inc:generated") || line.starts_with("<!-- inc:suggested") {
                inside = true;
            } else if line.starts_with("<!-- inc:end") {
                inside = false;
            } else if !inside {
                kept.push_str(line);
            }
        }
        kept
    };
    assert_eq!(outside(&refreshed), outside(&written));
    assert_eq!(repo.head_files(), [PM]);
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: refresh postmortem (header, summary, timeline, statistics)")
    );

    // A summary someone rewrote is theirs: a later refresh keeps it.
    let edited = refreshed.replace("\nA bad deploy broke checkout\n", "\nOur words.\n");
    repo.write(PM, &edited);
    repo.write(
        INCIDENT,
        &repo
            .read(INCIDENT)
            .replace("summary: A bad deploy broke checkout", "summary: Newer"),
    );
    let out = repo.ok(&["postmortem", "--refresh"]);
    assert!(out.contains("kept the summary you edited"), "{out}");
    assert!(repo.read(PM).contains("\nOur words.\n"));
    assert!(!repo.read(PM).contains("Newer"));
    // Nothing changed: nothing written.
    let head = repo.head();
    let out = repo.ok(&["postmortem", "--refresh"]);
    assert!(out.ends_with(&format!("{PM} is up to date\n")), "{out}");
    assert_eq!(repo.head(), head);
}

#[test]
fn postmortem_refresh_finds_the_sections_of_an_older_postmortem_by_heading() {
    let repo = Repo::with_incident();
    repo.ok(&["log", "--at", "14:10", "--key", "Error rate at 40%"]);
    let old = format!(
        "---\nstatus: draft\nincident: {CHECKOUT}\nauthors: [\"alice\"]\n---\n# Post-mortem: Checkout API down\n\nSEV2 · opened 2026-11-22 14:40\n\n## Summary\n\nWritten by us.\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| 2026-11-22 14:02 | Outage started |\n\n## Statistics\n\n| | |\n|---|---|\n| Time to detect | 3m |\n\n## Issues\n\n- Ours.\n"
    );
    repo.write(PM, &old);
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "old post-mortem"]);
    let out = repo.ok(&["postmortem", "--refresh"]);
    assert_eq!(out, format!("{PM}: rewrote timeline, statistics\n"));
    let text = repo.read(PM);
    assert!(
        text.starts_with(&old[..old.find("## Timeline").unwrap()]),
        "{text}"
    );
    assert!(
        text.contains("| 2026-11-22 14:10 | Error rate at 40% |"),
        "{text}"
    );
    assert!(text.contains("<!-- inc:generated timeline -->"), "{text}");
    assert!(text.ends_with("## Issues\n\n- Ours.\n"), "{text}");
    // And the next refresh uses the markers it left.
    assert!(
        repo.ok(&["postmortem", "--refresh"])
            .ends_with("is up to date\n")
    );

    // --refresh is not --force, and does not open an editor.
    for other in ["--force", "--edit"] {
        let err = repo.fails(2, &["postmortem", "--refresh", other]);
        assert!(err.contains("cannot be used with"), "{err}");
    }

    let repo = Repo::with_incident();
    let err = repo.fails(2, &["postmortem", "--refresh"]);
    assert_eq!(
        err,
        format!(
            "error: {PM} does not exist yet, so there is nothing to refresh: write it with inc postmortem\n"
        )
    );
}

#[test]
fn the_summary_report_orders_ties_by_time_then_text() {
    let repo = Repo::with_incident();
    // Logged in the opposite order, at the same minute.
    repo.ok(&["log", "--at", "14:10", "--key", "b: second by text"]);
    repo.ok(&["log", "--at", "14:10", "--key", "a: first by text"]);
    let summary = report(&repo, &["-t", "summary"]);
    let a = summary.find("| a: first by text |").unwrap();
    let b = summary.find("| b: second by text |").unwrap();
    assert!(a < b, "{summary}");
    let a = summary
        .find("| event | a: first by text **(key)** |")
        .unwrap();
    let b = summary
        .find("| event | b: second by text **(key)** |")
        .unwrap();
    assert!(a < b, "{summary}");
}

#[test]
fn the_tactical_report_stops_asking_for_roles_once_resolved() {
    let repo = Repo::with_incident();
    let tactical = report(&repo, &["-t", "tactical"]);
    assert!(
        tactical.contains("- Someone to take scribe\n"),
        "{tactical}"
    );
    repo.ok(&["resolve"]);
    let tactical = report(&repo, &["-t", "tactical"]);
    assert!(!tactical.contains("Someone to take"), "{tactical}");
    assert!(
        tactical.ends_with("## Needs\n\n- Nothing outstanding.\n"),
        "{tactical}"
    );
}

#[test]
fn the_html_report_draws_the_phase_chart_and_has_no_empty_header_rows() {
    let repo = Repo::with_incident();
    repo.ok(&["mark", "mitigated", "--at", "14:30"]);
    repo.ok(&["resolve", "--at", "14:38"]);
    let page = report(&repo, &["--html"]);
    assert!(
        page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""),
        "{page}"
    );
    assert_eq!(page.matches("<rect").count(), 3, "{page}");
    assert!(
        page.contains("<title>Undetected (3m): 2026-11-22 14:02 to 2026-11-22 14:05</title>"),
        "{page}"
    );
    assert!(
        !page.contains("gantt") && !page.contains("mermaid"),
        "{page}"
    );
    assert!(!page.contains("<script"), "{page}");
    for template in ["internal", "external", "summary", "comms", "tactical"] {
        let page = report(&repo, &["-t", template, "--html"]);
        for head in page.split("<thead>").skip(1) {
            let row = &head[..head.find("</thead>").unwrap()];
            let text: String = row
                .replace("<tr>", "")
                .replace("</tr>", "")
                .replace("<th>", "")
                .replace("</th>", "");
            assert!(
                !text.trim().is_empty(),
                "{template}: empty header row in {page}"
            );
        }
    }
}

#[test]
fn an_incident_file_from_before_public_fields_loads_and_stays_as_it_was() {
    let repo = Repo::with_incident();
    // incident.yaml as an earlier inc wrote it: no public_title, no impact.
    let old = "# yaml-language-server: $schema=../../.inc/schemas/incident.schema.json\ntitle: Checkout API down\nseverity: SEV2\nstatus: investigating\nopened: \"2026-11-22T14:40:00+00:00\"\nsummary: Checkout returns 500s\ntags:\n- checkout\nlinks: []\ndetection:\n  source: alert\nmilestones:\n  started: \"2026-11-22T14:02:00+00:00\"\n  detected: \"2026-11-22T14:05:00+00:00\"\n  acknowledged: null\n  mitigated: null\n  resolved: null\n";
    // (The same bytes inc itself would write today: new fields are only written when set.)
    repo.write(INCIDENT, old);
    let shown = repo.json(&["show", "--json"]);
    assert_eq!(shown["public_title"], "");
    assert_eq!(shown["impact"]["summary"], "");
    report(&repo, &["-t", "external"]);
    repo.ok(&["sev", "SEV1"]);
    // Rewritten as before, plus the time of the change (for merges).
    assert_eq!(
        repo.read(INCIDENT),
        format!(
            "{}changed:\n  severity: \"2026-11-22T14:40:00+00:00\"\n",
            old.replace("SEV2", "SEV1")
        )
    );
}

#[test]
fn the_demo_transcript_is_in_time_order() {
    let repo = Repo::empty();
    let out = repo.ok(&["demo", "d"]);
    let mut last = (String::new(), String::new());
    let mut day = String::new();
    let mut steps = 0;
    for line in out.lines() {
        if line.len() >= 10 && line.as_bytes()[0].is_ascii_alphabetic() && line.contains(" 20") {
            day = line.rsplit(' ').next().unwrap().to_string();
            continue;
        }
        let clock = line.get(..5).unwrap_or("");
        if clock.len() == 5
            && clock.as_bytes()[2] == b':'
            && clock.bytes().filter(u8::is_ascii_digit).count() == 4
        {
            let now = (day.clone(), clock.to_string());
            assert!(now >= last, "{now:?} after {last:?} in:\n{out}");
            last = now;
            steps += 1;
        }
    }
    assert!(steps > 30, "{out}");
    assert!(
        out.contains("\nSunday 2026-11-22\n12:40 erin   $ inc postmortem\n"),
        "{out}"
    );
}

/// The benchmark generator, built the way `scripts/bench` builds it.
fn bench_repo() -> PathBuf {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--example", "bench_repo"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_cmd::cargo::cargo_bin("inc")
        .parent()
        .unwrap()
        .join("examples/bench_repo")
}

#[test]
fn bench_repo_prints_help_and_never_writes_into_the_enclosing_repository() {
    let generator = bench_repo();
    let repo = Repo::new();
    let before = repo.state();
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(&generator);
        crate::common::hermetic(&mut cmd, repo.root());
        cmd.current_dir(repo.root()).args(args).output().unwrap()
    };
    let help = run(&["--help"]);
    assert!(help.status.success());
    let usage = String::from_utf8(help.stdout).unwrap();
    assert!(usage.starts_with("usage: bench_repo DIR"), "{usage}");
    assert_eq!(repo.state(), before, "--help wrote something");

    let bad = run(&["--incidents"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).starts_with("error: --incidents needs a value\n"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );

    // Generating inside a repository makes a repository of its own.
    let made = run(&[
        "bench",
        "--incidents",
        "2",
        "--entries",
        "3",
        "--sizes",
        "4",
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert_eq!(
        repo.head(),
        before.0,
        "the enclosing repository got a commit"
    );
    assert!(repo.path("bench/.git").is_dir());
    assert_eq!(
        repo.read(".inc.yaml").as_bytes(),
        before.1[".inc.yaml"].as_slice()
    );
    assert!(
        repo.path("bench/incidents/2026-11-20-size-4/timeline.yaml")
            .is_file()
    );
    // And never into a directory that has something in it.
    let again = run(&["bench"]);
    assert_eq!(again.status.code(), Some(1));
}
