//! No hook outlives its timeout: neither the hook nor anything it started, also what left its
//! process group with `setsid`, also after Ctrl-C; inc waits for what a hook left running only
//! while it runs, never past the timeout; and the timeout itself has an upper bound.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{Repo, timeline};
use crate::hooks::{beside, enabled, hook, read_beside, run_ok, set_timeout};

/// Whether process `pid` still runs (a zombie, dead but not yet reaped, does not).
fn runs(pid: &str) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
    let state = stat.rsplit(") ").next().unwrap_or("").chars().next();
    !matches!(state, None | Some('Z' | 'X'))
}

/// Waits until the file the hook writes last exists.
fn wait_for(path: &Path) {
    let until = Instant::now() + Duration::from_secs(10);
    while !path.exists() {
        assert!(Instant::now() < until, "{} never came", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
    // Written by `echo … >`: the line may still be on its way.
    std::thread::sleep(Duration::from_millis(50));
}

/// A shell line that starts a new session (`setsid`) in the background, out of the hook's process
/// group, still holding the hook's output; it notes its pid and its `sleep`'s, then, unless
/// killed, leaves MARKER after three seconds.
const DAEMON: &str = "setsid sh -c 'sleep 3 & echo $! > ../sleep.pid; echo $$ > ../daemon.pid; wait; touch ../MARKER' &\nwhile [ ! -s ../daemon.pid ] || [ ! -s ../sleep.pid ]; do sleep 0.05; done";

/// Asserts, once inc has returned, that the daemon [`DAEMON`] started no longer runs, and that it
/// never gets to leave MARKER.
fn assert_daemon_ended(repo: &Repo, started: Instant) {
    let (daemon, sleep) = (
        read_beside(repo, "daemon.pid"),
        read_beside(repo, "sleep.pid"),
    );
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", daemon.trim())).unwrap_or_default();
    assert!(!runs(&daemon), "the setsid'd process still runs: {stat}");
    assert!(!runs(&sleep), "its sleep still runs");
    // Past the three seconds the daemon would have slept.
    std::thread::sleep(Duration::from_secs(4).saturating_sub(started.elapsed()));
    assert!(!beside(repo, "MARKER").exists(), "the daemon ran on");
}

#[test]
fn a_process_a_hook_left_in_a_session_of_its_own_is_killed_at_the_timeout() {
    let repo = enabled();
    set_timeout(&repo, "1s");
    hook(&repo, "log", &format!("{DAEMON}\necho started"));
    let started = Instant::now();
    let (stdout, stderr) = run_ok(&repo, &["log", "Restarted the API pods"]);
    let took = started.elapsed();
    assert!(stdout.starts_with("14:40 logged "), "{stdout}");
    assert_eq!(
        stderr,
        "started\nwarning: hook .inc/hooks/log left processes running past 1s; they were killed (hooks.timeout in .inc.yaml); what inc recorded is kept\n"
    );
    // inc waited for the daemon up to the timeout, no longer, though it held the hook's output.
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(5),
        "took {took:?}"
    );
    assert_daemon_ended(&repo, started);
    assert!(timeline(&repo).contains("text: Restarted the API pods\n"));
}

#[test]
fn a_hanging_hook_is_killed_with_the_process_it_started_in_a_session_of_its_own() {
    let repo = enabled();
    set_timeout(&repo, "1s");
    hook(&repo, "log", &format!("{DAEMON}\nsleep 60"));
    let started = Instant::now();
    let (_, stderr) = run_ok(&repo, &["log", "Restarted the API pods"]);
    let took = started.elapsed();
    assert_eq!(
        stderr,
        "warning: hook .inc/hooks/log timed out after 1s and was killed (hooks.timeout in .inc.yaml); what inc recorded is kept\n"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert_daemon_ended(&repo, started);
}

#[test]
fn ctrl_c_while_a_hook_runs_ends_the_hook_and_what_it_started() {
    let repo = enabled();
    hook(
        &repo,
        "log",
        &format!(
            "echo $$ > ../hook.pid.tmp && mv ../hook.pid.tmp ../hook.pid\n{DAEMON}\necho ready > ../ready\nsleep 60"
        ),
    );
    let started = Instant::now();
    let mut inc = repo
        .std_cmd()
        .args(["log", "Restarted the API pods"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&beside(&repo, "ready"));
    // What the terminal does on Ctrl-C: SIGINT to inc's process group; the hook has its own.
    let pid = libc::pid_t::try_from(inc.id()).unwrap();
    // SAFETY: kill(2) sends a signal to the inc this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let status = inc.wait().unwrap();
    // inc ends of the signal, as it would without a hook.
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(libc::SIGINT),
        "{status:?}"
    );
    let hook_pid = read_beside(&repo, "hook.pid");
    assert!(!runs(&hook_pid), "the hook still runs");
    assert_daemon_ended(&repo, started);
    // What inc recorded before the hook ran stays recorded.
    assert!(timeline(&repo).contains("text: Restarted the API pods\n"));
}

#[test]
fn background_work_a_hook_leaves_is_waited_for_within_the_timeout() {
    let repo = enabled();
    // The default timeout, 10s: inc waits for the background work, then returns at once.
    hook(&repo, "log", "(sleep 1; touch ../posted) &\necho started");
    let started = Instant::now();
    let (_, stderr) = run_ok(&repo, &["log", "Restarted the API pods"]);
    let took = started.elapsed();
    assert_eq!(stderr, "started\n");
    assert!(beside(&repo, "posted").exists(), "inc returned before it");
    assert!(took < Duration::from_secs(5), "took {took:?}");

    // A hook that leaves nothing running does not keep inc waiting at all.
    hook(&repo, "log", "echo quick");
    let started = Instant::now();
    let (_, stderr) = run_ok(&repo, &["log", "Scaled up"]);
    let took = started.elapsed();
    assert_eq!(stderr, "quick\n");
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[test]
fn a_hook_timeout_over_a_minute_is_refused_at_its_position() {
    let repo = enabled();
    hook(&repo, "log", "touch ../ran");
    set_timeout(&repo, "2h");
    let line = repo
        .read(".inc.yaml")
        .lines()
        .position(|l| l == "  timeout: 2h")
        .unwrap()
        + 1;
    let before = repo.state();
    for args in [&["log", "Restarted the API pods"][..], &["check"]] {
        let err = repo.fails(1, args);
        assert_eq!(
            err,
            format!(
                "error: .inc.yaml:{line}:3: hooks.timeout 2h is longer than 60s, the most a hook may run: a responder waits for it, so keep it to seconds, like 10s\n"
            ),
            "{args:?}"
        );
    }
    assert_eq!(repo.state(), before);
    assert!(!beside(&repo, "ran").exists());

    // The most is allowed.
    let config = repo.read(".inc.yaml").replace("timeout: 2h", "timeout: 1m");
    repo.write(".inc.yaml", &config);
    repo.ok(&["log", "Restarted the API pods"]);
    assert!(beside(&repo, "ran").exists());
}
