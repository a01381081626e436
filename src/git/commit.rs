//! Committing exactly the files a command touched.
//!
//! Commits are built from HEAD's tree, not from the index, so whatever the user has staged stays
//! staged and stays out of inc's commit. Only the index entries of inc's own paths are updated, so
//! `git status` is clean for them afterwards.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use git2::{FileMode, Oid, Repository, Signature};
use jiff::Timestamp;

use super::index::{self, Outcome, Update};
use super::sign;

/// Commits exactly `paths` (absolute, inside the work tree) on top of HEAD, as they are on disk;
/// a path missing on disk is removed. Returns `None` when nothing differs from HEAD.
pub fn commit_paths(
    repo: &Repository,
    paths: &[PathBuf],
    message: &str,
    when: Timestamp,
    fallback_name: &str,
) -> Result<Option<Oid>> {
    let workdir = repo
        .workdir()
        .ok_or_else(|| anyhow!("the repository has no work tree"))?
        .to_path_buf();
    let relative: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            p.strip_prefix(&workdir)
                .map(Path::to_path_buf)
                .map_err(|_| anyhow!("{} is outside the repository", p.display()))
        })
        .collect::<Result<_>>()?;

    let parent = match repo.head() {
        Ok(head) => Some(head.peel_to_commit().context("reading HEAD")?),
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch => None,
        Err(e) => return Err(e).context("reading HEAD"),
    };
    let baseline = match &parent {
        Some(commit) => commit.tree()?,
        None => repo.find_tree(repo.treebuilder(None)?.write()?)?,
    };

    // Blobs from the bytes on disk, through git's filters only where they can matter (see
    // `blob`): asking the attribute machinery for every file would read the index again.
    let mut changes = TreeChanges::default();
    let mut staged: Vec<(String, Option<(Oid, std::fs::Metadata)>)> = Vec::new();
    for (absolute, rel) in paths.iter().zip(&relative) {
        let path = git_path(rel)?;
        match std::fs::read(absolute) {
            Ok(content) => {
                let meta = std::fs::symlink_metadata(absolute)?;
                let blob = blob(repo, &path, &content)
                    .with_context(|| format!("storing {} in git", rel.display()))?;
                changes.set(&path, Some(blob));
                staged.push((path, Some((blob, meta))));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                changes.set(&path, None);
                staged.push((path, None));
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", absolute.display())),
        }
    }
    let tree_id = changes
        .apply(repo, Some(&baseline))?
        .map_or_else(|| repo.treebuilder(None)?.write(), Ok)?;

    // Stage first, then commit. The index is what another git command may hold locked; if
    // staging fails nothing has moved, and if the commit then fails the change is staged and the
    // next inc command commits it. Staging also happens when HEAD already has the tree (a
    // recovery after an earlier commit whose staging failed). The entries carry the file's stat
    // data, so git need not hash the files again.
    let updates: Vec<Update<'_>> = staged
        .iter()
        .map(|(path, blob)| match blob {
            Some((id, meta)) => Update::Set {
                path,
                id: id.as_bytes().try_into().expect("SHA-1 ids are 20 bytes"),
                meta,
            },
            None => Update::Remove { path },
        })
        .collect();
    // A GIT_INDEX_FILE set for some other purpose is left to libgit2.
    let outcome = if std::env::var_os("GIT_INDEX_FILE").is_none() {
        index::update(repo.path(), &updates, &split_index_setting(repo))
            .map_err(|err| super::repo::relative_damage(err, &workdir))?
    } else {
        Outcome::ForLibgit2
    };
    match outcome {
        Outcome::Written => {}
        Outcome::ForLibgit2 => stage_with_libgit2(repo, &staged).or_else(|err| {
            // A layout libgit2 cannot write either: let git do it.
            stage_with_git(repo, &staged).map_err(|_| err)
        })?,
        Outcome::ForGit => stage_with_git(repo, &staged)?,
    }

    if tree_id == baseline.id() {
        return Ok(None);
    }
    // Messages quote ids, names and titles from files and arguments; `git log` prints them raw.
    let message = crate::text::escape_controls(message);
    let message = message.as_ref();
    let tree = repo.find_tree(tree_id)?;
    let signature = signature(repo, when, fallback_name)?;
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    let oid = match sign::Signer::configured(repo)? {
        Some(signer) => commit_signed(repo, &signer, &signature, message, &tree, &parents)?,
        None => repo
            .commit(
                Some("HEAD"),
                &signature,
                &signature,
                message,
                &tree,
                &parents,
            )
            .context("creating the commit")?,
    };
    Ok(Some(oid))
}

/// Stores a work tree file's content as git would commit it. Only a file with a carriage return
/// can be changed by git's filters on the way in (core.autocrlf, `text`/`eol` attributes turn
/// CRLF into LF), so only such a file goes through them; the others are stored as they are,
/// without reading the attributes and the index.
fn blob(repo: &Repository, path: &str, content: &[u8]) -> Result<Oid, git2::Error> {
    if !content.contains(&b'\r') {
        return repo.blob(content);
    }
    let mut writer = repo.blob_writer(Some(Path::new(path)))?;
    std::io::Write::write_all(&mut writer, content)
        .map_err(|e| git2::Error::from_str(&e.to_string()))?;
    writer.commit()
}

/// Refuses, before a command writes anything, when inc could not commit properly: a git
/// operation of the user's is half done (inc's commit would land in the middle of it), or
/// `commit.gpgsign` asks for a signature inc cannot make.
pub fn ready_to_commit(repo: &Repository) -> Result<()> {
    if let Some(refusal) = unfinished_operation(repo) {
        return Err(crate::error::Error::state(refusal).into());
    }
    if let Some(signer) = sign::Signer::configured(repo)? {
        signer.check()?;
    }
    Ok(())
}

/// What the user is in the middle of, as one line naming the git commands that finish or undo
/// it; `None` when no operation is under way.
fn unfinished_operation(repo: &Repository) -> Option<String> {
    use git2::RepositoryState as State;
    let (what, command) = match repo.state() {
        State::Clean => return None,
        State::Merge => ("a git merge", "merge"),
        State::Revert | State::RevertSequence => ("a git revert", "revert"),
        State::CherryPick | State::CherryPickSequence => ("a git cherry-pick", "cherry-pick"),
        State::Rebase | State::RebaseInteractive | State::RebaseMerge => ("a git rebase", "rebase"),
        State::ApplyMailbox => ("a git am", "am"),
        State::ApplyMailboxOrRebase => ("a git rebase or git am", "rebase"),
        State::Bisect => {
            return Some(
                "a git bisect is in progress (HEAD is not your branch): finish it with `git bisect reset`, then run this again; inc does not commit in the middle of it (--no-commit writes without committing)".into(),
            );
        }
    };
    Some(format!(
        "{what} is in progress: finish it with `git {command} --continue` (after resolving any conflicts and `git add`), or undo it with `git {command} --abort`, then run this again; inc does not commit in the middle of it (--no-commit writes without committing)"
    ))
}

/// Makes the commit with the signature `signer` gives, and moves HEAD (or its branch) to it as
/// `git commit` would, reflog included.
fn commit_signed(
    repo: &Repository,
    signer: &sign::Signer,
    signature: &Signature<'_>,
    message: &str,
    tree: &git2::Tree<'_>,
    parents: &[&git2::Commit<'_>],
) -> Result<Oid> {
    let buffer = repo
        .commit_create_buffer(signature, signature, message, tree, parents)
        .context("creating the commit")?;
    let buffer = buffer
        .as_str()
        .map_err(|_| anyhow!("the commit is not valid UTF-8"))?;
    let ident = format!(
        "{} <{}>",
        signature.name().unwrap_or_default(),
        signature.email().unwrap_or_default()
    );
    let gpgsig = signer.sign(buffer, &ident)?;
    let oid = repo
        .commit_signed(buffer, &gpgsig, None)
        .context("storing the signed commit")?;

    let subject = message.lines().next().unwrap_or_default();
    let head = repo.find_reference("HEAD").context("reading HEAD")?;
    let branch = head.symbolic_target().ok().flatten().map(String::from);
    let moved = match (branch, parents.first()) {
        // The branch must still be where the commit was built on.
        (Some(branch), Some(parent)) => repo
            .reference_matching(
                &branch,
                oid,
                true,
                parent.id(),
                &format!("commit: {subject}"),
            )
            .map(drop),
        (Some(branch), None) => repo
            .reference(&branch, oid, false, &format!("commit (initial): {subject}"))
            .map(drop),
        (None, _) => repo
            .reference("HEAD", oid, true, &format!("commit: {subject}"))
            .map(drop),
    };
    moved.context("moving the branch to the new commit")?;
    Ok(oid)
}

/// `core.splitIndex` and `splitIndex.maxPercentChange`, which libgit2 ignores and git applies
/// whenever it writes the index.
fn split_index_setting(repo: &Repository) -> index::SplitSettings {
    let config = repo.config().ok();
    index::SplitSettings {
        enabled: config
            .as_ref()
            .and_then(|c| c.get_bool("core.splitIndex").ok()),
        max_percent_change: config
            .as_ref()
            .and_then(|c| c.get_i32("splitIndex.maxPercentChange").ok())
            .and_then(|p| u8::try_from(p).ok())
            .filter(|&p| p <= 100),
    }
}

type Staged = [(String, Option<(Oid, std::fs::Metadata)>)];

fn stage_with_libgit2(repo: &Repository, staged: &Staged) -> Result<()> {
    let mut index = repo.index().context("reading the git index")?;
    // The repository object may have read the index before a `git` command (inc sync's merge)
    // replaced it; writing that old copy back would undo the merge's staging.
    index.read(false).context("reading the git index")?;
    for (path, blob) in staged {
        let rel = Path::new(path);
        match blob {
            Some((id, meta)) => index.add(&index_entry(rel, *id, meta)?)?,
            None if index.get_path(rel, 0).is_some() => index.remove_path(rel)?,
            None => {}
        }
    }
    index.write().context(
        "writing the git index (another git command may hold .git/index.lock; run `git status` to refresh it)",
    )
}

fn stage_with_git(repo: &Repository, staged: &Staged) -> Result<()> {
    let root = repo
        .workdir()
        .ok_or_else(|| anyhow!("the repository has no work tree"))?;
    // One git process for every path (mode 0 removes one); NUL-terminated, so no quoting.
    let mut input = Vec::new();
    for (path, blob) in staged {
        let line = match blob {
            Some((id, _)) => format!("100644 {id}\t{path}\0"),
            None => format!("0 {}\t{path}\0", Oid::ZERO_SHA1),
        };
        input.extend_from_slice(line.as_bytes());
    }
    super::cli::cli_with_input(root, &["update-index", "-z", "--index-info"], &input)
        .map_err(|e| anyhow!("git update-index: {}", e.summary()))?;
    Ok(())
}

/// Files to change in a tree, by directory, so only the trees on their paths are rewritten.
#[derive(Default)]
struct TreeChanges {
    files: std::collections::BTreeMap<String, Option<Oid>>,
    dirs: std::collections::BTreeMap<String, TreeChanges>,
}

impl TreeChanges {
    /// `Some(blob)` to add or replace `path`, `None` to remove it.
    fn set(&mut self, path: &str, blob: Option<Oid>) {
        match path.split_once('/') {
            Some((dir, rest)) => self
                .dirs
                .entry(dir.to_string())
                .or_default()
                .set(rest, blob),
            None => {
                self.files.insert(path.to_string(), blob);
            }
        }
    }

    /// Writes the changed trees on top of `base`; `None` when the result is empty.
    fn apply(&self, repo: &Repository, base: Option<&git2::Tree<'_>>) -> Result<Option<Oid>> {
        if let Some(base) = base
            && base.len() >= super::tree::LARGE
        {
            return self.apply_large(repo, base);
        }
        let mut builder = repo.treebuilder(base)?;
        for (name, blob) in &self.files {
            match blob {
                Some(blob) => {
                    builder.insert(name, *blob, i32::from(FileMode::Blob))?;
                }
                None if builder.get(name)?.is_some() => builder.remove(name)?,
                None => {}
            }
        }
        for (name, changes) in &self.dirs {
            let subtree = base
                .and_then(|tree| tree.get_name(name))
                .filter(|entry| entry.kind() == Some(git2::ObjectType::Tree))
                .map(|entry| repo.find_tree(entry.id()))
                .transpose()?;
            match changes.apply(repo, subtree.as_ref())? {
                Some(id) => {
                    builder.insert(name, id, i32::from(FileMode::Tree))?;
                }
                None if builder.get(name)?.is_some() => builder.remove(name)?,
                None => {}
            }
        }
        if builder.is_empty() {
            return Ok(None);
        }
        Ok(Some(builder.write()?))
    }
}

impl TreeChanges {
    /// `apply` for a tree of thousands of entries, streamed rather than built (`git::tree`).
    fn apply_large(&self, repo: &Repository, base: &git2::Tree<'_>) -> Result<Option<Oid>> {
        let mut changes: Vec<super::tree::Change<'_>> = Vec::new();
        for (name, blob) in &self.files {
            changes.push(super::tree::Change {
                name,
                entry: blob.map(|id| (id, i32::from(FileMode::Blob))),
            });
        }
        for (name, dir) in &self.dirs {
            let subtree = base
                .get_name(name)
                .filter(|entry| entry.kind() == Some(git2::ObjectType::Tree))
                .map(|entry| repo.find_tree(entry.id()))
                .transpose()?;
            changes.push(super::tree::Change {
                name,
                entry: dir
                    .apply(repo, subtree.as_ref())?
                    .map(|id| (id, i32::from(FileMode::Tree))),
            });
        }
        super::tree::write_changed(repo, base, &changes)
    }
}

/// An index entry for a regular file with the given content id, with its stat data.
fn index_entry(rel: &Path, id: Oid, meta: &std::fs::Metadata) -> Result<git2::IndexEntry> {
    use std::os::unix::fs::MetadataExt;
    let path = git_path(rel)?.into_bytes();
    let time = |secs: i64, nanos: i64| git2::IndexTime::new(secs as i32, nanos as u32);
    Ok(git2::IndexEntry {
        ctime: time(meta.ctime(), meta.ctime_nsec()),
        mtime: time(meta.mtime(), meta.mtime_nsec()),
        dev: meta.dev() as u32,
        ino: meta.ino() as u32,
        mode: if meta.mode() & 0o111 != 0 {
            0o100755
        } else {
            0o100644
        },
        uid: meta.uid(),
        gid: meta.gid(),
        file_size: meta.size() as u32,
        id,
        flags: path.len().min(0xfff) as u16,
        flags_extended: 0,
        path,
    })
}

/// Git paths use `/` and must be valid UTF-8 here (inc only writes slugged names).
fn git_path(rel: &Path) -> Result<String> {
    let text = rel
        .to_str()
        .ok_or_else(|| anyhow!("{} is not valid UTF-8", rel.display()))?;
    Ok(text.replace(std::path::MAIN_SEPARATOR, "/"))
}

/// The commit author: git's `GIT_AUTHOR_*` variables, then user.name/user.email, then the person
/// inc is acting for (`$INC_USER`), with user.email or else `name@localhost` (git refuses to
/// guess one). The time is the command's clock, so a pinned `INC_NOW` gives stable hashes.
fn signature(
    repo: &Repository,
    when: Timestamp,
    fallback_name: &str,
) -> Result<Signature<'static>> {
    let config = repo.config().ok();
    let setting = |env: &str, key: &str| {
        std::env::var(env)
            .ok()
            .filter(|v| !v.is_empty())
            .or_else(|| config.as_ref()?.get_string(key).ok())
    };
    let configured = setting("GIT_AUTHOR_NAME", "user.name");
    let email = setting("GIT_AUTHOR_EMAIL", "user.email").unwrap_or_else(|| match configured {
        Some(_) => String::new(),
        None => fallback_email(fallback_name),
    });
    let name = configured.unwrap_or_else(|| fallback_name.to_string());
    let time = git2::Time::new(when.as_second(), 0);
    Ok(Signature::new(&name, &email, &time)?)
}

/// `alice@localhost` for the person `alice` (`Alice Smith` gives `alice-smith@localhost`).
fn fallback_email(name: &str) -> String {
    let local = slug::slugify(name);
    let local = if local.is_empty() { "inc" } else { &local };
    format!("{local}@localhost")
}
