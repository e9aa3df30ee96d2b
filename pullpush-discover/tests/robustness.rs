//! Discovery never panics, whatever the input: arbitrary text, and documents of arbitrary shape
//! under a valid `openapi` header, with references that may dangle, loop or point anywhere.

use proptest::prelude::*;
use pullpush_core::CanonicalRegistry;
use pullpush_discover::{
    ApiDocument, DEFAULT_MAX_DOCUMENT_BYTES, GenerateOptions, StreamRequest, discover, generate,
};
use serde_json::{Map, Value, json};

/// JSON values biased towards what OpenAPI documents contain: schema keywords, references that
/// may or may not resolve, arrays and nested objects.
fn value() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec![
        "type",
        "properties",
        "items",
        "allOf",
        "oneOf",
        "$ref",
        "required",
        "nullable",
        "parameters",
        "responses",
        "200",
        "content",
        "application/json",
        "schema",
        "name",
        "in",
        "data",
        "next",
        "cursor",
        "page",
        "id",
        "updated_at",
        "enum",
        "format",
        "security",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        prop::sample::select(vec![
            "object",
            "array",
            "string",
            "integer",
            "query",
            "header",
            "path",
            "date-time",
            "#/components/schemas/A",
            "#/components/schemas/B",
            "#/nowhere",
            "other.yaml#/X",
            "#/paths",
            "",
        ])
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6).prop_map(|members| {
                Value::Object(
                    members
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<String, Value>>(),
                )
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_is_an_error_or_a_document(text in "\\PC{0,200}") {
        let _ = ApiDocument::parse(&text, DEFAULT_MAX_DOCUMENT_BYTES);
    }

    #[test]
    fn arbitrary_yaml_like_text_never_panics(
        lines in prop::collection::vec("( {0,4})[a-z$&*{}\\[\\]:#-]{0,12}( [a-z0-9&*'\"]{0,8})?", 0..30)
    ) {
        let text = format!("openapi: 3.0.0\n{}", lines.join("\n"));
        let _ = ApiDocument::parse(&text, DEFAULT_MAX_DOCUMENT_BYTES);
    }

    #[test]
    fn documents_of_any_shape_are_discovered_and_generated_without_panics(
        get in value(),
        post in value(),
        a in value(),
        b in value(),
        version in prop::sample::select(vec!["3.0.3", "3.1.0", "2.0"]),
    ) {
        let header = if version == "2.0" { "swagger" } else { "openapi" };
        let document = json!({
            header: version,
            "info": {"title": "Fuzz", "version": "1"},
            "paths": {"/things": {"get": get, "post": post}, "/things/{id}": {"get": a.clone()}},
            "components": {"schemas": {"A": a, "B": b.clone()}},
            "definitions": {"A": b},
        });
        let registry = CanonicalRegistry::builtin();
        let Ok(document) = ApiDocument::from_value(document) else { return Ok(()) };
        let report = discover(&document, &registry);
        for operation in &report.operations {
            let options = GenerateOptions {
                streams: vec![StreamRequest {
                    operation: operation.id.clone(),
                    canonical_type: "contact".into(),
                }],
                id: None,
            };
            if let Ok(draft) = generate(&document, &registry, &options) {
                // The contract: whatever the document, a draft validates.
                prop_assert!(draft.is_valid(), "{:?}\n{}", draft.diagnostics, draft.text());
            }
        }
    }

    #[test]
    fn list_operations_with_any_record_schema_give_valid_drafts(
        record in value(),
        envelope in prop::sample::select(vec!["", "data", "items", "results"]),
        parameters in prop::collection::vec(
            (prop::sample::select(vec!["cursor", "page", "per_page", "limit", "offset", "updated_since", "id", "q"]),
             prop::sample::select(vec!["query", "header", "path"]),
             any::<bool>()),
            0..5,
        ),
        ty in prop::sample::select(vec!["stocklevel", "order", "product", "contact", "invoice", "call", "company", "ticket"]),
    ) {
        let array = json!({"type": "array", "items": record});
        let schema = if envelope.is_empty() {
            array
        } else {
            json!({"type": "object", "properties": {envelope: array, "next": {"type": "string", "nullable": true}}})
        };
        let parameters: Vec<Value> = parameters
            .into_iter()
            .map(|(name, location, required)| json!({"name": name, "in": location, "required": required, "schema": {"type": "string"}}))
            .collect();
        let document = json!({
            "openapi": "3.0.3",
            "info": {"title": "Fuzz", "version": "1"},
            "servers": [{"url": "https://api.example.com/v1"}],
            "paths": {"/things": {"get": {
                "operationId": "listThings",
                "parameters": parameters,
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}
            }}}
        });
        let registry = CanonicalRegistry::builtin();
        let document = ApiDocument::from_value(document).expect("a well-formed document");
        let options = GenerateOptions {
            streams: vec![StreamRequest { operation: "listThings".into(), canonical_type: ty.into() }],
            id: None,
        };
        match generate(&document, &registry, &options) {
            Ok(draft) => prop_assert!(draft.is_valid(), "{:?}\n{}", draft.diagnostics, draft.text()),
            // A record schema that is not an object (`"items": 3`) is not a list of records.
            Err(error) => prop_assert!(error.to_string().contains("cannot be read as a stream"), "{error}"),
        }
    }
}
