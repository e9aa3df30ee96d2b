//! The retry decision.

use std::time::Duration;

use jiff::Timestamp;
use pullpush_core::{BackoffConfig, HttpResponse, RequestKind, RetryConfig, TransportError};

use crate::error::is_permanent;
use crate::rate_limit::retry_after;

/// The response header that says how many attempts a response took (defined in core, which
/// reads it for its error messages).
pub use pullpush_core::ATTEMPTS_HEADER;

/// The default longest `Retry-After` waited for: two minutes.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// What to do with an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Hand the outcome to the caller as it is: a success, or a failure retrying cannot help.
    Return,
    /// Send again after this wait.
    RetryAfter(Duration),
    /// Retrying could help but the attempts are used up, or the server asked for a longer wait
    /// than allowed: hand the outcome back, marked with the attempt count.
    GiveUp,
}

/// Which outcomes are retried and how long to wait, from a definition's [`RetryConfig`].
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included; at least 1.
    pub max_attempts: u32,
    /// Statuses that are retried.
    pub on_status: Vec<u16>,
    /// The backoff between attempts.
    pub backoff: BackoffConfig,
    /// The longest `Retry-After` honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
}

impl RetryPolicy {
    /// The policy a definition's retry config describes.
    pub fn from_config(config: &RetryConfig) -> Self {
        RetryPolicy {
            max_attempts: config.max_attempts.max(1),
            on_status: config.on_status.clone(),
            backoff: config.backoff.clone(),
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
        }
    }

    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::from_config(&RetryConfig::default())
        }
    }

    /// With another cap on `Retry-After`.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Whether requests of this kind are ever retried: reads and token requests are; writes are
    /// not, since the first one may have been carried out.
    pub fn retries_kind(kind: RequestKind) -> bool {
        matches!(kind, RequestKind::Read | RequestKind::Token)
    }

    /// The wait before retry number `retry` (1 for the first retry), given a random `jitter`
    /// fraction in `[0, 1)` that full jitter scales the wait by.
    pub fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let BackoffConfig {
            initial_ms,
            max_ms,
            multiplier,
            jitter: jittered,
        } = self.backoff;
        let exponent = i32::try_from(retry.saturating_sub(1)).unwrap_or(i32::MAX);
        let grown = initial_ms as f64 * multiplier.max(1.0).powi(exponent);
        let capped = if grown.is_finite() {
            grown.min(max_ms as f64)
        } else {
            max_ms as f64
        };
        let waited = if jittered {
            capped * jitter.clamp(0.0, 1.0)
        } else {
            capped
        };
        Duration::from_millis(waited.round() as u64)
    }

    /// What to do after attempt number `attempt` (1 for the first) of a `kind` request ended
    /// with `outcome`. `jitter` is a random fraction in `[0, 1)`; `now` dates `Retry-After`.
    pub fn decide(
        &self,
        kind: RequestKind,
        attempt: u32,
        outcome: &Result<HttpResponse, TransportError>,
        jitter: f64,
        now: Timestamp,
    ) -> Decision {
        if !RetryPolicy::retries_kind(kind) {
            return Decision::Return;
        }
        let asked = match outcome {
            Ok(response) if self.on_status.contains(&response.status) => retry_after(response, now),
            Ok(_) => return Decision::Return,
            Err(error) if is_permanent(error) => return Decision::Return,
            Err(_) => None,
        };
        if attempt >= self.max_attempts {
            return Decision::GiveUp;
        }
        if asked.is_some_and(|asked| asked > self.max_retry_after) {
            return Decision::GiveUp;
        }
        let wait = self.backoff(attempt, jitter).max(asked.unwrap_or_default());
        Decision::RetryAfter(wait)
    }
}

/// The outcome of the last attempt, marked with how many attempts were made (an error only when
/// there was more than one: a single attempt was not "given up", it was not retried).
pub(crate) fn gave_up(
    outcome: Result<HttpResponse, TransportError>,
    attempts: u32,
) -> Result<HttpResponse, TransportError> {
    match outcome {
        Ok(mut response) => {
            response
                .headers
                .push((ATTEMPTS_HEADER.to_owned(), attempts.to_string()));
            Ok(response)
        }
        Err(TransportError::Failed { url, reason }) if attempts > 1 => {
            Err(TransportError::Failed {
                url,
                reason: format!("gave up after {attempts} attempts: {reason}"),
            })
        }
        Err(other) => Err(other),
    }
}
