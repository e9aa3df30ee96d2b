//! `pullpush map`: field-mapping suggestions from a record schema, end to end.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

/// Runs the binary with `stdin` as its standard input.
fn pullpush(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pullpush"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the pullpush binary runs");
    let written = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes());
    // A command that fails before reading stdin may close it first.
    if let Err(err) = written {
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
    }
    child.wait_with_output().expect("the binary finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A Square-style customer record.
fn customer() -> String {
    json!({
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "email_address": {"type": "string", "nullable": true},
            "given_name": {"type": "string", "nullable": true},
            "family_name": {"type": "string", "nullable": true},
            "phone_number": {"type": "string", "nullable": true},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"}
        }
    })
    .to_string()
}

/// A JSON:API variant with a SKU and a count but no location.
fn variant() -> String {
    json!({
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "attributes": {"type": "object", "properties": {
                "sku": {"type": "string"},
                "total_on_hand": {"type": ["integer", "null"]}
            }}
        }
    })
    .to_string()
}

#[test]
fn prints_a_table_and_exits_0_when_every_required_field_is_found() {
    let output = pullpush(
        &["map", "--canonical", "contact", "--schema", "-"],
        &customer(),
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    let header = text.lines().next().expect("a header");
    for column in ["FIELD", "CONFIDENCE", "EXPRESSION", "REASON"] {
        assert!(header.contains(column), "{header}");
    }
    let email = text
        .lines()
        .find(|line| line.starts_with("email "))
        .unwrap_or_else(|| panic!("no email row in\n{text}"));
    assert!(email.contains("\"$.email_address\""), "{email}");
    assert!(email.contains("synonym of email"), "{email}");
    assert!(
        text.lines().any(|line| line.starts_with("createdAt ")
            && line.contains(r#"{"datetime":{"value":"$.created_at"}}"#)),
        "{text}"
    );
    assert!(text.contains("source_id"), "{text}");
    assert!(text.contains("unmapped required: none"), "{text}");
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
}

#[test]
fn json_output_is_the_suggestions() {
    let output = pullpush(
        &["map", "--canonical", "contact", "--schema", "-", "--json"],
        &customer(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("stdout is JSON");
    assert_eq!(report["canonical_type"], "contact");
    assert_eq!(report["unmapped_required"], json!([]));
    let fields = report["fields"].as_array().expect("a list of fields");
    let names: Vec<&str> = fields
        .iter()
        .filter_map(|field| field["field"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "email",
            "firstName",
            "lastName",
            "phone",
            "contactId",
            "createdAt",
            "updatedAt"
        ]
    );
    assert_eq!(fields[0]["expr"], "$.email_address");
    assert_eq!(fields[0]["source"], "$.email_address");
    assert!(fields[0]["confidence"].as_f64().is_some_and(|c| c > 0.5));
    assert_eq!(report["source_id"]["expr"], "$.id");
    assert_eq!(
        report["source_updated_at"]["expr"],
        json!({"datetime": {"value": "$.updated_at"}})
    );
}

#[test]
fn missing_required_fields_exit_1_and_are_listed_on_stderr() {
    let output = pullpush(
        &["map", "--canonical", "stocklevel", "--schema", "-"],
        &variant(),
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("unmapped required: locationId"),
        "{}",
        stderr(&output)
    );
    let text = stdout(&output);
    assert!(
        text.contains(r#"{"integer":"$.attributes.total_on_hand"}"#),
        "{text}"
    );

    let output = pullpush(
        &[
            "map",
            "--canonical",
            "stocklevel",
            "--schema",
            "-",
            "--json",
        ],
        &variant(),
    );
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("stdout is JSON");
    assert_eq!(report["unmapped_required"], json!(["locationId"]));
}

#[test]
fn reads_a_schema_file_with_local_references() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("map-order-schema.json");
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Order",
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "state": {"type": "string", "enum": ["pending", "paid", "cancelled"]},
            "currency": {"type": "string"},
            "total_cents": {"type": "integer"},
            "created_at": {"type": "string", "format": "date-time"},
            "customer": {"$ref": "#/$defs/Customer"}
        },
        "$defs": {"Customer": {"type": "object", "properties": {
            "email": {"type": "string", "format": "email"}
        }}}
    });
    std::fs::write(&path, schema.to_string()).expect("the schema is written");
    let output = pullpush(
        &[
            "map",
            "--canonical",
            "order",
            "--schema",
            path.to_str().expect("a UTF-8 path"),
            "--json",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("stdout is JSON");
    let expr_of = |name: &str| {
        report["fields"]
            .as_array()
            .and_then(|fields| fields.iter().find(|field| field["field"] == name))
            .map(|field| field["expr"].clone())
            .unwrap_or_else(|| panic!("no {name} in {report:#}"))
    };
    assert_eq!(expr_of("orderId"), json!({"string": "$.id"}));
    assert_eq!(
        expr_of("totalAmount"),
        json!({"minor_units": {"value": "$.total_cents", "decimals": 2}})
    );
    assert_eq!(
        expr_of("customer"),
        json!({"object": {"email": "$.customer.email"}})
    );
}

#[test]
fn an_unknown_type_suggests_the_closest_one() {
    let output = pullpush(
        &["map", "--canonical", "contcat", "--schema", "-"],
        &customer(),
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("unknown canonical type `contcat`"),
        "{message}"
    );
    assert!(message.contains("did you mean `contact`?"), "{message}");
    assert!(stdout(&output).is_empty());
}

#[test]
fn unreadable_or_malformed_schemas_are_usage_errors() {
    let output = pullpush(
        &["map", "--canonical", "contact", "--schema", "-"],
        "{not json",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not JSON"),
        "{}",
        stderr(&output)
    );

    let output = pullpush(
        &["map", "--canonical", "contact", "--schema", "-"],
        "[1, 2]",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a JSON Schema"),
        "{}",
        stderr(&output)
    );

    let output = pullpush(
        &[
            "map",
            "--canonical",
            "contact",
            "--schema",
            "no/such/schema.json",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read no/such/schema.json"),
        "{}",
        stderr(&output)
    );
}
