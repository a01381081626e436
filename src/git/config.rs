//! The repository's own git config (`.git/config`), the one place a clone keeps what it alone
//! has decided: which webhook destinations it trusts. Only the local level is read or written: a
//! setting in the user's global config would apply to every repository cloned from then on, and
//! a committed file never reaches `.git/config`.

use std::path::Path;

use anyhow::{Context, Result};
use git2::ConfigLevel;

/// The value of `key` in the repository's local config, if set there (global and system config
/// are not read).
pub fn local_get(root: &Path, key: &str) -> Result<Option<String>> {
    let repo = super::repo::open(root)?;
    let config = repo
        .config()
        .and_then(|c| c.open_level(ConfigLevel::Local))
        .context("cannot read the repository's git config (.git/config)")?;
    match config.get_string(key) {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("cannot read {key} in .git/config")),
    }
}

/// Sets `key` to `value` in the repository's local config.
pub fn local_set(root: &Path, key: &str, value: &str) -> Result<()> {
    let repo = super::repo::open(root)?;
    let mut config = repo
        .config()
        .and_then(|c| c.open_level(ConfigLevel::Local))
        .context("cannot open the repository's git config (.git/config)")?;
    config
        .set_str(key, value)
        .with_context(|| format!("cannot write {key} in .git/config"))
}

/// `key` in the repository's local config as a git boolean (`true`, `yes`, `on`, `1` …); `None`
/// when it is not set there, is not a boolean, or the repository cannot be opened.
pub fn local_bool(root: &Path, key: &str) -> Option<bool> {
    let repo = super::repo::open(root).ok()?;
    let config = repo.config().ok()?.open_level(ConfigLevel::Local).ok()?;
    config.get_bool(key).ok()
}
