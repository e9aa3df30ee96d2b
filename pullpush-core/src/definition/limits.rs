//! How fast and how patiently the engine talks to an API: rate limits, retries, timeouts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A request rate with a burst allowance (a token bucket: `requests` per `per`, up to `burst` at
/// once). `Retry-After` and common rate-limit response headers are honoured on top of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    /// How many requests are allowed per period.
    #[schemars(range(min = 1))]
    pub requests: u32,
    /// The period the request count refers to.
    #[serde(default)]
    pub per: RateLimitPeriod,
    /// How many requests may go at once after a quiet spell; defaults to `requests`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub burst: Option<u32>,
}

/// The period of a rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RateLimitPeriod {
    /// Per second.
    #[default]
    Second,
    /// Per minute.
    Minute,
    /// Per hour.
    Hour,
}

/// Which failures are retried, and the backoff between attempts.
///
/// Only requests that are safe to resend are retried: reads, and writes the definition marks
/// idempotent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryConfig {
    /// Attempts in total, the first included (1 means no retry).
    #[serde(default = "default_max_attempts")]
    #[schemars(range(min = 1, max = 20))]
    pub max_attempts: u32,
    /// HTTP statuses that are retried. Timeouts and connection errors are always retried.
    #[serde(default = "default_retry_statuses")]
    pub on_status: Vec<u16>,
    /// Exponential backoff with jitter between attempts.
    #[serde(default)]
    pub backoff: BackoffConfig,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: default_max_attempts(),
            on_status: default_retry_statuses(),
            backoff: BackoffConfig::default(),
        }
    }
}

fn default_max_attempts() -> u32 {
    5
}

fn default_retry_statuses() -> Vec<u16> {
    vec![408, 425, 429, 500, 502, 503, 504]
}

/// Exponential backoff: the n-th retry waits `initial_ms * multiplier^(n-1)`, capped at
/// `max_ms`, with full jitter unless turned off. A `Retry-After` header wins when it asks for
/// longer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackoffConfig {
    /// Wait before the first retry, in milliseconds.
    #[serde(default = "default_initial_ms")]
    pub initial_ms: u64,
    /// Upper bound of any wait, in milliseconds.
    #[serde(default = "default_max_ms")]
    pub max_ms: u64,
    /// Growth factor per attempt.
    #[serde(default = "default_multiplier")]
    #[schemars(range(min = 1.0, max = 10.0))]
    pub multiplier: f64,
    /// Randomise each wait between zero and its computed value, so clients don't retry in step.
    #[serde(default = "default_true")]
    pub jitter: bool,
}

impl Default for BackoffConfig {
    fn default() -> Self {
        BackoffConfig {
            initial_ms: default_initial_ms(),
            max_ms: default_max_ms(),
            multiplier: default_multiplier(),
            jitter: true,
        }
    }
}

fn default_initial_ms() -> u64 {
    500
}

fn default_max_ms() -> u64 {
    30_000
}

fn default_multiplier() -> f64 {
    2.0
}

fn default_true() -> bool {
    true
}

/// Network timeouts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeoutsConfig {
    /// Time allowed to open a connection, in milliseconds.
    #[serde(default = "default_connect_ms")]
    #[schemars(range(min = 1))]
    pub connect_ms: u64,
    /// Time allowed for one whole request and response, in milliseconds.
    #[serde(default = "default_request_ms")]
    #[schemars(range(min = 1))]
    pub request_ms: u64,
}

impl Default for TimeoutsConfig {
    fn default() -> Self {
        TimeoutsConfig {
            connect_ms: default_connect_ms(),
            request_ms: default_request_ms(),
        }
    }
}

fn default_connect_ms() -> u64 {
    10_000
}

fn default_request_ms() -> u64 {
    60_000
}
