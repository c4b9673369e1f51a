//! Go's `text/tabwriter` column algorithm, which `kubectl describe` output depends on: cells of
//! consecutive lines that share a column are padded to the widest plus the padding.

/// Aligns tab-separated cells as Go's tabwriter does with minwidth 0 and the given padding.
pub fn align(text: &str, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text
        .split_inclusive('\n')
        .map(|l| l.trim_end_matches('\n').split('\t').collect())
        .collect();
    let ends_nl: Vec<bool> = text
        .split_inclusive('\n')
        .map(|l| l.ends_with('\n'))
        .collect();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut widths = Vec::new();
    format(
        &lines,
        0,
        lines.len(),
        &mut widths,
        padding,
        &mut |idx, ws: &[usize], out_ref: &mut String| {
            write_line(&lines[idx], ws, out_ref);
            if ends_nl[idx] {
                out_ref.push('\n');
            }
        },
        &mut out,
    );
    out
}

fn write_line(cells: &[&str], widths: &[usize], out: &mut String) {
    for (j, c) in cells.iter().enumerate() {
        out.push_str(c);
        if j + 1 < cells.len() {
            if let Some(w) = widths.get(j) {
                let len = c.chars().count();
                out.extend(std::iter::repeat_n(' ', w.saturating_sub(len)));
            }
        }
    }
}

type Emit<'a> = dyn FnMut(usize, &[usize], &mut String) + 'a;

fn format(
    lines: &[Vec<&str>],
    mut line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    padding: usize,
    emit: &mut Emit<'_>,
    out: &mut String,
) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        for l in line0..this {
            emit(l, widths, out);
        }
        line0 = this;
        let mut width = 0;
        while this < line1 && column + 1 < lines[this].len() {
            width = width.max(lines[this][column].chars().count() + padding);
            this += 1;
        }
        widths.push(width);
        format(lines, line0, this, widths, padding, emit, out);
        widths.pop();
        line0 = this;
    }
    for l in line0..line1 {
        emit(l, widths, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_break_at_lines_without_tabs() {
        let text = "Name:\tweb\nNamespace:\tdefault\nIPs:\n  IP:\t10.0.0.1\n";
        assert_eq!(
            align(text, 2),
            "Name:       web\nNamespace:  default\nIPs:\n  IP:  10.0.0.1\n"
        );
    }

    #[test]
    fn nested_columns() {
        let text = "  Type\tReason\tMessage\n  ----\t------\t-------\n  Normal\tScheduled\tok\n";
        assert_eq!(
            align(text, 2),
            "  Type    Reason     Message\n  ----    ------     -------\n  Normal  Scheduled  ok\n"
        );
    }
}
