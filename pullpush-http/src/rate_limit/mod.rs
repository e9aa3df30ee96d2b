//! Pacing requests: a token bucket from the definition's limits, plus the server's own signals.
//!
//! [`RateLimiter`] is the shared state (cloning shares it): a `governor` token bucket built from
//! a [`RateLimitConfig`](pullpush_core::RateLimitConfig) (requests per second, minute or hour,
//! with a burst), and a *pause* that responses set: `Retry-After` (seconds or an HTTP date) on a
//! `429`/`503`, or `X-RateLimit-Remaining: 0` / `RateLimit-Remaining: 0` with `X-RateLimit-Reset`
//! / `RateLimit-Reset` (seconds, or a Unix time). While paused, no request of any stream sharing
//! the limiter is sent. A pause is capped ([`RateLimiter::with_max_pause`]) so a hostile header
//! cannot freeze the engine; what the cap cuts short the server answers with another `429`, which
//! the retry layer (outside) handles within its own bounds.
//!
//! [`RateLimit`] is the layer: it waits for the pause and the bucket before each request, and
//! feeds each response back to the limiter.
//!
//! **Sharing and stacking.** One limiter for the whole definition is shared by every stream's
//! stack; an endpoint's own limit is a second `RateLimit` around the first. Put the endpoint's
//! limiter *outside* the shared one: a request then waits for its endpoint's slot before it takes
//! a slot of the shared bucket, so a throttled endpoint does not hold shared capacity hostage.
//!
//! The clock is tokio's, so tests drive it with paused time.

mod headers;
mod limiter;

#[cfg(test)]
mod tests;

pub use headers::{rate_limit_pause, retry_after};
pub use limiter::{DEFAULT_MAX_PAUSE, RateLimiter};

use async_trait::async_trait;
use pullpush_core::{HttpRequest, HttpResponse, Transport, TransportError};

/// A transport that sends each request when its [`RateLimiter`] allows.
#[derive(Debug)]
pub struct RateLimit<T> {
    limiter: RateLimiter,
    inner: T,
}

impl<T> RateLimit<T> {
    /// Wraps `inner`, pacing by `limiter` (shared with whoever holds a clone of it).
    pub fn new(limiter: RateLimiter, inner: T) -> Self {
        RateLimit { limiter, inner }
    }

    /// The limiter in force.
    pub fn limiter(&self) -> &RateLimiter {
        &self.limiter
    }
}

#[async_trait]
impl<T: Transport> Transport for RateLimit<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.limiter.acquire().await;
        let response = self.inner.send(request).await?;
        self.limiter.observe(&response);
        Ok(response)
    }
}
