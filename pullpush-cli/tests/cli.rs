//! The `pullpush` binary end to end: exit codes, human and JSON output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn pullpush(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pullpush"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the pullpush binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json_files(dir: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join(dir))
        .expect("example directory exists")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .filter(|path| path.file_name().is_some_and(|name| name != "expected.json"))
        .map(|path| {
            path.strip_prefix(root())
                .expect("under the root")
                .display()
                .to_string()
        })
        .collect();
    files.sort();
    files
}

#[test]
fn validate_accepts_every_example_definition() {
    for file in json_files("examples/definitions") {
        let output = pullpush(&["validate", &file]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{file}:\n{}",
            stdout(&output)
        );
        assert!(
            stdout(&output).contains(&format!("{file}: valid")),
            "{}",
            stdout(&output)
        );
    }
}

#[test]
fn validate_rejects_every_broken_definition_with_located_diagnostics() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/broken/expected.json"))
            .expect("expected.json"),
    )
    .expect("expected.json is JSON");
    let expected = expected.as_object().expect("an object of files");
    assert!(expected.len() >= 10, "too few broken examples");
    for (name, diagnostics) in expected {
        let file = format!("examples/broken/{name}");
        let output = pullpush(&["validate", &file]);
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(1), "{file}:\n{text}");
        for diagnostic in diagnostics.as_array().expect("a list of diagnostics") {
            let code = diagnostic["code"].as_str().expect("code");
            let place = format!("{file}:{}:{}", diagnostic["line"], diagnostic["column"]);
            assert!(
                text.contains(&format!("[{code}]")),
                "{file}: no {code} in\n{text}"
            );
            assert!(
                text.contains(&place),
                "{file}: no location {place} in\n{text}"
            );
            if let Some(pointer) = diagnostic["pointer"].as_str().filter(|p| !p.is_empty()) {
                assert!(
                    text.contains(&format!("at {pointer}")),
                    "{file}: no pointer {pointer} in\n{text}"
                );
            }
        }
    }
}

#[test]
fn validate_json_lists_every_error_of_every_file() {
    let output = pullpush(&[
        "validate",
        "--json",
        "examples/broken/expected.json",
        "examples/definitions",
    ]);
    // A directory is an I/O error: usage problems exit 2 without partial output.
    assert_eq!(output.status.code(), Some(2));

    let broken = json_files("examples/broken");
    let mut args = vec!["validate", "--json"];
    args.extend(broken.iter().map(String::as_str));
    let output = pullpush(&args);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("--json prints JSON");
    assert_eq!(report["valid"], false);
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), broken.len());
    for file in files {
        assert_eq!(file["valid"], false, "{file}");
        let diagnostics = file["diagnostics"].as_array().expect("diagnostics");
        let errors = diagnostics
            .iter()
            .filter(|d| d["severity"] == "error")
            .count();
        assert!(errors >= 1);
        assert_eq!(file["errors"], errors);
        for diagnostic in diagnostics {
            assert!(diagnostic["code"].is_string() && diagnostic["pointer"].is_string());
            assert!(
                diagnostic["location"]["line"]
                    .as_u64()
                    .is_some_and(|line| line >= 1)
            );
        }
    }
}

#[test]
fn validate_reports_several_problems_at_once() {
    let dir = std::env::temp_dir().join(format!("pullpush-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("several.json");
    std::fs::write(
        &file,
        r#"{
  "id": "acme", "name": "Acme", "version": "1.0.0",
  "base_url": "https://api.acme.example",
  "auth": {"type": "bearer", "token": "{{ config.tokn }}"},
  "streams": [{
    "name": "stock", "canonical_type": "stocklevel",
    "read": {"path": "/stock"},
    "mapping": {"fields": {"sku": "$.sku", "quantity": {"const": "many"}}}
  }]
}"#,
    )
    .expect("write");
    let output = pullpush(&["validate", "--json", file.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let codes: Vec<&str> = report["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    for code in [
        "unknown-config-property",
        "mapping-type-mismatch",
        "missing-required-mapping",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
}

#[test]
fn usage_and_io_errors_exit_2() {
    let output = pullpush(&["validate", "no/such/file.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no/such/file.json"));
    assert_eq!(pullpush(&["validate"]).status.code(), Some(2));
    assert_eq!(pullpush(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn schema_prints_the_committed_schema() {
    let output = pullpush(&["schema"]);
    assert_eq!(output.status.code(), Some(0));
    let committed = std::fs::read_to_string(root().join("schemas/connector.schema.json"))
        .expect("committed schema");
    assert_eq!(stdout(&output), committed);
}

#[test]
fn canonical_list_and_show() {
    let output = pullpush(&["canonical", "list", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    let types: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let names: Vec<&str> = types
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for name in [
        "stocklevel",
        "order",
        "product",
        "contact",
        "invoice",
        "call",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let output = pullpush(&["canonical", "show", "stocklevel"]);
    assert_eq!(output.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&output.stdout).expect("JSON schema");
    assert_eq!(
        schema["x-pullpush-key"],
        serde_json::json!(["sku", "locationId"])
    );
    let output = pullpush(&["canonical", "show", "stocklevle"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `stocklevel`"));
}

#[test]
fn canonical_validate_rejects_null_string_and_missing_values() {
    let output = pullpush(&[
        "canonical",
        "validate",
        "stocklevel",
        "pullpush-cli/tests/fixtures/stock-valid.jsonl",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("2 of 2 records valid"));

    let output = pullpush(&[
        "canonical",
        "validate",
        "stocklevel",
        "--json",
        "pullpush-cli/tests/fixtures/stock-invalid.jsonl",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["records"], 4);
    assert_eq!(report["invalid"], 3);
    let errors = |index: u64| -> Vec<(String, String)> {
        report["reports"]
            .as_array()
            .expect("reports")
            .iter()
            .find(|r| r["index"] == index)
            .map(|r| {
                r["errors"]
                    .as_array()
                    .expect("errors")
                    .iter()
                    .map(|e| {
                        (
                            e["path"].as_str().unwrap_or_default().to_owned(),
                            e["message"].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let null = errors(0);
    assert_eq!(null[0].0, "/quantity");
    assert!(null[0].1.contains("null"), "{null:?}");
    let string = errors(1);
    assert_eq!(string[0].0, "/quantity");
    assert!(string[0].1.contains("expected an integer"), "{string:?}");
    let missing = errors(2);
    assert_eq!(missing[0].0, "/sku");
    assert!(missing[0].1.contains("missing"), "{missing:?}");
    assert!(errors(3).is_empty());
}

#[test]
fn user_types_extend_validation_and_the_canonical_commands() {
    let dir = std::env::temp_dir().join(format!("pullpush-cli-types-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let types = dir.join("types.json");
    std::fs::write(
        &types,
        r#"[{"name": "shipment", "version": 2, "key": ["trackingNumber"], "schema": {
            "type": "object", "required": ["trackingNumber"],
            "properties": {"trackingNumber": {"type": "string"}, "weightGrams": {"type": "integer"}}}}]"#,
    )
    .expect("write types");
    let definition = dir.join("shipments.json");
    std::fs::write(
        &definition,
        r#"{"id": "ship", "name": "Ship", "version": "1.0.0", "base_url": "https://api.ship.example",
            "streams": [{"name": "shipments", "canonical_type": "shipment", "read": {"path": "/shipments"},
                         "mapping": {"fields": {"trackingNumber": "$.tracking", "weightGrams": {"integer": "$.grams"}}}}]}"#,
    )
    .expect("write definition");
    let types = types.to_str().expect("utf-8 path");
    let definition = definition.to_str().expect("utf-8 path");

    assert_eq!(
        pullpush(&["validate", definition]).status.code(),
        Some(1),
        "unknown without --types"
    );
    let output = pullpush(&["validate", "--types", types, definition]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = pullpush(&["canonical", "show", "shipment", "--types", types]);
    assert_eq!(output.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&output.stdout).expect("schema");
    assert_eq!(schema["x-pullpush-version"], 2);
}
