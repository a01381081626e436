//! How a run of checks is printed: text for people, GitHub workflow commands, JSON.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use super::{Level, Problem};

/// Counts of a run of checks.
pub fn counts(problems: &[Problem]) -> (usize, usize) {
    let errors = problems.iter().filter(|p| p.level == Level::Error).count();
    (errors, problems.len() - errors)
}

/// For people: problems grouped by file, then a summary line.
pub fn text(problems: &[Problem], incidents: usize) -> String {
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for p in problems {
        if current != Some(p.file.as_str()) {
            if current.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{}", p.file);
            current = Some(&p.file);
        }
        let position = format!("{}:{}", p.line, p.column);
        let _ = writeln!(
            out,
            "  {position:<7} {:<8} {}  [{}]",
            p.level.name(),
            p.message,
            p.rule
        );
    }
    let (errors, warnings) = counts(problems);
    let checked = format!(
        "{incidents} incident{}",
        if incidents == 1 { "" } else { "s" }
    );
    if problems.is_empty() {
        let _ = writeln!(out, "No problems in {checked}.");
    } else {
        let files: BTreeSet<&str> = problems.iter().map(|p| p.file.as_str()).collect();
        let _ = writeln!(
            out,
            "\n{} and {} in {} file{} ({checked} checked).",
            crate::text::plural(errors, "error"),
            crate::text::plural(warnings, "warning"),
            files.len(),
            if files.len() == 1 { "" } else { "s" },
        );
    }
    out
}

/// GitHub Actions workflow commands: each problem shows on its line of the pull request.
pub fn github(problems: &[Problem]) -> String {
    let mut out = String::new();
    for p in problems {
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            p.level.name(),
            escape_property(&p.file),
            p.line,
            p.column,
            escape_property(&format!("inc check: {}", p.rule)),
            escape_data(&p.message)
        );
    }
    out
}

/// Escaping of a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// What `inc check --json` prints.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Report<'a> {
    /// How many incidents were checked.
    pub incidents: usize,
    pub errors: usize,
    pub warnings: usize,
    pub problems: &'a [Problem],
}

/// For other tools.
pub fn json(problems: &[Problem], incidents: usize) -> String {
    let (errors, warnings) = counts(problems);
    let report = Report {
        incidents,
        errors,
        warnings,
        problems,
    };
    let mut text = crate::text::escape_json(
        serde_json::to_string_pretty(&report).expect("problems serialize"),
    );
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_commands_escape_their_parts() {
        let problem = Problem {
            file: "incidents/a,b/x.yaml".into(),
            line: 3,
            column: 1,
            level: Level::Error,
            rule: "parse",
            message: "100% wrong\nsecond line".into(),
        };
        assert_eq!(
            github(&[problem]),
            "::error file=incidents/a%2Cb/x.yaml,line=3,col=1,title=inc check%3A parse::100%25 wrong%0Asecond line\n"
        );
    }
}
