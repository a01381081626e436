//! The user's own defaults: `$XDG_CONFIG_HOME/inc/config.yaml`, else `~/.config/inc/config.yaml`,
//! with the keys `user`, `color`, `pager` and `editor`. The file sits under the environment
//! variables and the options, which still win; this module also says, for `inc config`, which of
//! them decides each value.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;

/// The keys of the file, in the order `inc config list` shows them.
pub const KEYS: [&str; 4] = ["user", "color", "pager", "editor"];

/// The pager inc runs when nothing else names one.
pub const DEFAULT_PAGER: &str = "less -FRX";

/// The environment variables the keys are read from, most important first.
const VARS: [&str; 7] = [
    "INC_USER",
    "NO_COLOR",
    "CLICOLOR_FORCE",
    "INC_PAGER",
    "PAGER",
    "VISUAL",
    "EDITOR",
];

/// The file's contents. Every key is optional; an unknown one is refused, so a typo does not
/// silently do nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// Who you are, when neither `--by` nor `$INC_USER` says (before git's user.name).
    #[serde(default)]
    pub user: Option<String>,
    /// auto, always or never, when `--color`, `$NO_COLOR` and `$CLICOLOR_FORCE` do not say.
    #[serde(default)]
    pub color: Option<ColorChoice>,
    /// The pager for long output, when `$INC_PAGER` and `$PAGER` are not set.
    #[serde(default)]
    pub pager: Option<String>,
    /// The editor, when `$VISUAL` and `$EDITOR` are not set.
    #[serde(default)]
    pub editor: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn name(self) -> &'static str {
        match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        }
    }
}

/// What became of reading the file.
#[derive(Clone, Debug, Default)]
pub enum FileState {
    /// No file (or no home directory to look in).
    #[default]
    Missing,
    Loaded(UserConfig),
    /// It does not parse: the error, one line with file:line:column.
    Broken(String),
}

/// Everything the keys are decided from, read once when inc starts.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Where the file is (or would be); `None` without `$XDG_CONFIG_HOME` and `$HOME`.
    pub path: Option<PathBuf>,
    pub file: FileState,
    /// The environment variables inc reads for the keys (empty ones left out).
    pub vars: BTreeMap<&'static str, String>,
}

/// Where a value in force comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Environment(&'static str),
    UserFile,
    /// Git's configuration (user.name).
    Git,
    Default,
}

impl Settings {
    pub fn from_process() -> Settings {
        let path = path_from(
            std::env::var_os("XDG_CONFIG_HOME"),
            std::env::var_os("HOME"),
        );
        let vars = VARS
            .iter()
            .filter_map(|&name| {
                // A pager variable set to nothing means no pager; any other empty one, unset.
                let value = std::env::var(name)
                    .ok()
                    .filter(|v| !v.is_empty() || name.ends_with("PAGER"))?;
                Some((name, value))
            })
            .collect();
        let file = match &path {
            None => FileState::Missing,
            Some(path) => match read(path) {
                Ok(Some(config)) => FileState::Loaded(config),
                Ok(None) => FileState::Missing,
                Err(err) => FileState::Broken(format!("{err:#}")),
            },
        };
        Settings { path, file, vars }
    }

    /// The file's values; an error when it does not parse, so no command runs on half a setting.
    pub fn file(&self) -> Result<UserConfig, Error> {
        match &self.file {
            FileState::Missing => Ok(UserConfig::default()),
            FileState::Loaded(config) => Ok(config.clone()),
            FileState::Broken(message) => Err(Error::state(message.clone())),
        }
    }

    /// The value of `key` in force and where it comes from; `git_user` is git's user.name where
    /// inc runs. `None` for an unknown key; a value of `None` when nothing sets it.
    pub fn resolve(
        &self,
        key: &str,
        git_user: impl FnOnce() -> Option<String>,
    ) -> Result<Option<(Option<String>, Source)>, Error> {
        Ok(self.resolve_in(self.file()?, key, git_user))
    }

    /// The value of `key` in force for a command (see [`crate::Env`]): git's user.name is asked
    /// later, by the commands that need it; a file that does not parse counts as empty here and
    /// stops the command in `commands::run`.
    pub fn value(&self, key: &str) -> Option<String> {
        let file = self.file().unwrap_or_default();
        self.resolve_in(file, key, || None)
            .and_then(|(value, _)| value)
    }

    /// The one order every setting is resolved in: the environment, then the user's file, then
    /// git (user) or the default.
    fn resolve_in(
        &self,
        file: UserConfig,
        key: &str,
        git_user: impl FnOnce() -> Option<String>,
    ) -> Option<(Option<String>, Source)> {
        let var = |names: &[&'static str]| {
            names.iter().find_map(|&n| {
                self.vars
                    .get(n)
                    .map(|v| (Some(v.clone()), Source::Environment(n)))
            })
        };
        // A blank value in the file says nothing.
        let from_file = |value: Option<String>| {
            value
                .filter(|v| !v.trim().is_empty())
                .map(|v| (Some(v), Source::UserFile))
        };
        let found = match key {
            "user" => var(&["INC_USER"])
                .or_else(|| from_file(file.user))
                .unwrap_or_else(|| match git_user() {
                    Some(name) => (Some(name), Source::Git),
                    None => (None, Source::Default),
                }),
            "color" => {
                let env = if self.vars.contains_key("NO_COLOR") {
                    Some((Some("never".to_string()), Source::Environment("NO_COLOR")))
                } else if self.vars.get("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                    Some((
                        Some("always".to_string()),
                        Source::Environment("CLICOLOR_FORCE"),
                    ))
                } else {
                    None
                };
                env.or_else(|| from_file(file.color.map(|c| c.name().to_string())))
                    .unwrap_or((Some("auto".to_string()), Source::Default))
            }
            "pager" => var(&["INC_PAGER", "PAGER"])
                .or_else(|| from_file(file.pager))
                .unwrap_or((Some(DEFAULT_PAGER.to_string()), Source::Default)),
            "editor" => var(&["VISUAL", "EDITOR"])
                .or_else(|| from_file(file.editor))
                .unwrap_or((None, Source::Default)),
            _ => return None,
        };
        Some(found)
    }
}

/// `$XDG_CONFIG_HOME/inc/config.yaml` (an absolute `$XDG_CONFIG_HOME` only, as the XDG spec
/// says), else `$HOME/.config/inc/config.yaml`.
pub fn path_from(xdg: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    let base = xdg
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            home.filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(base.join("inc").join("config.yaml"))
}

/// Reads the file at `path`: `None` when there is none. Bounded like `.inc.yaml` (size, then the
/// YAML limits); errors carry the file, line and column. A link is followed: the file is the
/// user's own, often kept in a dotfiles repository.
pub fn read(path: &Path) -> Result<Option<UserConfig>, Error> {
    let cannot = |e: std::io::Error| Error::state(format!("cannot read {}: {e}", path.display()));
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(cannot(e)),
    };
    if meta.len() > crate::store::MAX_CONFIG_BYTES {
        return Err(Error::state(format!(
            "{} is larger than inc reads ({} bytes): it holds four settings (user, color, pager, editor)",
            path.display(),
            crate::store::MAX_CONFIG_BYTES
        )));
    }
    let text = std::fs::read_to_string(path).map_err(cannot)?;
    if text.trim().is_empty() {
        return Ok(Some(UserConfig::default()));
    }
    crate::model::from_yaml(path, &text).map(Some)
}
