//! Read-only mode: what a test run uses, so testing a connector can never change the API's data.
//!
//! The decision is by [`RequestKind`] alone: validation guarantees that a read is a `GET`/`HEAD`
//! or a method the definition explicitly declares safe (a `POST` search), so a
//! [`RequestKind::Write`] is the one kind that may change data and the one this layer refuses.
//! Token requests pass: obtaining a token changes nothing of the user's data.

#[cfg(test)]
mod tests;

use async_trait::async_trait;
use pullpush_core::{HttpRequest, HttpResponse, RequestKind, Transport, TransportError};

use crate::error::Error;
use crate::redact::redact_url;

/// A transport that refuses writes before they reach the inner transport.
#[derive(Debug)]
pub struct ReadOnly<T> {
    inner: T,
}

impl<T> ReadOnly<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Self {
        ReadOnly { inner }
    }
}

#[async_trait]
impl<T: Transport> Transport for ReadOnly<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.kind == RequestKind::Write {
            return Err(Error::ReadOnly {
                url: redact_url(&request.url),
                method: request.method.as_str(),
            }
            .into());
        }
        self.inner.send(request).await
    }
}
