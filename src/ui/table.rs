//! Sorting any table the same way: `s` sorts by the next column, `S` reverses, a click on a
//! header (with `--mouse`) sorts by that column (again: reversed). The sorted column's header
//! carries k9s's arrow: `NAME↑` ascending, `NAME↓` descending. A table without a chosen column
//! keeps its own order (worst first, or the order the scan reports).

use super::widgets::{Column, layout_columns};

/// How one cell compares: numbers and ranks numerically, text without regard to case.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Num(i64),
    Text(String),
}

impl SortKey {
    pub fn text(s: &str) -> SortKey {
        SortKey::Text(s.to_lowercase())
    }

    /// Larger first when sorted ascending (counts of failures: most first).
    pub fn most(n: usize) -> SortKey {
        SortKey::Num(-(n as i64))
    }
}

/// A table's sort: the column (its index in the table's columns) and the direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableSort {
    /// `None`: the table's own order.
    pub column: Option<usize>,
    pub reverse: bool,
}

impl TableSort {
    /// `s`: the next column; after the last, the table's own order again.
    pub fn next(&mut self, columns: usize) {
        self.column = match self.column {
            None if columns > 0 => Some(0),
            Some(c) if c + 1 < columns => Some(c + 1),
            _ => None,
        };
        self.reverse = false;
    }

    /// `S`: the other direction.
    pub fn flip(&mut self) {
        self.reverse = !self.reverse;
    }

    /// A click on `column`'s header: sorted by it, or the other way when it already was.
    pub fn click(&mut self, column: usize) {
        if self.column == Some(column) {
            self.reverse = !self.reverse;
        } else {
            self.column = Some(column);
            self.reverse = false;
        }
    }

    /// What `draw_table` marks: the column and whether it is descending.
    pub fn arrow(&self) -> Option<(usize, bool)> {
        self.column.map(|c| (c, self.reverse))
    }

    /// `↑`, or `↓` when descending.
    pub fn arrow_of(reverse: bool) -> &'static str {
        if reverse { "↓" } else { "↑" }
    }

    /// `sort workgroup ↑` for the title's info, when a column is chosen (the buckets' title
    /// says it so).
    pub fn info(&self, cols: &[Column]) -> Option<String> {
        let col = self.column.and_then(|c| cols.get(c))?;
        Some(format!(
            "sort {} {}",
            col.title.to_lowercase(),
            Self::arrow_of(self.reverse)
        ))
    }

    /// `sorted by workgroup ↑`, or `in the table's own order`.
    pub fn describe(&self, cols: &[Column]) -> String {
        match self.column.and_then(|c| cols.get(c)) {
            Some(col) => format!(
                "sorted by {} {}",
                col.title.to_lowercase(),
                Self::arrow_of(self.reverse)
            ),
            None => "in the table's own order".to_string(),
        }
    }

    /// Sorts `rows` by the chosen column's keys; equal keys keep the table's own order.
    pub fn apply<T>(&self, rows: &mut [T], key: impl Fn(&T, usize) -> SortKey) {
        let Some(c) = self.column else {
            return;
        };
        let mut keyed: Vec<(SortKey, usize)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (key(r, c), i))
            .collect();
        keyed.sort_by(|a, b| {
            let o = a.0.cmp(&b.0);
            let o = if self.reverse { o.reverse() } else { o };
            o.then(a.1.cmp(&b.1))
        });
        let order: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
        permute(rows, &order);
    }
}

/// Puts `rows` in `order` (a permutation of their positions).
fn permute<T>(rows: &mut [T], order: &[usize]) {
    let mut seen = vec![false; rows.len()];
    for start in 0..rows.len() {
        if seen[start] {
            continue;
        }
        // Follow the cycle from `start`: position p takes the row at order[p].
        let mut p = start;
        loop {
            seen[p] = true;
            let q = order[p];
            if seen[q] {
                break;
            }
            rows.swap(p, q);
            p = q;
        }
    }
}

/// The column whose header is under `x` (cells from the table's left edge), for a table drawn
/// `width` cells wide: the same layout `draw_table` uses.
pub fn column_at(cols: &[Column], width: u16, wide: Option<(usize, u16)>, x: u16) -> Option<usize> {
    let mut left = 0u16;
    for (n, (i, w)) in layout_columns(cols, width.saturating_sub(1).max(1), wide)
        .into_iter()
        .enumerate()
    {
        let start = left + u16::from(n > 0);
        if x >= start && x < start + w {
            return Some(i);
        }
        left = start + w;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: [Column; 2] = [Column::new("NAME", 10, 1, 0), Column::new("N", 4, 0, 0)];

    #[test]
    fn s_walks_the_columns_then_back_to_the_tables_order() {
        let mut s = TableSort::default();
        let mut seen = Vec::new();
        for _ in 0..3 {
            s.next(2);
            seen.push(s.column);
        }
        assert_eq!(seen, vec![Some(0), Some(1), None]);
    }

    #[test]
    fn sorting_is_stable_and_reversible() {
        let rows = vec![("b", 1), ("a", 2), ("c", 1), ("a", 1)];
        let key = |r: &(&str, i64), c: usize| match c {
            0 => SortKey::text(r.0),
            _ => SortKey::Num(r.1),
        };
        let mut s = TableSort::default();
        let mut by_n = rows.clone();
        s.click(1);
        s.apply(&mut by_n, key);
        assert_eq!(by_n, vec![("b", 1), ("c", 1), ("a", 1), ("a", 2)]);
        s.click(1);
        assert!(s.reverse);
        let mut down = rows.clone();
        s.apply(&mut down, key);
        assert_eq!(down, vec![("a", 2), ("b", 1), ("c", 1), ("a", 1)]);
        assert_eq!(s.describe(&COLS), "sorted by n ↓");
    }

    #[test]
    fn a_header_click_finds_its_column() {
        // NAME takes 10 + the spare width; N starts after it and a space.
        let w = 30;
        let layout = layout_columns(&COLS, w - 1, None);
        let name_w = layout[0].1;
        assert_eq!(column_at(&COLS, w, None, 0), Some(0));
        assert_eq!(column_at(&COLS, w, None, name_w - 1), Some(0));
        assert_eq!(column_at(&COLS, w, None, name_w), None, "the gap");
        assert_eq!(column_at(&COLS, w, None, name_w + 1), Some(1));
    }
}
