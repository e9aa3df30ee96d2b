//! The shape of a canonical type: typed fields, from which JSON Schema is generated and against
//! which records are validated.

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::CanonicalError;

/// The fields of a canonical object, in their documented order.
pub type Fields = IndexMap<String, Field>;

/// One field of a canonical type.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// What the value is.
    pub kind: FieldKind,
    /// Required fields must be present and non-null in every record.
    pub required: bool,
    /// What the field means, shown in the JSON Schema.
    pub description: String,
}

/// The type of a canonical field.
///
/// It is richer than JSON's types because the canonical model cares about meaning: money is a
/// [`FieldKind::Decimal`] string that never loses a cent, instants are RFC 3339 strings, currency
/// codes are ISO 4217 shaped.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// Any string.
    String,
    /// A whole number, optionally bounded below.
    Integer {
        /// Smallest allowed value.
        minimum: Option<i64>,
    },
    /// A JSON number (floats allowed; never money).
    Number,
    /// An exact decimal written as a string, e.g. `"19.99"`.
    Decimal,
    /// `true` or `false`.
    Boolean,
    /// An RFC 3339 instant with offset, e.g. `2024-05-01T12:00:00Z`.
    DateTime,
    /// A calendar date `YYYY-MM-DD`.
    Date,
    /// An e-mail address.
    Email,
    /// A three-letter ISO 4217 currency code in upper case, e.g. `EUR`.
    Currency,
    /// One of a fixed set of strings.
    Enum(Vec<String>),
    /// A nested object.
    Object(Fields),
    /// An array of values of one kind.
    Array(Box<FieldKind>),
    /// Any JSON value (free-form extras).
    Any,
}

impl FieldKind {
    /// A short name for messages, e.g. `decimal string`.
    pub fn describe(&self) -> String {
        match self {
            FieldKind::String => "string".into(),
            FieldKind::Integer { .. } => "integer".into(),
            FieldKind::Number => "number".into(),
            FieldKind::Decimal => "decimal string".into(),
            FieldKind::Boolean => "boolean".into(),
            FieldKind::DateTime => "RFC 3339 date-time string".into(),
            FieldKind::Date => "date string (YYYY-MM-DD)".into(),
            FieldKind::Email => "e-mail address".into(),
            FieldKind::Currency => "ISO 4217 currency code".into(),
            FieldKind::Enum(values) => format!("one of {}", values.join(", ")),
            FieldKind::Object(_) => "object".into(),
            FieldKind::Array(item) => format!("array of {}", item.describe()),
            FieldKind::Any => "any value".into(),
        }
    }

    /// JSON Schema (draft 2020-12) of a value of this kind. `nullable` adds `null` to the
    /// allowed types, for optional fields.
    pub fn to_json_schema(&self, nullable: bool) -> Value {
        let mut schema = match self {
            FieldKind::String => json!({"type": "string"}),
            FieldKind::Integer { minimum } => {
                let mut schema = json!({"type": "integer"});
                if let Some(minimum) = minimum {
                    schema["minimum"] = json!(minimum);
                }
                schema
            }
            FieldKind::Number => json!({"type": "number"}),
            FieldKind::Decimal => json!({
                "type": "string",
                "pattern": DECIMAL_PATTERN,
                "x-pullpush-kind": "decimal"
            }),
            FieldKind::Boolean => json!({"type": "boolean"}),
            FieldKind::DateTime => json!({"type": "string", "format": "date-time"}),
            FieldKind::Date => json!({"type": "string", "format": "date"}),
            FieldKind::Email => json!({"type": "string", "format": "email"}),
            FieldKind::Currency => json!({
                "type": "string",
                "pattern": "^[A-Z]{3}$",
                "x-pullpush-kind": "currency"
            }),
            FieldKind::Enum(values) => json!({"type": "string", "enum": values}),
            FieldKind::Object(fields) => object_schema(fields),
            FieldKind::Array(item) => json!({"type": "array", "items": item.to_json_schema(false)}),
            FieldKind::Any => return json!({}),
        };
        if nullable {
            if let Some(Value::String(ty)) = schema.get("type").cloned() {
                schema["type"] = json!([ty, "null"]);
            }
            if let Some(Value::Array(values)) = schema.get_mut("enum") {
                values.push(Value::Null);
            }
        }
        schema
    }

    /// Reads a kind from a JSON Schema, for user-registered types. Only the subset that maps onto
    /// canonical kinds is understood; anything else is an error naming the construct, so a type is
    /// never validated more loosely than its author wrote it.
    pub fn from_json_schema(schema: &Value, pointer: &str) -> Result<FieldKind, CanonicalError> {
        let unsupported = |what: &str| CanonicalError::UnsupportedSchema {
            pointer: pointer.to_owned(),
            message: what.to_owned(),
        };
        let object = match schema {
            Value::Bool(true) => return Ok(FieldKind::Any),
            Value::Object(object) => object,
            _ => return Err(unsupported("a schema must be an object")),
        };
        for keyword in ["$ref", "anyOf", "oneOf", "allOf", "not", "if"] {
            if object.contains_key(keyword) {
                return Err(unsupported(&format!(
                    "`{keyword}` is not supported; describe the field with `type`, `format`, `enum`, `properties` and `items`"
                )));
            }
        }
        if let Some(Value::Array(values)) = object.get("enum") {
            let strings: Option<Vec<String>> = values
                .iter()
                .filter(|value| !value.is_null())
                .map(|value| value.as_str().map(str::to_owned))
                .collect();
            return strings
                .map(FieldKind::Enum)
                .ok_or_else(|| unsupported("only string enums are supported"));
        }
        let ty: &str = match object.get("type") {
            None => return Ok(FieldKind::Any),
            Some(Value::String(ty)) => ty.as_str(),
            Some(Value::Array(types)) => {
                let mut non_null = types
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|ty| *ty != "null");
                match (non_null.next(), non_null.next()) {
                    (Some(ty), None) => ty,
                    _ => return Err(unsupported("a union of several non-null types")),
                }
            }
            Some(_) => {
                return Err(unsupported(
                    "`type` must be a string or an array of strings",
                ));
            }
        };
        let format = object.get("format").and_then(Value::as_str);
        let pattern = object.get("pattern").and_then(Value::as_str);
        Ok(match (ty, format) {
            ("string", Some("date-time")) => FieldKind::DateTime,
            ("string", Some("date")) => FieldKind::Date,
            ("string", Some("email")) => FieldKind::Email,
            ("string", _) if object.get("x-pullpush-kind") == Some(&json!("decimal")) => {
                FieldKind::Decimal
            }
            ("string", _) if object.get("x-pullpush-kind") == Some(&json!("currency")) => {
                FieldKind::Currency
            }
            ("string", _) if pattern.is_some() => {
                return Err(unsupported(
                    "`pattern` is not supported; use `format` or `x-pullpush-kind` (decimal, currency)",
                ));
            }
            ("string", _) => FieldKind::String,
            ("integer", _) => FieldKind::Integer {
                minimum: object.get("minimum").and_then(Value::as_i64),
            },
            ("number", _) => FieldKind::Number,
            ("boolean", _) => FieldKind::Boolean,
            ("array", _) => {
                let items = object.get("items").unwrap_or(&Value::Bool(true));
                FieldKind::Array(Box::new(FieldKind::from_json_schema(
                    items,
                    &format!("{pointer}/items"),
                )?))
            }
            ("object", _) => FieldKind::Object(fields_from_json_schema(object, pointer)?),
            (other, _) => return Err(unsupported(&format!("type `{other}`"))),
        })
    }
}

/// The pattern of a decimal string: optional minus, digits, optional fraction.
pub(crate) const DECIMAL_PATTERN: &str = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$";

/// JSON Schema of an object with these fields: required ones listed, optional ones nullable,
/// unknown ones refused so typos in mappings surface.
pub(crate) fn object_schema(fields: &Fields) -> Value {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|(name, field)| {
            let mut schema = field.kind.to_json_schema(!field.required);
            if !field.description.is_empty()
                && let Value::Object(object) = &mut schema
            {
                object.insert("description".into(), json!(field.description));
            }
            (name.clone(), schema)
        })
        .collect();
    let required: Vec<&String> = fields
        .iter()
        .filter(|(_, field)| field.required)
        .map(|(name, _)| name)
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

/// Reads the `properties` and `required` of an object schema.
pub(crate) fn fields_from_json_schema(
    object: &Map<String, Value>,
    pointer: &str,
) -> Result<Fields, CanonicalError> {
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields = Fields::new();
    if let Some(properties) = object.get("properties") {
        let properties =
            properties
                .as_object()
                .ok_or_else(|| CanonicalError::UnsupportedSchema {
                    pointer: format!("{pointer}/properties"),
                    message: "`properties` must be an object".into(),
                })?;
        for (name, schema) in properties {
            let field_pointer = crate::pointer::push(&format!("{pointer}/properties"), name);
            let kind = FieldKind::from_json_schema(schema, &field_pointer)?;
            let description = schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            fields.insert(
                name.clone(),
                Field {
                    kind,
                    required: required.contains(&name.as_str()),
                    description,
                },
            );
        }
    }
    if let Some(missing) = required.iter().find(|name| !fields.contains_key(**name)) {
        return Err(CanonicalError::UnsupportedSchema {
            pointer: format!("{pointer}/required"),
            message: format!("required field `{missing}` is not among the properties"),
        });
    }
    Ok(fields)
}
