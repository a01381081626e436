//! Trailers (`Key: value` lines at the end of a commit message) in the history of a repository,
//! for `inc actions scan`, which ticks Improvements named by `Fixes-Action:` in any clone's log.

use std::path::{Path, PathBuf};

use anyhow::Result;
use git2::{Repository, Sort};

/// One trailer of one commit.
#[derive(Debug)]
pub struct Trailer {
    /// The trailer's value, as the commit message has it.
    pub value: String,
    /// The commit's id, shortened to 12 hex digits (unique in any repository of a sane size).
    pub commit: String,
    /// The commit's author, if the name is UTF-8.
    pub author: Option<String>,
    /// When it was committed (seconds since the epoch).
    pub time: i64,
}

/// The directory given is not a git repository.
#[derive(Debug, thiserror::Error)]
#[error("{} is not a git repository ({why})", path.display())]
pub struct NotARepository {
    pub path: PathBuf,
    /// libgit2's message.
    pub why: String,
}

/// Every trailer named `key` (in any case) in the history of HEAD of the repository at `path`,
/// newest commit first, of the commits made at or after `since`. Only commit messages are read,
/// so a long history is still quick. No HEAD yet: none. Not a repository: [`NotARepository`].
pub fn trailers(path: &Path, key: &str, since: Option<i64>) -> Result<Vec<Trailer>> {
    let repo = Repository::open(path).map_err(|err| NotARepository {
        path: path.to_path_buf(),
        why: err.message().to_string(),
    })?;
    let mut walk = repo.revwalk()?;
    if repo.head().is_err() {
        return Ok(Vec::new());
    }
    walk.push_head()?;
    walk.set_sorting(Sort::TIME)?;
    let lowercase_key = key.to_ascii_lowercase();
    let mut found = Vec::new();
    for oid in walk {
        let commit = repo.find_commit(oid?)?;
        let time = commit.committer().when().seconds();
        if since.is_some_and(|s| time < s) {
            continue;
        }
        let Ok(message) = commit.message() else {
            continue;
        };
        // Most commits have no such trailer: parsing is skipped for them.
        if !message.to_ascii_lowercase().contains(&lowercase_key) {
            continue;
        }
        let Ok(parsed) = git2::message_trailers_strs(message) else {
            continue;
        };
        let hex = commit.id().to_string()[..12].to_string();
        let author = commit.author().name().ok().map(String::from);
        for (name, value) in parsed.iter() {
            if name.eq_ignore_ascii_case(key) {
                found.push(Trailer {
                    value: value.to_string(),
                    commit: hex.clone(),
                    author: author.clone(),
                    time,
                });
            }
        }
    }
    Ok(found)
}
