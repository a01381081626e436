//! Signing inc's commits the way `git commit` would when `commit.gpgsign` is set: the same
//! program (gpg, gpgsm or ssh-keygen, as `gpg.format` and `gpg.*.program` say), the same
//! arguments, the same key (`user.signingkey`). A repository that asks for signed commits never
//! gets an unsigned one from inc: either the signature is made or the commit is not.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Result;
use git2::Repository;

use crate::error::Error;

/// The signature formats git knows (`gpg.format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    OpenPgp,
    X509,
    Ssh,
}

/// How this repository wants commits signed.
#[derive(Debug)]
pub struct Signer {
    format: Format,
    /// The program to run, and the config key it came from (for messages).
    program: String,
    program_key: &'static str,
    /// `user.signingkey`, if set.
    key: Option<String>,
    /// Where relative paths (a key file, a program) are taken from: the work tree, as git does.
    root: PathBuf,
    /// Where the temporary files ssh-keygen signs from are written (inside `.git`, never outside
    /// the repository).
    scratch: PathBuf,
}

impl Signer {
    /// The signer `commit.gpgsign` asks for, or `None` when commits are not signed.
    pub fn configured(repo: &Repository) -> Result<Option<Signer>> {
        let config = repo.config()?;
        let wanted = match config.get_bool("commit.gpgsign") {
            Ok(wanted) => wanted,
            Err(e) if e.code() == git2::ErrorCode::NotFound => false,
            Err(e) => {
                return Err(Error::state(format!(
                    "commit.gpgsign in git's config is not true or false ({}): fix it with `git config commit.gpgsign true` (or false)",
                    e.message()
                ))
                .into());
            }
        };
        if !wanted {
            return Ok(None);
        }
        let string = |key: &str| config.get_string(key).ok().filter(|v| !v.is_empty());
        let format = match string("gpg.format").as_deref() {
            None | Some("openpgp") => Format::OpenPgp,
            Some("x509") => Format::X509,
            Some("ssh") => Format::Ssh,
            Some(other) => {
                return Err(refusal(&format!(
                    "gpg.format is \"{other}\", which git does not know (openpgp, x509 or ssh)"
                ))
                .into());
            }
        };
        let (program, program_key) = match format {
            Format::OpenPgp => string("gpg.openpgp.program")
                .map(|p| (p, "gpg.openpgp.program"))
                .or_else(|| string("gpg.program").map(|p| (p, "gpg.program")))
                .unwrap_or_else(|| ("gpg".into(), "gpg.program")),
            Format::X509 => string("gpg.x509.program")
                .map(|p| (p, "gpg.x509.program"))
                .unwrap_or_else(|| ("gpgsm".into(), "gpg.x509.program")),
            Format::Ssh => string("gpg.ssh.program")
                .map(|p| (p, "gpg.ssh.program"))
                .unwrap_or_else(|| ("ssh-keygen".into(), "gpg.ssh.program")),
        };
        let root = repo
            .workdir()
            .map_or_else(|| repo.path().to_path_buf(), Path::to_path_buf);
        Ok(Some(Signer {
            format,
            program,
            program_key,
            key: string("user.signingkey"),
            root,
            scratch: repo.path().join("inc"),
        }))
    }

    /// Refuses, before anything is written, a setup that cannot sign: the program is not there,
    /// or ssh signing has no key. (Whether the key itself works shows when signing.)
    pub fn check(&self) -> Result<()> {
        if find_program(&self.program, &self.root).is_none() {
            return Err(refusal(&format!(
                "the signing program \"{}\" ({}) is not installed or not executable",
                self.program, self.program_key
            ))
            .into());
        }
        if self.format == Format::Ssh {
            match self.key.as_deref() {
                None => {
                    return Err(refusal(
                        "gpg.format is ssh but user.signingkey is not set (inc does not run gpg.ssh.defaultKeyCommand); set it to your key file with `git config user.signingkey ~/.ssh/id_ed25519.pub`",
                    )
                    .into());
                }
                Some(key) if literal_ssh_key(key).is_none() => {
                    let path = self.key_path(key);
                    if !path.is_file() {
                        return Err(refusal(&format!(
                            "the ssh key file {} (user.signingkey) does not exist",
                            path.display()
                        ))
                        .into());
                    }
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The signature of `buffer` (a commit object without its signature), made as git makes it.
    /// `ident` is the committer ("Name <email>"), the key gpg uses when user.signingkey is unset.
    pub fn sign(&self, buffer: &str, ident: &str) -> Result<String> {
        let signature = match self.format {
            Format::OpenPgp | Format::X509 => self.sign_gpg(buffer, ident),
            Format::Ssh => self.sign_ssh(buffer),
        }
        .map_err(|problem| refusal(&problem))?;
        // git stores the signature without carriage returns, and without a final newline (the
        // commit header adds its own).
        Ok(signature
            .replace('\r', "")
            .trim_end_matches('\n')
            .to_string())
    }

    fn sign_gpg(&self, buffer: &str, ident: &str) -> Result<String, String> {
        let key = self.key.as_deref().unwrap_or(ident);
        let mut child = Command::new(&self.program)
            .current_dir(&self.root)
            .args(["--status-fd=2", "-bsau", key])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.program))?;
        let mut stdin = child.stdin.take().expect("piped");
        let input = buffer.as_bytes().to_vec();
        // Written from another thread, so a signer that answers before reading everything cannot
        // block on a full pipe while inc blocks on writing.
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child
            .wait_with_output()
            .map_err(|e| format!("{} failed: {e}", self.program))?;
        let _ = writer.join();
        let status = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() || !status.contains("[GNUPG:] SIG_CREATED ") {
            return Err(format!(
                "{} could not sign with key \"{key}\": {}",
                self.program,
                tell(&status)
            ));
        }
        String::from_utf8(out.stdout).map_err(|_| format!("{} signed in non-text", self.program))
    }

    fn sign_ssh(&self, buffer: &str) -> Result<String, String> {
        let key = self.key.as_deref().ok_or("user.signingkey is not set")?;
        std::fs::create_dir_all(&self.scratch)
            .map_err(|e| format!("cannot create {}: {e}", self.scratch.display()))?;
        let temp = |prefix: &str, content: &[u8]| {
            let mut file = tempfile::Builder::new()
                .prefix(prefix)
                .tempfile_in(&self.scratch)
                .map_err(|e| format!("cannot write in {}: {e}", self.scratch.display()))?;
            file.write_all(content)
                .map_err(|e| format!("cannot write {}: {e}", file.path().display()))?;
            Ok::<_, String>(file)
        };
        // A literal public key (its private half in ssh-agent) is handed over in a file, as git
        // does; anything else names a key file.
        let literal = literal_ssh_key(key)
            .map(|text| temp(".git_signing_key_tmp", text.as_bytes()))
            .transpose()?;
        let key_file = match &literal {
            Some(file) => file.path().to_path_buf(),
            None => self.key_path(key),
        };
        let message = temp(".git_signing_buffer_tmp", buffer.as_bytes())?;
        let signature_file = PathBuf::from(format!("{}.sig", message.path().display()));
        let mut command = Command::new(&self.program);
        command
            .current_dir(&self.root)
            .args(["-Y", "sign", "-n", "git", "-f"])
            .arg(&key_file);
        if literal.is_some() {
            command.arg("-U");
        }
        let out = command
            .arg(message.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.program));
        let signature = std::fs::read_to_string(&signature_file);
        let _ = std::fs::remove_file(&signature_file);
        let out = out?;
        if !out.status.success() {
            return Err(format!(
                "{} could not sign with {}: {}",
                self.program,
                key_file.display(),
                tell(&String::from_utf8_lossy(&out.stderr))
            ));
        }
        signature.map_err(|e| format!("{} left no signature: {e}", self.program))
    }

    /// A key file named in the config: `~/` is the home directory, a relative path is taken from
    /// the work tree.
    fn key_path(&self, key: &str) -> PathBuf {
        match (key.strip_prefix("~/"), std::env::var_os("HOME")) {
            (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
            _ => self.root.join(key),
        }
    }
}

/// The key text when user.signingkey holds a key rather than a path (`key::...` or `ssh-...`).
fn literal_ssh_key(key: &str) -> Option<&str> {
    key.strip_prefix("key::")
        .or_else(|| key.starts_with("ssh-").then_some(key))
}

/// The program as the shell would find it: a path (with `/`) taken from `root`, else the first
/// executable of that name on PATH.
fn find_program(program: &str, root: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let runnable = |path: &Path| {
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.contains('/') {
        let path = root.join(program);
        return runnable(&path).then_some(path);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| runnable(candidate))
}

/// The signer's most telling line (its errors, not gpg's status chatter).
fn tell(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("[GNUPG:]"))
        .collect();
    let line = lines.last().copied().unwrap_or("it said nothing");
    // Shown on the terminal: control characters from the program's output are not passed on.
    line.chars()
        .take(200)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// One line: what is wrong with signing, and how to let inc commit anyway.
fn refusal(problem: &str) -> Error {
    Error::state(format!(
        "commit.gpgsign is set but inc cannot sign its commit: {problem}; fix the signing setup, or let inc commit unsigned in this repository with `git config commit.gpgsign false`"
    ))
}
