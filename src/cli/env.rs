//! What inc reads from its environment (variables, the user's settings file, the terminal),
//! gathered in one place so tests and the demo can pin it: nothing else reads the process
//! environment for these.

use std::path::PathBuf;

use super::settings;

/// What inc reads from its environment, gathered in one place so tests and the demo can pin it.
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// The directory inc was started in.
    pub cwd: PathBuf,
    /// `$INC_REPO`: the repository to use when `-C` is not given.
    pub repo: Option<PathBuf>,
    /// `$INC_USER`, else `user` in the user's config file: who is acting, when `--by` is not given.
    pub user: Option<String>,
    /// `$INC_NOW`: an RFC 3339 time that pins the clock.
    pub now: Option<String>,
    /// `$VISUAL`, else `$EDITOR`, else `editor` in the user's config file: the command that
    /// edits a file.
    pub editor: Option<String>,
    /// Whether to colour output: `$NO_COLOR` turns it off, `$CLICOLOR_FORCE` on even in a pipe.
    pub color: Color,
    /// How wide the output may be: `$COLUMNS`, else the terminal's width; `None` in a pipe.
    pub columns: Option<usize>,
    /// `$INC_PAGER`, else `$PAGER`: the first that is set, even to nothing (which means none).
    pub pager: Option<String>,
    /// Whether stdin and stdout are both terminals, so a person can be asked (`inc open` offers
    /// the severities when `--sev` is not given); never in a pipe, a script or a test.
    pub interactive: bool,
    /// `$INC_NO_HOOKS` (set, and not `0`): run no hooks, as `--no-hooks` on every command.
    pub no_hooks: bool,
    /// The user's config file and the variables that override it, for `inc config` (the values
    /// in force are in the fields above).
    pub settings: settings::Settings,
}

/// When to print colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Never,
    // Only when printing to a terminal.
    #[default]
    Auto,
    Always,
}

impl Env {
    pub fn from_process() -> Env {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        // User, colour, pager and editor are resolved as `inc config` shows them.
        let settings = settings::Settings::from_process();
        Env {
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            repo: var("INC_REPO").map(PathBuf::from),
            user: settings.value("user"),
            now: var("INC_NOW"),
            editor: settings.value("editor"),
            color: match settings.value("color").as_deref() {
                Some("always") => Color::Always,
                Some("never") => Color::Never,
                _ => Color::Auto,
            },
            columns: var("COLUMNS")
                .and_then(|c| c.trim().parse().ok())
                .filter(|&c| c > 0)
                .or_else(|| {
                    use std::io::IsTerminal;
                    let stdout = std::io::stdout();
                    match terminal_size::terminal_size_of(&stdout) {
                        Some((width, _)) if width.0 > 0 => Some(usize::from(width.0)),
                        // A terminal that says it has no width (a fresh pseudo-terminal).
                        _ if stdout.is_terminal() => Some(80),
                        _ => None,
                    }
                }),
            pager: settings.value("pager"),
            interactive: {
                use std::io::IsTerminal;
                std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
            },
            no_hooks: var("INC_NO_HOOKS").is_some_and(|v| v != "0"),
            settings,
        }
    }
}
