//! # PullPush MCP server
//!
//! Brief overview: this crate serves PullPush to AI assistants over the
//! [Model Context Protocol](https://modelcontextprotocol.io), with the official Rust SDK (rmcp).
//! An assistant that writes a connector definition can draft it from the API's OpenAPI document,
//! check it, read the schemas it must follow, check the canonical records a mapping should
//! produce, and test it against the live API:
//!
//! | tool | what it does |
//! |---|---|
//! | `discover_api` | an OpenAPI/Swagger document summarised: servers, auth, list operations with records path and pagination, incremental and canonical candidates |
//! | `get_operation` | one operation in full: parameters, record schema, every candidate |
//! | `generate_definition` | a draft definition for chosen operations that validates, with every guess to review |
//! | `map_fields` | native → canonical field mappings suggested from a record schema |
//! | `probe_endpoint` | a live list endpoint's records path, pagination and record schema |
//! | `validate_definition` | every diagnostic of a definition: code, JSON pointer, line, column, message, hint |
//! | `test_definition` | a bounded, read-only test run against the live API |
//! | `get_connector_schema` | the JSON Schema of connector definitions |
//! | `list_canonical_types` | the canonical types with version, key and field names |
//! | `get_canonical_type` | the JSON Schema of one canonical type |
//! | `validate_canonical_records` | which records break a canonical type, and where |
//!
//! Every tool is read-only and idempotent and says so in its annotations; the ones that can reach
//! the network (`test_definition`, `probe_endpoint`, and the discovery tools given a `url`) are
//! marked open-world and go through the same egress policy as a connector. Every output has an
//! output schema, arrives as structured content and is bounded. The schemas are also resources:
//! `pullpush://schemas/connector.json` and `pullpush://canonical/{name}.json`.
//!
//! [`serve_stdio`] is what `pullpush mcp` runs; [`Server`] serves over any rmcp transport. Here
//! it answers a client in the same process:
//!
//! ```
//! use pullpush_mcp::Server;
//! use rmcp::{ServiceExt, model::CallToolRequestParams};
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let (server_io, client_io) = tokio::io::duplex(64 * 1024);
//! tokio::spawn(async move {
//!     if let Ok(running) = Server::new().serve(server_io).await {
//!         let _ = running.waiting().await;
//!     }
//! });
//! let client = ().serve(client_io).await?;
//!
//! let arguments = json!({"definition": r#"{"id": "acme", "name": "Acme"}"#});
//! let result = client
//!     .call_tool(
//!         CallToolRequestParams::new("validate_definition")
//!             .with_arguments(arguments.as_object().cloned().unwrap_or_default()),
//!     )
//!     .await?;
//! let report = result.structured_content.expect("validate_definition has structured output");
//! assert_eq!(report["valid"], json!(false));
//! assert_eq!(report["diagnostics"][0]["severity"], json!("error"));
//! client.cancel().await?;
//! # Ok(())
//! # }
//! ```
//!
//! Serving on stdio, as the CLI does (stdout then carries nothing but JSON-RPC):
//!
//! ```no_run
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! runtime.block_on(pullpush_mcp::serve_stdio())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod discovery_types;
mod error;
mod resources;
mod server;
mod types;

pub use error::{Error, Result};
pub use server::{Server, serve_stdio};
