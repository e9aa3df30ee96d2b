//! The transport boundary: how the engine sends an HTTP request without knowing how.
//!
//! Core never opens a socket. It builds [`HttpRequest`]s and hands them to a [`Transport`];
//! `pullpush-http` implements the trait with reqwest and layers (auth, rate limit, retry, egress
//! policy), and [`ScriptedTransport`] answers from memory so the engine is tested without a network.

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::definition::HttpMethod;

/// An HTTP request as the engine builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Why the request is sent; read-only mode lets only reads and token fetches through.
    pub kind: RequestKind,
    /// The method.
    pub method: HttpMethod,
    /// The absolute URL, query included.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
}

/// The response header a retrying transport adds to say how many attempts a response took, so
/// an error can say "answered 503 after 5 attempts".
pub const ATTEMPTS_HEADER: &str = "x-pullpush-attempts";

/// Why a request is sent.
///
/// Validation guarantees that a read uses GET/HEAD or a method the definition declares safe
/// (a POST search), so read-only mode can decide by kind alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// Reads records; has no side effects.
    Read,
    /// Writes records to a destination.
    Write,
    /// Fetches or refreshes an auth token.
    Token,
}

impl HttpRequest {
    /// A GET that reads, with no headers or body.
    pub fn get(url: impl Into<String>) -> Self {
        HttpRequest {
            kind: RequestKind::Read,
            method: HttpMethod::Get,
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// The first header of this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// An HTTP response as the engine consumes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The (decompressed) body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header of this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Why a request produced no response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The request was refused before it left, e.g. by the egress policy or read-only mode.
    #[error("request to {url} refused: {reason}")]
    Refused {
        /// The URL, secrets stripped.
        url: String,
        /// Why.
        reason: String,
    },
    /// The network or the server failed.
    #[error("request to {url} failed: {reason}")]
    Failed {
        /// The URL, secrets stripped.
        url: String,
        /// What happened.
        reason: String,
    },
}

/// Sends one request and returns its response. Every HTTP concern of `pullpush-http` implements
/// this same trait around an inner transport.
#[async_trait]
pub trait Transport: Send + Sync {
    /// Sends `request`.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// An in-memory transport that answers from a script and records what it was asked, for tests of
/// the engine and of layers.
#[derive(Debug, Default)]
pub struct ScriptedTransport {
    script: Mutex<VecDeque<Result<HttpResponse, TransportError>>>,
    requests: Mutex<Vec<HttpRequest>>,
}

impl ScriptedTransport {
    /// A transport that will answer with `responses`, in order.
    pub fn new(responses: impl IntoIterator<Item = Result<HttpResponse, TransportError>>) -> Self {
        ScriptedTransport {
            script: Mutex::new(responses.into_iter().collect()),
            requests: Mutex::new(Vec::new()),
        }
    }

    /// A 200 response with a JSON body.
    pub fn json(body: &serde_json::Value) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        })
    }

    /// Every request sent so far.
    pub fn requests(&self) -> Vec<HttpRequest> {
        lock(&self.requests).clone()
    }
}

#[async_trait]
impl Transport for ScriptedTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let url = request.url.clone();
        lock(&self.requests).push(request);
        lock(&self.script).pop_front().unwrap_or_else(|| {
            Err(TransportError::Failed {
                url,
                reason: "the script has no more responses".into(),
            })
        })
    }
}

/// Locks a mutex, recovering the data if a panicking test poisoned it: the script and the request
/// log stay meaningful either way.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_in_order_records_requests_and_fails_when_exhausted() {
        let transport = ScriptedTransport::new([ScriptedTransport::json(&serde_json::json!([1]))]);
        let request = HttpRequest::get("https://api.example.com/items");
        let first = futures::executor::block_on(transport.send(request.clone())).unwrap();
        assert_eq!(first.status, 200);
        assert_eq!(first.header("Content-Type"), Some("application/json"));
        let second = futures::executor::block_on(transport.send(request.clone()));
        assert!(matches!(second, Err(TransportError::Failed { .. })));
        assert_eq!(transport.requests(), vec![request.clone(), request]);
    }
}
