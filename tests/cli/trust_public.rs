//! Public reports leak no names and no internal data, name redaction is one pass over the text,
//! and a post-mortem that lost a section still renders and is pointed at by `inc check`.

use crate::common::{CHECKOUT, Repo};

const PM: &str = "incidents/2026-11-22-checkout-api-down/postmortem.md";
const TIMELINE: &str = "incidents/2026-11-22-checkout-api-down/timeline.yaml";

/// "Élodie" with the accent as a separate combining character (NFD).
const ELODIE_NFD: &str = "E\u{301}lodie";

/// The checkout incident with people named in every way a report can meet them.
fn named() -> Repo {
    let repo = Repo::with_incident();
    repo.ok(&["role", "incident-lead", "Carol Git"]);
    repo.ok(&["role", "scribe", "Will"]);
    repo.ok(&["role", "technical-lead", ELODIE_NFD]);
    repo.ok(&[
        "log",
        "--by",
        "bob",
        "--at",
        "14:10",
        "--public",
        "Paged the db team",
    ]);
    repo.ok(&[
        "log",
        "--at",
        "14:20",
        "--public",
        "Bob's rollback and Bob’s retry failed; we will ask Carol, then Git (git push is fine)",
    ]);
    repo.ok(&[
        "log",
        "--at",
        "14:25",
        "--public",
        "WILL and Élodie (NFC) and ÉLODIE agreed with CAROL GIT; Caroline and bobby are not people here",
    ]);
    repo
}

#[test]
fn the_external_report_redacts_every_form_of_a_name() {
    let repo = named();
    let report = repo.ok(&["report", "-t", "external"]);
    insta::assert_snapshot!("trust_public_external", report);
    for name in [
        "Carol", "Git", "Will", "WILL", "Élodie", "ÉLODIE", "Bob", "bob",
    ] {
        let named = report
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word == name);
        assert!(!named, "names {name}:\n{report}");
    }
    assert!(!report.contains(ELODIE_NFD), "{report}");
    // Ordinary words that only equal a name in another case, and longer words, stay.
    for kept in ["we will ask", "git push is fine", "Caroline and bobby"] {
        assert!(report.contains(kept), "lost {kept:?}:\n{report}");
    }
    assert!(
        report.contains("a team member's rollback and a team member’s retry"),
        "{report}"
    );
}

#[test]
fn check_warns_about_the_same_mentions_that_reports_redact() {
    let repo = named();
    repo.ok(&["resolve", "--at", "14:38"]);
    repo.ok(&["postmortem"]);
    let text = repo.read(PM).replace(
        "## Issues\n",
        "## Issues\n\n- Git did not see the page in time.\n- We will need an alert on the pool.\n",
    );
    repo.write(PM, &text);
    let line = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let out = repo.ok(&["check"]);
    assert!(
        out.contains(&format!(
            "  {}:1    warning  this Issue names Carol Git (\"Git\"): a blameless post-mortem",
            line("Git did not see")
        )),
        "{out}"
    );
    assert!(!out.contains("names Will"), "{out}");
}

#[test]
fn the_public_context_holds_only_public_data() {
    let repo = named();
    repo.ok(&[
        "log",
        "--internal",
        "--key",
        "SECRET-INTERNAL vendor ticket",
    ]);
    repo.ok(&["log", "--public", "--kind", "action", "Restarted the pool"]);
    // Key but not public: by the default policy (`public_entries: marked`) it stays out.
    repo.ok(&["log", "--key", "SECRET-KEYED checked the dashboards"]);
    repo.ok(&["change", "request", "SECRET-CHANGE restart the primary"]);
    repo.ok(&["comms", "--to", "internal", "SECRET-COMMS bridge is open"]);
    repo.ok(&["comms", "--to", "customers", "We are looking into it"]);
    repo.ok(&["resolve", "--at", "14:38"]);
    repo.ok(&["postmortem"]);
    let text = repo
        .read(PM)
        .replace("authors: [\"alice\"]", "authors: [\"alice\", \"Dana Rook\"]")
        .replace(
            "## Impact\n",
            "## Impact\n\n<!-- inc:public -->\nPUBLIC-IMPACT checkout failed for everyone.\n",
        )
        .replace(
            "## Root cause\n",
            "## Root cause\n\nSECRET-ROOT the pool size.\n",
        )
        .replace("## Trigger\n", "## Trigger\n\nSECRET-TRIGGER a deploy.\n")
        .replace(
            "## Issues\n",
            "## Issues\n\n- SECRET-ISSUE no alert on saturation.\n",
        )
        .replace(
            "## Improvements\n",
            "## Improvements\n\n<!-- inc:public -->\n- [ ] PUBLIC-ACTION alert on saturation (owner: Dana Rook, due: 2026-12-01, type: prevent, ref: SECRET-REF)\n",
        )
        .replace(
            "### What went well\n",
            "### What went well\n\nSECRET-LESSON\n\n## Appendix\n\nSECRET-APPENDIX\n",
        );
    repo.write(PM, &text);
    repo.write(".inc/templates/dump.md", "{{ debug() }}\n");
    for args in [
        &["report", "-t", "dump", "--audience", "customers"][..],
        &[
            "report",
            "-t",
            ".inc/templates/dump.md",
            "--audience",
            "customers",
        ],
    ] {
        let dump = repo.ok(args);
        // The dump is the whole context: public data is in it.
        for public in [
            "PUBLIC-IMPACT",
            "PUBLIC-ACTION",
            "We are looking into it",
            "Restarted the pool",
            "Paged the db team",
        ] {
            assert!(dump.contains(public), "{public} missing:\n{dump}");
        }
        for secret in ["SECRET", "incident-lead", "'checkout'", "2026-12-01"] {
            assert!(!dump.contains(secret), "{secret} leaked:\n{dump}");
        }
        for name in [
            "alice", "bob", "Bob", "Carol", "Git", "Will", "Dana", "Rook", "Élodie",
        ] {
            let named = dump
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| word == name);
            assert!(!named, "names {name}:\n{dump}");
        }
    }
    // The external template, overridden by the repository, sees the same public context.
    repo.write(".inc/templates/external.md", "{{ debug() }}\n");
    let dump = repo.ok(&["report", "-t", "external"]);
    assert!(!dump.contains("SECRET"), "{dump}");
    assert!(dump.contains("PUBLIC-IMPACT"), "{dump}");
}

#[test]
fn a_missing_section_renders_as_missing_and_check_points_where_it_belongs() {
    let repo = Repo::with_incident();
    repo.ok(&["resolve", "--at", "14:38"]);
    repo.ok(&["postmortem"]);
    let scaffold = repo.read(PM);
    let start = scaffold.find("## Root cause\n").unwrap();
    let end = scaffold.find("## Trigger\n").unwrap();
    let text = format!("{}{}", &scaffold[..start], &scaffold[end..]);
    repo.write(PM, &text);
    let trigger = text.lines().position(|l| l == "## Trigger").unwrap() + 1;

    let internal = repo.ok(&["report", "-t", "internal"]);
    assert!(
        internal.contains(
            "## Root cause\n\n*Missing from the post-mortem (postmortem.md has no \"## Root cause\" section).*\n"
        ),
        "{internal}"
    );
    for template in ["external", "summary", "tactical"] {
        repo.ok(&["report", "-t", template]);
    }

    let out = repo.ok(&["check"]);
    assert_eq!(
        out,
        format!(
            "{PM}\n  {trigger}:1    warning  section \"## Root cause\" is missing: add it before \"## Trigger\"  [section-missing]\n\n0 errors and 1 warning in 1 file (1 incident checked).\n"
        )
    );
    // In review, it is an error, and the last section missing points at the end of the file.
    let text = text
        .replace("status: draft", "status: in-review")
        .replace("## Lessons\n", "");
    repo.write(PM, &text);
    let out = repo.run(&["check", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let out = String::from_utf8(out.stdout).unwrap();
    let last = text.lines().count();
    for expected in [
        format!(
            "::error file={PM},line={trigger},col=1,title=inc check%3A section-missing::section \"## Root cause\" is missing: add it before \"## Trigger\" (a post-mortem in-review needs every section)\n"
        ),
        format!(
            "::error file={PM},line={last},col=1,title=inc check%3A section-missing::section \"## Lessons\" is missing: add it at the end (a post-mortem in-review needs every section)\n"
        ),
    ] {
        assert!(out.contains(&expected), "{expected}\nnot in\n{out}");
    }
    let _ = CHECKOUT;
}

/// 200 authors and a 2 MB logbook: redaction used to search the text once per person (111 s).
/// Not a timing test: it must finish, and redact every author.
#[test]
fn redaction_is_one_pass_for_many_people_and_a_long_logbook() {
    let repo = Repo::with_incident();
    repo.ok(&["resolve", "--at", "14:38"]);
    repo.ok(&["postmortem"]);
    let first = [
        "Ada", "Bea", "Cyd", "Dov", "Eli", "Fay", "Gus", "Hal", "Ida", "Jon",
    ];
    let last = [
        "Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Roberts",
        "Walker", "Wright", "Hall", "Green", "Wood", "Lewis", "Harris", "Clarke", "Young", "King",
        "Scott",
    ];
    let people: Vec<String> = last
        .iter()
        .flat_map(|l| first.iter().map(move |f| format!("{f} {l}")))
        .collect();
    assert_eq!(people.len(), 200);
    let authors: Vec<String> = people.iter().map(|p| format!("\"{p}\"")).collect();
    let pm = repo.read(PM).replace(
        "authors: [\"alice\"]",
        &format!("authors: [{}]", authors.join(", ")),
    );
    repo.write(PM, &pm);
    let mut timeline = repo.read(TIMELINE);
    let mut n = 0;
    while timeline.len() < 2_000_000 {
        let by = &people[n % 200];
        let other = &people[(n * 7) % 200];
        let key = if n % 100 == 0 { "  public: true\n" } else { "" };
        timeline.push_str(&format!(
            "- id: g{n:06}\n  at: \"2026-11-22T14:{:02}:00+00:00\"\n  by: {by}\n  kind: event\n{key}  text: {} asked {by} to check the pool again; errors still at {} per cent\n",
            n % 30 + 5,
            other.split(' ').next().unwrap(),
            n % 97
        ));
        n += 1;
    }
    repo.write(TIMELINE, &timeline);
    let report = repo.ok(&["report", "-t", "external"]);
    assert!(report.contains("a team member asked a team member to check the pool"));
    for name in first.iter().chain(&last) {
        let named = report
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word == *name);
        assert!(!named, "names {name}");
    }
}
