//! Scheduled maintenance: work announced ahead of time (a database upgrade, a network change),
//! shown on the status page as "upcoming" before its window and in the history after it.
//!
//! A window is not an incident. It lives in its own directory (`maintenance_dir`, see
//! `model/config/dirs.rs`), so `inc list`, `inc stats`, `inc check`'s incident rules and
//! `inc search`, which read incidents_dir, never count it. Each window is a directory: its
//! `maintenance.yaml` (rewritten only when it is cancelled) and the append-only `updates.yaml`
//! that git merges entry by entry, like an incident's logbook.
//!
//! This is the API the status page builds on ([`load_all`], [`Window::state`]). Updates and
//! cancellations keep who wrote them (`by`) for the team; anything public must leave it out.

use std::path::PathBuf;

use anyhow::Result;

use crate::error::Error;
use crate::model::catalog;
use crate::store::Store;
use crate::time::{Clock, Time};

pub use crate::model::maintenance::{
    Cancellation, Maintenance, State, TEXT_MAX, TITLE_MAX, Update,
};

/// One maintenance window with its updates.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    /// The directory's name: the start date and a slug of the title (`2026-12-10-db-upgrade`).
    pub id: String,
    pub maintenance: Maintenance,
    /// Oldest first (by `at`; the file keeps the order they were written in).
    pub updates: Vec<Update>,
}

impl Window {
    /// The window `id` (an exact id) with its updates; an error names the file, line and column
    /// of whatever does not parse.
    pub fn load(store: &Store, id: &str) -> Result<Window> {
        let maintenance = store.load_maintenance(id)?;
        let mut updates = store.load_updates(id)?;
        updates.sort_by_key(|u| u.at);
        Ok(Window {
            id: id.to_string(),
            maintenance,
            updates,
        })
    }

    /// Where the window stands at `now`: upcoming, in progress, completed or cancelled.
    pub fn state(&self, now: Time) -> State {
        self.maintenance.state(now)
    }
}

/// Every window with its updates, by start (then id). One that cannot be read is an error
/// naming its file: a status page must not quietly leave out announced work.
pub fn load_all(store: &Store) -> Result<Vec<Window>> {
    let mut windows = Vec::new();
    for (_, window) in load_each(store)? {
        windows.push(window?);
    }
    Ok(windows)
}

/// Every window by start (then id), each with its own result: one that cannot be read does not
/// hide the others (`inc maintenance list` warns and goes on). Broken ones come last.
pub fn load_each(store: &Store) -> Result<Vec<(String, Result<Window>)>> {
    let mut all: Vec<(String, Result<Window>)> = store
        .maintenance_ids()?
        .into_iter()
        .map(|id| {
            let window = Window::load(store, &id);
            (id, window)
        })
        .collect();
    all.sort_by(|(a_id, a), (b_id, b)| {
        let start = |w: &Result<Window>| w.as_ref().ok().map(|w| w.maintenance.start);
        // `None` sorts first; broken windows go last instead.
        let key = |w: &Result<Window>| (start(w).is_none(), start(w));
        key(a).cmp(&key(b)).then(a_id.cmp(b_id))
    });
    Ok(all)
}

/// What `inc maintenance schedule` was asked for, checked before anything is written.
#[derive(Clone, Debug)]
pub struct Request {
    pub title: String,
    pub start: Time,
    pub end: Time,
    pub services: Vec<String>,
    pub summary: String,
}

impl Request {
    /// Checks the title and summary against their bounds (a summary given is not empty), the
    /// window's order, and the services against the catalog when the repository has one (with a
    /// "did you mean"). Every error is a usage error: nothing has been written.
    /// `clock` shows the times in messages as they were typed (local).
    pub fn new(
        store: &Store,
        clock: &Clock,
        title: &str,
        (start, end): (Time, Time),
        services: &[String],
        summary: Option<&str>,
    ) -> Result<Request> {
        let title = crate::model::maintenance::title(title)?;
        if summary.is_some_and(|s| s.trim().is_empty()) {
            return Err(Error::usage(
                "--summary is empty: say what customers should expect, like --summary \"Checkout is read-only for up to two hours\", or leave it out",
            )
            .into());
        }
        let summary = crate::model::maintenance::text("the summary", summary.unwrap_or(""), true)?;
        if end <= start {
            return Err(Error::usage(format!(
                "--end {} is not after --start {}: a window must end after it starts",
                clock.long(end),
                clock.long(start)
            ))
            .into());
        }
        Ok(Request {
            title,
            start,
            end,
            services: checked_services(store, services)?,
            summary,
        })
    }
}

/// The services as stored: trimmed, each once, and as the catalog names them when there is one.
fn checked_services(store: &Store, typed: &[String]) -> Result<Vec<String>> {
    let names: Vec<&str> = typed.iter().map(|s| s.trim()).collect();
    if names.iter().any(|n| n.is_empty()) {
        return Err(Error::usage("--service is empty: name a service, like checkout-api").into());
    }
    if let Some(bad) = names.iter().find(|n| n.chars().any(char::is_control)) {
        return Err(Error::usage(format!(
            "--service {} has a control character: type the name as plain text",
            crate::text::escape_controls(bad)
        ))
        .into());
    }
    // The catalog is read only when a service is named: a broken one must not block the rest.
    let catalog = if names.is_empty() {
        None
    } else {
        store.catalog()?
    };
    let mut kept: Vec<String> = Vec::new();
    for name in names {
        let name = match &catalog {
            Some(catalog) => catalog.service(name).map_err(|err| {
                Error::usage(format!(
                    "{err}; a new service goes into {} first",
                    catalog::FILE
                ))
            })?,
            None => name.to_string(),
        };
        if !kept.iter().any(|k| k.eq_ignore_ascii_case(&name)) {
            kept.push(name);
        }
    }
    Ok(kept)
}

/// Creates the window `request` describes, scheduled `now`, under a new id (the start date in
/// `tz` and a slug of the title, with `-2` … when taken). Returns the id and the files written
/// (with any JSON Schema the repository was missing), for the caller to commit under its lock.
pub fn schedule(
    store: &Store,
    request: Request,
    now: Time,
    tz: &jiff::tz::TimeZone,
) -> Result<(String, Vec<PathBuf>)> {
    store.sweep_maintenance_temps();
    let taken = store.maintenance_ids()?;
    let date = request.start.in_tz(tz).date();
    let id = crate::model::slug::dated_id(date, &request.title, "maintenance", |candidate| {
        taken.iter().any(|t| t == candidate)
    });
    let window = Maintenance {
        title: request.title,
        start: request.start,
        end: request.end,
        services: request.services,
        summary: request.summary,
        scheduled: now,
        cancelled: None,
    };
    let mut paths = store.write_schemas()?;
    paths.extend(store.create_maintenance(&id, &window)?);
    Ok((id, paths))
}

/// Appends `update` to the window's updates.yaml, giving it an id (`seed`: reproducible ids for
/// a pinned clock). The window must read: an update to a broken file is refused, not appended.
pub fn update(
    store: &Store,
    id: &str,
    mut update: Update,
    seed: Option<&str>,
) -> Result<(Update, PathBuf)> {
    store.load_maintenance(id)?;
    update.text = crate::model::maintenance::text("the update", &update.text, false)?;
    let mut updates = [update];
    let path = store.prepare_update(id, &mut updates, seed)?.write()?;
    let [update] = updates;
    Ok((update, path))
}

/// What [`cancel`] did.
pub enum Cancelled {
    /// maintenance.yaml now says it is cancelled.
    Now(PathBuf),
    /// It already was, when: nothing written.
    Already(Time),
}

/// Calls off the window `id` as of `cancellation.at`. A window that has ended cannot be called
/// off (a usage error); one in progress can (the work stopped). `clock` shows times in messages.
pub fn cancel(
    store: &Store,
    clock: &Clock,
    id: &str,
    mut cancellation: Cancellation,
) -> Result<Cancelled> {
    cancellation.reason =
        crate::model::maintenance::text("the reason", &cancellation.reason, true)?;
    let mut window = store.load_maintenance(id)?;
    if let Some(earlier) = &window.cancelled {
        return Ok(Cancelled::Already(earlier.at));
    }
    if window.state(cancellation.at) == State::Completed {
        return Err(Error::usage(format!(
            "{id} ended at {}: a window that is over cannot be cancelled; post what happened with `inc maintenance update {id} TEXT`",
            clock.long(window.end)
        ))
        .into());
    }
    window.cancelled = Some(cancellation);
    Ok(Cancelled::Now(store.write_maintenance(id, &window)?))
}
