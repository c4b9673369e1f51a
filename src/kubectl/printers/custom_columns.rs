//! `-o custom-columns=NAME:.metadata.name,...` and `-o custom-columns-file=FILE`.

use serde_json::Value;

/// Renders objects as custom columns. Errors are kubectl's texts (after `error: `).
pub fn render(spec: &str, items: &[Value], no_headers: bool) -> Result<String, String> {
    let _ = (spec, items, no_headers);
    Err("custom-columns is not supported yet".into())
}
