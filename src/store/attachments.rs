//! Names for the files `inc attach` copies into an incident's `attachments/` directory.

use std::path::Path;

use crate::error::Error;

/// The directory in each incident that holds its attachments.
pub const ATTACHMENTS_DIR: &str = "attachments";

/// Whether `name`, an entry's `attachment:`, is a plain file name in `attachments/`: the only
/// kind reports link and `inc check` accepts (a hand edit may put a path there).
pub fn is_attachment_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\'])
}

/// The longest name (without the extension) an attachment gets.
const MAX_STEM: usize = 60;

/// A name for `file` in `dir` that is safe everywhere (lower case letters, digits and dashes,
/// then the extension in lower case) and not taken yet: `-2`, `-3` … are added rather than
/// replacing an earlier attachment. A dangling link counts as taken.
pub fn attachment_name(dir: &Path, file: &Path) -> Result<String, Error> {
    let given = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (stem, ext) = match given.rsplit_once('.') {
        Some((stem, ext)) if !stem.trim_matches('.').is_empty() && !ext.is_empty() => {
            (stem, Some(ext))
        }
        _ => (given.as_str(), None),
    };
    let mut stem = slug::slugify(stem);
    if stem.len() > MAX_STEM {
        stem.truncate(MAX_STEM);
        stem = stem.trim_end_matches('-').to_string();
    }
    if stem.is_empty() {
        stem = "attachment".into();
    }
    let ext: String = ext
        .map(|e| {
            e.chars()
                .filter(char::is_ascii_alphanumeric)
                .take(10)
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let with = |suffix: &str| match ext.as_str() {
        "" => format!("{stem}{suffix}"),
        ext => format!("{stem}{suffix}.{ext}"),
    };
    let free = |name: &str| std::fs::symlink_metadata(dir.join(name)).is_err();
    let first = with("");
    if free(&first) {
        return Ok(first);
    }
    (2..10_000)
        .map(|n| with(&format!("-{n}")))
        .find(|name| free(name))
        .ok_or_else(|| {
            Error::state(format!(
                "{} holds too many files named like {first}: rename the file",
                dir.display()
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_and_never_taken() {
        let dir = tempfile::tempdir().unwrap();
        let name = |f: &str| attachment_name(dir.path(), Path::new(f)).unwrap();
        assert_eq!(
            name("/tmp/Screen Shot 2026.11.22.PNG"),
            "screen-shot-2026-11-22.png"
        );
        assert_eq!(name("../../etc/passwd"), "passwd");
        assert_eq!(name(".bashrc"), "bashrc");
        assert_eq!(name("Grafana p99 (EU).JPeG"), "grafana-p99-eu.jpeg");
        assert_eq!(name("日本.txt"), "ri-ben.txt");
        std::fs::write(dir.path().join("graph.png"), b"x").unwrap();
        assert_eq!(name("Graph.png"), "graph-2.png");
        std::os::unix::fs::symlink("/nowhere", dir.path().join("graph-2.png")).unwrap();
        assert_eq!(name("graph.png"), "graph-3.png");
    }
}
