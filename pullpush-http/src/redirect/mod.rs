//! Following redirects by re-sending through the inner transport.
//!
//! reqwest's own redirect handling is off ([`ReqwestTransport`](crate::ReqwestTransport)), because
//! it would follow a `Location` without asking the egress policy. This layer follows
//! `301/302/303/307/308` itself, sending each hop through its inner transport — which is the
//! [`Egress`](crate::Egress) layer in the assembled stack — so every hop is checked: a redirect to
//! `http://169.254.169.254/` or to a host the connector does not name is refused like any other
//! request.
//!
//! [`RedirectPolicy`] decides (pure, unit-tested), [`FollowRedirects`] acts.

mod policy;

#[cfg(test)]
mod tests;

pub use policy::{DEFAULT_MAX_REDIRECTS, RedirectPolicy};

use async_trait::async_trait;
use pullpush_core::{HttpRequest, HttpResponse, Transport, TransportError};

use crate::error::Error;
use crate::redact::redact_url;
use policy::Next;

/// A transport that follows redirects up to [`RedirectPolicy::max_redirects`] hops.
#[derive(Debug)]
pub struct FollowRedirects<T> {
    policy: RedirectPolicy,
    inner: T,
}

impl<T> FollowRedirects<T> {
    /// Wraps `inner`.
    pub fn new(policy: RedirectPolicy, inner: T) -> Self {
        FollowRedirects { policy, inner }
    }
}

#[async_trait]
impl<T: Transport> Transport for FollowRedirects<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let first_url = redact_url(&request.url);
        let mut current = request;
        let mut hops = 0;
        loop {
            let response = match self.inner.send(current.clone()).await {
                Ok(response) => response,
                Err(error) if hops == 0 => return Err(error),
                Err(error) => return Err(after_hops(error, &first_url, hops)),
            };
            match self.policy.next(&current, &response) {
                Next::Done => return Ok(response),
                Next::Invalid => {
                    return Err(Error::BadRedirect {
                        url: redact_url(&current.url),
                        status: response.status,
                    }
                    .into());
                }
                Next::Follow(next) => {
                    hops += 1;
                    if hops > self.policy.max_redirects {
                        return Err(Error::TooManyRedirects {
                            url: first_url,
                            max: self.policy.max_redirects,
                        }
                        .into());
                    }
                    current = *next;
                }
            }
        }
    }
}

/// An error of a later hop, told as the fate of the original request: the caller asked for
/// `first_url` and should learn that a redirect led somewhere that failed or was refused.
fn after_hops(error: TransportError, first_url: &str, hops: usize) -> TransportError {
    let hop = |url: &str, reason: &str| {
        format!("after {hops} redirect(s), the request to {url} was refused: {reason}")
    };
    match error {
        TransportError::Refused { url, reason } => TransportError::Refused {
            url: first_url.to_owned(),
            reason: hop(&url, &reason),
        },
        TransportError::Failed { url, reason } => TransportError::Failed {
            url: first_url.to_owned(),
            reason: format!("after {hops} redirect(s), the request to {url} failed: {reason}"),
        },
        other => other,
    }
}
