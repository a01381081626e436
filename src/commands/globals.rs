//! Which global option each command makes use of, checked once before any command runs: `-C`,
//! `-i`, `--no-commit` and `--by` either take effect or are refused as a usage error, never
//! silently ignored. (Not a command: the table [`commands::run`](super::run) consults.)

use anyhow::Result;

use crate::cli::{Command, Global, Person};
use crate::error::Error;

/// For each global option, `None` when the command honours it, else why it would do nothing.
#[derive(Clone, Copy)]
struct Uses {
    chdir: Option<&'static str>,
    incident: Option<&'static str>,
    no_commit: Option<&'static str>,
    by: Option<&'static str>,
}

/// A command that records something in an incident: every option counts.
const WRITES: Uses = Uses {
    chdir: None,
    incident: None,
    no_commit: None,
    by: None,
};

/// A command that reads the repository and may be scoped to one incident.
const READS: Uses = Uses {
    no_commit: Some("it writes nothing"),
    by: Some("it records nothing"),
    ..WRITES
};

/// A command that does not look at any repository.
const STANDALONE: Uses = Uses {
    chdir: Some("it does not use a repository"),
    incident: Some("it does not use an incident"),
    ..READS
};

/// The table: each command's name and what it does with the global options.
fn uses(command: &Command) -> (&'static str, Uses) {
    use Command::*;
    match command {
        Init(_) => (
            "init",
            Uses {
                incident: Some("it sets up the repository, not an incident"),
                ..WRITES
            },
        ),
        Open(_) => (
            "open",
            Uses {
                incident: Some("it opens a new incident (and makes it current)"),
                ..WRITES
            },
        ),
        Log(_) => ("log", WRITES),
        Mark(_) => ("mark", WRITES),
        Resolve(_) => ("resolve", WRITES),
        Sev(args) if args.list => (
            "sev --list",
            Uses {
                incident: Some("it lists the severities of .inc.yaml, not an incident's"),
                ..READS
            },
        ),
        Sev(_) => ("sev", WRITES),
        Impact(_) => ("impact", WRITES),
        Edit(_) => ("edit", WRITES),
        Tag(_) => ("tag", WRITES),
        Link(_) => ("link", WRITES),
        Unlink(_) => ("unlink", WRITES),
        Role(_) => ("role", WRITES),
        Comms(_) => ("comms", WRITES),
        Change(_) => ("change", WRITES),
        Exec(_) => ("exec", WRITES),
        Runbook(args) if args.is_new() => (
            "runbook new",
            Uses {
                incident: Some("name the incident to learn from with --from ID"),
                by: Some("it records nothing in an incident"),
                ..WRITES
            },
        ),
        Runbook(args) if args.writes() => ("runbook", WRITES),
        Runbook(_) => ("runbook", READS),
        Postmortem(_) => ("postmortem", WRITES),
        Actions(args) if args.writes() => ("actions", WRITES),
        Actions(_) => ("actions", READS),
        Status(args) if args.status.is_some() => ("status", WRITES),
        Status(_) => (
            "status (the dashboard)",
            Uses {
                incident: Some("the dashboard shows every open incident; `inc show ID` shows one"),
                ..READS
            },
        ),
        List(_) => ("list", READS),
        Roles(_) => ("roles", READS),
        Check(_) => ("check", READS),
        Stats(_) => ("stats", READS),
        Site(_) => (
            "site",
            Uses {
                incident: Some("it builds a page for every incident"),
                no_commit: Some("it never commits (the site is written outside inc's files)"),
                ..READS
            },
        ),
        Search(_) => (
            "search",
            Uses {
                incident: Some("it searches every incident"),
                ..READS
            },
        ),
        Attach(_) => ("attach", WRITES),
        Show(args) => (
            "show",
            Uses {
                incident: args
                    .id
                    .as_ref()
                    .map(|_| "the ID given names the incident; give it once"),
                ..READS
            },
        ),
        Report(_) => (
            "report",
            Uses {
                no_commit: Some("it never commits (commit a file written with -o yourself)"),
                ..READS
            },
        ),
        Use(_) => (
            "use",
            Uses {
                incident: Some("give the id as `inc use ID`"),
                no_commit: Some("the choice is kept in .git and never committed"),
                ..READS
            },
        ),
        Sync(_) => (
            "sync",
            Uses {
                incident: Some("it shares every incident"),
                no_commit: Some("it commits inc's files in order to share them"),
                ..WRITES
            },
        ),
        Schema(_) => ("schema", STANDALONE),
        Completions(_) => ("completions", STANDALONE),
        Man(_) => ("man", STANDALONE),
        Config(_) => (
            "config",
            Uses {
                incident: Some("it shows your settings, not an incident's"),
                ..READS
            },
        ),
        Demo(_) => (
            "demo",
            Uses {
                chdir: Some("give the directory as `inc demo DIR`"),
                incident: Some("it replays its own incident"),
                no_commit: Some("it commits in the new repository it makes"),
                ..STANDALONE
            },
        ),
        MergeDriver(_) => (
            "merge-driver",
            Uses {
                chdir: Some("git runs it in the repository being merged"),
                incident: Some("git names the file to merge"),
                ..STANDALONE
            },
        ),
    }
}

/// `--by`, for the commands that take it (clap refuses it on the others).
fn person(command: &Command) -> Option<&Person> {
    use Command::*;
    match command {
        Open(a) => Some(&a.who),
        Log(a) => Some(&a.who),
        Mark(a) => Some(&a.who),
        Resolve(a) => Some(&a.who),
        Status(a) => Some(&a.who),
        Sev(a) => Some(&a.who),
        Impact(a) => Some(&a.who),
        Edit(a) => Some(&a.who),
        Tag(a) => Some(&a.who),
        Link(a) => Some(&a.who),
        Unlink(a) => Some(&a.who),
        Role(a) => Some(&a.who),
        Comms(a) => Some(&a.who),
        Change(a) => Some(&a.who),
        Exec(a) => Some(&a.who),
        Runbook(a) => Some(&a.who),
        Postmortem(a) => Some(&a.who),
        Actions(a) => a.person(),
        Attach(a) => Some(&a.who),
        Init(_) | List(_) | Show(_) | Use(_) | Roles(_) | Check(_) | Report(_) | Stats(_)
        | Site(_) | Search(_) | Sync(_) | Schema(_) | Demo(_) | Completions(_) | Man(_)
        | Config(_) | MergeDriver(_) => None,
    }
}

/// Refuses a global option the command would ignore, with why.
pub fn check(global: &Global, command: &Command) -> Result<()> {
    let (name, uses) = uses(command);
    let given = [
        ("-C", global.chdir.is_some(), uses.chdir),
        ("-i", global.incident.is_some(), uses.incident),
        ("--no-commit", global.no_commit, uses.no_commit),
        (
            "--by",
            person(command).is_some_and(|p| p.by.is_some()),
            uses.by,
        ),
    ];
    for (flag, given, ignored) in given {
        if let (true, Some(why)) = (given, ignored) {
            return Err(Error::usage(format!("{flag} does nothing for inc {name}: {why}")).into());
        }
    }
    Ok(())
}
