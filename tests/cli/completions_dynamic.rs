//! Dynamic completion (`source <(COMPLETE=bash inc)`): the real binary answers clap_complete's
//! environment protocol with candidates read from the repository, for bash, zsh and fish.

use crate::common::{CHECKOUT, Repo};

const DB: &str = "2026-11-22-db-is-slow";

/// The checkout incident and a second one, a repository template, a runbook and a post-mortem
/// with one action.
fn repo() -> Repo {
    let repo = Repo::with_incident();
    repo.ok(&["open", "DB is slow", "--sev", "SEV3"]);
    repo.write(".inc/templates/board.md", "# {{ incident.title }}\n");
    repo.write(
        ".inc/runbooks/db-failover.md",
        "---\ntitle: DB failover\n---\n# DB failover\n\n- [ ] Page the DBA\n- [ ] Fail over: `dbctl failover` (pre-approved)\n",
    );
    repo.write(
        &format!("incidents/{CHECKOUT}/postmortem.md"),
        &format!(
            "---\nstatus: draft\nincident: {CHECKOUT}\nauthors: [alice]\n---\n# Post-mortem\n\n## Improvements\n\n- [ ] Page on pool exhaustion (owner: bob, id: p00l1)\n\n## Lessons\n\nSome.\n"
        ),
    );
    repo
}

/// What inc answers when `shell` asks to complete the last word of `words` (which start with
/// `inc`), run in `dir` of the repository; one candidate per line, without its help.
fn complete_in(repo: &Repo, dir: &str, shell: &str, words: &[&str]) -> Vec<String> {
    let index = (words.len() - 1).to_string();
    let out = repo
        .cmd()
        .current_dir(repo.path(dir))
        .env("COMPLETE", shell)
        // bash and zsh pass the word index and a separator (bash also the completion type);
        // fish completes the last word.
        .env("_CLAP_COMPLETE_INDEX", &index)
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_COMPLETE_SPACE", "true")
        .env("_CLAP_IFS", "\n")
        .arg("--")
        .args(words)
        .output()
        .unwrap();
    assert!(out.status.success(), "{words:?}: {out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        // fish puts help after a tab, zsh after a colon (no candidate here has either).
        .map(|l| l.split(['\t', ':']).next().unwrap().to_string())
        .filter(|l| !l.starts_with('-'))
        .collect()
}

fn complete(repo: &Repo, shell: &str, words: &[&str]) -> Vec<String> {
    complete_in(repo, "", shell, words)
}

#[test]
fn incident_ids_complete_for_show_use_and_dash_i_in_every_shell() {
    let repo = repo();
    let both = vec![DB.to_string(), CHECKOUT.to_string()];
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    for shell in ["bash", "zsh", "fish"] {
        assert_eq!(
            sorted(complete(&repo, shell, &["inc", "show", ""])),
            sorted(both.clone()),
            "{shell}"
        );
        assert_eq!(
            complete(&repo, shell, &["inc", "use", "2026-11-22-c"]),
            [CHECKOUT],
            "{shell}"
        );
        assert_eq!(
            sorted(complete(&repo, shell, &["inc", "log", "-i", ""])),
            sorted(both.clone()),
            "{shell}"
        );
    }
}

#[test]
fn names_from_the_repository_complete() {
    let repo = repo();
    for shell in ["bash", "zsh", "fish"] {
        let roles = complete(&repo, shell, &["inc", "role", ""]);
        assert!(
            roles.contains(&"incident-lead".to_string()),
            "{shell}: {roles:?}"
        );
        assert!(roles.contains(&"scribe".to_string()), "{shell}: {roles:?}");
        assert_eq!(
            complete(&repo, shell, &["inc", "comms", "--to", ""]),
            ["internal", "customers", "executives"],
            "{shell}"
        );
        let channels = complete(&repo, shell, &["inc", "comms", "--channel", ""]);
        assert!(!channels.is_empty(), "{shell}");
        let templates = complete(&repo, shell, &["inc", "report", "--template", ""]);
        assert!(
            templates.contains(&"board".to_string()),
            "{shell}: {templates:?}"
        );
        assert!(
            templates.contains(&"external".to_string()),
            "{shell}: {templates:?}"
        );
        let runbooks = complete(&repo, shell, &["inc", "runbook", "attach", ""]);
        assert!(
            runbooks.contains(&"db-failover".to_string()),
            "{shell}: {runbooks:?}"
        );
        assert_eq!(
            complete(&repo, shell, &["inc", "actions", "done", ""]),
            [format!("{CHECKOUT}#p00l1")],
            "{shell}"
        );
    }
}

#[test]
fn channels_are_the_configured_ones() {
    let repo = repo();
    let config = repo.read(".inc.yaml");
    let config = config.replace("channels: [", "channels: [pager-bridge, ");
    repo.write(".inc.yaml", &config);
    let channels = complete(&repo, "fish", &["inc", "comms", "--channel", ""]);
    assert!(
        channels.contains(&"pager-bridge".to_string()),
        "{channels:?}"
    );
}

#[test]
fn fish_shows_incident_titles_as_help() {
    let repo = repo();
    let out = repo
        .cmd()
        .env("COMPLETE", "fish")
        .args(["--", "inc", "show", "2026"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{CHECKOUT}\tCheckout API down\n{DB}\tDB is slow\n")
    );
}

#[test]
fn fish_shows_the_action_text_as_help() {
    let repo = repo();
    let out = repo
        .cmd()
        .env("COMPLETE", "fish")
        .args(["--", "inc", "actions", "reopen", "2026"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text, format!("{CHECKOUT}#p00l1\tPage on pool exhaustion\n"));
}

#[test]
fn dash_c_names_the_repository_to_complete_from() {
    let repo = repo();
    std::fs::create_dir_all(repo.path("../elsewhere")).unwrap();
    let root = repo.root().to_str().unwrap().to_string();
    assert_eq!(
        complete_in(
            &repo,
            "../elsewhere",
            "fish",
            &["inc", "-C", &root, "use", "2026-11-22-d"]
        ),
        [DB]
    );
    assert!(complete_in(&repo, "../elsewhere", "fish", &["inc", "use", ""]).is_empty());
}

#[test]
fn an_unreadable_repository_gives_no_candidates_and_no_error() {
    let repo = repo();
    repo.write(".inc.yaml", "roles: [unclosed\n");
    for shell in ["bash", "zsh", "fish"] {
        assert!(
            complete(&repo, shell, &["inc", "show", ""]).is_empty(),
            "{shell}"
        );
        assert!(
            complete(&repo, shell, &["inc", "role", ""]).is_empty(),
            "{shell}"
        );
    }
}

#[test]
fn a_name_with_control_characters_is_not_offered() {
    let repo = repo();
    let config = repo.read(".inc.yaml");
    let config = config.replace("roles: [", "roles: [\"evil\\e]0;x\\a\", two words, ");
    repo.write(".inc.yaml", &config);
    let roles = complete(&repo, "fish", &["inc", "role", ""]);
    assert!(
        roles
            .iter()
            .all(|r| !r.contains("evil") && !r.contains(' ')),
        "{roles:?}"
    );
}

#[test]
fn complete_without_words_prints_the_registration_script() {
    let repo = repo();
    for (shell, marker) in [
        (
            "bash",
            "complete -o nospace -o bashdefault -F _clap_complete_inc inc",
        ),
        ("zsh", "#compdef inc"),
        ("fish", "complete --keep-order --exclusive --command inc"),
    ] {
        let out = repo.cmd().env("COMPLETE", shell).output().unwrap();
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{shell}");
        assert!(script.contains(marker), "{shell}: {script}");
    }
    // The static script is still there.
    assert!(repo.ok(&["completions", "bash"]).contains("_inc()"));
}

#[test]
fn runbook_steps_complete_as_name_colon_number() {
    let repo = repo();
    for shell in ["bash", "fish"] {
        let steps = complete(&repo, shell, &["inc", "runbook", "done", "db"]);
        assert_eq!(
            steps,
            ["db-failover", "db-failover"],
            "{shell}: cut at the colon"
        );
    }
    let out = repo
        .cmd()
        .env("COMPLETE", "fish")
        .args(["--", "inc", "exec", "--step", "db-f"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "db-failover:1\tPage the DBA\ndb-failover:2\tFail over: `dbctl failover`\n"
    );
    let out = repo
        .cmd()
        .env("COMPLETE", "zsh")
        .env("_CLAP_COMPLETE_INDEX", "3")
        .env("_CLAP_IFS", "\n")
        .args(["--", "inc", "runbook", "done", "db"])
        .output()
        .unwrap();
    let zsh = String::from_utf8(out.stdout).unwrap();
    assert!(zsh.starts_with("db-failover\\:1:Page the DBA\n"), "{zsh:?}");
}

#[test]
fn names_holding_shell_syntax_are_offered_to_no_shell() {
    let repo = repo();
    let config = repo.read(".inc.yaml").replace(
        "roles: [",
        r##"roles: ["$(id)", "a;b", "`id`", "x|y", "*", "~root", "=ls", "#x", "--exec=x", "ok:role", "##,
    );
    repo.write(".inc.yaml", &config);
    repo.write("f$(id)", "x\n");
    repo.write("f;id", "x\n");
    repo.write("f-ok.md", "x\n");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = repo
            .cmd()
            .env("COMPLETE", shell)
            .env("_CLAP_COMPLETE_INDEX", "2")
            .env("_CLAP_IFS", "\n")
            .args(["--", "inc", "role", ""])
            .output()
            .unwrap();
        let roles = String::from_utf8(out.stdout).unwrap();
        assert!(roles.contains("ok"), "{shell}: {roles}");
        assert!(roles.contains("incident-lead"), "{shell}: {roles}");
        for bad in ["(id)", "`id`", "a;b", "|", "*", "~", "=ls", "#x", "--exec"] {
            assert!(!roles.contains(bad), "{shell} offered {bad}: {roles}");
        }
        assert_eq!(
            complete(&repo, shell, &["inc", "attach", "f"]),
            ["f-ok.md"],
            "{shell}: file names from path completion too"
        );
    }
}
