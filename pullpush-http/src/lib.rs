//! # PullPush HTTP
//!
//! Brief overview: how the engine's requests reach an API. Every concern is a layer implementing
//! the core's [`Transport`](pullpush_core::Transport) around an inner transport, in the manner of
//! tower — the layer holds its policy, the policy decides, the layer acts — so each is tested
//! alone against [`ScriptedTransport`](pullpush_core::ScriptedTransport) and the whole stack
//! against a local HTTP server.
//!
//! | layer | policy / state | does |
//! |---|---|---|
//! | [`Scrub`] | [`Secrets`] | removes every known secret value from errors |
//! | [`ReadOnly`] | — | refuses writes in test mode |
//! | [`Retry`] | [`RetryPolicy`] | retries reads and token requests: listed statuses, timeouts, connection errors; exponential backoff with full jitter; `Retry-After` |
//! | [`RateLimit`] | [`RateLimiter`] | token bucket (governor), pauses on `Retry-After` and exhausted rate-limit headers; shareable, stackable |
//! | [`Auth`] | [`AuthHandle`] | bearer, API key, basic; OAuth 2.0 client credentials and refresh token with caching, refresh before expiry and on `401`, rotated refresh tokens surfaced |
//! | [`Recorder`] | [`ExchangeLog`] | logs each exchange, redacted and scrubbed, for test reports |
//! | [`FollowRedirects`] | [`RedirectPolicy`] | follows 3xx through the layers below, dropping credentials across origins |
//! | [`Egress`] | [`EgressPolicy`] | only the connector's hosts, no internal addresses |
//! | [`ReqwestTransport`] | [`ReqwestOptions`] | the network: timeouts, body limit, DNS rebinding protection, no automatic redirects |
//!
//! [`HttpStack`] assembles them in that order (outermost first) and documents why; most callers
//! need nothing else. Errors are [`TransportError`](pullpush_core::TransportError)s between
//! layers (refused ≠ failed, URLs redacted, no secrets), built from this crate's [`Error`].
//!
//! ```
//! use pullpush_core::{Credentials, HttpRequest, RequestKind, ScriptedTransport, Transport, TransportError};
//! use pullpush_http::HttpStack;
//! use serde_json::json;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! // In production `.build()` sends over reqwest; here a script plays the API.
//! let stack = HttpStack::builder("https://api.acme.example/v1", Credentials::Bearer { token: "t0ken".into() })
//!     .read_only(true)
//!     .build_over(ScriptedTransport::new([ScriptedTransport::json(&json!({"items": []}))]))?;
//!
//! let page = stack.send(HttpRequest::get("https://api.acme.example/v1/items")).await.unwrap();
//! assert_eq!(page.status, 200);
//!
//! // Test mode refuses writes; the egress policy refuses other hosts and internal addresses.
//! let mut write = HttpRequest::get("https://api.acme.example/v1/items");
//! write.kind = RequestKind::Write;
//! assert!(matches!(stack.send(write).await, Err(TransportError::Refused { .. })));
//! let metadata = HttpRequest::get("http://169.254.169.254/latest/meta-data");
//! assert!(matches!(stack.send(metadata).await, Err(TransportError::Refused { .. })));
//!
//! // Every exchange is recorded, credentials redacted.
//! let log = stack.exchanges().exchanges();
//! assert_eq!(log[0].status, Some(200));
//! assert!(!format!("{log:?}").contains("t0ken"));
//! # Ok::<(), pullpush_http::Error>(())
//! # }).unwrap();
//! ```
#![deny(missing_docs)]

mod auth;
mod egress;
mod error;
mod fetch;
mod rate_limit;
mod read_only;
mod recorder;
mod redact;
mod redirect;
mod reqwest_transport;
mod retry;
mod route;
mod secrets;
mod session;
mod stack;

pub use auth::{Auth, AuthHandle, RotationCallback, apply_static};
pub use egress::{Egress, EgressError, EgressPolicy};
pub use error::{Error, NOT_RETRIED, Result, is_permanent};
pub use fetch::{FetchError, fetch_text};
pub use rate_limit::{DEFAULT_MAX_PAUSE, RateLimit, RateLimiter, rate_limit_pause, retry_after};
pub use read_only::ReadOnly;
pub use recorder::{DEFAULT_LOG_CAPACITY, Exchange, ExchangeLog, Recorder};
pub use redact::{REDACTED, redact_headers, redact_url};
pub use redirect::{DEFAULT_MAX_REDIRECTS, FollowRedirects, RedirectPolicy};
pub use reqwest_transport::{DEFAULT_MAX_BODY_BYTES, ReqwestOptions, ReqwestTransport};
pub use retry::{ATTEMPTS_HEADER, DEFAULT_MAX_RETRY_AFTER, Decision, Retry, RetryPolicy};
pub use route::{RouteTo, reroute};
pub use secrets::{Scrub, Secrets};
pub use session::{OpenError, Session, SessionOptions, SystemClock, TestLimits};
pub use stack::{HttpStack, HttpStackBuilder, SharedTransport};
