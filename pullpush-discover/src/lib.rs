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
