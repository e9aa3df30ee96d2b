//! Tests of the mapping language: every operation evaluated on small records, the compile-time
//! checks against canonical types, and properties over arbitrary input.
//!
//! Tests are data: an expression as JSON, a record, and the expected value or message. Two
//! helpers touch the API: [`eval`] runs one expression, [`compile`] builds a mapper for a
//! built-in canonical type at the pointer a real stream mapping has.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::convert::{minor_units, normalize_decimal, to_decimal};
use super::*;
use crate::canonical::CanonicalRegistry;

/// Where the mapping of the first stream sits in a definition.
const AT: &str = "/streams/0/mapping";

/// Compiles `expr` on its own and evaluates it against `record`.
fn eval(expr: Value, record: &Value) -> Result<Value, String> {
    let expr: Expr = serde_json::from_value(expr.clone())
        .unwrap_or_else(|err| panic!("{expr} is an expression: {err}"));
    let compiled = compile_standalone(&expr, "").unwrap_or_else(|issues| {
        panic!("{expr:?} compiles, but: {issues:?}");
    });
    compiled.eval(record)
}

/// Evaluates each `(expression, expected)` case against `record`; `Err` holds a fragment the
/// error message must contain.
fn check_eval(record: Value, cases: &[(Value, Result<Value, &str>)]) {
    for (expr, expected) in cases {
        let got = eval(expr.clone(), &record);
        match (expected, &got) {
            (Ok(expected), Ok(got)) => assert_eq!(got, expected, "{expr}"),
            (Err(fragment), Err(message)) => assert!(
                message.contains(fragment),
                "{expr}: `{message}` should contain `{fragment}`"
            ),
            _ => panic!("{expr}: expected {expected:?}, got {got:?}"),
        }
    }
}

/// Compiles `mapping` for the built-in type `type_name` at [`AT`].
fn compile(type_name: &str, mapping: Value) -> Result<Mapper, Vec<MappingIssue>> {
    let config: MappingConfig = serde_json::from_value(mapping.clone())
        .unwrap_or_else(|err| panic!("{mapping} is a mapping: {err}"));
    let registry = CanonicalRegistry::builtin();
    Mapper::compile(&config, registry.get(type_name).unwrap(), AT)
}

/// The `(code, pointer)` of every issue of a mapping that must not compile.
fn issues(type_name: &str, mapping: Value) -> Vec<(&'static str, String)> {
    match compile(type_name, mapping.clone()) {
        Ok(_) => panic!("{mapping} should not compile"),
        Err(issues) => issues
            .into_iter()
            .map(|issue| (issue.code, issue.pointer))
            .collect(),
    }
}

/// The one issue of a mapping that must not compile.
fn single_issue(type_name: &str, mapping: Value) -> MappingIssue {
    match compile(type_name, mapping.clone()) {
        Ok(_) => panic!("{mapping} should not compile"),
        Err(mut issues) if issues.len() == 1 => issues.remove(0),
        Err(issues) => panic!("{mapping} should have one issue: {issues:#?}"),
    }
}

fn pointer(path: &str) -> String {
    format!("{AT}{path}")
}

/// A stocklevel mapping with the three required fields.
fn stock_fields() -> Value {
    json!({
        "sku": "$.sku",
        "locationId": {"string": "$.warehouse"},
        "quantity": {"integer": "$.on_hand"}
    })
}

/// An order mapping with the five required fields.
fn order_fields() -> Value {
    json!({
        "orderId": "$.id",
        "status": "$.status",
        "currency": "$.currency",
        "totalAmount": {"decimal": "$.total"},
        "createdAt": {"datetime": {"value": "$.created"}}
    })
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

#[test]
fn path_const_and_coalesce() {
    let record = json!({"a": {"b c": [1, {"d": "x"}]}, "n": null, "zero": 0, "empty": ""});
    check_eval(
        record,
        &[
            (json!("$.a['b c'][1].d"), Ok(json!("x"))),
            (json!({"path": "$.a['b c'][0]"}), Ok(json!(1))),
            (json!("$.missing.deeper"), Ok(Value::Null)),
            (json!("$.n"), Ok(Value::Null)),
            (json!({"const": {"k": [1, 2]}}), Ok(json!({"k": [1, 2]}))),
            (json!({"const": null}), Ok(Value::Null)),
            (
                json!({"coalesce": ["$.n", "$.missing", "$.zero", {"const": 5}]}),
                Ok(json!(0)),
            ),
            (
                json!({"coalesce": ["$.empty", {"const": 5}]}),
                Ok(json!("")),
            ),
            (json!({"coalesce": ["$.n", "$.missing"]}), Ok(Value::Null)),
            (json!({"coalesce": []}), Ok(Value::Null)),
        ],
    );
}

#[test]
fn join_skips_nulls_and_empty_strings() {
    let record = json!({"first": "Ada", "middle": null, "last": "Lovelace", "empty": "", "n": 7, "flag": true, "list": [1]});
    check_eval(
        record,
        &[
            (
                json!({"join": {"values": ["$.first", "$.middle", "$.missing", "$.last"], "separator": " "}}),
                Ok(json!("Ada Lovelace")),
            ),
            (
                json!({"join": {"values": ["$.first", "$.empty", "$.last"], "separator": ", "}}),
                Ok(json!("Ada, Lovelace")),
            ),
            (
                json!({"join": {"values": ["$.first", "$.n", "$.flag"], "separator": "-"}}),
                Ok(json!("Ada-7-true")),
            ),
            (
                json!({"join": {"values": ["$.first", "$.last"]}}),
                Ok(json!("AdaLovelace")),
            ),
            (
                json!({"join": {"values": ["$.middle", "$.empty"], "separator": " "}}),
                Ok(Value::Null),
            ),
            (
                json!({"join": {"values": ["$.first", "$.list"], "separator": " "}}),
                Err("cannot convert an array to a string"),
            ),
        ],
    );
}

#[test]
fn string_conversion() {
    check_eval(
        json!({"s": "x", "i": 12, "f": 1.5, "b": false, "o": {}, "a": []}),
        &[
            (json!({"string": "$.s"}), Ok(json!("x"))),
            (json!({"string": "$.i"}), Ok(json!("12"))),
            (json!({"string": "$.f"}), Ok(json!("1.5"))),
            (json!({"string": "$.b"}), Ok(json!("false"))),
            (
                json!({"string": "$.o"}),
                Err("cannot convert an object to a string"),
            ),
            (
                json!({"string": "$.a"}),
                Err("cannot convert an array to a string"),
            ),
        ],
    );
}

#[test]
fn integer_conversion_never_drops_a_fraction() {
    check_eval(
        json!({
            "int": 12, "text": "12", "padded": " 12 ", "plus": "+12", "negative": "-7",
            "float_whole": 12.0, "text_whole": "12.000", "float_frac": 12.5, "text_frac": "12.5",
            "word": "twelve", "exp": "1e3", "flag": true, "big": 18446744073709551615u64,
            "huge_float": 1e20
        }),
        &[
            (json!({"integer": "$.int"}), Ok(json!(12))),
            (json!({"integer": "$.text"}), Ok(json!(12))),
            (json!({"integer": "$.padded"}), Ok(json!(12))),
            (json!({"integer": "$.plus"}), Ok(json!(12))),
            (json!({"integer": "$.negative"}), Ok(json!(-7))),
            (json!({"integer": "$.float_whole"}), Ok(json!(12))),
            (json!({"integer": "$.text_whole"}), Ok(json!(12))),
            (
                json!({"integer": "$.big"}),
                Ok(json!(18446744073709551615u64)),
            ),
            (
                json!({"integer": "$.float_frac"}),
                Err("12.5 has a fraction; an integer field never silently drops it"),
            ),
            (
                json!({"integer": "$.text_frac"}),
                Err("\"12.5\" has a fraction; an integer field never silently drops it"),
            ),
            (
                json!({"integer": "$.word"}),
                Err("cannot convert the string \"twelve\" to an integer"),
            ),
            (
                json!({"integer": "$.exp"}),
                Err("cannot convert the string \"1e3\" to an integer"),
            ),
            (
                json!({"integer": "$.flag"}),
                Err("cannot convert the boolean true to an integer"),
            ),
            (
                json!({"integer": "$.huge_float"}),
                Err("is too large to be read as an exact integer"),
            ),
        ],
    );
}

#[test]
fn number_conversion() {
    check_eval(
        json!({"f": 1.5, "i": 3, "text": " 2.25 ", "nan": "NaN", "inf": "inf", "word": "x", "b": true}),
        &[
            (json!({"number": "$.f"}), Ok(json!(1.5))),
            (json!({"number": "$.i"}), Ok(json!(3))),
            (json!({"number": "$.text"}), Ok(json!(2.25))),
            (
                json!({"number": "$.nan"}),
                Err("cannot convert the string \"NaN\" to a number"),
            ),
            (
                json!({"number": "$.inf"}),
                Err("cannot convert the string \"inf\" to a number"),
            ),
            (
                json!({"number": "$.word"}),
                Err("cannot convert the string \"x\" to a number"),
            ),
            (
                json!({"number": "$.b"}),
                Err("cannot convert the boolean true to a number"),
            ),
        ],
    );
}

#[test]
fn decimal_conversion_keeps_every_digit() {
    let record: Value = serde_json::from_str(
        r#"{
            "price": 19.99, "text": "19.990", "big": 1e21, "negative_zero": -0.0,
            "tiny": 1.5e-7, "int": 12, "max": 18446744073709551615, "negative": -3.25,
            "plus": "+1.50", "leading": "007", "point": ".5", "trailing_point": "5.",
            "text_negative_zero": "-0.00", "padded": " 4.20 ", "word": "abc", "exp": "1e3",
            "empty": "", "dot": ".", "minus": "-", "flag": false
        }"#,
    )
    .expect("a JSON record");
    check_eval(
        record,
        &[
            (json!({"decimal": "$.price"}), Ok(json!("19.99"))),
            (json!({"decimal": "$.text"}), Ok(json!("19.990"))),
            (
                json!({"decimal": "$.big"}),
                Ok(json!("1000000000000000000000")),
            ),
            (json!({"decimal": "$.negative_zero"}), Ok(json!("0.0"))),
            (json!({"decimal": "$.tiny"}), Ok(json!("0.00000015"))),
            (json!({"decimal": "$.int"}), Ok(json!("12"))),
            (
                json!({"decimal": "$.max"}),
                Ok(json!("18446744073709551615")),
            ),
            (json!({"decimal": "$.negative"}), Ok(json!("-3.25"))),
            (json!({"decimal": "$.plus"}), Ok(json!("1.50"))),
            (json!({"decimal": "$.leading"}), Ok(json!("7"))),
            (json!({"decimal": "$.point"}), Ok(json!("0.5"))),
            (json!({"decimal": "$.trailing_point"}), Ok(json!("5"))),
            (
                json!({"decimal": "$.text_negative_zero"}),
                Ok(json!("0.00")),
            ),
            (json!({"decimal": "$.padded"}), Ok(json!("4.20"))),
            (
                json!({"decimal": "$.word"}),
                Err("cannot convert the string \"abc\" to a decimal"),
            ),
            (
                json!({"decimal": "$.exp"}),
                Err("cannot convert the string \"1e3\" to a decimal"),
            ),
            // An empty string is no data to a typed conversion, as null is.
            (json!({"decimal": "$.empty"}), Ok(Value::Null)),
            (json!({"decimal": "$.dot"}), Err("to a decimal")),
            (json!({"decimal": "$.minus"}), Err("to a decimal")),
            (
                json!({"decimal": "$.flag"}),
                Err("cannot convert the boolean false to a decimal"),
            ),
        ],
    );
}

#[test]
fn minor_units_conversion() {
    let minor =
        |decimals: u32, path: &str| json!({"minor_units": {"value": path, "decimals": decimals}});
    check_eval(
        json!({
            "price": 1999, "refund": -5, "zero": 0, "text": "1999", "fils": 5,
            "float_whole": 1999.0, "fraction": 19.99, "word": "abc"
        }),
        &[
            (minor(2, "$.price"), Ok(json!("19.99"))),
            (minor(2, "$.refund"), Ok(json!("-0.05"))),
            (minor(0, "$.price"), Ok(json!("1999"))),
            (minor(0, "$.refund"), Ok(json!("-5"))),
            (minor(2, "$.zero"), Ok(json!("0.00"))),
            (minor(2, "$.text"), Ok(json!("19.99"))),
            (minor(3, "$.fils"), Ok(json!("0.005"))),
            (minor(2, "$.float_whole"), Ok(json!("19.99"))),
            (minor(2, "$.missing"), Ok(Value::Null)),
            (
                minor(2, "$.fraction"),
                Err("minor units must be a whole number, found the number 19.99"),
            ),
            (
                minor(2, "$.word"),
                Err("minor units must be a whole number, found the string \"abc\""),
            ),
        ],
    );
}

#[test]
fn boolean_conversion() {
    let record = json!({
        "t": true, "f": false, "one": 1, "zero": 0, "two": 2,
        "yes": "yes", "y": "Y", "true": " TRUE ", "no": "No", "n": "n", "false": "false",
        "s1": "1", "s0": "0", "maybe": "maybe", "float": 1.0
    });
    let cases: Vec<(Value, Result<Value, &str>)> = [
        ("t", Ok(true)),
        ("f", Ok(false)),
        ("one", Ok(true)),
        ("zero", Ok(false)),
        ("yes", Ok(true)),
        ("y", Ok(true)),
        ("true", Ok(true)),
        ("no", Ok(false)),
        ("n", Ok(false)),
        ("false", Ok(false)),
        ("s1", Ok(true)),
        ("s0", Ok(false)),
        ("two", Err("cannot convert the number 2 to a boolean")),
        (
            "maybe",
            Err("cannot convert the string \"maybe\" to a boolean"),
        ),
        ("float", Err("cannot convert the number 1.0 to a boolean")),
    ]
    .into_iter()
    .map(|(field, expected)| {
        (
            json!({"boolean": format!("$.{field}")}),
            expected.map(Value::Bool),
        )
    })
    .collect();
    check_eval(record, &cases);
}

#[test]
fn datetime_conversion() {
    let record = json!({
        "rfc": "2024-05-01T12:00:00+02:00",
        "utc": "2024-05-01T10:00:00.250Z",
        "naive": "2024-01-02 03:04:05",
        "naive_t": "2024-01-02T03:04:05",
        "european": "02/01/2024 03:04",
        "day": "02.01.2024",
        "day_iso": "2024-01-02",
        "offset": "2024-01-02 03:04 +0100",
        "seconds": 1700000000,
        "seconds_text": "1700000000",
        "seconds_float": 1700000000.5,
        "millis": 1700000000123i64,
        "far": 1000000000000000000i64,
        "garbage": "yesterday",
        "list": [1]
    });
    let datetime = |path: &str| json!({"datetime": {"value": path}});
    let formatted =
        |path: &str, format: &str| json!({"datetime": {"value": path, "format": format}});
    let unix = |path: &str, unit: &str| json!({"datetime": {"value": path, "unix": unit}});
    check_eval(
        record,
        &[
            (datetime("$.rfc"), Ok(json!("2024-05-01T10:00:00Z"))),
            (datetime("$.utc"), Ok(json!("2024-05-01T10:00:00.25Z"))),
            (datetime("$.naive"), Ok(json!("2024-01-02T03:04:05Z"))),
            (datetime("$.naive_t"), Ok(json!("2024-01-02T03:04:05Z"))),
            // A bare date is read as midnight UTC.
            (datetime("$.day_iso"), Ok(json!("2024-01-02T00:00:00Z"))),
            (
                formatted("$.european", "%d/%m/%Y %H:%M"),
                Ok(json!("2024-01-02T03:04:00Z")),
            ),
            (
                formatted("$.day", "%d.%m.%Y"),
                Ok(json!("2024-01-02T00:00:00Z")),
            ),
            (
                formatted("$.offset", "%Y-%m-%d %H:%M %z"),
                Ok(json!("2024-01-02T02:04:00Z")),
            ),
            (
                formatted("$.naive", "%d/%m/%Y"),
                Err("does not match the format `%d/%m/%Y`"),
            ),
            (
                unix("$.seconds", "seconds"),
                Ok(json!("2023-11-14T22:13:20Z")),
            ),
            (
                unix("$.seconds_text", "seconds"),
                Ok(json!("2023-11-14T22:13:20Z")),
            ),
            (
                unix("$.seconds_float", "seconds"),
                Ok(json!("2023-11-14T22:13:20.5Z")),
            ),
            (
                unix("$.millis", "milliseconds"),
                Ok(json!("2023-11-14T22:13:20.123Z")),
            ),
            (
                unix("$.far", "seconds"),
                Err("out of range for a date-time"),
            ),
            (
                unix("$.garbage", "seconds"),
                Err("\"yesterday\" is not a Unix timestamp"),
            ),
            (
                datetime("$.seconds"),
                Err(
                    "the number 1700000000 is not a date-time; set `unix` to `seconds` or `milliseconds`",
                ),
            ),
            (
                datetime("$.garbage"),
                Err("\"yesterday\" is not an RFC 3339 date-time; give a `format`"),
            ),
            (
                datetime("$.list"),
                Err("cannot read a date-time from an array"),
            ),
        ],
    );
}

#[test]
fn date_conversion() {
    check_eval(
        json!({
            "date": "2024-05-01",
            "instant": "2024-05-01T23:30:00-02:00",
            "utc": "2024-05-01T23:30:00Z",
            "naive": "2024-05-01 10:00:00",
            "german": "01.05.2024",
            "bad": "2024-02-30",
            "number": 5
        }),
        &[
            (
                json!({"date": {"value": "$.date"}}),
                Ok(json!("2024-05-01")),
            ),
            // An instant with an offset keeps the calendar date of that offset (jiff reads the
            // date part); a `Z` instant is read in UTC.
            (
                json!({"date": {"value": "$.instant"}}),
                Ok(json!("2024-05-01")),
            ),
            (json!({"date": {"value": "$.utc"}}), Ok(json!("2024-05-01"))),
            (
                json!({"date": {"value": "$.naive"}}),
                Ok(json!("2024-05-01")),
            ),
            (
                json!({"date": {"value": "$.german", "format": "%d.%m.%Y"}}),
                Ok(json!("2024-05-01")),
            ),
            (
                json!({"date": {"value": "$.german"}}),
                Err("\"01.05.2024\" is not a date such as 2024-05-01"),
            ),
            (
                json!({"date": {"value": "$.bad"}}),
                Err("\"2024-02-30\" is not a date such as 2024-05-01"),
            ),
            (
                json!({"date": {"value": "$.number"}}),
                Err("cannot read a date from the number 5"),
            ),
        ],
    );
}

#[test]
fn lookup_translates_through_a_table() {
    let table = json!({"1": "pending", "2": "completed", "true": "draft", "x": "failed"});
    let with_default = json!({"lookup": {"value": "$.s", "table": table, "default": "on_hold"}});
    let without_default = json!({"lookup": {"value": "$.s", "table": table}});
    let cases = [
        (json!(1), Ok(json!("pending")), Ok(json!("pending"))),
        (json!("2"), Ok(json!("completed")), Ok(json!("completed"))),
        (json!(true), Ok(json!("draft")), Ok(json!("draft"))),
        (json!("x"), Ok(json!("failed")), Ok(json!("failed"))),
        (json!(null), Ok(Value::Null), Ok(Value::Null)),
        (
            json!(9),
            Ok(json!("on_hold")),
            Err("the number 9 is not in the lookup table and there is no default"),
        ),
        (
            json!("X"),
            Ok(json!("on_hold")),
            Err("the string \"X\" is not in the lookup table and there is no default"),
        ),
        (
            json!([1]),
            Err("cannot look up an array"),
            Err("cannot look up an array"),
        ),
    ];
    for (value, defaulted, strict) in cases {
        check_eval(
            json!({ "s": value }),
            &[
                (with_default.clone(), defaulted),
                (without_default.clone(), strict),
            ],
        );
    }
}

#[test]
fn text_operations() {
    check_eval(
        json!({"s": "  MiXeD Case  ", "n": 5}),
        &[
            (json!({"lowercase": "$.s"}), Ok(json!("  mixed case  "))),
            (json!({"uppercase": "$.s"}), Ok(json!("  MIXED CASE  "))),
            (json!({"trim": "$.s"}), Ok(json!("MiXeD Case"))),
            (
                json!({"uppercase": {"trim": "$.s"}}),
                Ok(json!("MIXED CASE")),
            ),
            (
                json!({"lowercase": "$.n"}),
                Err("expected a string, found the number 5"),
            ),
            (
                json!({"uppercase": "$.n"}),
                Err("expected a string, found the number 5"),
            ),
            (
                json!({"trim": "$.n"}),
                Err("expected a string, found the number 5"),
            ),
        ],
    );
}

#[test]
fn each_and_object_build_nested_values() {
    let each = json!({"each": {"path": "$.lines", "fields": {
        "sku": "$.code",
        "qty": {"integer": "$.n"},
        "note": "$.missing"
    }}});
    check_eval(
        json!({"lines": [{"code": "A", "n": "2"}, {"code": "B", "n": null}]}),
        &[(
            each.clone(),
            Ok(json!([{"sku": "A", "qty": 2}, {"sku": "B"}])),
        )],
    );
    check_eval(json!({"lines": []}), &[(each.clone(), Ok(json!([])))]);
    check_eval(json!({}), &[(each.clone(), Ok(Value::Null))]);
    check_eval(
        json!({"lines": {"code": "A"}}),
        &[(each.clone(), Err("`each` needs an array, found an object"))],
    );
    check_eval(
        json!({"lines": [{"code": "A", "n": "2.5"}]}),
        &[(
            each,
            Err("/qty: \"2.5\" has a fraction; an integer field never silently drops it"),
        )],
    );
    let object = json!({"object": {"email": {"lowercase": "$.buyer.mail"}, "name": "$.buyer.name", "id": "$.buyer.id"}});
    check_eval(
        json!({"buyer": {"mail": "ADA@EXAMPLE.COM", "name": "Ada"}}),
        &[(
            object.clone(),
            Ok(json!({"email": "ada@example.com", "name": "Ada"})),
        )],
    );
    check_eval(json!({}), &[(object, Ok(json!({})))]);
}

#[test]
fn null_flows_through_every_conversion_unchanged() {
    let expressions = [
        json!({"string": "$.missing"}),
        json!({"integer": "$.null"}),
        json!({"number": "$.missing"}),
        json!({"decimal": "$.null"}),
        json!({"minor_units": {"value": "$.missing", "decimals": 2}}),
        json!({"boolean": "$.null"}),
        json!({"datetime": {"value": "$.missing"}}),
        json!({"datetime": {"value": "$.null", "unix": "seconds"}}),
        json!({"date": {"value": "$.missing", "format": "%d.%m.%Y"}}),
        json!({"lookup": {"value": "$.null", "table": {"1": "a"}}}),
        json!({"lowercase": "$.missing"}),
        json!({"uppercase": "$.null"}),
        json!({"trim": "$.missing"}),
        json!({"integer": {"trim": {"string": "$.null"}}}),
        json!({"coalesce": ["$.null", {"decimal": "$.missing"}]}),
    ];
    for expr in expressions {
        assert_eq!(
            eval(expr.clone(), &json!({"null": null})),
            Ok(Value::Null),
            "{expr}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Mapper: applying a compiled mapping
// ---------------------------------------------------------------------------------------------

#[test]
fn optional_nulls_are_omitted_and_required_nulls_kept_for_validation() {
    let mut fields = stock_fields();
    fields["updatedAt"] = json!({"datetime": {"value": "$.changed"}});
    fields["locationName"] = json!("$.name");
    let mapper = compile("stocklevel", json!({ "fields": fields })).expect("compiles");
    let mapped = mapper
        .apply(&json!({"sku": "A-1", "warehouse": 7, "on_hand": null, "name": null}))
        .expect("maps");
    assert_eq!(
        Value::Object(mapped.data.clone()),
        json!({"sku": "A-1", "locationId": "7", "quantity": null})
    );
    let registry = CanonicalRegistry::builtin();
    let errors = registry
        .get("stocklevel")
        .unwrap()
        .validate(&Value::Object(mapped.data));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].path, "/quantity");
    assert!(
        errors[0].message.contains("is null"),
        "{}",
        errors[0].message
    );
}

#[test]
fn apply_reports_every_field_error_at_once() {
    let mapping = json!({
        "fields": {
            "orderId": {"string": "$.id"},
            "status": {"lookup": {"value": "$.state", "table": {"1": "pending"}}},
            "currency": {"uppercase": "$.currency"},
            "totalAmount": {"decimal": "$.total"},
            "createdAt": {"datetime": {"value": "$.created"}},
            "lineItems": {"each": {"path": "$.lines", "fields": {
                "sku": "$.sku",
                "quantity": {"integer": "$.qty"}
            }}}
        },
        "source_id": "$.id",
        "source_updated_at": {"datetime": {"value": "$.updated", "unix": "seconds"}},
        "delete_when": {"boolean": "$.deleted"}
    });
    let mapper = compile("order", mapping).expect("compiles");
    assert_eq!(mapper.key(), ["orderId"]);

    let good = json!({
        "id": 42, "state": 1, "currency": "eur", "total": 19.99,
        "created": "2024-05-01 12:00:00", "updated": 1714564800, "deleted": "no",
        "lines": [{"sku": "A-1", "qty": "2"}, {"sku": "B-2", "qty": null}]
    });
    let mapped = mapper.apply(&good).expect("maps");
    assert_eq!(
        Value::Object(mapped.data),
        json!({
            "orderId": "42",
            "status": "pending",
            "currency": "EUR",
            "totalAmount": "19.99",
            "createdAt": "2024-05-01T12:00:00Z",
            "lineItems": [{"sku": "A-1", "quantity": 2}, {"sku": "B-2", "quantity": null}]
        })
    );
    assert_eq!(mapped.source_id.as_deref(), Some("42"));
    assert_eq!(
        mapped.source_updated_at.as_deref(),
        Some("2024-05-01T12:00:00Z")
    );
    assert!(!mapped.delete);

    let bad = json!({
        "id": "7", "state": 9, "currency": 978, "total": "n/a", "created": "May 1st",
        "updated": "soon", "deleted": "maybe",
        "lines": [{"sku": "A-1", "qty": 1}, {"sku": "B-2", "qty": 1.5}]
    });
    let errors: Vec<String> = mapper
        .apply(&bad)
        .expect_err("every field fails")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "/status: the number 9 is not in the lookup table and there is no default",
            "/currency: expected a string, found the number 978",
            "/totalAmount: cannot convert the string \"n/a\" to a decimal",
            "/createdAt: \"May 1st\" is not an RFC 3339 date-time; give a `format` such as `%d/%m/%Y %H:%M`",
            "/lineItems/1/quantity: 1.5 has a fraction; an integer field never silently drops it",
            "(source_updated_at): \"soon\" is not a Unix timestamp",
            "(delete_when): cannot convert the string \"maybe\" to a boolean",
        ]
    );

    let deleted = mapper
        .apply(&json!({"id": 1, "deleted": true, "lines": "none"}))
        .expect_err("`each` over a string fails");
    assert_eq!(
        deleted,
        [MapError {
            field: "/lineItems".into(),
            message: "`each` needs an array, found the string \"none\"".into(),
            missing: false,
        }]
    );
    let deleted = mapper
        .apply(&json!({"id": 1, "deleted": "yes"}))
        .expect("maps");
    assert!(deleted.delete);
    assert_eq!(deleted.source_id.as_deref(), Some("1"));
    assert_eq!(deleted.source_updated_at, None);
}

#[test]
fn key_override() {
    let mapper = compile(
        "stocklevel",
        json!({"fields": stock_fields(), "key": ["sku"]}),
    )
    .expect("compiles");
    assert_eq!(mapper.key(), ["sku"]);
    let mapper = compile("stocklevel", json!({ "fields": stock_fields() })).expect("compiles");
    assert_eq!(mapper.key(), ["sku", "locationId"]);
}

// ---------------------------------------------------------------------------------------------
// Mapper: compile-time issues
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_canonical_field_suggests_the_close_one() {
    let mut fields = stock_fields();
    fields["quantitiy"] = fields["quantity"].take();
    fields.as_object_mut().unwrap().shift_remove("quantity");
    // The typo is reported once, with its suggestion; `quantity` is not reported as missing too.
    let issues = compile("stocklevel", json!({ "fields": fields })).unwrap_err();
    assert_eq!(
        issues,
        [MappingIssue {
            code: "unknown-canonical-field",
            pointer: pointer("/fields/quantitiy"),
            message: "`quantitiy` is not a field of stocklevel".into(),
            hint: Some("did you mean `quantity`?".into()),
        },]
    );
    let mut fields = stock_fields();
    fields["colour"] = json!("$.colour");
    let issue = single_issue("stocklevel", json!({ "fields": fields }));
    assert_eq!(issue.code, "unknown-canonical-field");
    assert_eq!(
        issue.hint.as_deref(),
        Some(
            "known fields: sku, locationId, quantity, updatedAt, reservedQuantity, locationName, productId"
        )
    );
}

#[test]
fn every_unmapped_required_field_is_reported() {
    assert_eq!(
        issues("order", json!({"fields": {"orderNumber": "$.number"}})),
        [
            ("missing-required-mapping", pointer("/fields")),
            ("missing-required-mapping", pointer("/fields")),
            ("missing-required-mapping", pointer("/fields")),
            ("missing-required-mapping", pointer("/fields")),
            ("missing-required-mapping", pointer("/fields")),
        ]
    );
    let messages: Vec<String> = compile("order", json!({"fields": {}}))
        .unwrap_err()
        .into_iter()
        .map(|issue| issue.message)
        .collect();
    assert_eq!(
        messages,
        [
            "required canonical field `orderId` (string) is not mapped",
            "required canonical field `status` (one of draft, pending, processing, on_hold, completed, cancelled, refunded, failed) is not mapped",
            "required canonical field `currency` (ISO 4217 currency code) is not mapped",
            "required canonical field `totalAmount` (decimal string) is not mapped",
            "required canonical field `createdAt` (RFC 3339 date-time string) is not mapped",
        ]
    );
}

#[test]
fn type_mismatches_are_found_at_compile_time() {
    let cases = [
        // A constant that is not an integer.
        (
            "stocklevel",
            "quantity",
            json!({"const": "abc"}),
            "`quantity` is integer; the constant \"abc\" does not fit: expected an integer, found the string \"abc\"",
        ),
        // An integer operation cannot fill money.
        (
            "order",
            "totalAmount",
            json!({"integer": "$.total"}),
            "`totalAmount` is decimal string; the expression produces an integer",
        ),
        // A lookup result outside the enum.
        (
            "order",
            "status",
            json!({"lookup": {"value": "$.state", "table": {"1": "pending", "2": "complete"}}}),
            "`status` is one of draft, pending, processing, on_hold, completed, cancelled, refunded, failed; the constant \"complete\" does not fit: `complete` is not one of draft, pending, processing, on_hold, completed, cancelled, refunded, failed (did you mean `completed`?)",
        ),
        // The default of a lookup is checked like its table.
        (
            "order",
            "status",
            json!({"lookup": {"value": "$.state", "table": {"1": "pending"}, "default": "unknown"}}),
            "`status` is one of draft, pending, processing, on_hold, completed, cancelled, refunded, failed; the constant \"unknown\" does not fit: `unknown` is not one of draft, pending, processing, on_hold, completed, cancelled, refunded, failed",
        ),
        // Every branch of a coalesce is checked.
        (
            "order",
            "currency",
            json!({"coalesce": ["$.currency", {"const": "eur"}]}),
            "`currency` is ISO 4217 currency code; the constant \"eur\" does not fit: `eur` is not an ISO 4217 currency code (three upper-case letters such as EUR)",
        ),
        (
            "order",
            "totalAmount",
            json!({"const": 19.99}),
            "`totalAmount` is decimal string; the constant 19.99 does not fit: expected a decimal string such as \"19.99\", found the number 19.99; money is a string so no cent is lost to floating point",
        ),
        (
            "order",
            "createdAt",
            json!({"boolean": "$.created"}),
            "`createdAt` is RFC 3339 date-time string; the expression produces a boolean",
        ),
        (
            "order",
            "orderId",
            json!({"object": {"id": "$.id"}}),
            "`orderId` is string; an object cannot fill a field that is string",
        ),
        (
            "order",
            "orderId",
            json!({"each": {"path": "$.ids", "fields": {"id": "$"}}}),
            "`orderId` is string; an array cannot fill a field that is string",
        ),
        (
            "order",
            "customer",
            json!({"string": "$.buyer"}),
            "`customer` is object; the expression produces a string",
        ),
    ];
    for (type_name, field, expr, message) in cases {
        let mut mapping = match type_name {
            "stocklevel" => json!({ "fields": stock_fields() }),
            _ => json!({ "fields": order_fields() }),
        };
        mapping["fields"][field] = expr.clone();
        let issue = single_issue(type_name, mapping);
        assert_eq!(
            (issue.code, issue.pointer.as_str(), issue.message.as_str()),
            (
                "mapping-type-mismatch",
                pointer(&format!("/fields/{field}")).as_str(),
                message
            ),
            "{expr}"
        );
    }
}

#[test]
fn compatible_expressions_compile() {
    let fields = json!({
        "orderId": {"string": "$.id"},
        "status": {"lookup": {"value": "$.state", "table": {"1": "pending", "2": null}, "default": "draft"}},
        "currency": {"coalesce": ["$.currency", {"const": "EUR"}]},
        "totalAmount": {"minor_units": {"value": "$.cents", "decimals": 2}},
        "subtotalAmount": {"string": "$.subtotal"},
        "taxAmount": {"const": "0.00"},
        "createdAt": {"string": "$.created"},
        "updatedAt": {"datetime": {"value": "$.updated", "unix": "milliseconds"}},
        "orderNumber": {"join": {"values": ["$.prefix", "$.number"], "separator": "-"}},
        "customer": {"object": {"email": {"lowercase": "$.email"}}},
        "lineItems": {"each": {"path": "$.lines", "fields": {
            "sku": {"trim": "$.sku"}, "quantity": {"integer": "$.qty"}, "unitPrice": {"decimal": "$.price"}
        }}}
    });
    compile("order", json!({ "fields": fields })).expect("every expression fits its field");
}

#[test]
fn invalid_paths_point_at_the_exact_expression() {
    let cases = [
        (json!("sku"), "/fields/sku"),
        (json!({"path": "$..sku"}), "/fields/sku/path"),
        (json!({"string": "$.a[*]"}), "/fields/sku/string"),
        (
            json!({"coalesce": ["$.a", "$.b[0:1]"]}),
            "/fields/sku/coalesce/1",
        ),
        (
            json!({"join": {"values": ["$.a", "x", "$.b"]}}),
            "/fields/sku/join/values/1",
        ),
        (
            json!({"lookup": {"value": "$.", "table": {}}}),
            "/fields/sku/lookup/value",
        ),
        (
            json!({"trim": {"lowercase": "$.a["}}),
            "/fields/sku/trim/lowercase",
        ),
        (
            json!({"string": {"date": {"value": "date"}}}),
            "/fields/sku/string/date/value",
        ),
    ];
    for (expr, at) in cases {
        let mut fields = stock_fields();
        fields["sku"] = expr.clone();
        let issue = single_issue("stocklevel", json!({ "fields": fields }));
        assert_eq!(
            (issue.code, issue.pointer),
            ("invalid-path", pointer(at)),
            "{expr}"
        );
        assert_eq!(
            issue.hint.as_deref(),
            Some("write a singular path such as `$.field` or `$.list[0].field`")
        );
    }
    let mut fields = stock_fields();
    fields["sku"] = json!("sku");
    let issue = single_issue("stocklevel", json!({ "fields": fields }));
    assert!(
        issue.message.contains("{\"const\": \"sku\"}"),
        "a bare word suggests a constant: {}",
        issue.message
    );
}

#[test]
fn nested_fields_are_checked_against_the_nested_canonical_schema() {
    let mut fields = order_fields();
    fields["lineItems"] = json!({"each": {"path": "$.lines[*]", "fields": {
            "sku": "$.sku",
            "qty": {"integer": "$.n"},
            "unitPrice": {"integer": "$.price"},
            "title": "title"
    }}});
    fields["customer"] = json!({"object": {"emial": "$.email", "name": {"const": 5}}});
    let found = compile("order", json!({ "fields": fields })).unwrap_err();
    assert_eq!(found[0].message, "`qty` is not a field of order.lineItems");
    assert_eq!(found[5].message, "`emial` is not a field of order.customer");
    let summary: Vec<(&str, String, Option<String>)> = found
        .iter()
        .map(|issue| (issue.code, issue.pointer.clone(), issue.hint.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "unknown-canonical-field",
                pointer("/fields/lineItems/each/fields/qty"),
                Some(
                    "known fields: sku, quantity, title, unitPrice, totalAmount, productId".into()
                )
            ),
            (
                "mapping-type-mismatch",
                pointer("/fields/lineItems/each/fields/unitPrice"),
                Some("convert the value with {\"decimal\": \"$.field\"}".into())
            ),
            (
                "invalid-path",
                pointer("/fields/lineItems/each/fields/title"),
                Some("write a singular path such as `$.field` or `$.list[0].field`".into())
            ),
            (
                "missing-required-mapping",
                pointer("/fields/lineItems/each/fields"),
                Some("add \"quantity\": \"$.<path to the native field>\" to the mapping".into())
            ),
            (
                "invalid-path",
                pointer("/fields/lineItems/each/path"),
                Some("write a singular path such as `$.field` or `$.list[0].field`".into())
            ),
            (
                "unknown-canonical-field",
                pointer("/fields/customer/object/emial"),
                Some("did you mean `email`?".into())
            ),
            (
                "mapping-type-mismatch",
                pointer("/fields/customer/object/name"),
                Some("convert the value with {\"string\": \"$.field\"}".into())
            ),
        ]
    );
}

#[test]
fn envelope_expressions_are_type_checked() {
    let cases = [
        (
            json!({"source_updated_at": {"integer": "$.updated"}}),
            ("mapping-type-mismatch", pointer("/source_updated_at")),
        ),
        (
            json!({"delete_when": {"const": "yes"}}),
            ("mapping-type-mismatch", pointer("/delete_when")),
        ),
        (
            json!({"source_id": "id"}),
            ("invalid-path", pointer("/source_id")),
        ),
        (
            json!({"key": ["sku", "quantitiy"]}),
            ("unknown-canonical-field", pointer("/key/1")),
        ),
        (
            json!({"key": ["productId"]}),
            ("unmapped-key-field", pointer("/key/0")),
        ),
        (json!({"key": []}), ("empty-key", pointer("/key"))),
        // The source id is a scalar: an object or array would become its JSON text.
        (
            json!({"source_id": {"object": {"id": "$.id"}}}),
            ("mapping-type-mismatch", pointer("/source_id")),
        ),
        (
            json!({"source_id": {"coalesce": ["$.id", {"const": [1]}]}}),
            ("mapping-type-mismatch", pointer("/source_id")),
        ),
    ];
    for (extra, expected) in cases {
        let mut mapping = json!({ "fields": stock_fields() });
        for (name, value) in extra.as_object().unwrap() {
            mapping[name] = value.clone();
        }
        assert_eq!(issues("stocklevel", mapping), [expected], "{extra}");
    }
    let messages: Vec<String> = compile(
        "stocklevel",
        json!({
            "fields": stock_fields(),
            "source_id": {"each": {"path": "$.ids", "fields": {}}},
            "delete_when": {"const": "yes"}
        }),
    )
    .unwrap_err()
    .into_iter()
    .map(|issue| issue.message)
    .collect();
    assert_eq!(
        messages,
        [
            "`source_id`: the expression produces an object or an array; it must be a string, number or boolean",
            "`delete_when`: the constant \"yes\" does not fit: expected a boolean, found the string \"yes\"",
        ]
    );
    let mut mapping = json!({ "fields": stock_fields() });
    mapping["source_id"] = json!({"coalesce": ["$.id", {"integer": "$.number"}, {"const": true}]});
    mapping["source_updated_at"] = json!({"string": "$.updated"});
    mapping["delete_when"] = json!({"boolean": "$.gone"});
    compile("stocklevel", mapping).expect("a scalar id, a string instant and a boolean fit");
}

#[test]
fn datetime_options_are_checked() {
    let cases = [
        (
            json!({"datetime": {"value": "$.t", "format": "%s", "unix": "seconds"}}),
            vec![("conflicting-options", pointer("/fields/updatedAt/datetime"))],
        ),
        (
            json!({"datetime": {"value": "$.t", "format": "YYYY-MM-DD"}}),
            vec![(
                "invalid-format",
                pointer("/fields/updatedAt/datetime/format"),
            )],
        ),
        (
            json!({"date": {"value": "$.t", "format": "dd.mm.yyyy"}}),
            // A date cannot fill a date-time field either: both problems are reported.
            vec![
                ("invalid-format", pointer("/fields/updatedAt/date/format")),
                ("mapping-type-mismatch", pointer("/fields/updatedAt")),
            ],
        ),
    ];
    for (expr, expected) in cases {
        let mut fields = stock_fields();
        fields["updatedAt"] = expr.clone();
        assert_eq!(
            issues("stocklevel", json!({ "fields": fields })),
            expected,
            "{expr}"
        );
    }
}

#[test]
fn minor_unit_decimals_are_bounded() {
    let at = pointer("/fields/totalAmount/minor_units/decimals");
    for (decimals, expected) in [
        (18, vec![]),
        (19, vec![("decimals-out-of-range", at.clone())]),
        (u32::MAX, vec![("decimals-out-of-range", at.clone())]),
    ] {
        let mut fields = order_fields();
        fields["totalAmount"] = json!({"minor_units": {"value": "$.cents", "decimals": decimals}});
        let found = match compile("order", json!({ "fields": fields })) {
            Ok(_) => vec![],
            Err(issues) => issues
                .into_iter()
                .map(|issue| (issue.code, issue.pointer))
                .collect(),
        };
        assert_eq!(found, expected, "decimals {decimals}");
    }
}

#[test]
fn compiled_paths_lists_what_an_expression_reads() {
    let expr: Expr = serde_json::from_value(json!({"coalesce": [
        "$.a",
        {"join": {"values": ["$.b", {"const": 1}]}},
        {"lookup": {"value": {"trim": "$.c"}, "table": {}}},
        {"each": {"path": "$.d", "fields": {"x": "$.inner"}}},
        {"object": {"y": "$.e"}}
    ]}))
    .unwrap();
    let compiled = compile_standalone(&expr, "").unwrap();
    let names: Vec<Option<&str>> = compiled.paths().iter().map(|p| p.first_name()).collect();
    assert_eq!(
        names,
        [Some("a"), Some("b"), Some("c"), Some("d"), Some("e")]
    );
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/// Small arbitrary JSON: scalars of every kind, nested a few levels, with object keys drawn from
/// the names the mapping under test reads so paths actually find values.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[0-9]{1,4}(\\.[0-9]{1,3})?".prop_map(Value::String),
        "\\PC{0,12}".prop_map(Value::String),
        Just(Value::String("2024-05-01T12:00:00Z".into())),
        Just(Value::String("2024-01-02 03:04:05".into())),
    ];
    let key = prop_oneof![
        Just("id"),
        Just("qty"),
        Just("price"),
        Just("lines"),
        Just("status"),
        Just("ts"),
        Just("name"),
        Just("sku"),
        Just("n"),
        Just("other")
    ]
    .prop_map(str::to_owned);
    leaf.prop_recursive(3, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// A mapping that uses every operation, for the "never panics" property.
fn everything_mapping() -> Mapper {
    compile(
        "order",
        json!({
            "fields": {
                "orderId": {"coalesce": ["$.id", {"string": "$.n"}]},
                "orderNumber": {"join": {"values": ["$.id", "$.n", "$.name"], "separator": "-"}},
                "status": {"lookup": {"value": "$.status", "table": {"1": "pending"}, "default": "draft"}},
                "currency": {"uppercase": {"trim": "$.name"}},
                "totalAmount": {"decimal": "$.price"},
                "subtotalAmount": {"minor_units": {"value": "$.qty", "decimals": 18}},
                "taxAmount": {"minor_units": {"value": "$.n", "decimals": 0}},
                "createdAt": {"datetime": {"value": "$.ts"}},
                "updatedAt": {"datetime": {"value": "$.n", "unix": "milliseconds"}},
                "customer": {"object": {
                    "name": {"lowercase": "$.name"},
                    "email": {"string": "$.other"},
                    "customerId": {"string": {"number": "$.id"}}
                }},
                "lineItems": {"each": {"path": "$.lines", "fields": {
                    "sku": {"string": "$.sku"},
                    "quantity": {"integer": "$.qty"},
                    "unitPrice": {"decimal": "$.price"},
                    "title": {"string": {"date": {"value": "$.ts", "format": "%Y-%m-%d"}}},
                    "productId": {"string": {"boolean": "$.n"}}
                }}}
            },
            "source_id": "$.id",
            "source_updated_at": {"datetime": {"value": "$.ts", "unix": "seconds"}},
            "delete_when": {"boolean": "$.status"}
        }),
    )
    .expect("the mapping compiles")
}

/// `n / 10^decimals` written out with exactly `decimals` fraction digits, by integer arithmetic.
fn expected_minor_units(n: i64, decimals: u32) -> String {
    let n = i128::from(n);
    if decimals == 0 {
        return n.to_string();
    }
    let scale = 10i128.pow(decimals);
    let sign = if n < 0 { "-" } else { "" };
    let (whole, fraction) = (n.abs() / scale, n.abs() % scale);
    format!(
        "{sign}{whole}.{fraction:0width$}",
        width = decimals as usize
    )
}

proptest! {
    #[test]
    fn decimal_normalisation_round_trips_any_i64(n in any::<i64>()) {
        prop_assert_eq!(to_decimal(&Value::from(n)), Ok(Value::String(n.to_string())));
        prop_assert_eq!(to_decimal(&Value::String(n.to_string())), Ok(Value::String(n.to_string())));
        prop_assert_eq!(normalize_decimal(&n.to_string()), Some(n.to_string()));
    }

    #[test]
    fn decimal_normalisation_of_digit_strings(
        negative in any::<bool>(),
        whole in "[0-9]{1,25}",
        fraction in "[0-9]{0,25}",
    ) {
        let text = format!(
            "{}{whole}{}{fraction}",
            if negative { "-" } else { "" },
            if fraction.is_empty() { "" } else { "." },
        );
        let normalized = normalize_decimal(&text).expect("digits with a point are a decimal");
        // Leading zeros go, at least one digit stays, every fraction digit is kept, and zero has no sign.
        let trimmed = whole.trim_start_matches('0');
        let whole = if trimmed.is_empty() { "0" } else { trimmed };
        let zero = whole == "0" && fraction.bytes().all(|b| b == b'0');
        let expected = format!(
            "{}{whole}{}{fraction}",
            if negative && !zero { "-" } else { "" },
            if fraction.is_empty() { "" } else { "." },
        );
        prop_assert_eq!(&normalized, &expected);
        prop_assert_eq!(normalize_decimal(&normalized), Some(normalized.clone()), "idempotent");
        prop_assert!(crate::canonical::validate::is_decimal(&normalized), "validation accepts {}", normalized);
        prop_assert_eq!(to_decimal(&Value::String(text)), Ok(Value::String(normalized)));
    }

    #[test]
    fn minor_units_divide_exactly(n in any::<i64>(), decimals in 0u32..=18) {
        let expected = expected_minor_units(n, decimals);
        prop_assert_eq!(minor_units(&Value::from(n), decimals), Ok(Value::String(expected.clone())));
        prop_assert_eq!(minor_units(&Value::String(n.to_string()), decimals), Ok(Value::String(expected.clone())));
        prop_assert!(crate::canonical::validate::is_decimal(&expected));
    }

    #[test]
    fn record_path_parse_never_panics(source in any::<String>()) {
        let _ = RecordPath::parse(&source);
    }

    #[test]
    fn record_path_parse_never_panics_on_path_like_strings(
        source in "\\$?([.\\[\\]'\"*0-9a-z ]|\\PC){0,16}",
        record in arbitrary_json(),
    ) {
        if let Ok(path) = RecordPath::parse(&source) {
            let _ = path.get(&record);
            let _ = path.first_name();
        }
    }

    #[test]
    fn record_paths_find_what_they_name(
        steps in prop::collection::vec(prop_oneof![
            "[a-z_][a-z0-9_]{0,6}".prop_map(Ok),
            (0usize..4).prop_map(Err),
        ], 0..5),
        leaf in any::<i64>(),
    ) {
        // Build the path and a record holding `leaf` exactly where the path points.
        let mut path = String::from("$");
        let mut record = Value::from(leaf);
        for step in steps.iter() {
            match step {
                Ok(name) => path.push_str(&format!(".{name}")),
                Err(index) => path.push_str(&format!("[{index}]")),
            }
        }
        for step in steps.iter().rev() {
            record = match step {
                Ok(name) => json!({ name.as_str(): record }),
                Err(index) => {
                    let mut items = vec![Value::Null; *index];
                    items.push(record);
                    Value::Array(items)
                }
            };
        }
        let parsed = RecordPath::parse(&path).expect("a generated path parses");
        prop_assert_eq!(parsed.is_root(), steps.is_empty());
        prop_assert_eq!(parsed.get(&record), Some(&Value::from(leaf)));
    }

    #[test]
    fn mapping_never_panics_on_arbitrary_records(record in arbitrary_json()) {
        let mapper = everything_mapping();
        if let Ok(mapped) = mapper.apply(&record) {
            let registry = CanonicalRegistry::builtin();
            let _ = registry.get("order").unwrap().validate(&Value::Object(mapped.data));
        }
    }
}

#[test]
fn source_updated_at_must_be_rfc_3339_at_run_time() {
    let mut mapping = json!({ "fields": stock_fields() });
    mapping["source_updated_at"] = json!({"string": "$.updated"});
    let mapper = compile("stocklevel", mapping).expect("a string may hold an instant");
    let record =
        |updated: &str| json!({"sku": "A", "warehouse": "w", "qty": 1, "updated": updated});
    let ok = mapper
        .apply(&record("2024-05-01T12:00:00Z"))
        .expect("an RFC 3339 instant");
    assert_eq!(
        ok.source_updated_at.as_deref(),
        Some("2024-05-01T12:00:00Z")
    );
    let errors = mapper
        .apply(&record("yesterday"))
        .expect_err("not an instant");
    assert_eq!(errors[0].field, "(source_updated_at)");
    assert!(
        errors[0].message.contains("RFC 3339"),
        "{}",
        errors[0].message
    );
}

#[test]
fn datetime_format_keywords_read_rfc_2822_and_microsoft_json() {
    check_eval(
        json!({"rfc": "Fri, 04 Sep 2015 22:54:41 +0200", "ms": "/Date(1573755038314+0000)/", "bad": "/Date(x)/"}),
        &[
            (
                json!({"datetime": {"value": "$.rfc", "format": "rfc2822"}}),
                Ok(json!("2015-09-04T20:54:41Z")),
            ),
            (
                json!({"datetime": {"value": "$.ms", "format": "ms_json"}}),
                Ok(json!("2019-11-14T18:10:38.314Z")),
            ),
            (
                json!({"date": {"value": "$.ms", "format": "ms_json"}}),
                Ok(json!("2019-11-14")),
            ),
            (
                json!({"datetime": {"value": "$.bad", "format": "ms_json"}}),
                Err("not a Microsoft JSON date"),
            ),
        ],
    );
}

#[test]
fn empty_strings_are_no_data_to_typed_conversions_only() {
    check_eval(
        json!({"blank": "  ", "empty": ""}),
        &[
            (json!({"integer": "$.empty"}), Ok(Value::Null)),
            (json!({"boolean": "$.blank"}), Ok(Value::Null)),
            (json!({"datetime": {"value": "$.empty"}}), Ok(Value::Null)),
            (json!({"string": "$.empty"}), Ok(json!(""))),
            (json!({"trim": "$.blank"}), Ok(json!(""))),
        ],
    );
}

#[test]
fn an_explicit_null_lookup_default_maps_unknown_values_to_null() {
    let record = json!({"code": 9});
    check_eval(
        record.clone(),
        &[
            (
                json!({"lookup": {"value": "$.code", "table": {"1": "a"}, "default": null}}),
                Ok(Value::Null),
            ),
            (
                json!({"lookup": {"value": "$.code", "table": {"1": "a"}}}),
                Err("not in the lookup table"),
            ),
        ],
    );
}

#[test]
fn records_without_their_key_are_refused() {
    let mapper = compile(
        "stocklevel",
        json!({"fields": stock_fields(), "key": ["sku", "productId"], }),
    );
    // `productId` is optional in stocklevel, so the override needs it mapped ...
    assert!(mapper.is_err());
    let mut fields = stock_fields();
    fields["productId"] = json!("$.product");
    let mapper = compile(
        "stocklevel",
        json!({"fields": fields, "key": ["sku", "productId"]}),
    )
    .expect("compiles");
    // ... and a record that lacks it cannot be identified.
    let errors = mapper
        .apply(&json!({"sku": "A", "warehouse": "w", "qty": 1}))
        .expect_err("no product id");
    assert_eq!(errors[0].field, "/productId");
    assert!(
        errors[0].message.contains("cannot be identified"),
        "{}",
        errors[0].message
    );
}

#[test]
fn enum_mismatches_list_the_allowed_values() {
    let mut fields = json!({
        "orderId": "$.id", "currency": {"const": "EUR"}, "totalAmount": {"decimal": "$.t"},
        "createdAt": {"datetime": {"value": "$.c"}},
        "status": {"lookup": {"value": "$.s", "table": {"1": "shipped"}}}
    });
    let issue = single_issue("order", json!({ "fields": fields.take() }));
    assert_eq!(issue.code, "mapping-type-mismatch");
    assert!(
        issue
            .hint
            .as_deref()
            .is_some_and(|hint| hint.contains("pending") && hint.contains("lookup")),
        "{:?}",
        issue.hint
    );
}
