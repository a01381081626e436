//! The argument groups commands share (`-i`, `--no-commit`, `--no-hooks`, `--at`, `--by`,
//! `--no-pager`): each command's `Args` flattens the ones it means something for, so an option
//! is spelled and documented once.

use std::path::PathBuf;

use clap::Args;

/// Options every command accepts. `-i` and `--no-commit` belong to the commands they mean
/// something for ([`args::IncidentArg`], [`args::CommitArg`]); they are also accepted, hidden, before the
/// command's name, as before (`inc -i ID log ...`), and refused when the command does not take
/// them. [`parse_from`] fills them in from wherever they were given.
#[derive(Debug, Default, Args)]
pub struct Global {
    /// Run as if inc was started in DIR
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,

    /// When to colour the output [default: auto: on a terminal, unless NO_COLOR is set or
    /// CLICOLOR_FORCE is]
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<crate::Color>,

    /// The incident (given before the command's name; see the command's own -i). Its own id,
    /// so that clap does not merge it with the command's -i and both can be seen.
    #[arg(
        id = "incident_before",
        short,
        long = "incident",
        hide = true,
        value_name = "ID"
    )]
    pub incident: Option<String>,

    /// Do not commit (given before the command's name; see the command's own --no-commit)
    #[arg(long, hide = true)]
    pub no_commit: bool,

    /// Skip hooks (given before the command's name; see the command's own --no-hooks)
    #[arg(long, hide = true)]
    pub no_hooks: bool,

    /// Which of `-i` and `--no-commit` the command takes, and its name, for the refusal.
    #[arg(skip)]
    pub takes: Takes,
}

/// What the command given on the command line accepts, read from its definition.
#[derive(Debug, Default, Clone)]
pub struct Takes {
    /// The command's name, with its subcommand (`actions list`).
    pub name: String,
    pub incident: bool,
    pub no_commit: bool,
}

/// `-i`, on every command about one incident.
#[derive(Debug, Default, Args)]
pub struct IncidentArg {
    /// The incident: an exact id, a unique prefix or a unique substring [default: the one chosen
    /// with `inc use`, else the only open one]
    #[arg(short, long, global = true, value_name = "ID", add = crate::cli::complete::incidents())]
    pub incident: Option<String>,
}

/// `--no-commit`, on every command that commits.
#[derive(Debug, Default, Args)]
pub struct CommitArg {
    /// Write the files but do not commit them
    #[arg(long, global = true)]
    pub no_commit: bool,
}

/// `--no-hooks`, on every command that records an event a hook runs for (`super::needs::Needs::hook`).
#[derive(Debug, Default, Args)]
pub struct HooksArg {
    /// Do not run the repository's hook for what this command records (.inc/hooks/)
    #[arg(long, global = true)]
    pub no_hooks: bool,
}

/// `-i`, `--no-commit` and `--no-hooks` together: the options of every command that records
/// something in an incident. Their values are read by name in [`parse_from`], not from here.
#[derive(Debug, Default, Args)]
pub struct RecordingArgs {
    #[command(flatten)]
    pub incident: IncidentArg,

    #[command(flatten)]
    pub commit: CommitArg,

    #[command(flatten)]
    pub hooks: HooksArg,
}

/// `--at`, on every command that records something that happened, so that an incident can be
/// written up afterwards as well as live. Parsed by `Ctx::at_in_incident`, as `inc log --at`.
#[derive(Debug, Default, Args)]
pub struct AtArg {
    /// When it happened, to write it up afterwards: "14:32" (today), "2026-11-21 23:50",
    /// "10m ago" or RFC 3339 [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,
}

/// `--no-pager`, on the commands whose output may be long.
#[derive(Debug, Default, Args)]
pub struct PagerArg {
    /// Print directly, not through $INC_PAGER, $PAGER or less (not used in a pipe anyway)
    #[arg(long)]
    pub no_pager: bool,
}

/// `--by`, on every command that records who did something.
#[derive(Debug, Default, Args)]
pub struct Person {
    /// Who is doing this [default: $INC_USER, else git's user.name]
    #[arg(long, value_name = "PERSON", global = true)]
    pub by: Option<String>,
}

/// Declares, in a command's module, its `--format` values (the first is the default; one must be
/// `Json`) as `Format`, and `Output`: the `--format` and `--json` options to flatten into its
/// arguments, `--json` being short for `--format json`. A macro rather than one generic struct
/// because clap keeps a default value in a static, which generic copies would share.
#[macro_export]
macro_rules! formats {
    (
        $(#[$meta:meta])* {
            $(#[$first_meta:meta])* $default:ident
            $(, $(#[$other_meta:meta])* $other:ident)* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
        pub enum Format {
            $(#[$first_meta])*
            #[default]
            $default,
            $($(#[$other_meta])* $other),*
        }

        impl std::fmt::Display for Format {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let value = clap::ValueEnum::to_possible_value(self).expect("no skipped values");
                f.write_str(value.get_name())
            }
        }

        /// `--format`, and `--json` for `--format json`.
        #[derive(Debug, Default, clap::Args)]
        pub struct Output {
            /// Output format
            #[arg(long, value_enum, default_value_t, ignore_case = true, value_name = "FORMAT")]
            pub format: Format,

            /// Print JSON for scripts (the same as --format json)
            #[arg(long, conflicts_with = "format")]
            pub json: bool,
        }

        impl Output {
            /// The format asked for.
            pub fn get(&self) -> Format {
                if self.json { Format::Json } else { self.format }
            }

            /// Whether JSON was asked for.
            pub fn is_json(&self) -> bool {
                self.get() == Format::Json
            }
        }
    };
}
