//! Tables as kubectl's tabwriter lays them out: columns left-aligned, padded to the widest cell plus three spaces.

/// Renders a header row and data rows. The last column is not padded.
pub fn render(headers: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    render_into(&mut out, Some(headers), rows);
    out
}

/// Renders rows, with or without a header (`--no-headers`), through kubectl's tabwriter.
pub fn render_into(out: &mut String, headers: Option<&[String]>, rows: &[Vec<String>]) {
    out.push_str(&super::tabwriter::layout_rows(headers, rows.to_vec()));
}

/// The rows as tab-separated lines, for callers that lay several tables out with one tabwriter
/// (kubectl keeps column widths across the tables of one `get`).
pub fn tsv(headers: Option<&[String]>, rows: &[Vec<String>]) -> String {
    let mut s = String::new();
    for r in headers
        .map(|h| h.to_vec())
        .into_iter()
        .chain(rows.iter().cloned())
    {
        s.push_str(&r.join("\t"));
        s.push('\n');
    }
    s
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
