//! The egress policy: which hosts and addresses a connector may reach.
//!
//! A definition names its API's base URL; the engine derives the allowed hosts from it and refuses
//! everything else, so a hostile definition or response (a `next` URL or redirect to
//! `169.254.169.254`) cannot turn the engine into a proxy into the user's network. Addresses are
//! checked as literals here; the reqwest transport re-checks the addresses a name resolves to.

mod policy;

#[cfg(test)]
mod tests;

pub use policy::{EgressError, EgressPolicy};

use async_trait::async_trait;
use pullpush_core::{HttpRequest, HttpResponse, Transport, TransportError};

use crate::redact::redact_url;

/// A transport that refuses requests the [`EgressPolicy`] does not allow, before they reach the
/// inner transport.
#[derive(Debug)]
pub struct Egress<T> {
    policy: EgressPolicy,
    inner: T,
}

impl<T> Egress<T> {
    /// Wraps `inner` with `policy`.
    pub fn new(policy: EgressPolicy, inner: T) -> Self {
        Egress { policy, inner }
    }

    /// The policy in force.
    pub fn policy(&self) -> &EgressPolicy {
        &self.policy
    }
}

#[async_trait]
impl<T: Transport> Transport for Egress<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if let Err(err) = self.policy.check(&request.url) {
            return Err(TransportError::Refused {
                url: redact_url(&request.url),
                reason: err.to_string(),
            });
        }
        self.inner.send(request).await
    }
}
