//! `inc man`: inc(1) and one page per visible command, generated from the `--help` definitions.

use crate::common::Repo;

/// The top-level commands `inc --help` lists (not `help` itself).
fn visible_commands(repo: &Repo) -> Vec<String> {
    let help = repo.ok(&["--help"]);
    let section = help
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section");
    section
        .lines()
        .take_while(|line| line.starts_with("  "))
        // A wrapped description is indented further.
        .filter(|line| !line[2..].starts_with(' '))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(String::from)
        .collect()
}

/// The page is roff whose title and NAME section name it: the `.TH` header is the first request
/// after the string definitions clap_mangen puts first.
fn assert_page(stem: &str, page: &str) {
    let first = page
        .lines()
        .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"))
        .unwrap_or_default();
    assert!(
        first.starts_with(&format!(".TH {stem} 1 ")),
        "{stem}: {first}"
    );
    assert!(
        page.contains(&format!(".SH NAME\n{} \\- ", stem.replace('-', "\\-"))),
        "{stem}: no NAME section"
    );
    assert!(page.contains(".SH SYNOPSIS\n"), "{stem}: no SYNOPSIS");
    assert!(
        first.contains("\"inc 0."),
        "{stem}: the source names inc: {first}"
    );
}

#[test]
fn man_writes_one_page_per_visible_command() {
    let repo = Repo::empty();
    let out = repo.ok(&["man", "-o", "pages"]);
    let dir = repo.path("pages");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        out,
        format!("Wrote {} man pages to {}\n", names.len(), dir.display())
    );

    let commands = visible_commands(&repo);
    assert!(commands.len() > 30, "{commands:?}");
    assert!(commands.contains(&"man".to_string()));
    for command in &commands {
        assert!(
            names.contains(&format!("inc-{command}.1")),
            "no page for {command}"
        );
    }
    for expected in ["inc.1", "inc-log.1", "inc-runbook-new.1", "inc-tag-add.1"] {
        assert!(
            names.contains(&expected.to_string()),
            "{expected}: {names:?}"
        );
    }
    assert!(
        !names.iter().any(|n| n.contains("merge-driver")),
        "hidden command got a page"
    );
    assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
    for name in &names {
        let page = std::fs::read_to_string(dir.join(name)).unwrap();
        assert_page(name.strip_suffix(".1").unwrap(), &page);
    }
    let log = std::fs::read_to_string(dir.join("inc-log.1")).unwrap();
    assert!(
        log.contains("\\fB\\-\\-at\\fR"),
        "inc-log(1) documents --at"
    );
}

#[test]
fn man_without_output_prints_inc_1() {
    let repo = Repo::empty();
    let page = repo.ok(&["man"]);
    assert_page("inc", &page);
    assert!(
        page.contains(".SH SUBCOMMANDS"),
        "inc(1) lists the commands"
    );
    assert!(page.contains("INC_REPO"), "inc(1) lists the environment");
    assert!(repo.files().is_empty(), "nothing written without -o");
}

#[test]
fn man_pages_render_without_warnings() {
    let repo = Repo::empty();
    repo.ok(&["man", "-o", "pages"]);
    let Ok(status) = std::process::Command::new("groff")
        .arg("--version")
        .output()
    else {
        return; // no groff to render with
    };
    assert!(status.status.success());
    for name in ["inc.1", "inc-log.1", "inc-check.1"] {
        let out = std::process::Command::new("groff")
            .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
            .arg(repo.path("pages").join(name))
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}");
        assert!(
            out.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
