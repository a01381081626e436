//! Running one hook: in its own process group, the event on stdin, its output copied to inc's
//! stderr (bounded, control characters escaped) so inc's stdout stays machine-readable, and the
//! whole group killed when it runs past its time.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

/// The most of a hook's output (stdout and stderr together) inc shows: a runaway loop must not
/// flood the responder's terminal.
const MAX_OUTPUT: usize = 64 * 1024;
/// A line longer than this is shown in pieces, so a hook printing without newlines is bounded too.
const MAX_LINE: usize = 8 * 1024;
/// How long inc waits, once a hook has exited, for the rest of its output: a process the hook
/// left running in the background (`curl … &`) may hold its output open for long.
const GRACE: Duration = Duration::from_millis(500);

/// How a hook ended.
pub enum Outcome {
    Done,
    /// Exited non-zero or was killed by a signal: how, in words.
    Failed(String),
    /// Ran past its time; it and every process it started were killed.
    TimedOut,
    NotStarted(std::io::Error),
}

/// Runs `program` in `dir` with `vars` set and `input` on stdin, for at most `timeout`.
pub fn run(
    program: &Path,
    dir: &Path,
    vars: &[(&str, &str)],
    input: Vec<u8>,
    timeout: Duration,
) -> Outcome {
    let mut command = Command::new(program);
    command
        .current_dir(dir)
        .envs(vars.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own group, so that a timeout kills what the hook started (`sleep`, `curl`) as well.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(err) => return Outcome::NotStarted(err),
    };
    let budget = Arc::new(Budget {
        left: AtomicUsize::new(MAX_OUTPUT),
        noted: AtomicBool::new(false),
    });
    let (done, finished) = mpsc::channel();
    let pipes: [Option<Box<dyn Read + Send>>; 2] = [
        child.stdout.take().map(|p| Box::new(p) as _),
        child.stderr.take().map(|p| Box::new(p) as _),
    ];
    let mut readers = 0;
    for pipe in pipes.into_iter().flatten() {
        readers += 1;
        let (done, budget) = (done.clone(), budget.clone());
        std::thread::spawn(move || {
            copy(pipe, &budget);
            let _ = done.send(());
        });
    }
    if let Some(mut stdin) = child.stdin.take() {
        // A hook that does not read its input gets a broken pipe here, which is its choice.
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let outcome = match child.wait_timeout(timeout) {
        Ok(Some(status)) => ended(status),
        Ok(None) => {
            kill_group(child.id());
            let _ = child.wait();
            Outcome::TimedOut
        }
        Err(err) => {
            kill_group(child.id());
            let _ = child.wait();
            Outcome::Failed(format!("could not be waited for: {err}"))
        }
    };
    let until = Instant::now() + GRACE;
    for _ in 0..readers {
        if finished
            .recv_timeout(until.saturating_duration_since(Instant::now()))
            .is_err()
        {
            break;
        }
    }
    outcome
}

fn ended(status: ExitStatus) -> Outcome {
    if status.success() {
        return Outcome::Done;
    }
    match (
        status.code(),
        std::os::unix::process::ExitStatusExt::signal(&status),
    ) {
        (Some(code), _) => Outcome::Failed(format!("exit status {code}")),
        (None, Some(signal)) => Outcome::Failed(format!("killed by signal {signal}")),
        (None, None) => Outcome::Failed("ended without a status".to_string()),
    }
}

/// Kills the process group the hook leads.
fn kill_group(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: kill(2) with a negative pid signals that process group and touches no memory.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
}

/// Copies what a hook prints to inc's stderr line by line, within the shared `budget`, and keeps
/// reading past it so the hook never blocks on a full pipe.
fn copy(mut pipe: impl Read, budget: &Budget) {
    let mut buf = [0u8; 8192];
    let mut line = Vec::new();
    loop {
        let n = match pipe.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        line.extend_from_slice(&buf[..n]);
        while let Some(end) = line.iter().position(|&b| b == b'\n') {
            let rest = line.split_off(end + 1);
            show(&line, budget);
            line = rest;
        }
        if line.len() > MAX_LINE {
            line.push(b'\n');
            show(&line, budget);
            line.clear();
        }
    }
    if !line.is_empty() {
        line.push(b'\n');
        show(&line, budget);
    }
}

/// Prints one line of a hook's output, escaped, if the budget allows; says once when it ran out.
fn show(line: &[u8], budget: &Budget) {
    let left = budget
        .left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
            Some(left.saturating_sub(line.len()))
        })
        .unwrap_or(0);
    let mut stderr = std::io::stderr().lock();
    if left > 0 {
        let shown = String::from_utf8_lossy(&line[..line.len().min(left)]);
        let _ = stderr.write_all(crate::text::escape_controls(&shown).as_bytes());
        if line.len() <= left {
            return;
        }
        let _ = writeln!(stderr);
    }
    if !budget.noted.swap(true, Ordering::SeqCst) {
        let _ = writeln!(
            stderr,
            "[inc: the hook printed more than {} KiB; the rest is not shown]",
            MAX_OUTPUT / 1024
        );
    }
}

/// What is left of [`MAX_OUTPUT`], and whether running out was said.
struct Budget {
    left: AtomicUsize,
    noted: AtomicBool,
}
