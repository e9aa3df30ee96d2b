//! Tests of the canonical model: the built-in types, their JSON Schemas, record validation, user
//! types from JSON Schema, the registry and the event envelope.
//!
//! Validation tests are data: a type name, a record, and the errors expected, each written as
//! `path: message` (the `Display` of [`RecordError`]).

use serde_json::{Map, Value, json};

use super::*;

/// Validates `record` against the built-in type `type_name` and renders every error.
fn check(type_name: &str, record: Value) -> Vec<String> {
    let registry = CanonicalRegistry::builtin();
    let ty = registry
        .get(type_name)
        .unwrap_or_else(|| panic!("`{type_name}` is a built-in type"));
    ty.validate(&record)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// A stock level with every field filled in.
fn stocklevel() -> Value {
    json!({
        "sku": "A-1",
        "locationId": "berlin",
        "quantity": 12,
        "updatedAt": "2024-05-01T12:00:00Z",
        "reservedQuantity": 0,
        "locationName": "Berlin",
        "productId": "p-1"
    })
}

/// An order with the required fields and two valid line items.
fn order() -> Value {
    json!({
        "orderId": "1001",
        "status": "completed",
        "currency": "EUR",
        "totalAmount": "19.99",
        "createdAt": "2024-05-01T12:00:00+02:00",
        "lineItems": [
            {"sku": "A-1", "quantity": 1, "unitPrice": "9.99"},
            {"sku": "B-2", "quantity": 2, "unitPrice": "5.00"}
        ],
        "customer": {"email": "ada@example.com", "name": "Ada"}
    })
}

/// `record` with the value at `pointer` replaced (or added, for a new last token).
fn with(mut record: Value, pointer: &str, value: Value) -> Value {
    let tokens = crate::pointer::tokens(pointer).expect("a JSON pointer");
    let (last, parents) = tokens.split_last().expect("a pointer below the root");
    let mut target = &mut record;
    for token in parents {
        target = match target {
            Value::Array(items) => &mut items[token.parse::<usize>().expect("an index")],
            other => &mut other[token.as_str()],
        };
    }
    match target {
        Value::Array(items) => items[last.parse::<usize>().expect("an index")] = value,
        other => other[last.as_str()] = value,
    }
    record
}

/// `record` without the field at the top-level `name`.
fn without(mut record: Value, name: &str) -> Value {
    record
        .as_object_mut()
        .expect("records are objects")
        .shift_remove(name);
    record
}

// ---------------------------------------------------------------------------------------------
// Built-in types and their JSON Schemas
// ---------------------------------------------------------------------------------------------

#[test]
fn registry_holds_every_builtin_type_in_a_stable_order() {
    let registry = CanonicalRegistry::builtin();
    let names: Vec<&str> = registry.names().collect();
    assert_eq!(
        names,
        [
            "stocklevel",
            "order",
            "product",
            "contact",
            "invoice",
            "call",
            "company",
            "ticket"
        ]
    );
    for ty in registry.iter() {
        assert_eq!(ty.version(), 1, "{}", ty.name());
        assert!(!ty.description().is_empty(), "{}", ty.name());
        for key in ty.key() {
            let field = ty.fields().get(key).expect("key fields exist");
            assert!(
                field.required,
                "key field {key} of {} is required",
                ty.name()
            );
        }
    }
    assert_eq!(
        CanonicalRegistry::default().names().collect::<Vec<_>>(),
        names
    );
}

#[test]
fn every_builtin_json_schema_has_the_draft_2020_12_shape() {
    for ty in CanonicalRegistry::builtin().iter() {
        let schema = ty.json_schema();
        let mut problems = Vec::new();
        check_schema_shape(&schema, "", true, &mut problems);
        assert!(problems.is_empty(), "{}: {problems:#?}", ty.name());
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(
            schema["$id"],
            format!(
                "https://pullpush.dev/schemas/canonical/{}/v1.json",
                ty.name()
            )
        );
        assert_eq!(schema["title"], ty.name());
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(schema["x-pullpush-key"], json!(ty.key()));
        let properties: Vec<&String> = schema["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .collect();
        let fields: Vec<&String> = ty.fields().keys().collect();
        assert_eq!(
            properties,
            fields,
            "{}: properties in field order",
            ty.name()
        );
    }
}

/// Checks the structure of a JSON Schema against the draft 2020-12 vocabulary the canonical
/// schemas use: known keywords only, well-formed `type`, `required` naming declared properties,
/// `items` as a single schema (2020-12 has no array form), and `enum` values matching `type`.
fn check_schema_shape(schema: &Value, at: &str, root: bool, problems: &mut Vec<String>) {
    const TYPES: &[&str] = &[
        "null", "boolean", "object", "array", "number", "string", "integer",
    ];
    const FORMATS: &[&str] = &["date-time", "date", "email"];
    let mut fail = |message: String| problems.push(format!("{at}: {message}"));
    let Some(object) = schema.as_object() else {
        fail(format!("a schema must be an object, found {schema}"));
        return;
    };
    for keyword in object.keys() {
        let known = matches!(
            keyword.as_str(),
            "type"
                | "properties"
                | "required"
                | "additionalProperties"
                | "items"
                | "enum"
                | "format"
                | "pattern"
                | "minimum"
                | "description"
                | "title"
        ) || keyword.starts_with("x-pullpush-")
            || (root && matches!(keyword.as_str(), "$schema" | "$id"));
        if !known {
            fail(format!("unexpected keyword `{keyword}`"));
        }
    }
    let types: Vec<&str> = match object.get("type") {
        None => vec![],
        Some(Value::String(ty)) => vec![ty.as_str()],
        Some(Value::Array(types)) => {
            let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
            let mut unique = names.clone();
            unique.sort_unstable();
            unique.dedup();
            if names.is_empty() || names.len() != types.len() || unique.len() != names.len() {
                fail(format!("`type` must be unique strings, found {types:?}"));
            }
            names
        }
        Some(other) => {
            fail(format!(
                "`type` must be a string or an array, found {other}"
            ));
            vec![]
        }
    };
    for ty in &types {
        if !TYPES.contains(ty) {
            fail(format!("unknown type `{ty}`"));
        }
    }
    if let Some(format) = object.get("format")
        && !format
            .as_str()
            .is_some_and(|format| FORMATS.contains(&format))
    {
        fail(format!("unexpected format {format}"));
    }
    if let Some(pattern) = object.get("pattern") {
        let anchored = pattern
            .as_str()
            .is_some_and(|pattern| pattern.starts_with('^') && pattern.ends_with('$'));
        if !anchored {
            fail(format!(
                "`pattern` must be an anchored string, found {pattern}"
            ));
        }
    }
    if let Some(minimum) = object.get("minimum")
        && !minimum.is_number()
    {
        fail(format!("`minimum` must be a number, found {minimum}"));
    }
    if let Some(values) = object.get("enum") {
        match values.as_array() {
            Some(values) if !values.is_empty() => {
                for value in values {
                    let fits = match value {
                        Value::Null => types.contains(&"null"),
                        Value::String(_) => types.contains(&"string"),
                        _ => false,
                    };
                    if !fits {
                        fail(format!(
                            "enum value {value} does not have the type {types:?}"
                        ));
                    }
                }
            }
            _ => fail(format!("`enum` must be a non-empty array, found {values}")),
        }
    }
    let properties = object.get("properties").and_then(Value::as_object);
    if object.contains_key("properties") && properties.is_none() {
        fail("`properties` must be an object".into());
    }
    if let Some(required) = object.get("required") {
        match required.as_array() {
            Some(names) => {
                for name in names {
                    let declared = name
                        .as_str()
                        .is_some_and(|name| properties.is_some_and(|p| p.contains_key(name)));
                    if !declared {
                        fail(format!("required {name} is not a declared property"));
                    }
                }
            }
            None => fail("`required` must be an array".into()),
        }
    }
    if types.contains(&"object") && object.get("additionalProperties") != Some(&json!(false)) {
        fail("objects must refuse additional properties".into());
    }
    if types.contains(&"array") && !object.contains_key("items") {
        fail("arrays must describe their items".into());
    }
    if let Some(items) = object.get("items") {
        if items.is_array() {
            fail("`items` is a single schema in draft 2020-12".into());
        }
        check_schema_shape(items, &format!("{at}/items"), false, problems);
    }
    for (name, property) in properties.into_iter().flatten() {
        let property_at = crate::pointer::push(&format!("{at}/properties"), name);
        check_schema_shape(property, &property_at, false, problems);
    }
}

#[test]
fn stocklevel_json_schema() {
    let registry = CanonicalRegistry::builtin();
    insta::assert_json_snapshot!(registry.get("stocklevel").unwrap().json_schema());
}

#[test]
fn order_json_schema() {
    let registry = CanonicalRegistry::builtin();
    insta::assert_json_snapshot!(registry.get("order").unwrap().json_schema());
}

#[test]
fn every_builtin_type_round_trips_through_its_json_schema() {
    for ty in CanonicalRegistry::builtin().iter() {
        let rebuilt = CanonicalType::from_json_schema(
            ty.name(),
            ty.version(),
            ty.key().to_vec(),
            &ty.json_schema(),
        )
        .unwrap_or_else(|err| panic!("{}: {err}", ty.name()));
        assert_eq!(&rebuilt, ty);
    }
}

// ---------------------------------------------------------------------------------------------
// Validating records
// ---------------------------------------------------------------------------------------------

#[test]
fn a_complete_stocklevel_is_valid() {
    assert_eq!(check("stocklevel", stocklevel()), Vec::<String>::new());
}

#[test]
fn optional_fields_may_be_absent_or_null() {
    let record = json!({
        "sku": "A-1",
        "locationId": "berlin",
        "quantity": -3,
        "updatedAt": null,
        "locationName": null
    });
    assert_eq!(check("stocklevel", record), Vec::<String>::new());
}

#[test]
fn null_quantity_is_not_read_as_zero() {
    let errors = check("stocklevel", with(stocklevel(), "/quantity", Value::Null));
    assert_eq!(
        errors,
        [
            "/quantity: required field `quantity` is null; null means \"no data\" and is never read as a default such as 0"
        ]
    );
}

#[test]
fn stocklevel_field_errors() {
    let cases = [
        (
            with(stocklevel(), "/quantity", json!("12")),
            vec!["/quantity: expected an integer, found the string \"12\""],
        ),
        (
            with(stocklevel(), "/quantity", json!(1.5)),
            vec!["/quantity: expected an integer, found the number 1.5"],
        ),
        (
            without(stocklevel(), "sku"),
            vec!["/sku: required field `sku` is missing"],
        ),
        (
            with(stocklevel(), "/locatoinName", json!("x")),
            vec!["/locatoinName: unknown field `locatoinName` (did you mean `locationName`?)"],
        ),
        (
            with(stocklevel(), "/colour", json!("red")),
            vec!["/colour: unknown field `colour`"],
        ),
        (
            with(stocklevel(), "/reservedQuantity", json!(-1)),
            vec!["/reservedQuantity: -1 is below the minimum 0"],
        ),
        (
            with(stocklevel(), "/updatedAt", json!("2024-05-01T12:00:00")),
            vec![
                "/updatedAt: `2024-05-01T12:00:00` is not an RFC 3339 date-time with offset, e.g. 2024-05-01T12:00:00Z",
            ],
        ),
        (
            with(stocklevel(), "/sku", json!(7)),
            vec!["/sku: expected a string, found the number 7"],
        ),
        (json!([]), vec!["/: expected an object, found an array"]),
    ];
    for (record, expected) in cases {
        assert_eq!(check("stocklevel", record.clone()), expected, "{record}");
    }
}

#[test]
fn every_problem_of_a_record_is_reported_at_once() {
    let record = json!({"quantity": null, "sku": 1, "extra": true});
    assert_eq!(
        check("stocklevel", record),
        [
            "/sku: expected a string, found the number 1",
            "/locationId: required field `locationId` is missing",
            "/quantity: required field `quantity` is null; null means \"no data\" and is never read as a default such as 0",
            "/extra: unknown field `extra`",
        ]
    );
}

#[test]
fn a_valid_order_is_valid() {
    assert_eq!(check("order", order()), Vec::<String>::new());
}

#[test]
fn nested_line_item_errors_carry_their_path() {
    let record = with(
        order(),
        "/lineItems",
        json!([
            {"sku": "A-1", "quantity": 1},
            {"sku": "B-2", "quantity": "2"},
            {"quantity": -1, "qty": 3},
            null,
            "A-1"
        ]),
    );
    assert_eq!(
        check("order", record),
        [
            "/lineItems/1/quantity: expected an integer, found the string \"2\"",
            "/lineItems/2/sku: required field `sku` is missing",
            "/lineItems/2/quantity: -1 is below the minimum 0",
            "/lineItems/2/qty: unknown field `qty`",
            "/lineItems/3: array element is null",
            "/lineItems/4: expected an object, found the string \"A-1\"",
        ]
    );
}

#[test]
fn nested_objects_are_validated() {
    let record = with(order(), "/customer", json!({"email": "ada", "nam": "Ada"}));
    assert_eq!(
        check("order", record),
        [
            "/customer/email: `ada` is not an e-mail address",
            "/customer/nam: unknown field `nam` (did you mean `name`?)",
        ]
    );
    let record = with(order(), "/lineItems", json!({"sku": "A-1"}));
    assert_eq!(
        check("order", record),
        ["/lineItems: expected an array, found an object"]
    );
}

#[test]
fn money_is_a_decimal_string() {
    let accepted = [
        "19.99",
        "0",
        "-0.5",
        "1000000000000000000000.000001",
        "5.00",
    ];
    for amount in accepted {
        let record = with(order(), "/totalAmount", json!(amount));
        assert_eq!(check("order", record), Vec::<String>::new(), "{amount}");
    }
    let cases = [
        (
            json!(19.99),
            "/totalAmount: expected a decimal string such as \"19.99\", found the number 19.99; money is a string so no cent is lost to floating point",
        ),
        (
            json!(20),
            "/totalAmount: expected a decimal string such as \"19.99\", found the number 20; money is a string so no cent is lost to floating point",
        ),
        (
            json!("01.5"),
            "/totalAmount: `01.5` is not a decimal such as \"19.99\" (digits, optional minus and fraction)",
        ),
        (
            json!("1."),
            "/totalAmount: `1.` is not a decimal such as \"19.99\" (digits, optional minus and fraction)",
        ),
        (
            json!(".5"),
            "/totalAmount: `.5` is not a decimal such as \"19.99\" (digits, optional minus and fraction)",
        ),
        (
            json!("+1"),
            "/totalAmount: `+1` is not a decimal such as \"19.99\" (digits, optional minus and fraction)",
        ),
        (
            json!("1e3"),
            "/totalAmount: `1e3` is not a decimal such as \"19.99\" (digits, optional minus and fraction)",
        ),
        (
            json!("1,50"),
            "/totalAmount: `1,50` is not a decimal such as \"19.99\" (digits, optional minus and fraction)",
        ),
        (
            json!(true),
            "/totalAmount: expected a decimal string, found the boolean true",
        ),
    ];
    for (amount, expected) in cases {
        let record = with(order(), "/totalAmount", amount.clone());
        assert_eq!(check("order", record), [expected], "{amount}");
    }
}

#[test]
fn currency_is_three_upper_case_letters() {
    for (currency, expected) in [
        (
            json!("eur"),
            vec![
                "/currency: `eur` is not an ISO 4217 currency code (three upper-case letters such as EUR)",
            ],
        ),
        (
            json!("EURO"),
            vec![
                "/currency: `EURO` is not an ISO 4217 currency code (three upper-case letters such as EUR)",
            ],
        ),
        (
            json!(978),
            vec!["/currency: expected a currency code string, found the number 978"],
        ),
        (json!("USD"), vec![]),
    ] {
        let record = with(order(), "/currency", currency.clone());
        assert_eq!(check("order", record), expected, "{currency}");
    }
}

#[test]
fn enum_typos_get_a_suggestion() {
    let record = with(order(), "/status", json!("complete"));
    assert_eq!(
        check("order", record),
        [
            "/status: `complete` is not one of draft, pending, processing, on_hold, completed, cancelled, refunded, failed (did you mean `completed`?)"
        ]
    );
    let record = with(order(), "/status", json!("shipped"));
    assert_eq!(
        check("order", record),
        [
            "/status: `shipped` is not one of draft, pending, processing, on_hold, completed, cancelled, refunded, failed"
        ]
    );
}

#[test]
fn dates_and_emails() {
    let invoice = json!({
        "invoiceId": "INV-1",
        "amount": "10.00",
        "currency": "EUR",
        "status": "open",
        "issuedOn": "2024-02-29",
    });
    assert_eq!(check("invoice", invoice.clone()), Vec::<String>::new());
    let cases = [
        (
            json!("2024-02-30"),
            "/issuedOn: `2024-02-30` is not a date in the form YYYY-MM-DD",
        ),
        (
            json!("2024-5-1"),
            "/issuedOn: `2024-5-1` is not a date in the form YYYY-MM-DD",
        ),
        (
            json!("2024-05-01T00:00:00Z"),
            "/issuedOn: `2024-05-01T00:00:00Z` is not a date in the form YYYY-MM-DD",
        ),
        (
            json!(20240501),
            "/issuedOn: expected a date string, found the number 20240501",
        ),
    ];
    for (date, expected) in cases {
        let record = with(invoice.clone(), "/issuedOn", date.clone());
        assert_eq!(check("invoice", record), [expected], "{date}");
    }
    for (email, valid) in [
        ("ada@example.com", true),
        ("ada@example", false),
        ("@example.com", false),
        ("ada@.example.com", false),
        ("ada@example.com.", false),
        ("ada lovelace@example.com", false),
        ("ada@b@example.com", false),
    ] {
        let errors = check("contact", json!({ "email": email }));
        assert_eq!(errors.is_empty(), valid, "{email}: {errors:?}");
    }
}

#[test]
fn key_of_reads_the_key_fields_in_order() {
    let registry = CanonicalRegistry::builtin();
    let ty = registry.get("stocklevel").unwrap();
    assert_eq!(
        ty.key_of(&stocklevel()),
        Some(vec![&json!("A-1"), &json!("berlin")])
    );
    assert_eq!(ty.key_of(&without(stocklevel(), "locationId")), None);
    assert_eq!(
        ty.key_of(&with(stocklevel(), "/sku", Value::Null)),
        None,
        "a null key is no key"
    );
}

// ---------------------------------------------------------------------------------------------
// User types from JSON Schema
// ---------------------------------------------------------------------------------------------

fn user_schema() -> Value {
    json!({
        "description": "A shipment.",
        "properties": {
            "shipmentId": {"type": "string", "description": "The carrier's id."},
            "parcels": {"type": "integer", "minimum": 1},
            "weight": {"type": "number"},
            "insured": {"type": "boolean"},
            "shippedAt": {"type": "string", "format": "date-time"},
            "deliveredOn": {"type": ["string", "null"], "format": "date"},
            "contact": {"type": "string", "format": "email"},
            "fee": {"type": "string", "x-pullpush-kind": "decimal"},
            "currency": {"type": "string", "x-pullpush-kind": "currency"},
            "carrier": {"enum": ["dhl", "ups", null]},
            "extras": true,
            "notes": {},
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"sku": {"type": "string"}, "count": {"type": "integer"}},
                    "required": ["sku"]
                }
            }
        },
        "required": ["shipmentId", "parcels"]
    })
}

#[test]
fn user_types_read_the_supported_json_schema_subset() {
    let ty =
        CanonicalType::from_json_schema("shipment", 2, vec!["shipmentId".into()], &user_schema())
            .expect("the schema is supported");
    assert_eq!(ty.name(), "shipment");
    assert_eq!(ty.version(), 2);
    assert_eq!(ty.description(), "A shipment.");
    let kinds: Vec<(&str, &FieldKind, bool)> = ty
        .fields()
        .iter()
        .map(|(name, field)| (name.as_str(), &field.kind, field.required))
        .collect();
    let item = FieldKind::Object(
        [
            (
                "sku".to_owned(),
                Field {
                    kind: FieldKind::String,
                    required: true,
                    description: String::new(),
                },
            ),
            (
                "count".to_owned(),
                Field {
                    kind: FieldKind::Integer { minimum: None },
                    required: false,
                    description: String::new(),
                },
            ),
        ]
        .into_iter()
        .collect(),
    );
    let items = FieldKind::Array(Box::new(item));
    let carrier = FieldKind::Enum(vec!["dhl".into(), "ups".into()]);
    assert_eq!(
        kinds,
        [
            ("shipmentId", &FieldKind::String, true),
            ("parcels", &FieldKind::Integer { minimum: Some(1) }, true),
            ("weight", &FieldKind::Number, false),
            ("insured", &FieldKind::Boolean, false),
            ("shippedAt", &FieldKind::DateTime, false),
            ("deliveredOn", &FieldKind::Date, false),
            ("contact", &FieldKind::Email, false),
            ("fee", &FieldKind::Decimal, false),
            ("currency", &FieldKind::Currency, false),
            ("carrier", &carrier, false),
            ("extras", &FieldKind::Any, false),
            ("notes", &FieldKind::Any, false),
            ("items", &items, false),
        ]
    );
    assert_eq!(ty.fields()["shipmentId"].description, "The carrier's id.");

    let valid = json!({
        "shipmentId": "S-1",
        "parcels": 2,
        "fee": "4.90",
        "carrier": "dhl",
        "extras": {"anything": [1, "goes"]},
        "items": [{"sku": "A-1", "count": 3}]
    });
    assert_eq!(ty.validate(&valid), vec![]);
    let invalid = json!({
        "shipmentId": "S-1",
        "parcels": 0,
        "fee": 4.9,
        "carrier": "dpd",
        "items": [{"count": 3}]
    });
    let errors: Vec<String> = ty
        .validate(&invalid)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "/parcels: 0 is below the minimum 1",
            "/fee: expected a decimal string such as \"19.99\", found the number 4.9; money is a string so no cent is lost to floating point",
            "/carrier: `dpd` is not one of dhl, ups",
            "/items/0/sku: required field `sku` is missing",
        ]
    );
}

#[test]
fn unsupported_json_schema_constructs_are_named_with_their_pointer() {
    let schema = |property: Value| json!({"properties": {"id": {"type": "string"}, "x": property}, "required": ["id"]});
    let cases = [
        (
            schema(json!({"$ref": "#/$defs/money"})),
            "/properties/x",
            "`$ref` is not supported",
        ),
        (
            schema(json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})),
            "/properties/x",
            "`anyOf` is not supported",
        ),
        (
            schema(json!({"oneOf": [{"type": "string"}]})),
            "/properties/x",
            "`oneOf` is not supported",
        ),
        (
            schema(json!({"type": "string", "pattern": "^[A-Z]+$"})),
            "/properties/x",
            "`pattern` is not supported",
        ),
        (
            schema(json!({"type": ["string", "integer"]})),
            "/properties/x",
            "a union of several non-null types",
        ),
        (
            schema(json!({"type": "null"})),
            "/properties/x",
            "type `null`",
        ),
        (
            schema(json!({"enum": ["a", 1]})),
            "/properties/x",
            "only string enums are supported",
        ),
        (
            schema(json!("string")),
            "/properties/x",
            "a schema must be an object",
        ),
        (
            schema(
                json!({"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string", "pattern": "^x$"}}}}),
            ),
            "/properties/x/items/properties/code",
            "`pattern` is not supported",
        ),
        (
            json!({"properties": {"id": {"type": "string"}, "a/b": {"$ref": "#"}}, "required": ["id"]}),
            "/properties/a~1b",
            "`$ref` is not supported",
        ),
        (
            json!({"properties": {"id": {"type": "string"}}, "required": ["id", "name"]}),
            "/required",
            "required field `name` is not among the properties",
        ),
        (
            json!({"properties": ["id"]}),
            "/properties",
            "`properties` must be an object",
        ),
        (json!([]), "", "must be an object"),
    ];
    for (schema, pointer, message) in cases {
        match CanonicalType::from_json_schema("thing", 1, vec!["id".into()], &schema) {
            Err(CanonicalError::UnsupportedSchema {
                pointer: got_pointer,
                message: got_message,
            }) => {
                assert_eq!(got_pointer, pointer, "{schema}");
                assert!(
                    got_message.contains(message),
                    "{schema}: `{got_message}` should mention `{message}`"
                );
            }
            other => panic!("{schema}: expected an unsupported-schema error, got {other:?}"),
        }
    }
    let error = CanonicalType::from_json_schema(
        "thing",
        1,
        vec!["id".into()],
        &schema(json!({"$ref": "#/$defs/money"})),
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("unsupported schema at /properties/x: `$ref` is not supported"),
        "{error}"
    );
}

#[test]
fn type_names_and_keys_are_checked() {
    let schema = json!({
        "properties": {"id": {"type": "string"}, "note": {"type": "string"}},
        "required": ["id"]
    });
    let build = |name: &str, key: &[&str]| {
        CanonicalType::from_json_schema(
            name,
            1,
            key.iter().map(|k| (*k).to_owned()).collect(),
            &schema,
        )
    };
    assert!(build("my_thing2", &["id"]).is_ok());
    for name in ["Thing", "2thing", "my-thing", "", "thing!"] {
        assert_eq!(
            build(name, &["id"]).unwrap_err(),
            CanonicalError::InvalidName(name.into())
        );
    }
    assert_eq!(
        build("thing", &[]).unwrap_err(),
        CanonicalError::EmptyKey("thing".into())
    );
    for key in ["note", "missing"] {
        assert_eq!(
            build("thing", &[key]).unwrap_err(),
            CanonicalError::InvalidKey {
                type_name: "thing".into(),
                field: key.into()
            }
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

#[test]
fn registry_refuses_duplicates() {
    let mut registry = CanonicalRegistry::builtin();
    let schema = json!({"properties": {"id": {"type": "string"}}, "required": ["id"]});
    let order = CanonicalType::from_json_schema("order", 1, vec!["id".into()], &schema).unwrap();
    assert_eq!(
        registry.register(order),
        Err(CanonicalError::Duplicate("order".into()))
    );
    assert_eq!(
        registry.get("order").unwrap().key(),
        ["orderId"],
        "the built-in type is unchanged"
    );

    let shipment =
        CanonicalType::from_json_schema("shipment", 1, vec!["id".into()], &schema).unwrap();
    registry.register(shipment.clone()).unwrap();
    assert_eq!(registry.get("shipment"), Some(&shipment));
    assert_eq!(registry.names().last(), Some("shipment"));
    assert_eq!(
        registry.register(shipment),
        Err(CanonicalError::Duplicate("shipment".into()))
    );
    assert_eq!(registry.iter().count(), 9);
    assert_eq!(
        CanonicalError::Duplicate("shipment".into()).to_string(),
        "canonical type `shipment` is already registered"
    );
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

fn source() -> EventSource {
    EventSource {
        connector: "acme-inventory@1.0.0".into(),
        stream: "stock_levels".into(),
        connection: None,
    }
}

fn at(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .expect("in range")
        .to_string()
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(object) => object,
        other => panic!("expected an object, found {other}"),
    }
}

fn event_id(type_name: &str, operation: Operation, data: Value) -> String {
    let registry = CanonicalRegistry::builtin();
    let ty = registry.get(type_name).unwrap();
    CanonicalEvent::new(ty, ty.key(), operation, object(data), source(), &at(0)).id
}

#[test]
fn event_ids_are_deterministic_and_independent_of_field_order() {
    let one = json!({"sku": "A-1", "locationId": "berlin", "quantity": 5, "extra": {"a": 1, "b": [{"x": 1, "y": 2}]}});
    let reordered = json!({"extra": {"b": [{"y": 2, "x": 1}], "a": 1}, "quantity": 5, "locationId": "berlin", "sku": "A-1"});
    assert_ne!(
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&reordered).unwrap(),
        "the test needs two different insertion orders"
    );
    let id = event_id("stocklevel", Operation::Upsert, one.clone());
    assert_eq!(id.len(), 64);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(id, event_id("stocklevel", Operation::Upsert, one));
    assert_eq!(id, event_id("stocklevel", Operation::Upsert, reordered));
}

#[test]
fn event_ids_differ_when_content_differs() {
    let base = json!({"sku": "A-1", "locationId": "berlin", "quantity": 5});
    let id = event_id("stocklevel", Operation::Upsert, base.clone());
    let variants = [
        (
            "quantity",
            event_id(
                "stocklevel",
                Operation::Upsert,
                json!({"sku": "A-1", "locationId": "berlin", "quantity": 6}),
            ),
        ),
        (
            "key",
            event_id(
                "stocklevel",
                Operation::Upsert,
                json!({"sku": "A-1", "locationId": "hamburg", "quantity": 5}),
            ),
        ),
        (
            "number vs string",
            event_id(
                "stocklevel",
                Operation::Upsert,
                json!({"sku": "A-1", "locationId": "berlin", "quantity": "5"}),
            ),
        ),
        (
            "null vs absent",
            event_id(
                "stocklevel",
                Operation::Upsert,
                json!({"sku": "A-1", "locationId": "berlin", "quantity": 5, "updatedAt": null}),
            ),
        ),
        (
            "operation",
            event_id("stocklevel", Operation::Delete, base.clone()),
        ),
        ("type", event_id("contact", Operation::Upsert, base.clone())),
    ];
    for (what, other) in variants {
        assert_ne!(id, other, "{what} changes the id");
    }

    let registry = CanonicalRegistry::builtin();
    let stocklevel = registry.get("stocklevel").unwrap();
    let version_two = CanonicalType::new(
        "stocklevel",
        2,
        stocklevel.description(),
        stocklevel.key().to_vec(),
        stocklevel.fields().clone(),
    )
    .unwrap();
    let bumped = CanonicalEvent::new(
        &version_two,
        version_two.key(),
        Operation::Upsert,
        object(base.clone()),
        source(),
        &at(0),
    );
    assert_ne!(id, bumped.id, "the version changes the id");
    let narrower_key = CanonicalEvent::new(
        stocklevel,
        &["sku".to_owned()],
        Operation::Upsert,
        object(base),
        source(),
        &at(0),
    );
    assert_ne!(id, narrower_key.id, "the key changes the id");
}

#[test]
fn event_ids_ignore_where_and_when_a_record_was_read() {
    let registry = CanonicalRegistry::builtin();
    let ty = registry.get("stocklevel").unwrap();
    let data = object(json!({"sku": "A-1", "locationId": "berlin", "quantity": 5}));
    let first = CanonicalEvent::new(
        ty,
        ty.key(),
        Operation::Upsert,
        data.clone(),
        source(),
        &at(0),
    );
    let other_source = EventSource {
        connection: Some("shop-2".into()),
        ..source()
    };
    let again = CanonicalEvent::new(
        ty,
        ty.key(),
        Operation::Upsert,
        data,
        other_source,
        &at(1_700_000_000),
    );
    assert_eq!(first.id, again.id);
    assert_ne!(first.observed_at, again.observed_at);
}

#[test]
fn event_envelope_serialises_as_one_camel_case_object() {
    let registry = CanonicalRegistry::builtin();
    let ty = registry.get("stocklevel").unwrap();
    let mut event = CanonicalEvent::new(
        ty,
        ty.key(),
        Operation::Upsert,
        object(json!({"sku": "A-1", "locationId": "berlin", "quantity": 5})),
        source(),
        &at(1_714_564_800),
    );
    event.source_id = Some("42".into());
    let value = serde_json::to_value(&event).unwrap();
    // The id is deterministic, so the snapshot pins the id scheme: changing it would make
    // every destination see every record as new.
    insta::assert_json_snapshot!(value);
    assert_eq!(
        serde_json::from_value::<CanonicalEvent>(value).unwrap(),
        event,
        "the envelope round-trips"
    );
}
