//! Names for the files `inc attach` copies into an incident's `attachments/` directory.

use std::path::Path;

use super::ATTACHMENTS_DIR;
use crate::error::Error;

/// The note of the entry `inc attach` wrote for `name` (`Attached [NAME](attachments/NAME): NOTE`,
/// or without the link for a type that is never published): the text after the name, else the
/// whole text (a hand-written entry).
pub fn attachment_note<'a>(text: &'a str, name: &str) -> &'a str {
    let link = format!("Attached [{name}](attachments/{name})");
    let plain = format!("Attached {name}");
    match text.strip_prefix(&link) {
        Some(rest) => rest.trim_start_matches(':').trim(),
        None => match text.strip_prefix(&plain) {
            Some(rest) if rest.is_empty() || rest.starts_with(':') => {
                rest.trim_start_matches(':').trim()
            }
            _ => text,
        },
    }
}

/// Whether `name`, an entry's `attachment:`, is a plain file name in `attachments/`: the only
/// kind reports link and `inc check` accepts (a hand edit may put a path there).
pub fn is_attachment_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\'])
}

/// What a browser may be given of an attached file, decided by its name's last extension in
/// any case (`x.PNG.html` is HTML). A browser runs script in an HTML, SVG or XML file, and a
/// web server serves a file by its extension, so only types that cannot carry active content
/// are ever copied into a site or linked from a report; everything else, and a name without an
/// extension, is withheld.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachmentType {
    /// A picture shown inline: PNG, JPEG, GIF or WebP (never SVG, which can carry script).
    Image,
    /// A file linked for download or reading: plain text (`txt`, `log`), `pdf`, `csv`, `json`.
    Inert,
    /// Anything else (`html`, `svg`, `xml`, `js`, `md`, unknown, none): named, never linked,
    /// embedded or published.
    Withheld,
}

impl AttachmentType {
    /// Whether it may be linked from a report and copied into a site.
    pub fn is_published(self) -> bool {
        self != AttachmentType::Withheld
    }
}

/// The one allowlist of attachment types, used by reports and the site alike (see
/// [`AttachmentType`]). `csv` and `json` are in it: every web server knows them (`text/csv`,
/// `application/json`) and no browser runs either. `md` is not: servers that do not know it
/// send it without a type, and a browser then sniffs what it holds, HTML included.
pub fn attachment_type(name: &str) -> AttachmentType {
    let Some((_, ext)) = name.rsplit_once('.') else {
        return AttachmentType::Withheld;
    };
    match ext.to_ascii_lowercase().as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "webp" => AttachmentType::Image,
        "txt" | "log" | "pdf" | "csv" | "json" => AttachmentType::Inert,
        _ => AttachmentType::Withheld,
    }
}

/// The largest attached file inc copies out of the repository (into a site, beside a report).
pub const MAX_PUBLISHED: u64 = 50 * 1024 * 1024;

impl super::Store {
    /// The bytes of incident `id`'s attachment `name`, to copy beside a page: `None` when its
    /// type is never published, or it is missing, a link (or behind one), not a plain file, or
    /// larger than [`MAX_PUBLISHED`].
    pub fn published_attachment(&self, id: &str, name: &str) -> Option<Vec<u8>> {
        if !is_attachment_name(name) || !attachment_type(name).is_published() {
            return None;
        }
        let path = self.incident_dir(id).join(ATTACHMENTS_DIR).join(name);
        let ok = super::refuse_links(self.root(), &path).is_ok()
            && std::fs::symlink_metadata(&path)
                .is_ok_and(|m| m.is_file() && m.len() <= MAX_PUBLISHED);
        ok.then(|| std::fs::read(&path).ok()).flatten()
    }
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
    fn only_passive_types_are_published() {
        use AttachmentType::*;
        for (name, kind) in [
            ("graph.png", Image),
            ("GRAPH.JPEG", Image),
            ("a.b.Webp", Image),
            ("x.gif", Image),
            ("api.log", Inert),
            ("notes.TXT", Inert),
            ("postmortem.pdf", Inert),
            ("rows.csv", Inert),
            ("dump.json", Inert),
            ("evil.html", Withheld),
            ("evil.HTM", Withheld),
            ("x.PNG.html", Withheld),
            ("evil.svg", Withheld),
            ("evil.SVG", Withheld),
            ("feed.xml", Withheld),
            ("run.js", Withheld),
            ("notes.md", Withheld),
            ("page.xhtml", Withheld),
            ("noextension", Withheld),
            ("trailing.", Withheld),
            ("archive.tar.gz", Withheld),
        ] {
            assert_eq!(attachment_type(name), kind, "{name}");
            assert_eq!(attachment_type(name).is_published(), kind != Withheld);
        }
    }

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
