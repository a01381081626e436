//! Dynamic shell completion (`source <(COMPLETE=bash inc)`): the shell runs inc with `COMPLETE`
//! set, and inc answers with candidates read from the repository — incident ids, roles, audiences
//! and channels from `.inc.yaml`, report templates, runbooks, post-mortem action ids, maintenance
//! window ids.
//!
//! Completing never fails and never writes: a missing or unreadable repository gives no
//! candidates, and nothing is printed but the candidates themselves. What a shell is handed is
//! never shell syntax: see [`shells`].

mod shells;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

use crate::store::Store;

/// The directory completions look for the repository from: `-C` on the line being completed,
/// else `$INC_REPO`, else the current directory. Set once, before clap_complete runs.
static START: OnceLock<PathBuf> = OnceLock::new();

/// Answers a completion request when `COMPLETE` is set: `Some(exit code)` then, `None` for a normal
/// run. Must run before the command line is parsed; `parser` builds the command line's definition.
pub fn handle(parser: fn() -> clap::Command) -> Option<i32> {
    std::env::var_os("COMPLETE").filter(|v| !v.is_empty() && v != "0")?;
    let args: Vec<OsString> = std::env::args_os().collect();
    let cwd = std::env::current_dir().ok();
    let _ = START.set(start_dir(&args, cwd.as_deref()));
    match clap_complete::CompleteEnv::with_factory(parser)
        .shells(shells::SHELLS)
        .try_complete(args, cwd.as_deref())
    {
        Ok(true) => Some(0),
        Ok(false) => None,
        Err(err) => {
            // `COMPLETE=tcsh`: clap says which shells it knows.
            let _ = err.print();
            Some(err.exit_code())
        }
    }
}

/// `-C DIR` (or `-CDIR`) among the words after `--`, relative to `cwd`; else `$INC_REPO`; else
/// `cwd`.
fn start_dir(args: &[OsString], cwd: Option<&Path>) -> PathBuf {
    let cwd = cwd.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let words = args
        .iter()
        .position(|a| a == "--")
        .map_or(&[][..], |i| &args[i + 1..]);
    let mut chdir = None;
    let mut iter = words.iter().skip(1);
    while let Some(word) = iter.next() {
        let Some(text) = word.to_str() else { continue };
        if text == "--" {
            break;
        }
        if text == "-C" {
            chdir = iter.next().map(PathBuf::from);
        } else if let Some(dir) = text.strip_prefix("-C") {
            chdir = Some(PathBuf::from(dir));
        }
    }
    let repo = std::env::var_os("INC_REPO")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    match chdir.or(repo) {
        Some(dir) => cwd.join(dir),
        None => cwd,
    }
}

/// The repository completions read, if there is a readable one.
fn store() -> Option<Store> {
    let start = START.get()?;
    Store::find(start).ok()
}

/// Candidates from names in the repository's files. One a shell would act on is left out (and
/// would be again on the way out, see [`shells::offerable`]); so is one starting with `-`, which
/// inc would read as an option.
fn candidates<I: IntoIterator<Item = (String, Option<String>)>>(
    names: I,
) -> Vec<CompletionCandidate> {
    let safe = |s: &str| shells::offerable(s) && !s.starts_with('-');
    names
        .into_iter()
        .filter(|(name, _)| safe(name))
        .map(|(name, help)| {
            let help = help.map(|h| crate::text::one_line(&h, 60));
            CompletionCandidate::new(name).help(help.map(Into::into))
        })
        .collect()
}

fn plain(names: Vec<String>) -> Vec<CompletionCandidate> {
    candidates(names.into_iter().map(|n| (n, None)))
}

/// Above this many incidents, ids are offered without their titles: reading every incident.yaml
/// would make each TAB wait.
const TITLES_UP_TO: usize = 500;

/// Incident ids, with the title as help (fish and zsh show it).
pub fn incidents() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let Some(store) = store() else {
            return Vec::new();
        };
        let ids = store.ids().unwrap_or_default();
        if ids.len() > TITLES_UP_TO {
            return plain(ids);
        }
        candidates(crate::store::parallel_map(ids, |id| {
            let title = store.load_incident(&id).ok().map(|i| i.title);
            (id, title)
        }))
    })
}

/// Maintenance window ids, with the title as help.
pub fn maintenance() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let Some(store) = store() else {
            return Vec::new();
        };
        let ids = store.maintenance_ids().unwrap_or_default();
        candidates(crate::store::parallel_map(ids, |id| {
            let title = store.load_maintenance(&id).ok().map(|m| m.title);
            (id, title)
        }))
    })
}

/// Role names from `.inc.yaml`.
pub fn roles() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        plain(
            store()
                .map(|s| s.config().roles.clone())
                .unwrap_or_default(),
        )
    })
}

/// Audience names from `.inc.yaml`.
pub fn audiences() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        plain(
            store()
                .map(|s| s.config().audiences.clone())
                .unwrap_or_default(),
        )
    })
}

/// Channel names from `.inc.yaml`.
pub fn channels() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        plain(
            store()
                .map(|s| s.config().channels.clone())
                .unwrap_or_default(),
        )
    })
}

/// Report templates: the built-in ones and the repository's `.inc/templates`.
pub fn templates() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let mut names: Vec<String> = crate::report::REPORTS
            .iter()
            .map(|n| n.to_string())
            .collect();
        if let Some(store) = store() {
            let dir = store.root().join(crate::store::layout::TEMPLATES_DIR);
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(stem) = name.strip_suffix(".md").or(name.strip_suffix(".html")) {
                    names.push(stem.to_string());
                }
            }
        }
        names.sort();
        names.dedup();
        plain(names)
    })
}

/// Runbook names in `.inc/runbooks`.
pub fn runbooks() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        plain(
            store()
                .map(|s| crate::store::runbooks::names(s.root()))
                .unwrap_or_default(),
        )
    })
}

/// Runbook steps as `NAME:N`, with the step's text as help.
pub fn steps() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let Some(store) = store() else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for name in crate::store::runbooks::names(store.root()) {
            let Ok(Some((_, runbook))) = crate::store::runbooks::load(&store, &name) else {
                continue;
            };
            for step in &runbook.steps {
                found.push((format!("{name}:{}", step.number), Some(step.text.clone())));
            }
        }
        candidates(found)
    })
}

/// Post-mortem action ids as `INCIDENT#ID`, with the action's text as help.
pub fn actions() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let Some(store) = store() else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for id in store.ids().unwrap_or_default() {
            let Ok(Some(pm)) = store.load_postmortem(&id) else {
                continue;
            };
            let ids = crate::actions::ids(&id, &pm.improvements);
            for ((action, _), item) in ids.into_iter().zip(&pm.improvements) {
                found.push((format!("{id}#{action}"), Some(item.text.clone())));
            }
        }
        candidates(found)
    })
}
