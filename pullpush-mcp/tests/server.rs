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

const TOOLS: [&str; 11] = [
    "discover_api",
    "generate_definition",
    "get_canonical_type",
    "get_connector_schema",
    "get_operation",
    "list_canonical_types",
    "map_fields",
    "probe_endpoint",
    "test_definition",
    "validate_canonical_records",
    "validate_definition",
];

/// The tools that can reach outside this process: the live test and probe, and the discovery
/// tools (their `url` form fetches the document).
const OPEN_WORLD: [&str; 5] = [
    "discover_api",
    "generate_definition",
    "get_operation",
    "probe_endpoint",
    "test_definition",
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
        let open_world = OPEN_WORLD.contains(&tool.name.as_ref());
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
    for tool in [
        "discover_api",
        "get_operation",
        "generate_definition",
        "map_fields",
        "probe_endpoint",
    ] {
        assert!(
            instructions.contains(tool),
            "{tool} is not in the instructions"
        );
    }
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

/// A small CRM API in YAML: contacts under `$.results`, offset pagination with a total, an
/// `updated_since` filter, and one item operation.
const CRM_YAML: &str = r##"openapi: 3.0.3
info: {title: Acme CRM, version: "2"}
servers: [{url: "https://api.acme.example/v2"}]
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
  schemas:
    Contact:
      type: object
      required: [id, email]
      properties:
        id: {type: string}
        email: {type: string, format: email}
        name: {type: string}
        updated_at: {type: string, format: date-time}
security: [{token: []}]
paths:
  /contacts:
    get:
      operationId: listContacts
      summary: List contacts
      parameters:
        - {name: offset, in: query, schema: {type: integer}}
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
        - {name: updated_since, in: query, schema: {type: string, format: date-time}}
      responses:
        "200":
          description: A page of contacts.
          content:
            application/json:
              schema:
                type: object
                properties:
                  results: {type: array, items: {$ref: "#/components/schemas/Contact"}}
                  total: {type: integer}
  /contacts/{id}:
    get:
      operationId: getContact
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: One contact.
          content: {application/json: {schema: {$ref: "#/components/schemas/Contact"}}}
"##;

#[tokio::test]
async fn discover_api_summarises_the_demo_document() {
    let report = check_ok("discover_api", json!({"document": pullpush_demo::OPENAPI})).await;
    assert_eq!(report["spec"], json!("open_api30"));
    assert_eq!(report["title"], json!("PullPush Demo Commerce API"));
    assert_eq!(report["auth"][0]["kind"], json!("bearer"));
    assert_eq!(report["servers"][0]["url"], json!("http://127.0.0.1:8080"));
    assert_eq!(report["operation_count"], json!(4));
    assert_eq!(report["matched_count"], json!(4));
    assert_eq!(report["truncated"], json!(false));
    let ids: Vec<&str> = report["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| op["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "listProducts",
            "listLocations",
            "listStockLevels",
            "listOrders"
        ]
    );

    let products = &report["operations"][0];
    assert_eq!(products["kind"], json!("list"));
    assert_eq!(products["method"], json!("GET"));
    assert_eq!(products["path"], json!("/v1/products"));
    let list = &products["list"];
    assert_eq!(list["records"], json!("$.data[*]"));
    assert_eq!(list["pagination"]["kind"], json!("cursor"));
    assert_eq!(list["pagination"]["config"]["type"], json!("cursor"));
    assert_eq!(list["pagination"]["config"]["param"], json!("cursor"));
    assert!(list["pagination"]["confidence"].as_f64().unwrap() >= 0.8);
    assert_eq!(list["canonical"][0]["canonical_type"], json!("product"));
    assert!(list["canonical"].as_array().unwrap().len() <= 3);
    assert!(list.get("record_schema").is_none(), "schemas are left out");

    let orders = &report["operations"][3];
    assert_eq!(orders["list"]["records"], json!("$.orders[*]"));
    assert_eq!(orders["list"]["pagination"]["kind"], json!("page_number"));
    assert_eq!(
        orders["list"]["incremental"]["param"],
        json!("updated_since")
    );
    assert_eq!(
        orders["list"]["canonical"][0]["canonical_type"],
        json!("order")
    );
}

#[tokio::test]
async fn discover_api_reads_yaml_and_filters_operations() {
    let report = check_ok("discover_api", json!({"document": CRM_YAML})).await;
    assert_eq!(report["title"], json!("Acme CRM"));
    assert_eq!(report["operation_count"], json!(2));
    assert_eq!(report["list_count"], json!(1));
    // Only list operations unless include_all.
    assert_eq!(report["operations"].as_array().unwrap().len(), 1);
    let contacts = &report["operations"][0];
    assert_eq!(contacts["id"], json!("listContacts"));
    assert_eq!(contacts["list"]["records"], json!("$.results[*]"));
    assert_eq!(contacts["list"]["pagination"]["kind"], json!("offset"));
    assert_eq!(
        contacts["list"]["incremental"]["param"],
        json!("updated_since")
    );
    assert_eq!(
        contacts["list"]["canonical"][0]["canonical_type"],
        json!("contact")
    );

    let all = check_ok(
        "discover_api",
        json!({"document": CRM_YAML, "include_all": true}),
    )
    .await;
    assert_eq!(all["matched_count"], json!(2));
    assert_eq!(all["operations"][1]["kind"], json!("item"));
    assert!(all["operations"][1].get("list").is_none());

    let filtered = check_ok(
        "discover_api",
        json!({"document": pullpush_demo::OPENAPI, "operation": "ORDERS"}),
    )
    .await;
    assert_eq!(filtered["operation_count"], json!(4));
    assert_eq!(filtered["matched_count"], json!(1));
    assert_eq!(filtered["operations"][0]["id"], json!("listOrders"));

    // A document sent as an object reads the same.
    let object: Value = serde_json::from_str(pullpush_demo::OPENAPI).unwrap();
    let from_object = check_ok("discover_api", json!({"document": object})).await;
    let from_text = check_ok("discover_api", json!({"document": pullpush_demo::OPENAPI})).await;
    assert_eq!(from_object, from_text);
}

#[tokio::test]
async fn unreadable_documents_are_tool_errors_that_say_what_is_wrong() {
    let message = check_tool_error("discover_api", json!({"document": "{\"openapi\": "})).await;
    assert!(
        message.starts_with("the document is not valid JSON"),
        "{message}"
    );
    let message = check_tool_error(
        "discover_api",
        json!({"document": "openapi: 3.0.0\npaths: [1, 2\ninfo: {"}),
    )
    .await;
    assert!(
        message.starts_with("the document is not valid YAML"),
        "{message}"
    );
    let message = check_tool_error(
        "get_operation",
        json!({"document": "{\"asyncapi\": \"2.0.0\"}", "operation": "x"}),
    )
    .await;
    assert!(message.starts_with("not an OpenAPI document"), "{message}");
    let message = check_tool_error(
        "generate_definition",
        json!({
            "document": "{\"openapi\": \"4.0.0\"}",
            "streams": [{"operation": "x", "canonical_type": "order"}]
        }),
    )
    .await;
    assert!(
        message.starts_with("unsupported document version \"4.0.0\""),
        "{message}"
    );
    let message = check_tool_error("discover_api", json!({"document": [1, 2]})).await;
    assert!(message.contains("not an array"), "{message}");

    let message = check_tool_error("discover_api", json!({})).await;
    assert!(message.contains("`document`"), "{message}");
    assert!(message.contains("`url`"), "{message}");
    let message = check_tool_error(
        "discover_api",
        json!({"document": CRM_YAML, "url": "https://api.acme.example/openapi.json"}),
    )
    .await;
    assert_eq!(message, "give either `document` or `url`, not both");
    let message =
        check_tool_error("discover_api", json!({"url": "file:///etc/openapi.json"})).await;
    assert!(message.contains("is not an http(s) URL"), "{message}");
}

#[tokio::test]
async fn dangling_references_are_warnings_that_say_where() {
    // Real vendor documents have the odd broken `$ref`: it reads as "any value" and is reported.
    let dangling = CRM_YAML.replace(
        "$ref: \"#/components/schemas/Contact\"}}",
        "$ref: \"#/components/schemas/Contat\"}}",
    );
    assert_ne!(dangling, CRM_YAML);
    let report = check_ok("discover_api", json!({"document": dangling})).await;
    let warnings = report["warnings"].as_array().unwrap();
    let warning = warnings[0].as_str().unwrap();
    assert!(
        warning.starts_with("dangling $ref \"#/components/schemas/Contat\" at /paths/~1contacts/"),
        "{warnings:?}"
    );

    let draft = check_ok(
        "generate_definition",
        json!({
            "document": dangling,
            "streams": [{"operation": "listContacts", "canonical_type": "contact"}]
        }),
    )
    .await;
    assert_eq!(draft["valid"], json!(true), "{draft:#}");
    let warning = draft["warnings"][0].as_str().unwrap();
    assert!(warning.contains("Contat"), "{warning}");
    assert!(warning.ends_with("(read as any value)"), "{warning}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_over_the_limit_are_refused_before_they_are_read() {
    // A server that announces a body over the limit; the fetch stops at the headers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let announced = pullpush_discover::DEFAULT_MAX_DOCUMENT_BYTES + 1;
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = vec![0; 4096];
            let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut request).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {announced}\r\n\r\n{{"
            );
            let _ = socket.write_all(head.as_bytes()).await;
        }
    });
    let message = check_tool_error(
        "discover_api",
        json!({"url": format!("http://{addr}/openapi.json"), "allow_internal": true}),
    )
    .await;
    assert!(
        message.starts_with("cannot fetch http://127.0.0.1:"),
        "{message}"
    );
    let limit = pullpush_discover::DEFAULT_MAX_DOCUMENT_BYTES;
    assert!(
        message.contains(&format!("exceeds the limit of {limit} bytes")),
        "{message}"
    );
}

#[tokio::test]
async fn get_operation_gives_parameters_and_the_record_schema() {
    let operation = check_ok(
        "get_operation",
        json!({"document": pullpush_demo::OPENAPI, "operation": "listProducts"}),
    )
    .await;
    assert_eq!(operation["id"], json!("listProducts"));
    assert_eq!(operation["security"], json!(["bearerAuth"]));
    let names: Vec<&str> = operation["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["cursor", "limit"]);
    assert_eq!(operation["parameter_count"], json!(2));
    let list = &operation["list"];
    assert_eq!(list["records"], json!("$.data[*]"));
    assert_eq!(list["record_schema_truncated"], json!(false));
    assert_eq!(list["record_schema"]["type"], json!("object"));
    assert_eq!(
        list["record_schema"]["properties"]["sku"]["type"],
        json!("string")
    );
    assert_eq!(list["pagination"][0]["kind"], json!("cursor"));
    assert_eq!(list["canonical"][0]["canonical_type"], json!("product"));

    // `METHOD /path` names the same operation, and a `$ref`'d record schema is inlined.
    let by_path = check_ok(
        "get_operation",
        json!({"document": CRM_YAML, "operation": "get /contacts"}),
    )
    .await;
    assert_eq!(by_path["id"], json!("listContacts"));
    assert_eq!(
        by_path["list"]["record_schema"]["properties"]["email"]["format"],
        json!("email")
    );
    let item = check_ok(
        "get_operation",
        json!({"document": CRM_YAML, "operation": "getContact"}),
    )
    .await;
    assert_eq!(item["kind"], json!("item"));
    assert_eq!(item["parameters"][0]["in"], json!("path"));
    assert!(item.get("list").is_none());
}

#[tokio::test]
async fn unknown_operations_suggest_the_closest() {
    let message = check_tool_error(
        "get_operation",
        json!({"document": pullpush_demo::OPENAPI, "operation": "listProduct"}),
    )
    .await;
    assert_eq!(
        message,
        "no operation \"listProduct\" in the document; did you mean \"listProducts\"?"
    );
    let message = check_tool_error(
        "generate_definition",
        json!({
            "document": pullpush_demo::OPENAPI,
            "streams": [{"operation": "listOrdrs", "canonical_type": "order"}]
        }),
    )
    .await;
    assert!(
        message.contains("did you mean \"listOrders\"?"),
        "{message}"
    );
}

#[tokio::test]
async fn generate_definition_drafts_a_valid_definition_for_the_demo() {
    let draft = check_ok(
        "generate_definition",
        json!({
            "document": pullpush_demo::OPENAPI,
            "streams": [
                {"operation": "listProducts", "canonical_type": "product"},
                {"operation": "listOrders", "canonical_type": "order"}
            ],
            "id": "demo-draft"
        }),
    )
    .await;
    assert_eq!(draft["valid"], json!(true), "{draft:#}");
    assert_eq!(draft["diagnostics"], json!([]));
    let definition = &draft["definition"];
    assert_eq!(definition["id"], json!("demo-draft"));
    assert_eq!(definition["auth"]["type"], json!("bearer"));
    let stream = &definition["streams"][0];
    assert_eq!(stream["canonical_type"], json!("product"));
    assert_eq!(stream["read"]["path"], json!("/v1/products"));
    assert_eq!(stream["read"]["records"], json!("$.data[*]"));
    assert_eq!(stream["pagination"]["type"], json!("cursor"));
    assert_eq!(stream["mapping"]["fields"]["sku"], json!("$.sku"));
    assert_eq!(
        definition["streams"][1]["pagination"]["type"],
        json!("page_number")
    );

    // `text` is the exact bytes `pullpush generate` writes: pretty JSON of the definition.
    let text = draft["text"].as_str().unwrap();
    assert!(text.ends_with("}\n"));
    assert_eq!(
        text,
        format!("{}\n", serde_json::to_string_pretty(definition).unwrap())
    );
    let validated = check_ok("validate_definition", json!({"definition": text})).await;
    assert_eq!(validated["valid"], json!(true), "{validated:#}");

    let guesses = draft["guesses"].as_array().unwrap();
    assert!(!guesses.is_empty());
    for guess in guesses {
        let pointer = guess["pointer"].as_str().unwrap();
        assert!(definition.pointer(pointer).is_some(), "{pointer}");
        let confidence = guess["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&confidence), "{guess}");
        assert!(!guess["reason"].as_str().unwrap().is_empty());
    }
    let low = guesses
        .iter()
        .filter(|g| g["confidence"].as_f64().unwrap() < 0.5)
        .count();
    assert_eq!(draft["low_confidence_count"], json!(low));
}

#[tokio::test]
async fn generate_definition_flags_placeholders_for_review() {
    // No server: the base URL becomes a config value. No e-mail field: the required `email` of
    // a contact is a placeholder the model must replace.
    let document = CRM_YAML
        .replace("servers: [{url: \"https://api.acme.example/v2\"}]\n", "")
        .replace("required: [id, email]", "required: [id]")
        .replace(
            "email: {type: string, format: email}",
            "handle: {type: string}",
        );
    let draft = check_ok(
        "generate_definition",
        json!({
            "document": document,
            "streams": [{"operation": "listContacts", "canonical_type": "contact"}]
        }),
    )
    .await;
    assert_eq!(draft["valid"], json!(true), "{draft:#}");
    let definition = &draft["definition"];
    assert_eq!(definition["id"], json!("acme-crm"));
    assert_eq!(definition["base_url"], json!("{{ config.base_url }}"));
    let stream = &definition["streams"][0];
    assert_eq!(stream["read"]["records"], json!("$.results[*]"));
    assert_eq!(stream["pagination"]["type"], json!("offset"));
    assert_eq!(stream["incremental"]["param"], json!("updated_since"));

    let guesses = draft["guesses"].as_array().unwrap();
    let placeholder = guesses
        .iter()
        .find(|g| g["pointer"] == json!("/streams/0/mapping/fields/email"))
        .expect("a guess about the unmapped e-mail");
    assert!(
        placeholder["reason"]
            .as_str()
            .unwrap()
            .starts_with("PLACEHOLDER"),
        "{placeholder}"
    );
    assert!(placeholder["confidence"].as_f64().unwrap() < 0.5);
    assert!(
        draft["low_confidence_count"].as_u64().unwrap() >= 1,
        "{draft:#}"
    );
}

#[tokio::test]
async fn generate_definition_refuses_bad_streams() {
    let message = check_tool_error(
        "generate_definition",
        json!({
            "document": pullpush_demo::OPENAPI,
            "streams": [{"operation": "listProducts", "canonical_type": "prodct"}]
        }),
    )
    .await;
    assert!(message.contains("did you mean `product`?"), "{message}");
    let message = check_tool_error(
        "generate_definition",
        json!({"document": pullpush_demo::OPENAPI, "streams": []}),
    )
    .await;
    assert!(message.starts_with("`streams` is empty"), "{message}");
    let message = check_tool_error(
        "generate_definition",
        json!({
            "document": pullpush_demo::OPENAPI,
            "streams": [{"operation": "listProducts", "type": "product"}]
        }),
    )
    .await;
    assert!(message.contains("unknown field `type`"), "{message}");
}

#[tokio::test]
async fn map_fields_suggests_mappings_for_a_record_schema() {
    let operation = check_ok(
        "get_operation",
        json!({"document": pullpush_demo::OPENAPI, "operation": "listOrders"}),
    )
    .await;
    let schema = operation["list"]["record_schema"].clone();
    let mapping = check_ok(
        "map_fields",
        json!({"canonical_type": "order", "record_schema": schema}),
    )
    .await;
    assert_eq!(mapping["canonical_type"], json!("order"));
    assert_eq!(mapping["unmapped_required"], json!([]));
    let fields = mapping["fields"].as_array().unwrap();
    let currency = fields
        .iter()
        .find(|f| f["field"] == json!("currency"))
        .expect("currency is mapped");
    assert_eq!(currency["source"], json!("$.currency"));
    assert_eq!(currency["expr"], json!({"uppercase": "$.currency"}));
    assert_eq!(mapping["source_id"]["source"], json!("$.id"));
    assert_eq!(
        mapping["source_updated_at"]["source"],
        json!("$.updated_at")
    );
    // `mapping` is the same, ready to paste into a stream.
    assert_eq!(mapping["mapping"]["fields"]["currency"], currency["expr"]);
    assert_eq!(mapping["mapping"]["source_id"], json!("$.id"));
    assert_eq!(
        mapping["mapping"]["fields"].as_object().unwrap().len(),
        fields.len()
    );

    // A schema that lacks required fields says which ones.
    let mapping = check_ok(
        "map_fields",
        json!({
            "canonical_type": "stocklevel",
            "record_schema": {"type": "object", "properties": {"sku": {"type": "string"}}}
        }),
    )
    .await;
    let unmapped = mapping["unmapped_required"].as_array().unwrap();
    assert!(unmapped.contains(&json!("quantity")), "{mapping:#}");
    assert!(!unmapped.contains(&json!("sku")), "{mapping:#}");
}

#[tokio::test]
async fn map_fields_refuses_unknown_types_and_non_schemas() {
    let message = check_tool_error(
        "map_fields",
        json!({"canonical_type": "contacts", "record_schema": {"type": "object"}}),
    )
    .await;
    assert!(message.contains("did you mean `contact`?"), "{message}");
    let message = check_tool_error(
        "map_fields",
        json!({"canonical_type": "contact", "record_schema": [1]}),
    )
    .await;
    assert_eq!(
        message,
        "`record_schema` must be a JSON Schema object, not an array"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_tools_fetch_the_document_from_a_url() {
    let demo = pullpush_demo::DemoApi::builder()
        .start()
        .await
        .expect("demo starts");
    let url = format!("{}/openapi.json", demo.base_url());
    let report = check_ok("discover_api", json!({"url": url, "allow_internal": true})).await;
    assert_eq!(report["title"], json!("PullPush Demo Commerce API"));
    assert_eq!(report["servers"][0]["url"], json!(demo.base_url()));

    let draft = check_ok(
        "generate_definition",
        json!({
            "url": url,
            "allow_internal": true,
            "streams": [{"operation": "listProducts", "canonical_type": "product"}]
        }),
    )
    .await;
    assert_eq!(draft["valid"], json!(true), "{draft:#}");
    assert_eq!(draft["definition"]["base_url"], json!(demo.base_url()));

    // The egress policy refuses this machine unless allow_internal is set.
    let message = check_tool_error("discover_api", json!({"url": url})).await;
    assert!(
        message.starts_with("cannot fetch http://127.0.0.1:"),
        "{message}"
    );
    assert!(message.contains("allow_internal"), "{message}");

    let missing = format!("{}/nothing.json", demo.base_url());
    let message = check_tool_error(
        "discover_api",
        json!({"url": missing, "allow_internal": true}),
    )
    .await;
    assert!(message.contains("HTTP 404"), "{message}");
    demo.shutdown().await.expect("demo stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_endpoint_learns_the_demo_products_endpoint() {
    let demo = pullpush_demo::DemoApi::builder()
        .start()
        .await
        .expect("demo starts");
    let url = format!("{}/v1/products?limit=20", demo.base_url());
    let report = check_ok(
        "probe_endpoint",
        json!({"url": url, "bearer_token": demo.token(), "allow_internal": true}),
    )
    .await;
    assert_eq!(report["records"], json!("$.data[*]"));
    assert_eq!(report["pages"], json!(3));
    assert_eq!(report["records_seen"], json!(60));
    let best = &report["pagination"][0];
    assert_eq!(best["kind"], json!("cursor"), "{report:#}");
    assert_eq!(best["config"]["param"], json!("cursor"));
    assert_eq!(
        report["record_schema"]["properties"]["sku"]["type"],
        json!("string")
    );
    assert_eq!(report["record_schema_truncated"], json!(false));
    assert!(
        !report.to_string().contains(demo.token()),
        "the token leaked"
    );

    // At most 5 pages, whatever is asked.
    let report = check_ok(
        "probe_endpoint",
        json!({
            "url": url,
            "headers": {"Authorization": format!("Bearer {}", demo.token())},
            "allow_internal": true,
            "max_pages": 50
        }),
    )
    .await;
    assert_eq!(report["pages"], json!(5));
    assert!(!report.to_string().contains(demo.token()));

    // Its record schema feeds map_fields.
    let mapping = check_ok(
        "map_fields",
        json!({"canonical_type": "product", "record_schema": report["record_schema"]}),
    )
    .await;
    assert_eq!(mapping["mapping"]["fields"]["sku"], json!("$.sku"));

    let message = check_tool_error(
        "probe_endpoint",
        json!({"url": url, "bearer_token": "not-the-token", "allow_internal": true}),
    )
    .await;
    assert!(message.contains("HTTP 401"), "{message}");
    assert!(message.contains("bearer_token"), "{message}");
    assert!(
        !message.contains("not-the-token"),
        "the token leaked: {message}"
    );

    let before = demo.request_count();
    let message = check_tool_error(
        "probe_endpoint",
        json!({"url": url, "bearer_token": demo.token()}),
    )
    .await;
    assert!(message.contains("refused"), "{message}");
    assert!(message.contains("allow_internal"), "{message}");
    assert_eq!(demo.request_count(), before);
    demo.shutdown().await.expect("demo stops");
}
