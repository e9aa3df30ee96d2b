//! Embedding PullPush: validate a definition, then map a native record into a canonical one.
//!
//! Run it with `cargo run -p pullpush-examples --bin embed-validate-and-map`. It uses only the
//! library crates, the same way your own binary would.

use anyhow::{Context, bail};
use pullpush_core::{CanonicalEvent, EventSource, Operation};
use serde_json::{Value, json};

const DEFINITION: &str = r#"{
  "id": "acme-inventory",
  "name": "Acme Inventory",
  "version": "1.0.0",
  "config_spec": {
    "properties": {"api_token": {"type": "string", "secret": true}},
    "required": ["api_token"]
  },
  "base_url": "https://api.acme.example/v1",
  "auth": {"type": "bearer", "token": "{{ config.api_token }}"},
  "streams": [{
    "name": "stock_levels",
    "canonical_type": "stocklevel",
    "read": {"path": "/stock", "records": "$.items[*]"},
    "mapping": {
      "fields": {
        "sku": "$.sku",
        "locationId": {"string": "$.warehouse.id"},
        "quantity": {"integer": "$.on_hand"},
        "updatedAt": {"datetime": {"value": "$.changed", "format": "%d/%m/%Y %H:%M"}}
      }
    }
  }]
}"#;

fn main() -> anyhow::Result<()> {
    // 1. Validate: every diagnostic at once, located in the source text.
    let validation = pullpush_schema::validate(DEFINITION);
    if !validation.is_valid() {
        eprint!(
            "{}",
            pullpush_schema::render(
                "definition.json",
                DEFINITION,
                &validation.diagnostics,
                false
            )
        );
        bail!("the definition is invalid");
    }
    let connector = validation
        .connector
        .context("a valid definition builds a connector")?;

    // 2. Map a native record as the API returns it, and validate the canonical result.
    let stream = &connector.streams()[0];
    let native = json!({"sku": "A-1", "warehouse": {"id": 7}, "on_hand": "12", "changed": "01/05/2024 14:30"});
    let mapped = stream
        .mapper
        .apply(&native)
        .map_err(|errors| anyhow::anyhow!("mapping failed: {errors:?}"))?;
    let errors = stream
        .canonical
        .validate(&Value::Object(mapped.data.clone()));
    if !errors.is_empty() {
        bail!("invalid canonical record: {errors:?}");
    }

    // 3. Wrap it in a canonical event, as the engine emits them (one JSON line each).
    let source = EventSource {
        connector: format!(
            "{}@{}",
            connector.definition().id,
            connector.definition().version
        ),
        stream: connector.definition().streams[stream.index].name.clone(),
        connection: None,
    };
    let observed_at = "2024-05-01T15:00:00Z";
    let event = CanonicalEvent::new(
        &stream.canonical,
        stream.mapper.key(),
        Operation::Upsert,
        mapped.data,
        source,
        observed_at,
    );
    println!("{}", serde_json::to_string(&event)?);
    Ok(())
}
