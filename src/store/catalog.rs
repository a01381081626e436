//! Reading `.inc/catalog.yaml`, the optional services catalog: bounded, link-refusing, and
//! checked for what serde cannot see (duplicate names), with the file's line and column.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{MAX_CONFIG_BYTES, Store};
use crate::error::Error;
use crate::model::{self, catalog::Catalog};

impl Store {
    /// The services catalog, `None` when the repository has none. A catalog that does not parse,
    /// or lists a service twice, is an error naming its line and column.
    pub fn catalog(&self) -> Result<Option<Catalog>> {
        let Some((text, parsed)) = self.read_catalog()? else {
            return Ok(None);
        };
        let catalog = parsed?;
        if let Some((index, message)) = catalog.problems().into_iter().next() {
            let (line, column) = service_position(&text, index);
            return Err(catalog_error(line, column, message).into());
        }
        Ok(Some(catalog))
    }

    /// The catalog's text and what parsing it gave, `None` when there is no catalog; for
    /// `inc check`, which reports every problem rather than the first.
    pub fn read_catalog(&self) -> Result<Option<(String, Result<Catalog, Error>)>> {
        let path = self.root().join(model::catalog::FILE);
        let len = std::fs::symlink_metadata(&path).map_or(0, |m| m.len());
        if len > MAX_CONFIG_BYTES {
            return Err(catalog_error(
                1,
                1,
                format!(
                    "the catalog is larger than inc reads ({MAX_CONFIG_BYTES} bytes): it lists services by name, team, tier and description"
                ),
            )
            .into());
        }
        let Some(text) = self.read_text(&path)? else {
            return Ok(None);
        };
        let parsed = model::from_yaml::<Catalog>(Path::new(model::catalog::FILE), &text);
        Ok(Some((text, parsed)))
    }
}

fn catalog_error(line: u64, column: u64, message: String) -> Error {
    Error::File {
        path: PathBuf::from(model::catalog::FILE),
        line,
        column,
        message,
    }
}

/// Line and column of the `index`-th (0-based) service's `name:` in the catalog's text: the
/// `index`-th line with a `name:` key in the list (a flow-style list falls back to its start).
pub fn service_position(text: &str, index: usize) -> (u64, u64) {
    text.lines()
        .enumerate()
        .filter_map(|(number, line)| {
            let body = line.trim_start().trim_start_matches('-').trim_start();
            body.strip_prefix("name:")
                .map(|_| (number as u64 + 1, (line.len() - body.len()) as u64 + 1))
        })
        .nth(index)
        .unwrap_or_else(|| crate::model::locate::locate(text, &["services"]))
}
