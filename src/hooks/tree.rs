//! Every process a hook started, found and ended, so that none outlives the hook's timeout: also
//! one that left the hook's process group with `setsid`, or whose parent exited (`cmd &`, a
//! double fork).
//!
//! On Linux inc becomes a child subreaper while a hook runs (prctl `PR_SET_CHILD_SUBREAPER`):
//! a process whose parent exits is handed to inc instead of to init, so every process the hook
//! started stays below inc in the process tree, whatever session or group it moved to. Walking
//! `/proc` then finds them all by their parent chain. What was already below inc before the hook
//! started (a pager showing inc's output) is left alone; only a process such a one started later
//! and then left behind would be taken for the hook's.
//!
//! Elsewhere (macOS) there is no subreaper: only the hook's process group is waited for and ended,
//! and a process that left it with `setsid` escapes. What no platform can reach is a process the hook had
//! started by someone else (`systemd-run`, `at`, cron): those are not its descendants.

use std::time::Duration;

/// How long ending a hook's processes may take: each round kills what it finds, and a process
/// that was forking in between is found in the next.
#[cfg(target_os = "linux")]
const KILL_LIMIT: Duration = Duration::from_secs(2);
/// How often inc looks whether what a hook left running has ended.
const POLL: Duration = Duration::from_millis(20);

/// The processes below inc that a hook started, while it runs.
pub struct Tree {
    /// The hook itself, while `std::process::Child` has not reaped it: that is its to do.
    main: Option<u32>,
    /// The process group the hook leads (its pid).
    #[cfg(not(target_os = "linux"))]
    group: Option<u32>,
    #[cfg(target_os = "linux")]
    linux: linux::Watch,
}

impl Tree {
    /// Starts watching, before the hook is spawned.
    pub fn enter() -> Tree {
        Tree {
            main: None,
            #[cfg(not(target_os = "linux"))]
            group: None,
            #[cfg(target_os = "linux")]
            linux: linux::Watch::enter(),
        }
    }

    /// The hook was spawned as `pid`, leading its own process group.
    pub fn started(&mut self, pid: u32) {
        self.main = Some(pid);
        #[cfg(not(target_os = "linux"))]
        {
            self.group = Some(pid);
        }
    }

    /// The hook itself was reaped; what is left is what it started.
    pub fn main_reaped(&mut self) {
        self.main = None;
    }

    /// Whether a process the hook started still runs (reaping those that ended). Elsewhere than
    /// on Linux: whether the hook's process group still has one.
    pub fn any_left(&self) -> bool {
        #[cfg(target_os = "linux")]
        {
            self.linux.any_left(self.main)
        }
        #[cfg(not(target_os = "linux"))]
        {
            self.group.is_some_and(|group| signal_group(group, 0))
        }
    }

    /// Waits until nothing the hook started runs, or until `deadline`; true if something still
    /// runs then. `stop` is asked between looks: a signal to inc ends the wait early.
    pub fn wait_empty(&self, deadline: std::time::Instant, stop: impl Fn() -> bool) -> bool {
        loop {
            if !self.any_left() {
                return false;
            }
            let now = std::time::Instant::now();
            if now >= deadline || stop() {
                return true;
            }
            std::thread::sleep(POLL.min(deadline - now));
        }
    }

    /// Kills the hook's process group, then (on Linux) every process the hook started, and reaps
    /// those that were handed to inc. The hook itself is left for its `Child` to reap.
    pub fn kill_all(&self) {
        #[cfg(target_os = "linux")]
        {
            // One kill(2) ends the whole group at once; the walk finds what left it.
            if let Some(pid) = self.main {
                signal_group(pid, libc::SIGKILL);
            }
            self.linux.kill_all(self.main);
        }
        #[cfg(not(target_os = "linux"))]
        if let Some(group) = self.group {
            signal_group(group, libc::SIGKILL);
        }
    }

    /// Stops watching: inc is no longer a subreaper.
    pub fn leave(self) {
        #[cfg(target_os = "linux")]
        self.linux.leave();
    }
}

/// Sends `signal` to the process group the hook leads (0: only asks whether it has a process);
/// whether it reached one.
fn signal_group(group: u32, signal: libc::c_int) -> bool {
    let Ok(group) = libc::pid_t::try_from(group) else {
        return false;
    };
    // SAFETY: kill(2) with a negative pid signals that process group and touches no memory.
    unsafe { libc::kill(-group, signal) == 0 }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::{HashMap, HashSet};
    use std::time::Instant;

    use super::KILL_LIMIT;

    /// One process as `/proc/PID/stat` shows it.
    #[derive(Clone, Copy)]
    struct Proc {
        parent: u32,
        /// Clock ticks after boot: with the pid, tells a process from a later one given its pid.
        start: u64,
        dead: bool,
    }

    pub struct Watch {
        me: u32,
        /// Whether inc was already a subreaper (then it stays one).
        was_subreaper: bool,
        /// The processes below inc before the hook started (pid, start): not the hook's.
        before: HashSet<(u32, u64)>,
    }

    impl Watch {
        pub fn enter() -> Watch {
            let me = std::process::id();
            let mut was = 0 as libc::c_int;
            // SAFETY: prctl with PR_GET_CHILD_SUBREAPER writes one int through the pointer given,
            // which points to a live local.
            unsafe {
                libc::prctl(libc::PR_GET_CHILD_SUBREAPER, &mut was as *mut libc::c_int);
            }
            // SAFETY: PR_SET_CHILD_SUBREAPER takes a plain integer and touches no memory.
            unsafe {
                libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1 as libc::c_ulong);
            }
            let table = scan();
            let before = below(&table, me, &HashSet::new())
                .into_iter()
                .map(|pid| (pid, table[&pid].start))
                .collect();
            Watch {
                me,
                was_subreaper: was != 0,
                before,
            }
        }

        pub fn leave(&self) {
            if !self.was_subreaper {
                // SAFETY: as in `enter`.
                unsafe {
                    libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 0 as libc::c_ulong);
                }
            }
        }

        /// The hook's processes now (the hook itself included while it is not reaped), after
        /// reaping those handed to inc that have ended.
        fn hook_processes(&self, main: Option<u32>) -> (HashMap<u32, Proc>, Vec<u32>) {
            let table = scan();
            let found = below(&table, self.me, &self.before);
            let mut alive = Vec::new();
            for pid in found {
                let proc = table[&pid];
                if !proc.dead {
                    alive.push(pid);
                } else if proc.parent == self.me && Some(pid) != main {
                    reap(pid);
                }
            }
            (table, alive)
        }

        pub fn any_left(&self, main: Option<u32>) -> bool {
            let (_, alive) = self.hook_processes(main);
            alive.iter().any(|&pid| Some(pid) != main)
        }

        pub fn kill_all(&self, main: Option<u32>) {
            let started = Instant::now();
            loop {
                let (_, alive) = self.hook_processes(main);
                if alive.is_empty() || started.elapsed() > KILL_LIMIT {
                    // Zombies whose parent still has to exit come to inc; one more round reaps
                    // what is there by now.
                    let _ = self.hook_processes(main);
                    return;
                }
                // Parents first: a process killed runs none of its code again, so none sees its
                // child die and acts on it (`wait; touch done`) before it is killed too.
                for pid in alive {
                    // A pid seen alive a moment ago belongs to the hook's tree: a process that
                    // inc has not reaped cannot give its pid away, and deeper ones are only
                    // handed on once their parent, killed here too, is gone.
                    if let Ok(pid) = libc::pid_t::try_from(pid) {
                        // SAFETY: kill(2) signals a process and touches no memory.
                        unsafe {
                            libc::kill(pid, libc::SIGKILL);
                        }
                    }
                }
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        }
    }

    /// Reaps an ended child of inc without waiting.
    fn reap(pid: u32) {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return;
        };
        let mut status = 0;
        // SAFETY: waitpid on one pid, WNOHANG, writing the status to a live local.
        unsafe {
            libc::waitpid(pid, &mut status, libc::WNOHANG);
        }
    }

    /// Every process below `top` (not `top` itself) whose chain up to `top` passes through none
    /// of `excluded`, parents before their children.
    fn below(table: &HashMap<u32, Proc>, top: u32, excluded: &HashSet<(u32, u64)>) -> Vec<u32> {
        // pid → its depth below `top`, or None when it is not below it.
        let mut depths: HashMap<u32, Option<usize>> = HashMap::from([(top, Some(0))]);
        for &pid in table.keys() {
            let mut chain = Vec::new();
            let mut at = pid;
            let mut depth = loop {
                if let Some(&known) = depths.get(&at) {
                    break known;
                }
                let Some(proc) = table.get(&at) else {
                    break None;
                };
                // Init, or a loop (a table read while pids were reused).
                if excluded.contains(&(at, proc.start)) || at <= 1 || chain.len() > table.len() {
                    break None;
                }
                chain.push(at);
                at = proc.parent;
            };
            for link in chain.into_iter().rev() {
                depth = depth.map(|d| d + 1);
                depths.insert(link, depth);
            }
        }
        let mut found: Vec<(usize, u32)> = depths
            .into_iter()
            .filter_map(|(pid, depth)| Some((depth?, pid)))
            .filter(|&(_, pid)| pid != top)
            .collect();
        found.sort_unstable();
        found.into_iter().map(|(_, pid)| pid).collect()
    }

    /// Every process in `/proc`, by pid. A process that ends while it is read is left out.
    fn scan() -> HashMap<u32, Proc> {
        let mut table = HashMap::new();
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return table;
        };
        for entry in dir.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            if let Some(proc) = parse_stat(&stat) {
                table.insert(pid, proc);
            }
        }
        table
    }

    /// `PID (COMM) STATE PPID … STARTTIME …`; COMM may hold spaces and parentheses, so the
    /// fields are counted from its last `)`.
    fn parse_stat(stat: &str) -> Option<Proc> {
        let rest = &stat[stat.rfind(')')? + 1..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // After COMM: state is field 3 of stat(5), ppid 4, starttime 22.
        Some(Proc {
            dead: matches!(*fields.first()?, "Z" | "X" | "x"),
            parent: fields.get(1)?.parse().ok()?,
            start: fields.get(19)?.parse().ok()?,
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_stat_line_is_read_past_a_command_name_with_parentheses() {
            let line = "4242 (sh) x (y)) S 4000 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 987654 1000 50 18446744073709551615";
            let proc = parse_stat(line).unwrap();
            assert_eq!(proc.parent, 4000);
            assert_eq!(proc.start, 987654);
            assert!(!proc.dead);
            assert!(
                parse_stat("1 (z) Z 2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5")
                    .unwrap()
                    .dead
            );
        }

        #[test]
        fn below_follows_parents_and_leaves_out_what_was_there_before() {
            let p = |parent, start| Proc {
                parent,
                start,
                dead: false,
            };
            // 100 is inc; 200 was its child before; 300 is the hook, 301 its setsid'd child,
            // 302 an orphan handed to inc; 201 is a child of 200; 400 is unrelated.
            let table = HashMap::from([
                (1, p(0, 1)),
                (100, p(1, 10)),
                (200, p(100, 20)),
                (201, p(200, 21)),
                (300, p(100, 30)),
                (301, p(300, 31)),
                (302, p(100, 32)),
                (400, p(1, 40)),
            ]);
            let found = below(&table, 100, &HashSet::from([(200, 20)]));
            assert_eq!(found, vec![300, 302, 301]);
            // The same pid started later is another process: it is the hook's.
            let found = below(&table, 100, &HashSet::from([(200, 19)]));
            assert_eq!(found, vec![200, 300, 302, 201, 301]);
        }
    }
}
