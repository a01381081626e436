//! Issue 18, CLI conventions: each option only on the commands it means something for (`-i`,
//! `--no-commit`, `--by`, `--format`/`--json`, `--no-pager`), `-i` and `--no-commit` still taken
//! before the command's name, `--color` over NO_COLOR/CLICOLOR_FORCE, the pager, `--format` on
//! every command that prints data, and `inc report --context`.

use std::path::Path;

use clap::CommandFactory;

use crate::common::{CHECKOUT, Repo};

/// The options each command (and subcommand) shows in its help, of those that differ between
/// commands. A new command must be added here: decide what it takes.
const OPTIONS: &str = "\
actions done: -i --no-commit --by
actions list: -i --format --json
actions reopen: -i --no-commit
actions scan: -i --no-commit
actions: -i --format --json
attach: -i --no-commit --by --no-hooks
change approve: -i --no-commit --by --no-hooks
change reject: -i --no-commit --by --no-hooks
change request: -i --no-commit --by --no-hooks
change: -i --no-commit --by --no-hooks
check: -i --format --json
comms snooze: -i --no-commit --by --no-hooks
comms: -i --no-commit --by --no-hooks
completions:
config:
config get:
config list:
config path:
demo:
edit: -i --no-commit --by
exec: -i --no-commit --by --no-hooks
export: -i --format --json
impact: -i --no-commit --by
import: -i --no-commit --by --format
init: --no-commit
link: -i --no-commit --by
list: -i --format --json
log: -i --no-commit --by --no-hooks
maintenance cancel: --no-commit --by
maintenance list: --format --json
maintenance schedule: --no-commit
maintenance show: --format --json
maintenance update: --no-commit --by
maintenance: --format --json
man:
mark: -i --no-commit --by --no-hooks
open: --no-commit --by --no-hooks
postmortem: -i --no-commit --by --no-hooks
related: -i --format --json
report: -i --no-pager
resolve: -i --no-commit --by --no-hooks
role: -i --no-commit --by --no-hooks
roles: -i --format --json
runbook attach: -i --no-commit --by
runbook detach: -i --no-commit --by
runbook done: -i --no-commit --by
runbook new: -i --no-commit --by
runbook show: -i --no-commit --by
runbook: -i --no-commit --by
schema:
search: --format --json --no-pager
sev: -i --no-commit --by --json --no-hooks
show: -i --format --json --no-pager
site:
stats: -i --format --json
status: -i --no-commit --by --format --json --no-hooks
strike: -i --no-commit --by
sync:
tag add: -i --no-commit --by
tag remove: -i --no-commit --by
tag: -i --no-commit --by
unlink: -i --no-commit --by
use:
webhooks list:
webhooks trust:
webhooks:
";

/// `name: options` for `command` and each of its visible subcommands.
fn walk(command: &clap::Command, prefix: &str, lines: &mut Vec<String>) {
    let visible = |s: &&clap::Command| !s.is_hide_set() && s.get_name() != "help";
    for sub in command.get_subcommands().filter(visible) {
        let name = format!("{prefix}{}", sub.get_name());
        let mut shown = Vec::new();
        for (flag, id) in [
            ("-i", "incident"),
            ("--no-commit", "no_commit"),
            ("--by", "by"),
            ("--format", "format"),
            ("--json", "json"),
            ("--no-pager", "no_pager"),
            ("--no-hooks", "no_hooks"),
        ] {
            if sub
                .get_arguments()
                .any(|a| a.get_id() == id && !a.is_hide_set())
            {
                shown.push(flag);
            }
        }
        lines.push(
            format!("{name}: {}", shown.join(" "))
                .trim_end()
                .to_string(),
        );
        walk(sub, &format!("{name} "), lines);
    }
}

#[test]
fn every_command_shows_only_the_options_it_uses() {
    let mut command = inc::cli::Cli::command();
    // Global options reach subcommands only once the command is built.
    command.build();
    let mut lines = Vec::new();
    walk(&command, "", &mut lines);
    lines.sort();
    let mut expected: Vec<&str> = OPTIONS.lines().collect();
    expected.sort();
    assert_eq!(lines.join("\n"), expected.join("\n"));
    // `-C` and `--color` are everywhere.
    let help = Repo::new().ok(&["completions", "--help"]);
    assert!(
        help.contains("-C <DIR>") && help.contains("--color <WHEN>"),
        "{help}"
    );
    assert!(
        !help.contains("--incident") && !help.contains("--no-commit"),
        "{help}"
    );
    let top = Repo::new().ok(&["--help"]);
    assert!(
        !top.contains("--incident") && !top.contains("--no-commit"),
        "{top}"
    );
}

#[test]
fn dash_i_and_no_commit_are_still_taken_before_the_command() {
    let repo = Repo::with_incident();
    repo.ok(&["open", "Search slow", "--sev", "SEV3"]);
    repo.ok(&["use", "--clear"]);
    let head = repo.head();
    // Before the name, as before; and after it, as the command's own option.
    repo.ok(&["-i", "checkout", "--no-commit", "log", "before"]);
    repo.ok(&["log", "-i", "checkout", "--no-commit", "after"]);
    assert_eq!(repo.head(), head);
    let timeline = repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"));
    assert!(
        timeline.contains("before") && timeline.contains("after"),
        "{timeline}"
    );
    // A subcommand takes its command's -i wherever it is given.
    assert!(
        repo.ok(&["runbook", "show", "-i", "checkout"])
            .contains(CHECKOUT)
    );
    assert!(repo.ok(&["-i", "checkout", "runbook"]).contains(CHECKOUT));
}

#[test]
fn options_a_command_does_not_take_are_refused_wherever_they_are_given() {
    let repo = Repo::with_incident();
    let before = repo.state();
    for (args, wants) in [
        (
            &["-i", CHECKOUT, "search", "x"][..],
            "error: -i does nothing for inc search: it is not about one incident\n",
        ),
        (
            &["--no-commit", "list"],
            "error: --no-commit does nothing for inc list: it commits nothing\n",
        ),
        (
            &["-i", CHECKOUT, "completions", "bash"],
            "error: -i does nothing for inc completions: it is not about one incident\n",
        ),
        (
            &["--no-commit", "actions", "list"],
            "error: --no-commit does nothing for inc actions list: it commits nothing\n",
        ),
    ] {
        assert_eq!(repo.fails(2, args), wants, "inc {args:?}");
    }
    for args in [
        &["search", "x", "-i", CHECKOUT][..],
        &["list", "--no-commit"],
        &["completions", "bash", "-i", CHECKOUT],
        &["sync", "--no-commit"],
    ] {
        let err = repo.fails(2, args);
        assert!(
            err.starts_with("error: unexpected argument"),
            "inc {args:?}: {err}"
        );
    }
    assert_eq!(repo.state(), before);
}

/// `inc --color` beats NO_COLOR (which every test sets) and CLICOLOR_FORCE.
#[test]
fn the_color_option_wins_over_the_environment() {
    let repo = Repo::with_incident();
    let search = |args: &[&str], force: bool| {
        let mut cmd = repo.cmd();
        if force {
            cmd.env_remove("NO_COLOR").env("CLICOLOR_FORCE", "1");
        }
        let out = cmd.args(args).output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let plain = search(&["search", "checkout"], false);
    assert!(!plain.contains('\x1b'), "{plain}");
    let forced = search(&["search", "checkout"], true);
    assert!(forced.contains("\x1b["), "{forced}");
    let always = search(&["--color", "always", "search", "checkout"], false);
    assert!(always.contains("\x1b["), "{always}");
    assert_eq!(always, forced);
    let never = search(&["search", "checkout", "--color", "never"], true);
    assert_eq!(never, plain);
    let err = repo.fails(2, &["--color", "sometimes", "list"]);
    assert!(
        err.contains("[possible values: never, auto, always]"),
        "{err}"
    );
}

/// A pager that saves what it is given in `seen`, next to it.
fn fake_pager(dir: &Path) -> std::path::PathBuf {
    let script = dir.join("pager.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ncat > '{}'\n", dir.join("seen").display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// Runs `inc ARGS` on a terminal (util-linux `script`), with `env` set; returns what the terminal
/// showed. `None` where `script` is not installed.
fn on_a_terminal(repo: &Repo, env: &[(&str, &str)], args: &str) -> Option<String> {
    let installed = std::process::Command::new("script").arg("-V").output();
    if !installed.is_ok_and(|out| out.status.success()) {
        return None;
    }
    // The hermetic environment of `repo.cmd()`, around `script` instead of inc.
    let inc = repo.std_cmd();
    let mut cmd = std::process::Command::new("script");
    cmd.current_dir(repo.root()).env_clear();
    for (k, v) in inc.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    // The pseudo-terminal has no width: tables would wrap at every letter.
    cmd.env("COLUMNS", "200").envs(env.iter().copied());
    let line = format!("{} {args}", inc.get_program().to_str().unwrap());
    let out = cmd.args(["-qec", &line, "/dev/null"]).output().unwrap();
    assert!(
        out.status.success(),
        "{args}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n"))
}

#[test]
fn long_output_on_a_terminal_goes_through_the_pager() {
    let repo = Repo::with_incident();
    let dir = tempfile::tempdir().unwrap();
    let pager = fake_pager(dir.path());
    let pager = pager.to_str().unwrap();
    let seen = dir.path().join("seen");
    let Some(shown) = on_a_terminal(&repo, &[("INC_PAGER", pager)], "show") else {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    };
    // The pager got the text, and the terminal showed nothing of it directly.
    let paged = std::fs::read_to_string(&seen).unwrap();
    assert!(paged.contains("Checkout API down"), "{paged}");
    assert!(!shown.contains("Checkout API down"), "{shown}");
    std::fs::remove_file(&seen).unwrap();
    // $PAGER when INC_PAGER is not set; INC_PAGER first.
    on_a_terminal(&repo, &[("PAGER", pager)], "search checkout").unwrap();
    assert!(std::fs::read_to_string(&seen).unwrap().contains(CHECKOUT));
    std::fs::remove_file(&seen).unwrap();
    on_a_terminal(&repo, &[("PAGER", pager), ("INC_PAGER", "")], "report").unwrap();
    assert!(!seen.exists(), "an empty INC_PAGER means none");
    // Off: --no-pager, `cat`, report to a file; a pager that cannot start prints directly.
    for (env, args) in [
        (("INC_PAGER", pager), "show --no-pager"),
        (("INC_PAGER", "cat"), "show"),
        (("INC_PAGER", "/nonexistent/pager -R"), "show"),
        (("PAGER", pager), "report -o r.md"),
        (("PAGER", pager), "check"),
    ] {
        let shown = on_a_terminal(&repo, &[env], args).unwrap();
        assert!(!seen.exists(), "{args} with {env:?} paged");
        if args.starts_with("show") {
            assert!(shown.contains(CHECKOUT), "{args}: {shown}");
        }
    }
    // Not a terminal: printed directly, whatever the pager.
    let out = repo
        .cmd()
        .env("INC_PAGER", pager)
        .arg("show")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Checkout API down"));
    assert!(!seen.exists());
}

#[test]
fn json_is_the_same_as_format_json_on_every_command_that_prints_data() {
    let repo = Repo::with_incident();
    repo.ok(&["role", "incident-lead", "alice"]);
    for args in [
        &["list"][..],
        &["show"],
        &["status"],
        &["roles"],
        &["stats"],
        &["check"],
        &["actions"],
        &["search", "checkout"],
    ] {
        let with = |extra: &[&str]| {
            let all: Vec<&str> = args.iter().chain(extra).copied().collect();
            repo.ok(&all)
        };
        let json = with(&["--json"]);
        assert!(
            serde_json::from_str::<serde_json::Value>(&json).is_ok(),
            "{args:?}: {json}"
        );
        assert_eq!(json, with(&["--format", "json"]), "{args:?}");
        assert_eq!(json, with(&["--format", "JSON"]), "{args:?}");
        assert_ne!(json, with(&[]), "{args:?}: JSON is not the default");
        let err = repo.fails(
            2,
            &args
                .iter()
                .chain(&["--json", "--format", "json"])
                .copied()
                .collect::<Vec<_>>(),
        );
        assert!(err.contains("cannot be used with"), "{args:?}: {err}");
    }
    // export's JSON is JSON Lines, one incident per line.
    let jsonl = repo.ok(&["export", "--json"]);
    assert_eq!(jsonl, repo.ok(&["export", "--format", "jsonl"]));
    assert!(serde_json::from_str::<serde_json::Value>(jsonl.trim_end()).is_ok());
    assert_ne!(jsonl, repo.ok(&["export", "--format", "csv"]));
    // The values that make sense for each.
    for (command, values) in [
        ("list", "table, json, csv"),
        ("show", "text, json"),
        ("status", "table, json"),
        ("roles", "text, json"),
        ("stats", "table, csv, json"),
        ("check", "text, github, json"),
        ("actions", "table, json, csv"),
        ("search", "text, json"),
        ("export", "jsonl, csv"),
    ] {
        let err = repo.fails(2, &[command, "--format", "xml"]);
        assert!(
            err.contains(&format!("[possible values: {values}]")),
            "{command}: {err}"
        );
    }
}

#[test]
fn list_prints_csv() {
    let repo = Repo::with_incident();
    repo.ok(&["open", "Search, \"slow\"", "--sev", "SEV3"]);
    assert_eq!(
        repo.ok(&["list", "--format", "csv"]),
        "id,sev,status,duration,title\n\
         2026-11-22-search-slow,SEV3,investigating,0s,\"Search, \"\"slow\"\"\"\n\
         2026-11-22-checkout-api-down,SEV2,investigating,38m,Checkout API down\n"
    );
    assert_eq!(
        repo.ok(&["list", "--format", "csv", "--status", "closed"]),
        "id,sev,status,duration,title\n"
    );
}

#[test]
fn report_context_prints_what_the_template_sees() {
    let repo = Repo::with_lead();
    repo.ok(&["log", "--internal", "Paged bob"]);
    repo.write(".inc/templates/probe.md", "{{ incident.title }}|{{ timeline | length }}|{{ incident.roles['incident-lead'] | join(',') }}\n");
    let context = repo.json(&["report", "-t", "probe", "--context"]);
    let report = repo.ok(&["report", "-t", "probe"]);
    let lead = context["incident"]["roles"]["incident-lead"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        report,
        format!(
            "{}|{}|{lead}\n",
            context["incident"]["title"].as_str().unwrap(),
            context["timeline"].as_array().unwrap().len()
        )
    );
    assert_eq!(lead, "alice");
    // The public context is the one a customer report renders: no internal entries, no names.
    let public = repo.ok(&["report", "-t", "external", "--context"]);
    assert!(
        !public.contains("Paged bob") && !public.contains("alice"),
        "{public}"
    );
    assert!(repo.ok(&["report", "--context"]).contains("Paged bob"));
    let err = repo.fails(2, &["report", "--context", "--html"]);
    assert!(err.contains("cannot be used with"), "{err}");
}

/// Validates `inc ARGS` output against `schemas/output/NAME.schema.json`; returns the output.
fn valid(repo: &Repo, name: &str, args: &[&str]) -> serde_json::Value {
    let output = repo.json(args);
    valid_value(name, &output);
    output
}

#[test]
fn every_json_output_validates_against_its_schema() {
    let repo = Repo::with_lead();
    repo.ok(&["sev", "1"]);
    repo.ok(&["log", "--key", "--kind", "decision", "Roll back"]);
    repo.ok(&[
        "comms",
        "--to",
        "customers",
        "--channel",
        "email",
        "We are on it",
    ]);
    repo.ok(&["change", "request", "Restart the pool"]);
    repo.ok(&["impact", "--service", "checkout-api"]);
    repo.ok(&["link", "https://example.com/dash", "--title", "Dashboard"]);
    repo.ok(&["open", "Search slow", "--sev", "SEV3"]);
    repo.ok(&["use", "checkout"]);
    repo.ok(&["resolve"]);
    repo.write(
        &format!("incidents/{CHECKOUT}/postmortem.md"),
        &format!("---\nstatus: draft\nincident: {CHECKOUT}\nauthors: [alice]\n---\n# Post-mortem\n\n## Improvements\n\n- [ ] Load-test the pool (owner: carol, due: 2026-11-20, type: prevent)\n- [x] Write the runbook (owner: carol, type: process)\n\n## Lessons\n\nSome.\n"),
    );
    repo.write(&format!("incidents/{CHECKOUT}/notes.yaml"), "a: [\n");
    let list = valid(&repo, "list", &["list", "--all", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    let show = valid(&repo, "show", &["show", CHECKOUT, "--json"]);
    assert!(
        show["runbooks"].is_array() && show["postmortem"].is_object(),
        "{show:#}"
    );
    valid(&repo, "status", &["status", "--json"]);
    valid(&repo, "roles", &["roles", "-i", "checkout", "--json"]);
    valid(&repo, "stats", &["stats", "--json", "--by", "severity"]);
    let out = repo.run(&["check", "--json"]);
    let check: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        check["problems"].as_array().is_some_and(|p| !p.is_empty()),
        "{check:#}"
    );
    valid_value("check", &check);
    let actions = valid(&repo, "actions", &["actions", "--all", "--json"]);
    assert_eq!(actions.as_array().unwrap().len(), 2);
    let found = valid(&repo, "search", &["search", "pool", "--json"]);
    assert!(!found.as_array().unwrap().is_empty());
}

/// [`valid`] for output already read (a command that exits 1 when it finds problems).
fn valid_value(name: &str, output: &serde_json::Value) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schemas/output/{name}.schema.json"));
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(output)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}\n{output:#}");
}

/// A terminal that reports no width (a fresh pseudo-terminal) gets 80 columns, and $COLUMNS
/// wins over what the terminal says, for `inc list` as for the dashboard.
#[test]
fn tables_on_a_terminal_fit_columns_or_80() {
    let repo = Repo::with_incident();
    let Some(shown) = on_a_terminal(&repo, &[("COLUMNS", "")], "list") else {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    };
    // Not wrapped at every letter: the row is one line.
    assert!(
        shown
            .lines()
            .any(|l| l.starts_with(CHECKOUT) && l.contains("Checkout API down")),
        "{shown}"
    );
    let shown = on_a_terminal(&repo, &[("COLUMNS", "50")], "list").unwrap();
    assert!(shown.lines().all(|l| l.chars().count() <= 50), "{shown}");
    assert!(shown.contains("TITLE"), "{shown}");
}
