//! The link extension of a split index: the shared index it builds on, and which of the shared
//! index's positions it deletes or replaces (two EWAH bitmaps).

use super::ewah::{ewah, read_ewah};

/// What the split file says about the shared index.
pub(super) struct Link {
    /// The shared index's checksum, which names its file; all zeros before git wrote one.
    pub shared: [u8; 20],
    /// Positions of the shared index deleted, in order.
    pub deleted: Vec<usize>,
    /// Positions of the shared index replaced by the split file's first entries, in order.
    pub replaced: Vec<usize>,
}

impl Link {
    /// The extension's data, as git writes it.
    pub fn bytes(&self) -> Vec<u8> {
        let mut data = self.shared.to_vec();
        ewah(&mut data, &self.deleted);
        ewah(&mut data, &self.replaced);
        data
    }
}

/// The link extension `data`, or `None` when it does not parse as git requires.
pub(super) fn read_link(data: &[u8]) -> Option<Link> {
    let shared: [u8; 20] = data.get(..20)?.try_into().ok()?;
    let mut rest = &data[20..];
    if rest.is_empty() {
        return Some(Link {
            shared,
            deleted: Vec::new(),
            replaced: Vec::new(),
        });
    }
    let deleted = read_ewah(&mut rest)?;
    let replaced = read_ewah(&mut rest)?;
    if !rest.is_empty() {
        return None;
    }
    // git refuses an entry marked both replaced and deleted.
    if replaced.iter().any(|p| deleted.binary_search(p).is_ok()) {
        return None;
    }
    Some(Link {
        shared,
        deleted,
        replaced,
    })
}
