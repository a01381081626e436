//! Everything libgit2: finding and creating repositories, and committing exactly the files a
//! command touched.
//!
//! Commits are built from HEAD's tree, not from the index, so whatever the user has staged stays
//! staged and stays out of inc's commit. Only the index entries of inc's own paths are updated, so
//! `git status` is clean for them afterwards.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use git2::{FileMode, Oid, Repository, RepositoryOpenFlags, Signature};
use jiff::Timestamp;

mod sign;

/// Applies git's own environment switches that libgit2 ignores (tests rely on them).
fn honour_git_environment() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // inc builds trees from objects it just read or wrote; checking that each one exists
        // again costs a lookup per entry.
        git2::opts::strict_object_creation(false);
        // Objects read back (HEAD's commit and trees) were verified when they were written.
        git2::opts::strict_hash_verification(false);
        if std::env::var_os("GIT_CONFIG_NOSYSTEM").is_some_and(|v| v != "0" && v != "false") {
            // SAFETY: runs once, before any other libgit2 call of this process reads the path.
            let _ = unsafe { git2::opts::set_search_path(git2::ConfigLevel::System, "") };
        }
    });
}

/// Opens the repository whose work tree is exactly `root`.
pub fn open(root: &Path) -> Result<Repository> {
    honour_git_environment();
    Repository::open_ext(
        root,
        RepositoryOpenFlags::NO_SEARCH,
        std::iter::empty::<&str>(),
    )
    .map_err(|err| match unsupported_format(&git_dir(root)) {
        Some(why) => crate::error::Error::state(why).into(),
        None => {
            anyhow::Error::new(err).context(format!("{} is not a git repository", root.display()))
        }
    })
}

/// The repository that contains `dir`, or a new one created in `dir`. Returns it and whether it
/// was created. A repository that is there but cannot be opened is an error, never a reason to
/// create another one inside it.
pub fn discover_or_init(dir: &Path) -> Result<(Repository, bool)> {
    honour_git_environment();
    match Repository::discover(dir) {
        Ok(repo) if repo.workdir().is_some() => Ok((repo, false)),
        Ok(_) => Err(anyhow!(
            "{} is inside a bare git repository: run inc init in a clone with a work tree",
            dir.display()
        )),
        Err(err) => match enclosing_git(dir) {
            Some(found) => Err(match unsupported_format(&found) {
                Some(why) => crate::error::Error::state(why).into(),
                None => anyhow::Error::new(err).context(format!(
                    "cannot open the git repository at {}; inc init does not create a repository inside another",
                    found.display()
                )),
            }),
            None => Repository::init(dir)
                .map(|repo| (repo, true))
                .with_context(|| format!("cannot create a git repository in {}", dir.display())),
        },
    }
}

/// The `.git` (directory, or file pointing to one) at `dir` or the nearest directory above it.
fn enclosing_git(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find_map(|d| {
        let dot_git = d.join(".git");
        dot_git.exists().then(|| git_dir(d))
    })
}

/// Why inc cannot work in the repository whose git directory is `git_dir`, if it is a format
/// libgit2 does not support: SHA-256 object ids or reftable refs. Committing to one with the
/// wrong format would corrupt it, so it is refused with a way out.
pub fn unsupported_format(git_dir: &Path) -> Option<String> {
    // A linked worktree's configuration lives in the main repository's git directory.
    let common = std::fs::read_to_string(git_dir.join("commondir"))
        .map(|dir| git_dir.join(dir.trim()))
        .unwrap_or_else(|_| git_dir.to_path_buf());
    let config = git2::Config::open(&common.join("config")).ok();
    let setting = |key: &str| {
        config
            .as_ref()?
            .get_string(key)
            .ok()
            .map(|v| v.to_ascii_lowercase())
    };
    if let Some(format) = setting("extensions.objectformat").filter(|f| f != "sha1") {
        return Some(format!(
            "this repository uses {} object ids (extensions.objectformat={format}), which inc cannot commit to yet; keep incidents in a SHA-1 repository (git init --object-format=sha1)",
            format.to_ascii_uppercase().replace("SHA", "SHA-")
        ));
    }
    let reftable = setting("extensions.refstorage").filter(|r| r != "files");
    if reftable.is_some() || common.join("reftable").is_dir() {
        let storage = reftable.unwrap_or_else(|| "reftable".into());
        return Some(format!(
            "this repository stores its refs as {storage} (extensions.refstorage={storage}), which inc cannot update yet; convert it with `git refs migrate --ref-format=files`"
        ));
    }
    None
}

/// The `.git` directory of the work tree at `root`, found without opening the repository
/// (`.git` may be a file pointing elsewhere, as in worktrees and submodules).
pub fn git_dir(root: &Path) -> PathBuf {
    let dot_git = root.join(".git");
    if let Ok(text) = std::fs::read_to_string(&dot_git)
        && let Some(target) = text.strip_prefix("gitdir:")
    {
        return root.join(target.trim());
    }
    dot_git
}

/// git's user.name for this repository (local, then global config), if set.
pub fn user_name(repo: &Repository) -> Option<String> {
    repo.config()
        .ok()?
        .get_string("user.name")
        .ok()
        .filter(|name| !name.trim().is_empty())
}

/// Whether a commit made in `dir` has an author name: `$GIT_AUTHOR_NAME`, or user.name in the
/// git configuration that applies there (the repository's, else the user's and the system's).
pub fn has_author(dir: &Path) -> bool {
    honour_git_environment();
    if std::env::var_os("GIT_AUTHOR_NAME").is_some_and(|v| !v.is_empty()) {
        return true;
    }
    let config = match Repository::discover(dir) {
        Ok(repo) => repo.config(),
        Err(_) => git2::Config::open_default(),
    };
    config
        .ok()
        .and_then(|c| c.get_string("user.name").ok())
        .is_some_and(|name| !name.trim().is_empty())
}

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
    let updates: Vec<crate::index::Update<'_>> = staged
        .iter()
        .map(|(path, blob)| match blob {
            Some((id, meta)) => crate::index::Update::Set {
                path,
                id: id.as_bytes().try_into().expect("SHA-1 ids are 20 bytes"),
                meta,
            },
            None => crate::index::Update::Remove { path },
        })
        .collect();
    // A GIT_INDEX_FILE set for some other purpose is left to libgit2.
    let fast = std::env::var_os("GIT_INDEX_FILE").is_none()
        && crate::index::update(repo.path(), &updates)?;
    if !fast {
        stage_with_libgit2(repo, &staged).or_else(|err| {
            // A layout libgit2 cannot write either (a split index): let git do it.
            stage_with_git(repo, &staged).map_err(|_| err)
        })?;
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
    for (path, blob) in staged {
        let result = match blob {
            Some((id, _)) => cli(
                root,
                &[
                    "update-index",
                    "--add",
                    "--cacheinfo",
                    &format!("100644,{id},{path}"),
                ],
            ),
            None => cli(root, &["update-index", "--force-remove", "--", path]),
        };
        result.map_err(|e| anyhow!("git update-index: {}", e.summary()))?;
    }
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

/// How long a commit waits for another git command's lock before giving up: long enough for
/// `git status` or an editor's git integration to finish, short enough not to stall a responder.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// A lock that an interrupted inc commit left behind is this old before it is cleared, so a
/// git command that has just taken the same lock is never disturbed.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_millis(1500);

/// Waits until no other git command holds the index or HEAD's branch. `interrupted` is when an
/// inc commit that was killed started (milliseconds since the epoch): locks created since then
/// are that commit's leftovers and are removed once they are clearly stale.
pub fn wait_for_locks(repo: &Repository, interrupted: Option<u128>) -> Result<()> {
    wait_for_locks_until(repo, interrupted, std::time::Instant::now() + LOCK_WAIT)
}

/// Runs `commit` once no other git command holds the index or HEAD's branch (see
/// [`wait_for_locks`]), and again when one took a lock between the wait and the commit, for up
/// to [`LOCK_WAIT`] in all. A commit that failed on a lock moved nothing, so it can be retried.
pub fn when_unlocked<T>(
    repo: &Repository,
    interrupted: Option<u128>,
    mut commit: impl FnMut() -> Result<T>,
) -> Result<T> {
    let deadline = std::time::Instant::now() + LOCK_WAIT;
    loop {
        wait_for_locks_until(repo, interrupted, deadline)?;
        match commit() {
            Err(err) if is_lock_error(&err) && std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            result => return result,
        }
    }
}

/// Whether `err` comes from a lock file another process holds.
fn is_lock_error(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<git2::Error>()
            .is_some_and(|e| e.code() == git2::ErrorCode::Locked)
            || cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::AlreadyExists)
    }) || format!("{err:#}").contains(".lock")
}

/// [`wait_for_locks`], giving up at `deadline`.
fn wait_for_locks_until(
    repo: &Repository,
    interrupted: Option<u128>,
    deadline: std::time::Instant,
) -> Result<()> {
    let git_dir = repo.path();
    let mut locks = vec![git_dir.join("index.lock"), git_dir.join("HEAD.lock")];
    if let Ok(head) = repo.find_reference("HEAD")
        && let Ok(Some(target)) = head.symbolic_target()
    {
        locks.push(git_dir.join(format!("{target}.lock")));
    }
    loop {
        let Some(held) = locks.iter().find(|l| l.exists()) else {
            return Ok(());
        };
        let modified = std::fs::metadata(held).and_then(|m| m.modified()).ok();
        let age = modified.and_then(|m| m.elapsed().ok()).unwrap_or_default();
        let since_epoch = modified
            .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_millis());
        // Only a lock taken while that commit ran (within seconds of its start) is its leftover;
        // a later one belongs to someone else's git command.
        let leftover =
            interrupted.is_some_and(|at| since_epoch + 1000 >= at && since_epoch <= at + 10_000);
        if leftover && age >= STALE_AFTER {
            std::fs::remove_file(held)
                .with_context(|| format!("cannot remove the stale lock {}", held.display()))?;
            continue;
        }
        if std::time::Instant::now() >= deadline {
            return Err(crate::error::Error::state(format!(
                "another git command holds {} (for {}s now): wait for it to finish, or remove the file if no git command is running",
                held.display(),
                age.as_secs()
            ))
            .into());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A decision a merge of incident.yaml made (see `merge::Conflict`), to be logged in the
/// incident's timeline so the value that lost is not forgotten.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeNote {
    pub incident: String,
    /// The timeline entry's text.
    pub text: String,
}

/// A log entry both sides of a merge edited differently, kept twice (see `merge::log`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryConflictNote {
    pub incident: String,
    /// The log's file name (`timeline.yaml` …).
    pub file: String,
    /// The version kept under the entry's id.
    pub kept: String,
    /// The id the other version got.
    pub other: String,
}

const MERGE_NOTES: &str = "merge-notes";
const ENTRY_CONFLICTS: &str = "merge-conflicts";

/// Appends tab-separated records to a notes file in `.git/inc` of the repository being merged
/// (found from `cwd`: the merge driver runs inside `git merge`).
fn save_notes(cwd: &Path, name: &str, records: &[Vec<&str>]) -> Result<()> {
    let repo = Repository::discover(cwd).context("finding the repository being merged")?;
    let file = repo.path().join("inc").join(name);
    std::fs::create_dir_all(file.parent().expect("inside .git"))?;
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let mut text = std::fs::read_to_string(&file).unwrap_or_default();
    for record in records {
        let fields: Vec<String> = record.iter().map(|f| clean(f)).collect();
        text.push_str(&fields.join("\t"));
        text.push('\n');
    }
    std::fs::write(&file, text).with_context(|| format!("cannot write {}", file.display()))
}

/// Takes the records of a notes file (the file is removed).
fn take_notes(root: &Path, name: &str) -> Vec<Vec<String>> {
    let file = git_dir(root).join("inc").join(name);
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Vec::new();
    };
    let _ = std::fs::remove_file(&file);
    text.lines()
        .map(|line| line.split('\t').map(String::from).collect())
        .collect()
}

/// Records merge notes (from the merge driver) for the next inc command to log.
pub fn save_merge_notes(cwd: &Path, notes: &[MergeNote]) -> Result<()> {
    let records: Vec<Vec<&str>> = notes
        .iter()
        .map(|n| vec![n.incident.as_str(), n.text.as_str()])
        .collect();
    save_notes(cwd, MERGE_NOTES, &records)
}

/// Takes the recorded merge notes (the file is removed).
pub fn take_merge_notes(root: &Path) -> Vec<MergeNote> {
    take_notes(root, MERGE_NOTES)
        .into_iter()
        .filter_map(|record| match record.as_slice() {
            [incident, text] => Some(MergeNote {
                incident: incident.clone(),
                text: text.clone(),
            }),
            // Written by an inc from before notes carried their text.
            [incident, field, kept, other] => Some(MergeNote {
                incident: incident.clone(),
                text: format!(
                    "Merge: both clones changed {field}; kept {kept} (the later change), the other had {other}"
                ),
            }),
            _ => None,
        })
        .collect()
}

/// Records log entries a merge kept twice, for `inc sync` to report.
pub fn save_entry_conflicts(cwd: &Path, notes: &[EntryConflictNote]) -> Result<()> {
    let records: Vec<Vec<&str>> = notes
        .iter()
        .map(|n| vec![n.incident.as_str(), &n.file, &n.kept, &n.other])
        .collect();
    save_notes(cwd, ENTRY_CONFLICTS, &records)
}

/// Takes the recorded entry conflicts (the file is removed).
pub fn take_entry_conflicts(root: &Path) -> Vec<EntryConflictNote> {
    take_notes(root, ENTRY_CONFLICTS)
        .into_iter()
        .filter_map(|record| match record.as_slice() {
            [incident, file, kept, other] => Some(EntryConflictNote {
                incident: incident.clone(),
                file: file.clone(),
                kept: kept.clone(),
                other: other.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// This binary's path, as the merge driver is registered with it.
fn current_exe() -> Option<String> {
    std::env::current_exe().ok()?.to_str().map(String::from)
}

/// Registers inc's merge driver in the repository's .git/config if it is missing or points at
/// another inc binary. Cheap when it is already there (one small file read).
pub fn ensure_merge_driver(root: &Path) -> Result<()> {
    let Some(exe) = current_exe() else {
        return Ok(());
    };
    let config = git_dir(root).join("config");
    let text = std::fs::read_to_string(&config).unwrap_or_default();
    if text
        .lines()
        .any(|line| line.contains("merge-driver") && line.contains(&exe))
    {
        return Ok(());
    }
    let command = format!("\"{}\" merge-driver %O %A %B %P", exe.replace('"', "\\\""));
    let repo = open(root)?;
    let mut config = repo.config()?.open_level(git2::ConfigLevel::Local)?;
    config.set_str("merge.inc.name", "inc: merge incident files entry by entry")?;
    config.set_str("merge.inc.driver", &command)?;
    Ok(())
}

/// Runs the `git` command in `root` (for the network: the user's ssh config and credential
/// helpers apply). Returns stdout, or an error carrying git's stderr.
pub fn cli(root: &Path, args: &[&str]) -> Result<String, CliError> {
    let out = std::process::Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .map_err(|e| CliError {
            stderr: format!("cannot run git: {e}"),
        })?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let mut stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if stderr.trim().is_empty() {
            stderr = String::from_utf8_lossy(&out.stdout).into_owned();
        }
        Err(CliError { stderr })
    }
}

/// A `git` command that failed, with what it said.
#[derive(Debug)]
pub struct CliError {
    pub stderr: String,
}

impl CliError {
    /// The most telling line of git's output.
    pub fn summary(&self) -> String {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        lines
            .iter()
            .find(|l| l.starts_with("fatal:") || l.starts_with("error:") || l.starts_with("! ["))
            .or(lines.first())
            .map(|l| {
                l.trim_start_matches("fatal: ")
                    .trim_start_matches("error: ")
                    .to_string()
            })
            .unwrap_or_else(|| "git failed".into())
    }

    pub fn mentions(&self, needles: &[&str]) -> bool {
        let text = self.stderr.to_lowercase();
        needles.iter().any(|n| text.contains(&n.to_lowercase()))
    }
}

#[cfg(test)]
mod merge_notes_tests {
    use super::*;

    #[test]
    fn merge_notes_round_trip_and_old_ones_still_read() {
        let temp = tempfile::TempDir::new().unwrap();
        Repository::init(temp.path()).unwrap();
        let note = MergeNote {
            incident: "x".into(),
            text: "Merge: a\ttab and\na newline".into(),
        };
        save_merge_notes(temp.path(), std::slice::from_ref(&note)).unwrap();
        let notes_file = temp.path().join(".git/inc").join(MERGE_NOTES);
        let mut text = std::fs::read_to_string(&notes_file).unwrap();
        text.push_str("y\tstatus\tmonitoring\tidentified\n"); // an older inc's four columns
        std::fs::write(&notes_file, text).unwrap();
        assert_eq!(
            take_merge_notes(temp.path()),
            [
                MergeNote {
                    incident: "x".into(),
                    text: "Merge: a tab and a newline".into()
                },
                MergeNote {
                    incident: "y".into(),
                    text: "Merge: both clones changed status; kept monitoring (the later change), the other had identified".into()
                }
            ]
        );
        assert!(take_merge_notes(temp.path()).is_empty(), "taken once");

        let conflict = EntryConflictNote {
            incident: "x".into(),
            file: "timeline.yaml".into(),
            kept: "aaaaaa".into(),
            other: "bbbbbb".into(),
        };
        save_entry_conflicts(temp.path(), std::slice::from_ref(&conflict)).unwrap();
        assert_eq!(take_entry_conflicts(temp.path()), [conflict]);
    }
}
