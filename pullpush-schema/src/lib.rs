//! # PullPush schema
//!
//! Brief overview: this crate is the front door for definitions as text. [`Validator::validate`]
//! takes the JSON a person or an assistant wrote and returns a [`Validation`]: every
//! [`Diagnostic`](pullpush_core::Diagnostic) at once (structural errors from the JSON Schema,
//! semantic errors from [`pullpush_core::Connector::build`]), each with a stable code, a JSON
//! pointer, the line and column in the source, a message and a fix hint; and, when there is no
//! error, the runnable [`Connector`](pullpush_core::Connector).
//!
//! It also owns the published schemas ([`connector_schema`], [`canonical_schema`]; committed under
//! `schemas/` and tested to be current), the rustc-style [`render`]ing of diagnostics that quotes
//! the offending line, and the check of canonical record files ([`validate_records`]).
//!
//! Structural problems are reported first and alone: the semantic rules need the typed model,
//! which a document of the wrong shape does not have.
//!
//! ```
//! let validation = pullpush_schema::validate(r#"{
//!   "id": "acme", "name": "Acme", "version": "1.0.0",
//!   "base_url": "https://api.acme.example",
//!   "streams": [{
//!     "name": "contacts", "canonical_type": "contact",
//!     "read": {"path": "/contacts", "records": "$.data[*]"},
//!     "mapping": {"fields": {"email": "$.mail", "nmae": "$.name"}}
//!   }]
//! }"#);
//! assert!(!validation.is_valid());
//! let diagnostic = &validation.diagnostics[0];
//! assert_eq!(diagnostic.code, "unknown-canonical-field");
//! assert_eq!(diagnostic.pointer, "/streams/0/mapping/fields/nmae");
//! assert_eq!(diagnostic.hint.as_deref(), Some("did you mean `name`?"));
//! assert_eq!(diagnostic.location.map(|l| (l.line, l.column)), Some((7, 47)));
//! ```
#![deny(missing_docs)]

mod records;
mod render;
mod schema;
mod source;
mod structural;
mod types;
mod validate;

pub use records::{RecordReport, validate_records};
pub use render::{render, summary};
pub use schema::{CONNECTOR_SCHEMA_ID, canonical_schema, connector_schema, to_pretty};
pub use source::{SourceMap, location_of};
pub use types::{TypesError, registry_with_types};
pub use validate::{MAX_DEFINITION_BYTES, Validation, Validator, validate};
