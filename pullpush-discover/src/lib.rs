//! # PullPush discovery
//!
//! Brief overview: the deterministic helpers that take an API from its documentation to a draft
//! connector definition. [`ApiDocument::parse`] reads an OpenAPI 3.0/3.1 or Swagger 2.0 document
//! (JSON or YAML, bounded in size, every local `$ref` checked); [`discover`] turns it into a
//! [`DiscoveryReport`] — servers, security schemes as definition auth kinds, every operation
//! classified, and for list operations where the records sit, their schema, pagination,
//! incremental and canonical-type candidates with confidences; [`suggest_mappings`] proposes
//! native → canonical field mappings; [`generate`] drafts a definition for chosen operations that
//! validates, listing every guess it made; [`probe`] learns the same things from a live endpoint's
//! responses through any [`pullpush_core::Transport`].
//!
//! Nothing here opens a file or a socket: callers hand in text and transports (the CLI and the
//! MCP server do the I/O), so everything is tested in memory, and the same input always gives the
//! same report and the same draft, byte for byte.
//!
//! ```
//! use pullpush_core::CanonicalRegistry;
//! use pullpush_discover::{ApiDocument, GenerateOptions, OperationKind, discover, generate};
//!
//! let yaml = r#"
//! openapi: 3.0.3
//! info: {title: Acme Calls, version: "1"}
//! servers: [{url: "https://api.acme.example/v1"}]
//! components:
//!   securitySchemes: {token: {type: http, scheme: bearer}}
//! security: [{token: []}]
//! paths:
//!   /calls:
//!     get:
//!       operationId: listCalls
//!       parameters: [{name: cursor, in: query, schema: {type: string}}]
//!       responses:
//!         "200":
//!           description: A page of calls.
//!           content:
//!             application/json:
//!               schema:
//!                 type: object
//!                 properties:
//!                   calls:
//!                     type: array
//!                     items:
//!                       type: object
//!                       properties:
//!                         id: {type: string}
//!                         direction: {type: string, enum: [inbound, outbound]}
//!                         duration: {type: integer}
//!                   next_cursor: {type: string, nullable: true}
//! "#;
//! let document = ApiDocument::parse(yaml, pullpush_discover::DEFAULT_MAX_DOCUMENT_BYTES)?;
//! let registry = CanonicalRegistry::builtin();
//!
//! let report = discover(&document, &registry);
//! assert_eq!(report.auth[0].kind, "bearer");
//! let calls = &report.operations[0];
//! assert_eq!(calls.kind, OperationKind::List);
//! let list = calls.list.as_ref().unwrap();
//! assert_eq!(list.records, "$.calls[*]");
//! assert_eq!(list.pagination[0].config.kind(), "cursor");
//! assert_eq!(list.canonical[0].canonical_type, "call");
//!
//! let options = GenerateOptions { streams: vec!["listCalls=call".parse().unwrap()], id: None };
//! let draft = generate(&document, &registry, &options)?;
//! assert!(draft.is_valid());
//! assert_eq!(draft.definition["streams"][0]["mapping"]["fields"]["callId"], "$.id");
//! for guess in &draft.guesses {
//!     println!("{:.2} {} {}", guess.confidence, guess.pointer, guess.reason);
//! }
//! # Ok::<(), pullpush_discover::DiscoverError>(())
//! ```
//!
//! One decision worth knowing: documents are not inlined. `$ref`s are checked once when the
//! document is read (local, resolvable, no pure cycles) and followed lazily afterwards, with
//! depth bounds, because recursive schemas are legitimate and would never finish inlining.
#![deny(missing_docs)]

mod auth;
mod classify;
mod discover;
mod document;
mod error;
mod generate;
mod incremental;
mod mapping;
mod openapi;
mod pagination;
mod probe;
mod refs;
mod report;
mod schema;
mod vocabulary;
mod words;

pub use discover::discover;
pub use document::{ApiDocument, DEFAULT_MAX_DOCUMENT_BYTES, SpecVersion};
pub use error::DiscoverError;
pub use generate::{Draft, GenerateOptions, Guess, StreamRequest, generate};
pub use mapping::{FieldSuggestion, MappingSuggestions, rank_canonical_types, suggest_mappings};
pub use probe::{PageAnalysis, ProbeError, ProbeOptions, ProbeReport, analyze_page, probe};
pub use report::{
    AuthCandidate, CanonicalCandidate, DiscoveryReport, IncrementalCandidate, ListDetails,
    Operation, OperationKind, PaginationCandidate, Parameter, Server, ServerVariable,
};
