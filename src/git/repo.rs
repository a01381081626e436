//! Finding, opening and creating repositories: refusing formats inc cannot write, and a damaged
//! index before libgit2 reads it. Every libgit2 call of inc starts from a repository opened here.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use git2::{Repository, RepositoryOpenFlags};

/// Applies git's own environment switches that libgit2 ignores (tests rely on them).
pub(super) fn honour_git_environment() {
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

/// Refuses a damaged index (or shared index) with one line naming it and how to rebuild it,
/// before libgit2 reads it: libgit2 reads some damaged indexes without a word, and would answer
/// from what survives of them. An index set aside by `GIT_INDEX_FILE` is left to libgit2.
pub fn check_index(repo: &Repository) -> Result<()> {
    if std::env::var_os("GIT_INDEX_FILE").is_some() {
        return Ok(());
    }
    let root = repo.workdir().unwrap_or(repo.path()).to_path_buf();
    super::index::check_files(repo.path()).map_err(|err| relative_damage(err, &root))
}

/// A damaged index's error with its paths relative to the work tree; any other error as it is.
pub(super) fn relative_damage(err: anyhow::Error, workdir: &Path) -> anyhow::Error {
    match err.downcast::<super::index::Damaged>() {
        Ok(damaged) => damaged.relative_to(workdir).into(),
        Err(err) => err,
    }
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
