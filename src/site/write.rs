//! Writing a site into its directory, page by page as it is made: only the files whose bytes
//! changed, and removing the files an earlier build wrote that this one no longer has (an
//! incident deleted, a site rebuilt `--public`). A manifest (`.inc-site`) lists what inc wrote,
//! so a directory that holds other files is never emptied: inc refuses a non-empty directory
//! without one.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};

use super::Page;
use crate::error::Error;
use crate::store::{refuse_links, write_atomic};

/// The manifest of the files inc wrote, one relative path a line.
pub const MANIFEST: &str = ".inc-site";

/// What a write did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Writes a site under its directory (created if missing) page by page, as they are made (a site of 20,000 incidents is never held
/// whole), then removes what an earlier build wrote that this one did not, and records what it
/// wrote in the manifest.
pub struct Writer<'a> {
    dir: &'a Path,
    manifest: PathBuf,
    /// What the manifest listed (`None`: a new or empty directory).
    before: Option<BTreeSet<String>>,
    now: BTreeSet<String>,
    done: Written,
}

impl<'a> Writer<'a> {
    /// Refuses a directory with files in it that no earlier `inc site` made, before writing any.
    pub fn open(dir: &'a Path) -> Result<Writer<'a>> {
        let manifest = dir.join(MANIFEST);
        let before: Option<BTreeSet<String>> = match std::fs::symlink_metadata(dir) {
            Err(_) => None,
            Ok(meta) if !meta.is_dir() => {
                return Err(Error::usage(format!(
                    "{} is not a directory: give -o a directory for the site",
                    dir.display()
                ))
                .into());
            }
            Ok(_) => {
                refuse_links(dir, &manifest)?;
                match std::fs::read_to_string(&manifest) {
                    Ok(text) => Some(text.lines().map(str::to_string).collect()),
                    Err(_) if std::fs::read_dir(dir)?.next().is_none() => None,
                    Err(_) => {
                        return Err(Error::usage(format!(
                            "{} holds files that inc site did not write: give -o a new or empty directory",
                            dir.display()
                        ))
                        .into());
                    }
                }
            }
        };
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Writer {
            dir,
            manifest,
            before,
            now: BTreeSet::new(),
            done: Written::default(),
        })
    }

    /// Writes one page, unless the file already holds exactly its bytes.
    pub fn page(&mut self, page: &Page) -> Result<()> {
        if !is_relative(&page.path) {
            // Paths come from ids and attachment names, which the builder has checked.
            return Err(anyhow::anyhow!(
                "refusing to write outside the site: {}",
                page.path
            ));
        }
        let path = self.dir.join(&page.path);
        refuse_links(self.dir, &path)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let same = std::fs::symlink_metadata(&path)
            .is_ok_and(|m| m.is_file() && m.len() == page.bytes.len() as u64)
            && holds(&path, &page.bytes);
        if same {
            self.done.unchanged += 1;
        } else {
            write_atomic(&path, &page.bytes)?;
            self.done.written += 1;
        }
        self.now.insert(page.path.clone());
        Ok(())
    }

    /// Removes the files of the earlier build that this one did not write, and writes the
    /// manifest.
    pub fn finish(self) -> Result<Written> {
        let Writer {
            dir,
            manifest,
            before,
            now,
            mut done,
        } = self;
        // The directories the removed files were in, deepest first, for the sweep below.
        let mut emptied: BTreeSet<PathBuf> = BTreeSet::new();
        for stale in before.unwrap_or_default().difference(&now) {
            if !is_relative(stale) {
                continue;
            }
            let path = dir.join(stale);
            if refuse_links(dir, &path).is_ok()
                && std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
            {
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
                done.removed += 1;
                emptied.extend(Path::new(stale).ancestors().skip(1).map(Path::to_path_buf));
            }
        }
        // A directory the earlier build made and this one left empty goes too (a site rebuilt
        // `--public` keeps nothing of the internal one). Only below the site's directory, never
        // through a link, and never one that still holds anything: `remove_dir` removes only an
        // empty directory, so a file someone else put there keeps it (and its parents).
        for rel in emptied.iter().rev() {
            if rel.as_os_str().is_empty() {
                continue;
            }
            let path = dir.join(rel);
            let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
            if is_dir && refuse_links(dir, &path).is_ok() {
                let _ = std::fs::remove_dir(&path);
            }
        }
        let mut list: String = now.iter().map(|p| format!("{p}\n")).collect();
        if list.is_empty() {
            list.push('\n');
        }
        if std::fs::read_to_string(&manifest).ok().as_deref() != Some(list.as_str()) {
            write_atomic(&manifest, list.as_bytes())?;
        }
        Ok(done)
    }
}

/// Whether the file at `path` holds exactly `bytes`, read a block at a time: the index of a
/// large site is megabytes, and reading it whole beside the new one doubled a rebuild's peak.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::BufRead;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut reader = std::io::BufReader::with_capacity(64 * 1024, file);
    let mut offset = 0;
    loop {
        let Ok(block) = reader.fill_buf() else {
            return false;
        };
        if block.is_empty() {
            return offset == bytes.len();
        }
        let len = block.len();
        if bytes.get(offset..offset + len) != Some(block) {
            return false;
        }
        offset += len;
        reader.consume(len);
    }
}

/// A plain relative path: no root, no `..`, no `.` parts, not the manifest.
fn is_relative(path: &str) -> bool {
    !path.is_empty()
        && path != MANIFEST
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// All of `pages`, as `inc site` writes them.
    fn write(dir: &Path, pages: &[Page]) -> Result<Written> {
        let mut writer = Writer::open(dir)?;
        for page in pages {
            writer.page(page)?;
        }
        writer.finish()
    }

    #[test]
    fn a_page_is_compared_with_the_file_block_by_block() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.html");
        let text: Vec<u8> = (0..200_000u32).map(|n| b'a' + (n % 26) as u8).collect();
        std::fs::write(&path, &text).unwrap();
        assert!(holds(&path, &text));
        let mut other = text.clone();
        other[150_000] = b'!';
        assert!(!holds(&path, &other));
        assert!(!holds(&path, &text[..199_999]));
        assert!(!holds(&path, &[text.as_slice(), b"x"].concat()));
        assert!(!holds(&dir.path().join("missing"), b""));
    }

    #[test]
    fn rewrites_only_what_changed_and_removes_what_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let page = |path: &str, text: &str| Page {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        };
        let first = write(&site, &[page("a.html", "a"), page("x/b.html", "b")]).unwrap();
        assert_eq!((first.written, first.unchanged), (2, 0));
        let second = write(&site, &[page("a.html", "a2")]).unwrap();
        assert_eq!(
            (second.written, second.unchanged, second.removed),
            (1, 0, 1)
        );
        assert!(!site.join("x/b.html").exists());
        assert!(write(&site, &[page("../escape", "x")]).is_err());
        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("mine.txt"), "x").unwrap();
        assert!(write(&other, &[page("a.html", "a")]).is_err());
    }

    /// Every path under `dir` (files and directories), relative.
    fn tree(dir: &Path) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let mut todo = vec![dir.to_path_buf()];
        while let Some(at) = todo.pop() {
            for entry in std::fs::read_dir(&at).unwrap() {
                let path = entry.unwrap().path();
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if std::fs::symlink_metadata(&path).unwrap().is_dir() {
                    todo.push(path);
                }
                found.insert(rel);
            }
        }
        found
    }

    #[test]
    fn directories_left_empty_go_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let page = |path: &str| Page {
            path: path.into(),
            bytes: path.as_bytes().to_vec(),
        };
        write(
            &site,
            &[
                page("index.html"),
                page("incidents/a.html"),
                page("incidents/a/attachments/x.png"),
                page("incidents/b/attachments/y.png"),
                page("incidents/c/attachments/z.png"),
                page("incidents/d/attachments/w.png"),
            ],
        )
        .unwrap();
        // Someone else's file in c's directory keeps it; d's attachments/ is a link (to a
        // directory outside the site) that is never followed.
        std::fs::write(site.join("incidents/c/mine.txt"), "mine").unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::remove_dir_all(site.join("incidents/d/attachments")).unwrap();
        std::os::unix::fs::symlink(&outside, site.join("incidents/d/attachments")).unwrap();
        let done = write(
            &site,
            &[page("index.html"), page("incidents/b/attachments/y.png")],
        )
        .unwrap();
        assert_eq!(done.removed, 3, "{done:?}");
        assert_eq!(
            tree(&site),
            [
                ".inc-site",
                "incidents",
                "incidents/b",
                "incidents/b/attachments",
                "incidents/b/attachments/y.png",
                "incidents/c",
                "incidents/c/mine.txt",
                "incidents/d",
                "incidents/d/attachments",
                "index.html",
            ]
            .map(String::from)
            .into()
        );
        assert!(outside.is_dir());
    }

    #[test]
    fn a_manifest_cannot_point_the_sweep_outside() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(dir.path().join("empty/inner")).unwrap();
        std::fs::create_dir(&site).unwrap();
        std::fs::write(
            site.join(MANIFEST),
            "../empty/inner/x.html\n/tmp/x.html\nsub/../../empty/y\n",
        )
        .unwrap();
        write(&site, &[]).unwrap();
        assert!(dir.path().join("empty/inner").is_dir());
    }
}
