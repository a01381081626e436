//! Fitting a table into the terminal's width: the richest set of columns whose narrowest form
//! fits is shown, then the widest cuttable cells are shortened with an ellipsis until the table
//! fits. Widths are display widths (a CJK character takes two columns), so the table fits on the
//! screen, not only in characters. Only the display is cut: the files keep every word.

use comfy_table::{Cell, Color as CellColor, ContentArrangement, Table};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::Color;

/// Spaces between two columns (the padding `views::table` sets).
const GAP: usize = 2;

/// One cell: `body` may be cut, `tail` always stays (" (15m ago)", " OVERDUE 8m").
pub struct Text {
    body: String,
    tail: String,
    /// Shown in red on a terminal (an overdue update).
    alarm: bool,
}

impl Text {
    pub fn new(body: impl Into<String>) -> Text {
        Text::with_tail(body, "")
    }

    /// The dashboard prints its own colours, so it is not escaped on the way out: every cell's
    /// text is escaped here instead.
    pub fn with_tail(body: impl Into<String>, tail: impl Into<String>) -> Text {
        let escape = |text: String| crate::text::escape_controls(&text).into_owned();
        Text {
            body: escape(body.into()),
            tail: escape(tail.into()),
            alarm: false,
        }
    }

    pub fn alarm(mut self, alarm: bool) -> Text {
        self.alarm = alarm;
        self
    }

    fn width(&self) -> usize {
        self.body.width() + self.tail.width()
    }

    /// The text in at most `width` columns: the body cut with "…", the tail kept.
    fn cut(&self, width: usize) -> String {
        if self.width() <= width {
            return format!("{}{}", self.body, self.tail);
        }
        let room = width.saturating_sub(self.tail.width());
        if room == 0 {
            return cut(&format!("{}{}", self.body, self.tail), width);
        }
        format!("{}{}", cut(&self.body, room), self.tail)
    }
}

/// `text` in at most `width` columns, ending in "…" when it had to be cut.
pub fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut kept = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        kept.push(c);
        used += w;
    }
    let mut kept = kept.trim_end().to_string();
    if width > 0 {
        kept.push('…');
    }
    kept
}

/// A column: its header, one cell per row, and how narrow it may be cut.
pub struct Column {
    header: String,
    cells: Vec<Text>,
    min: usize,
    /// Cut only once the other cuttable columns are down to their minimum (ids: what people
    /// type to name an incident).
    last: bool,
}

impl Column {
    /// A column that is shown whole or not at all.
    pub fn whole(header: &str, cells: Vec<Text>) -> Column {
        Column::cut(header, cells, usize::MAX)
    }

    /// A column that may be cut down to `min` columns (never narrower than its header).
    pub fn cut(header: &str, cells: Vec<Text>, min: usize) -> Column {
        let mut column = Column {
            header: crate::text::escape_controls(&header.to_uppercase()).into_owned(),
            cells,
            min: 0,
            last: false,
        };
        column.min = column.natural().min(min).max(column.header.width());
        column
    }

    /// A column whose cells may be cut down to `body` columns of their body, never into their
    /// tail (how late a duty is must stay readable).
    pub fn cut_body(header: &str, cells: Vec<Text>, body: usize) -> Column {
        let min = cells
            .iter()
            .map(|t| t.tail.width() + t.body.width().min(body))
            .max()
            .unwrap_or(0);
        Column::cut(header, cells, min)
    }

    /// Cut this column only when the others cannot give way any more.
    pub fn cut_last(mut self) -> Column {
        self.last = true;
        self
    }

    fn natural(&self) -> usize {
        self.cells
            .iter()
            .map(Text::width)
            .chain([self.header.width()])
            .max()
            .unwrap_or(0)
    }
}

/// The table of the first of `layouts` (lists of column indexes, richest first) whose columns fit
/// in `width` when cut to their minimum, with its cells cut to fit; the last layout when none
/// fits. Without a width (output to a pipe) the first layout, whole.
pub fn table(
    columns: &[Column],
    layouts: &[Vec<usize>],
    width: Option<usize>,
    color: Color,
) -> Table {
    let span =
        |widths: &[usize]| widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1);
    let layout = match width {
        None => &layouts[0],
        Some(width) => layouts
            .iter()
            .find(|layout| {
                span(&layout.iter().map(|&i| columns[i].min).collect::<Vec<_>>()) <= width
            })
            .unwrap_or(&layouts[layouts.len() - 1]),
    };
    let shown: Vec<&Column> = layout.iter().map(|&i| &columns[i]).collect();
    let mut widths: Vec<usize> = shown.iter().map(|c| c.natural()).collect();
    if let Some(width) = width {
        // Shorten the widest column that can still give way, one column at a time, so long
        // titles and names lose their ends before short ones lose anything.
        while span(&widths) > width {
            let Some((index, _)) = widths
                .iter()
                .enumerate()
                .filter(|&(i, w)| *w > shown[i].min)
                .max_by_key(|&(i, w)| (!shown[i].last, *w, std::cmp::Reverse(i)))
            else {
                break;
            };
            widths[index] -= 1;
        }
    }
    let headers: Vec<String> = shown
        .iter()
        .zip(&widths)
        .map(|(c, &w)| cut(&c.header, w))
        .collect();
    let mut table = super::table(&[]);
    table
        .set_header(headers)
        .set_content_arrangement(ContentArrangement::Disabled);
    for column in table.column_iter_mut() {
        column.set_padding((0, GAP as u16));
    }
    match color {
        Color::Always => {
            table.enforce_styling();
        }
        Color::Never => {
            table.force_no_tty();
        }
        Color::Auto => {}
    }
    let rows = shown.first().map_or(0, |c| c.cells.len());
    for row in 0..rows {
        table.add_row(shown.iter().zip(&widths).map(|(column, &w)| {
            let text = &column.cells[row];
            let cell = Cell::new(text.cut(w));
            if text.alarm && color != Color::Never {
                cell.fg(CellColor::Red)
            } else {
                cell
            }
        }));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_by_display_width_with_an_ellipsis() {
        assert_eq!(cut("Checkout API down", 20), "Checkout API down");
        assert_eq!(cut("Checkout API down", 10), "Checkout…");
        assert_eq!(cut("支払いが失敗する", 7), "支払い…");
        assert_eq!(cut("支払いが失敗する", 7).width(), 7);
        let text = Text::with_tail("Failing over the database", " (15m ago)");
        assert_eq!(text.cut(20), "Failing o… (15m ago)");
    }

    #[test]
    fn drops_whole_columns_before_cutting_below_their_minimum() {
        let col = |header: &str, text: &str, min| Column::cut(header, vec![Text::new(text)], min);
        let columns = vec![
            col("id", "2026-11-22-checkout-api-down", 16),
            col("title", "Checkout API returns 500 for everyone", 10),
            col("extra", "something nobody needs", usize::MAX),
        ];
        let layouts = vec![vec![0, 1, 2], vec![0, 1]];
        let wide = table(&columns, &layouts, Some(200), Color::Never).trim_fmt();
        assert!(wide.contains("something nobody needs"), "{wide}");
        let narrow = table(&columns, &layouts, Some(40), Color::Never).trim_fmt();
        assert!(!narrow.contains("EXTRA"), "{narrow}");
        assert!(narrow.lines().all(|l| l.width() <= 40), "{narrow}");
        // Both give way, the widest first.
        assert!(
            narrow.contains("2026-11-22-checkou…  Checkout API retur…"),
            "{narrow}"
        );
    }

    #[test]
    fn an_id_is_cut_only_once_the_others_are_down_to_their_minimum() {
        let columns = vec![
            Column::cut("id", vec![Text::new("2026-11-22-checkout-api-down")], 16).cut_last(),
            Column::cut("title", vec![Text::new("Checkout API returns 500")], 10),
        ];
        let at = |width| table(&columns, &[vec![0, 1]], Some(width), Color::Never).trim_fmt();
        assert!(
            at(40).contains("2026-11-22-checkout-api-down  Checkout…"),
            "{}",
            at(40)
        );
        assert!(
            at(30).contains("2026-11-22-checko…  Checkout…"),
            "{}",
            at(30)
        );
    }
}
