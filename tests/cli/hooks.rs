//! Hooks in `.inc/hooks/`: what they receive, when they run, and that nothing they do (fail, hang,
//! print, loop) costs the record; and that they run only in a clone that opted in.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::common::{CHECKOUT, Repo, timeline};

/// Commits `.inc/hooks/NAME` with `body` after a shebang, executable, as a team would.
pub fn hook(repo: &Repo, name: &str, body: &str) {
    let rel = format!(".inc/hooks/{name}");
    repo.write(&rel, &format!("#!/bin/sh\n{body}\n"));
    std::fs::set_permissions(repo.path(&rel), std::fs::Permissions::from_mode(0o755)).unwrap();
    repo.git(&["add", &rel]);
    repo.git(&["commit", "-q", "-m", &format!("hook {name}")]);
}

/// A checkout incident whose clone runs hooks.
pub fn enabled() -> Repo {
    let repo = Repo::with_incident();
    repo.git(&["config", "inc.hooks", "true"]);
    repo
}

/// A file beside the repository, where hooks leave what they saw.
pub fn beside(repo: &Repo, name: &str) -> PathBuf {
    repo.root().parent().unwrap().join(name)
}

pub fn read_beside(repo: &Repo, name: &str) -> String {
    std::fs::read_to_string(beside(repo, name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Runs inc, asserts exit 0; returns (stdout, stderr).
pub fn run_ok(repo: &Repo, args: &[&str]) -> (String, String) {
    let out = repo.run(args);
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert_eq!(out.status.code(), Some(0), "inc {args:?}: {stderr}");
    (stdout, stderr)
}

#[test]
fn a_hook_reads_the_event_on_stdin_and_its_environment() {
    let repo = enabled();
    hook(
        &repo,
        "log",
        "cat > ../stdin.json\nenv | grep '^INC_' | sort > ../env.txt\npwd > ../pwd.txt",
    );
    let stdout = repo.ok(&["log", "Restarted the API pods", "--key"]);
    assert!(stdout.starts_with("14:40 logged "), "{stdout}");

    let event: serde_json::Value = serde_json::from_str(&read_beside(&repo, "stdin.json")).unwrap();
    assert_eq!(event["event"], "log");
    assert_eq!(event["incident"], CHECKOUT);
    assert_eq!(event["by"], "alice");
    assert_eq!(event["at"], "2026-11-22T14:40:00+00:00");
    let entry = &event["entry"];
    assert_eq!(entry["text"], "Restarted the API pods");
    assert_eq!(entry["key"], true);
    assert_eq!(entry["kind"], "event");
    assert_eq!(entry["by"], "alice");
    // `show` is what `inc show --json` prints, and the entry is the one it lists last.
    let show = repo.json(&["show", "--json"]);
    assert_eq!(event["show"], show);
    let listed = show["timeline"].as_array().unwrap();
    assert_eq!(&listed[listed.len() - 1], entry);

    let env = read_beside(&repo, "env.txt");
    let root = repo.root().to_str().unwrap();
    for line in [
        "INC_BY=alice".to_string(),
        "INC_EVENT=log".to_string(),
        format!("INC_INCIDENT={CHECKOUT}"),
        "INC_NO_HOOKS=1".to_string(),
        format!("INC_REPO_ROOT={root}"),
    ] {
        assert!(env.lines().any(|l| l == line), "{line} missing in:\n{env}");
    }
    assert_eq!(read_beside(&repo, "pwd.txt").trim(), root);
}

#[test]
fn a_hook_runs_after_the_commit() {
    let repo = enabled();
    hook(
        &repo,
        "log",
        "git log -1 --format=%s > ../head.txt\ngit status --porcelain > ../status.txt",
    );
    repo.ok(&["log", "Failed over the primary DB"]);
    assert_eq!(
        read_beside(&repo, "head.txt"),
        format!("{CHECKOUT}: log \"Failed over the primary DB\"\n")
    );
    assert_eq!(read_beside(&repo, "status.txt"), "");
}

#[test]
fn with_no_commit_a_hook_runs_once_the_files_are_written() {
    let repo = enabled();
    hook(
        &repo,
        "log",
        &format!("grep -c 'Drained node 7' incidents/{CHECKOUT}/timeline.yaml > ../seen.txt"),
    );
    let head = repo.head();
    repo.ok(&["--no-commit", "log", "Drained node 7"]);
    assert_eq!(read_beside(&repo, "seen.txt"), "1\n");
    assert_eq!(repo.head(), head);
}

#[test]
fn each_command_fires_its_event() {
    let repo = Repo::new();
    repo.git(&["config", "inc.hooks", "true"]);
    for event in [
        "open",
        "log",
        "status",
        "sev",
        "role",
        "comms",
        "change",
        "resolve",
        "postmortem",
    ] {
        hook(&repo, event, "cat >> ../events.jsonl");
    }
    let steps: [(&[&str], &str, &str); 12] = [
        (
            &["open", "Checkout API down", "--sev", "SEV2"],
            "open",
            "Opened \"Checkout API down\" as SEV2",
        ),
        (&["log", "Paged the DB team"], "log", "Paged the DB team"),
        (&["exec", "--", "true"], "log", "$ true → exit 0 after 0s"),
        (&["mark", "mitigated"], "status", "Marked mitigated"),
        (
            &["status", "identified"],
            "status",
            "Status investigating → identified",
        ),
        (&["sev", "SEV1"], "sev", "Severity SEV2 → SEV1"),
        (&["role", "scribe", "bob"], "role", "bob is scribe"),
        (
            &["comms", "We are on it", "--to", "internal"],
            "comms",
            "Update to internal: We are on it",
        ),
        (
            &["change", "request", "Roll back 1.4"],
            "change",
            "Roll back 1.4",
        ),
        (&["resolve"], "resolve", "Resolved"),
        (&["postmortem"], "postmortem", ""),
        // Commands that record no event fire nothing.
        (&["tag", "add", "payments"], "", ""),
    ];
    for (args, _, _) in steps {
        run_ok(&repo, args);
    }
    let events: Vec<serde_json::Value> = read_beside(&repo, "events.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let expected: Vec<(&str, &str)> = steps
        .iter()
        .filter(|(_, event, _)| !event.is_empty())
        .map(|(_, event, text)| (*event, *text))
        .collect();
    let got: Vec<(String, String)> = events
        .iter()
        .map(|e| {
            let text = e["entry"]["text"].as_str().unwrap_or_default().to_string();
            (e["event"].as_str().unwrap().to_string(), text)
        })
        .collect();
    let got: Vec<(&str, &str)> = got.iter().map(|(e, t)| (e.as_str(), t.as_str())).collect();
    assert_eq!(got, expected);
    let postmortem = events.last().unwrap();
    assert_eq!(postmortem["entry"], serde_json::Value::Null);
    assert_eq!(postmortem["by"], "alice");
    assert_eq!(postmortem["show"]["postmortem_status"], "draft");
}

#[test]
fn a_failing_hook_warns_and_the_record_stays_committed() {
    let repo = enabled();
    hook(&repo, "log", "echo 'cannot reach chat' >&2\nexit 3");
    let (stdout, stderr) = run_ok(&repo, &["log", "Restarted the API pods"]);
    assert!(stdout.starts_with("14:40 logged "), "{stdout}");
    assert_eq!(
        stderr,
        "cannot reach chat\nwarning: hook .inc/hooks/log failed (exit status 3); what inc recorded is kept\n"
    );
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: log \"Restarted the API pods\"")
    );
    assert!(timeline(&repo).contains("text: Restarted the API pods\n"));
    assert_eq!(repo.status(), "");
}

#[test]
fn a_hook_that_cannot_start_warns() {
    let repo = enabled();
    let rel = ".inc/hooks/log";
    repo.write(rel, "#!/no/such/interpreter\n");
    std::fs::set_permissions(repo.path(rel), std::fs::Permissions::from_mode(0o755)).unwrap();
    let (_, stderr) = run_ok(&repo, &["log", "Restarted the API pods"]);
    assert!(
        stderr.starts_with("warning: hook .inc/hooks/log could not start (")
            && stderr.ends_with("); what inc recorded is kept\n"),
        "{stderr}"
    );
    assert!(timeline(&repo).contains("text: Restarted the API pods\n"));
}

#[test]
fn a_hanging_hook_is_killed_with_what_it_started() {
    let repo = enabled();
    set_timeout(&repo, "1s");
    hook(&repo, "log", "sleep 60 &\necho $! > ../sleep.pid\nwait");
    let started = Instant::now();
    let (stdout, stderr) = run_ok(&repo, &["log", "Restarted the API pods"]);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert!(stdout.starts_with("14:40 logged "), "{stdout}");
    assert_eq!(
        stderr,
        "warning: hook .inc/hooks/log timed out after 1s and was killed (hooks.timeout in .inc.yaml); what inc recorded is kept\n"
    );
    assert!(timeline(&repo).contains("text: Restarted the API pods\n"));
    // The `sleep` the hook started was killed too (at most a zombie waiting to be reaped).
    let pid = read_beside(&repo, "sleep.pid");
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
    let state = stat.rsplit(") ").next().unwrap_or("").chars().next();
    assert!(
        matches!(state, None | Some('Z' | 'X')),
        "sleep still runs: {stat}"
    );
}

#[test]
fn what_a_hook_prints_goes_to_stderr_escaped_and_bounded() {
    let repo = enabled();
    hook(
        &repo,
        "log",
        "echo 'to stdout'\necho 'to stderr' >&2\nprintf 'red \\033[31mtext\\n' >&2",
    );
    let (stdout, stderr) = run_ok(&repo, &["log", "Restarted the API pods"]);
    // inc's stdout stays what scripts parse.
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("14:40 logged "), "{stdout}");
    assert!(stderr.contains("to stdout\n"), "{stderr}");
    assert!(stderr.contains("to stderr\n"), "{stderr}");
    assert!(stderr.contains("red \\u{1b}[31mtext\n"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");

    hook(
        &repo,
        "log",
        "i=0; while [ $i -lt 3000 ]; do echo 'a line of output that goes on and on and on'; i=$((i+1)); done",
    );
    let (_, stderr) = run_ok(&repo, &["log", "Scaled up"]);
    assert!(stderr.len() < 70 * 1024, "{} bytes", stderr.len());
    assert!(
        stderr.ends_with("[inc: the hook printed more than 64 KiB; the rest is not shown]\n"),
        "{}",
        &stderr[stderr.len() - 200..]
    );
}

#[test]
fn no_hooks_and_inc_no_hooks_skip_them() {
    let repo = enabled();
    hook(&repo, "log", "touch ../ran");
    repo.ok(&["log", "--no-hooks", "One"]);
    repo.ok(&["--no-hooks", "log", "Two"]);
    let out = repo
        .cmd()
        .env("INC_NO_HOOKS", "1")
        .args(["log", "Three"])
        .output()
        .unwrap();
    assert!(out.status.success() && out.stderr.is_empty());
    assert!(!beside(&repo, "ran").exists());
    assert!(timeline(&repo).contains("text: Three\n"));
    repo.ok(&["log", "Four"]);
    assert!(beside(&repo, "ran").exists());
    // On a command that fires no hook, the flag is refused rather than ignored.
    let err = repo.fails(2, &["list", "--no-hooks"]);
    assert!(err.contains("unexpected argument '--no-hooks'"), "{err}");
    let err = repo.fails(2, &["--no-hooks", "list"]);
    assert!(
        err.starts_with(
            "error: --no-hooks does nothing for inc list: it records nothing a hook runs for"
        ),
        "{err}"
    );
}

#[test]
fn inc_run_by_a_hook_records_without_firing_hooks_again() {
    let repo = enabled();
    let inc = assert_cmd::cargo::cargo_bin("inc");
    hook(
        &repo,
        "log",
        &format!(
            "echo fired >> ../fired.txt\n'{}' log 'Posted to #incidents' >/dev/null",
            inc.display()
        ),
    );
    repo.ok(&["log", "Restarted the API pods"]);
    assert_eq!(read_beside(&repo, "fired.txt"), "fired\n");
    let text = timeline(&repo);
    assert!(text.contains("text: Restarted the API pods\n"), "{text}");
    assert!(text.contains("text: \"Posted to #incidents\"\n"), "{text}");
    assert_eq!(repo.status(), "");
}

#[test]
fn a_symlinked_hook_is_refused() {
    let repo = enabled();
    let script = crate::common::outside(&repo, "script.sh", "#!/bin/sh\ntouch ../ran\n");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(repo.path(".inc/hooks")).unwrap();
    std::os::unix::fs::symlink(&script, repo.path(".inc/hooks/log")).unwrap();
    let (_, stderr) = run_ok(&repo, &["log", "Restarted the API pods"]);
    assert!(
        stderr.starts_with("warning: hook .inc/hooks/log not run: ") && stderr.contains("link"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!beside(&repo, "ran").exists());

    // A linked hooks directory is refused the same way.
    std::fs::remove_dir_all(repo.path(".inc/hooks")).unwrap();
    let dir = repo.root().parent().unwrap().join("elsewhere");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&script, dir.join("log")).unwrap();
    std::os::unix::fs::symlink(&dir, repo.path(".inc/hooks")).unwrap();
    let (_, stderr) = run_ok(&repo, &["log", "Scaled up"]);
    assert!(
        stderr.starts_with("warning: hook .inc/hooks/log not run: "),
        "{stderr}"
    );
    assert!(!beside(&repo, "ran").exists());
}

#[test]
fn a_hook_that_is_not_executable_is_not_run() {
    let repo = enabled();
    repo.write(".inc/hooks/log", "#!/bin/sh\ntouch ../ran\n");
    let (_, stderr) = run_ok(&repo, &["log", "Restarted the API pods"]);
    assert_eq!(
        stderr,
        "warning: hook .inc/hooks/log not run: it is not executable; `chmod +x .inc/hooks/log` and commit it to run it\n"
    );
    assert!(!beside(&repo, "ran").exists());
}

#[test]
fn hooks_run_only_in_a_clone_that_opted_in() {
    let repo = Repo::with_incident();
    hook(&repo, "log", "touch ../ran");
    // Not decided: not run, and said once per clone.
    let (_, stderr) = run_ok(&repo, &["log", "One"]);
    assert_eq!(
        stderr,
        "note: this repository has hooks (.inc/hooks/log) that inc runs only once you enable them in this clone: read .inc/hooks/, then `git config inc.hooks true` (or `git config inc.hooks false` to stop this note); see docs/security.md\n"
    );
    repo.ok(&["log", "Two"]);
    assert!(!beside(&repo, "ran").exists());
    // The user's global config does not count: it would trust every repository cloned later.
    repo.git(&["config", "--global", "inc.hooks", "true"]);
    repo.ok(&["log", "Three"]);
    assert!(!beside(&repo, "ran").exists());
    // Declined in this clone.
    repo.git(&["config", "inc.hooks", "false"]);
    repo.ok(&["log", "Four"]);
    assert!(!beside(&repo, "ran").exists());
    // Enabled in this clone.
    repo.git(&["config", "inc.hooks", "true"]);
    repo.ok(&["log", "Five"]);
    assert!(beside(&repo, "ran").exists());
    // The choice is the clone's: nothing about it is committed.
    assert_eq!(repo.status(), "");
}

#[test]
fn a_configuration_from_before_hooks_loads_and_gets_the_default_timeout() {
    let repo = enabled();
    let config = repo.read(".inc.yaml");
    let (old, _) = config.split_once("\n# How long a hook").unwrap();
    assert!(!old.contains("hooks:"), "{old}");
    repo.write(".inc.yaml", &format!("{old}\n"));
    // A 3 s hook finishes within the default 10 s.
    hook(&repo, "log", "sleep 3\ntouch ../ran");
    repo.ok(&["log", "Restarted the API pods"]);
    assert!(beside(&repo, "ran").exists());
}

/// Sets `hooks.timeout` in `.inc.yaml` (which `inc init` writes with the default).
pub fn set_timeout(repo: &Repo, timeout: &str) {
    let config = repo.read(".inc.yaml");
    assert!(config.contains("hooks:\n  timeout: 10s\n"), "{config}");
    repo.write(
        ".inc.yaml",
        &config.replace("timeout: 10s", &format!("timeout: {timeout}")),
    );
}

#[test]
fn a_bad_timeout_is_refused_with_its_position() {
    let repo = Repo::with_incident();
    set_timeout(&repo, "soon");
    let before = repo.state();
    let err = repo.fails(1, &["log", "Restarted the API pods"]);
    assert!(err.starts_with("error: .inc.yaml:"), "{err}");
    assert!(err.contains("\"soon\" is not a length of time"), "{err}");
    assert_eq!(repo.state(), before);
}

#[test]
fn a_failed_inc_exec_is_logged_fires_the_log_hook_and_keeps_its_exit_status() {
    let repo = enabled();
    hook(&repo, "log", "cat > ../stdin.json");
    let out = repo.run(&["exec", "--", "false"]);
    assert_eq!(out.status.code(), Some(1));
    let event: serde_json::Value = serde_json::from_str(&read_beside(&repo, "stdin.json")).unwrap();
    assert_eq!(event["event"], "log");
    assert_eq!(event["entry"]["text"], "$ false → exit 1 after 0s");
    assert_eq!(event["entry"]["internal"], true);
}
