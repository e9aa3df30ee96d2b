//! # PullPush HTTP
//!
//! Brief overview: the HTTP side of the engine, as layers around `pullpush_core::Transport` in
//! the manner of tower: each layer holds its configuration and wraps any inner transport, so each
//! concern is tested alone against `pullpush_core::ScriptedTransport`.
//!
//! Today it holds the two layers every exchange passes through whatever a definition says:
//!
//! * [`Egress`] (built from an [`EgressPolicy`]): requests only to the definition's hosts; private,
//!   loopback and link-local addresses refused unless explicitly allowed. It goes innermost, so no
//!   request escapes it — retries, token fetches and followed redirects included.
//! * [`redact_url`] and [`redact_headers`]: what may be logged or reported of a request, with
//!   credentials replaced by `[REDACTED]`.
//!
//! The reqwest transport, auth, rate limit and retry layers come with the read engine.
//!
//! ```
//! use pullpush_core::{HttpRequest, ScriptedTransport, Transport, TransportError};
//! use pullpush_http::{Egress, EgressPolicy};
//!
//! let policy = EgressPolicy::for_hosts(["api.acme.example"]);
//! let transport = Egress::new(policy, ScriptedTransport::new([ScriptedTransport::json(&serde_json::json!([]))]));
//! let metadata = HttpRequest::get("http://169.254.169.254/latest/meta-data");
//! let refused = futures::executor::block_on(transport.send(metadata));
//! assert!(matches!(refused, Err(TransportError::Refused { .. })));
//! ```
#![deny(missing_docs)]

mod egress;
mod redact;

pub use egress::{Egress, EgressError, EgressPolicy};
pub use redact::{REDACTED, redact_headers, redact_url};
