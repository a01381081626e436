use crate::common::{CHECKOUT, Repo};

fn last_line_of_timeline(repo: &Repo) -> String {
    let text = repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"));
    text.rsplit("- id: ").next().unwrap().to_string()
}

#[test]
fn exec_runs_the_command_logs_it_and_passes_on_its_exit_status() {
    let repo = Repo::with_incident();
    let out = repo.run(&["exec", "--", "sh", "-c", "echo from the command; exit 3"]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("from the command\n"), "{stdout}");
    let entry = last_line_of_timeline(&repo);
    assert!(
        entry.contains("  kind: action\n  internal: true\n  text: $ sh -c 'echo from the command; exit 3' → exit 3 after 0s\n"),
        "{entry}"
    );
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: exec \"sh -c 'echo from the command; exit 3'\"")
    );
    assert_eq!(repo.status(), "");
}

#[test]
fn a_successful_command_exits_zero() {
    let repo = Repo::with_incident();
    let out = repo.run(&["exec", "--key", "--", "true"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(last_line_of_timeline(&repo).contains("  key: true\n"));
    assert!(last_line_of_timeline(&repo).contains("text: $ true → exit 0 after 0s\n"));
}

#[test]
fn a_command_that_cannot_start_exits_127_and_is_still_logged() {
    let repo = Repo::with_incident();
    let out = repo.run(&["exec", "--", "no-such-command-here"]);
    assert_eq!(out.status.code(), Some(127));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("error: cannot run no-such-command-here: ")
    );
    assert!(last_line_of_timeline(&repo).contains("$ no-such-command-here → could not start: "));
}

#[test]
fn a_command_killed_by_a_signal_exits_128_plus_the_signal() {
    let repo = Repo::with_incident();
    let out = repo.run(&["exec", "--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(out.status.code(), Some(128 + 15));
    assert!(last_line_of_timeline(&repo).contains("→ killed by signal 15 after"));
}

#[test]
fn nothing_runs_when_the_incident_cannot_be_chosen() {
    let repo = Repo::with_incident();
    let before = repo.state();
    let err = repo.fails(2, &["-i", "nope", "exec", "--", "sh", "-c", "touch ran"]);
    assert_eq!(
        err,
        "error: no incident matches \"nope\": `inc list --all` shows every id\n"
    );
    assert!(!repo.path("ran").exists());
    assert_eq!(repo.state(), before);
}
