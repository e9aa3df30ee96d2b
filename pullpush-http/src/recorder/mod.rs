//! Recording exchanges for test-run reports: what was asked, what came back, how long it took.
//!
//! Each exchange passing the layer becomes an [`Exchange`] in a shared, bounded [`ExchangeLog`]
//! the caller keeps a handle to. Nothing secret is stored: the URL and headers are redacted by
//! name ([`redact_url`](crate::redact_url), [`redact_headers`](crate::redact_headers)) and then
//! scrubbed by value with the shared [`Secrets`] — which include the access tokens the auth layer
//! learns at run time — and so is the error message. Bodies are not stored, only their size: the
//! records themselves go into the report through the engine, mapped and bounded.
//!
//! In the assembled stack the recorder sits inside the auth layer, so it sees the request as
//! sent (auth applied, token requests included, each retry attempt on its own) and the response
//! after redirects were followed.

mod log;

#[cfg(test)]
mod tests;

pub use log::{DEFAULT_LOG_CAPACITY, Exchange, ExchangeLog};

use async_trait::async_trait;
use pullpush_core::{HttpRequest, HttpResponse, Transport, TransportError};
use tokio::time::Instant;

use crate::redact::{redact_headers, redact_url};
use crate::secrets::Secrets;

/// A transport that records every exchange into an [`ExchangeLog`].
#[derive(Debug)]
pub struct Recorder<T> {
    log: ExchangeLog,
    secrets: Secrets,
    inner: T,
}

impl<T> Recorder<T> {
    /// Wraps `inner`, recording into `log` with `secrets` scrubbed.
    pub fn new(log: ExchangeLog, secrets: Secrets, inner: T) -> Self {
        Recorder {
            log,
            secrets,
            inner,
        }
    }

    /// The log recorded into.
    pub fn log(&self) -> &ExchangeLog {
        &self.log
    }
}

#[async_trait]
impl<T: Transport> Transport for Recorder<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let scrub = |text: &str| self.secrets.scrub(text);
        let kind = request.kind;
        let method = request.method;
        let url = scrub(&redact_url(&request.url));
        let request_headers = redact_headers(&request.headers)
            .into_iter()
            .map(|(name, value)| (name, scrub(&value)))
            .collect();
        let request_bytes = request.body.as_ref().map_or(0, Vec::len);
        let start = Instant::now();
        let outcome = self.inner.send(request).await;
        let (status, response_bytes, error, refused) = match &outcome {
            Ok(response) => (Some(response.status), response.body.len(), None, false),
            Err(TransportError::Refused { reason, .. }) => (None, 0, Some(scrub(reason)), true),
            Err(TransportError::Failed { reason, .. }) => (None, 0, Some(scrub(reason)), false),
            Err(other) => (None, 0, Some(scrub(&other.to_string())), false),
        };
        self.log.push(Exchange {
            kind,
            method,
            url,
            request_headers,
            request_bytes,
            status,
            duration: start.elapsed(),
            response_bytes,
            error,
            refused,
        });
        outcome
    }
}
