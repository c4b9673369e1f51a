//! Parameters: drawn with a seeded RNG, then substituted for `{{name}}` in the scenario's text.

use super::model::Scenario;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;

/// Draws a value for every parameter; the same seed always draws the same values.
pub fn draw(s: &Scenario, seed: u64) -> BTreeMap<String, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = BTreeMap::new();
    for (name, p) in &s.params {
        let v = if !p.choose.is_empty() {
            p.choose[rng.gen_range(0..p.choose.len())].clone()
        } else if let Some([a, b]) = p.range {
            rng.gen_range(a..=b.max(a)).to_string()
        } else {
            String::new()
        };
        out.insert(name.clone(), v);
    }
    out
}

/// Replaces every `{{name}}` with its value.
pub fn substitute(text: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find("}}") {
            Some(j) => {
                let name = after[..j].trim();
                match values.get(name) {
                    Some(v) => out.push_str(v),
                    None => out.push_str(&rest[i..i + 2 + j + 2]),
                }
                rest = &after[j + 2..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_known_names_only() {
        let mut v = BTreeMap::new();
        v.insert("name".to_string(), "web".to_string());
        assert_eq!(
            substitute("pod {{name}} and {{ name }} and {{other}}", &v),
            "pod web and web and {{other}}"
        );
    }
}
