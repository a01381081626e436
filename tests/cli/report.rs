//! Reports: every built-in template on a fixed incident (the demo's, with a pinned clock).

use crate::common::{CHECKOUT, Repo};

const DEMO: &str = "2026-11-21-checkout-api-returns-500s";

fn demo() -> Repo {
    let repo = Repo::empty();
    repo.ok(&["demo", "d"]);
    repo
}

fn report(repo: &Repo, args: &[&str]) -> String {
    let mut all = vec!["-C", "d", "report", "-i", DEMO];
    all.extend_from_slice(args);
    repo.ok(&all)
}

#[test]
fn every_built_in_template_renders_the_incident() {
    let repo = demo();
    for template in ["internal", "external", "summary", "comms", "tactical"] {
        insta::assert_snapshot!(
            format!("report_{template}"),
            report(&repo, &["--template", template])
        );
    }
    for audience in ["customers", "internal"] {
        insta::assert_snapshot!(
            format!("report_update_{audience}"),
            report(&repo, &["--template", "update", "--audience", audience])
        );
    }
    // The default is the internal outage report.
    assert_eq!(
        report(&repo, &[]),
        report(&repo, &["--template", "internal"])
    );
}

#[test]
fn the_external_report_leaks_no_internal_entry_and_no_name() {
    let repo = demo();
    // Make it harder: a public entry that names people, and an internal key entry.
    repo.ok(&[
        "-C",
        "d",
        "log",
        "-i",
        DEMO,
        "--public",
        "--at",
        "2026-11-21T20:40:00Z",
        "Alice and bob restarted the pool",
    ]);
    repo.ok(&[
        "-C",
        "d",
        "log",
        "-i",
        DEMO,
        "--key",
        "--internal",
        "--at",
        "2026-11-21T20:41:00Z",
        "Secret vendor ticket 88123",
    ]);
    let people = ["alice", "bob", "carol", "dave", "erin"];
    for args in [
        &["--template", "external"][..],
        &["--template", "update", "--audience", "customers"],
        &["--template", "summary", "--audience", "customers"],
        &["--template", "internal", "--audience", "customers"],
    ] {
        let out = report(&repo, args).to_lowercase();
        for name in people {
            let named = out
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| word == name);
            assert!(!named, "{args:?} names {name}:\n{out}");
        }
        for internal in [
            "secret vendor ticket",
            "pool size came from config pr",
            "$ echo",
            "incident-lead",
            "comms-lead",
        ] {
            assert!(
                !out.contains(internal),
                "{args:?} shows {internal:?}:\n{out}"
            );
        }
    }
    let external = report(&repo, &["--template", "external"]);
    assert!(
        external.contains("a team member and a team member restarted the pool"),
        "{external}"
    );
}

#[test]
fn html_is_a_standalone_page_and_escapes_user_html() {
    let repo = Repo::with_incident();
    repo.ok(&[
        "log",
        "--key",
        "<script>alert('x')</script> and <b>bold</b>",
    ]);
    repo.ok(&["log", "--key", "[click](javascript:alert(1))"]);
    let page = repo.ok(&["report", "--template", "summary", "--html"]);
    assert!(
        page.starts_with("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'none'; base-uri 'none'; form-action 'none'\">\n<meta charset=\"utf-8\">"),
        "{page}"
    );
    assert!(page.contains("<title>Checkout API down: summary</title>"));
    assert!(
        !page.contains("<script>") && !page.contains("<b>bold"),
        "{page}"
    );
    assert!(
        page.contains("&lt;script&gt;alert('x')&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.contains("javascript:"), "{page}");
    assert!(page.contains("<table>"));
}

#[test]
fn output_goes_to_a_file_with_dash_o() {
    let repo = Repo::with_incident();
    let head = repo.head();
    let out = repo.ok(&["report", "--template", "comms", "-o", "out/comms.md"]);
    assert_eq!(out, "");
    assert!(
        repo.read("out/comms.md")
            .starts_with("# Checkout API down: communications\n")
    );
    assert_eq!(repo.head(), head, "reports are not committed");
}

#[test]
fn repository_templates_and_paths_override_and_extend() {
    let repo = Repo::with_incident();
    repo.write(
        ".inc/templates/internal.md",
        "Ours: {{ incident.title }} ({{ incident.severity }})\n",
    );
    assert_eq!(repo.ok(&["report"]), "Ours: Checkout API down (SEV2)\n");
    repo.write(
        ".inc/templates/standup.md",
        "{% for e in timeline %}{{ e.at | time }} {{ e.text }}\n{% endfor %}",
    );
    assert_eq!(
        repo.ok(&["report", "-t", "standup"]),
        "14:40 Opened \"Checkout API down\" as SEV2\n"
    );
    repo.write(
        "elsewhere/brief.md",
        "{{ incident.durations.time_to_detect | duration }}\n",
    );
    assert_eq!(repo.ok(&["report", "-t", "elsewhere/brief.md"]), "3m\n");
    repo.write(
        ".inc/templates/page.html",
        "<h1>{{ incident.title }}</h1>\n",
    );
    repo.ok(&["log", "<i>x</i>"]);
    repo.write(
        ".inc/templates/entries.html",
        "{% for e in timeline %}<p>{{ e.text }}</p>{% endfor %}\n",
    );
    let html = repo.ok(&["report", "-t", "entries", "--html"]);
    // Escaped by the one rule of every page (no `&#x2f;`), and made a page like --html does.
    assert!(html.contains("<p>&lt;i&gt;x&lt;/i&gt;</p>"), "{html}");
    assert!(html.contains("script-src 'none'"), "{html}");
    assert_eq!(repo.ok(&["report", "-t", "entries"]), html);
}

#[test]
fn template_mistakes_are_one_clear_line() {
    let repo = Repo::with_incident();
    let err = repo.fails(2, &["report", "-t", "internl"]);
    assert_eq!(
        err,
        "error: unknown template \"internl\" (did you mean internal?): use one of internal, external, summary, comms, update, tactical, postmortem\n"
    );
    repo.write(".inc/templates/broken.md", "fine\n{% for x in %}\n");
    let err = repo.fails(1, &["report", "-t", "broken"]);
    assert_eq!(
        err,
        "error: .inc/templates/broken.md:2:1: template error: unexpected end of block\n"
    );
    let err = repo.fails(2, &["report", "-t", "update"]);
    assert_eq!(
        err,
        "error: the update template drafts an update for one audience: add --audience (internal, customers, executives)\n"
    );
    let err = repo.fails(2, &["report", "-t", "missing/file.md"]);
    assert!(
        err.starts_with("error: cannot read template missing/file.md: "),
        "{err}"
    );
    let _ = CHECKOUT;
}

#[test]
fn a_public_report_sees_only_the_updates_to_customers() {
    let repo = Repo::with_incident();
    repo.ok(&["comms", "--to", "internal", "Bridge open, db team paged"]);
    repo.ok(&["comms", "--to", "customers", "We are investigating"]);
    repo.write(
        ".inc/templates/external.md",
        "{% for c in comms %}{{ c.audience }}: {{ c.message }}\n{% endfor %}",
    );
    assert_eq!(
        repo.ok(&["report", "-t", "external"]),
        "customers: We are investigating\n"
    );
}
