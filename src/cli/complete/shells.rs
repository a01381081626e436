//! The shells' side of dynamic completion: what each shell runs at TAB (its registration script)
//! and how inc prints the candidates back to it.
//!
//! Every candidate passes [`offerable`] here, on its way out, whatever found it — a name from the
//! repository, a file name from clap's path completion, a subcommand. A shell inserts what inc
//! prints into the command line as it is (bash does not quote it), so a committed role or file
//! named `$(…)` would otherwise wait there for Enter. Help texts are cut to one line with control
//! characters blanked: a newline would start a candidate of its own.

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;

use clap_complete::env::{EnvCompleter, Shells};

/// Characters besides letters and digits (of any script) a candidate may hold: none of them is
/// syntax to bash, zsh or fish inside a word.
const SAFE: &str = "-_.:/@+,=#";

/// Whether `value` can be handed to any shell as it is: letters, digits and `-_.:/@+,=#`,
/// not starting with `=` (zsh would expand `=cmd` to a path) nor `#` (a comment). Everything
/// else — whitespace, quotes, `$`, `` ` ``, `;`, `|`, `&`, `<>`, `()`, `{}`, `*?[]`, `~`, `!`,
/// `\`, control characters — is left out rather than quoted: quoting differs per shell and per
/// position in the word, and no name inc offers needs those.
pub fn offerable(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with(['=', '#'])
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || SAFE.contains(c))
}

/// A help text as one line of printable text: its first line, control characters (tabs too,
/// which fish reads as the separator) blanked.
fn help_line(help: &str) -> String {
    let first = help.lines().next().unwrap_or_default();
    first
        .chars()
        .map(|c| {
            if c.is_control() || crate::text::is_unsafe(c) {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The shells inc answers, each printing only [`offerable`] candidates.
pub const SHELLS: Shells<'static> = Shells(&[
    &Filtered(Format::Bash),
    &Filtered(Format::Elvish),
    &Filtered(Format::Fish),
    &Filtered(Format::Powershell),
    &Filtered(Format::Zsh),
]);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Bash,
    Elvish,
    Fish,
    Powershell,
    Zsh,
}

/// One of clap_complete's shell adapters, with the candidates filtered and, for bash, a
/// registration script that expands nothing it reads.
struct Filtered(Format);

impl Filtered {
    fn clap(&self) -> &'static dyn EnvCompleter {
        match self.0 {
            Format::Bash => &clap_complete::env::Bash,
            Format::Elvish => &clap_complete::env::Elvish,
            Format::Fish => &clap_complete::env::Fish,
            Format::Powershell => &clap_complete::env::Powershell,
            Format::Zsh => &clap_complete::env::Zsh,
        }
    }
}

fn env_index() -> usize {
    std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse().ok())
        .unwrap_or_default()
}

fn env_separator() -> String {
    std::env::var("_CLAP_IFS").unwrap_or_else(|_| "\n".to_string())
}

impl EnvCompleter for Filtered {
    fn name(&self) -> &'static str {
        self.clap().name()
    }

    fn is(&self, name: &str) -> bool {
        self.clap().is(name)
    }

    fn write_registration(
        &self,
        var: &str,
        name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        if self.0 == Format::Bash {
            return bash_registration(var, name, bin, completer, buf);
        }
        self.clap()
            .write_registration(var, name, bin, completer, buf)
    }

    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        mut args: Vec<OsString>,
        current_dir: Option<&Path>,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        // Where each shell says the word being completed is: bash, zsh and elvish pass its
        // index, fish and PowerShell complete the last word; zsh may leave an empty last word out.
        let index = match self.0 {
            Format::Bash | Format::Elvish | Format::Zsh => env_index(),
            Format::Fish | Format::Powershell => args.len().saturating_sub(1),
        };
        if self.0 == Format::Zsh && args.len() == index {
            args.push(OsString::new());
        }
        let found = clap_complete::engine::complete(cmd, args, index, current_dir)?;
        let offered = found.iter().filter_map(|candidate| {
            let value = candidate.get_value().to_str()?;
            let help = candidate.get_help().map(|h| help_line(&h.to_string()));
            offerable(value).then_some((value, help))
        });
        write_candidates(self.0, offered, buf)
    }
}

/// Prints candidates as `format`'s registration script reads them.
fn write_candidates<'a>(
    format: Format,
    offered: impl Iterator<Item = (&'a str, Option<String>)>,
    buf: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Bash | Format::Elvish => {
            let separator = env_separator();
            for (i, (value, _)) in offered.enumerate() {
                if i != 0 {
                    buf.write_all(separator.as_bytes())?;
                }
                buf.write_all(value.as_bytes())?;
            }
        }
        Format::Zsh => {
            // `value:help`, a colon in the value escaped (runbook steps are `NAME:N`).
            let separator = env_separator();
            for (i, (value, help)) in offered.enumerate() {
                if i != 0 {
                    buf.write_all(separator.as_bytes())?;
                }
                write!(buf, "{}", value.replace(':', "\\:"))?;
                if let Some(help) = help {
                    write!(buf, ":{}", help.replace('\\', "\\\\"))?;
                }
            }
        }
        Format::Fish | Format::Powershell => {
            for (value, help) in offered {
                match help {
                    Some(help) => writeln!(buf, "{value}\t{help}")?,
                    None => writeln!(buf, "{value}")?,
                }
            }
        }
    }
    Ok(())
}

/// bash's registration: clap_complete's, except that inc's answer is split with `read -a`
/// rather than `COMPREPLY=( $(…) )`, whose unquoted expansion would also glob each candidate.
fn bash_registration(
    var: &str,
    name: &str,
    bin: &str,
    completer: &str,
    buf: &mut dyn Write,
) -> std::io::Result<()> {
    let function = format!("_clap_complete_{}", name.replace('-', "_"));
    let quote = |s: &str| {
        shlex::try_quote(s)
            .map(|q| q.into_owned())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (bin, completer) = (quote(bin)?, quote(completer)?);
    let script = r#"
FUNCTION() {
    local IFS=$'\013'
    local _CLAP_COMPLETE_INDEX=${COMP_CWORD}
    local _CLAP_COMPLETE_COMP_TYPE=${COMP_TYPE}
    if compopt +o nospace 2> /dev/null; then
        local _CLAP_COMPLETE_SPACE=false
    else
        local _CLAP_COMPLETE_SPACE=true
    fi
    local words=("${COMP_WORDS[@]}")
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        words[COMP_CWORD]="$2"
    fi
    local reply
    reply=$( \
        _CLAP_IFS="$IFS" \
        _CLAP_COMPLETE_INDEX="$_CLAP_COMPLETE_INDEX" \
        _CLAP_COMPLETE_COMP_TYPE="$_CLAP_COMPLETE_COMP_TYPE" \
        _CLAP_COMPLETE_SPACE="$_CLAP_COMPLETE_SPACE" \
        VAR="bash" \
        COMPLETER -- "${words[@]}" \
    ) || { unset COMPREPLY; return 0; }
    COMPREPLY=()
    if [[ -n "$reply" ]]; then
        read -r -d '' -a COMPREPLY < <(printf '%s' "$reply")
    fi
    if [[ $_CLAP_COMPLETE_SPACE == false ]] && [[ "${COMPREPLY-}" =~ [=/:]$ ]]; then
        compopt -o nospace
    fi
}
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -o nospace -o bashdefault -o nosort -F FUNCTION BIN
else
    complete -o nospace -o bashdefault -F FUNCTION BIN
fi
"#
    .replace("FUNCTION", &function)
    .replace("COMPLETER", &completer)
    .replace("BIN", &bin)
    .replace("VAR", var);
    writeln!(buf, "{script}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_inc_makes_are_offered() {
        for name in [
            "incident-lead",
            "2026-11-22-checkout-api-down",
            "2026-11-22-checkout-api-down#p00l1",
            "db-failover:1",
            "--template=board",
            "incidents/",
            "./notes.md",
            "user@example.com",
            "a+b,c",
            "störung",
            "障害",
        ] {
            assert!(offerable(name), "{name}");
        }
    }

    #[test]
    fn shell_syntax_is_left_out() {
        for name in [
            "",
            "$(touch x)",
            "$(id)",
            "zz$(touch${IFS}x)",
            "`id`",
            "a;b",
            "a|b",
            "a&b",
            "x y",
            "x\ty",
            "x\ny",
            "a>b",
            "<in",
            "*",
            "a?",
            "[ab]",
            "{a,b}",
            "~root",
            "!!",
            "a'b",
            "a\"b",
            "a\\b",
            "=ls",
            "#comment",
            "evil\u{1b}]0;x\u{7}",
            "\u{202e}txt",
            "x\u{b}y",
            "＄(id)",
        ] {
            assert!(!offerable(name), "{name:?}");
        }
    }

    #[test]
    fn help_is_one_line_without_controls() {
        assert_eq!(help_line("Page\tthe DBA\n$(id)"), "Page the DBA");
        assert_eq!(help_line("a\u{1b}[2Jb"), "a [2Jb");
        assert_eq!(help_line(""), "");
    }

    fn answer(format: Format, found: &[(&str, Option<&str>)]) -> String {
        let mut buf = Vec::new();
        let offered = found
            .iter()
            .filter(|(v, _)| offerable(v))
            .map(|(v, h)| (*v, h.map(help_line)));
        write_candidates(format, offered, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn each_shell_gets_only_the_offerable_candidates_in_its_format() {
        let found = [
            ("scribe", Some("Writes\nthings")),
            ("$(id)", None),
            ("db-failover:1", Some("Page the DBA")),
        ];
        assert_eq!(
            answer(Format::Fish, &found),
            "scribe\tWrites\ndb-failover:1\tPage the DBA\n"
        );
        assert_eq!(
            answer(Format::Zsh, &found),
            "scribe:Writes\ndb-failover\\:1:Page the DBA"
        );
        assert_eq!(answer(Format::Bash, &found), "scribe\ndb-failover:1");
    }

    #[test]
    fn the_bash_script_never_expands_the_answer() {
        let mut buf = Vec::new();
        bash_registration("COMPLETE", "inc", "inc", "/opt/my tools/inc", &mut buf).unwrap();
        let script = String::from_utf8(buf).unwrap();
        assert!(!script.contains("COMPREPLY=( $("), "{script}");
        assert!(script.contains("read -r -d '' -a COMPREPLY"), "{script}");
        assert!(script.contains("'/opt/my tools/inc' -- "), "{script}");
        assert!(script.contains("-F _clap_complete_inc inc\n"), "{script}");
    }
}
