//! Nothing internal leaves the team. A repository whose every internal field holds a canary (the
//! word "canary" in the team's title, summary and slug, internal and key-but-not-public entries,
//! every person's name, including an author who held no role, an approver, a catalog team's
//! member and an alias, tags, links, attachment names, the post-mortem's internal sections and
//! its untouched suggestion) builds every public output: `inc site --public` (pages, status.json,
//! the feeds, the badge), a site switched from internal to public, `inc export --public` (JSON
//! Lines and CSV), the external report in Markdown and HTML, update drafts to customers, and the
//! webhook post of an update to customers. No canary may be in any byte, file name or directory
//! name of any of them, and what is public must be there.

use std::collections::BTreeMap;

use crate::common::server::Server;
use crate::common::{Repo, files_under};

/// The word every internal field holds, in some case.
const CANARY: &str = "canary";

/// The repository, with a webhook for the chat channel pointing at `server`.
fn leaky(server: &Server) -> Repo {
    let repo = Repo::new();
    repo.write(
        ".inc/catalog.yaml",
        "services:\n- name: checkout-api\n  team: payments\n- name: payments\n  team: payments\nteams:\n- name: payments\n  members: [Zed Canaryquill]\n",
    );
    let config = repo.read(".inc.yaml")
        + &format!(
            "\nwebhooks:\n  chat: {{url: \"{}\", style: json}}\n  status-page: {{url: \"{}\", style: teams}}\n",
            server.url(),
            server.url()
        );
    let config = config.replace(
        "# aliases:\n",
        "aliases:\n  people: {zqcanary: Ottilie Canaryworth}\n# aliases:\n",
    );
    repo.write(".inc.yaml", &config);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "catalog and webhooks"]);
    // This clone wrote the webhooks itself: it trusts them.
    repo.ok(&["webhooks", "trust"]);
    repo.ok(&[
        "open",
        "Canary-title security breach at Acme",
        "--sev",
        "SEV2",
        "--started",
        "14:02",
        "--detected",
        "14:04",
        "--summary",
        "CANARY-SUMMARY attacker on db-7",
        "--public-title",
        "Payments unavailable",
        "--tag",
        "canary-tag",
        "--lead",
        "Ada Canarybrook",
    ]);
    repo.ok(&[
        "link",
        "https://canary-link.example.com/x",
        "--title",
        "CANARY-LINK",
    ]);
    repo.ok(&["role", "technical-lead", "Bert Canaryfield"]);
    repo.ok(&[
        "impact",
        "--service",
        "checkout-api,payments",
        "--summary",
        "Card payments fail for some customers",
    ]);
    repo.ok(&[
        "edit",
        "--public-summary",
        "Card payments failed for some customers. We found the cause and fixed it.",
    ]);
    repo.ok(&[
        "log",
        "--at",
        "14:10",
        "--internal",
        "CANARY-INTERNAL rotated the root password",
    ]);
    repo.ok(&[
        "log",
        "--at",
        "14:11",
        "--key",
        "CANARY-KEY handed the bridge over",
    ]);
    // An author who holds no role, named with a possessive and by her initials, and the
    // catalog's team member and an alias named too.
    repo.ok(&[
        "log",
        "--at",
        "14:12",
        "--public",
        "--by",
        "Cleo Canarymoor",
        "Cleo Canarymoor's team restarted the payment workers; C. Canarymoor, Zed Canaryquill and zqcanary confirm",
    ]);
    // Every other way people write names: in lower case, as a handle, in an address, by a part
    // of a hyphenated name, and the author of a maintenance update.
    repo.ok(&[
        "log",
        "--at",
        "14:12",
        "--public",
        "cleo canarymoor asked @canarybrook, cleo.canarymoor@example.com and Canary-Jo Bell; Dora Canaryvale checks the database",
    ]);
    repo.ok(&["role", "tester", "Canary-Jo Bell"]);
    let requested = repo.ok(&["change", "request", "CANARY-CHANGE restart the primary"]);
    let change = requested
        .split("approve ")
        .nth(1)
        .unwrap()
        .trim()
        .to_string();
    repo.ok(&["change", "approve", &change, "--by", "Ada Canarybrook"]);
    repo.ok(&["exec", "--", "echo", "CANARY-EXEC"]);
    repo.ok(&[
        "comms",
        "--to",
        "internal",
        "CANARY-COMMS the bridge is open",
    ]);
    repo.ok(&["comms", "--to", "executives", "CANARY-EXECUTIVES update"]);
    for (channel, at) in [("chat", "14:05"), ("status-page", "14:38")] {
        repo.ok(&[
            "comms",
            "--at",
            at,
            "--to",
            "customers",
            "--channel",
            channel,
            "--send",
            "--by",
            "Ada Canarybrook",
            "We are investigating failed card payments; Ada Canarybrook and Bert are on it.",
        ]);
    }
    let secret = crate::common::outside(&repo, "canary-attachment.png", "PNG-CANARY");
    repo.ok(&["attach", secret.to_str().unwrap()]);
    let graph = crate::common::outside(&repo, "graph.png", "PNG-PUBLIC");
    repo.ok(&[
        "attach",
        graph.to_str().unwrap(),
        "--public",
        "--note",
        "error rate",
    ]);
    // A public file whose name names someone is published under another name.
    let named = crate::common::outside(&repo, "cleo-canarymoor-graph.png", "PNG-NAMED");
    repo.ok(&["attach", named.to_str().unwrap(), "--public"]);
    let window = repo.ok(&[
        "maintenance",
        "schedule",
        "Database upgrade",
        "--start",
        "2026-11-23 02:00",
        "--end",
        "2026-11-23 03:00",
        "--service",
        "payments",
    ]);
    repo.ok(&[
        "maintenance",
        "update",
        window.trim(),
        "--by",
        "Dora Canaryvale",
        "Dora Canaryvale will start on time",
    ]);
    // A window whose title named someone: the title is redacted, and its id holds no name.
    repo.ok(&[
        "maintenance",
        "schedule",
        "Dora Canaryvale moves the queue",
        "--start",
        "2026-11-24 02:00",
        "--end",
        "2026-11-24 03:00",
    ]);
    repo.ok(&["mark", "mitigated", "--at", "14:30"]);
    repo.ok(&["resolve", "--at", "14:39"]);
    repo.ok(&["postmortem"]);
    let pm = format!(
        "incidents/{}/postmortem.md",
        repo.json(&["show", "--json"])["id"].as_str().unwrap()
    );
    let text = repo
        .read(&pm)
        .replace(
            "authors: [\"alice\"]",
            "authors: [\"alice\", \"Eve Canarystone\"]",
        )
        .replace(
            "<!-- inc:public -->\n",
            "<!-- inc:public -->\nA change to the payment service was rolled back.\n",
        )
        .replace("## Impact\n", "## Impact\n\nCANARY-IMPACT-SECTION\n")
        .replace("## Root cause\n", "## Root cause\n\nCANARY-ROOT\n")
        .replace("## Issues\n", "## Issues\n\n- CANARY-ISSUE\n")
        .replace(
            "## Improvements\n",
            "## Improvements\n\n- [ ] CANARY-ACTION (owner: Bert Canaryfield, type: prevent)\n",
        )
        .replace(
            "### What went well\n",
            "### What went well\n\nCANARY-LESSON\n",
        );
    repo.write(&pm, &text);
    repo
}

/// The paths (files and every directory on the way) and bytes of `dir`.
fn tree(dir: &std::path::Path) -> (Vec<String>, BTreeMap<String, Vec<u8>>) {
    let files = files_under(dir);
    let mut paths: Vec<String> = Vec::new();
    for name in files.keys() {
        let mut at = String::new();
        for part in name.split('/') {
            at = if at.is_empty() {
                part.to_string()
            } else {
                format!("{at}/{part}")
            };
            paths.push(at.clone());
        }
    }
    paths.sort();
    paths.dedup();
    (paths, files)
}

fn assert_no_canary(what: &str, text: &str) {
    let lower = text.to_lowercase();
    assert!(
        !lower.contains(CANARY),
        "{what} holds a canary at {:?}:\n{text}",
        lower
            .find(CANARY)
            .map(|at| &text[at.saturating_sub(80)..(at + 80).min(text.len())])
    );
}

#[test]
fn no_canary_leaves_the_team() {
    let server = Server::start(200, false);
    let repo = leaky(&server);
    // Every output is given the public things it must show, so that the test cannot pass by
    // showing nothing.
    let must = |what: &str, text: &str, public: &[&str]| {
        assert_no_canary(what, text);
        for shown in public {
            assert!(text.contains(shown), "{what} lacks {shown:?}:\n{text}");
        }
    };

    // The public site, built fresh, and a site switched from the team's to the public one.
    repo.ok(&[
        "site",
        "-o",
        "public",
        "--public",
        "--base-url",
        "https://status.example.com",
    ]);
    repo.ok(&["site", "-o", "switched"]);
    let internal = files_under(&repo.path("switched"));
    assert!(
        internal
            .values()
            .any(|b| String::from_utf8_lossy(b).to_lowercase().contains(CANARY)),
        "the team's site shows the team's words"
    );
    repo.ok(&["site", "-o", "switched", "--public"]);
    for dir in ["public", "switched"] {
        let (paths, files) = tree(&repo.path(dir));
        for path in &paths {
            assert_no_canary(&format!("{dir}: a path"), path);
        }
        for (name, bytes) in &files {
            assert_no_canary(&format!("{dir}/{name}"), &String::from_utf8_lossy(bytes));
        }
        let all: String = files
            .values()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect();
        must(
            dir,
            &all,
            &[
                "Payments unavailable",
                "Card payments failed for some customers.",
                "team restarted the payment workers; a team member, a team member and a team member confirm",
                "We are investigating failed card payments; a team member and a team member are on it.",
                "graph.png",
                "attachment-",
                "PNG-NAMED",
                "Database upgrade",
                "a team member will start on time",
                "a team member moves the queue",
                "a team member asked @a team member, a team member and a team member",
            ],
        );
        for name in [
            "status.json",
            "feed.xml",
            "badge.svg",
            "feeds/payments.xml",
            "feeds/checkout-api.xml",
        ] {
            assert!(files.contains_key(name), "{dir} has no {name}");
        }
    }

    // The public export, both formats; each line as its schema says.
    let jsonl = repo.ok(&["export", "--public"]);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("schemas/output/export-public.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for line in jsonl.lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}\n{value:#}");
    }
    must(
        "export --public",
        &jsonl,
        &["Payments unavailable", "a team member"],
    );
    let csv = repo.ok(&["export", "--public", "--format", "csv"]);
    must(
        "export --public --format csv",
        &csv,
        &["Payments unavailable"],
    );

    // The external report, in Markdown and HTML, and update drafts to customers.
    let external = repo.ok(&["report", "-t", "external"]);
    must(
        "the external report",
        &external,
        &[
            "# Payments unavailable",
            "We are investigating failed card payments",
            "Card payments failed for some customers.",
        ],
    );
    repo.ok(&["report", "-t", "external", "--html", "-o", "external.html"]);
    must(
        "the external report in HTML",
        &repo.read("external.html"),
        &[
            "<h1>Payments unavailable</h1>",
            "<svg",
            "href=\"attachments/graph.png\"",
        ],
    );
    // Its picture is copied beside it, under its own name.
    assert_eq!(repo.read("attachments/graph.png"), "PNG-PUBLIC");
    let update = repo.ok(&["report", "-t", "update", "--audience", "customers"]);
    must(
        "the update to customers",
        &update,
        &["**Resolved:** Payments unavailable"],
    );
    let draft = repo.ok(&["comms", "--draft", "--to", "customers"]);
    must("the draft to customers", &draft, &["Payments unavailable"]);

    // What the webhooks received for the updates to customers (json and teams).
    let bodies: Vec<String> = server.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    for body in &bodies {
        must(
            "a webhook post to customers",
            body,
            &[
                "Payments unavailable",
                "a team member and a team member are on it",
            ],
        );
    }
}

/// A post-mortem's suggested summary (the team's summary, as inc scaffolds it) is not published
/// until someone rewrites it; a section marked for publication is, once someone writes in it.
#[test]
fn only_words_people_wrote_in_a_marked_section_are_published() {
    let repo = Repo::with_incident();
    repo.ok(&["edit", "--summary", "TEAM-ONLY pool exhausted on db-7"]);
    repo.ok(&["resolve", "--at", "14:38"]);
    repo.ok(&["postmortem"]);
    let pm = "incidents/2026-11-22-checkout-api-down/postmortem.md";
    let text = repo.read(pm);
    // The scaffold's suggestion holds the team's summary; it is not marked either.
    assert!(text.contains("TEAM-ONLY"), "{text}");
    let external = repo.ok(&["report", "-t", "external"]);
    assert!(!external.contains("TEAM-ONLY"), "{external}");
    assert!(!external.contains("## What happened"), "{external}");
    // Marking the Summary section does not publish inc's suggestion in it.
    let marked = text.replace("## Summary\n", "## Summary\n\n<!-- inc:public -->\n");
    repo.write(pm, &marked);
    let external = repo.ok(&["report", "-t", "external"]);
    assert!(!external.contains("TEAM-ONLY"), "{external}");
    // Once a person rewrites it, it is theirs, and published.
    repo.write(
        pm,
        &marked.replace(
            "TEAM-ONLY pool exhausted on db-7",
            "Checkout failed for 36 minutes.",
        ),
    );
    let external = repo.ok(&["report", "-t", "external"]);
    assert!(
        external.contains("## What happened\n\nCheckout failed for 36 minutes.\n"),
        "{external}"
    );
    // The public summary field wins over the post-mortem.
    repo.ok(&["edit", "--public-summary", "Some checkouts failed."]);
    let external = repo.ok(&["report", "-t", "external"]);
    assert!(
        external.contains("## What happened\n\nSome checkouts failed.\n"),
        "{external}"
    );
}

#[test]
fn bad_public_titles_and_summaries_write_nothing() {
    let repo = Repo::with_incident();
    let before = repo.state();
    let long = "x".repeat(201);
    let longer = "y".repeat(4001);
    for (args, message) in [
        (
            vec!["edit", "--public-title", "  "],
            "--public-title is empty",
        ),
        (
            vec!["edit", "--public-title", long.as_str()],
            "--public-title is 201 characters: keep the headline to 200",
        ),
        (
            vec!["edit", "--public-title", "two\nlines"],
            "--public-title holds a line break",
        ),
        (
            vec!["edit", "--public-summary", ""],
            "--public-summary is empty",
        ),
        (
            vec!["edit", "--public-summary", longer.as_str()],
            "--public-summary is 4001 characters",
        ),
        // A good title with a bad summary: neither is written.
        (
            vec![
                "edit",
                "--public-title",
                "Fine",
                "--public-summary",
                longer.as_str(),
            ],
            "--public-summary is 4001 characters",
        ),
        (
            vec!["open", "Another", "--public-title", ""],
            "--public-title is empty",
        ),
    ] {
        let err = repo.fails(2, &args);
        assert!(
            err.starts_with("error: ") && err.contains(message) && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
    assert_eq!(repo.state(), before);
    // A hand edit is held to the same bounds, at its line.
    repo.ok(&["edit", "--public-title", "Checkout errors"]);
    let out = repo.ok(&["show", "--json"]);
    assert!(
        out.contains("\"public_title\": \"Checkout errors\""),
        "{out}"
    );
}

/// Files written before the public model existed load as they are: no public flag (key entries
/// stay private), no public_summary, `public_entries: key` (which `inc check` points out).
#[test]
fn an_old_repository_loads_and_its_key_entries_stay_private() {
    let repo = Repo::with_incident();
    let config = repo
        .read(".inc.yaml")
        .replace("public_entries: marked", "public_entries: key");
    repo.write(".inc.yaml", &config);
    let timeline = "incidents/2026-11-22-checkout-api-down/timeline.yaml";
    let old = repo.read(timeline)
        + "- id: old001\n  at: \"2026-11-22T14:20:00+00:00\"\n  by: bob\n  kind: event\n  key: true\n  text: OLD-KEY rolled back the deploy\n- id: old002\n  at: \"2026-11-22T14:21:00+00:00\"\n  by: bob\n  kind: event\n  text: OLD-PLAIN checked the graphs\n";
    repo.write(timeline, &old);
    repo.git(&["commit", "-qam", "an old logbook"]);
    let external = repo.ok(&["report", "-t", "external"]);
    assert!(!external.contains("OLD-KEY"), "{external}");
    assert!(!external.contains("OLD-PLAIN"), "{external}");
    // The team still sees both, the key one in its summary timeline.
    let internal = repo.ok(&["report", "-t", "internal"]);
    assert!(
        internal.contains("OLD-KEY rolled back the deploy"),
        "{internal}"
    );
    let out = repo.run(&["check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let line = config
        .lines()
        .position(|l| l.starts_with("public_entries:"))
        .unwrap()
        + 1;
    assert!(
        text.contains(&format!(".inc.yaml\n  {line}:1 "))
            && text.contains("public_entries: key no longer makes key entries public")
            && text.contains("[public-entries-key]"),
        "{text}"
    );
    // Keeping them public is one word.
    repo.write(
        ".inc.yaml",
        &config.replace("public_entries: key", "public_entries: marked-and-key"),
    );
    let external = repo.ok(&["report", "-t", "external"]);
    assert!(
        external.contains("OLD-KEY rolled back the deploy"),
        "{external}"
    );
    assert!(!external.contains("OLD-PLAIN"), "{external}");
}

/// Under `public_entries: all`, entries about how the incident itself changed stay the team's:
/// a merge's note quotes the fields it kept (the title, the summary), a severity change names
/// the internal severities.
#[test]
fn every_entry_still_leaves_out_status_entries_and_merge_notes() {
    let repo = Repo::with_incident();
    let config = repo
        .read(".inc.yaml")
        .replace("public_entries: marked", "public_entries: all");
    repo.write(".inc.yaml", &config);
    repo.ok(&["sev", "SEV1"]);
    let timeline = "incidents/2026-11-22-checkout-api-down/timeline.yaml";
    let note = repo.read(timeline)
        + "- id: mrg001\n  at: \"2026-11-22T14:30:00+00:00\"\n  by: inc\n  kind: status\n  text: \"Merge: both clones changed title; kept SECRET-A (the later change), the other had SECRET-B\"\n";
    repo.write(timeline, &note);
    repo.ok(&[
        "log",
        "--at",
        "14:31",
        "Acme Inc reports the checkout works",
    ]);
    let external = repo.ok(&["report", "-t", "external"]);
    for hidden in ["SECRET", "Merge:", "SEV1", "SEV2", "Severity"] {
        assert!(!external.contains(hidden), "{hidden}: {external}");
    }
    // Every other entry is there, and inc, which wrote the note, is no person.
    assert!(
        external.contains("Acme Inc reports the checkout works"),
        "{external}"
    );
}

/// The external template makes a public report however it is named; `--public` makes any
/// template's.
#[test]
fn an_external_template_is_public_however_it_is_named() {
    let repo = Repo::with_incident();
    repo.ok(&["edit", "--summary", "SECRET-SUMMARY"]);
    repo.write(
        ".inc/templates/external.md",
        "# {{ incident.title }}\n{{ incident.summary }}\n",
    );
    repo.write(
        "mine.md",
        "# {{ incident.title }}\n{{ incident.summary }}\n",
    );
    for args in [
        vec!["report", "-t", "external"],
        vec!["report", "-t", ".inc/templates/external.md"],
        vec!["report", "-t", "mine.md", "--public"],
    ] {
        let out = repo.ok(&args);
        assert_eq!(
            out, "# Disruption to our service on 2026-11-22\n\n",
            "{args:?}"
        );
    }
    // Without --public a template of its own is the team's.
    assert!(
        repo.ok(&["report", "-t", "mine.md"])
            .contains("SECRET-SUMMARY")
    );
}

/// An imported incident's opening entry says where it came from; customers read its severity's
/// public label and nothing of that.
#[test]
fn an_imported_incident_shows_only_its_public_severity() {
    let repo = Repo::new();
    repo.write(
        "history.csv",
        "title,severity,started,resolved\nPayments down,SEV2,2026-11-20 10:00,2026-11-20 11:00\n",
    );
    repo.ok(&["import", "history.csv", "--format", "csv"]);
    let context = repo.ok(&[
        "report",
        "-i",
        "payments",
        "-t",
        "internal",
        "--audience",
        "customers",
        "--context",
    ]);
    assert!(!context.contains("imported from"), "{context}");
    assert!(!context.contains("history.csv"), "{context}");
    assert!(context.contains("\"to\": \"Partial outage\""), "{context}");
}

/// `inc check` points out what would let the team's words out: no public audience, and a public
/// title or summary that `inc edit` would refuse, written by hand.
#[test]
fn check_points_out_what_would_leak() {
    let repo = Repo::with_incident();
    let incident = "incidents/2026-11-22-checkout-api-down/incident.yaml";
    let text = repo.read(incident);
    repo.write(
        incident,
        &text.replace(
            "summary:",
            &format!("public_title: \"{}\"\nsummary:", "x".repeat(250)),
        ),
    );
    let config = repo
        .read(".inc.yaml")
        .replace(
            "audiences: [internal, customers, executives]",
            "audiences: [internal, clients, executives]",
        )
        .replace(
            "required_updates: [internal, customers]",
            "required_updates: [internal]",
        );
    repo.write(".inc.yaml", &config);
    let out = repo.run(&["check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("public_title is 250 characters: keep the headline to 200")
            && text.contains("[public-text]"),
        "{text}"
    );
    assert!(
        text.contains("no audience is public") && text.contains("[no-public-audience]"),
        "{text}"
    );
    // Named, the audience is public: its drafts are built from the public model.
    repo.write(".inc.yaml", &(config + "public:\n  audiences: [clients]\n"));
    let out = repo.run(&["check"]);
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("no-public-audience"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
