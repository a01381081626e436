//! A hermetic test repository: a temp dir, a pinned clock and user, no global git config, and the
//! real `inc` binary and `git` command run inside it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub mod browser;
pub mod server;
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

/// The pinned clock every test starts from: 14:40 UTC.
pub const NOW: &str = "2026-11-22T14:40:00Z";
/// The id `open_checkout` creates.
pub const CHECKOUT: &str = "2026-11-22-checkout-api-down";

pub struct Repo {
    _temp: TempDir,
    root: PathBuf,
    home: PathBuf,
    pub now: String,
    pub user: String,
}

impl Repo {
    /// An empty directory, nothing initialized.
    pub fn empty() -> Repo {
        let temp = TempDir::new().expect("temp dir");
        let base = temp.path().canonicalize().unwrap();
        let root = base.join("repo");
        let home = base.join("home");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        Repo {
            _temp: temp,
            root,
            home,
            now: NOW.into(),
            user: "alice".into(),
        }
    }

    /// A clone of `remote` (a path), with its own home and the same pinned environment.
    pub fn clone_of(remote: &Path) -> Repo {
        let repo = Repo::empty();
        repo.git(&["clone", "-q", remote.to_str().unwrap(), "."]);
        repo
    }

    /// A repository after `inc init`.
    pub fn new() -> Repo {
        let repo = Repo::empty();
        repo.ok(&["init"]);
        repo
    }

    /// A repository with the checkout incident open (SEV2, started 14:02, detected 14:05).
    pub fn with_incident() -> Repo {
        let repo = Repo::new();
        repo.open_checkout();
        repo
    }

    /// The checkout incident (SEV2, detected 14:05), opened at 14:40 with alice as incident lead.
    pub fn with_lead() -> Repo {
        let repo = Repo::new();
        repo.ok(&[
            "open",
            "Checkout API down",
            "--sev",
            "SEV2",
            "--detected",
            "14:05",
            "--lead",
            "alice",
        ]);
        repo
    }

    pub fn open_checkout(&self) {
        let id = self.ok(&[
            "open",
            "Checkout API down",
            "--sev",
            "SEV2",
            "--started",
            "14:02",
            "--detected",
            "14:05",
            "--source",
            "alert",
            "--tag",
            "checkout",
            "--summary",
            "Checkout returns 500s",
        ]);
        assert_eq!(id.trim(), CHECKOUT);
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// `inc` with a hermetic environment, run in the repository.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// The same as [`Repo::cmd`], as a std command (for spawning several at once).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("inc"));
        cmd.current_dir(&self.root);
        hermetic(&mut cmd, &self.home);
        cmd.env("INC_NOW", &self.now).env("INC_USER", &self.user);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run inc")
    }

    /// Runs inc, asserts exit 0 and an empty stderr, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "inc {args:?} failed ({}):\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// [`Repo::ok`] with the clock pinned to `now` (an RFC 3339 time or `HH:MM` on the test day).
    pub fn ok_at(&self, now: &str, args: &[&str]) -> String {
        let out = self
            .cmd()
            .env("INC_NOW", at(now))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "inc {args:?} at {now} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs inc, asserts it fails with `code` and prints nothing on stdout; returns stderr.
    pub fn fails(&self, code: i32, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "inc {args:?}: stdout: {}\nstderr: {stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            out.stdout.is_empty(),
            "stdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        stderr.replace(self.root.to_str().unwrap(), "[REPO]")
    }

    /// The real `git` command in the repository, same environment; returns stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let mut cmd = std::process::Command::new("git");
        cmd.current_dir(&self.root).args(args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("HOME", &self.home).env("GIT_CONFIG_NOSYSTEM", "1");
        for (k, v) in GIT_IDENTITY {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// Files changed in the HEAD commit, one per line.
    pub fn head_files(&self) -> Vec<String> {
        self.git(&["show", "--name-only", "--format=", "HEAD"])
            .lines()
            .map(String::from)
            .collect()
    }

    pub fn head_message(&self) -> String {
        self.git(&["log", "-1", "--format=%s"]).trim().to_string()
    }

    pub fn status(&self) -> String {
        self.git(&["status", "--porcelain"])
    }

    /// Every file under the work tree (not .git) with its content: to assert nothing changed.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        collect(&self.root, &self.root, &mut files);
        files
    }

    /// HEAD and every file, for "bad input writes nothing" checks.
    pub fn state(&self) -> (String, BTreeMap<String, Vec<u8>>) {
        (self.head(), self.files())
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).expect("valid JSON")
    }
}

/// The texts of the checkout incident's timeline entries, as `inc show --json` gives them.
pub fn texts(repo: &Repo) -> Vec<String> {
    let shown = repo.json(&["show", "--json", "-i", CHECKOUT]);
    shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap().to_string())
        .collect()
}

/// The checkout incident's timeline.yaml as it is on disk.
pub fn timeline(repo: &Repo) -> String {
    repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"))
}

/// A file beside the repository (not in it) that a planted link points to.
pub fn outside(repo: &Repo, name: &str, text: &str) -> PathBuf {
    let path = repo.root().parent().unwrap().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// An empty bare repository to serve as the team's remote.
pub fn bare_remote() -> (TempDir, PathBuf) {
    let temp = TempDir::new().unwrap();
    let path = temp.path().canonicalize().unwrap().join("remote.git");
    let out = std::process::Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(&path)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", temp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    (temp, path)
}

/// A lead's clone with the checkout incident synced to a bare remote, and a second clone of it
/// for bob (the scribe); the temp dir holds the remote.
pub fn team() -> (TempDir, Repo, Repo) {
    let (temp, remote) = bare_remote();
    let lead = Repo::with_incident();
    lead.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    assert_eq!(lead.ok(&["sync"]), "Synced master with origin\n");
    let mut scribe = Repo::clone_of(&remote);
    scribe.user = "bob".into();
    (temp, lead, scribe)
}

/// `HH:MM` or `HH:MM:SS` on the test day (UTC), or an RFC 3339 time as it is.
pub fn at(time: &str) -> String {
    match time.len() {
        5 => format!("2026-11-22T{time}:00Z"),
        8 => format!("2026-11-22T{time}Z"),
        _ => time.to_string(),
    }
}

/// Every file below `dir` (outside any `.git`), by path relative to it, with its bytes.
pub fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    collect(dir, dir, &mut files);
    files
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            files.insert(rel, std::fs::read(&path).unwrap());
        }
    }
}

const GIT_IDENTITY: [(&str, &str); 6] = [
    ("GIT_AUTHOR_NAME", "Test Author"),
    ("GIT_AUTHOR_EMAIL", "author@example.com"),
    ("GIT_AUTHOR_DATE", "2026-11-22T14:40:00Z"),
    ("GIT_COMMITTER_NAME", "Test Author"),
    ("GIT_COMMITTER_EMAIL", "author@example.com"),
    ("GIT_COMMITTER_DATE", "2026-11-22T14:40:00Z"),
];

/// No developer configuration leaks in: a fresh HOME, no system git config, UTC, no backtraces.
pub fn hermetic(cmd: &mut std::process::Command, home: &Path) {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("TZ", "UTC")
        .env("LANG", "C.UTF-8")
        .env("RUST_BACKTRACE", "0")
        .env("NO_COLOR", "1");
    for (k, v) in GIT_IDENTITY {
        cmd.env(k, v);
    }
}
