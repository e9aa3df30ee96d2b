//! The server end to end, in process: an rmcp client talks to it over a `tokio::io::duplex`
//! pipe, exactly as a client would over stdio. Inputs are small inline definitions and records;
//! outputs are asserted on the structured content, and the tool list is an insta snapshot.

use pullpush_mcp::Server;
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ErrorCode, ReadResourceRequestParams, ResourceContents,
};
use rmcp::service::{RunningService, ServiceError};
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A contact connector whose mapping has a typo: `nmae` for `name` (line 7, column 47).
const CONTACT_TYPO: &str = r#"{
  "id": "acme", "name": "Acme", "version": "1.0.0",
  "base_url": "https://api.acme.example",
  "streams": [{
    "name": "contacts", "canonical_type": "contact",
    "read": {"path": "/contacts", "records": "$.data[*]"},
    "mapping": {"fields": {"email": "$.mail", "nmae": "$.name"}}
  }]
}"#;

/// A valid stock-level connector with bearer auth from config.
const STOCK_VALID: &str = r#"{
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
    "mapping": {"fields": {
      "sku": "$.sku",
      "locationId": {"string": "$.warehouse_id"},
      "quantity": {"integer": "$.on_hand"}
    }}
  }]
}"#;

const TOOLS: [&str; 6] = [
    "get_canonical_type",
    "get_connector_schema",
    "list_canonical_types",
    "test_definition",
    "validate_canonical_records",
    "validate_definition",
];

type Client = RunningService<RoleClient, ()>;

/// Starts a server and connects a default rmcp client to it.
async fn connect() -> Client {
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        let running = Server::new()
            .serve(server_io)
            .await
            .expect("the server starts");
        let _ = running.waiting().await;
    });
    ().serve(client_io).await.expect("the client connects")
}

/// Calls `tool` with `arguments` on a fresh server.
async fn call(tool: &'static str, arguments: Value) -> CallToolResult {
    let client = connect().await;
    let Value::Object(arguments) = arguments else {
        panic!("tool arguments are an object");
    };
    let result = client
        .call_tool(CallToolRequestParams::new(tool).with_arguments(arguments))
        .await
        .expect("tools/call answers");
    client.cancel().await.expect("the client closes");
    result
}

/// Calls `tool` and returns its structured content, which must be a success.
async fn check_ok(tool: &'static str, arguments: Value) -> Value {
    let result = call(tool, arguments).await;
    assert_ne!(result.is_error, Some(true), "{tool} failed: {result:?}");
    let structured = result
        .structured_content
        .expect("every tool has structured output");
    // The text block carries the same JSON, for clients that ignore structured content.
    let text = result.content[0]
        .as_text()
        .expect("a text block")
        .text
        .clone();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), structured);
    structured
}

/// Calls `tool` and returns the message of its tool error.
async fn check_tool_error(tool: &'static str, arguments: Value) -> String {
    let result = call(tool, arguments).await;
    assert_eq!(result.is_error, Some(true), "{tool} succeeded: {result:?}");
    result.content[0]
        .as_text()
        .expect("a text block")
        .text
        .clone()
}

#[tokio::test]
async fn lists_exactly_the_read_only_tools_with_schemas() {
    let client = connect().await;
    let tools = client.list_all_tools().await.expect("tools/list");
    client.cancel().await.unwrap();

    let names: Vec<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
    assert_eq!(names, TOOLS);
    for tool in &tools {
        let annotations = tool.annotations.as_ref().expect("annotations");
        assert_eq!(annotations.read_only_hint, Some(true), "{}", tool.name);
        assert_eq!(annotations.destructive_hint, Some(false), "{}", tool.name);
        assert_eq!(annotations.idempotent_hint, Some(true), "{}", tool.name);
        // Only the live test reaches outside this process.
        let open_world = tool.name == "test_definition";
        assert_eq!(
            annotations.open_world_hint,
            Some(open_world),
            "{}",
            tool.name
        );
        assert_eq!(tool.input_schema["type"], json!("object"), "{}", tool.name);
        let output = tool.output_schema.as_ref().expect("an output schema");
        assert_eq!(output["type"], json!("object"), "{}", tool.name);
        assert!(tool.description.as_ref().is_some_and(|d| d.len() > 100));
    }
    insta::assert_json_snapshot!("tools", tools);
}

#[tokio::test]
async fn initialize_names_the_server_and_explains_the_workflow() {
    let client = connect().await;
    let info = client.peer_info().expect("the server answered initialize");
    client.cancel().await.unwrap();

    assert_eq!(
        info.server_info.as_ref().map(|i| i.name.as_str()),
        Some("pullpush")
    );
    assert!(info.capabilities.tools.is_some());
    assert!(info.capabilities.resources.is_some());
    let instructions = info.instructions.as_deref().expect("instructions");
    assert!(instructions.contains("validate_definition"));
    assert!(instructions.contains("pointer"));
}

#[tokio::test]
async fn valid_definition_text_is_valid() {
    let report = check_ok("validate_definition", json!({"definition": STOCK_VALID})).await;
    assert_eq!(
        report,
        json!({
            "valid": true,
            "error_count": 0,
            "warning_count": 0,
            "diagnostics": [],
            "truncated": false
        })
    );
}

#[tokio::test]
async fn valid_definition_object_is_valid() {
    let definition: Value = serde_json::from_str(STOCK_VALID).unwrap();
    let report = check_ok("validate_definition", json!({"definition": definition})).await;
    assert_eq!(report["valid"], json!(true));
}

#[tokio::test]
async fn mapping_typo_is_reported_at_its_pointer_line_and_column() {
    let report = check_ok("validate_definition", json!({"definition": CONTACT_TYPO})).await;
    assert_eq!(
        report,
        json!({
            "valid": false,
            "error_count": 1,
            "warning_count": 0,
            "diagnostics": [{
                "code": "unknown-canonical-field",
                "severity": "error",
                "pointer": "/streams/0/mapping/fields/nmae",
                "line": 7,
                "column": 47,
                "message": report["diagnostics"][0]["message"],
                "hint": "did you mean `name`?"
            }],
            "truncated": false
        })
    );
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("nmae"), "{message}");
}

#[tokio::test]
async fn definition_object_is_located_by_pointer_only() {
    let definition: Value = serde_json::from_str(CONTACT_TYPO).unwrap();
    let report = check_ok("validate_definition", json!({"definition": definition})).await;
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(
        diagnostic["pointer"],
        json!("/streams/0/mapping/fields/nmae")
    );
    assert_eq!(diagnostic["line"], Value::Null);
    assert_eq!(diagnostic["column"], Value::Null);
}

#[tokio::test]
async fn broken_json_is_a_diagnostic_with_its_position() {
    let report = check_ok(
        "validate_definition",
        json!({"definition": "{\n  \"id\": \"acme\",\n}"}),
    )
    .await;
    assert_eq!(report["valid"], json!(false));
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(diagnostic["code"], json!("invalid-json"));
    assert_eq!(diagnostic["line"], json!(3));
    assert_eq!(diagnostic["column"], json!(1));
}

#[tokio::test]
async fn structural_errors_are_all_reported() {
    let report = check_ok(
        "validate_definition",
        json!({"definition": r#"{"id": 7, "name": "Acme", "colour": "red"}"#}),
    )
    .await;
    assert_eq!(report["valid"], json!(false));
    assert!(report["error_count"].as_u64().unwrap() >= 2, "{report:#}");
    let pointers: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["pointer"].as_str().unwrap())
        .collect();
    assert!(pointers.contains(&"/id"), "{pointers:?}");
    assert!(pointers.contains(&"/colour"), "{pointers:?}");
}

#[tokio::test]
async fn definition_of_another_kind_is_a_tool_error() {
    let message = check_tool_error("validate_definition", json!({"definition": [1]})).await;
    assert_eq!(
        message,
        "`definition` must be the definition's JSON text (a string) or a JSON object, not an array"
    );
}

#[tokio::test]
async fn missing_or_unknown_arguments_are_tool_errors() {
    let message = check_tool_error("validate_definition", json!({})).await;
    assert!(message.contains("missing field `definition`"), "{message}");
    let message = check_tool_error(
        "validate_definition",
        json!({"definition": "{}", "strict": true}),
    )
    .await;
    assert!(message.contains("unknown field `strict`"), "{message}");
}

#[tokio::test]
async fn connector_schema_is_the_published_one() {
    let output = check_ok("get_connector_schema", json!({})).await;
    assert_eq!(output["uri"], json!("pullpush://schemas/connector.json"));
    assert_eq!(output["schema"], pullpush_schema::connector_schema());
}

#[tokio::test]
async fn lists_canonical_types_with_keys_and_fields() {
    let output = check_ok("list_canonical_types", json!({})).await;
    let types = output["types"].as_array().unwrap();
    let stock = types
        .iter()
        .find(|ty| ty["name"] == json!("stocklevel"))
        .expect("stocklevel is listed");
    assert_eq!(stock["key"], json!(["sku", "locationId"]));
    assert_eq!(stock["uri"], json!("pullpush://canonical/stocklevel.json"));
    let fields = stock["fields"].as_array().unwrap();
    assert!(fields.contains(&json!("quantity")), "{fields:?}");
    let names: Vec<&str> = types
        .iter()
        .map(|ty| ty["name"].as_str().unwrap())
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
}

#[tokio::test]
async fn get_canonical_type_returns_its_json_schema() {
    let output = check_ok("get_canonical_type", json!({"name": "stocklevel"})).await;
    let registry = pullpush_core::CanonicalRegistry::builtin();
    let stocklevel = registry.get("stocklevel").unwrap();
    assert_eq!(output["schema"], stocklevel.json_schema());
    assert_eq!(output["key"], json!(["sku", "locationId"]));
    assert_eq!(output["version"], json!(stocklevel.version()));
    let required = output["schema"]["required"].as_array().unwrap();
    assert!(required.contains(&json!("quantity")), "{required:?}");
}

#[tokio::test]
async fn unknown_canonical_type_suggests_the_closest() {
    let message = check_tool_error("get_canonical_type", json!({"name": "stocklvl"})).await;
    assert!(
        message.starts_with("unknown canonical type `stocklvl`; did you mean `stocklevel`?"),
        "{message}"
    );
    let message = check_tool_error("get_canonical_type", json!({"name": "spaceship"})).await;
    assert!(message.contains("known types: stocklevel, "), "{message}");
}

#[tokio::test]
async fn null_quantity_is_caught_and_never_read_as_zero() {
    let report = check_ok(
        "validate_canonical_records",
        json!({
            "type": "stocklevel",
            "records": [
                {"sku": "A-1", "locationId": "berlin", "quantity": 12},
                {"sku": "A-2", "locationId": "berlin", "quantity": null}
            ]
        }),
    )
    .await;
    assert_eq!(report["type"], json!("stocklevel"));
    assert_eq!(report["record_count"], json!(2));
    assert_eq!(report["valid_count"], json!(1));
    assert_eq!(report["invalid_count"], json!(1));
    assert_eq!(report["truncated"], json!(false));
    let invalid = &report["invalid_records"][0];
    assert_eq!(invalid["index"], json!(1));
    assert_eq!(invalid["error_count"], json!(1));
    assert_eq!(invalid["errors"][0]["path"], json!("/quantity"));
    let message = invalid["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("null"), "{message}");
}

#[tokio::test]
async fn record_reports_are_bounded() {
    let records: Vec<Value> = (0..60).map(|i| json!({"index": i})).collect();
    let report = check_ok(
        "validate_canonical_records",
        json!({"type": "stocklevel", "records": records}),
    )
    .await;
    assert_eq!(report["invalid_count"], json!(60));
    assert_eq!(report["invalid_records"].as_array().unwrap().len(), 50);
    assert_eq!(report["truncated"], json!(true));

    let too_many: Vec<Value> = (0..1001).map(|_| json!({})).collect();
    let message = check_tool_error(
        "validate_canonical_records",
        json!({"type": "stocklevel", "records": too_many}),
    )
    .await;
    assert_eq!(message, "1001 records sent; send at most 1000 per call");
}

#[tokio::test]
async fn records_of_an_unknown_type_are_a_tool_error() {
    let message = check_tool_error(
        "validate_canonical_records",
        json!({"type": "contacts", "records": []}),
    )
    .await;
    assert!(message.contains("did you mean `contact`?"), "{message}");
}

#[tokio::test]
async fn schemas_are_listed_and_read_as_resources() {
    let client = connect().await;
    let resources = client.list_all_resources().await.expect("resources/list");
    let uris: Vec<&str> = resources.iter().map(|r| r.uri.as_str()).collect();
    assert_eq!(uris[0], "pullpush://schemas/connector.json");
    assert!(
        uris.contains(&"pullpush://canonical/stocklevel.json"),
        "{uris:?}"
    );
    assert_eq!(
        uris.len(),
        1 + pullpush_core::CanonicalRegistry::builtin().iter().count()
    );

    let templates = client
        .list_all_resource_templates()
        .await
        .expect("resources/templates/list");
    assert_eq!(
        templates[0].uri_template,
        "pullpush://canonical/{name}.json"
    );

    let read = |uri: &'static str| client.read_resource(ReadResourceRequestParams::new(uri));
    let connector = read("pullpush://schemas/connector.json").await.unwrap();
    let ResourceContents::TextResourceContents {
        text, mime_type, ..
    } = &connector.contents[0]
    else {
        panic!("schemas are text");
    };
    assert_eq!(mime_type.as_deref(), Some("application/schema+json"));
    assert_eq!(
        serde_json::from_str::<Value>(text).unwrap(),
        pullpush_schema::connector_schema()
    );
    let stocklevel = read("pullpush://canonical/stocklevel.json").await.unwrap();
    let ResourceContents::TextResourceContents { text, .. } = &stocklevel.contents[0] else {
        panic!("schemas are text");
    };
    assert!(text.contains("\"x-pullpush-key\""));

    let error = read("pullpush://canonical/stocklvl.json")
        .await
        .unwrap_err();
    let ServiceError::McpError(error) = error else {
        panic!("an unknown resource is a protocol error, got {error:?}");
    };
    assert_eq!(error.code, ErrorCode::RESOURCE_NOT_FOUND);
    assert!(
        error
            .message
            .contains("did you mean `pullpush://canonical/stocklevel.json`?"),
        "{}",
        error.message
    );
    client.cancel().await.unwrap();
}

/// Speaks raw JSON-RPC lines to a server, as a stdio client would.
struct Wire {
    writer: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    reader: BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>,
}

impl Wire {
    fn start() -> Wire {
        let (server_io, client_io) = tokio::io::duplex(1 << 20);
        tokio::spawn(async move {
            if let Ok(running) = Server::new().serve(server_io).await {
                let _ = running.waiting().await;
            }
        });
        let (reader, writer) = tokio::io::split(client_io);
        Wire {
            writer,
            reader: BufReader::new(reader),
        }
    }

    async fn request(&mut self, message: Value) -> Value {
        let mut line = message.to_string();
        line.push('\n');
        self.writer.write_all(line.as_bytes()).await.unwrap();
        let mut answer = String::new();
        self.reader.read_line(&mut answer).await.unwrap();
        serde_json::from_str(&answer).expect("the server answers one JSON-RPC line")
    }
}

fn initialize(version: &str) -> Value {
    json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {
            "protocolVersion": version,
            "capabilities": {},
            "clientInfo": {"name": "wire-test", "version": "0"}
        }
    })
}

#[tokio::test]
async fn initialize_accepts_the_handshake_revisions() {
    for version in ["2025-11-25", "2025-06-18", "2025-03-26"] {
        let mut wire = Wire::start();
        let answer = wire.request(initialize(version)).await;
        assert_eq!(
            answer["result"]["protocolVersion"],
            json!(version),
            "{answer}"
        );
        assert_eq!(answer["result"]["serverInfo"]["name"], json!("pullpush"));
    }
}

#[tokio::test]
async fn initialize_with_a_revision_without_handshake_falls_back() {
    // 2026-07-28 replaced `initialize` with per-request metadata, so a client naming it in
    // `initialize` is answered with the newest revision that has the handshake.
    let mut wire = Wire::start();
    let answer = wire.request(initialize("2026-07-28")).await;
    assert_eq!(answer["result"]["protocolVersion"], json!("2025-11-25"));
}

#[tokio::test]
async fn serves_2026_07_28_requests_without_initialize() {
    let mut wire = Wire::start();
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "wire-test", "version": "0"}
    });
    let answer = wire
        .request(json!({
            "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {
                "_meta": meta,
                "name": "validate_definition",
                "arguments": {"definition": CONTACT_TYPO}
            }
        }))
        .await;
    let report = &answer["result"]["structuredContent"];
    assert_eq!(report["valid"], json!(false), "{answer}");
    assert_eq!(
        report["diagnostics"][0]["code"],
        json!("unknown-canonical-field")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_definition_runs_a_live_test_against_the_demo_api() {
    let demo = pullpush_demo::DemoApi::builder()
        .start()
        .await
        .expect("demo starts");
    let arguments = json!({
        "definition": pullpush_demo::DEFINITION,
        "config": demo.definition_config(),
        "allow_internal": true,
        "max_pages": 2
    });
    let report = check_ok("test_definition", arguments).await;
    assert_eq!(report["passed"], true, "{report:#}");
    assert_eq!(report["streams"].as_array().map(Vec::len), Some(3));
    assert!(
        report["streams"][0]["sample_events"]
            .as_array()
            .is_some_and(|s| s.len() <= 2)
    );
    assert!(
        !report.to_string().contains(demo.token()),
        "the token leaked"
    );

    let mut wrong = demo.definition_config();
    wrong["api_token"] = json!("not-the-token");
    let arguments =
        json!({"definition": pullpush_demo::DEFINITION, "config": wrong, "allow_internal": true});
    let report = check_ok("test_definition", arguments).await;
    assert_eq!(report["passed"], false);
    assert!(
        report["streams"][0]["checks"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("credentials")),
        "{report:#}"
    );
    assert!(!report.to_string().contains("not-the-token"));
    demo.shutdown().await.expect("demo stops");
}

#[tokio::test]
async fn test_definition_refuses_invalid_definitions_and_configs() {
    let message = check_tool_error("test_definition", json!({"definition": "{}"})).await;
    assert!(message.contains("validate_definition"), "{message}");
    let message = check_tool_error(
        "test_definition",
        json!({"definition": pullpush_demo::DEFINITION, "config": {"api_tokn": "x"}}),
    )
    .await;
    assert!(message.contains("did you mean `api_token`"), "{message}");
}
