//! Retrying what failed for a passing reason: a [`RetryPolicy`] decides, [`Retry`] acts.
//!
//! The policy is pure (request kind, attempt number, outcome, a random fraction and the time in;
//! a decision out), so every rule is unit-tested without waiting:
//!
//! * only [`RequestKind::Read`](pullpush_core::RequestKind::Read) and
//!   [`RequestKind::Token`](pullpush_core::RequestKind::Token) requests are retried; a write is
//!   sent once, because sending it again may write twice (idempotent writes come with the write
//!   engine);
//! * responses whose status is in `on_status` are retried, and so are transport failures
//!   (timeouts, refused or reset connections, truncated bodies) — but not refusals (egress,
//!   read-only) nor failures marked [`NOT_RETRIED`](crate::NOT_RETRIED) (an oversized body, a
//!   redirect loop, a rejected OAuth client), which would fail the same way again;
//! * the wait before the n-th retry is `initial_ms × multiplier^(n−1)`, capped at `max_ms`, with
//!   *full jitter* (uniform between zero and that), so clients that failed together do not retry
//!   together;
//! * a `Retry-After` longer than that wait wins — up to [`RetryPolicy::max_retry_after`]: a server
//!   asking for longer is answered at once with its response rather than waited for, so a `429`
//!   storm with `Retry-After: 3600` ends quickly and clearly instead of hanging;
//! * after `max_attempts` the last outcome is returned: an error with the attempt count in its
//!   message ("gave up after 4 attempts: …"), a response with an [`ATTEMPTS_HEADER`] header.
//!
//! Put this layer *outside* the rate limit, so every attempt is paced like a first one.

mod policy;

#[cfg(test)]
mod tests;

pub use policy::{ATTEMPTS_HEADER, DEFAULT_MAX_RETRY_AFTER, Decision, RetryPolicy};

use async_trait::async_trait;
use pullpush_core::{HttpRequest, HttpResponse, Transport, TransportError};

/// A transport that re-sends requests as its [`RetryPolicy`] decides.
#[derive(Debug)]
pub struct Retry<T> {
    policy: RetryPolicy,
    inner: T,
}

impl<T> Retry<T> {
    /// Wraps `inner`.
    pub fn new(policy: RetryPolicy, inner: T) -> Self {
        Retry { policy, inner }
    }

    /// The policy in force.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }
}

#[async_trait]
impl<T: Transport> Transport for Retry<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let kind = request.kind;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = self.inner.send(request.clone()).await;
            let decision = self.policy.decide(
                kind,
                attempt,
                &outcome,
                fastrand::f64(),
                jiff::Timestamp::now(),
            );
            match decision {
                Decision::Return => return outcome,
                Decision::RetryAfter(wait) => tokio::time::sleep(wait).await,
                Decision::GiveUp => return policy::gave_up(outcome, attempt),
            }
        }
    }
}
