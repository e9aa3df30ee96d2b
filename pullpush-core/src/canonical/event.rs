//! The canonical event: the envelope every record travels in between source and destination.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::CanonicalType;

/// One canonical record with everything a destination needs to apply it exactly once.
///
/// Serialised as one JSON line. The `id` is derived from the content (type, version, key,
/// operation and data), so re-reading an unchanged record yields the same id and duplicates can be
/// recognised and skipped downstream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanonicalEvent {
    /// Deterministic id: sha256 (hex) over type, version, key, operation and data.
    pub id: String,
    /// Canonical type name, e.g. `stocklevel`.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Canonical type version.
    pub version: u32,
    /// The key fields and their values, e.g. `{"sku": "A-1", "locationId": "berlin"}`.
    pub key: Map<String, Value>,
    /// Whether the record is created/updated or deleted.
    pub operation: Operation,
    /// The canonical record.
    pub data: Map<String, Value>,
    /// Where the record came from.
    pub source: EventSource,
    /// The source's own id of the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// When the source last changed the record (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_updated_at: Option<String>,
    /// When the engine read the record (RFC 3339).
    pub observed_at: String,
}

/// What a destination should do with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Insert or replace the record with this key.
    Upsert,
    /// Remove the record with this key.
    Delete,
}

/// The origin of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSource {
    /// `connector-id@version`.
    pub connector: String,
    /// Stream name in the definition.
    pub stream: String,
    /// The named connection (configured instance) it was read through, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
}

impl CanonicalEvent {
    /// Wraps a validated record. `key_fields` names the fields that identify it (the type's key
    /// or the mapping's override); they must be present in `data`. `observed_at` is the RFC 3339
    /// instant of the read (the engine formats it once per page, not once per record).
    pub fn new(
        ty: &CanonicalType,
        key_fields: &[String],
        operation: Operation,
        data: Map<String, Value>,
        source: EventSource,
        observed_at: &str,
    ) -> Self {
        let key: Map<String, Value> = key_fields
            .iter()
            .map(|field| {
                (
                    field.clone(),
                    data.get(field).cloned().unwrap_or(Value::Null),
                )
            })
            .collect();
        let id = event_id(ty.name(), ty.version(), &key, operation, &data);
        CanonicalEvent {
            id,
            type_name: ty.name().to_owned(),
            version: ty.version(),
            key,
            operation,
            data,
            source,
            source_id: None,
            source_updated_at: None,
            observed_at: observed_at.to_owned(),
        }
    }
}

fn event_id(
    type_name: &str,
    version: u32,
    key: &Map<String, Value>,
    operation: Operation,
    data: &Map<String, Value>,
) -> String {
    let mut text = Vec::with_capacity(256);
    text.extend_from_slice(type_name.as_bytes());
    text.push(b'\n');
    text.extend_from_slice(version.to_string().as_bytes());
    text.push(b'\n');
    write_object(key, &mut text);
    text.push(b'\n');
    text.extend_from_slice(match operation {
        Operation::Upsert => b"upsert",
        Operation::Delete => b"delete",
    });
    text.push(b'\n');
    write_object(data, &mut text);
    let digest = Sha256::digest(&text);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(64);
    for byte in digest.iter() {
        id.push(char::from(HEX[usize::from(byte >> 4)]));
        id.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    id
}

/// Writes JSON with object keys sorted, so the id does not depend on mapping order.
fn write_sorted(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(object) => write_object(object, out),
        Value::Array(items) => {
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                write_sorted(item, out);
            }
            out.push(b']');
        }
        scalar => write_json(scalar, out),
    }
}

fn write_object(object: &Map<String, Value>, out: &mut Vec<u8>) {
    let mut entries: Vec<(&String, &Value)> = object.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.push(b'{');
    for (index, (name, value)) in entries.into_iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write_json(name, out);
        out.push(b':');
        write_sorted(value, out);
    }
    out.push(b'}');
}

/// Appends the JSON form of a scalar or a key: serde_json escapes it exactly as anywhere else.
fn write_json<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) {
    // Writing into a Vec cannot fail, and scalars and strings always serialise.
    let _ = serde_json::to_writer(&mut *out, value);
}
