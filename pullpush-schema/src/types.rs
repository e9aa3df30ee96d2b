//! User-defined canonical types, read from a JSON file.

use pullpush_core::{CanonicalError, CanonicalRegistry, CanonicalType};
use serde::Deserialize;
use serde_json::Value;

/// One user type as written in a types file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TypeSpec {
    name: String,
    #[serde(default = "first_version")]
    version: u32,
    key: Vec<String>,
    schema: Value,
}

fn first_version() -> u32 {
    1
}

/// Why a types file could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TypesError {
    /// The file is not a JSON array of `{name, version, key, schema}` objects.
    #[error("canonical types file is malformed: {0}")]
    Malformed(#[from] serde_json::Error),
    /// A type is invalid or clashes with a known one.
    #[error("canonical type #{index} (`{name}`): {source}")]
    Invalid {
        /// Position in the file, from 0.
        index: usize,
        /// The type's name.
        name: String,
        /// What is wrong.
        #[source]
        source: CanonicalError,
    },
}

/// The built-in types plus those in `text`: a JSON array of
/// `{"name": "...", "version": 1, "key": ["..."], "schema": {JSON Schema of the record}}`.
pub fn registry_with_types(text: &str) -> Result<CanonicalRegistry, TypesError> {
    let specs: Vec<TypeSpec> = serde_json::from_str(text)?;
    let mut registry = CanonicalRegistry::builtin();
    for (index, spec) in specs.into_iter().enumerate() {
        let invalid = |source| TypesError::Invalid {
            index,
            name: spec.name.clone(),
            source,
        };
        let ty = CanonicalType::from_json_schema(
            spec.name.clone(),
            spec.version,
            spec.key.clone(),
            &spec.schema,
        )
        .map_err(invalid)?;
        registry.register(ty).map_err(invalid)?;
    }
    Ok(registry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_user_types_next_to_the_builtin_ones() {
        let registry = registry_with_types(
            r#"[{"name": "shipment", "key": ["trackingNumber"], "schema": {
                "type": "object",
                "required": ["trackingNumber"],
                "properties": {
                    "trackingNumber": {"type": "string"},
                    "shippedAt": {"type": "string", "format": "date-time"},
                    "cost": {"type": "string", "x-pullpush-kind": "decimal"}
                }
            }}]"#,
        )
        .expect("a valid types file");
        let shipment = registry.get("shipment").expect("registered");
        assert!(
            shipment
                .validate(&serde_json::json!({"trackingNumber": "1Z", "cost": "4.50"}))
                .is_empty()
        );
        assert_eq!(
            shipment.validate(&serde_json::json!({"cost": 4.5})).len(),
            2
        );
        assert!(registry.get("stocklevel").is_some());
    }

    #[test]
    fn refuses_clashes_and_unsupported_schemas_with_the_type_named() {
        let clash = registry_with_types(
            r#"[{"name": "order", "key": ["id"], "schema": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}}]"#,
        );
        assert!(clash.unwrap_err().to_string().contains("`order`"));
        let unsupported = registry_with_types(
            r#"[{"name": "thing", "key": ["id"], "schema": {"type": "object", "required": ["id"], "properties": {"id": {"anyOf": []}}}}]"#,
        );
        assert!(unsupported.unwrap_err().to_string().contains("anyOf"));
        assert!(matches!(
            registry_with_types("{}"),
            Err(TypesError::Malformed(_))
        ));
    }
}
