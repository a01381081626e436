//! Where this clone stands against the remote it shares with, from local refs and files only (no
//! network): commits not pushed, commits a fetch brought that are not merged, and when it last
//! exchanged with the remote. Cheap enough for every `inc status`: one graph walk between two
//! refs and a few file times.

use std::path::Path;
use std::time::SystemTime;

use git2::Repository;
use jiff::Timestamp;

/// The file in `.git/inc/` where `inc sync` notes when it last finished.
const SYNCED: &str = "synced";

/// This clone against its upstream branch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upstream {
    /// The remote (`origin`).
    pub remote: String,
    /// The branch there (`main`).
    pub branch: String,
    /// Whether this clone has the remote-tracking ref (`refs/remotes/origin/main`): false until
    /// the branch was first pushed there or fetched from there.
    pub tracked: bool,
    /// Commits here that the remote-tracking ref does not have.
    pub ahead: usize,
    /// Commits the remote-tracking ref has that are not merged here.
    pub behind: usize,
    /// When `inc sync` last finished, as it noted it.
    pub synced: Option<Timestamp>,
    /// When git last fetched (`FETCH_HEAD`) if that was after the last `inc sync`; else, when
    /// nothing else is known, when the remote-tracking ref last moved (a clone, a push).
    pub fetched: Option<Timestamp>,
}

/// Where the branch checked out at `root` stands against its upstream; `None` without a remote,
/// on a detached HEAD, or before the first commit.
pub fn upstream(root: &Path) -> Option<Upstream> {
    let repo = super::repo::open(root).ok()?;
    let head = repo.head().ok()?;
    if !head.is_branch() {
        return None;
    }
    let local = head.target()?;
    let refname = head.name().ok()?.to_string();
    let (remote, branch) = upstream_of(&repo, &refname)?;
    let tracking = format!("refs/remotes/{remote}/{branch}");
    let (tracked, ahead, behind) = match repo.refname_to_id(&tracking) {
        Ok(theirs) => {
            let (ahead, behind) = repo.graph_ahead_behind(local, theirs).ok()?;
            (true, ahead, behind)
        }
        Err(_) => (false, 0, 0),
    };
    let git_dir = repo.path();
    let record = git_dir.join("inc").join(SYNCED);
    let synced = std::fs::read_to_string(&record)
        .ok()
        .and_then(|text| text.trim().parse::<Timestamp>().ok());
    let recorded_at = synced.and_then(|_| modified(&record));
    let fetch_head = modified(&git_dir.join("FETCH_HEAD"));
    let mut fetched = fetch_head
        .filter(|&f| recorded_at.is_none_or(|r| f > r))
        .and_then(|f| Timestamp::try_from(f).ok());
    if fetched.is_none() && synced.is_none() {
        fetched = last_moved(&repo, &tracking);
    }
    Some(Upstream {
        remote,
        branch,
        tracked,
        ahead,
        behind,
        synced,
        fetched,
    })
}

/// Notes that `inc sync` finished at `at` (`.git/inc/synced`), for [`upstream`] to tell.
pub fn record_sync(root: &Path, at: Timestamp) -> std::io::Result<()> {
    let dir = super::repo::git_dir(root).join("inc");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(SYNCED), format!("{at}\n"))
}

/// The remote and branch `refname` tracks: its configured upstream, else the branch of the same
/// name on `origin` (or on the only remote), as `inc sync` would push it.
fn upstream_of(repo: &Repository, refname: &str) -> Option<(String, String)> {
    let branch = refname.strip_prefix("refs/heads/")?.to_string();
    let configured = repo
        .branch_upstream_remote(refname)
        .ok()
        .and_then(|r| r.as_str().ok().map(String::from))
        .filter(|r| r != ".");
    if let Some(remote) = configured {
        let merge = repo
            .branch_upstream_merge(refname)
            .ok()
            .and_then(|m| m.as_str().ok().map(String::from))
            .and_then(|m| m.strip_prefix("refs/heads/").map(String::from))
            .unwrap_or(branch);
        return Some((remote, merge));
    }
    let remotes = repo.remotes().ok()?;
    let names: Vec<&str> = remotes.iter().flatten().flatten().collect();
    let remote = if names.contains(&"origin") {
        "origin"
    } else if let [only] = names.as_slice() {
        only
    } else {
        return None;
    };
    Some((remote.to_string(), branch))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).ok()?.modified().ok()
}

/// When the ref last moved, from its reflog.
fn last_moved(repo: &Repository, refname: &str) -> Option<Timestamp> {
    let reflog = repo.reflog(refname).ok()?;
    let newest = reflog.get(0)?;
    Timestamp::from_second(newest.committer().when().seconds()).ok()
}
