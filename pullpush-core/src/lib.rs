//! # PullPush core
//!
//! Brief overview: PullPush turns declarative JSON connector definitions into data syncs between
//! APIs. This crate holds the parts that do no I/O:
//!
//! * the **definition model** ([`Definition`] and its parts): the JSON document a person or an
//!   assistant writes, with its JSON Schema generated from these types;
//! * the **canonical model** ([`CanonicalRegistry`], [`CanonicalType`], [`CanonicalEvent`]): the
//!   types every connector maps into, validated recursively (null is not zero; money is a decimal
//!   string);
//! * the **build step** ([`Connector::build`]): every semantic rule in one pass, returning all
//!   [`Diagnostic`]s, and the compiled templates, selectors and mappers the engine runs;
//! * the **boundaries** the engine talks through: [`Transport`] (HTTP), [`StateStore`]
//!   (incremental state) and [`Clock`], with in-memory implementations for tests.
//!
//! `pullpush-schema` adds the text layer (structural validation against the JSON Schema, line and
//! column of every diagnostic); `pullpush-http` implements [`Transport`] over reqwest.
//!
//! One decision worth knowing: mapping expressions are a small typed vocabulary in JSON
//! (`{"integer": "$.qty"}`), not a general-purpose language. Each has a static output type checked
//! against the canonical field it fills when the connector is built, and each runs per record
//! without parsing. Templates (request building) are Jinja, compiled once, sandboxed, and strict
//! about undefined values.
//!
//! ```
//! use pullpush_core::{CanonicalRegistry, Connector, Definition};
//! use serde_json::json;
//!
//! let definition: Definition = serde_json::from_value(json!({
//!     "id": "acme-inventory",
//!     "name": "Acme Inventory",
//!     "version": "1.0.0",
//!     "config_spec": {
//!         "properties": {"api_token": {"type": "string", "secret": true}},
//!         "required": ["api_token"]
//!     },
//!     "base_url": "https://api.acme.example/v1",
//!     "auth": {"type": "bearer", "token": "{{ config.api_token }}"},
//!     "streams": [{
//!         "name": "stock_levels",
//!         "canonical_type": "stocklevel",
//!         "read": {"path": "/stock", "records": "$.items[*]"},
//!         "mapping": {"fields": {
//!             "sku": "$.sku",
//!             "locationId": {"string": "$.warehouse_id"},
//!             "quantity": {"integer": "$.on_hand"}
//!         }}
//!     }]
//! }))?;
//! let registry = CanonicalRegistry::builtin();
//! let connector = Connector::build(definition, &registry).expect("the definition is valid");
//!
//! let stream = &connector.streams()[0];
//! let mapped = stream.mapper.apply(&json!({"sku": "A-1", "warehouse_id": 7, "on_hand": "12"}))
//!     .expect("the record maps");
//! assert_eq!(mapped.data["quantity"], json!(12));
//! assert!(stream.canonical.validate(&serde_json::Value::Object(mapped.data)).is_empty());
//! # Ok::<(), serde_json::Error>(())
//! ```
#![deny(missing_docs)]

mod auth;
mod canonical;
mod config;
mod connector;
mod credentials;
mod definition;
mod diagnostic;
mod infer;
mod link;
mod map;
mod pointer;
mod read;
mod store;
mod suggest;
mod template;
mod test_run;
mod transport;

pub use auth::{Credentials, OAuth2Credentials, OAuth2Grant};
pub use canonical::{
    CanonicalError, CanonicalEvent, CanonicalRegistry, CanonicalType, EventSource, Field,
    FieldKind, Fields, Operation, RecordError, singer_record, singer_schema, singer_state,
};
pub use config::{CONFIG_ENV_PREFIX, ConfigError, ResolvedConfig};
pub use connector::{CompiledStream, Connector};
pub use credentials::is_credential_name;
pub use definition::*;
pub use diagnostic::{Diagnostic, Location, Severity};
pub use infer::SchemaInference;
pub use link::{next_link, parse_link_headers};
pub use map::{Compiled, MapError, MappedRecord, Mapper, RecordPath};
pub use pointer::{escape as escape_pointer, push as push_pointer, tokens as pointer_tokens};
pub use read::{
    PageInfo, ReadError, ReadErrorKind, ReadEvent, ReadInput, ReadOptions, RejectedRecord,
    StopReason, StreamEnd, read_all, read_stream,
};
pub use store::{Clock, FixedClock, MemoryStateStore, StateStore, StoreError, StreamKey};
pub use suggest::closest as did_you_mean;
pub use template::{RenderError, TemplateSet, Variable, is_template};
pub use test_run::{
    Check, ExchangeSummary, StreamReport, TestReport, TestRun, TestedDefinition, definition_digest,
};
pub use transport::{
    ATTEMPTS_HEADER, HttpRequest, HttpResponse, RequestKind, ScriptedTransport, Transport,
    TransportError,
};
