//! The shared limiter: a token bucket and a pause.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter as Bucket};
use pullpush_core::{HttpResponse, RateLimitConfig, RateLimitPeriod};
use tokio::time::Instant;

use super::headers::rate_limit_pause;

/// The default longest pause a response can impose: one minute.
pub const DEFAULT_MAX_PAUSE: Duration = Duration::from_secs(60);

/// tokio's clock for governor, so the bucket follows paused time in tests like every other wait
/// of this crate.
#[derive(Debug, Clone, Copy, Default)]
struct TokioClock;

impl Clock for TokioClock {
    type Instant = std::time::Instant;

    fn now(&self) -> Self::Instant {
        Instant::now().into_std()
    }
}

type TokenBucket = Bucket<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<std::time::Instant>>;

/// A token bucket plus a response-driven pause, shared by cloning.
#[derive(Clone)]
pub struct RateLimiter {
    shared: Arc<Shared>,
}

struct Shared {
    bucket: Option<TokenBucket>,
    config: Option<RateLimitConfig>,
    paused_until: Mutex<Option<Instant>>,
    max_pause: Duration,
}

impl RateLimiter {
    /// A limiter with no bucket: it only honours what responses say.
    pub fn unlimited() -> Self {
        RateLimiter::build(None, DEFAULT_MAX_PAUSE)
    }

    /// A limiter with the bucket `config` describes (burst defaults to the request count).
    pub fn from_config(config: &RateLimitConfig) -> Self {
        RateLimiter::build(Some(config.clone()), DEFAULT_MAX_PAUSE)
    }

    /// A limiter from an optional config: [`RateLimiter::unlimited`] for `None`.
    pub fn new(config: Option<&RateLimitConfig>) -> Self {
        match config {
            Some(config) => RateLimiter::from_config(config),
            None => RateLimiter::unlimited(),
        }
    }

    /// The same limits with another cap on pauses; call it before sharing the limiter (it makes a
    /// new, unshared one).
    pub fn with_max_pause(self, max_pause: Duration) -> Self {
        RateLimiter::build(self.shared.config.clone(), max_pause)
    }

    fn build(config: Option<RateLimitConfig>, max_pause: Duration) -> Self {
        let bucket = config
            .as_ref()
            .map(|config| Bucket::direct_with_clock(quota(config), TokioClock));
        RateLimiter {
            shared: Arc::new(Shared {
                bucket,
                config,
                paused_until: Mutex::new(None),
                max_pause,
            }),
        }
    }

    /// Waits until a request may go: past any pause, then for a token of the bucket.
    pub async fn acquire(&self) {
        loop {
            let paused_until = *lock(&self.shared.paused_until);
            match paused_until {
                Some(until) if until > Instant::now() => tokio::time::sleep_until(until).await,
                // Another pause may have been set while sleeping; the loop looks again.
                _ => break,
            }
        }
        if let Some(bucket) = &self.shared.bucket {
            while let Err(not_until) = bucket.check() {
                let wait = not_until.wait_time_from(TokioClock.now());
                tokio::time::sleep(wait).await;
            }
        }
    }

    /// Reads the pacing signals of `response` (see [`rate_limit_pause`]) and pauses accordingly.
    pub fn observe(&self, response: &HttpResponse) {
        if let Some(pause) = rate_limit_pause(response, jiff::Timestamp::now()) {
            self.pause_for(pause);
        }
    }

    /// Holds every request for `pause` (capped at the maximum pause), unless a longer pause is
    /// already in force.
    pub fn pause_for(&self, pause: Duration) {
        let until = Instant::now() + pause.min(self.shared.max_pause);
        let mut paused_until = lock(&self.shared.paused_until);
        if paused_until.is_none_or(|current| current < until) {
            *paused_until = Some(until);
        }
    }

    /// When the current pause ends, if one is in force.
    pub fn paused_until(&self) -> Option<Instant> {
        lock(&self.shared.paused_until).filter(|until| *until > Instant::now())
    }

    /// The limits this limiter enforces, if any.
    pub fn config(&self) -> Option<&RateLimitConfig> {
        self.shared.config.as_ref()
    }
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("config", &self.shared.config)
            .field("max_pause", &self.shared.max_pause)
            .field("paused_until", &self.paused_until())
            .finish()
    }
}

/// The governor quota of a config. Zero counts (refused by the schema) are read as one.
fn quota(config: &RateLimitConfig) -> Quota {
    let requests = NonZeroU32::new(config.requests).unwrap_or(NonZeroU32::MIN);
    let burst = config.burst.and_then(NonZeroU32::new).unwrap_or(requests);
    let quota = match config.per {
        RateLimitPeriod::Second => Quota::per_second(requests),
        RateLimitPeriod::Minute => Quota::per_minute(requests),
        RateLimitPeriod::Hour => Quota::per_hour(requests),
    };
    quota.allow_burst(burst)
}

/// The pause stays meaningful if a panicking thread held the lock.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
