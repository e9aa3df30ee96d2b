//! The bounded, shared log of exchanges.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pullpush_core::{HttpMethod, RequestKind};

/// The default number of exchanges kept.
pub const DEFAULT_LOG_CAPACITY: usize = 1_000;

/// One request and what came of it, with nothing secret in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// Why the request was sent.
    pub kind: RequestKind,
    /// The method.
    pub method: HttpMethod,
    /// The URL, redacted and scrubbed.
    pub url: String,
    /// The request headers, redacted and scrubbed.
    pub request_headers: Vec<(String, String)>,
    /// The size of the request body.
    pub request_bytes: usize,
    /// The response status, if a response came.
    pub status: Option<u16>,
    /// From sending to the whole response (or the error).
    pub duration: Duration,
    /// The size of the response body (decompressed).
    pub response_bytes: usize,
    /// Why no response came, scrubbed: the reason of the transport error (the URL is above).
    pub error: Option<String>,
    /// Whether the request was refused by the engine (egress, read-only) rather than failed.
    pub refused: bool,
}

/// The exchanges recorded so far, the most recent [`ExchangeLog::capacity`] of them. Cloning
/// shares the log.
#[derive(Debug, Clone)]
pub struct ExchangeLog {
    shared: Arc<Mutex<Entries>>,
}

#[derive(Debug)]
struct Entries {
    kept: VecDeque<Exchange>,
    capacity: usize,
    total: usize,
}

impl Default for ExchangeLog {
    fn default() -> Self {
        ExchangeLog::new(DEFAULT_LOG_CAPACITY)
    }
}

impl ExchangeLog {
    /// A log keeping the most recent `capacity` exchanges (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        ExchangeLog {
            shared: Arc::new(Mutex::new(Entries {
                kept: VecDeque::with_capacity(capacity.min(64)),
                capacity,
                total: 0,
            })),
        }
    }

    pub(crate) fn push(&self, exchange: Exchange) {
        let mut entries = lock(&self.shared);
        if entries.kept.len() == entries.capacity {
            entries.kept.pop_front();
        }
        entries.kept.push_back(exchange);
        entries.total += 1;
    }

    /// The kept exchanges, oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        lock(&self.shared).kept.iter().cloned().collect()
    }

    /// How many exchanges were recorded in all, including those no longer kept.
    pub fn total(&self) -> usize {
        lock(&self.shared).total
    }

    /// How many exchanges were dropped to stay within the capacity.
    pub fn dropped(&self) -> usize {
        let entries = lock(&self.shared);
        entries.total - entries.kept.len()
    }

    /// How many exchanges are kept at most.
    pub fn capacity(&self) -> usize {
        lock(&self.shared).capacity
    }

    /// Empties the log (and its counts), returning what it held.
    pub fn take(&self) -> Vec<Exchange> {
        let mut entries = lock(&self.shared);
        entries.total = 0;
        entries.kept.drain(..).collect()
    }
}

/// The log stays usable if a panicking thread held the lock.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
