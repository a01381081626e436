//! The layers of the crate (see the map in src/lib.rs): every `crate::` path in src/ is checked
//! against it, so an import that runs back up fails here rather than in a reviewer's eye. git2
//! is used only under src/git/.

use std::collections::BTreeSet;
use std::path::Path;

/// The floor of each top-level module: a module may name those on its floor or below, never one
/// above. Kept in step with the map in src/lib.rs.
fn floor(module: &str) -> Option<u8> {
    Some(match module {
        "error" | "text" | "names" | "journal" | "svg" => 0,
        "time" | "git" | "model" => 1,
        "store" => 2,
        "sla" | "merge" | "stats" | "search" | "actions" | "maintenance" | "editor" | "runbook"
        | "related" | "duties" | "chart" | "views" | "public" | "report" | "check" | "site"
        | "hooks" | "webhooks" | "export" | "import" => 3,
        // What commands share from the command line: its argument groups, the environment, the
        // settings, the terminal and completion.
        "cli::args" | "cli::env" | "cli::settings" | "cli::term" | "cli::complete" => 4,
        "commands" => 5,
        // The parser, the dispatcher and what each command needs: above every command.
        "cli" => 6,
        _ => return None,
    })
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_names_one_on_a_floor_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = BTreeSet::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let parts: Vec<String> = rel
            .components()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .collect();
        let module = parts[0].as_str();
        let own = match parts.get(1) {
            Some(sub) => floor(&format!("{module}::{sub}")).or(floor(module)),
            None => floor(module),
        };
        let Some(own) = own else { continue };
        let text = std::fs::read_to_string(&file).unwrap();
        // Unit tests may reach anywhere to set up what they test.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let word = |text: &str| -> String {
                text.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            };
            let mut name = word(rest);
            if let Some(sub) = rest[name.len()..].strip_prefix("::") {
                let deeper = format!("{name}::{}", word(sub));
                if floor(&deeper).is_some() {
                    name = deeper;
                }
            }
            if let Some(theirs) = floor(&name)
                && theirs > own
            {
                wrong.insert(format!("{} names crate::{name}", rel.display()));
            }
        }
        if module != "git" && code.contains("git2::") {
            wrong.insert(format!("{} uses git2 outside src/git/", rel.display()));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that run back up (see the map in src/lib.rs):\n{}",
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
}
