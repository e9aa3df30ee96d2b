//! The transport that actually talks to the network: reqwest, with the engine's limits built in.
//!
//! What it guarantees whatever a definition or a server does:
//!
//! * **bounded time**: a connect timeout and a timeout for the whole exchange, body included
//!   (from the definition's [`TimeoutsConfig`](pullpush_core::TimeoutsConfig));
//! * **bounded memory**: the body is streamed and reading stops with
//!   [`Error::BodyTooLarge`](crate::Error::BodyTooLarge) past [`ReqwestOptions::max_body_bytes`]
//!   (measured after gzip decompression, so a small compressed bomb is caught too);
//! * **no hidden hops**: redirects are not followed here (the [`FollowRedirects`](crate::FollowRedirects)
//!   layer re-sends them through the egress check) and no proxy is used, because a proxy would
//!   resolve names where the resolver below cannot check them;
//! * **DNS rebinding protection**: names are resolved by a resolver that drops the addresses the
//!   [`EgressPolicy`] refuses, so `api.evil.example → 169.254.169.254` fails even though the name
//!   itself passed the egress layer. The connection goes to exactly the addresses checked;
//! * **honest errors**: a timeout, a refused connection, a truncated body and an oversized body
//!   are different [`Error`](crate::Error) variants, with the URL redacted and no reqwest message
//!   that could echo a query string.
//!
//! TLS is rustls with the `ring` provider (installed as the process default if none is), and the
//! platform's certificate verifier.

mod options;
mod resolver;

#[cfg(test)]
mod tests;

pub use options::{DEFAULT_MAX_BODY_BYTES, ReqwestOptions};

use std::time::Duration;

use async_trait::async_trait;
use pullpush_core::{HttpMethod, HttpRequest, HttpResponse, Transport, TransportError};
use reqwest::header::{HeaderName, HeaderValue};

use crate::error::{Error, Result};
use crate::redact::redact_url;
use resolver::{EgressResolver, ResolveRefused};

/// A [`Transport`] over a reqwest client.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_body_bytes: usize,
    request_timeout: Duration,
    connect_timeout_ms: u64,
}

impl ReqwestTransport {
    /// Builds the client. Fails only when TLS cannot be set up.
    pub fn new(options: ReqwestOptions) -> Result<Self> {
        // Any provider someone installed first is fine; ours is only the fallback, so the error
        // of a second installation is expected and ignored.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(Duration::from_millis(options.timeouts.connect_ms))
            .user_agent(options.user_agent.clone())
            .dns_resolver(EgressResolver::new(options.egress.clone()))
            .build()
            .map_err(|error| Error::Client {
                reason: causes(&error.without_url()),
            })?;
        Ok(ReqwestTransport {
            client,
            max_body_bytes: options.max_body_bytes,
            request_timeout: Duration::from_millis(options.timeouts.request_ms),
            connect_timeout_ms: options.timeouts.connect_ms,
        })
    }

    async fn exchange(&self, request: HttpRequest, url: &str) -> Result<HttpResponse> {
        let mut builder = self
            .client
            .request(method(request.method), request.url.as_str());
        for (name, value) in &request.headers {
            let name_ok = HeaderName::from_bytes(name.as_bytes()).is_ok();
            let value_ok = HeaderValue::from_str(value).is_ok();
            if !name_ok || !value_ok {
                // The value is never shown: it may be a credential.
                return Err(Error::InvalidRequest {
                    url: url.to_owned(),
                    reason: format!("header `{name}` has an invalid name or value"),
                });
            }
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let mut response = builder
            .send()
            .await
            .map_err(|error| self.send_error(error, url))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect();
        let expected = response.content_length();
        let limit = self.max_body_bytes;
        if expected.is_some_and(|expected| expected > limit as u64) {
            return Err(Error::BodyTooLarge {
                url: url.to_owned(),
                limit,
            });
        }
        // Announced lengths are trusted for the first allocation only up to 1 MiB.
        let capacity = expected.map_or(0, |expected| expected.min(1 << 20) as usize);
        let mut body = Vec::with_capacity(capacity);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > limit {
                        return Err(Error::BodyTooLarge {
                            url: url.to_owned(),
                            limit,
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(error) => return Err(self.body_error(error, url, body.len(), expected)),
            }
        }
        if let Some(expected) = expected
            && (body.len() as u64) < expected
        {
            return Err(Error::TruncatedBody {
                url: url.to_owned(),
                received: body.len(),
                expected,
                reason: "the connection ended early".into(),
            });
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    fn send_error(&self, error: reqwest::Error, url: &str) -> Error {
        let error = error.without_url();
        let url = url.to_owned();
        if let Some(refused) = find_source::<ResolveRefused>(&error) {
            return Error::ResolvedInternal {
                url,
                host: refused.host.clone(),
                reason: refused.reason.clone(),
            };
        }
        let reason = causes(&error);
        if error.is_builder() {
            Error::InvalidRequest { url, reason }
        } else if error.is_timeout() && error.is_connect() {
            Error::Timeout {
                url,
                after_ms: self.connect_timeout_ms,
                phase: "connecting",
            }
        } else if error.is_timeout() {
            Error::Timeout {
                url,
                after_ms: self.request_timeout.as_millis() as u64,
                phase: "waiting for the response",
            }
        } else if error.is_connect() {
            Error::Connect { url, reason }
        } else {
            Error::Network { url, reason }
        }
    }

    fn body_error(
        &self,
        error: reqwest::Error,
        url: &str,
        received: usize,
        expected: Option<u64>,
    ) -> Error {
        let error = error.without_url();
        let url = url.to_owned();
        let reason = causes(&error);
        if error.is_timeout() {
            return Error::Timeout {
                url,
                after_ms: self.request_timeout.as_millis() as u64,
                phase: "waiting for the response",
            };
        }
        match expected {
            Some(expected) if (received as u64) < expected => Error::TruncatedBody {
                url,
                received,
                expected,
                reason,
            },
            // reqwest calls every body error of a decoded response a decode error; bytes that do
            // not match their `Content-Encoding` are the ones the decompressor calls invalid.
            _ if invalid_data(&error) => Error::Decode { url, reason },
            _ => Error::Body {
                url,
                received,
                reason,
            },
        }
    }
}

/// Whether an I/O error of kind `InvalidData` is among the causes of `error`.
fn invalid_data(error: &reqwest::Error) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = current {
        if cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData)
        {
            return true;
        }
        current = cause.source();
    }
    false
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let url = redact_url(&request.url);
        match tokio::time::timeout(self.request_timeout, self.exchange(request, &url)).await {
            Ok(result) => result.map_err(TransportError::from),
            Err(_elapsed) => Err(Error::Timeout {
                url,
                after_ms: self.request_timeout.as_millis() as u64,
                phase: "waiting for the response",
            }
            .into()),
        }
    }
}

fn method(method: HttpMethod) -> reqwest::Method {
    match method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Head => reqwest::Method::HEAD,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Patch => reqwest::Method::PATCH,
        HttpMethod::Delete => reqwest::Method::DELETE,
    }
}

/// The messages of `error`'s sources, outermost first, without reqwest's own summary (which is
/// generic) and without repeats. None of them carries the URL: `without_url` removed reqwest's,
/// and hyper's never had one.
fn causes(error: &reqwest::Error) -> String {
    let mut messages: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let message = cause.to_string();
        // hyper-util's "client error (Connect)" only says which stage wrapped the real cause.
        let generic = message.starts_with("client error (");
        if !generic && !messages.iter().any(|known| known.contains(&message)) {
            messages.push(message);
        }
        source = cause.source();
    }
    if messages.is_empty() {
        error.to_string()
    } else {
        messages.join(": ")
    }
}

fn find_source<'a, E: std::error::Error + 'static>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a E> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<E>() {
            return Some(found);
        }
        current = error.source();
    }
    None
}
