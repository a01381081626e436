//! Running the `git` command itself, for what libgit2 cannot do the way the user's git would
//! (the network, a split index).

use std::path::Path;

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

/// `cli` with `input` on the command's standard input.
pub fn cli_with_input(root: &Path, args: &[&str], input: &[u8]) -> Result<String, CliError> {
    use std::io::Write;
    let failed = |e: std::io::Error| CliError {
        stderr: format!("cannot run git: {e}"),
    };
    let mut child = std::process::Command::new("git")
        .current_dir(root)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(failed)?;
    let written = child.stdin.take().expect("piped").write_all(input);
    let out = child.wait_with_output().map_err(failed)?;
    written.map_err(failed)?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(CliError {
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
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
