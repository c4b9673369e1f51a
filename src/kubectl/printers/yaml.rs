//! YAML as kubectl prints it (go-yaml v2 through sigs.k8s.io/yaml): keys sorted, sequences not indented
//! under their key, strings quoted only where YAML would read them as something else.

use serde_json::Value;

/// Renders a value as kubectl's `-o yaml` does.
pub fn to_yaml(v: &Value) -> String {
    serde_yaml::to_string(v).unwrap_or_default()
}
