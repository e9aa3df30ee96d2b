//! The committed schemas under `schemas/` are exactly what the code generates.
//!
//! After changing a definition or canonical type, regenerate them with
//! `UPDATE_SCHEMAS=1 cargo test -p pullpush-schema --test schemas` and review the diff.

use std::path::{Path, PathBuf};

use pullpush_core::CanonicalRegistry;
use pullpush_schema::{canonical_schema, connector_schema, to_pretty};
use serde_json::Value;

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

/// Compares `generated` with the committed file, or rewrites it when `UPDATE_SCHEMAS` is set.
fn check_committed(relative: &str, generated: &Value) -> Option<String> {
    let path = schemas_dir().join(relative);
    let text = to_pretty(generated);
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::create_dir_all(path.parent().expect("schema files live in a directory"))
            .expect("create schemas directory");
        std::fs::write(&path, &text).expect("write schema");
        return None;
    }
    match std::fs::read_to_string(&path) {
        Ok(committed) if committed == text => None,
        Ok(_) => Some(format!("{} is stale", path.display())),
        Err(err) => Some(format!("{} cannot be read: {err}", path.display())),
    }
}

#[test]
fn committed_schemas_are_current() {
    let mut stale = Vec::new();
    stale.extend(check_committed(
        "connector.schema.json",
        &connector_schema(),
    ));
    for ty in CanonicalRegistry::builtin().iter() {
        let relative = format!("canonical/{}.schema.json", ty.name());
        stale.extend(check_committed(&relative, &canonical_schema(ty)));
    }
    assert!(
        stale.is_empty(),
        "{}\nregenerate with: UPDATE_SCHEMAS=1 cargo test -p pullpush-schema --test schemas",
        stale.join("\n")
    );
}

#[test]
fn every_schema_is_a_valid_draft_2020_12_schema() {
    let mut schemas = vec![connector_schema()];
    schemas.extend(CanonicalRegistry::builtin().iter().map(canonical_schema));
    for schema in schemas {
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{}",
            schema["$id"]
        );
        if let Err(err) = jsonschema::meta::validate(&schema) {
            panic!("{} is not a valid schema: {err}", schema["$id"]);
        }
    }
}
