//! Canonical events as Singer messages (SCHEMA, RECORD, STATE), so any Singer target consumes
//! PullPush output.
//!
//! One SCHEMA message per stream comes first, with the canonical type's JSON Schema and its key
//! as `key_properties`; each event becomes a RECORD of its canonical data; the final STATE carries
//! every stream's incremental state under `value`.

use serde_json::{Map, Value, json};

use super::{CanonicalEvent, CanonicalType};

/// The SCHEMA message of a stream.
pub fn singer_schema(stream: &str, ty: &CanonicalType, key: &[String]) -> Value {
    let mut schema = ty.json_schema();
    if let Value::Object(object) = &mut schema {
        // Singer targets speak draft 4-7 and choke on 2020-12 meta keys they do not know.
        for meta in ["$schema", "$id"] {
            object.remove(meta);
        }
    }
    json!({
        "type": "SCHEMA",
        "stream": stream,
        "schema": schema,
        "key_properties": key,
    })
}

/// The RECORD message of an event.
pub fn singer_record(event: &CanonicalEvent) -> Value {
    json!({
        "type": "RECORD",
        "stream": event.source.stream,
        "record": Value::Object(event.data.clone()),
        "time_extracted": event.observed_at,
    })
}

/// The STATE message of a read: each stream's state by name.
pub fn singer_state(states: &Map<String, Value>) -> Value {
    json!({
        "type": "STATE",
        "value": Value::Object(states.clone()),
    })
}
