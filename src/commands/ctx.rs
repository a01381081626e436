//! The context every command runs in ([`Ctx`]): finding the repository and the incident, who is
//! acting, parsing times against the command's clock, locking, and committing what it wrote; and
//! the `inc use` choice ([`Current`]) that picking the incident depends on.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::Env;
use crate::cli::args::Global;
use crate::cli::args::Person;
use crate::error::Error;
use crate::journal::Record;
use crate::model::{Kind, TimelineEntry};
use crate::store::{Lock, Store};
use crate::time::{Clock, Time};

/// What every command works with: the global options, the environment, one clock reading, and
/// where to print.
pub struct Ctx<'a> {
    pub global: &'a Global,
    pub env: &'a Env,
    pub clock: Clock,
    pub out: &'a mut dyn Write,
    /// The whole command line's definition, for the commands that describe it (man pages,
    /// completion scripts).
    pub parser: fn() -> clap::Command,
    /// The git repository, opened once for the check before writing and the commits after.
    pub(super) repo: std::cell::OnceCell<crate::git::Repository>,
    /// What the command recorded, for its hook (see [`Ctx::recorded`]).
    pub(super) recorded: std::cell::RefCell<Option<crate::hooks::Recorded>>,
    /// What to say back about the times typed (see [`Ctx::at`]), printed once the command has
    /// succeeded: a command refused says only why.
    pub(super) notes: std::cell::RefCell<Vec<String>>,
}

impl<'a> Ctx<'a> {
    /// The context of one command, before it has opened a repository or recorded anything;
    /// `parser` builds the whole command line's definition (for `inc man` and completions).
    pub fn new(
        global: &'a Global,
        env: &'a Env,
        clock: Clock,
        out: &'a mut dyn Write,
        parser: fn() -> clap::Command,
    ) -> Ctx<'a> {
        Ctx {
            global,
            env,
            clock,
            out,
            parser,
            repo: Default::default(),
            recorded: Default::default(),
            notes: Default::default(),
        }
    }

    /// What the command recorded, for its hook, taken once.
    pub fn take_recorded(&self) -> Option<crate::hooks::Recorded> {
        self.recorded.take()
    }
}

impl Ctx<'_> {
    /// Where the command runs: `-C`, else `$INC_REPO`, else the current directory.
    pub fn start_dir(&self) -> PathBuf {
        match (&self.global.chdir, &self.env.repo) {
            (Some(dir), _) => self.env.cwd.join(dir),
            (None, Some(repo)) => self.env.cwd.join(repo),
            (None, None) => self.env.cwd.clone(),
        }
    }

    /// The inc repository at or above [`Ctx::start_dir`]. Every command makes sure inc's merge
    /// driver is registered in the clone (a cheap read of .git/config), so that a plain
    /// `git pull` merges logs entry by entry even in a clone that has only read so far.
    pub fn store(&self) -> Result<Store> {
        let store = Store::find(&self.start_dir())?;
        let _ = crate::git::ensure_merge_driver(store.root());
        Ok(store)
    }

    /// The incident the command is about: `explicit` (a positional ID) or `-i`, else the one chosen
    /// with `inc use`, else the only open one. When an incident that may be open cannot be read,
    /// "the only open one" is unknown: the command is refused rather than pointed at the other.
    pub fn incident(&self, store: &Store, explicit: Option<&str>) -> Result<String> {
        if let Some(query) = explicit.or(self.global.incident.as_deref()) {
            return store.resolve(query);
        }
        if let Some(current) = self.current(store)? {
            return Ok(current);
        }
        let (open, broken) = store.open_or_broken()?;
        if let Some(first) = broken.first() {
            let more = match broken.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            return Err(Error::state(format!(
                "cannot tell which incident you mean: {first:#}{more}; fix it, or name the incident with -i ID"
            ))
            .into());
        }
        match open.as_slice() {
            [one] => Ok(one.clone()),
            [] => match just_resolved(store, &self.clock)? {
                JustResolved::One(id, at) => {
                    // Once per command, however often it asks which incident it acts on.
                    static SAID: std::sync::atomic::AtomicBool =
                        std::sync::atomic::AtomicBool::new(false);
                    if SAID.swap(true, std::sync::atomic::Ordering::Relaxed) {
                        return Ok(id);
                    }
                    crate::eprintln_escaped!(
                        "note: no incident is open; acting on {id}, resolved {} ago (-i ID names another)",
                        crate::time::format_duration(self.clock.now().since(at))
                    );
                    Ok(id)
                }
                JustResolved::Many(many) => Err(Error::usage(format!(
                    "no incident is open and {} were resolved in the last {} ({}): name one with -i ID",
                    many.len(),
                    store.config().resolved_grace,
                    many.join(", ")
                ))
                .into()),
                JustResolved::None => Err(Error::usage(
                    "no open incident: open one with `inc open TITLE`, or name one with -i ID",
                )
                .into()),
            },
            many => Err(Error::usage(format!(
                "{} incidents are open ({}): choose one with -i ID, or `inc use ID` for the rest of this shift",
                many.len(),
                many.join(", ")
            ))
            .into()),
        }
    }

    /// The incident `-i` names, if it was given; for commands that work on all incidents unless
    /// told one, so neither `inc use` nor "the only open one" applies.
    pub fn named_incident(&self, store: &Store) -> Result<Option<String>> {
        self.global
            .incident
            .as_deref()
            .map(|query| store.resolve(query))
            .transpose()
    }

    /// The incident chosen with `inc use`, if any. Refused once it is resolved while another
    /// incident is open: whoever types `inc log` then most likely means the open one, but inc does
    /// not guess, because writing to the wrong incident is worse than asking.
    pub fn current(&self, store: &Store) -> Result<Option<String>> {
        match current_choice(store)? {
            Current::Chosen(id) => Ok(Some(id)),
            Current::Unset => Ok(None),
            stale @ Current::Stale { .. } => Err(Error::usage(format!(
                "{}: name the incident with -i ID, or switch with `inc use ID`",
                stale.describe()
            ))
            .into()),
        }
    }

    /// Who is acting: `--by` (`person`), else `$INC_USER`, else git's user.name.
    pub fn by(&self, store: &Store, person: &Person) -> Result<String> {
        let explicit = person.by.as_deref().or(self.env.user.as_deref());
        let name = match explicit {
            Some(name) => Some(name.trim().to_string()),
            None => crate::git::open(store.root())
                .ok()
                .and_then(|repo| crate::git::user_name(&repo)),
        };
        let name = name.filter(|n| !n.is_empty()).ok_or_else(|| {
            Error::usage("who is this? pass --by NAME, set INC_USER, or set git's user.name")
        })?;
        self.require_author(store)?;
        Ok(name)
    }

    /// Refuses, before anything is written, a command whose commit would have no author: neither
    /// `$INC_USER` nor git's user.name (or `$GIT_AUTHOR_NAME`) is set. `--by` names who acted, not
    /// who commits, so it does not count.
    pub fn require_author(&self, store: &Store) -> Result<()> {
        if !self.commits(store) {
            return Ok(());
        }
        self.require_author_in(store.root())
    }

    /// [`Ctx::require_author`] for a directory that may not be a repository yet (`inc init`).
    pub fn require_author_in(&self, dir: &std::path::Path) -> Result<()> {
        if self.env.user.is_some() || crate::git::has_author(dir) {
            return Ok(());
        }
        Err(Error::usage(
            "no one to commit as: git has no user.name and INC_USER is not set; set one: `git config --global user.name \"Your Name\"` (and user.email), or `export INC_USER=yourname`",
        )
        .into())
    }

    /// A seed for reproducible entry ids when the clock is pinned (tests, demo).
    pub fn id_seed(&self) -> Option<&str> {
        self.env.now.as_deref()
    }

    /// A WHEN the user typed for something that happened (`--at`, `--started` …), parsed; `None`
    /// when not given. A date typed in another zone than the person's is said back (see
    /// [`Clock::parse_when_said`]).
    pub fn at(&self, text: Option<&str>) -> Result<Option<Time>> {
        let Some(text) = text else {
            return Ok(None);
        };
        let (time, note) = self.clock.parse_when_said(text, || None)?;
        self.notes.borrow_mut().extend(note);
        Ok(Some(time))
    }

    /// A WHEN typed for something in the current incident (`--at`), parsed; `None` when not given.
    /// A bare `14:32` means today and is refused when that is before the incident began; a date
    /// before it, or in another zone than the person's, is taken and said back on stderr (see
    /// [`Clock::parse_when_said`]). The incident is read only for those forms.
    pub fn at_in_incident(&self, store: &Store, text: Option<&str>) -> Result<Option<Time>> {
        let Some(text) = text else {
            return Ok(None);
        };
        let began = || {
            // No incident chosen, or a broken file: the command itself says so next.
            let id = self.incident(store, None).ok()?;
            Some(store.load_incident(&id).ok()?.began())
        };
        let (time, note) = self.clock.parse_when_said(text, began)?;
        self.notes.borrow_mut().extend(note);
        Ok(Some(time))
    }

    /// Adds a note to say back once the command has succeeded (see [`Ctx::say_back`]).
    pub fn say(&self, note: String) {
        self.notes.borrow_mut().push(note);
    }

    /// Says back, on stderr (scripts read stdout), what the times typed may not have meant.
    pub fn say_back(&self) {
        for note in self.notes.take() {
            crate::eprintln_escaped!("{note}");
        }
    }

    /// ` (at 2026-11-21 23:50)` when `at` is on another day than today, else nothing: confirmations
    /// end with it, so a time that landed on another day never passes for today's.
    pub fn other_day(&self, at: Option<Time>) -> String {
        match at {
            Some(at) if self.clock.show(at).contains(' ') => {
                format!(" (at {})", self.clock.show(at))
            }
            _ => String::new(),
        }
    }

    /// A new timeline entry at `at` (`None`: now). A hand-given time also records when it was
    /// written, so backdating stays visible.
    pub fn entry(&self, at: Option<Time>, by: &str, kind: Kind, text: String) -> TimelineEntry {
        let (at, recorded) = self.stamp(at);
        TimelineEntry::new(at, recorded, by, kind, text)
    }

    /// Moves a new entry made for now to `at`, when given (recording now, as [`Ctx::entry`] does):
    /// what a backdated command logs along with its own entry happened then too.
    pub fn backdate(&self, entry: &mut TimelineEntry, at: Option<Time>) {
        if at.is_some() {
            (entry.at, entry.recorded) = self.stamp(at);
        }
    }

    /// `(at, recorded)` for a new entry: a hand-given time also records now, so backdating shows.
    pub fn stamp(&self, at: Option<Time>) -> (Time, Option<Time>) {
        let now = self.clock.now();
        (at.unwrap_or(now), at.map(|_| now))
    }

    /// Notes what this command recorded in incident `id` (the timeline entry it wrote, if any),
    /// once that is committed. [`super::run`] fires the event's hook when the command returns:
    /// after the lock is released, so that a hook may run inc itself.
    pub fn recorded(&self, store: &Store, id: &str, entry: Option<&TimelineEntry>) {
        self.recorded.replace(Some(crate::hooks::Recorded {
            root: store.root().to_path_buf(),
            incident: id.to_string(),
            entry: entry.cloned(),
        }));
    }

    /// Whether this command commits what it writes (not with `--no-commit` or `commit: false`).
    fn commits(&self, store: &Store) -> bool {
        !self.global.no_commit && store.config().commit
    }

    /// Takes the repository's lock for a command that writes. Refuses when inc cannot commit now
    /// (see [`Ctx::ready_to_commit`]), finishes what an interrupted command left behind (see
    /// `journal.rs`), then journals this command's writes.
    pub fn lock(&self, store: &Store) -> Result<Lock> {
        self.lock_after(store, || Ok(()))
    }

    /// [`Ctx::lock`], running `settle` first under the lock: `inc sync` concludes a merge it
    /// started and was interrupted in, which the check would otherwise refuse.
    pub fn lock_after(&self, store: &Store, settle: impl FnOnce() -> Result<()>) -> Result<Lock> {
        self.require_author(store)?;
        let lock = store.lock()?;
        settle()?;
        self.ready_to_commit(store)?;
        if let Some(records) = store.journal().read() {
            self.recover(store, &records);
            // Only an interrupted command leaves a half-made incident in the incidents
            // directory: listing thousands of incidents on every command would cost `inc log`.
            store.sweep_temps();
        }
        if self.commits(store) {
            store.start_journal();
        }
        self.log_merge_notes(store)?;
        Ok(lock)
    }

    /// Refuses, before anything is written, a repository inc must not commit in now: the user is
    /// in the middle of a merge, rebase, cherry-pick, revert or bisect, or `commit.gpgsign` asks
    /// for a signature inc cannot make. Nothing to check when this command does not commit.
    pub fn ready_to_commit(&self, store: &Store) -> Result<()> {
        if !self.commits(store) {
            return Ok(());
        }
        crate::git::ready_to_commit(self.repo(store)?)
    }

    /// The store's git repository, opened on first use.
    fn repo(&self, store: &Store) -> Result<&crate::git::Repository> {
        if let Some(repo) = self.repo.get() {
            return Ok(repo);
        }
        let repo = crate::git::open(store.root())?;
        Ok(self.repo.get_or_init(|| repo))
    }

    /// Logs, in each incident's timeline, the fields a merge had to choose between (see
    /// `merge.rs`), so the value that lost is not forgotten.
    pub fn log_merge_notes(&self, store: &Store) -> Result<()> {
        let notes = crate::git::take_merge_notes(store.root());
        if notes.is_empty() {
            return Ok(());
        }
        if let Err(err) = self.append_merge_notes(store, &notes) {
            // Keep them for the next command; this one goes on.
            let _ = crate::git::save_merge_notes(store.root(), &notes);
            crate::eprintln_escaped!(
                "warning: could not log what a merge chose ({err:#}); the next inc command tries again"
            );
        }
        Ok(())
    }

    /// One timeline entry per note, all checked before any is written.
    fn append_merge_notes(&self, store: &Store, notes: &[crate::git::MergeNote]) -> Result<()> {
        let mut by_incident: std::collections::BTreeMap<&str, Vec<TimelineEntry>> =
            Default::default();
        for note in notes
            .iter()
            .filter(|n| store.incident_dir(&n.incident).is_dir())
        {
            by_incident
                .entry(&note.incident)
                .or_default()
                .push(self.entry(None, crate::model::INC, Kind::Status, note.text.clone()));
        }
        let mut appends = Vec::new();
        for (id, entries) in by_incident.iter_mut() {
            appends.push(store.prepare_append(id, entries, self.id_seed())?);
        }
        let paths = appends
            .into_iter()
            .map(|a| a.write())
            .collect::<Result<Vec<_>>>()?;
        let ids: Vec<&str> = by_incident.keys().copied().collect();
        self.commit(
            store,
            &paths,
            &format!("{}: log merge conflicts", ids.join(", ")),
        )
    }

    /// Undoes torn appends and commits the files an interrupted command wrote. If that commit
    /// fails the journal stays, and this command's own commit takes those files along.
    fn recover(&self, store: &Store, records: &[Record]) {
        let mut paths: Vec<PathBuf> = Vec::new();
        for record in records {
            let path = match record {
                Record::Append { path, len, end } => {
                    let absolute = store.root().join(path);
                    let journal = store.journal().modified();
                    if let Err(err) = crate::store::undo_torn_append(&absolute, *len, *end, journal)
                    {
                        crate::eprintln_escaped!("warning: {err:#}");
                    }
                    path
                }
                Record::Write { path } => path,
                Record::Commit { .. } => continue,
            };
            let absolute = store.root().join(path);
            // The interrupted command may have died between writing a temp file and renaming it.
            store.sweep_temps_beside(&absolute);
            if !paths.contains(&absolute) {
                paths.push(absolute);
            }
        }
        let names: Vec<String> = paths.iter().map(|p| store.display(p).to_string()).collect();
        let message = format!(
            "inc: commit what an interrupted command left ({})",
            names.join(", ")
        );
        match self.commit_all(store, &paths, &message, records) {
            Ok(()) => crate::eprintln_escaped!(
                "note: committed what an interrupted inc command left: {}",
                names.join(", ")
            ),
            Err(err) => crate::eprintln_escaped!(
                "warning: an interrupted inc command left {} uncommitted and it cannot be committed yet ({err:#}); this command's commit will include it",
                names.join(", ")
            ),
        }
    }

    /// Commits `paths` with `message`, unless `--no-commit` or `commit: false` says not to.
    /// The files are already written: if the commit fails, the error says they are safe and the
    /// journal keeps them, so the next inc command commits them.
    pub fn commit(&self, store: &Store, paths: &[PathBuf], message: &str) -> Result<()> {
        if !self.commits(store) {
            return Ok(());
        }
        let records = store.journal().read().unwrap_or_default();
        let mut all = paths.to_vec();
        for record in &records {
            if let Record::Append { path, .. } | Record::Write { path } = record {
                let absolute = store.root().join(path);
                if !all.contains(&absolute) {
                    all.push(absolute);
                }
            }
        }
        self.commit_all(store, &all, message, &records).with_context(|| {
            let names: Vec<String> = paths.iter().map(|p| store.display(p).to_string()).collect();
            Error::Uncommitted(format!(
                "saved {} but could not commit it; the next inc command commits it (or run `inc sync`)",
                names.join(", ")
            ))
        })
    }

    fn commit_all(
        &self,
        store: &Store,
        paths: &[PathBuf],
        message: &str,
        earlier: &[Record],
    ) -> Result<()> {
        let interrupted = earlier.iter().find_map(|r| match r {
            Record::Commit { at_ms } => Some(*at_ms),
            _ => None,
        });
        // A file replaced by a link since it was written (the journal names files of earlier
        // commands) would put what the link points to into the commit.
        for path in paths {
            crate::store::refuse_links(store.root(), path)?;
        }
        store.journal().note_commit()?;
        let repo = self.repo(store)?;
        let by = self.env.user.as_deref().unwrap_or("inc");
        crate::git::when_unlocked(repo, interrupted, || {
            crate::git::commit_paths(repo, paths, message, self.clock.now().timestamp(), by)
        })?;
        store.journal().clear()
    }
}

/// What `inc use` chose, as far as it still counts (see [`Ctx::current`]).
pub enum Current {
    /// Nothing chosen (or the chosen incident no longer exists).
    Unset,
    Chosen(String),
    /// The chosen incident is resolved (or closed) while these others are open.
    Stale {
        chosen: String,
        status: crate::model::Status,
        open: Vec<String>,
    },
}

impl Current {
    /// "A (chosen with `inc use`) is resolved while B is open", for a stale choice.
    pub fn describe(&self) -> String {
        match self {
            Current::Stale {
                chosen,
                status,
                open,
            } => format!(
                "{chosen} (chosen with `inc use`) is {status} while {}",
                open_phrase(open)
            ),
            Current::Chosen(id) => format!("{id} (chosen with `inc use`)"),
            Current::Unset => "no incident chosen with `inc use`".to_string(),
        }
    }
}

/// "B is open", or "2 incidents are open (B, C)".
pub fn open_phrase(open: &[String]) -> String {
    match open {
        [one] => format!("{one} is open"),
        many => format!("{} incidents are open ({})", many.len(), many.join(", ")),
    }
}

/// The incident resolved within `resolved_grace` (.inc.yaml) of now, which commands without
/// `-i` act on while no incident is open and none is chosen with `inc use`: right after
/// `inc resolve` come the post-mortem, a last note and the report. Two resolved that recently
/// are not guessed between. Asked only once no incident is open.
pub enum JustResolved {
    None,
    /// Its id, and when it was resolved.
    One(String, Time),
    /// Every one resolved within the grace, newest first.
    Many(Vec<String>),
}

pub fn just_resolved(store: &Store, clock: &Clock) -> Result<JustResolved> {
    let grace = store.config().resolved_grace.0;
    if grace.is_zero() {
        return Ok(JustResolved::None);
    }
    let mut recent = store.resolved_since(clock.now() + -grace)?;
    Ok(match recent.len() {
        0 => JustResolved::None,
        1 => {
            let (id, at) = recent.remove(0);
            JustResolved::One(id, at)
        }
        _ => JustResolved::Many(recent.into_iter().map(|(id, _)| id).collect()),
    })
}

/// The `inc use` choice, checked against what is open now.
pub fn current_choice(store: &Store) -> Result<Current> {
    let Some(chosen) = store.current()? else {
        return Ok(Current::Unset);
    };
    let status = match store.load_incident(&chosen) {
        Ok(incident) if !incident.status.is_open() => incident.status,
        // Open, or a broken file the command itself will report.
        _ => return Ok(Current::Chosen(chosen)),
    };
    let open = store.open_ids()?;
    if open.is_empty() {
        return Ok(Current::Chosen(chosen));
    }
    Ok(Current::Stale {
        chosen,
        status,
        open,
    })
}
