//! Bad input gives diagnostics, never a panic: arbitrary text, arbitrary JSON, mutated valid
//! definitions, huge files, deep nesting.

use proptest::prelude::*;
use pullpush_core::CanonicalRegistry;
use pullpush_schema::{MAX_DEFINITION_BYTES, Validator};
use serde_json::{Value, json};

fn validator() -> &'static Validator {
    static VALIDATOR: std::sync::OnceLock<Validator> = std::sync::OnceLock::new();
    VALIDATOR.get_or_init(|| Validator::new(CanonicalRegistry::builtin()))
}

fn valid_definition() -> Value {
    json!({
        "id": "acme-orders",
        "name": "Acme Orders",
        "version": "1.0.0",
        "config_spec": {"properties": {"api_key": {"type": "string", "secret": true}}},
        "base_url": "https://api.acme.example",
        "auth": {"type": "api_key", "in": "header", "name": "X-API-Key", "value": "{{ config.api_key }}"},
        "streams": [{
            "name": "orders",
            "canonical_type": "order",
            "read": {"path": "/orders", "records": "$.orders[*]"},
            "pagination": {"type": "page_number", "page_size": {"param": "per_page", "value": 50}, "stop": {"short_page": true}},
            "mapping": {"fields": {
                "orderId": {"string": "$.id"},
                "status": {"lookup": {"value": "$.state", "table": {"1": "pending", "2": "completed"}}},
                "currency": {"uppercase": "$.currency"},
                "totalAmount": {"minor_units": {"value": "$.total_cents", "decimals": 2}},
                "createdAt": {"datetime": {"value": "$.created"}},
                "lineItems": {"each": {"path": "$.lines", "fields": {"sku": "$.sku", "quantity": {"integer": "$.qty"}}}}
            }}
        }]
    })
}

/// Arbitrary JSON values of bounded size.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-z${}%. _\\[\\]0-9]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Replaces the value at a random place in `value` with `replacement`.
fn mutate(value: &mut Value, path: &[usize], replacement: Value) {
    let Some((&first, rest)) = path.split_first() else {
        *value = replacement;
        return;
    };
    match value {
        Value::Object(object) if !object.is_empty() => {
            let key = object
                .keys()
                .nth(first % object.len())
                .cloned()
                .expect("index in range");
            if rest.is_empty() || first % 5 == 0 {
                object.insert(key, replacement);
            } else if let Some(child) = object.get_mut(&key) {
                mutate(child, rest, replacement);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let index = first % items.len();
            mutate(&mut items[index], rest, replacement);
        }
        _ => *value = replacement,
    }
}

fn assert_well_formed(text: &str) {
    let validation = validator().validate(text);
    assert_eq!(validation.is_valid(), validation.error_count() == 0);
    for diagnostic in &validation.diagnostics {
        assert!(!diagnostic.code.is_empty());
        assert!(diagnostic.pointer.is_empty() || diagnostic.pointer.starts_with('/'));
        let location = diagnostic.location.expect("every diagnostic is located");
        assert!(location.line >= 1 && location.column >= 1);
        assert!(
            location.line <= text.lines().count().max(1) + 1,
            "{diagnostic:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        assert_well_formed(&text);
    }

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        assert_well_formed(&serde_json::to_string_pretty(&value).expect("serialises"));
    }

    #[test]
    fn mutated_definitions_never_panic(path in prop::collection::vec(any::<usize>(), 1..6), replacement in arbitrary_json()) {
        let mut definition = valid_definition();
        mutate(&mut definition, &path, replacement);
        assert_well_formed(&serde_json::to_string_pretty(&definition).expect("serialises"));
    }
}

#[test]
fn the_unmutated_definition_is_valid() {
    let text = serde_json::to_string_pretty(&valid_definition()).expect("serialises");
    let validation = validator().validate(&text);
    assert!(validation.is_valid(), "{:#?}", validation.diagnostics);
}

#[test]
fn huge_input_is_refused_with_a_diagnostic() {
    let text = format!("{{\"id\": \"{}\"}}", "x".repeat(MAX_DEFINITION_BYTES));
    let validation = validator().validate(&text);
    assert_eq!(validation.diagnostics[0].code, "too-large");
}

#[test]
fn deep_nesting_is_refused_with_a_diagnostic() {
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let validation = validator().validate(&text);
    assert_eq!(validation.diagnostics[0].code, "too-deep");

    // Nesting the parser accepts, inside a definition field, still only yields diagnostics.
    let nested = format!("{{\"id\": {}1{}}}", "[".repeat(100), "]".repeat(100));
    let validation = validator().validate(&nested);
    assert!(!validation.is_valid());
}

#[test]
fn invalid_json_points_at_the_syntax_error() {
    let validation = validator().validate("{\n  \"id\": \"x\",\n}\n");
    let diagnostic = &validation.diagnostics[0];
    assert_eq!(diagnostic.code, "invalid-json");
    assert_eq!(diagnostic.location.map(|l| l.line), Some(3));
}
