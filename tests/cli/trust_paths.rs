//! Paths and files in a repository nobody vouches for: links are never followed, configuration and
//! the current-incident pointer cannot point inc out of the repository, a broken incident is never
//! silently passed over, git repository formats inc cannot write are refused, and a killed command
//! leaves nothing that later commands trip over.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use crate::common::{CHECKOUT, Repo, outside};

const SECRET: &str = "root:x:0:0:the secret outside the repository\n";

/// Replaces `rel` in the repository with a symbolic link to `target`.
fn plant_link(repo: &Repo, rel: &str, target: &Path) {
    let path = repo.path(rel);
    if path.is_dir() {
        std::fs::remove_dir_all(&path).unwrap();
    } else if path.exists() {
        std::fs::remove_file(&path).unwrap();
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    symlink(target, &path).unwrap();
}

/// Sets a file's or directory's modification time two minutes back: what a temp file left by a
/// command killed a while ago looks like.
fn backdate(path: &Path) {
    let file = std::fs::File::open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(120))
        .unwrap();
}

fn timeline(id: &str) -> String {
    format!("incidents/{id}/timeline.yaml")
}

// --- links --------------------------------------------------------------------------------------

#[test]
fn a_linked_timeline_is_neither_written_through_nor_read() {
    let repo = Repo::with_incident();
    let target = outside(&repo, "passwd", SECRET);
    plant_link(&repo, &timeline(CHECKOUT), &target);
    let head = repo.head();

    let err = repo.fails(1, &["log", "through the link"]);
    assert_eq!(
        err,
        format!(
            "error: incidents/{CHECKOUT}/timeline.yaml is a symbolic link (to {}): inc does not follow links in the repository; replace it with a regular file\n",
            target.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), SECRET);
    assert_eq!(repo.head(), head);

    let err = repo.fails(1, &["show"]);
    assert!(
        err.contains(&format!(
            "incidents/{CHECKOUT}/timeline.yaml is a symbolic link"
        )),
        "{err}"
    );
    let report = repo.run(&["report"]);
    assert!(!report.status.success());
    assert!(!String::from_utf8_lossy(&report.stdout).contains("secret"));
}

#[test]
fn a_linked_incident_yaml_is_not_replaced_or_read() {
    let repo = Repo::with_incident();
    let real = repo.read(&format!("incidents/{CHECKOUT}/incident.yaml"));
    let target = outside(&repo, "incident.yaml", &real);
    plant_link(
        &repo,
        &format!("incidents/{CHECKOUT}/incident.yaml"),
        &target,
    );

    let err = repo.fails(1, &["-i", CHECKOUT, "status", "identified"]);
    assert!(
        err.contains(&format!(
            "incidents/{CHECKOUT}/incident.yaml is a symbolic link"
        )),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), real);
    assert!(
        repo.path(&format!("incidents/{CHECKOUT}/incident.yaml"))
            .is_symlink()
    );

    let out = repo.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(&format!(
            "incidents/{CHECKOUT}/incident.yaml\n  1:1     error    incidents/{CHECKOUT}/incident.yaml is a symbolic link"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("[symlink]"), "{stdout}");
}

#[test]
fn a_linked_incident_directory_is_not_an_incident() {
    let repo = Repo::with_incident();
    // A whole incident, elsewhere, linked in.
    let elsewhere = repo.root().parent().unwrap().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    for file in ["incident.yaml", "timeline.yaml"] {
        std::fs::copy(
            repo.path(&format!("incidents/{CHECKOUT}/{file}")),
            elsewhere.join(file),
        )
        .unwrap();
    }
    let before = std::fs::read_to_string(elsewhere.join("timeline.yaml")).unwrap();
    let linked = "2026-11-22-linked";
    symlink(&elsewhere, repo.path(&format!("incidents/{linked}"))).unwrap();

    let list = repo.ok(&["list", "--all"]);
    assert!(!list.contains(linked), "{list}");
    let err = repo.fails(1, &["-i", linked, "log", "through the link"]);
    assert!(
        err.contains(&format!(
            "incidents/{linked} is a symbolic link (to {}): inc does not follow links in the repository; replace it with a regular directory",
            elsewhere.display()
        )),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("timeline.yaml")).unwrap(),
        before
    );

    let out = repo.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = json["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{json}");
    assert_eq!(problems[0]["file"], format!("incidents/{linked}"));
    assert_eq!(problems[0]["rule"], "symlink");
}

#[test]
fn a_linked_incidents_directory_is_refused_and_reported() {
    let repo = Repo::with_incident();
    let elsewhere = repo.root().parent().unwrap().join("elsewhere");
    std::fs::rename(repo.path("incidents"), &elsewhere).unwrap();
    symlink(&elsewhere, repo.path("incidents")).unwrap();

    let err = repo.fails(1, &["list"]);
    assert!(
        err.starts_with("error: incidents is a symbolic link"),
        "{err}"
    );
    let err = repo.fails(1, &["open", "Another outage"]);
    assert!(
        err.starts_with("error: incidents is a symbolic link"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 1);

    let out = repo.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("incidents\n  1:1     error    incidents is a symbolic link"),
        "{stdout}"
    );
}

#[test]
fn a_linked_current_incident_pointer_is_refused() {
    let repo = Repo::with_incident();
    let target = outside(&repo, "pointer", &format!("{CHECKOUT}\n"));
    plant_link(&repo, ".git/inc/current", &target);
    let err = repo.fails(1, &["log", "x"]);
    assert!(
        err.starts_with("error: .git/inc/current is a symbolic link"),
        "{err}"
    );
    // `inc use` does not write through it either.
    let err = repo.fails(1, &["use", CHECKOUT]);
    assert!(
        err.starts_with("error: .git/inc/current is a symbolic link"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        format!("{CHECKOUT}\n")
    );
}

#[test]
fn a_file_replaced_by_a_link_after_an_interrupted_command_is_not_committed() {
    let repo = Repo::with_incident();
    // What a command killed before its commit leaves: the journal names the file it wrote.
    repo.write(
        ".git/inc/pending",
        &format!("write incidents/{CHECKOUT}/incident.yaml\n"),
    );
    let target = outside(&repo, "passwd", SECRET);
    plant_link(
        &repo,
        &format!("incidents/{CHECKOUT}/incident.yaml"),
        &target,
    );

    let out = repo.run(&["open", "Search is slow"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "incidents/{CHECKOUT}/incident.yaml is a symbolic link"
        )),
        "{stderr}"
    );
    let history = repo.git(&["log", "-p", "--all"]);
    assert!(!history.contains("the secret"), "{history}");
}

#[test]
fn a_linked_template_is_not_read() {
    let repo = Repo::with_incident();
    repo.ok(&["resolve"]);
    let target = outside(&repo, "secret.md", SECRET);
    plant_link(&repo, ".inc/templates/postmortem.md", &target);
    plant_link(&repo, ".inc/templates/internal.md", &target);
    let before = repo.state();

    let err = repo.fails(1, &["postmortem"]);
    assert!(
        err.contains(".inc/templates/postmortem.md is a symbolic link"),
        "{err}"
    );
    let err = repo.fails(1, &["report"]);
    assert!(
        err.contains(".inc/templates/internal.md is a symbolic link"),
        "{err}"
    );
    let err = repo.fails(1, &["report", "--template", ".inc/templates/internal.md"]);
    assert!(
        err.contains(".inc/templates/internal.md is a symbolic link"),
        "{err}"
    );
    assert_eq!(repo.state(), before);
}

// --- incidents_dir and the current pointer ---------------------------------------------------------

#[test]
fn an_incidents_dir_outside_the_work_tree_is_refused_with_its_position() {
    let repo = Repo::new();
    let config = repo.read(".inc.yaml");
    let line = config
        .lines()
        .position(|l| l.starts_with("incidents_dir:"))
        .unwrap()
        + 1;
    for (dir, why) in [
        (
            ".git/incidents",
            "is inside .git, which git does not track: use a directory of the work tree, like incidents",
        ),
        (
            ".git",
            "is inside .git, which git does not track: use a directory of the work tree, like incidents",
        ),
        (
            "../outside",
            "must be a relative path inside the repository, like incidents or ops/incidents",
        ),
        (
            "/tmp/incidents",
            "must be a relative path inside the repository, like incidents or ops/incidents",
        ),
        (
            ".",
            "must be a relative path inside the repository, like incidents or ops/incidents",
        ),
    ] {
        repo.write(
            ".inc.yaml",
            &config.replace(
                "incidents_dir: incidents\n",
                &format!("incidents_dir: \"{dir}\"\n"),
            ),
        );
        let before = repo.state();
        let err = repo.fails(1, &["open", "Checkout API down"]);
        assert_eq!(
            err,
            format!("error: .inc.yaml:{line}:16: incidents_dir \"{dir}\" {why}\n")
        );
        assert_eq!(repo.state(), before);
        assert!(!repo.path(".git/incidents").exists());
    }
}

#[test]
fn init_refuses_a_dir_inside_dot_git() {
    let repo = Repo::empty();
    let err = repo.fails(2, &["init", "--dir", ".git/incidents"]);
    assert!(err.contains("is inside .git"), "{err}");
    assert!(!repo.path(".inc.yaml").exists());
}

#[test]
fn a_current_pointer_that_names_a_path_is_refused() {
    let repo = Repo::with_incident();
    let head = repo.head();
    for pointer in ["../../../../etc", "/etc/passwd", "../2026-11-22-x"] {
        repo.write(".git/inc/current", &format!("{pointer}\n"));
        let err = repo.fails(1, &["log", "where does this go"]);
        assert_eq!(
            err,
            format!(
                "error: .git/inc/current:1:1: \"{pointer}\" is not an incident id: choose the incident again with `inc use ID` (or forget it with `inc use --clear`)\n"
            )
        );
        assert_eq!(repo.head(), head);
    }
    // The fix it names works.
    repo.ok(&["use", CHECKOUT]);
    repo.ok(&["log", "back on track"]);
}

// --- broken open incidents ----------------------------------------------------------------------

#[test]
fn a_broken_open_incident_is_not_silently_passed_over() {
    let repo = Repo::with_incident();
    repo.ok(&["open", "Search is slow", "--sev", "SEV3"]);
    repo.ok(&["use", "--clear"]);
    let search = "2026-11-22-search-is-slow";
    let path = format!("incidents/{CHECKOUT}/incident.yaml");
    let broken = repo
        .read(&path)
        .replace("severity: SEV2\n", "severity: [SEV2\n");
    repo.write(&path, &broken);
    let before = repo.state();

    let err = repo.fails(1, &["log", "which one?"]);
    assert!(
        err.starts_with(&format!(
            "error: cannot tell which incident you mean: incidents/{CHECKOUT}/incident.yaml:"
        )),
        "{err}"
    );
    assert!(
        err.ends_with("; fix it, or name the incident with -i ID\n"),
        "{err}"
    );
    assert_eq!(repo.state(), before);

    // Naming the incident works.
    repo.ok(&["-i", search, "log", "the search one"]);
}

#[test]
fn a_broken_resolved_incident_does_not_get_in_the_way() {
    let repo = Repo::with_incident();
    repo.ok(&["resolve"]);
    repo.ok(&["open", "Search is slow", "--sev", "SEV3"]);
    repo.ok(&["use", "--clear"]);
    let path = format!("incidents/{CHECKOUT}/incident.yaml");
    let broken = format!("{}unknown_field: [\n", repo.read(&path));
    repo.write(&path, &broken);
    repo.ok(&["log", "the only open one"]);
}

// --- repository formats, nesting and line endings -----------------------------------------------

fn refuses_init_in(format_args: &[&str], message: &str) {
    let repo = Repo::empty();
    let mut args = vec!["init", "-q"];
    args.extend_from_slice(format_args);
    repo.git(&args);
    std::fs::create_dir(repo.path("ops")).unwrap();
    let before = repo.files();

    let err = repo.fails(1, &["init"]);
    assert_eq!(err, format!("error: {message}\n"));
    let err = repo.fails(1, &["-C", "ops", "init"]);
    assert_eq!(err, format!("error: {message}\n"));

    assert!(!repo.path("ops/.git").exists(), "a nested repository");
    assert!(!repo.path(".inc.yaml").exists());
    assert!(!repo.path("ops/.inc.yaml").exists());
    assert_eq!(repo.files(), before);
}

#[test]
fn a_sha256_repository_is_refused_without_nesting_another() {
    refuses_init_in(
        &["--object-format=sha256"],
        "this repository uses SHA-256 object ids (extensions.objectformat=sha256), which inc cannot commit to yet; keep incidents in a SHA-1 repository (git init --object-format=sha1)",
    );
}

#[test]
fn a_reftable_repository_is_refused_without_nesting_another() {
    refuses_init_in(
        &["--ref-format=reftable"],
        "this repository stores its refs as reftable (extensions.refstorage=reftable), which inc cannot update yet; convert it with `git refs migrate --ref-format=files`",
    );
}

#[test]
fn init_in_a_subdirectory_adopts_the_enclosing_repository() {
    let repo = Repo::empty();
    repo.git(&["init", "-q"]);
    std::fs::create_dir_all(repo.path("services/api")).unwrap();
    let out = repo.ok(&["-C", "services/api", "init"]);
    assert!(out.starts_with("Set up an inc repository in"), "{out}");
    assert!(!repo.path("services/api/.git").exists());
    assert!(repo.path(".inc.yaml").is_file());
    assert!(repo.head_files().contains(&".inc.yaml".to_string()));
}

#[test]
fn a_crlf_file_with_autocrlf_is_committed_as_git_would() {
    let repo = Repo::with_incident();
    repo.git(&["config", "core.autocrlf", "true"]);
    let path = timeline(CHECKOUT);
    let crlf = repo.read(&path).replace('\n', "\r\n");
    repo.write(&path, &crlf);

    repo.ok(&["log", "after CRLF"]);
    assert!(repo.read(&path).ends_with("  text: after CRLF\r\n"));
    let committed = repo.git(&["cat-file", "-p", &format!("HEAD:{path}")]);
    assert!(!committed.contains('\r'), "{committed:?}");
    assert!(committed.ends_with("  text: after CRLF\n"));
    // The same blob git itself makes of the file.
    assert_eq!(
        repo.git(&["rev-parse", &format!("HEAD:{path}")]),
        repo.git(&["hash-object", &path])
    );
    assert_eq!(repo.status(), "");
    assert_eq!(repo.git(&["diff", "HEAD"]), "");
}

#[test]
fn without_autocrlf_a_crlf_file_is_committed_as_it_is() {
    let repo = Repo::with_incident();
    let path = timeline(CHECKOUT);
    let crlf = repo.read(&path).replace('\n', "\r\n");
    repo.write(&path, &crlf);
    repo.ok(&["log", "after CRLF"]);
    let committed = repo.git(&["cat-file", "-p", &format!("HEAD:{path}")]);
    assert!(committed.ends_with("  text: after CRLF\r\n"));
    assert_eq!(
        repo.git(&["rev-parse", &format!("HEAD:{path}")]),
        repo.git(&["hash-object", &path])
    );
    assert_eq!(repo.status(), "");
}

// --- killed commands ----------------------------------------------------------------------------

#[test]
fn what_a_killed_command_left_is_ignored_then_swept() {
    let repo = Repo::with_incident();
    // A killed `inc open`: a half-built incident under a temp name.
    let half = repo.path("incidents/.inc-new-2026-11-22-half-made-4242");
    std::fs::create_dir(&half).unwrap();
    std::fs::write(half.join("timeline.yaml"), "# half\n").unwrap();
    backdate(&half);
    // ... and the journal it kept of the files it was writing.
    let journal = repo.path(".git/inc/pending");
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    std::fs::write(
        &journal,
        "write incidents/2026-11-22-half-made/incident.yaml\nwrite incidents/2026-11-22-half-made/timeline.yaml\n",
    )
    .unwrap();
    // A killed rewrite of incident.yaml or postmortem.md: its temp file.
    let temp = repo.path(&format!("incidents/{CHECKOUT}/.inc-Ab12Cd"));
    std::fs::write(&temp, "status: resol").unwrap();
    backdate(&temp);
    // One being written right now by another command is left alone.
    let fresh = repo.path(&format!("incidents/{CHECKOUT}/.inc-fresh1"));
    std::fs::write(&fresh, "").unwrap();

    let list = repo.ok(&["list", "--all"]);
    assert!(!list.contains("half"), "{list}");
    repo.ok(&["check"]);
    repo.ok(&["show"]);

    let out = repo.run(&["log", "after the crash"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!half.exists());
    assert!(!temp.exists());
    assert!(fresh.exists());
    std::fs::remove_file(&fresh).unwrap();
    assert_eq!(repo.status(), "");
    repo.ok(&["check"]);
}

#[test]
fn a_postmortem_sweeps_the_temp_file_of_a_killed_one() {
    let repo = Repo::with_incident();
    repo.ok(&["resolve"]);
    let temp = repo.path(&format!("incidents/{CHECKOUT}/.inc-Zz99Yy"));
    std::fs::write(&temp, "# Post-mortem: half written").unwrap();
    backdate(&temp);
    repo.ok(&["postmortem"]);
    assert!(!temp.exists());
    assert_eq!(repo.status(), "");
}

#[test]
fn kill_9_during_open_leaves_no_half_made_incident() {
    let repo = Repo::new();
    let mut finished = 0;
    for n in 0..30u64 {
        let mut child = repo
            .std_cmd()
            .args(["open", &format!("Outage number {n}"), "--lead", "alice"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over an `inc open` (about 100 ms in a debug build).
        std::thread::sleep(Duration::from_micros((n * 7919) % 150_000));
        let _ = child.kill();
        if child.wait().unwrap().success() {
            finished += 1;
        }
    }
    eprintln!("{finished} of 30 opens finished before the kill");

    // Every incident directory is whole: no command trips over a half-made one.
    for entry in std::fs::read_dir(repo.path("incidents")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        if name.starts_with('.') {
            continue;
        }
        let dir = entry.path();
        let timeline = std::fs::read_to_string(dir.join("timeline.yaml")).unwrap();
        assert!(dir.join("incident.yaml").is_file(), "{name}");
        assert!(dir.join("roles.yaml").is_file(), "{name}");
        assert!(timeline.contains("Opened \""), "{name}: {timeline}");
    }
    let check = repo.run(&["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // Once the leftovers are stale, the next writing command sweeps them, and commits what the
    // killed ones left.
    for entry in std::fs::read_dir(repo.path("incidents")).unwrap() {
        let path = entry.unwrap().path();
        backdate(&path);
        if path.is_dir() {
            for inner in std::fs::read_dir(&path).unwrap() {
                backdate(&inner.unwrap().path());
            }
        }
    }
    let out = repo.run(&["open", "After the crashes"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let leftovers: Vec<String> = std::fs::read_dir(repo.path("incidents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".inc-"))
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
    assert_eq!(repo.status(), "");
    repo.git(&["fsck", "--strict"]);
}
