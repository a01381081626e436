//! Unshared work, said where people look (`inc status`, `inc show`): commits this clone has not
//! pushed, commits a fetch brought that it has not merged, and when it last synced. A handoff
//! left unpushed leaves every other clone showing the old lead, so it must not go unnoticed.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::git::Upstream;
use crate::time::{Clock, Time, format_duration};

/// This clone against its remote (`sync` in `inc status --json` and `inc show --json`).
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct SyncView {
    /// The remote branch this clone shares with (`origin/main`).
    pub upstream: String,
    /// Whether that branch was ever pushed to or fetched from: false means nothing was shared yet.
    pub tracked: bool,
    /// Commits here that were not pushed there.
    pub ahead: usize,
    /// Commits fetched from there that are not merged here.
    pub behind: usize,
    /// When `inc sync` last finished in this clone; `null` when it never did.
    pub last_sync: Option<Time>,
    /// When git last fetched, if after `last_sync` (a `git fetch` or `git pull` by hand; for a
    /// clone never synced, when the remote branch was last fetched or pushed); else `null`.
    pub last_fetch: Option<Time>,
}

impl SyncView {
    pub fn new(upstream: Upstream, clock: &Clock) -> SyncView {
        let time = |t| Time::new(t, clock.tz());
        SyncView {
            upstream: format!("{}/{}", upstream.remote, upstream.branch),
            tracked: upstream.tracked,
            ahead: upstream.ahead,
            behind: upstream.behind,
            last_sync: upstream.synced.map(time),
            last_fetch: upstream.fetched.map(time),
        }
    }

    /// The one line for people, `None` when everything is shared both ways:
    /// `unshared: 3 commits not pushed to origin/main (last sync 6h ago) — inc sync`.
    pub fn line(&self, clock: &Clock) -> Option<String> {
        let upstream = &self.upstream;
        let what = match (self.tracked, self.ahead, self.behind) {
            (false, _, _) => format!("unshared: nothing pushed to {upstream} yet"),
            (true, 0, 0) => return None,
            (true, ahead, 0) => format!("unshared: {} not pushed to {upstream}", commits(ahead)),
            (true, 0, behind) => {
                format!(
                    "behind: {} fetched from {upstream} not merged",
                    commits(behind)
                )
            }
            (true, ahead, behind) => format!(
                "unshared: {} not pushed to {upstream}, {behind} fetched and not merged",
                commits(ahead)
            ),
        };
        let ago = |t: Time| format_duration(clock.now().since(t));
        let when = match (self.last_fetch, self.last_sync) {
            (Some(fetch), _) => format!("last fetch {} ago", ago(fetch)),
            (None, Some(sync)) => format!("last sync {} ago", ago(sync)),
            (None, None) => "never synced".to_string(),
        };
        Some(format!("{what} ({when}) — inc sync"))
    }
}

fn commits(n: usize) -> String {
    if n == 1 {
        "1 commit".into()
    } else {
        format!("{n} commits")
    }
}

/// Where this clone stands, for JSON; `None` without a remote.
pub fn sync_view(store: &crate::store::Store, clock: &Clock) -> Option<SyncView> {
    store.upstream().map(|u| SyncView::new(u, clock))
}

/// Prints the line when there is something unshared.
pub fn print_unshared(out: &mut dyn Write, sync: Option<&SyncView>, clock: &Clock) -> Result<()> {
    if let Some(line) = sync.and_then(|s| s.line(clock)) {
        // The remote's and branch's names come from the clone's own config; escaped all the same.
        writeln!(out, "{}", crate::text::escape_controls(&line))?;
    }
    Ok(())
}
