//! The errors a user can act on, and the exit code each one maps to.
//!
//! Domain modules return these typed errors; commands add `anyhow` context on top; `main` prints one
//! line and picks the exit code: 2 for input the user typed wrong, 3 when what was typed is saved
//! but not committed, 1 for everything else.

use std::path::PathBuf;

/// An error whose message already says what went wrong and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The arguments are wrong: a value that does not parse, an unknown name, empty text.
    #[error("{0}")]
    Usage(String),

    /// A file on disk cannot be read as inc expects, at a known position.
    #[error("{}:{line}:{column}: {message}", path.display())]
    File {
        path: PathBuf,
        line: u64,
        column: u64,
        message: String,
    },

    /// The repository or an incident is not in a state that allows the command.
    #[error("{0}")]
    State(String),

    /// The files are written but the commit failed (git busy, no identity …): nothing typed is
    /// lost, and the next inc command commits them. Its own exit code, so a script can tell.
    #[error("{0}")]
    Uncommitted(String),

    /// Not a failure of inc: exit with this code, printing nothing (`inc exec` passes on the
    /// command's exit status).
    #[error("exit {0}")]
    Exit(i32),
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }

    pub fn state(message: impl Into<String>) -> Self {
        Error::State(message.into())
    }

    /// The exit code when saved but not committed.
    pub const UNCOMMITTED: i32 = 3;

    /// The process exit code for this error: 2 for a usage error, 3 for saved but not committed,
    /// 1 for a failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::Uncommitted(_) => Error::UNCOMMITTED,
            Error::File { .. } | Error::State(_) => 1,
            Error::Exit(code) => *code,
        }
    }
}

/// `unknown <what> "<given>"` plus a "did you mean" for the closest valid name and the full list.
pub fn unknown_name(what: &str, given: &str, valid: &[impl AsRef<str>]) -> Error {
    let names: Vec<&str> = valid.iter().map(AsRef::as_ref).collect();
    let suggestion = did_you_mean(given, &names)
        .map(|s| format!(" (did you mean {s}?)"))
        .unwrap_or_default();
    Error::Usage(format!(
        "unknown {what} \"{given}\"{suggestion}: use one of {}",
        names.join(", ")
    ))
}

/// The valid name closest to `given`, if any is close enough to be a likely typo.
pub fn did_you_mean<'a>(given: &str, valid: &[&'a str]) -> Option<&'a str> {
    let given = given.to_lowercase();
    valid
        .iter()
        .map(|v| (strsim::jaro_winkler(&given, &v.to_lowercase()), *v))
        .filter(|(score, _)| *score > 0.8)
        // On a tie the earlier name wins: lists are ordered most-used (or worst) first.
        .fold(None, |best: Option<(f64, &str)>, (score, v)| match best {
            Some((top, _)) if top >= score => best,
            _ => Some((score, v)),
        })
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name() {
        let valid = [
            "started",
            "detected",
            "acknowledged",
            "mitigated",
            "resolved",
        ];
        assert_eq!(did_you_mean("resolvd", &valid), Some("resolved"));
        assert_eq!(did_you_mean("ack", &valid), Some("acknowledged"));
        assert_eq!(did_you_mean("zzz", &valid), None);
    }

    #[test]
    fn unknown_name_lists_the_valid_ones() {
        let err = unknown_name("severity", "SEV5", &["SEV1", "SEV2"]);
        assert_eq!(
            err.to_string(),
            "unknown severity \"SEV5\" (did you mean SEV1?): use one of SEV1, SEV2"
        );
        assert_eq!(err.exit_code(), 2);
    }
}
