//! The parse cache (`.git/inc/cache/`): warm runs print exactly what cold runs print, and no
//! edit, checkout, merge, corruption or clock change makes it serve stale data.

use std::path::PathBuf;
use std::process::Output;

use crate::common::{CHECKOUT, Repo, team};

const PM: &str = "incidents/2026-11-22-checkout-api-down/postmortem.md";
const INCIDENT: &str = "incidents/2026-11-22-checkout-api-down/incident.yaml";

/// The commands the cache serves, and search alongside.
const COMMANDS: &[&[&str]] = &[
    &["list", "--all"],
    &["list", "--all", "--json"],
    &["stats"],
    &["stats", "--json"],
    &["check"],
    &["check", "--format", "json"],
    &["search", "checkout"],
];

pub(crate) fn run(repo: &Repo, args: &[&str], cache: bool) -> Output {
    let mut cmd = repo.cmd();
    if !cache {
        cmd.env("INC_NO_CACHE", "1");
    }
    cmd.args(args).output().unwrap()
}

/// Runs `args` twice with the cache (filling it, then from it) and once without: all three
/// print the same bytes, on stdout and stderr, with the same exit code. Returns the output.
pub(crate) fn same(repo: &Repo, args: &[&str]) -> Output {
    let cold = run(repo, args, false);
    let first = run(repo, args, true);
    let warm = run(repo, args, true);
    for (name, out) in [("first", &first), ("warm", &warm)] {
        assert_eq!(
            (&out.stdout, &out.stderr, out.status.code()),
            (&cold.stdout, &cold.stderr, cold.status.code()),
            "inc {args:?}, {name} run with the cache:\n{}\n{}\nwithout:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&cold.stdout),
            String::from_utf8_lossy(&cold.stderr),
        );
    }
    cold
}

fn all_same(repo: &Repo) {
    for args in COMMANDS {
        same(repo, args);
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Waits until the files written so far are old enough for the cache to store what they hold
/// (it leaves alone files changed in the last seconds, whose stamps a second change in the same
/// clock tick could repeat).
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(3100));
}

fn cache_file(repo: &Repo, name: &str) -> PathBuf {
    repo.path(&format!(".git/inc/cache/{name}"))
}

/// Three incidents: the checkout one resolved with a post-mortem (an improvement due), one open,
/// one resolved without a post-mortem.
fn repo() -> Repo {
    let repo = Repo::with_incident();
    repo.ok_at("14:45", &["log", "Rolled back the checkout deploy"]);
    repo.ok_at("14:50", &["comms", "--to", "internal", "Investigating"]);
    repo.ok_at("15:00", &["resolve"]);
    repo.ok_at("15:05", &["postmortem"]);
    let text = repo.read(PM).replace(
        "## Improvements\n",
        "## Improvements\n\n- [ ] Validate pool sizes (owner: bob, due: 2026-12-15, type: prevent)\n",
    );
    repo.write(PM, &text);
    repo.ok_at("15:06", &["open", "Search is slow", "--sev", "SEV3"]);
    repo.ok_at("15:07", &["open", "Login fails", "--sev", "SEV1"]);
    repo.ok_at("15:08", &["resolve", "-i", "login"]);
    // After every entry, so that check's findings hold (and are cached) from then on.
    let mut repo = repo;
    repo.now = "2026-11-22T16:00:00Z".into();
    settle();
    repo
}

#[test]
fn warm_runs_print_what_cold_runs_print() {
    let repo = repo();
    all_same(&repo);
    for name in ["incidents", "improvements", "check"] {
        assert!(cache_file(&repo, name).is_file(), "{name} cached");
    }
    // The second run was served from the cache: nothing had to be stored again.
    let before = std::fs::metadata(cache_file(&repo, "incidents")).unwrap();
    let out = run(&repo, &["list", "--all"], true);
    assert!(stdout(&out).contains("Login fails"));
    let after = std::fs::metadata(cache_file(&repo, "incidents")).unwrap();
    assert_eq!(
        (
            before.modified().unwrap(),
            std::os::unix::fs::MetadataExt::ino(&before)
        ),
        (
            after.modified().unwrap(),
            std::os::unix::fs::MetadataExt::ino(&after)
        )
    );
    // INC_NO_CACHE neither reads nor writes it.
    let bare = Repo::with_incident();
    run(&bare, &["list", "--all"], false);
    assert!(!cache_file(&bare, "incidents").exists());
}

/// Sets the file's modification time to `reference`'s (GNU touch).
fn touch_like(repo: &Repo, file: &str, reference: &std::path::Path) {
    let status = std::process::Command::new("touch")
        .arg("-r")
        .arg(reference)
        .arg(repo.path(file))
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_hand_edit_of_the_same_size_and_mtime_is_seen() {
    let repo = repo();
    all_same(&repo);
    let reference = repo.path(".git/reference-time");
    std::fs::write(&reference, "").unwrap();
    touch_like(&repo, ".git/reference-time", &repo.path(INCIDENT));
    let ino = |path: &std::path::Path| {
        std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
    };
    let before = (ino(&repo.path(INCIDENT)), repo.read(INCIDENT).len());
    // Same length, same inode, mtime set back: only the ctime tells.
    let text = repo
        .read(INCIDENT)
        .replace("Checkout API down", "Checkout API DOWN")
        .replace("severity: SEV2", "severity: SEV4");
    std::fs::OpenOptions::new()
        .write(true)
        .open(repo.path(INCIDENT))
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .unwrap();
    let frozen = |name: &str| {
        std::fs::metadata(repo.path(name))
            .unwrap()
            .modified()
            .unwrap()
    };
    touch_like(&repo, INCIDENT, &reference);
    assert_eq!(
        frozen(INCIDENT),
        std::fs::metadata(&reference).unwrap().modified().unwrap()
    );
    assert_eq!(
        (ino(&repo.path(INCIDENT)), repo.read(INCIDENT).len()),
        before
    );
    let list = stdout(&same(&repo, &["list", "--all"]));
    assert!(
        list.contains("Checkout API DOWN") && list.contains("SEV4"),
        "{list}"
    );
    all_same(&repo);

    // The post-mortem too (stats counts its improvements), and the findings of check.
    let text = repo.read(PM).replace("- [ ] Validate", "- [x] Validate");
    repo.write(PM, &text);
    all_same(&repo);
    let stats = repo.json(&["stats", "--json"]);
    assert_eq!(stats[0]["improvements"]["done"], 1, "{stats}");
}

#[test]
fn a_checkout_and_a_pull_are_seen() {
    let (_remote, lead, scribe) = team();
    settle();
    all_same(&lead);
    all_same(&scribe);
    let first = lead.head();
    lead.ok(&["sev", "SEV1"]);
    lead.ok(&["log", "Restarted the pool"]);
    settle();
    all_same(&lead);
    assert!(stdout(&same(&lead, &["list", "--all"])).contains("SEV1"));
    lead.git(&["checkout", "-q", &first]);
    assert!(stdout(&same(&lead, &["list", "--all"])).contains("SEV2"));
    all_same(&lead);
    lead.git(&["checkout", "-q", "master"]);
    lead.ok(&["sync"]);

    // The scribe's cache is from before; a pull (a merge) brings the change.
    assert!(stdout(&same(&scribe, &["list", "--all"])).contains("SEV2"));
    scribe.ok(&["log", "Watching the error rate"]);
    scribe.git(&["pull", "-q", "--no-rebase", "--no-edit", "origin", "master"]);
    assert!(stdout(&same(&scribe, &["list", "--all"])).contains("SEV1"));
    all_same(&scribe);
}

/// A way to damage a cache file.
type Damage = Box<dyn Fn(&[u8]) -> Vec<u8>>;

#[test]
fn a_corrupt_or_foreign_cache_is_ignored_and_rebuilt() {
    let repo = repo();
    all_same(&repo);
    let expected: Vec<Output> = COMMANDS.iter().map(|a| run(&repo, a, false)).collect();
    let names = ["incidents", "improvements", "check"];
    let originals: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(cache_file(&repo, n)).unwrap())
        .collect();
    let damage: Vec<Damage> = vec![
        Box::new(|_| Vec::new()),
        Box::new(|_| b"not a cache at all".to_vec()),
        Box::new(|b| b[..b.len() / 2].to_vec()),
        // One flipped byte in the middle (a title, a stamp or a length).
        Box::new(|b| {
            let mut b = b.to_vec();
            let i = b.len() / 2;
            b[i] ^= 0x20;
            b
        }),
        Box::new(|b| vec![0xff; b.len()]),
    ];
    for damage in &damage {
        for (name, original) in names.iter().zip(&originals) {
            std::fs::write(cache_file(&repo, name), damage(original)).unwrap();
        }
        for (args, expected) in COMMANDS.iter().zip(&expected) {
            let out = run(&repo, args, true);
            assert_eq!(
                (&out.stdout, &out.stderr, out.status.code()),
                (&expected.stdout, &expected.stderr, expected.status.code()),
                "inc {args:?}"
            );
        }
        // Rebuilt: the next runs are served from it again.
        all_same(&repo);
    }
}

#[test]
fn a_broken_file_gives_the_same_error_with_and_without_the_cache() {
    let repo = repo();
    all_same(&repo);
    let text = repo
        .read(INCIDENT)
        .replace("status: resolved", "status: [resolved");
    repo.write(INCIDENT, &text);
    let pm = repo.read(PM).replace("status: draft", "status: drafty");
    repo.write(PM, &pm);
    for args in COMMANDS {
        let out = same(&repo, args);
        // And again, now that the cache has seen it broken.
        same(&repo, args);
        if args[0] == "list" || args[0] == "stats" {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains(&format!("skipped {CHECKOUT}")), "{stderr}");
        }
    }
    let check = stdout(&same(&repo, &["check"]));
    assert!(check.contains(&format!("{INCIDENT}\n  4:9 ")), "{check}");
    assert!(check.contains(&format!("{PM}\n  2:9 ")), "{check}");
    // Fixed again: the findings are those of the fixed files.
    repo.write(
        INCIDENT,
        &text.replace("status: [resolved", "status: resolved"),
    );
    repo.write(PM, &pm.replace("drafty", "draft"));
    all_same(&repo);
    assert!(!stdout(&same(&repo, &["check"])).contains(INCIDENT));
}

#[test]
fn check_findings_follow_the_clock_and_the_configuration() {
    let repo = repo();
    let check_at = |now: &str| {
        let mut outs = Vec::new();
        for cache in [false, true, true] {
            let mut cmd = repo.cmd();
            if !cache {
                cmd.env("INC_NO_CACHE", "1");
            }
            let out = cmd.env("INC_NOW", now).args(["check"]).output().unwrap();
            outs.push((stdout(&out), out.status.code()));
        }
        assert_eq!(outs[0], outs[1], "at {now}");
        assert_eq!(outs[0], outs[2], "at {now}");
        outs.remove(0).0
    };
    let now = check_at("2026-11-22T16:00:00Z");
    assert!(
        !now.contains("future-time") && !now.contains("overdue"),
        "{now}"
    );
    // Back before the last entries: they are ahead of this clock.
    let before = check_at("2026-11-22T14:46:00Z");
    assert!(before.contains("future-time"), "{before}");
    // Weeks later: the improvement and the post-mortem of the login incident are overdue.
    let later = check_at("2027-01-10T12:00:00Z");
    assert!(later.contains("improvement-overdue"), "{later}");
    assert!(later.contains("postmortem-overdue"), "{later}");
    let later_still = check_at("2027-02-10T12:00:00Z");
    assert_ne!(later, later_still, "the overdue message says how long ago");
    assert_eq!(check_at("2026-11-22T16:00:00Z"), now);

    // A stricter .inc.yaml (an audience the comms use is no longer configured) is seen at once.
    let config = repo.read(".inc.yaml");
    repo.write(
        ".inc.yaml",
        &config.replace("audiences: [internal, customers", "audiences: [customers"),
    );
    let strict = check_at("2026-11-22T16:00:00Z");
    assert_ne!(strict, now);
    repo.write(".inc.yaml", &config);
    assert_eq!(check_at("2026-11-22T16:00:00Z"), now);
}
