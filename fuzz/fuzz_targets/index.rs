//! inc's own git index readers (`inc::git::index`): any bytes, as a plain index or as a split index
//! over a shared one, are refused with a reason or patched into an index that reads back; never
//! a panic. Input: a 4-byte big-endian length N, N bytes of `.git/index`, then the shared index.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    inc::git::index::fuzz::read_and_patch(data);
});
