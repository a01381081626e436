//! Hooks, the git way: an executable in `.inc/hooks/` named after an event (`log`, `status` …)
//! runs once a command has recorded that event, with the event as JSON on stdin. A hook can post
//! to chat or open a tracker issue; it can never lose or undo what inc recorded, because it runs
//! only after the commit, and whatever it does (fail, hang, print) ends in a warning.
//!
//! Hooks arrive with `git pull`, unlike git's own: they run only in a clone whose own git config
//! says so (`git config inc.hooks true`), see docs/security.md.

mod interrupt;
mod process;
mod tree;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::TimelineEntry;
use crate::store::layout::HOOKS_DIR;
use crate::store::{Loaded, Store};
use crate::time::{Clock, Time};
use crate::views::{EntryView, IncidentView};

use process::Outcome;

/// The git config key a clone opts in with (local config only, never committed).
const OPT_IN: &str = "inc.hooks";

/// What a command recorded, noted once it is committed (or written, with `--no-commit`).
#[derive(Debug)]
pub struct Recorded {
    pub root: PathBuf,
    pub incident: String,
    /// The timeline entry written; `None` for a post-mortem, which writes no entry.
    pub entry: Option<TimelineEntry>,
}

/// The JSON a hook reads on stdin.
#[derive(Serialize)]
struct Payload<'a> {
    event: &'a str,
    incident: &'a str,
    entry: Option<EntryView<'a>>,
    by: &'a str,
    /// When inc recorded it (the entry's own `at` may be backdated).
    at: Time,
    show: IncidentView<'a>,
}

/// Runs the hook for `event` (see `cli::needs`) if the repository has one and this clone runs
/// hooks. Never fails: what was recorded stays recorded, and anything that goes wrong is one line
/// on stderr. `skip` is `--no-hooks` or `INC_NO_HOOKS`; `by` says who acted, for an event without
/// an entry (a post-mortem).
pub fn fire(
    event: &str,
    recorded: &Recorded,
    clock: &Clock,
    skip: bool,
    by: impl FnOnce(&Store) -> String,
) {
    let root = &recorded.root;
    let path = root.join(HOOKS_DIR).join(event);
    let shown = format!("{HOOKS_DIR}/{event}");
    // One stat when there is no hook: `inc log` stays fast.
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return;
    };
    if skip {
        return;
    }
    match enabled(root) {
        Some(true) => {}
        Some(false) => return,
        None => return notice_once(root, &shown),
    }
    if let Err(err) = crate::store::refuse_links(root, &path) {
        return crate::eprintln_escaped!("warning: hook {shown} not run: {err}");
    }
    if !meta.is_file() {
        return crate::eprintln_escaped!(
            "warning: hook {shown} not run: it is not a regular file; make it an executable script"
        );
    }
    if std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 == 0 {
        return crate::eprintln_escaped!(
            "warning: hook {shown} not run: it is not executable; `chmod +x {shown}` and commit it to run it"
        );
    }
    let (input, by, timeout) = match payload(clock, event, recorded, by) {
        Ok(prepared) => prepared,
        Err(err) => {
            return crate::eprintln_escaped!("warning: hook {shown} not run: {err:#}");
        }
    };
    let root_text = root.to_string_lossy();
    let vars = [
        ("INC_EVENT", event),
        ("INC_INCIDENT", recorded.incident.as_str()),
        ("INC_REPO_ROOT", &root_text),
        ("INC_BY", by.as_str()),
        // inc commands a hook runs record their own events: firing hooks for those would loop.
        ("INC_NO_HOOKS", "1"),
    ];
    let kept = "what inc recorded is kept";
    let say_left = |left: bool| {
        if left {
            crate::eprintln_escaped!(
                "warning: hook {shown} left processes running past {timeout}; they were killed (hooks.timeout in .inc.yaml); {kept}"
            )
        }
    };
    match process::run(&path, root, &vars, input, timeout.0.unsigned_abs()) {
        Outcome::Done { left } => say_left(left),
        Outcome::Failed { how, left } => {
            crate::eprintln_escaped!("warning: hook {shown} failed ({how}); {kept}");
            say_left(left);
        }
        Outcome::TimedOut => crate::eprintln_escaped!(
            "warning: hook {shown} timed out after {timeout} and was killed (hooks.timeout in .inc.yaml); {kept}"
        ),
        Outcome::NotStarted(err) => {
            crate::eprintln_escaped!("warning: hook {shown} could not start ({err}); {kept}")
        }
    }
}

/// The hook's stdin, who acted, and how long the hook may run.
fn payload(
    clock: &Clock,
    event: &str,
    recorded: &Recorded,
    by: impl FnOnce(&Store) -> String,
) -> anyhow::Result<(Vec<u8>, String, crate::time::Interval)> {
    let store = Store::open(&recorded.root)?;
    let by = match &recorded.entry {
        Some(entry) => entry.by.clone(),
        None => by(&store),
    };
    let loaded = Loaded::load(&store, &recorded.incident)?;
    let payload = Payload {
        event,
        incident: &recorded.incident,
        entry: recorded.entry.as_ref().map(EntryView::from),
        by: &by,
        at: clock.now(),
        show: IncidentView::full(&loaded, store.config(), clock),
    };
    let mut input = serde_json::to_vec(&payload)?;
    input.push(b'\n');
    Ok((input, by, store.config().hooks.timeout))
}

/// The clone's choice in its own git config: `Some(true)` runs hooks, `Some(false)` declines
/// them, `None` has not decided. Only the repository's local config counts: a global
/// `inc.hooks` would run the hooks of every repository cloned from then on.
fn enabled(root: &Path) -> Option<bool> {
    crate::git::local_bool(root, OPT_IN)
}

/// Says, once per clone, that the repository has hooks this clone does not run, and how to run
/// them. A marker in `.git/inc/` keeps it from being said on every command.
fn notice_once(root: &Path, shown: &str) {
    let git_dir = crate::git::git_dir(root);
    let marker = git_dir.join("inc").join("hooks-noticed");
    if std::fs::symlink_metadata(&marker).is_ok() {
        return;
    }
    crate::eprintln_escaped!(
        "note: this repository has hooks ({shown}) that inc runs only once you enable them in this clone: read .inc/hooks/, then `git config {OPT_IN} true` (or `git config {OPT_IN} false` to stop this note); see docs/security.md"
    );
    // Not remembered (a link, a read-only .git): the note comes again next time, no harm.
    if crate::store::refuse_links(&git_dir, &marker).is_ok()
        && std::fs::create_dir_all(marker.parent().expect("inside .git")).is_ok()
    {
        let _ = crate::store::write_atomic(&marker, b"");
    }
}
