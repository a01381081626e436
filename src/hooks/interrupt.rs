//! Ctrl-C (or a hang-up, or `kill`) while a hook runs: the hook has a process group of its own,
//! so the terminal's signal reaches only inc. inc notes the signal, ends every process the hook
//! started, and then dies of that same signal, as it would have without a hook.

use std::sync::atomic::{AtomicI32, Ordering};

/// The signals that would end inc while it waits for a hook.
const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// The last signal caught, 0 for none.
static CAUGHT: AtomicI32 = AtomicI32::new(0);

extern "C" fn note(signal: libc::c_int) {
    // Only an atomic store: all a signal handler may safely do here.
    CAUGHT.store(signal, Ordering::SeqCst);
}

/// The handlers in place while a hook runs; [`Caught::restore`] puts the previous ones back.
pub struct Caught {
    previous: Vec<(libc::c_int, libc::sigaction)>,
}

impl Caught {
    /// Catches the signals that would end inc, except one inc was told to ignore (`nohup`).
    pub fn catch() -> Caught {
        CAUGHT.store(0, Ordering::SeqCst);
        let mut previous = Vec::new();
        for signal in SIGNALS {
            // SAFETY: sigaction(2) with a zeroed struct reads the current action into a live
            // local; the new action's handler only stores to an atomic, which is
            // async-signal-safe.
            unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, std::ptr::null(), &mut old) != 0
                    || old.sa_sigaction == libc::SIG_IGN
                {
                    continue;
                }
                let mut new: libc::sigaction = std::mem::zeroed();
                new.sa_sigaction = note as extern "C" fn(libc::c_int) as libc::sighandler_t;
                libc::sigemptyset(&mut new.sa_mask);
                new.sa_flags = libc::SA_RESTART;
                if libc::sigaction(signal, &new, std::ptr::null_mut()) == 0 {
                    previous.push((signal, old));
                }
            }
        }
        Caught { previous }
    }

    /// The signal that arrived, if one did.
    pub fn signal(&self) -> Option<libc::c_int> {
        match CAUGHT.load(Ordering::SeqCst) {
            0 => None,
            signal => Some(signal),
        }
    }

    /// Puts the previous handlers back; if a signal arrived meanwhile, delivers it again, now to
    /// them (by default inc ends, with the status a shell reports for that signal).
    pub fn restore(self) {
        for (signal, old) in &self.previous {
            // SAFETY: puts back an action sigaction(2) itself returned.
            unsafe {
                libc::sigaction(*signal, old, std::ptr::null_mut());
            }
        }
        if let Some(signal) = self.signal() {
            // SAFETY: raise(3) sends a signal to inc itself and touches no memory.
            unsafe {
                libc::raise(signal);
            }
        }
    }
}
