//! Sending every request to another origin: for testing a definition against local fixtures or
//! a mock server without editing its URLs.
//!
//! The path and query stay as the definition built them; only scheme, host and port change. The
//! layer sits above the egress check, which sees (and must allow) the new origin.

use async_trait::async_trait;
use pullpush_core::{HttpRequest, HttpResponse, Transport, TransportError};
use url::Url;

use crate::redact::redact_url;

/// Rewrites each request's origin to a fixed one.
#[derive(Debug)]
pub struct RouteTo<T> {
    origin: Url,
    inner: T,
}

impl<T> RouteTo<T> {
    /// Routes every request of `inner` to `origin` (`http://127.0.0.1:8080`).
    pub fn new(origin: Url, inner: T) -> Self {
        RouteTo { origin, inner }
    }
}

/// `url` with the scheme, host and port of `origin`.
pub fn reroute(url: &str, origin: &Url) -> Option<String> {
    let mut parsed = Url::parse(url).ok()?;
    parsed.set_scheme(origin.scheme()).ok()?;
    parsed.set_host(origin.host_str()).ok()?;
    parsed.set_port(origin.port()).ok()?;
    Some(parsed.into())
}

#[async_trait]
impl<T: Transport> Transport for RouteTo<T> {
    async fn send(&self, mut request: HttpRequest) -> Result<HttpResponse, TransportError> {
        request.url =
            reroute(&request.url, &self.origin).ok_or_else(|| TransportError::Refused {
                url: redact_url(&request.url),
                reason: "the URL cannot be routed to the test origin".into(),
            })?;
        self.inner.send(request).await
    }
}

#[cfg(test)]
mod tests {
    use futures::executor::block_on;
    use pullpush_core::ScriptedTransport;

    use super::*;

    #[test]
    fn keeps_path_and_query_and_changes_the_origin() {
        let origin = Url::parse("http://127.0.0.1:9000").expect("origin");
        assert_eq!(
            reroute("https://api.acme.example/v1/items?page=2", &origin).as_deref(),
            Some("http://127.0.0.1:9000/v1/items?page=2")
        );
        let inner = ScriptedTransport::new([ScriptedTransport::json(&serde_json::json!([]))]);
        let transport = RouteTo::new(origin, inner);
        block_on(transport.send(HttpRequest::get("https://api.acme.example/x"))).expect("sent");
        assert_eq!(transport.inner.requests()[0].url, "http://127.0.0.1:9000/x");
    }
}
