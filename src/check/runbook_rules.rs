//! The rules about `.inc/runbooks/*.md`: each parses (front matter without unknown keys, a
//! checklist), names only severities and types .inc.yaml knows, and paces its repeating steps in
//! order.

use super::{Level, Problem};
use crate::error::Error;
use crate::model::runbook;
use crate::store::layout::RUNBOOKS_DIR;
use crate::store::{Store, runbooks};

/// Problems in the repository's runbook files; none without a runbooks directory.
pub fn runbooks(store: &Store) -> Vec<Problem> {
    let mut problems = Vec::new();
    let dir = store.root().join(RUNBOOKS_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return problems;
    };
    let mut files: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| n.ends_with(".md"))
        .collect();
    files.sort();
    // A broken catalog is reported by its own rule; here it only means no service is checked.
    let catalog = store.catalog().ok().flatten();
    for file in files {
        let shown = format!("{}/{file}", RUNBOOKS_DIR);
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
        let (text, parsed) = match runbooks::read(store, name) {
            Ok(Some(text)) => {
                let parsed = runbook::parse(&runbooks::shown(name), name, &text);
                (text, parsed)
            }
            Ok(None) => continue,
            Err(err) => {
                let (at, message) = super::error_position(&err);
                problems.push(problem(at, Level::Error, "unreadable", message));
                continue;
            }
        };
        match parsed {
            Ok(found) => {
                for (line, column, message) in runbook::problems(&found, &text, store.config()) {
                    problems.push(problem((line, column), Level::Error, "runbook", message));
                }
                if let Some(catalog) = &catalog {
                    for (at, message) in unknown_services(&found, &text, catalog) {
                        problems.push(problem(at, Level::Error, "unknown-service", message));
                    }
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

/// Services in `when:` that the catalog does not list: such a runbook would never attach, since
/// `inc impact` only takes catalog names. Each is placed on its item under `services:`.
fn unknown_services(
    found: &runbook::Runbook,
    text: &str,
    catalog: &crate::model::catalog::Catalog,
) -> Vec<((u64, u64), String)> {
    found
        .front
        .when
        .services
        .iter()
        .filter(|s| !catalog.knows(s))
        .map(|service| {
            let hint = crate::error::did_you_mean(service, &catalog.names())
                .map(|s| format!("did you mean {s}? "))
                .unwrap_or_default();
            (
                position(text, "services", service),
                format!(
                    "service \"{service}\" is not in {}: {hint}use a listed service, or add it to the catalog",
                    crate::model::catalog::FILE
                ),
            )
        })
        .collect()
}

/// Where `value` is written after the `key:` line (flow or block list), else the key itself.
fn position(text: &str, key: &str, value: &str) -> (u64, u64) {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines
        .iter()
        .position(|l| l.trim_start().starts_with(&format!("{key}:")))
    else {
        return (1, 1);
    };
    for (i, line) in lines.iter().enumerate().skip(start).take(64) {
        if i > start && !line.trim_start().starts_with('-') {
            break;
        }
        if let Some(column) = line.find(value) {
            return (i as u64 + 1, column as u64 + 1);
        }
    }
    let line = lines[start];
    (
        start as u64 + 1,
        (line.len() - line.trim_start().len()) as u64 + 1,
    )
}
