//! The 3 a.m. test: a public SEV1 replayed minute by minute through the real binary, with its
//! published times, and every report and the dashboard it produces checked by snapshot.
//!
//! The outage is Fastly's global CDN outage of 2021-06-08, as told in Fastly's own summary
//! ("Summary of June 8 outage", fastly.com/blog, 2021-06-08), all times UTC:
//!
//! | time  | published event                                                          |
//! |-------|--------------------------------------------------------------------------|
//! | 09:47 | initial onset of global disruption                                       |
//! | 09:48 | global disruption identified by Fastly monitoring                        |
//! | 09:58 | status post is published                                                 |
//! | 10:27 | Fastly Engineering identified the customer configuration change          |
//! | 10:36 | impacted services began to recover                                       |
//! | 11:00 | majority of services recovered                                           |
//! | 12:35 | incident mitigated                                                       |
//! | 12:44 | status post resolved                                                     |
//! | 17:25 | bug fix deployment began                                                 |
//!
//! The people (ana leads, ben works the fix, chloe writes it down, dev talks to customers), the
//! internal chatter and the post-mortem's words are made up; the times and facts are Fastly's.
//! Every time is typed in full (RFC 3339) so the replay does not depend on how `HH:MM` is read.

#[path = "cli/common/mod.rs"]
#[allow(dead_code)]
mod common;

use common::Repo;

const DAY: &str = "2021-06-08";
const ID: &str = "2021-06-08-global-cdn-outage-503s-from-every-pop";
const PM: &str = "incidents/2021-06-08-global-cdn-outage-503s-from-every-pop/postmortem.md";
const INCIDENT: &str = "incidents/2021-06-08-global-cdn-outage-503s-from-every-pop/incident.yaml";

/// `HH:MM` on the day of the outage (or `D+1 HH:MM` the day after), as RFC 3339 UTC.
fn t(time: &str) -> String {
    match time.strip_prefix("D+1 ") {
        Some(next_day) => format!("2021-06-09T{next_day}:00Z"),
        None => format!("{DAY}T{time}:00Z"),
    }
}

struct Replay {
    repo: Repo,
}

impl Replay {
    /// `who` runs `inc ARGS` at `time`; it must succeed. Returns stdout.
    fn run(&self, time: &str, who: &str, args: &[&str]) -> String {
        let out = self
            .repo
            .cmd()
            .env("INC_NOW", t(time))
            .env("INC_USER", who)
            .args(args)
            .output()
            .expect("run inc");
        assert!(
            out.status.success(),
            "{time} {who}: inc {args:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn report(&self, time: &str, args: &[&str]) -> String {
        let mut all = vec!["report"];
        all.extend_from_slice(args);
        self.run(time, "chloe", &all)
    }
}

/// Inserts `body` into the post-mortem section `heading`, after its guidance comment.
fn fill(text: &mut String, heading: &str, body: &str) {
    let start = text
        .find(&format!("## {heading}\n"))
        .unwrap_or_else(|| panic!("no ## {heading}"));
    let after = text[start..].find("-->\n").map(|i| start + i + 4).unwrap();
    text.insert_str(after, &format!("\n{body}\n"));
}

#[test]
fn fastly_2021_06_08_replayed_through_inc() {
    let replay = Replay {
        repo: Repo::empty(),
    };
    let r = &replay;

    // 09:47 the outage begins; 09:48 monitoring pages; ana opens the incident.
    r.run("09:49", "ana", &["init"]);
    let id = r.run(
        "09:50",
        "ana",
        &[
            "open",
            "Global CDN outage: 503s from every POP",
            "--sev",
            "SEV2",
            "--started",
            &t("09:47"),
            "--detected",
            &t("09:48"),
            "--source",
            "alert",
            "--tag",
            "cdn,edge",
            "--lead",
            "ana",
            "--summary",
            "Most of the edge network returns 503 errors for customer sites",
            "--public-title",
            "Global disruption of our CDN services",
            "--impact",
            "Requests to many sites served through our network failed with errors",
        ],
    );
    assert_eq!(id.trim(), ID);
    r.run(
        "09:50",
        "ana",
        &[
            "log",
            "--kind",
            "detection",
            "--key",
            "--public",
            "--at",
            &t("09:48"),
            "Global disruption identified by monitoring: edge 503 rate above 80%",
        ],
    );
    r.run("09:51", "ana", &["role", "technical-lead", "ben"]);
    r.run("09:51", "ana", &["role", "scribe", "chloe"]);
    r.run("09:51", "ana", &["role", "comms-lead", "dev"]);
    r.run("09:52", "ana", &["mark", "acknowledged"]);
    r.run("09:53", "ana", &["sev", "SEV1"]);
    r.run(
        "09:55",
        "dev",
        &[
            "comms",
            "--to",
            "internal",
            "--channel",
            "chat",
            "SEV1: global 503s at the edge since 09:47 UTC. Bridge is open.",
        ],
    );
    r.run(
        "09:58",
        "dev",
        &[
            "comms",
            "--to",
            "customers",
            "--channel",
            "status-page",
            "We're currently investigating potential impact to performance with our CDN services.",
        ],
    );
    r.run(
        "10:05",
        "ben",
        &["exec", "--", "sh", "-c", "echo edge 503 rate: 85%"],
    );
    r.run(
        "10:10",
        "chloe",
        &[
            "log",
            "--kind",
            "observation",
            "Errors began in every POP within the same minute; no deploy of ours at 09:47",
        ],
    );

    // The comms lead drafts the next updates; whoever joins looks at the dashboard.
    insta::assert_snapshot!("dashboard_1015", r.run("10:15", "ana", &["status"]));
    insta::assert_snapshot!(
        "update_customers_investigating",
        r.report("10:20", &["-t", "update", "--audience", "customers"])
    );
    insta::assert_snapshot!(
        "update_executives_investigating",
        r.report("10:20", &["-t", "update", "--audience", "executives"])
    );

    // 10:27 the trigger is found; the fix is a change the lead approves.
    r.run(
        "10:27",
        "ben",
        &[
            "log",
            "--kind",
            "observation",
            "--key",
            "--public",
            "Identified the customer configuration change that triggered the bug",
        ],
    );
    r.run("10:27", "ana", &["status", "identified"]);
    let requested = r.run(
        "10:29",
        "ben",
        &[
            "change",
            "request",
            "Disable the configuration that triggers the bug",
        ],
    );
    let change = requested
        .split("change ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the change's id")
        .to_string();
    r.run("10:30", "ana", &["change", "approve", &change]);
    r.run(
        "10:31",
        "ben",
        &[
            "log",
            "--kind",
            "action",
            "Disabled the triggering configuration across the fleet",
        ],
    );
    r.run(
        "10:36",
        "chloe",
        &[
            "log",
            "--key",
            "--public",
            "Impacted services began to recover",
        ],
    );
    insta::assert_snapshot!("tactical_1040", r.report("10:40", &["-t", "tactical"]));
    r.run(
        "10:44",
        "dev",
        &[
            "comms",
            "--to",
            "customers",
            "--channel",
            "status-page",
            "The issue has been identified and a fix has been applied. Customers may experience increased origin load as global services return.",
        ],
    );
    r.run(
        "11:00",
        "chloe",
        &["log", "--key", "--public", "Majority of services recovered"],
    );
    r.run("11:00", "ana", &["status", "monitoring"]);
    insta::assert_snapshot!(
        "update_customers_monitoring",
        r.report("11:05", &["-t", "update", "--audience", "customers"])
    );

    // 12:35 mitigated; 12:44 the status post is resolved.
    r.run("12:35", "ben", &["mark", "mitigated"]);
    r.run("12:44", "ana", &["resolve"]);
    r.run(
        "12:44",
        "dev",
        &[
            "comms",
            "--to",
            "customers",
            "--channel",
            "status-page",
            "This incident has been resolved.",
        ],
    );
    insta::assert_snapshot!("tactical_resolved", r.report("12:50", &["-t", "tactical"]));
    assert_eq!(r.run("12:50", "ana", &["status"]), "No open incidents.\n");
    r.run(
        "17:25",
        "ben",
        &["log", "--key", "--public", "Bug fix deployment began"],
    );

    // The next day: the post-mortem, written by people around what inc generates.
    r.run("D+1 10:00", "chloe", &["postmortem"]);
    let mut pm = r.repo.read(PM);
    for (heading, body) in POSTMORTEM {
        fill(&mut pm, heading, body);
    }
    for (heading, body) in LESSONS {
        let heading = format!("### {heading}\n");
        pm = pm.replace(&heading, &format!("{heading}\n{body}\n\n"));
    }
    r.repo.write(PM, &pm);
    r.repo.git(&["commit", "-qam", "post-mortem: first draft"]);
    // The summary in incident.yaml is corrected after the post-mortem was scaffolded.
    let incident = r.repo.read(INCIDENT).replace(
        "summary: Most of the edge network returns 503 errors for customer sites",
        "summary: A valid customer configuration triggered a latent bug; 85% of the network returned 503s",
    );
    r.repo.write(INCIDENT, &incident);
    r.repo.git(&["commit", "-qam", "incident: better summary"]);
    let refreshed = r.run("D+1 10:30", "chloe", &["postmortem", "--refresh"]);
    assert!(refreshed.contains(": rewrote "), "{refreshed}");
    let pm_after = r.repo.read(PM);
    for (_, body) in POSTMORTEM.iter().chain(LESSONS.iter()) {
        assert!(pm_after.contains(body), "lost {body:?}:\n{pm_after}");
    }
    assert!(pm_after.contains("| 2021-06-08 17:25 | Bug fix deployment began |"));
    assert!(pm_after.contains("\nA valid customer configuration triggered a latent bug;"));
    insta::assert_snapshot!("postmortem", pm_after);
    r.run("D+1 10:35", "chloe", &["check"]);

    // The reports.
    for template in ["internal", "external", "summary", "comms", "tactical"] {
        insta::assert_snapshot!(
            format!("report_{template}"),
            r.report("D+1 11:00", &["-t", template])
        );
    }
    for audience in ["customers", "executives", "internal"] {
        insta::assert_snapshot!(
            format!("report_update_{audience}"),
            r.report("D+1 11:00", &["-t", "update", "--audience", audience])
        );
    }
    let html = r.report("D+1 11:00", &["--html"]);
    assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""));
    assert!(!html.contains("mermaid"));
    insta::assert_snapshot!("report_internal_html", html);

    // What the customers were told names no one and shows nothing internal.
    let external = r.report("D+1 11:00", &["-t", "external"]);
    for secret in [
        "ana",
        "ben",
        "chloe",
        "dev",
        "sh -c",
        "POP within",
        "Bridge",
    ] {
        assert!(!external.contains(secret), "{secret:?} in:\n{external}");
    }
}

const POSTMORTEM: [(&str, &str); 8] = [
    (
        "Public summary",
        "A valid customer configuration change triggered a latent bug in our software, and 85% of \
our network returned errors. We disabled the configuration, services recovered, and the fix for \
the bug itself is deployed.",
    ),
    (
        "Impact",
        "About 85% of the network returned errors from 09:47 UTC; 95% of it was operating normally \
again within 49 minutes, and the incident was mitigated at 12:35 UTC.",
    ),
    (
        "Root cause",
        "A software deployment in May introduced a bug that a specific customer configuration could \
trigger under specific circumstances.",
    ),
    (
        "Trigger",
        "A customer pushed a valid configuration change that included the specific circumstances \
that triggered the bug.",
    ),
    (
        "Resolution",
        "<!-- inc:public -->\nEngineering disabled the configuration that triggered the bug, then services recovered; the \
fix for the bug itself was deployed from 17:25 UTC.",
    ),
    (
        "Issues",
        "- A latent bug could be triggered by a valid customer configuration.\n\
- One configuration change could affect most of the network at once.",
    ),
    (
        "Improvements",
        "<!-- inc:public -->\n- [x] Deploy the bug fix (owner: ben, type: prevent, ref: CDN-1)\n\
- [ ] Find out why testing did not catch the bug (owner: ben, due: 2021-06-30, type: prevent, ref: CDN-2)\n\
- [ ] Speed up recovery from fleet-wide configuration faults (owner: ana, due: 2021-07-31, type: mitigate, ref: CDN-3)",
    ),
    (
        "Detection",
        "Monitoring identified the global disruption within one minute.",
    ),
];

const LESSONS: [(&str, &str); 3] = [
    (
        "What went well",
        "- Monitoring caught the disruption within a minute.",
    ),
    (
        "What went wrong",
        "- A single valid configuration change reached the whole fleet.",
    ),
    (
        "Where we got lucky",
        "- The trigger was found within 40 minutes.",
    ),
];
