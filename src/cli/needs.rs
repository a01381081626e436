//! What each command needs from the run around it, declared in one place: the hook event it
//! records, whether it pages its output, whether it prints its own styled output, whether it
//! reads the user's settings, and its `--by`. `commands::run` and `main` ask here instead of each
//! keeping a table of commands; a new command is added to [`Command::needs`] and nowhere else.
//! (Which global options a form of a command honours is `commands::globals`.)

use super::Command;
use super::args::Person;

/// What one command line needs (see [`Command::needs`]).
pub struct Needs<'a> {
    /// The event it records, named as its hook is (docs/guide.md, Hooks); `None` for a command
    /// that fires none. `mark` counts as `status` (a milestone is where the incident stands),
    /// `exec` and `attach` as `log` (each adds a logbook entry); `inc comms snooze` is `snooze`:
    /// a hook that posts each update somewhere must not post a snooze as one.
    pub hook: Option<&'static str>,
    /// Its output may be long (`show`, `report`, `search`) and goes through a pager on a
    /// terminal: `Some(off)`, `off` when `--no-pager` (or a file to write) says not to.
    pub pager: Option<bool>,
    /// It styles its own output and escapes the text it quotes (the dashboard, search's
    /// matches, generated scripts), so nothing is escaped on its way out.
    pub raw_output: bool,
    /// It reads the user's settings file, so it must not run while that does not parse. Not
    /// `inc config` (which reports the file itself) nor what git or a shell runs.
    pub settings: bool,
    /// `--by`, for the commands that take it (clap refuses it on the others).
    pub person: Option<&'a Person>,
}

impl Command {
    pub fn needs(&self) -> Needs<'_> {
        use Command::*;
        let hook = match self {
            Open(_) => Some("open"),
            Log(_) | Exec(_) | Attach(_) => Some("log"),
            Mark(_) => Some("status"),
            Status(args) if args.status.is_some() => Some("status"),
            Sev(args) if !args.list => Some("sev"),
            Role(_) => Some("role"),
            Comms(args) if args.is_update() => Some("comms"),
            Comms(_) => Some("snooze"),
            Change(_) => Some("change"),
            Resolve(_) => Some("resolve"),
            Postmortem(_) => Some("postmortem"),
            _ => None,
        };
        let pager = match self {
            Show(args) => Some(args.pager.no_pager),
            Search(args) => Some(args.pager.no_pager),
            Report(args) => Some(args.pager.no_pager || args.output.is_some()),
            _ => None,
        };
        let raw_output = match self {
            Status(args) => args.status.is_none(),
            Demo(_) | Completions(_) | Man(_) | Search(_) => true,
            Actions(args) => args.prints_table(),
            _ => false,
        };
        let settings = !matches!(
            self,
            Config(_) | MergeDriver(_) | Completions(_) | Man(_) | Schema(_)
        );
        let person = match self {
            Open(a) => Some(&a.who),
            Log(a) => Some(&a.who),
            Strike(a) => Some(&a.who),
            Mark(a) => Some(&a.who),
            Resolve(a) => Some(&a.who),
            Status(a) => Some(&a.who),
            Sev(a) => Some(&a.who),
            Impact(a) => Some(&a.who),
            Edit(a) => Some(&a.who),
            Tag(a) => Some(&a.who),
            Link(a) => Some(&a.who),
            Unlink(a) => Some(&a.who),
            Role(a) => Some(&a.who),
            Comms(a) => Some(&a.who),
            Change(a) => Some(&a.who),
            Exec(a) => Some(&a.who),
            Runbook(a) => Some(&a.who),
            Postmortem(a) => Some(&a.who),
            Actions(a) => a.person(),
            Maintenance(a) => a.person(),
            Attach(a) => Some(&a.who),
            Import(a) => Some(&a.who),
            Init(_) | List(_) | Show(_) | Use(_) | Roles(_) | Check(_) | Report(_) | Stats(_)
            | Site(_) | Search(_) | Related(_) | Sync(_) | Schema(_) | Demo(_) | Completions(_)
            | MergeDriver(_) | Export(_) | Man(_) | Config(_) | Webhooks(_) => None,
        };
        Needs {
            hook,
            pager,
            raw_output,
            settings,
            person,
        }
    }
}
