//! The rules about `.inc/runbooks/*.md`: each parses (front matter without unknown keys, a
//! checklist), names only severities and types .inc.yaml knows, and paces its repeating steps in
//! order.

use super::{Level, Problem};
use crate::error::Error;
use crate::runbook;
use crate::store::Store;

/// Problems in the repository's runbook files; none without a runbooks directory.
pub fn runbooks(store: &Store) -> Vec<Problem> {
    let mut problems = Vec::new();
    let dir = store.root().join(runbook::DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return problems;
    };
    let mut files: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| n.ends_with(".md"))
        .collect();
    files.sort();
    for file in files {
        let shown = format!("{}/{file}", runbook::DIR);
        let problem = |(line, column): (u64, u64), level, rule, message: String| Problem {
            file: shown.clone(),
            line,
            column,
            level,
            rule,
            message,
        };
        let name = file.trim_end_matches(".md");
        if !runbook::valid_name(name) {
            problems.push(problem(
                (1, 1),
                Level::Warning,
                "runbook-name",
                format!(
                    "\"{name}\" is not a runbook name inc can attach: rename the file to lowercase letters, digits, - and _"
                ),
            ));
            continue;
        }
        let (text, parsed) = match runbook::read(store, name) {
            Ok(Some(text)) => {
                let parsed = runbook::parse(&runbook::shown(name), name, &text);
                (text, parsed)
            }
            Ok(None) => continue,
            Err(err) => {
                let (at, message) = match err.downcast_ref::<Error>() {
                    Some(Error::File {
                        line,
                        column,
                        message,
                        ..
                    }) => ((*line, *column), message.clone()),
                    _ => ((1, 1), format!("{err:#}")),
                };
                problems.push(problem(at, Level::Error, "unreadable", message));
                continue;
            }
        };
        match parsed {
            Ok(found) => {
                for (line, column, message) in runbook::problems(&found, &text, store.config()) {
                    problems.push(problem((line, column), Level::Error, "runbook", message));
                }
            }
            Err(Error::File {
                line,
                column,
                message,
                ..
            }) => problems.push(problem((line, column), Level::Error, "parse", message)),
            Err(other) => problems.push(problem((1, 1), Level::Error, "parse", other.to_string())),
        }
    }
    problems
}
