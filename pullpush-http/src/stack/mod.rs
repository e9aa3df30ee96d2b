//! The one place the layers are assembled, in a documented order.
//!
//! ```text
//!   engine
//!     │
//!   Scrub            every known secret value removed from errors, whichever layer wrote them
//!   ReadOnly         (test mode) writes refused before anything else happens
//!   Retry            re-sends reads and token requests that failed for a passing reason
//!   RateLimit        the endpoint's own limit, if it has one
//!   RateLimit        the definition's limit, shared by all streams; Retry-After pauses
//! ─ ─ ─ ─ ─ ─ ─ ─ ─  shared by all streams from here down (one token cache, one log)
//!   Auth             credentials applied; OAuth tokens fetched through the layers below
//!   Recorder         each exchange logged, redacted and scrubbed
//!   FollowRedirects  3xx re-sent through the layers below
//!   Egress           only the connector's hosts; no internal addresses
//!   ReqwestTransport timeouts, body limit, DNS rebinding protection
//!     │
//!   network
//! ```
//!
//! The first layer listed sees the request first. Why this order:
//!
//! * **Egress innermost** (just above the network): nothing reaches the network without passing
//!   it — not a retry, not a token request (Auth sends those to its inner transport), not a
//!   redirect hop (FollowRedirects re-sends through it). The reqwest transport's resolver adds
//!   the address check for names.
//! * **FollowRedirects above Egress**, for that reason; and below the recorder, so a report shows
//!   one exchange per request asked for, with its final status (a refused hop is an error that
//!   names both URLs).
//! * **Recorder below Auth**: it records requests as actually sent — token requests, the request
//!   that got a `401`, and its authenticated retry — with the credentials redacted.
//! * **Auth below the rate limit and retry**: a token request is not paced as an API request (it
//!   goes to another endpoint), the refresh-on-`401` happens within one attempt, and a failed
//!   token fetch fails the attempt, which the retry layer may then repeat.
//! * **RateLimit below Retry**: every attempt waits for the bucket and for any `Retry-After`
//!   pause, so retries cannot storm an API that asked for calm. The endpoint's limiter is outside
//!   the shared one so a request takes a shared slot only once its endpoint lets it go.
//! * **Retry below ReadOnly**: a refused write is refused once, not retried (refusals are never
//!   retried anyway; the order makes it obvious).
//! * **Scrub outermost**: whatever any layer put in an error message, secrets (config secrets,
//!   credentials, tokens learned at run time) do not leave the stack.
//!
//! Everything from Auth down is built once and shared ([`SharedTransport`]), so all streams use
//! one token cache, one exchange log and one connection pool; the layers above are cheap and made
//! per endpoint by [`HttpStack::endpoint_transport`].

mod builder;
mod shared;

#[cfg(test)]
mod tests;

pub use builder::HttpStackBuilder;
pub use shared::SharedTransport;

use std::time::Duration;

use async_trait::async_trait;
use pullpush_core::{HttpRequest, HttpResponse, RateLimitConfig, Transport, TransportError};

use crate::auth::AuthHandle;
use crate::egress::EgressPolicy;
use crate::rate_limit::{RateLimit, RateLimiter};
use crate::read_only::ReadOnly;
use crate::recorder::ExchangeLog;
use crate::retry::{Retry, RetryPolicy};
use crate::secrets::{Scrub, Secrets};

/// The assembled stack and the handles the caller reads during and after a run.
///
/// `HttpStack` is itself a [`Transport`] (the definition-wide stack); streams with their own
/// rate limit use [`HttpStack::endpoint_transport`].
#[derive(Debug)]
pub struct HttpStack {
    shared: SharedTransport,
    limiter: RateLimiter,
    retry: RetryPolicy,
    read_only: bool,
    max_wait: Duration,
    secrets: Secrets,
    exchanges: ExchangeLog,
    auth: AuthHandle,
    egress: EgressPolicy,
    transport: SharedTransport,
}

impl HttpStack {
    /// Starts a stack for an API at `base_url` (rendered) authenticated with `credentials`.
    pub fn builder(
        base_url: impl Into<String>,
        credentials: pullpush_core::Credentials,
    ) -> HttpStackBuilder {
        HttpStackBuilder::new(base_url.into(), credentials)
    }

    /// The definition-wide transport: every stream without a rate limit of its own uses it.
    pub fn transport(&self) -> SharedTransport {
        self.transport.clone()
    }

    /// A transport for an endpoint with its own rate limit on top of the definition's (the same
    /// as [`HttpStack::transport`] when `rate_limit` is `None`). Call it once per stream: each
    /// call makes a new endpoint limiter.
    pub fn endpoint_transport(&self, rate_limit: Option<&RateLimitConfig>) -> SharedTransport {
        match rate_limit {
            None => self.transport(),
            Some(config) => {
                let endpoint = RateLimiter::from_config(config).with_max_pause(self.max_wait);
                self.outer(Some(endpoint))
            }
        }
    }

    /// Every exchange recorded so far (redacted, scrubbed, bounded).
    pub fn exchanges(&self) -> &ExchangeLog {
        &self.exchanges
    }

    /// The auth layer's handle.
    pub fn auth(&self) -> &AuthHandle {
        &self.auth
    }

    /// The refresh token the OAuth endpoint rotated to, if it did: persist it.
    pub fn rotated_refresh_token(&self) -> Option<String> {
        self.auth.rotated_refresh_token()
    }

    /// The secret values scrubbed from every output (grows as tokens are learned). Scrub anything
    /// else the caller reports with it too.
    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// The egress policy in force.
    pub fn egress(&self) -> &EgressPolicy {
        &self.egress
    }

    /// The definition-wide rate limiter.
    pub fn limiter(&self) -> &RateLimiter {
        &self.limiter
    }

    fn outer(&self, endpoint: Option<RateLimiter>) -> SharedTransport {
        outer_layers(
            self.shared.clone(),
            &self.limiter,
            endpoint,
            &self.retry,
            self.read_only,
            &self.secrets,
        )
    }
}

/// The per-endpoint layers, from Scrub down to the shared rate limit, around the shared part.
fn outer_layers(
    shared: SharedTransport,
    limiter: &RateLimiter,
    endpoint: Option<RateLimiter>,
    retry: &RetryPolicy,
    read_only: bool,
    secrets: &Secrets,
) -> SharedTransport {
    let paced = RateLimit::new(limiter.clone(), shared);
    let paced = match endpoint {
        Some(endpoint) => SharedTransport::new(RateLimit::new(endpoint, paced)),
        None => SharedTransport::new(paced),
    };
    let retried = Retry::new(retry.clone(), paced);
    if read_only {
        SharedTransport::new(Scrub::new(secrets.clone(), ReadOnly::new(retried)))
    } else {
        SharedTransport::new(Scrub::new(secrets.clone(), retried))
    }
}

#[async_trait]
impl Transport for HttpStack {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.transport.send(request).await
    }
}
