use crate::common::{CHECKOUT, Repo};

const PM: &str = "incidents/2026-11-22-checkout-api-down/postmortem.md";

/// The checkout incident with a lead, key entries, mitigation and resolution.
fn resolved() -> Repo {
    let repo = Repo::with_incident();
    repo.ok(&["role", "incident-lead", "alice"]);
    repo.ok(&[
        "log",
        "--at",
        "14:10",
        "--key",
        "Error rate at 40% | rising",
    ]);
    repo.ok(&["log", "--at", "14:12", "Not key, not in the summary"]);
    repo.ok(&["mark", "mitigated", "--at", "14:30"]);
    repo.ok(&["resolve", "--at", "14:38"]);
    repo
}

#[test]
fn postmortem_scaffolds_the_file_with_timeline_and_statistics() {
    let repo = resolved();
    let out = repo.ok(&["postmortem"]);
    assert_eq!(out, format!("{PM}\n"));
    insta::assert_snapshot!("postmortem_scaffold", repo.read(PM));
    assert_eq!(repo.head_files(), [PM]);
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: postmortem"));
    // A fresh scaffold is a valid draft.
    repo.ok(&["check"]);
}

#[test]
fn existing_text_is_never_overwritten_without_force() {
    let repo = resolved();
    repo.ok(&["postmortem"]);
    let mine = repo
        .read(PM)
        .replace("## Impact\n", "## Impact\n\nMy careful words.\n");
    repo.write(PM, &mine);
    repo.git(&["commit", "-qam", "my words"]);
    let before = repo.state();
    let err = repo.fails(2, &["postmortem"]);
    assert_eq!(
        err,
        format!(
            "error: {PM} exists and inc never overwrites it: edit it (inc postmortem --edit), or pass --force to start again from the template\n"
        )
    );
    assert_eq!(repo.state(), before);
    repo.ok(&["postmortem", "--force"]);
    assert!(!repo.read(PM).contains("My careful words."));
}

#[test]
fn edit_opens_the_editor_and_commits_what_was_saved() {
    let repo = resolved();
    let editor = repo.path("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf '\\n<!-- edited -->\\n' >> \"$1\"\n",
    )
    .unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&editor)
        .status()
        .unwrap();
    let out = repo
        .cmd()
        .env("EDITOR", &editor)
        .args(["postmortem", "--edit"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(repo.read(PM).ends_with("<!-- edited -->\n"));
    assert!(
        repo.git(&["show", &format!("HEAD:{PM}")])
            .ends_with("<!-- edited -->\n")
    );
    // Editing again opens the existing file instead of refusing.
    let out = repo
        .cmd()
        .env("VISUAL", &editor)
        .args(["postmortem", "--edit"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: edit postmortem"));
    assert_eq!(repo.read(PM).matches("<!-- edited -->").count(), 2);
}

#[test]
fn edit_without_an_editor_is_a_usage_error() {
    let repo = resolved();
    let before = repo.state();
    let err = repo.fails(2, &["postmortem", "--edit"]);
    assert_eq!(
        err,
        "error: --edit needs an editor: set VISUAL or EDITOR (e.g. EDITOR=vim)\n"
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn a_repository_template_overrides_the_built_in_one() {
    let repo = resolved();
    repo.write(
        ".inc/templates/postmortem.md",
        "---\nstatus: draft\nincident: {{ incident.id }}\nauthors: {{ authors | tojson }}\n---\n# {{ incident.title }} ({{ incident.durations.time_to_resolve | duration }})\n",
    );
    repo.ok(&["postmortem"]);
    assert_eq!(
        repo.read(PM),
        format!(
            "---\nstatus: draft\nincident: {CHECKOUT}\nauthors: [\"alice\"]\n---\n# Checkout API down (36m)\n"
        )
    );
}

#[test]
fn a_template_error_names_the_template_and_line() {
    let repo = resolved();
    repo.write(
        ".inc/templates/postmortem.md",
        "line one\n{{ incident.titel }}\n",
    );
    let before = repo.state();
    let err = repo.fails(1, &["postmortem"]);
    assert_eq!(
        err,
        "error: .inc/templates/postmortem.md:2:1: template error: `incident.titel` is undefined\n"
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn show_json_exposes_issues_and_improvements_with_lines() {
    let repo = resolved();
    repo.ok(&["postmortem"]);
    let text = repo.read(PM).replace(
        "No people's names. -->\n",
        "No people's names. -->\n\n- Pool size is not validated\n",
    ).replace(
        "due and ref are optional. -->\n",
        "due and ref are optional. -->\n\n- [ ] Validate pool sizes (owner: carol, due: 2026-12-15, type: prevent, ref: OPS-12)\n- [x] Page on saturation (owner: bob)\n",
    );
    repo.write(PM, &text);
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let shown = repo.json(&["show", "--json"]);
    let pm = &shown["postmortem"];
    assert_eq!(pm["status"], "draft");
    assert_eq!(pm["authors"], serde_json::json!(["alice"]));
    assert_eq!(pm["issues"][0]["text"], "Pool size is not validated");
    assert_eq!(pm["issues"][0]["line"], line_of("- Pool size"));
    assert_eq!(
        pm["improvements"][0],
        serde_json::json!({
            "line": line_of("Validate pool sizes"),
            "column": 1,
            "text": "Validate pool sizes",
            "done": false,
            "owner": "carol",
            "due": "2026-12-15",
            "type": "prevent",
            "ref": "OPS-12",
            "id": null,
            "done_on": null,
            "done_by": null,
            "commit": null
        })
    );
    assert_eq!(pm["improvements"][1]["done"], true);
    assert!(
        repo.ok(&["show"])
            .contains("Post-mortem: draft (1 issues, 2 improvements, 1 done)")
    );
}
