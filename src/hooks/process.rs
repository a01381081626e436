//! Running one hook: in its own process group, the event on stdin, its output copied to inc's
//! stderr (bounded, control characters escaped) so inc's stdout stays machine-readable, and it
//! and every process it started killed when its time is up (see tree.rs).

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use super::interrupt::Caught;
use super::tree::Tree;

/// The most of a hook's output (stdout and stderr together) inc shows: a runaway loop must not
/// flood the responder's terminal.
const MAX_OUTPUT: usize = 64 * 1024;
/// A line longer than this is shown in pieces, so a hook printing without newlines is bounded too.
const MAX_LINE: usize = 8 * 1024;
/// How long inc waits, once every process the hook started has ended, for the rest of its
/// output: a process beyond inc's reach (see tree.rs) may hold it open for long.
const GRACE: Duration = Duration::from_millis(500);
/// How often inc looks whether the hook has exited.
const POLL: Duration = Duration::from_millis(10);

/// How a hook ended.
pub enum Outcome {
    /// Exited 0; `left` when something it started still ran at its deadline and was killed.
    Done {
        left: bool,
    },
    /// Exited non-zero or was killed by a signal: how, in words; `left` as for `Done`.
    Failed {
        how: String,
        left: bool,
    },
    /// Ran past its time; it and every process it started were killed.
    TimedOut,
    NotStarted(std::io::Error),
}

/// Runs `program` in `dir` with `vars` set and `input` on stdin. It and every process it starts
/// are ended `timeout` after it starts at the latest; inc waits that long only while one of them
/// still runs.
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
    // Its own group, so that Ctrl-C at the terminal reaches inc, which then ends the hook (see
    // interrupt.rs), and so that on every platform one kill ends what stayed in the group.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let caught = Caught::catch();
    let mut tree = Tree::enter();
    let deadline = Instant::now() + timeout;
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(err) => {
            tree.leave();
            caught.restore();
            return Outcome::NotStarted(err);
        }
    };
    tree.started(child.id());
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
    let interrupted = || caught.signal().is_some();
    let outcome = match wait(&mut child, deadline, interrupted) {
        Ok(Some(status)) => {
            tree.main_reaped();
            // What the hook left running (`curl … &`, a daemon) has until the same deadline.
            let left = tree.wait_empty(deadline, interrupted);
            if left {
                tree.kill_all();
            }
            match ended(status) {
                Ok(()) => Outcome::Done { left },
                Err(how) => Outcome::Failed { how, left },
            }
        }
        Ok(None) => {
            tree.kill_all();
            let _ = child.wait();
            Outcome::TimedOut
        }
        Err(err) => {
            tree.kill_all();
            let _ = child.wait();
            Outcome::Failed {
                how: format!("could not be waited for: {err}"),
                left: false,
            }
        }
    };
    tree.leave();
    // Now that nothing the hook started runs, its output ends; the grace is for a process that
    // got hold of it some other way.
    let until = Instant::now() + GRACE;
    for _ in 0..readers {
        if finished
            .recv_timeout(until.saturating_duration_since(Instant::now()))
            .is_err()
        {
            break;
        }
    }
    // Ctrl-C while the hook ran: inc ends now, of that signal, having ended the hook.
    caught.restore();
    outcome
}

/// Waits for the hook itself until `deadline`: its status, or `None` when it still runs then (or
/// when inc got a signal meanwhile).
fn wait(
    child: &mut Child,
    deadline: Instant,
    interrupted: impl Fn() -> bool,
) -> std::io::Result<Option<ExitStatus>> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= deadline || interrupted() {
            return Ok(None);
        }
        std::thread::sleep(POLL.min(deadline - now));
    }
}

/// `Ok` for exit 0, else how the hook ended, in words.
fn ended(status: ExitStatus) -> Result<(), String> {
    if status.success() {
        return Ok(());
    }
    Err(
        match (
            status.code(),
            std::os::unix::process::ExitStatusExt::signal(&status),
        ) {
            (Some(code), _) => format!("exit status {code}"),
            (None, Some(signal)) => format!("killed by signal {signal}"),
            (None, None) => "ended without a status".to_string(),
        },
    )
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
