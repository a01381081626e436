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
    .with_context(|| format!("{} is not a git repository", root.display()))
}

/// The repository that contains `dir`, or a new one created in `dir`. Returns it and whether it
/// was created.
pub fn discover_or_init(dir: &Path) -> Result<(Repository, bool)> {
    honour_git_environment();
    match Repository::discover(dir) {
        Ok(repo) if repo.workdir().is_some() => Ok((repo, false)),
        Ok(_) => Err(anyhow!(
            "{} is inside a bare git repository: run inc init in a clone with a work tree",
            dir.display()
        )),
        Err(_) => Repository::init(dir)
            .map(|repo| (repo, true))
            .with_context(|| format!("cannot create a git repository in {}", dir.display())),
    }
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

    // Blobs straight from the bytes on disk: inc's files need no filters, and asking git's
    // attribute machinery about filters would read the whole index a second time.
    let mut changes = TreeChanges::default();
    let mut staged: Vec<(String, Option<(Oid, std::fs::Metadata)>)> = Vec::new();
    for (absolute, rel) in paths.iter().zip(&relative) {
        let path = git_path(rel)?;
        match std::fs::read(absolute) {
            Ok(content) => {
                let meta = std::fs::symlink_metadata(absolute)?;
                let blob = repo
                    .blob(&content)
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
    let tree = repo.find_tree(tree_id)?;
    let signature = signature(repo, when, fallback_name)?;
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    let oid = repo
        .commit(
            Some("HEAD"),
            &signature,
            &signature,
            message,
            &tree,
            &parents,
        )
        .context("creating the commit")?;
    Ok(Some(oid))
}

type Staged = [(String, Option<(Oid, std::fs::Metadata)>)];

fn stage_with_libgit2(repo: &Repository, staged: &Staged) -> Result<()> {
    let mut index = repo.index().context("reading the git index")?;
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

/// A field of incident.yaml that both sides of a merge changed differently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeNote {
    pub incident: String,
    pub field: String,
    pub kept: String,
    pub other: String,
}

fn notes_file(git_dir: &Path) -> PathBuf {
    git_dir.join("inc").join("merge-notes")
}

/// Records merge notes (from the merge driver, which runs inside `git merge`) for the next inc
/// command to log.
pub fn save_merge_notes(cwd: &Path, notes: &[MergeNote]) -> Result<()> {
    let repo = Repository::discover(cwd).context("finding the repository being merged")?;
    let file = notes_file(repo.path());
    std::fs::create_dir_all(file.parent().expect("inside .git"))?;
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let mut text = std::fs::read_to_string(&file).unwrap_or_default();
    for n in notes {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            clean(&n.incident),
            clean(&n.field),
            clean(&n.kept),
            clean(&n.other)
        ));
    }
    std::fs::write(&file, text).with_context(|| format!("cannot write {}", file.display()))
}

/// Takes the recorded merge notes (the file is removed).
pub fn take_merge_notes(root: &Path) -> Vec<MergeNote> {
    let file = notes_file(&git_dir(root));
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Vec::new();
    };
    let _ = std::fs::remove_file(&file);
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(4, '\t');
            Some(MergeNote {
                incident: parts.next()?.to_string(),
                field: parts.next()?.to_string(),
                kept: parts.next()?.to_string(),
                other: parts.next()?.to_string(),
            })
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
