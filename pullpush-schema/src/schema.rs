//! The published JSON Schemas: the connector definition and the canonical types.

use pullpush_core::{CanonicalType, Definition};
use serde_json::Value;

/// The `$id` of the connector definition schema.
pub const CONNECTOR_SCHEMA_ID: &str = "https://pullpush.dev/schemas/connector.schema.json";

/// The JSON Schema (draft 2020-12) of connector definitions, generated from the Rust types of
/// `pullpush-core`, so the schema and the parser cannot drift apart. The same document is
/// committed as `schemas/connector.schema.json`, and a test fails when that copy is stale.
pub fn connector_schema() -> Value {
    let schema = schemars::schema_for!(Definition);
    let mut value = serde_json::to_value(&schema).expect("a generated schema serialises to JSON");
    if let Value::Object(object) = &mut value {
        object.insert("$id".into(), Value::from(CONNECTOR_SCHEMA_ID));
    }
    value
}

/// The JSON Schema of one canonical type, as committed under `schemas/canonical/`.
pub fn canonical_schema(ty: &CanonicalType) -> Value {
    ty.json_schema()
}

/// Pretty JSON with a trailing newline: the committed form of every schema file.
pub fn to_pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values always serialise");
    text.push('\n');
    text
}
