//! A plain writer for long tables (`inc list --all` at thousands of incidents). It writes the
//! text comfy-table gives for a [`super::table`] printed with `trim_fmt` when there is no width
//! to fit, byte for byte, without comfy-table's per-cell layout, which took a quarter of a warm
//! `inc list --all` at 20,000 incidents.

use std::io::IsTerminal;

use unicode_width::UnicodeWidthStr;

/// Spaces after every column (the padding `views::table` sets).
const GAP: usize = 2;

/// What `super::table(header)` with `rows` prints with `trim_fmt`, or `None` when comfy-table
/// must lay it out: on a terminal, where it fits the table to the width.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> Option<String> {
    if std::io::stdout().is_terminal() {
        return None;
    }
    unfitted(header, rows)
}

/// The table at its natural width; `None` for what comfy-table lays out differently (a cell
/// with a line break becomes several lines, a short row is padded).
fn unfitted(header: &[&str], rows: &[Vec<String>]) -> Option<String> {
    let header: Vec<String> = header.iter().map(|h| h.to_uppercase()).collect();
    let columns = header.len();
    if rows.iter().any(|row| row.len() != columns)
        || std::iter::once(&header)
            .chain(rows)
            .flatten()
            .any(|cell| cell.contains('\n'))
    {
        return None;
    }
    let cell_widths: Vec<Vec<usize>> = std::iter::once(&header)
        .chain(rows)
        .map(|row| row.iter().map(|cell| cell.width()).collect())
        .collect();
    let mut widths = vec![0; columns];
    for row in &cell_widths {
        for (width, &cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell);
        }
    }
    let line_width: usize = widths.iter().map(|w| w + GAP).sum();
    let mut out = String::with_capacity((rows.len() + 1) * (line_width + 1));
    let mut line = String::with_capacity(line_width * 4);
    for (index, (row, row_widths)) in std::iter::once(&header)
        .chain(rows)
        .zip(&cell_widths)
        .enumerate()
    {
        line.clear();
        for ((cell, &cell_width), &width) in row.iter().zip(row_widths).zip(&widths) {
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width - cell_width + GAP));
        }
        if index > 0 {
            out.push('\n');
        }
        out.push_str(line.trim_end());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The comfy-table text the plain writer must equal.
    fn comfy(header: &[&str], rows: &[Vec<String>]) -> String {
        let mut table = super::super::table(header);
        table.force_no_tty();
        for row in rows {
            table.add_row(row.clone());
        }
        table.trim_fmt()
    }

    /// Cells from a fixed pseudo-random sequence: ASCII, accents, wide CJK, emoji, zero-width
    /// and combining characters, control characters, tabs, leading and trailing spaces, empty.
    fn cells(seed: u64, count: usize) -> Vec<String> {
        const PIECES: &[&str] = &[
            "a",
            "Checkout",
            " ",
            "  ",
            "é",
            "e\u{301}",
            "支払い",
            "🔥",
            "\u{200b}",
            "\t",
            "\r",
            "\u{7}",
            "\u{1b}[31m",
            "\\u{1b}",
            "…",
            "\u{3000}",
            "ＡＢ",
            "-",
            "2026-11-22-checkout-api-down",
            "\u{feff}",
            "\u{85}",
            "\u{a0}",
        ];
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        (0..count)
            .map(|_| {
                let len = next() % 6;
                (0..len).map(|_| PIECES[next() % PIECES.len()]).collect()
            })
            .collect()
    }

    #[test]
    fn writes_what_comfy_table_writes() {
        let header = ["id", "sev", "status", "duration", "title"];
        for seed in 0..200 {
            let rows: Vec<Vec<String>> = (0..(seed as usize % 40 + 1))
                .map(|r| cells(seed * 1000 + r as u64, header.len()))
                .collect();
            let plain = unfitted(&header, &rows).expect("no line breaks");
            assert_eq!(plain, comfy(&header, &rows), "seed {seed}: {rows:?}");
        }
    }

    #[test]
    fn writes_a_list_like_comfy_table() {
        let rows: Vec<Vec<String>> = (0..2000)
            .map(|i| {
                vec![
                    format!("2026-11-{:02}-incident-{i}", i % 28 + 1),
                    format!("SEV{}", i % 4 + 1),
                    ["investigating", "resolved", "closed"][i % 3].to_string(),
                    format!("{}h {}m", i % 50, i % 60),
                    crate::text::one_line(&"Checkout 支払い fails ".repeat(i % 5 + 1), 60),
                ]
            })
            .collect();
        let header = ["id", "sev", "status", "duration", "title"];
        assert_eq!(unfitted(&header, &rows).unwrap(), comfy(&header, &rows));
    }

    #[test]
    fn leaves_line_breaks_to_comfy_table() {
        let rows = vec![vec!["a\nb".to_string()]];
        assert_eq!(unfitted(&["x"], &rows), None);
    }
}
