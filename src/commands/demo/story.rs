//! The demo's story: the steps of a bad deploy that exhausts the payments database pool, the
//! post-mortem the team writes afterwards, and the maintenance and status page that follow.

use anyhow::{Context, Result};
use jiff::Timestamp;

use super::Step;

/// The incident: a bad deploy exhausts the payments database pool and checkout fails.
pub(super) fn story(at: impl Fn(i64) -> String) -> Vec<Step> {
    let step = |minute: i64, by: &'static str, args: &[&str]| Step {
        minute,
        by,
        args: args.iter().map(|a| a.to_string()).collect(),
    };
    vec![
        step(0, "alice", &["init"]),
        step(
            7,
            "alice",
            &[
                "open",
                "Checkout API returns 500s",
                "--sev",
                "SEV2",
                "--started",
                &at(0),
                "--source",
                "alert",
                "--tag",
                "checkout,payments",
                "--lead",
                "alice",
                "--summary",
                "Customers cannot complete checkout; the API returns 500 for about 40% of requests.",
                "--public-title",
                "Errors during checkout",
                "--impact",
                "About 40% of checkout attempts failed; payments were not taken for failed orders.",
            ],
        ),
        step(
            8,
            "alice",
            &[
                "log",
                "--kind",
                "detection",
                "--key",
                "Paged by checkout-5xx alert: error rate 38%",
            ],
        ),
        step(9, "alice", &["mark", "acknowledged"]),
        step(
            9,
            "alice",
            &["impact", "--service", "checkout-api,payments"],
        ),
        step(9, "alice", &["role", "technical-lead", "bob"]),
        step(10, "alice", &["role", "scribe", "carol"]),
        step(10, "alice", &["role", "comms-lead", "dave"]),
        step(12, "alice", &["sev", "SEV1"]),
        step(
            13,
            "dave",
            &[
                "comms",
                "--to",
                "internal",
                "--channel",
                "chat",
                "SEV1: checkout failing for ~40% of customers. Bridge is open; updates every 30 minutes.",
            ],
        ),
        step(
            14,
            "dave",
            &[
                "comms",
                "--to",
                "customers",
                "--channel",
                "status-page",
                "We are investigating errors during checkout. Some payments may fail; please retry later.",
            ],
        ),
        step(
            15,
            "carol",
            &[
                "log",
                "--kind",
                "observation",
                "Checkout pods are healthy; the errors come from the payments-db connection pool",
            ],
        ),
        step(
            18,
            "carol",
            &[
                "log",
                // 3 minutes before it began, as people say it at the time.
                "--at",
                "21m ago",
                "--key",
                "Deploy v412 of payments-service went out",
            ],
        ),
        step(
            21,
            "bob",
            &[
                "log",
                "--kind",
                "observation",
                "--key",
                "Pool exhausted since the deploy: max connections 20, was 200",
            ],
        ),
        step(22, "alice", &["status", "identified"]),
        step(
            23,
            "bob",
            &["change", "request", "Roll back payments-service to v411"],
        ),
        step(24, "alice", &["status"]),
        step(25, "alice", &["change", "approve", "CHANGE"]),
        step(
            26,
            "bob",
            &[
                "exec",
                "--",
                "echo",
                "deployment payments-service rolled back to v411",
            ],
        ),
        step(36, "bob", &["mark", "mitigated"]),
        step(
            36,
            "bob",
            &[
                "log",
                "--public",
                "Rolled back the change that caused the errors; checkout is recovering",
            ],
        ),
        step(37, "alice", &["status", "monitoring"]),
        step(
            39,
            "dave",
            &[
                "comms",
                "--to",
                "internal",
                "--channel",
                "chat",
                "Mitigated: payments-service rolled back, error rate at baseline. Monitoring for 30 minutes.",
            ],
        ),
        step(
            40,
            "dave",
            &[
                "comms",
                "--to",
                "customers",
                "--channel",
                "status-page",
                "A fix is in place and checkout is recovering. We are monitoring.",
            ],
        ),
        step(
            43,
            "dave",
            &[
                "comms",
                "--to",
                "executives",
                "--channel",
                "email",
                "Checkout outage mitigated after 36 minutes; root cause is a bad config in a deploy.",
            ],
        ),
        step(45, "alice", &["role", "incident-lead", "erin"]),
        step(
            52,
            "carol",
            &[
                "log",
                "--internal",
                "The pool size came from config PR #4411; the review did not flag it.\nFollow up in the post-mortem.",
            ],
        ),
        step(
            66,
            "erin",
            &[
                "log",
                "--kind",
                "observation",
                "Error rate at the 0.1% baseline for 30 minutes",
            ],
        ),
        step(
            66,
            "dave",
            &[
                "comms",
                "--to",
                "internal",
                "--channel",
                "chat",
                "Resolved. A post-mortem follows.",
            ],
        ),
        step(67, "erin", &["resolve"]),
        step(
            68,
            "dave",
            &[
                "comms",
                "--to",
                "customers",
                "--channel",
                "status-page",
                "Resolved: checkout works normally again. We are sorry for the disruption.",
            ],
        ),
        step(70, "erin", &["roles"]),
        step(1500, "erin", &["postmortem"]),
        step(1560, "erin", &[]),
        step(1561, "erin", &["check"]),
        step(
            1562,
            "erin",
            &[
                "report",
                "--template",
                "internal",
                "-o",
                "reports/internal.md",
            ],
        ),
        step(
            1562,
            "erin",
            &[
                "report",
                "--template",
                "internal",
                "--html",
                "-o",
                "reports/internal.html",
            ],
        ),
        step(
            1562,
            "erin",
            &[
                "report",
                "--template",
                "external",
                "-o",
                "reports/external.md",
            ],
        ),
        step(
            1562,
            "erin",
            &[
                "report",
                "--template",
                "summary",
                "-o",
                "reports/summary.md",
            ],
        ),
        step(
            1562,
            "erin",
            &["report", "--template", "comms", "-o", "reports/comms.md"],
        ),
        step(
            1562,
            "erin",
            &[
                "report",
                "--template",
                "tactical",
                "-o",
                "reports/tactical.md",
            ],
        ),
        step(
            1562,
            "erin",
            &[
                "report",
                "--template",
                "update",
                "--audience",
                "customers",
                "-o",
                "reports/update-customers.md",
            ],
        ),
        step(1563, "erin", &["stats", "--by", "severity"]),
        step(
            1563,
            "dave",
            &[
                "maintenance",
                "schedule",
                "Payments database upgrade",
                "--start",
                &at(2880),
                "--end",
                &at(2940),
                "--service",
                "payments",
                "--summary",
                "Card payments may be slow for a few minutes while the database restarts.",
            ],
        ),
        step(1563, "erin", &["site", "-o", "site"]),
        step(
            1563,
            "erin",
            &[
                "site",
                "-o",
                "status",
                "--public",
                "--base-url",
                "https://status.example.com",
                "--title",
                "Example status",
            ],
        ),
    ]
}

/// The post-mortem as the team would write it: the scaffold's sections filled in, then committed.
pub(super) fn write_postmortem(dir: &std::path::Path, when: Timestamp) -> Result<()> {
    let store = crate::store::Store::open(dir)?;
    let id = store.ids()?.pop().context("the demo incident exists")?;
    let path = store
        .incident_dir(&id)
        .join(crate::store::layout::POSTMORTEM_FILE);
    let mut text = std::fs::read_to_string(&path)?;
    text = text.replace("status: draft", "status: in-review");
    text = text.replace("authors: [\"erin\"]", "authors: [\"erin\", \"carol\"]");
    for (heading, body) in POSTMORTEM {
        let start = text
            .find(&format!("## {heading}\n"))
            .with_context(|| format!("the template has ## {heading}"))?;
        let comment_end = text[start..]
            .find("-->\n")
            .map(|i| start + i + 4)
            .context("every section has guidance")?;
        text.insert_str(comment_end, &format!("\n{body}\n"));
    }
    for (heading, body) in LESSONS {
        let heading = format!("### {heading}\n");
        text = text.replace(&heading, &format!("{heading}\n{body}\n\n"));
    }
    crate::store::write_atomic(&path, text.as_bytes())?;
    let repo = crate::git::open(dir)?;
    crate::git::commit_paths(
        &repo,
        &[path],
        &format!("{id}: write the post-mortem"),
        when,
        "erin",
    )?;
    Ok(())
}

const POSTMORTEM: [(&str, &str); 8] = [
    (
        "Public summary",
        "A configuration change to our payment service limited its connections to its database. For \
67 minutes about 40% of checkout attempts failed, and no payment was taken for a failed order. We \
rolled the change back, and we are adding checks so that a change like it cannot reach production again.",
    ),
    (
        "Impact",
        "For 67 minutes about 40% of checkout attempts failed with HTTP 500. Roughly 3,100 orders were not \
completed; customers who retried after the rollback succeeded.",
    ),
    (
        "Root cause",
        "Deploy v412 of payments-service shipped a configuration that set the database connection \
pool to 20 connections instead of 200. Under normal evening load the pool was exhausted within minutes.",
    ),
    (
        "Trigger",
        "The deploy of payments-service v412 at the start of the evening peak.",
    ),
    (
        "Detection",
        "The checkout-5xx alert fired when the error rate crossed 25%, seven minutes after the deploy. \
There is no alert on connection pool saturation, which would have fired within a minute.",
    ),
    (
        "Resolution",
        "The incident lead approved a rollback to v411; the error rate returned to baseline \
within five minutes, and the incident was resolved after 30 minutes of monitoring.",
    ),
    (
        "Issues",
        "- Configuration values are not validated against sane ranges before deploy.\n\
- The deploy pipeline has no canary stage for payments-service.\n\
- There is no alert on database connection pool saturation.",
    ),
    (
        "Improvements",
        "<!-- inc:public -->\n- [ ] Validate pool sizes in CI (owner: carol, due: 2026-12-15, type: prevent, ref: OPS-12)\n\
- [ ] Add a canary stage to the payments-service pipeline (owner: bob, due: 2027-01-15, type: prevent, ref: OPS-13)\n\
- [x] Alert on connection pool saturation above 80% (owner: bob, type: mitigate, ref: OPS-14)\n\
- [ ] Add the rollback command to the payments runbook (owner: erin, type: process)",
    ),
];

const LESSONS: [(&str, &str); 3] = [
    (
        "What went well",
        "- The rollback was approved and done within five minutes of finding the cause.",
    ),
    (
        "What went wrong",
        "- Seven minutes passed between the outage and the first page.",
    ),
    (
        "Where we got lucky",
        "- The bad deploy went out before, not during, the evening peak.",
    ),
];
