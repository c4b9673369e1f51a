//! Tables as kubectl's tabwriter lays them out: columns left-aligned, padded to the widest cell plus three spaces.

/// Renders a header row and data rows. The last column is not padded.
pub fn render(headers: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    render_into(&mut out, Some(headers), rows);
    out
}

/// Renders rows, with or without a header (`--no-headers`).
#[allow(clippy::needless_range_loop)]
pub fn render_into(out: &mut String, headers: Option<&[String]>, rows: &[Vec<String>]) {
    let ncols = headers
        .map(|h| h.len())
        .unwrap_or_else(|| rows.iter().map(Vec::len).max().unwrap_or(0));
    let mut widths = vec![0usize; ncols];
    let all = headers
        .into_iter()
        .map(|h| h.to_vec())
        .chain(rows.iter().cloned());
    let all: Vec<Vec<String>> = all.collect();
    for r in &all {
        for (i, cell) in r.iter().enumerate().take(ncols) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    for r in &all {
        let mut line = String::new();
        for (i, width) in widths.iter().enumerate() {
            let cell = r.get(i).map(String::as_str).unwrap_or("");
            line.push_str(cell);
            if i + 1 < ncols {
                let pad = width - cell.chars().count() + 3;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_like_kubectl() {
        let h: Vec<String> = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let rows = vec![vec![
            "foo".into(),
            "0/0".into(),
            "".into(),
            "0".into(),
            "<unknown>".into(),
        ]];
        assert_eq!(render(&h, &rows), "NAME   READY   STATUS   RESTARTS   AGE\nfoo    0/0              0          <unknown>\n");
    }
}
