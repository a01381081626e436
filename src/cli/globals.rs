//! Which option each command makes use of, checked once before any command runs: `-C`, `-i`,
//! `--no-commit` and `--by` either take effect or are refused as a usage error, never silently
//! ignored. (The table [`super::run`] consults.)

use anyhow::Result;

use super::{Command, Global};
use crate::error::Error;

/// For each option, `None` when the command honours it in this form, else why it would do nothing.
/// Whether a command takes `-i` or `--no-commit` at all is in its definition (see
/// [`super::Takes`]); this table is for the forms of a command that take them in
/// one form and not in another (`inc sev 1` and `inc sev --list`), and for `-C` and `--by`.
#[derive(Clone, Copy)]
struct Uses {
    chdir: Option<&'static str>,
    incident: Option<&'static str>,
    no_commit: Option<&'static str>,
    by: Option<&'static str>,
}

/// Every option counts (as far as the command takes it).
const WRITES: Uses = Uses {
    chdir: None,
    incident: None,
    no_commit: None,
    by: None,
};

/// A form of a command that only reads.
const READS: Uses = Uses {
    no_commit: Some("it writes nothing"),
    by: Some("it records nothing"),
    ..WRITES
};

/// A command that does not look at any repository.
const STANDALONE: Uses = Uses {
    chdir: Some("it does not use a repository"),
    ..READS
};

/// The table: the forms whose options differ from what the command's definition says.
/// Also the name of the form when it is not just the command's (`sev --list`).
fn uses(command: &Command) -> (Option<&'static str>, Uses) {
    use Command::*;
    match command {
        Sev(args) if args.list => (
            Some("sev --list"),
            Uses {
                incident: Some("it lists the severities of .inc.yaml, not an incident's"),
                ..READS
            },
        ),
        Runbook(args) if args.is_new() => (
            Some("runbook new"),
            Uses {
                incident: Some("name the incident to learn from with --from ID"),
                by: Some("it records nothing in an incident"),
                ..WRITES
            },
        ),
        Runbook(args) if !args.writes() => (None, READS),
        Actions(args) if !args.writes() => (None, READS),
        Maintenance(args) if !args.writes() => (None, READS),
        Status(args) if args.status.is_none() => (
            Some("status (the dashboard)"),
            Uses {
                incident: Some("the dashboard shows every open incident; `inc show ID` shows one"),
                ..READS
            },
        ),
        Import(args) if args.into_incident() => (
            Some("import --format slack"),
            Uses {
                by: Some("each entry is by the author of its message"),
                ..WRITES
            },
        ),
        Import(_) => (
            None,
            Uses {
                incident: Some("it creates the incidents in the file (-i is for --format slack)"),
                ..WRITES
            },
        ),
        Export(_) => (None, READS),
        Show(args) => (
            None,
            Uses {
                incident: args
                    .id
                    .as_ref()
                    .map(|_| "the ID given names the incident; give it once"),
                ..READS
            },
        ),
        Related(args) => (
            None,
            Uses {
                incident: args
                    .id
                    .as_ref()
                    .map(|_| "the ID given names the incident; give it once"),
                ..READS
            },
        ),
        Schema(_) | Completions(_) | Man(_) => (None, STANDALONE),
        Demo(_) => (
            None,
            Uses {
                chdir: Some("give the directory as `inc demo DIR`"),
                ..STANDALONE
            },
        ),
        MergeDriver(_) => (
            None,
            Uses {
                chdir: Some("git runs it in the repository being merged"),
                ..STANDALONE
            },
        ),
        _ => (None, WRITES),
    }
}

/// Refuses a global option the command would ignore, with why.
pub fn check(global: &Global, command: &Command) -> Result<()> {
    let (form, uses) = uses(command);
    let name = form.unwrap_or(&global.takes.name);
    let not_taken = |takes: bool, why: &'static str| if takes { None } else { Some(why) };
    let given = [
        ("-C", global.chdir.is_some(), uses.chdir),
        (
            "-i",
            global.incident.is_some(),
            not_taken(global.takes.incident, "it is not about one incident").or(uses.incident),
        ),
        (
            "--no-commit",
            global.no_commit,
            not_taken(global.takes.no_commit, "it commits nothing").or(uses.no_commit),
        ),
        (
            "--no-hooks",
            global.no_hooks,
            command
                .needs()
                .hook
                .is_none()
                .then_some("it records nothing a hook runs for (docs/guide.md, Hooks)"),
        ),
        (
            "--by",
            command.needs().person.is_some_and(|p| p.by.is_some()),
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
