//! The EWAH bitmaps of a split index's link extension (git's ewah/ewah_io.c layout): which
//! positions of the shared index the split file replaces or deletes.

use super::format::be32;

/// More entries than any index this module patches holds (the index is 62 bytes an entry).
const MAX_POSITIONS: usize = 1 << 24;

/// Bits of a run-length word: the running bit, 32 bits of run length, 31 of literal count.
const RUN_BITS: u32 = 32;

/// The set positions of an EWAH bitmap (git's ewah/ewah_io.c layout), in order.
pub(super) fn read_ewah(data: &mut &[u8]) -> Option<Vec<usize>> {
    let words = be32(data.get(4..8)?) as usize;
    let end = 8 + words.checked_mul(8)? + 4;
    if data.len() < end {
        return None;
    }
    let bytes = &data[8..end - 4];
    *data = &data[end..];
    let word = |i: usize| u64::from_be_bytes(bytes[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
    let mut positions = Vec::new();
    let mut position = 0usize;
    let mut i = 0;
    while i < words {
        let marker = word(i);
        let run = ((marker >> 1) & ((1 << RUN_BITS) - 1)) as usize * 64;
        let literals = (marker >> (RUN_BITS + 1)) as usize;
        // No bitmap of an index this module patches reaches past MAX_POSITIONS: a hostile run
        // is neither expanded nor added up past it.
        let end = position
            .checked_add(run)
            .filter(|&end| end <= MAX_POSITIONS)?;
        if marker & 1 != 0 {
            positions.extend(position..end);
        }
        position = end;
        i += 1;
        for _ in 0..literals {
            let bits = if i < words { word(i) } else { return None };
            if position + 64 > MAX_POSITIONS {
                return None;
            }
            for bit in 0..64 {
                if bits & (1 << bit) != 0 {
                    positions.push(position + bit);
                }
            }
            position += 64;
            i += 1;
        }
    }
    Some(positions)
}

/// Appends an EWAH bitmap of `positions` (sorted): runs of empty words, then literal words.
pub(super) fn ewah(out: &mut Vec<u8>, positions: &[usize]) {
    let mut words: Vec<u64> = vec![0];
    let mut marker = 0;
    let mut next_word = 0; // the first word index the words written so far do not cover
    let mut i = 0;
    while i < positions.len() {
        let word_index = positions[i] / 64;
        let mut bits = 0u64;
        while i < positions.len() && positions[i] / 64 == word_index {
            bits |= 1 << (positions[i] % 64);
            i += 1;
        }
        let gap = (word_index - next_word) as u64;
        let literals = words[marker] >> (RUN_BITS + 1);
        if gap == 0 && literals > 0 {
            words[marker] += 1 << (RUN_BITS + 1);
        } else {
            if literals > 0 {
                marker = words.len();
                words.push(0);
            }
            words[marker] = (gap << 1) | (1 << (RUN_BITS + 1));
        }
        words.push(bits);
        next_word = word_index + 1;
    }
    let bit_size = positions.last().map_or(0, |p| p + 1) as u32;
    out.extend_from_slice(&bit_size.to_be_bytes());
    out.extend_from_slice(&(words.len() as u32).to_be_bytes());
    for word in &words {
        out.extend_from_slice(&word.to_be_bytes());
    }
    out.extend_from_slice(&(marker as u32).to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(positions: &[usize]) {
        let mut bytes = Vec::new();
        ewah(&mut bytes, positions);
        let mut data = bytes.as_slice();
        assert_eq!(read_ewah(&mut data).unwrap(), positions);
        assert!(data.is_empty());
    }

    #[test]
    fn ewah_bitmaps_round_trip() {
        round_trip(&[]);
        round_trip(&[0]);
        round_trip(&[63, 64]);
        round_trip(&[5, 9, 200, 201, 100_000]);
        round_trip(&(0..130).collect::<Vec<_>>());
    }

    #[test]
    fn an_empty_ewah_bitmap_is_written_as_git_writes_it() {
        let mut bytes = Vec::new();
        ewah(&mut bytes, &[]);
        assert_eq!(
            bytes,
            [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        );
    }
}
