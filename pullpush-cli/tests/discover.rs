//! `pullpush discover` and `pullpush generate` end to end, over the ten real vendor documents in
//! `pullpush-discover/tests/specs` and over malformed inputs made on the fly.
//!
//! Expected values (titles, versions, operation counts, the operation ids used as streams) were
//! read from the documents with scripts, not from the tool's output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn specs_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../pullpush-discover/tests/specs");
    assert!(
        dir.join("SOURCES.md").is_file(),
        "the OpenAPI test corpus is missing: expected it at {} (committed in the repository, \
         see its SOURCES.md)",
        dir.display()
    );
    dir
}

fn spec_path(file: &str) -> String {
    specs_dir()
        .join(file)
        .to_str()
        .expect("utf-8 path")
        .to_owned()
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

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh directory for one test (tests of one binary run in parallel threads).
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pullpush-discover-cli-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn no_panic(what: &str, output: &Output) {
    assert_ne!(
        output.status.code(),
        Some(101),
        "{what}: panicked\n{}",
        stderr(output)
    );
    assert!(
        !stderr(output).contains("panicked"),
        "{what}: panicked\n{}",
        stderr(output)
    );
}

/// One document: file, `spec` as the JSON report writes it, declared version, title, number of
/// operations (every get/put/post/delete/options/head/patch/trace of every path, counted with a
/// script), and one list operation with the canonical type to generate it as.
struct Doc {
    file: &'static str,
    spec: &'static str,
    spec_version: &'static str,
    title: &'static str,
    operations: usize,
    stream: &'static str,
}

const DOCS: &[Doc] = &[
    Doc {
        file: "square/api.json",
        spec: "open_api30",
        spec_version: "3.0.0",
        title: "Square",
        operations: 316,
        stream: "ListCustomers=contact",
    },
    Doc {
        file: "spree/platform.yaml",
        spec: "open_api30",
        spec_version: "3.0.3",
        title: "Platform API",
        operations: 230,
        stream: "stock-items-list=stocklevel",
    },
    Doc {
        file: "xero/xero_accounting.yaml",
        spec: "open_api30",
        spec_version: "3.0.0",
        title: "Xero Accounting API",
        operations: 235,
        stream: "getInvoices=invoice",
    },
    Doc {
        file: "twilio/twilio_api_v2010.json",
        spec: "open_api30",
        spec_version: "3.0.1",
        title: "Twilio - Api",
        operations: 197,
        stream: "ListCall=call",
    },
    Doc {
        file: "intercom/api.intercom.io.yaml",
        spec: "open_api30",
        spec_version: "3.0.1",
        title: "Intercom API",
        operations: 162,
        stream: "ListContacts=contact",
    },
    // No natural canonical fit in Harbor; its users have an `email`, which `contact` requires.
    Doc {
        file: "harbor/swagger.yaml",
        spec: "swagger2",
        spec_version: "2.0",
        title: "Harbor API",
        operations: 203,
        stream: "listUsers=contact",
    },
    Doc {
        file: "adyen/ManagementService-v3.json",
        spec: "open_api31",
        spec_version: "3.1.0",
        title: "Management API",
        operations: 134,
        stream: "get-companies-companyId-users=contact",
    },
    Doc {
        file: "apideck/issue-tracking.yml",
        spec: "open_api30",
        spec_version: "3.0.0",
        title: "Issue Tracking API",
        operations: 15,
        stream: "collectionTicketsAll=ticket",
    },
    Doc {
        file: "oai/petstore-expanded.yaml",
        spec: "open_api30",
        spec_version: "3.0.0",
        title: "Swagger Petstore",
        operations: 4,
        stream: "findPets=product",
    },
    Doc {
        file: "oai/petstore-expanded.json",
        spec: "swagger2",
        spec_version: "2.0",
        title: "Swagger Petstore",
        operations: 4,
        stream: "findPets=product",
    },
];

#[test]
fn discover_json_reads_every_document() {
    let mut failures = Vec::new();
    for doc in DOCS {
        let output = pullpush(&["discover", &spec_path(doc.file), "--json"]);
        no_panic(doc.file, &output);
        if output.status.code() != Some(0) {
            failures.push(format!(
                "{}: exit {:?}\n{}",
                doc.file,
                output.status.code(),
                stderr(&output)
            ));
            continue;
        }
        let report: Value = match serde_json::from_slice(&output.stdout) {
            Ok(report) => report,
            Err(error) => {
                failures.push(format!("{}: --json output is not JSON: {error}", doc.file));
                continue;
            }
        };
        for (field, want) in [
            ("spec", doc.spec),
            ("spec_version", doc.spec_version),
            ("title", doc.title),
        ] {
            if report[field] != want {
                failures.push(format!(
                    "{}: {field} {}, expected {want:?}",
                    doc.file, report[field]
                ));
            }
        }
        let operations = report["operations"].as_array().map(Vec::len);
        if operations != Some(doc.operations) {
            failures.push(format!(
                "{}: {operations:?} operations, expected {}",
                doc.file, doc.operations
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn discover_human_output_lists_the_list_operations() {
    // Apideck: 15 operations; the list ones are collectionsAll, collectionTicketsAll,
    // collectionTicketCommentsAll, collectionUsersAll and collectionTagsAll.
    let file = spec_path("apideck/issue-tracking.yml");
    let output = pullpush(&["discover", &file]);
    no_panic("discover", &output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for needle in [
        "Issue Tracking API",
        "https://unify.apideck.com",
        "collectionTicketsAll",
        "collectionUsersAll",
        "collectionsAll",
        "/issue-tracking/collections/{collection_id}/tickets",
        "$.data[*]",
    ] {
        assert!(text.contains(needle), "no {needle:?} in\n{text}");
    }
    // Without --all only list operations are shown.
    for absent in [
        "collectionTicketsDelete",
        "collectionTicketsAdd",
        "collectionTicketsOne",
    ] {
        assert!(
            !text.contains(absent),
            "{absent} is not a list operation but is shown without --all:\n{text}"
        );
    }
    let output = pullpush(&["discover", &file, "--all"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for needle in [
        "collectionTicketsDelete",
        "collectionTicketsAdd",
        "collectionTicketsOne",
    ] {
        assert!(text.contains(needle), "--all: no {needle:?} in\n{text}");
    }
}

#[test]
fn generate_drafts_a_valid_deterministic_definition_for_every_document() {
    let dir = temp_dir("generate");
    let mut failures = Vec::new();
    for (index, doc) in DOCS.iter().enumerate() {
        let first = dir.join(format!("{index}-def.json"));
        let second = dir.join(format!("{index}-again.json"));
        let source = spec_path(doc.file);
        let mut ok = true;
        for path in [&first, &second] {
            let output = pullpush(&[
                "generate",
                &source,
                "--stream",
                doc.stream,
                "-o",
                path.to_str().expect("utf-8 path"),
            ]);
            no_panic(doc.file, &output);
            if output.status.code() != Some(0) {
                failures.push(format!(
                    "{} --stream {}: exit {:?}\n{}",
                    doc.file,
                    doc.stream,
                    output.status.code(),
                    stderr(&output)
                ));
                ok = false;
                break;
            }
        }
        if !ok {
            continue;
        }
        let bytes = std::fs::read(&first).expect("the draft is written");
        if bytes != std::fs::read(&second).expect("the draft is written") {
            failures.push(format!(
                "{} --stream {}: two runs wrote different bytes",
                doc.file, doc.stream
            ));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(definition) => {
                let streams = definition["streams"].as_array().map(Vec::len);
                if streams != Some(1) {
                    failures.push(format!(
                        "{}: {streams:?} streams in the draft, expected 1",
                        doc.file
                    ));
                }
                let canonical = doc.stream.rsplit_once('=').map(|(_, ty)| ty);
                if definition["streams"][0]["canonical_type"].as_str() != canonical {
                    failures.push(format!(
                        "{}: canonical_type {}, expected {canonical:?}",
                        doc.file, definition["streams"][0]["canonical_type"]
                    ));
                }
            }
            Err(error) => failures.push(format!("{}: the draft is not JSON: {error}", doc.file)),
        }
        let output = pullpush(&["validate", first.to_str().expect("utf-8 path")]);
        if output.status.code() != Some(0) {
            failures.push(format!(
                "{} --stream {}: pullpush validate exit {:?}\n{}",
                doc.file,
                doc.stream,
                output.status.code(),
                stdout(&output)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn generate_takes_method_and_path_as_the_operation() {
    let dir = temp_dir("method-path");
    let def = dir.join("def.json");
    let output = pullpush(&[
        "generate",
        &spec_path("oai/petstore-expanded.yaml"),
        "--stream",
        "GET /pets=product",
        "-o",
        def.to_str().expect("utf-8 path"),
    ]);
    no_panic("generate", &output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = pullpush(&["validate", def.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

/// Runs `args`, expecting exit 1, no panic, and one line on stderr containing every needle.
fn expect_invalid(what: &str, args: &[&str], needles: &[&str]) {
    let output = pullpush(args);
    no_panic(what, &output);
    let err = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{what}: exit code\nstdout: {}\nstderr: {err}",
        stdout(&output)
    );
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines.len(),
        1,
        "{what}: expected one line on stderr, got:\n{err}"
    );
    for needle in needles {
        assert!(err.contains(needle), "{what}: no {needle:?} in: {err}");
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.to_str().expect("utf-8 path").to_owned()
}

const INFO: &str = r#""info": {"title": "Broken", "version": "1"}"#;

#[test]
fn malformed_documents_are_refused_with_one_clear_line() {
    let dir = temp_dir("malformed");

    let file = write(
        &dir,
        "broken.yaml",
        "openapi: 3.0.0\ninfo:\n  title: Broken\n  version: '1'\npaths: [1, 2\n",
    );
    expect_invalid("broken YAML", &["discover", &file], &["YAML", "line"]);

    let file = write(
        &dir,
        "not-openapi.json",
        r#"{"name": "a package manifest", "version": "1.0.0", "dependencies": {}}"#,
    );
    expect_invalid("not OpenAPI", &["discover", &file], &["OpenAPI"]);

    let file = write(
        &dir,
        "v4.json",
        &format!(r#"{{"openapi": "4.0.0", {INFO}, "paths": {{}}}}"#),
    );
    expect_invalid("OpenAPI 4", &["discover", &file], &["4.0.0", "unsupported"]);

    let file = write(
        &dir,
        "dangling.json",
        &format!(
            r##"{{"openapi": "3.0.0", {INFO}, "paths": {{"/pets": {{"get": {{"responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/Missing"}}}}}}}}}}}}}}}}}}"##
        ),
    );
    // By default a broken reference is a warning and reads as "any value"; `--strict` refuses.
    let output = pullpush(&["discover", &file]);
    no_panic("dangling $ref, lenient", &output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("warning: dangling $ref \"#/components/schemas/Missing\""),
        "{}",
        stdout(&output)
    );
    expect_invalid(
        "dangling $ref",
        &["discover", "--strict", &file],
        &[
            "#/components/schemas/Missing",
            "/paths/~1pets/get/responses/200/content/application~1json/schema",
        ],
    );

    let file = write(
        &dir,
        "cycle.json",
        &format!(
            r##"{{"openapi": "3.0.0", {INFO}, "paths": {{"/pets": {{"get": {{"responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/A"}}}}}}}}}}}}}}}},
               "components": {{"schemas": {{"A": {{"$ref": "#/components/schemas/B"}}, "B": {{"$ref": "#/components/schemas/A"}}}}}}}}"##
        ),
    );
    expect_invalid(
        "$ref cycle",
        &["discover", "--strict", &file],
        &["cycle", "#/components/schemas/A", "#/components/schemas/B"],
    );

    let file = write(
        &dir,
        "external.json",
        &format!(
            r#"{{"openapi": "3.0.0", {INFO}, "paths": {{"/pets": {{"get": {{"responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {{"$ref": "other.yaml#/Pet"}}}}}}}}}}}}}}}}}}"#
        ),
    );
    expect_invalid(
        "external $ref",
        &["discover", "--strict", &file],
        &["other.yaml"],
    );

    // The same errors from `generate`, which reads the document the same way.
    expect_invalid(
        "generate, external $ref",
        &[
            "generate",
            "--strict",
            &file,
            "--stream",
            "GET /pets=product",
        ],
        &["other.yaml"],
    );
}

#[test]
fn generate_refuses_unknown_operations_and_types() {
    let dir = temp_dir("unknown");
    let def = dir.join("def.json");
    let def = def.to_str().expect("utf-8 path");
    let petstore = spec_path("oai/petstore-expanded.yaml");
    expect_invalid(
        "unknown operation",
        &[
            "generate",
            &petstore,
            "--stream",
            "findPet=product",
            "-o",
            def,
        ],
        &["findPet", "did you mean", "findPets"],
    );
    expect_invalid(
        "unknown canonical type",
        &[
            "generate",
            &petstore,
            "--stream",
            "findPets=prodcut",
            "-o",
            def,
        ],
        &["prodcut", "did you mean", "product"],
    );
    assert!(
        !Path::new(def).exists(),
        "a refused draft must not be written"
    );
}

#[test]
fn documents_over_the_size_limit_are_refused_unless_the_limit_is_raised() {
    let dir = temp_dir("large");
    // A valid-looking OpenAPI document padded to 50 MB (the default limit is 32 MiB).
    let padding = "x".repeat(50 * 1024 * 1024);
    let text = format!(
        r#"{{"openapi": "3.0.0", "info": {{"title": "Big", "version": "1"}}, "paths": {{"/pets": {{"get": {{"responses": {{"200": {{"description": "ok"}}}}}}}}}}, "x-padding": "{padding}"}}"#
    );
    drop(padding);
    let file = write(&dir, "big.json", &text);
    drop(text);
    expect_invalid(
        "50 MB document",
        &["discover", &file],
        // DEFAULT_MAX_DOCUMENT_BYTES = 32 MiB.
        &["limit", "33554432", "--max-bytes"],
    );

    let output = pullpush(&["discover", &file, "--json", "--max-bytes", "100000000"]);
    no_panic("50 MB document with --max-bytes 100000000", &output);
    let code = output.status.code();
    assert!(
        code == Some(0) || code == Some(1),
        "exit {code:?}\n{}",
        stderr(&output)
    );
    if code == Some(0) {
        let report: Value = serde_json::from_slice(&output.stdout).expect("--json prints JSON");
        assert_eq!(report["title"], "Big");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
