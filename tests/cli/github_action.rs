//! The GitHub Action at the repository's root (`action.yml`): which inc it runs is decided by the
//! workflow that uses it. By default it builds the source of its own pinned ref; a release binary
//! is installed only with a version and a SHA-256 the workflow gives, never one downloaded beside
//! the binary, and there is no default repository to download from. The install step's script is
//! run here as the runner would, with a fake release served by a fake `curl` and a fake `cargo`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::Digest;

use crate::check_changed::yaml_file;

fn action() -> serde_json::Value {
    yaml_file("action.yml")
}

/// The release target the action picks on this machine.
fn target() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "x86_64-unknown-linux-gnu",
        ("linux", "aarch64") => "aarch64-unknown-linux-gnu",
        other => panic!("no release target for {other:?}"),
    }
}

/// A runner: a temp dir with RUNNER_TEMP, GITHUB_PATH, a release directory that the fake `curl`
/// serves for every URL (by the URL's last part), and a log of what `curl` and `cargo` were asked.
struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    fn new() -> Runner {
        let runner = Runner {
            dir: tempfile::tempdir().unwrap(),
        };
        for sub in ["bin", "release", "temp"] {
            std::fs::create_dir_all(runner.path(sub)).unwrap();
        }
        runner.tool(
            "curl",
            r#"echo "curl $*" >> "$FAKE_LOG"
out=; for arg; do [ "$prev" = -o ] && out=$arg; prev=$arg; done
url=$arg
cp "$FAKE_RELEASE/${url##*/}" "$out" || exit 22"#,
        );
        runner.tool(
            "cargo",
            r#"echo "cargo $* (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)" >> "$FAKE_LOG"
root=; for arg; do [ "$prev" = --root ] && root=$arg; prev=$arg; done
mkdir -p "$root/bin" && printf '#!/bin/sh\necho inc built from source\n' > "$root/bin/inc" && chmod +x "$root/bin/inc""#,
        );
        runner
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn tool(&self, name: &str, body: &str) {
        let path = self.path(&format!("bin/{name}"));
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        executable(&path);
    }

    /// Publishes a release archive whose `inc` prints `says`, with a `.sha256` beside it that
    /// matches it (as whoever can publish the archive can also publish); returns its SHA-256.
    fn publish(&self, says: &str) -> String {
        let name = format!("inc-{}", target());
        let staging = self.path(&format!("staging/{name}"));
        std::fs::create_dir_all(&staging).unwrap();
        std::fs::write(staging.join("inc"), format!("#!/bin/sh\necho {says}\n")).unwrap();
        executable(&staging.join("inc"));
        let archive = self.path(&format!("release/{name}.tar.gz"));
        let status = Command::new("tar")
            .arg("-C")
            .arg(self.path("staging"))
            .arg("-czf")
            .arg(&archive)
            .arg(&name)
            .status()
            .unwrap();
        assert!(status.success());
        let sum = hex(&sha2::Sha256::digest(std::fs::read(&archive).unwrap()));
        std::fs::write(
            self.path(&format!("release/{name}.tar.gz.sha256")),
            format!("{sum}  {name}.tar.gz\n"),
        )
        .unwrap();
        sum
    }

    /// Runs the action's install step with `inputs` (the others at their defaults): its exit
    /// code, its output, and the directories it added to GITHUB_PATH.
    fn install(&self, inputs: &[(&str, &str)]) -> (i32, String, Vec<PathBuf>) {
        let action = action();
        let step = &action["runs"]["steps"][0];
        assert_eq!(step["shell"], "bash");
        let given: BTreeMap<&str, &str> = inputs.iter().copied().collect();
        let mut cmd = Command::new("bash");
        cmd.arg("-c")
            .arg(step["run"].as_str().unwrap())
            .env_clear()
            .env(
                "PATH",
                format!("{}:/usr/bin:/bin", self.path("bin").display()),
            )
            .env("HOME", self.dir.path())
            .env("RUNNER_TEMP", self.path("temp"))
            .env("GITHUB_PATH", self.path("github_path"))
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("FAKE_LOG", self.path("log"))
            .env("FAKE_RELEASE", self.path("release"));
        for (name, value) in step["env"].as_object().unwrap() {
            cmd.env(name, evaluate(&action, value.as_str().unwrap(), &given));
        }
        let out = cmd.output().unwrap();
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let added = std::fs::read_to_string(self.path("github_path"))
            .unwrap_or_default()
            .lines()
            .map(PathBuf::from)
            .collect();
        (out.status.code().unwrap_or(-1), output, added)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.path("log")).unwrap_or_default()
    }
}

/// `${{ inputs.NAME }}` as GitHub evaluates it: the given input, else its default, else empty.
fn evaluate(action: &serde_json::Value, expr: &str, given: &BTreeMap<&str, &str>) -> String {
    let name = expr
        .strip_prefix("${{ inputs.")
        .and_then(|rest| rest.strip_suffix(" }}"))
        .unwrap_or_else(|| {
            panic!("the install step's env uses {expr}, which this test cannot evaluate")
        });
    let input = &action["inputs"][name];
    assert!(input.is_object(), "no input {name}");
    match given.get(name) {
        Some(value) => value.to_string(),
        None => input["default"].as_str().unwrap_or("").to_string(),
    }
}

fn executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs the one `inc` in `dir`.
fn run_inc(dir: &Path) -> String {
    let out = Command::new(dir.join("inc")).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn nothing_is_downloaded_by_default_and_no_input_defaults_to_a_place_or_a_checksum() {
    let action = action();
    for name in ["version", "sha256", "releases"] {
        let input = &action["inputs"][name];
        assert!(input.is_object(), "no input {name}");
        assert!(
            input.get("default").is_none(),
            "{name} has a default: {input}"
        );
    }
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    assert!(!text.contains("your-org"), "a placeholder repository");
    assert!(!text.contains("releases/latest"), "a moving download");

    // By default: the action's own source, built with its Cargo.lock; no download.
    let runner = Runner::new();
    runner.publish("inc from a release");
    let (code, output, added) = runner.install(&[]);
    assert_eq!(code, 0, "{output}");
    let root = runner.path("temp/inc-install");
    assert_eq!(
        runner.log(),
        format!(
            "cargo install --locked --path {} --root {} (CARGO_TARGET_DIR={})\n",
            env!("CARGO_MANIFEST_DIR"),
            root.display(),
            runner.path("temp/inc-target").display()
        )
    );
    assert_eq!(added, [root.join("bin")]);
    assert_eq!(run_inc(&added[0]), "inc built from source\n");
}

#[test]
fn a_release_is_installed_only_when_it_has_the_checksum_the_workflow_gives() {
    let runner = Runner::new();
    let reviewed = runner.publish("inc v0.2.0");
    let inputs = [
        ("version", "v0.2.0"),
        ("sha256", reviewed.as_str()),
        ("releases", "acme/inc"),
    ];
    let (code, output, added) = runner.install(&inputs);
    assert_eq!(code, 0, "{output}");
    let name = format!("inc-{}", target());
    assert_eq!(
        runner.log(),
        format!(
            "curl -fsSL -o {} https://github.com/acme/inc/releases/download/v0.2.0/{name}.tar.gz\n",
            runner
                .path(&format!("temp/inc-install/{name}.tar.gz"))
                .display()
        )
    );
    assert_eq!(run_inc(&added[0]), "inc v0.2.0\n");

    // The archive is replaced, together with the .sha256 beside it: the action does not take
    // the release's word for it, and installs nothing.
    let runner = Runner::new();
    let swapped = runner.publish("not inc");
    assert_ne!(swapped, reviewed);
    let (code, output, added) = runner.install(&inputs);
    assert_eq!(code, 1, "{output}");
    assert!(
        output.contains(&format!(
            "::error::{name}.tar.gz of acme/inc v0.2.0 has SHA-256 {swapped}, not the sha256 your workflow gives: nothing was installed"
        )),
        "{output}"
    );
    assert!(added.is_empty(), "{added:?}");
    assert!(!runner.path(&format!("temp/inc-install/{name}")).exists());
}

#[test]
fn a_release_without_a_pinned_checksum_or_place_is_refused_before_any_download() {
    let sum = "a".repeat(64);
    let cases: [(&[(&str, &str)], &str); 6] = [
        (
            &[("version", "v0.2.0"), ("releases", "acme/inc")],
            "::error::version v0.2.0 needs sha256: the SHA-256 of the archive for this runner, from the release's SHA256SUMS, written in your workflow",
        ),
        (
            &[
                ("version", "latest"),
                ("sha256", &sum),
                ("releases", "acme/inc"),
            ],
            "::error::version latest cannot be pinned to a checksum: name a release tag, like v0.2.0",
        ),
        (
            &[("version", "v0.2.0"), ("sha256", &sum)],
            "::error::version v0.2.0 needs releases: the owner/name of the repository the release is published in",
        ),
        (
            &[
                ("version", "v0.2.0"),
                ("sha256", "abc"),
                ("releases", "acme/inc"),
            ],
            "::error::sha256 must be 64 hexadecimal digits",
        ),
        (
            &[
                ("version", "../../x"),
                ("sha256", &sum),
                ("releases", "acme/inc"),
            ],
            "::error::version must be a release tag, like v0.2.0",
        ),
        (
            &[("sha256", &sum)],
            "::error::sha256 is set but version is not: give the release tag it belongs to, or neither to build inc from the action's source",
        ),
    ];
    for (inputs, error) in cases {
        let runner = Runner::new();
        runner.publish("inc");
        let (code, output, added) = runner.install(inputs);
        assert_eq!(
            (code, output.as_str()),
            (1, format!("{error}\n").as_str()),
            "{inputs:?}"
        );
        assert!(added.is_empty(), "{inputs:?}");
        assert_eq!(runner.log(), "", "{inputs:?}");
    }
}

#[test]
fn the_check_step_checks_what_the_pull_request_changed() {
    let action = action();
    assert_eq!(action["runs"]["using"], "composite");
    let steps = serde_json::to_string(&action["runs"]["steps"]).unwrap();
    assert!(
        steps.contains("inc check --format github --changed \\\"origin/$BASE_REF\\\""),
        "{steps}"
    );
    assert!(
        steps.contains("BASE_REF\":\"${{ github.base_ref }}"),
        "{steps}"
    );
    for step in action["runs"]["steps"].as_array().unwrap() {
        // Each step of a composite action names its shell.
        assert_eq!(step["shell"], "bash", "{step}");
        // Inputs reach a script through its environment, never pasted into its text, where
        // `$(…)` in an input would run.
        assert!(!step["run"].as_str().unwrap().contains("${{"), "{step}");
    }
}
