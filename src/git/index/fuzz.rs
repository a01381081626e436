//! What the `index` fuzz target runs on each input, here so that a test can run it too over the
//! seeds in `fuzz/seeds/index/` and every truncation and many byte flips of them: any bytes, read
//! as an index and as a split index over a shared one, are refused with a reason or patched into
//! an index that reads back. Never a panic, an abort or an allocation the input does not justify.

use std::sync::OnceLock;

use super::change::Update;
use super::plain::patch;
use super::{check, format, split};

/// The paths the updates touch: two in the seeds (one of them shared, in the split seed), one
/// new, one removed.
const SET: [&str; 3] = [
    "incidents/x/timeline.yaml",
    ".inc.yaml",
    "incidents/z/timeline.yaml",
];
const REMOVED: &str = "incidents/y/incident.yaml";

/// `data`: a 4-byte big-endian length N, N bytes of `.git/index`, then the shared index it names
/// (empty for a plain index). Data whose length runs past its end is all index.
pub fn read_and_patch(data: &[u8]) {
    let (index, shared) = parts(data);
    // Any directory's stat data do for the new entries.
    static META: OnceLock<std::fs::Metadata> = OnceLock::new();
    let meta = META.get_or_init(|| std::fs::metadata(std::env::temp_dir()).expect("a temp dir"));
    let mut updates: Vec<Update<'_>> = SET
        .iter()
        .map(|path| Update::Set {
            path,
            id: [7; 20],
            meta,
        })
        .collect();
    updates.push(Update::Remove { path: REMOVED });

    let readable = check(index).is_ok();
    if let Ok(Some(new)) = patch(index, &updates, (0, 0))
        && readable
    {
        let why = check(&new).err();
        assert_eq!(why, None, "a patched index reads back");
        // Sorted: an index whose entries are out of order (git reads one) stays so.
        let mut got = paths(&new);
        got.sort();
        assert_eq!(got, expected(index), "the patch is what was asked");
    }

    let _ = split::is_split(index);
    let link = split::link_id(index);
    let shared_readable = check(shared).is_ok();
    let _ = split::fits(index, shared);
    if let Ok(Some(new)) = split::patch(index, shared, &updates, None, (0, 0))
        && readable
        && shared_readable
    {
        let why = check(&new).err();
        assert_eq!(why, None, "a patched split index reads back");
        assert_eq!(split::link_id(&new), link, "it names the same shared index");
    }
}

fn parts(data: &[u8]) -> (&[u8], &[u8]) {
    let Some(length) = data.get(..4) else {
        return (data, &[]);
    };
    let length = u32::from_be_bytes(length.try_into().expect("4 bytes")) as usize;
    match data[4..].split_at_checked(length) {
        Some(parts) => parts,
        None => (&data[4..], &[]),
    }
}

/// The paths of a readable plain index, in order.
fn paths(index: &[u8]) -> Vec<Vec<u8>> {
    let (version, count) = format::header(index).expect("a readable index");
    let mut found = Vec::new();
    let mut offset = format::HEADER;
    format::entries(
        &index[..index.len() - format::TRAILER],
        version,
        count,
        &mut offset,
        |_, _, path| found.push(path.to_vec()),
    )
    .expect("a readable index");
    found
}

/// The paths `index` should hold once patched, sorted: every path set, none removed.
fn expected(index: &[u8]) -> Vec<Vec<u8>> {
    let mut wanted = paths(index);
    wanted.retain(|p| p != REMOVED.as_bytes());
    for path in SET {
        if !wanted.iter().any(|p| p == path.as_bytes()) {
            wanted.push(path.as_bytes().to_vec());
        }
    }
    wanted.sort();
    wanted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeds() -> Vec<(String, Vec<u8>)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/index");
        let mut seeds: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .expect("fuzz/seeds/index")
            .map(|e| {
                let path = e.expect("a seed").path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&path).expect("a seed"))
            })
            .collect();
        seeds.sort();
        assert!(seeds.len() >= 3, "the plain and split seeds");
        seeds
    }

    fn joined(index: &[u8], shared: &[u8]) -> Vec<u8> {
        let mut data = (index.len() as u32).to_be_bytes().to_vec();
        data.extend_from_slice(index);
        data.extend_from_slice(shared);
        data
    }

    #[test]
    fn the_seeds_are_real_indexes_that_patch() {
        for (name, data) in seeds() {
            let (index, shared) = parts(&data);
            assert_eq!(check(index), Ok(()), "{name}");
            if shared.is_empty() {
                if name.contains("v4") {
                    // Version 4 unsplit is left to libgit2; it must read, though.
                    assert_eq!(patch(index, &[], (0, 0)), Ok(None), "{name}");
                } else {
                    assert!(matches!(patch(index, &[], (0, 0)), Ok(Some(_))), "{name}");
                }
            } else {
                assert_eq!(check(shared), Ok(()), "{name}");
                assert!(split::is_split(index), "{name}");
                let updates = [Update::Remove { path: SET[0] }];
                let new = split::patch(index, shared, &updates, Some(100), (0, 0));
                assert!(matches!(new, Ok(Some(_))), "{name}: {new:?}");
            }
            read_and_patch(&data);
        }
    }

    /// Every truncation and three flips of every byte, of each part of each seed.
    #[test]
    fn damaged_seeds_are_refused_or_patched_never_a_panic() {
        for (_, data) in seeds() {
            let (index, shared) = parts(&data);
            for part in [0, 1] {
                let bytes = if part == 0 { index } else { shared };
                let with = |damaged: &[u8]| {
                    if part == 0 {
                        joined(damaged, shared)
                    } else {
                        joined(index, damaged)
                    }
                };
                for length in 0..bytes.len() {
                    read_and_patch(&with(&bytes[..length]));
                }
                for at in 0..bytes.len() {
                    for flip in [0xff, 0x01, 0x80] {
                        let mut damaged = bytes.to_vec();
                        damaged[at] ^= flip;
                        read_and_patch(&with(&damaged));
                    }
                }
            }
        }
    }

    #[test]
    fn hostile_counts_and_nesting_are_refused_cheaply() {
        // Four billion entries in 32 bytes.
        let mut index = b"DIRC\0\0\0\x02\xff\xff\xff\xff".to_vec();
        index.extend_from_slice(&[0; 20]);
        assert!(check(&index).unwrap_err().contains("4294967295 entries"));
        read_and_patch(&joined(&index, &index));
        // Cached trees nested a million deep, with a child count past any memory.
        let mut tree = Vec::new();
        for _ in 0..1_000_000 {
            tree.extend_from_slice(b"incidents\0-1 1\n");
        }
        tree.extend_from_slice(b"x\0-1 18446744073709551615\n");
        let mut index = b"DIRC\0\0\0\x02\0\0\0\0TREE".to_vec();
        index.extend_from_slice(&(tree.len() as u32).to_be_bytes());
        index.extend_from_slice(&tree);
        index.extend_from_slice(&[0; 20]);
        assert_eq!(
            check(&index),
            Err("its cached trees (TREE) do not parse".into())
        );
        read_and_patch(&joined(&index, &[]));
    }
}
