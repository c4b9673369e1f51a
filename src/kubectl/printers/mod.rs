//! kubectl's printers: tables, YAML/JSON, names, JSONPath and custom columns. Pure functions over objects.

pub mod age;
pub mod custom_columns;
pub mod gofmt;
pub mod jsonpath;
pub mod struct_order;
pub mod table;
pub mod tabwriter;
pub mod yaml;
