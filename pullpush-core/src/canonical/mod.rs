//! The canonical data model: the types every connector maps into, so any source works with any
//! destination without pairwise mappings (serde's data model plays the same role for formats).
//!
//! A [`CanonicalType`] is a named, versioned set of typed fields with a key. The built-in types
//! (stocklevel, order, product, contact, invoice, call, company, ticket) live in
//! [`CanonicalRegistry::builtin`]; users register their own from a JSON Schema. Records are
//! validated recursively by [`CanonicalType::validate`], which knows that null is not zero and that
//! money is a decimal string.

mod builtin;
mod event;
mod registry;
mod schema;
mod singer;
pub(crate) mod validate;

#[cfg(test)]
mod tests;

pub use event::{CanonicalEvent, EventSource, Operation};
pub use registry::CanonicalRegistry;
pub use schema::{Field, FieldKind, Fields};
pub use singer::{singer_record, singer_schema, singer_state};
pub use validate::RecordError;

use serde_json::{Value, json};

/// A canonical type: name, version, key and fields.
#[derive(Debug, Clone, PartialEq)]
pub struct CanonicalType {
    name: String,
    version: u32,
    description: String,
    key: Vec<String>,
    fields: Fields,
}

/// Why a canonical type could not be built or registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CanonicalError {
    /// The type's name is not a lowercase identifier.
    #[error("invalid canonical type name `{0}`: use lowercase letters, digits and underscores")]
    InvalidName(String),
    /// A key field is not a required top-level field.
    #[error("key field `{field}` of `{type_name}` must be a required top-level field")]
    InvalidKey {
        /// The type.
        type_name: String,
        /// The key field.
        field: String,
    },
    /// The type has no key.
    #[error("canonical type `{0}` needs at least one key field")]
    EmptyKey(String),
    /// No type has that name.
    #[error("unknown canonical type `{name}`; {}known types: {known}", suggestion.as_ref().map(|close| format!("did you mean `{close}`? ")).unwrap_or_default())]
    Unknown {
        /// The name asked for.
        name: String,
        /// A close name, when there is one.
        suggestion: Option<String>,
        /// Every known name, comma-separated.
        known: String,
    },
    /// A type of that name is already registered.
    #[error("canonical type `{0}` is already registered")]
    Duplicate(String),
    /// A JSON Schema construct that canonical types cannot express.
    #[error("unsupported schema at {pointer}: {message}")]
    UnsupportedSchema {
        /// Where in the schema.
        pointer: String,
        /// What is unsupported.
        message: String,
    },
}

impl CanonicalType {
    /// Builds a type, checking that its name is an identifier and its key names required
    /// top-level fields (a key that can be null would merge unrelated records).
    pub fn new(
        name: impl Into<String>,
        version: u32,
        description: impl Into<String>,
        key: Vec<String>,
        fields: Fields,
    ) -> Result<Self, CanonicalError> {
        let name = name.into();
        let valid_name = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_name {
            return Err(CanonicalError::InvalidName(name));
        }
        if key.is_empty() {
            return Err(CanonicalError::EmptyKey(name));
        }
        if let Some(field) = key
            .iter()
            .find(|field| !fields.get(*field).is_some_and(|f| f.required))
        {
            return Err(CanonicalError::InvalidKey {
                type_name: name,
                field: field.clone(),
            });
        }
        Ok(CanonicalType {
            name,
            version,
            description: description.into(),
            key,
            fields,
        })
    }

    /// Builds a type from a JSON Schema object (`properties`, `required`, `type`, `format`,
    /// `enum`, `items`, plus `x-pullpush-kind` of `decimal` or `currency`).
    pub fn from_json_schema(
        name: impl Into<String>,
        version: u32,
        key: Vec<String>,
        schema: &Value,
    ) -> Result<Self, CanonicalError> {
        let object = schema
            .as_object()
            .ok_or_else(|| CanonicalError::UnsupportedSchema {
                pointer: String::new(),
                message: "the schema of a canonical type must be an object".into(),
            })?;
        let description = object
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let fields = schema::fields_from_json_schema(object, "")?;
        CanonicalType::new(name, version, description, key, fields)
    }

    /// The type's name, e.g. `stocklevel`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The type's version; it grows when a change could break consumers.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// What the type represents.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The fields that identify a record, e.g. `sku` and `locationId` for a stock level.
    pub fn key(&self) -> &[String] {
        &self.key
    }

    /// The fields in documented order.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The JSON Schema (draft 2020-12) of a record of this type.
    pub fn json_schema(&self) -> Value {
        let mut schema = schema::object_schema(&self.fields);
        let object = schema
            .as_object_mut()
            .expect("object_schema always returns an object");
        let mut head = serde_json::Map::new();
        head.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        head.insert(
            "$id".into(),
            json!(format!(
                "https://pullpush.dev/schemas/canonical/{}/v{}.json",
                self.name, self.version
            )),
        );
        head.insert("title".into(), json!(self.name));
        head.insert("description".into(), json!(self.description));
        head.insert("x-pullpush-version".into(), json!(self.version));
        head.insert("x-pullpush-key".into(), json!(self.key));
        head.append(object);
        Value::Object(head)
    }

    /// Validates a record against the type, returning every problem with its path inside the
    /// record. An empty list means the record is valid.
    pub fn validate(&self, record: &Value) -> Vec<RecordError> {
        validate::validate_record(&self.fields, record)
    }

    /// The record's key values in key order, or `None` when a key field is missing or null.
    pub fn key_of<'a>(&self, record: &'a Value) -> Option<Vec<&'a Value>> {
        self.key
            .iter()
            .map(|field| record.get(field).filter(|value| !value.is_null()))
            .collect()
    }
}
