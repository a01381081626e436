//! The user config file (`$XDG_CONFIG_HOME/inc/config.yaml`, else `~/.config/inc/config.yaml`):
//! its values sit under the environment and the options; `inc config` says which one decides.

use std::path::PathBuf;

use crate::common::{CHECKOUT, Repo, timeline};

/// The test home (beside the repository) and the XDG config dir the hermetic env points at.
fn home(repo: &Repo) -> PathBuf {
    repo.root().parent().unwrap().join("home")
}

fn write_config(repo: &Repo, text: &str) -> PathBuf {
    let path = home(repo).join(".config/inc/config.yaml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn stdout(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_file_user_acts_when_by_and_inc_user_are_missing() {
    let repo = Repo::with_incident();
    write_config(&repo, "user: carol\n");
    let out = repo
        .cmd()
        .env_remove("INC_USER")
        .args(["log", "from the file"])
        .output()
        .unwrap();
    stdout(out);
    assert!(
        timeline(&repo).contains("by: carol\n  kind: event\n  text: from the file"),
        "{}",
        timeline(&repo)
    );
    // INC_USER beats the file, --by beats both.
    repo.ok(&["log", "from the environment"]);
    assert!(timeline(&repo).contains("by: alice\n  kind: event\n  text: from the environment"));
    repo.ok(&["log", "from the option", "--by", "dave"]);
    assert!(timeline(&repo).contains("by: dave\n  kind: event\n  text: from the option"));
}

#[test]
fn the_file_editor_is_used_only_without_visual_and_editor() {
    let repo = Repo::with_incident();
    write_config(
        &repo,
        "editor: \"sed -i 's/^title: .*/title: Edited in the file editor/'\"\n",
    );
    let out = repo.cmd().arg("edit").output().unwrap();
    stdout(out);
    let incident = repo.read(&format!("incidents/{CHECKOUT}/incident.yaml"));
    assert!(
        incident.contains("title: Edited in the file editor\n"),
        "{incident}"
    );
    // $EDITOR wins: `true` changes nothing.
    let out = repo
        .cmd()
        .env("EDITOR", "true")
        .arg("edit")
        .output()
        .unwrap();
    stdout(out);
    let config = repo
        .cmd()
        .env("VISUAL", "vim")
        .args(["config", "get", "editor"])
        .output()
        .unwrap();
    assert_eq!(stdout(config), "editor = vim  (environment: VISUAL)\n");
}

#[test]
fn config_list_shows_each_value_and_where_it_comes_from() {
    let repo = Repo::new();
    let path = write_config(
        &repo,
        "user: carol\ncolor: always\npager: most\neditor: nano\n",
    );
    let shown = path.display();
    // The hermetic environment sets NO_COLOR and INC_USER: they win.
    assert_eq!(
        repo.ok(&["config", "list"]),
        format!(
            "user = alice  (environment: INC_USER)\ncolor = never  (environment: NO_COLOR)\npager = most  (user file: {shown})\neditor = nano  (user file: {shown})\n"
        )
    );
    let out = repo
        .cmd()
        .env_remove("INC_USER")
        .env_remove("NO_COLOR")
        .env("PAGER", "less")
        .args(["config", "list"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(out),
        format!(
            "user = carol  (user file: {shown})\ncolor = always  (user file: {shown})\npager = less  (environment: PAGER)\neditor = nano  (user file: {shown})\n"
        )
    );
    let out = repo
        .cmd()
        .env("INC_PAGER", "bat")
        .args(["config", "get", "PAGER"])
        .output()
        .unwrap();
    assert_eq!(stdout(out), "pager = bat  (environment: INC_PAGER)\n");
    // Set to nothing, INC_PAGER means no pager: for inc config as for the commands (the two
    // once disagreed, config showing PAGER's).
    let out = repo
        .cmd()
        .env("INC_PAGER", "")
        .env("PAGER", "less")
        .args(["config", "get", "pager"])
        .output()
        .unwrap();
    assert_eq!(stdout(out), "pager = (none)  (environment: INC_PAGER)\n");
}

#[test]
fn defaults_without_a_file() {
    let repo = Repo::new();
    let out = repo
        .cmd()
        .env_remove("INC_USER")
        .env_remove("NO_COLOR")
        .args(["config", "list"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(out),
        "user = (not set)  (default)\ncolor = auto  (default)\npager = less -FRX  (default)\neditor = (not set)  (default)\n"
    );
    // git's user.name comes after the file.
    repo.git(&["config", "user.name", "Gina Git"]);
    let out = repo
        .cmd()
        .env_remove("INC_USER")
        .args(["config", "get", "user"])
        .output()
        .unwrap();
    assert_eq!(stdout(out), "user = Gina Git  (git config user.name)\n");
}

#[test]
fn xdg_config_home_else_home_dot_config() {
    let repo = Repo::new();
    let home = home(&repo);
    assert_eq!(
        repo.ok(&["config", "path"]),
        format!("{}\n", home.join(".config/inc/config.yaml").display())
    );
    let xdg = home.join("xdg");
    std::fs::create_dir_all(xdg.join("inc")).unwrap();
    std::fs::write(xdg.join("inc/config.yaml"), "pager: from-xdg\n").unwrap();
    write_config(&repo, "pager: from-home\n");
    let get = |xdg: Option<&std::path::Path>| {
        let mut cmd = repo.cmd();
        match xdg {
            Some(dir) => cmd.env("XDG_CONFIG_HOME", dir),
            None => cmd.env_remove("XDG_CONFIG_HOME"),
        };
        stdout(cmd.args(["config", "get", "pager"]).output().unwrap())
    };
    assert!(get(Some(&xdg)).starts_with("pager = from-xdg  (user file: "));
    assert!(get(None).starts_with("pager = from-home  (user file: "));
    // A relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
    assert!(get(Some(std::path::Path::new("xdg"))).starts_with("pager = from-home"));
}

#[test]
fn an_unknown_key_is_refused_with_its_position_and_nothing_is_written() {
    let repo = Repo::with_incident();
    let path = write_config(&repo, "user: carol\ncolour: never\n");
    let before = repo.state();
    let err = repo.fails(1, &["log", "not written"]);
    assert_eq!(
        err,
        format!(
            "error: {}:2:1: unknown field `colour`, expected one of user, color, pager, editor\n",
            path.display()
        )
    );
    assert_eq!(repo.state(), before);
    let err = repo.fails(1, &["config", "list"]);
    assert!(err.contains(":2:1: unknown field `colour`"), "{err}");
    // Where the file is can still be asked, and what uses no setting still runs.
    repo.ok(&["config", "path"]);
    repo.ok(&["schema", "incident"]);
    repo.ok(&["completions", "fish"]);

    write_config(&repo, "color: blue\n");
    let err = repo.fails(1, &["config", "get", "color"]);
    assert!(
        err.contains(":1:8: unknown variant `blue`, expected one of auto, always, never"),
        "{err}"
    );
}

#[test]
fn an_unknown_setting_name_is_a_usage_error() {
    let repo = Repo::new();
    let err = repo.fails(2, &["config", "get", "colr"]);
    assert_eq!(
        err,
        "error: unknown setting \"colr\" (did you mean color?): use one of user, color, pager, editor\n"
    );
}

#[test]
fn the_file_color_applies_under_the_environment_and_the_option() {
    let repo = Repo::with_incident();
    write_config(&repo, "color: always\n");
    let colored = |args: &[&str], envs: &[(&str, &str)]| {
        let out = repo
            .cmd()
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .envs(envs.iter().copied())
            .args(args)
            .output()
            .unwrap();
        stdout(out).contains('\u{1b}')
    };
    let search = ["search", "checkout"];
    assert!(colored(&search, &[]), "the file's color: always");
    assert!(!colored(&search, &[("NO_COLOR", "1")]), "NO_COLOR wins");
    let never = ["--color", "never", "search", "checkout"];
    assert!(!colored(&never, &[]), "--color wins");
    let out = repo
        .cmd()
        .args(["--color", "never", "config", "get", "color"])
        .output()
        .unwrap();
    assert_eq!(stdout(out), "color = never  (option: --color)\n");
}
