//! Issue 18: every command's `--help` is a reviewed snapshot (`INSTA_UPDATE=always cargo test
//! help` writes the new ones; review them with git diff), each command's help ends with examples,
//! and `inc --help` lists the environment variables inc reads and its exit codes.

use clap::CommandFactory;

use crate::common::Repo;

/// Every visible command and subcommand, as the words that name it.
fn commands() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, prefix: &[String], all: &mut Vec<Vec<String>>) {
        for sub in command
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_string());
            all.push(path.clone());
            walk(sub, &path, all);
        }
    }
    let mut all = vec![Vec::new()];
    walk(&inc::cli::Cli::command(), &[], &mut all);
    all
}

#[test]
fn every_help_is_a_reviewed_snapshot() {
    let repo = Repo::empty();
    for path in commands() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = repo.ok(&args);
        let name = if path.is_empty() {
            "help".to_string()
        } else {
            format!("help_{}", path.join("_"))
        };
        insta::assert_snapshot!(name, help);
    }
}

#[test]
fn each_command_s_help_ends_with_examples() {
    let repo = Repo::empty();
    for path in commands().into_iter().filter(|p| p.len() == 1) {
        let help = repo.ok(&[path[0].as_str(), "--help"]);
        let (_, examples) = help
            .rsplit_once("Examples:\n")
            .unwrap_or_else(|| panic!("inc {path:?} --help has no examples:\n{help}"));
        let lines: Vec<&str> = examples.lines().collect();
        assert!(
            (1..=4).contains(&lines.len()) && lines.iter().all(|l| l.starts_with("  ")),
            "inc {path:?} --help:\n{help}"
        );
        let first = lines[0].trim_start();
        assert!(
            first.starts_with("inc ") || first.contains("| inc "),
            "{first}"
        );
    }
}

#[test]
fn inc_help_lists_the_environment_and_the_exit_codes() {
    let help = Repo::empty().ok(&["--help"]);
    for variable in [
        "INC_REPO",
        "INC_USER",
        "INC_NOW",
        "INC_PAGER",
        "PAGER",
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "VISUAL, EDITOR",
        "TZ, TZDIR",
        "COLUMNS",
    ] {
        assert!(
            help.contains(&format!("\n  {variable} ")),
            "{variable}: {help}"
        );
    }
    for code in [
        "0  done",
        "1  failure",
        "2  usage error",
        "3  saved but not committed",
    ] {
        assert!(help.contains(code), "{code}");
    }
}
