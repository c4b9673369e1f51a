//! `-o custom-columns=NAME:.metadata.name,...` and `-o custom-columns-file=FILE`, after kubectl's
//! `CustomColumnsPrinter`: each column is a relaxed JSONPath (`.a.b`, `a.b`, `{.a.b}`), values print
//! with Go's `%v` (`map[app:web]` for maps), several values join with `,`, nothing found is `<none>`, and
//! the table goes through kubectl's tabwriter (cells padded to the widest plus three spaces, at least
//! six wide).

use std::borrow::Borrow;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use super::jsonpath::Template;
use super::tabwriter;

/// Renders objects as custom columns. Errors are kubectl's texts (after `error: `).
pub fn render<T: Borrow<Value>>(
    spec: &str,
    items: &[T],
    no_headers: bool,
) -> Result<String, String> {
    let columns = parse_spec(spec)?;
    render_columns(&columns, items, no_headers)
}

/// Renders objects with a custom-columns file, as `-o custom-columns-file=FILE` does. kubectl prints the
/// headers even with `--no-headers` here, and headers may contain `:` or `,`.
pub fn render_file<T: Borrow<Value>>(text: &str, items: &[T]) -> Result<String, String> {
    let columns = parse_file_columns(text)?;
    render_columns(&columns, items, false)
}

/// Turns a custom-columns file (a line of headers, then a line of JSONPath specs, both separated by
/// whitespace) into the `HEADER:{.path},...` spec that [`render`] takes.
///
/// kubectl ignores `--no-headers` for `custom-columns-file`; callers should pass `false` for it. A header
/// containing `:` or `,` cannot survive the trip through a spec string; [`render_file`] handles those.
pub fn parse_file(text: &str) -> Result<String, String> {
    let columns = parse_file_columns(text)?;
    Ok(columns
        .iter()
        .map(|c| format!("{}:{}", c.header, c.field_spec))
        .collect::<Vec<_>>()
        .join(","))
}

/// One column: its header and its (relaxed, so complete) JSONPath template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header text.
    pub header: String,
    /// A JSONPath template such as `{.metadata.name}`.
    pub field_spec: String,
}

/// Parses `NAME:.metadata.name,IMAGE:.spec.containers[*].image` into columns.
pub fn parse_spec(spec: &str) -> Result<Vec<Column>, String> {
    if spec.is_empty() {
        return Err("custom-columns format specified but no custom columns given".into());
    }
    spec.split(',')
        .map(|part| {
            let (header, path) = part.split_once(':').ok_or_else(|| {
                format!(
                    "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
                )
            })?;
            Ok(Column {
                header: header.to_string(),
                field_spec: relaxed_json_path_expression(path)?,
            })
        })
        .collect()
}

/// Parses a custom-columns file into columns, with kubectl's error texts.
pub fn parse_file_columns(text: &str) -> Result<Vec<Column>, String> {
    const FORMAT: &str = "Expected format is one line of space separated headers, one line of space separated column specs.";
    let mut lines = scan_lines(text);
    let headers: Vec<&str> = match lines.next() {
        Some(line) => line.split_whitespace().collect(),
        None => return Err(format!("invalid template, missing header line. {FORMAT}")),
    };
    let specs: Vec<&str> = match lines.next() {
        Some(line) => line.split_whitespace().collect(),
        None => return Err(format!("invalid template, missing spec line. {FORMAT}")),
    };
    if headers.len() != specs.len() {
        return Err(format!(
            "number of headers ({}) and field specifications ({}) don't match",
            headers.len(),
            specs.len()
        ));
    }
    headers
        .iter()
        .zip(&specs)
        .map(|(h, s)| {
            Ok(Column {
                header: h.to_string(),
                field_spec: relaxed_json_path_expression(s)?,
            })
        })
        .collect()
}

/// Lines as Go's `bufio.ScanLines` yields them: split on `\n`, a trailing `\r` dropped, no final empty line.
fn scan_lines(text: &str) -> impl Iterator<Item = &str> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let mut lines: Vec<&str> = if text.is_empty() {
        Vec::new()
    } else {
        body.split('\n').collect()
    };
    for l in &mut lines {
        *l = l.strip_suffix('\r').unwrap_or(l);
    }
    lines.into_iter()
}

/// kubectl's `RelaxedJSONPathExpression`: `a.b`, `.a.b`, `{a.b}` and `{.a.b}` all become `{.a.b}`.
pub fn relaxed_json_path_expression(path: &str) -> Result<String, String> {
    if path.is_empty() {
        return Ok(String::new());
    }
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = RE
        .get_or_init(|| Regex::new(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$").ok())
        .as_ref();
    let caps = re.and_then(|r| r.captures(path)).ok_or_else(|| {
        "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".to_string()
    })?;
    let field = caps
        .get(1)
        .or_else(|| caps.get(2))
        .map(|m| m.as_str())
        .unwrap_or("");
    Ok(format!("{{.{field}}}"))
}

/// Renders objects with already parsed columns.
pub fn render_columns<T: Borrow<Value>>(
    columns: &[Column],
    items: &[T],
    no_headers: bool,
) -> Result<String, String> {
    match render_columns_partial(columns, items, no_headers) {
        (out, None) => Ok(out),
        (_, Some(err)) => Err(err),
    }
}

/// Like [`render`], but also returns what kubectl writes to stdout before an error: the header (a
/// column's JSONPath fails to parse only after it is printed) and the rows before the failing object.
pub fn render_partial<T: Borrow<Value>>(
    spec: &str,
    items: &[T],
    no_headers: bool,
) -> (String, Option<String>) {
    match parse_spec(spec) {
        Ok(columns) => render_columns_partial(&columns, items, no_headers),
        Err(e) => (String::new(), Some(e)),
    }
}

/// Renders rows until the first error; returns the laid-out text and that error.
pub fn render_columns_partial<T: Borrow<Value>>(
    columns: &[Column],
    items: &[T],
    no_headers: bool,
) -> (String, Option<String>) {
    let mut text = String::new();
    if !no_headers {
        text.push_str(
            &columns
                .iter()
                .map(|c| c.header.as_str())
                .collect::<Vec<_>>()
                .join("\t"),
        );
        text.push('\n');
    }
    let templates = match columns
        .iter()
        .map(|c| Template::parse(&c.field_spec))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(t) => t,
        Err(e) => return (tabwriter::layout(&text), Some(e)),
    };
    for item in items {
        let mut cells = Vec::with_capacity(templates.len());
        for t in &templates {
            let groups = match t.find_values_v(item.borrow()) {
                Ok(g) => g,
                Err(e) => return (tabwriter::layout(&text), Some(e)),
            };
            let mut values: Vec<String> = Vec::new();
            if groups.first().is_none_or(Vec::is_empty) {
                values.push("<none>".into());
            }
            values.extend(groups.into_iter().flatten());
            cells.push(values.join(","));
        }
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    (tabwriter::layout(&text), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pods() -> Vec<Value> {
        vec![
            json!({"metadata": {"name": "web-1", "labels": {"app": "web", "tier": "fe"}},
                   "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}, {"name": "log", "image": "busybox"}]},
                   "status": {"phase": "Running", "restartCount": 2}}),
            json!({"metadata": {"name": "database-0"},
                   "spec": {"containers": [{"name": "postgres", "image": "postgres:16"}]},
                   "status": {"phase": "Pending", "restartCount": 0}}),
        ]
    }

    #[test]
    fn columns_read_like_kubectl() {
        let got = render(
            "NAME:.metadata.name,IMAGES:.spec.containers[*].image,PHASE:status.phase",
            &pods(),
            false,
        );
        assert_eq!(
            got,
            Ok("NAME         IMAGES               PHASE\nweb-1        nginx:1.27,busybox   Running\ndatabase-0   postgres:16          Pending\n".into())
        );
    }

    #[test]
    fn missing_values_are_none_and_maps_print_as_go_maps() {
        let got = render(
            "N:{.metadata.name},L:.metadata.labels,X:.nope",
            &pods(),
            false,
        );
        assert_eq!(got, Ok("N            L                      X\nweb-1        map[app:web tier:fe]   <none>\ndatabase-0   <none>                 <none>\n".into()));
    }

    #[test]
    fn narrow_columns_are_six_wide_and_headers_can_be_dropped() {
        assert_eq!(
            render("R:.status.restartCount,P:.status.phase", &pods(), true),
            Ok("2     Running\n0     Pending\n".into())
        );
        assert_eq!(
            render::<Value>("R:.status.restartCount", &[], false),
            Ok("R\n".into())
        );
    }

    #[test]
    fn spec_errors_read_like_kubectl() {
        assert_eq!(
            render("", &pods(), false),
            Err("custom-columns format specified but no custom columns given".into())
        );
        assert_eq!(
            render("NAME", &pods(), false),
            Err("unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>".into())
        );
        assert_eq!(
            render("A:{x}y", &pods(), false),
            Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into())
        );
        assert_eq!(
            render("A:.items[*", &pods(), false),
            Err("unterminated array".into())
        );
        assert_eq!(
            render("A:.spec.containers[3]", &pods(), false),
            Err("array index out of bounds: index 3, length 2".into())
        );
    }

    #[test]
    fn files_allow_any_header_text() {
        let file = "NAME:X  A,B\n.metadata.name .nope\n";
        assert_eq!(
            render_file(file, &pods()),
            Ok("NAME:X       A,B\nweb-1        <none>\ndatabase-0   <none>\n".into())
        );
    }

    #[test]
    fn partial_output_before_an_error() {
        assert_eq!(
            render_partial(
                "N:.metadata.name,C:.spec.containers[1].name",
                &pods(),
                false
            ),
            (
                "N       C\nweb-1   log\n".into(),
                Some("array index out of bounds: index 1, length 1".into())
            )
        );
        assert_eq!(
            render_partial("N:.metadata.name,B:.x[", &pods(), false),
            ("N     B\n".into(), Some("unterminated array".into()))
        );
        assert_eq!(render_partial("N", &pods(), false).0, "");
    }

    #[test]
    fn relaxed_paths() {
        for p in [
            "metadata.name",
            ".metadata.name",
            "{metadata.name}",
            "{.metadata.name}",
        ] {
            assert_eq!(
                relaxed_json_path_expression(p),
                Ok("{.metadata.name}".into()),
                "{p}"
            );
        }
        assert_eq!(relaxed_json_path_expression("."), Ok("{..}".into()));
    }

    #[test]
    fn custom_columns_files() {
        let file = "NAME          IMAGE\n.metadata.name   {.spec.containers[0].image}\n";
        assert_eq!(
            parse_file(file),
            Ok("NAME:{.metadata.name},IMAGE:{.spec.containers[0].image}".into())
        );
        let spec = parse_file(file).unwrap_or_default();
        assert_eq!(
            render(&spec, &pods(), false),
            Ok("NAME         IMAGE\nweb-1        nginx:1.27\ndatabase-0   postgres:16\n".into())
        );
        let format = "Expected format is one line of space separated headers, one line of space separated column specs.";
        assert_eq!(
            parse_file(""),
            Err(format!("invalid template, missing header line. {format}"))
        );
        assert_eq!(
            parse_file("NAME\n"),
            Err(format!("invalid template, missing spec line. {format}"))
        );
        assert_eq!(
            parse_file("A B\n.a\n"),
            Err("number of headers (2) and field specifications (1) don't match".into())
        );
    }
}
