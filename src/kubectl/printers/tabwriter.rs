//! The tabwriter kubectl lays tables out with (github.com/liggitt/tabwriter, a fork of Go's
//! `text/tabwriter`), configured as kubectl's `GetNewTabWriter` does: minimum cell width 6, padding 3,
//! spaces, and `RememberWidths`.
//!
//! Cells end at `\t` (or `\v`); lines end at `\n` (or `\f`, which also flushes). A column's width is set
//! per block of consecutive lines that have a cell in that column, but with `RememberWidths` a column never
//! gets narrower than it has been earlier in the output. A line without tabs flushes what came before.
//! The last cell of each line is not padded.

/// Minimal cell width, padding included.
const MIN_WIDTH: usize = 6;
/// Spaces added to the widest cell of a column.
const PADDING: usize = 3;

/// Lays out tab-separated text as kubectl's tabwriter does.
pub fn layout(text: &str) -> String {
    let mut w = Writer::default();
    w.write(text);
    w.flush();
    w.out
}

/// Lays out rows of cells as [`layout`] does with the cells joined by tabs and the rows by
/// newlines, without building and re-splitting that text (`get pods -A` lays out 10,000 rows).
pub fn layout_rows(headers: Option<&[String]>, rows: Vec<Vec<String>>) -> String {
    let special = |c: &String| c.contains(['\t', '\n', '\u{b}', '\u{c}']);
    if headers.is_some_and(|h| h.iter().any(special)) || rows.iter().flatten().any(special) {
        let mut text = String::new();
        for r in headers.map(<[String]>::to_vec).into_iter().chain(rows) {
            text.push_str(&r.join("\t"));
            text.push('\n');
        }
        return layout(&text);
    }
    let mut w = Writer::default();
    w.lines.push(Vec::new());
    for r in headers.map(<[String]>::to_vec).into_iter().chain(rows) {
        // An empty row is an empty line: one empty cell, which flushes like any tab-less line.
        let r = if r.is_empty() { vec![String::new()] } else { r };
        let cells = r.len();
        if let Some(line) = w.lines.last_mut() {
            *line = r;
        }
        w.lines.push(Vec::new());
        if cells == 1 {
            w.flush_buffer();
        }
    }
    w.flush();
    w.out
}

#[derive(Default)]
struct Writer {
    out: String,
    /// Buffered lines of cells; the last one is the line being written.
    lines: Vec<Vec<String>>,
    cell: String,
    /// Widest width seen per column so far (`RememberWidths`).
    max_widths: Vec<usize>,
}

struct Frame {
    line0: usize,
    line1: usize,
    this: usize,
}

impl Writer {
    fn write(&mut self, text: &str) {
        if self.lines.is_empty() {
            self.lines.push(Vec::new());
        }
        for c in text.chars() {
            match c {
                '\t' | '\u{b}' => self.terminate_cell(),
                '\n' | '\u{c}' => {
                    self.terminate_cell();
                    let ncells = self.lines.last().map_or(0, Vec::len);
                    self.lines.push(Vec::new());
                    if c == '\u{c}' || ncells == 1 {
                        self.flush_buffer();
                    }
                }
                c => self.cell.push(c),
            }
        }
    }

    fn terminate_cell(&mut self) {
        let cell = std::mem::take(&mut self.cell);
        match self.lines.last_mut() {
            Some(line) => line.push(cell),
            None => self.lines.push(vec![cell]),
        }
    }

    fn flush(&mut self) {
        if !self.cell.is_empty() {
            self.terminate_cell();
        }
        self.flush_buffer();
    }

    fn flush_buffer(&mut self) {
        self.format();
        self.lines.clear();
        self.lines.push(Vec::new());
        self.cell.clear();
    }

    /// Number of cells of line `i` that belong to columns (all but the last).
    fn column_cells(&self, i: usize) -> usize {
        self.lines[i].len().saturating_sub(1)
    }

    /// Go's recursive `format`, run with an explicit stack (one frame per column).
    fn format(&mut self) {
        let mut widths: Vec<usize> = Vec::new();
        let mut stack = vec![Frame {
            line0: 0,
            line1: self.lines.len(),
            this: 0,
        }];
        while let Some(top) = stack.last_mut() {
            let column = widths.len();
            let (line0, line1) = (top.line0, top.line1);
            let mut this = top.this;
            while this < line1 && column >= self.column_cells(this) {
                this += 1;
            }
            if this >= line1 {
                self.write_lines(line0, line1, &widths);
                stack.pop();
                widths.pop();
                if let Some(parent) = stack.last_mut() {
                    parent.line0 = line1;
                    parent.this = line1;
                }
                continue;
            }
            self.write_lines(line0, this, &widths);
            let start = this;
            let mut width = MIN_WIDTH;
            while this < line1 && column < self.column_cells(this) {
                width = width.max(self.lines[this][column].chars().count() + PADDING);
                this += 1;
            }
            if self.max_widths.len() < widths.len() {
                let missing = widths[self.max_widths.len()..].to_vec();
                self.max_widths.extend(missing);
            }
            match self.max_widths.get(column).copied() {
                None => self.max_widths.push(width),
                Some(m) if m > width => width = m,
                Some(_) => self.max_widths[column] = width,
            }
            if let Some(top) = stack.last_mut() {
                top.line0 = start;
                top.this = start;
            }
            widths.push(width);
            stack.push(Frame {
                line0: start,
                line1: this,
                this: start,
            });
        }
    }

    fn write_lines(&mut self, line0: usize, line1: usize, widths: &[usize]) {
        for i in line0..line1 {
            for (j, cell) in self.lines[i].iter().enumerate() {
                self.out.push_str(cell);
                if let Some(&w) = widths.get(j) {
                    self.out.extend(std::iter::repeat_n(
                        ' ',
                        w.saturating_sub(cell.chars().count()),
                    ));
                }
            }
            if i + 1 == self.lines.len() {
                // The line being written: its text so far, no newline.
                self.out.push_str(&self.cell);
            } else {
                self.out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_pad_to_widest_plus_three_at_least_six() {
        assert_eq!(
            layout("NAME\tA\tX\nweb-1\tb\tlast\n"),
            "NAME    A     X\nweb-1   b     last\n"
        );
    }

    #[test]
    fn blocks_break_on_fewer_cells_but_widths_are_remembered() {
        // The tab-less line flushes; the next block keeps the wider first column.
        assert_eq!(
            layout("longer-name\td\nplain\nx\ty\n"),
            "longer-name   d\nplain\nx             y\n"
        );
        // Within one flush, a later block with wider cells widens only from then on.
        assert_eq!(
            layout("a\tb\tc\nlonger\td\n"),
            "a        b     c\nlonger   d\n"
        );
    }

    #[test]
    fn rows_lay_out_as_their_tab_separated_text_does() {
        let cells = [
            "",
            "a",
            "web-1",
            "longer-name-here",
            "x\ty",
            "π-ünï",
            "two\nlines",
        ];
        let mut seed = 7u64;
        for _ in 0..300 {
            let mut next = |n: usize| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 33) as usize % n
            };
            let rows: Vec<Vec<String>> = (0..next(6))
                .map(|_| {
                    (0..next(5))
                        .map(|_| cells[next(cells.len())].to_string())
                        .collect()
                })
                .collect();
            let headers: Vec<String> = (0..next(4)).map(|i| format!("H{i}")).collect();
            let h = (!headers.is_empty()).then_some(headers.as_slice());
            let mut text = String::new();
            for r in h
                .map(<[String]>::to_vec)
                .into_iter()
                .chain(rows.iter().cloned())
            {
                text.push_str(&r.join("\t"));
                text.push('\n');
            }
            assert_eq!(layout_rows(h, rows.clone()), layout(&text), "{rows:?}");
        }
    }

    #[test]
    fn unterminated_last_line_has_no_newline() {
        assert_eq!(layout("a\tb\nc\td"), "a     b\nc     d");
    }
}
