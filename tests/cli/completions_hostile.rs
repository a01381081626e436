//! Dynamic completion in real shells, in a pseudo-terminal, against a repository whose committed
//! names are shell syntax: TAB must never put `$(…)`, a backquote, `;` or a space from a role,
//! an incident directory, a template or a file name onto the command line, and running the line
//! afterwards must run nothing it named.
//!
//! bash is always there and always tested. zsh and fish are tested when installed, else the test
//! says it skipped; CI installs them and sets `INC_REQUIRE_SHELLS` so a lost install fails instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use rexpect::session::PtySession;

use crate::common::{Repo, hermetic};

/// The file a hostile name would create, in the repository, if the shell ran it.
const MARKER: &str = "PWNED";

/// What is typed before TAB, and the line expected after it: the typed text unchanged when the
/// only candidate is hostile, or completed when a harmless one shows completion works at all.
const CASES: &[(&str, &str)] = &[
    ("inc role ra", "inc role ra"),
    ("inc role rb", "inc role rb"),
    ("inc role rc", "inc role rc"),
    ("inc role rd", "inc role rd"),
    ("inc role rz", "inc role rz-fine"),
    ("inc show ia", "inc show ia"),
    (
        "inc show 2026-11-22-c",
        "inc show 2026-11-22-checkout-api-down",
    ),
    ("inc report --template tq", "inc report --template tq"),
    ("inc attach fa", "inc attach fa"),
    ("inc attach fz", "inc attach fz-notes.md"),
];

/// The checkout incident, and a collaborator's push: roles, an incident directory, a report
/// template and a file, each named with shell syntax.
fn hostile_repo() -> Repo {
    let repo = Repo::with_incident();
    let config = repo.read(".inc.yaml").replace(
        "roles: [",
        r#"roles: ["ra$(touch${IFS}PWNED)", "rb`touch${IFS}PWNED`", "rc;touch${IFS}PWNED", "rd x", rz-fine, "#,
    );
    repo.write(".inc.yaml", &config);
    std::fs::create_dir_all(repo.path("incidents/ia$(touch${IFS}PWNED)")).unwrap();
    repo.write(".inc/templates/tq$(touch${IFS}PWNED).md", "# x\n");
    repo.write("fa$(touch${IFS}PWNED)", "x\n");
    repo.write("fz-notes.md", "x\n");
    repo
}

/// `program` found on PATH, or `None` after saying the test skipped (a failure instead for bash,
/// or when `INC_REQUIRE_SHELLS` is set).
fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            program != "bash" && std::env::var_os("INC_REQUIRE_SHELLS").is_none(),
            "{program} is not installed (apt-get install {program}); INC_REQUIRE_SHELLS is set or it is bash"
        );
        println!("skipped: {program} not installed (apt-get install {program})");
    }
    found
}

/// An interactive `shell` without any startup file, in the repository, with inc on PATH and its
/// dynamic completion loaded, and Ctrl-X bound to print the command line as `LINE<…>END`.
fn start(shell: &Path, name: &str, repo: &Repo, home: &Path) -> PtySession {
    let mut cmd = Command::new(shell);
    match name {
        "bash" => cmd.args(["--norc", "--noprofile", "-i"]),
        "zsh" => cmd.args(["-f", "-i"]),
        _ => cmd.args(["--no-config", "-i"]),
    };
    cmd.current_dir(repo.root());
    hermetic(&mut cmd, home);
    let inc = assert_cmd::cargo::cargo_bin("inc");
    let mut path = vec![inc.parent().unwrap().to_path_buf()];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    cmd.env("PATH", std::env::join_paths(path).unwrap())
        .env("TERM", "dumb")
        .env("PS1", "$ ")
        .env("XDG_DATA_HOME", home.join(".local/share"));
    let mut session = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
    let setup: &[&str] = match name {
        "bash" => &[
            "source <(COMPLETE=bash inc)",
            r#"bind -x '"\C-x": printf "\n%s<%s>%s\n" LINE "$READLINE_LINE" END'"#,
        ],
        "zsh" => &[
            "autoload -Uz compinit && compinit -u -D",
            "source <(COMPLETE=zsh inc)",
            r#"print-line() { print -r -- ""; print -r -- "LINE<$BUFFER>END" }"#,
            "zle -N print-line; bindkey '^X' print-line",
        ],
        _ => &[
            "COMPLETE=fish inc | source",
            r#"bind \cx 'echo; echo "LINE<"(commandline)">END"'"#,
        ],
    };
    for (i, line) in setup.iter().enumerate() {
        session.send_line(line).unwrap();
        settle(&mut session, &format!("setup{i}"));
    }
    session
}

/// Waits until the shell has run everything typed so far.
fn settle(session: &mut PtySession, tag: &str) {
    // Split by quotes, so the echo of what is typed does not match.
    session.send_line(&format!("echo RE''ADY-{tag}")).unwrap();
    session.exp_string(&format!("READY-{tag}")).unwrap();
}

/// Types `typed`, presses TAB, and returns the command line as the shell then holds it; then
/// runs that line behind `true`, so that anything TAB inserted is expanded as Enter would.
fn tab(session: &mut PtySession, typed: &str, tag: &str) -> String {
    session.send(&format!("{typed}\t")).unwrap();
    session.send_control('x').unwrap();
    let (_, found) = session.exp_regex(r"LINE<[^\r\n]*>END").unwrap();
    session.send_control('a').unwrap();
    session.send_line("true ").unwrap();
    settle(session, tag);
    found["LINE<".len()..found.len() - ">END".len()].to_string()
}

fn check_shell(name: &str) {
    let Some(shell) = find(name) else { return };
    let repo = hostile_repo();
    let home = tempfile::tempdir().unwrap();
    let mut session = start(&shell, name, &repo, home.path());
    for (i, (typed, expected)) in CASES.iter().enumerate() {
        let line = tab(&mut session, typed, &i.to_string());
        assert!(
            !repo.path(MARKER).exists(),
            "{name}: {typed}<TAB> put {line:?} on the line, and Enter ran a command from a name"
        );
        assert_eq!(line.trim_end(), *expected, "{name}: {typed}<TAB>");
    }
    // An interactive shell ignores the SIGTERM rexpect would end it with.
    session.send_line("exit").unwrap();
    session.exp_eof().unwrap();
}

#[test]
fn bash_tab_never_inserts_shell_syntax_from_the_repository() {
    check_shell("bash");
}

#[test]
fn zsh_tab_never_inserts_shell_syntax_from_the_repository() {
    check_shell("zsh");
}

#[test]
fn fish_tab_never_inserts_shell_syntax_from_the_repository() {
    check_shell("fish");
}
