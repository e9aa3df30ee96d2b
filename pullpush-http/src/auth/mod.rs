//! Authentication: credentials (already rendered from the definition's templates and the user's
//! config) applied to every request.
//!
//! * **Static schemes** — bearer token, API key (header or query parameter), HTTP basic — are a
//!   pure rewrite of the request ([`apply_static`]).
//! * **OAuth 2.0** (client credentials, refresh token) fetches an access token from the token
//!   endpoint, sending the token request *through the inner transport* with
//!   [`RequestKind::Token`] — so the egress check, redirects and the exchange recorder see it like
//!   any request. The token is cached with its expiry and fetched again
//!   `refresh_before_expiry_seconds` before it expires, and once when the API answers `401`
//!   (after which the request is sent once more). Concurrent requests share one fetch: the cache
//!   sits behind a tokio mutex held across the token request, so a cold start with many streams
//!   makes one token request, not one per stream.
//! * A **rotated refresh token** (the endpoint answered with a new `refresh_token`) replaces the
//!   current one at once and is surfaced through [`AuthHandle::rotated_refresh_token`] and an
//!   optional callback, so the caller can persist it before the old one stops working.
//!
//! Every token learned is added to the shared [`Secrets`], so the recorder and error messages
//! scrub it; token endpoint errors carry the endpoint's `error` code and description (scrubbed),
//! never the request's form.

mod oauth;
mod scheme;

#[cfg(test)]
mod tests;

pub use scheme::apply_static;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use pullpush_core::{
    Credentials, HttpRequest, HttpResponse, RequestKind, Transport, TransportError,
};

use crate::secrets::Secrets;
use oauth::OAuth2Client;

/// Called with the new refresh token whenever the token endpoint rotates it.
pub type RotationCallback = Arc<dyn Fn(&str) + Send + Sync>;

/// A transport that authenticates every request it passes on (token requests excepted).
pub struct Auth<T> {
    inner: T,
    scheme: Scheme,
    secrets: Secrets,
    handle: AuthHandle,
}

enum Scheme {
    Static(Credentials),
    OAuth2(OAuth2Client),
}

/// What the caller may learn from a running [`Auth`] layer. Cloning shares it.
#[derive(Clone, Default)]
pub struct AuthHandle {
    shared: Arc<HandleState>,
}

#[derive(Default)]
struct HandleState {
    rotated: std::sync::Mutex<Option<String>>,
    token_requests: AtomicUsize,
    on_rotation: std::sync::Mutex<Option<RotationCallback>>,
}

impl<T> Auth<T> {
    /// Wraps `inner`, authenticating with `credentials`. Every credential value and every token
    /// learned later is added to `secrets`.
    pub fn new(credentials: Credentials, secrets: Secrets, inner: T) -> Self {
        secrets.add_credentials(&credentials);
        let scheme = match credentials {
            Credentials::OAuth2(oauth) => Scheme::OAuth2(OAuth2Client::new(oauth)),
            other => Scheme::Static(other),
        };
        Auth {
            inner,
            scheme,
            secrets,
            handle: AuthHandle::default(),
        }
    }

    /// Calls `callback` with every rotated refresh token, as soon as it is received.
    pub fn on_refresh_token_rotated(self, callback: impl Fn(&str) + Send + Sync + 'static) -> Self {
        *lock(&self.handle.shared.on_rotation) = Some(Arc::new(callback));
        self
    }

    /// The handle to read rotated refresh tokens and counters from.
    pub fn handle(&self) -> AuthHandle {
        self.handle.clone()
    }
}

impl AuthHandle {
    /// The latest refresh token the token endpoint issued in place of the configured one, if it
    /// rotated it. Persist it: the configured one may no longer work.
    pub fn rotated_refresh_token(&self) -> Option<String> {
        lock(&self.shared.rotated).clone()
    }

    /// How many token requests were sent (successful or not).
    pub fn token_requests(&self) -> usize {
        self.shared.token_requests.load(Ordering::Relaxed)
    }

    fn rotated(&self, refresh_token: &str) {
        *lock(&self.shared.rotated) = Some(refresh_token.to_owned());
        let callback = lock(&self.shared.on_rotation).clone();
        if let Some(callback) = callback {
            callback(refresh_token);
        }
    }

    fn counted_token_request(&self) {
        self.shared.token_requests.fetch_add(1, Ordering::Relaxed);
    }
}

impl fmt::Debug for AuthHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthHandle")
            .field(
                "rotated",
                &self.rotated_refresh_token().map(|_| "[REDACTED]"),
            )
            .field("token_requests", &self.token_requests())
            .finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Auth<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match &self.scheme {
            Scheme::Static(credentials) => format!("{credentials:?}"),
            Scheme::OAuth2(client) => format!("{client:?}"),
        };
        f.debug_struct("Auth")
            .field("scheme", &scheme)
            .field("inner", &self.inner)
            .finish()
    }
}

#[async_trait]
impl<T: Transport> Transport for Auth<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let scrub = |error: TransportError| self.secrets.scrub_error(error);
        if request.kind == RequestKind::Token {
            return self.inner.send(request).await.map_err(scrub);
        }
        match &self.scheme {
            Scheme::Static(credentials) => {
                let request = apply_static(credentials, request).map_err(TransportError::from);
                self.inner
                    .send(request.map_err(scrub)?)
                    .await
                    .map_err(scrub)
            }
            Scheme::OAuth2(client) => {
                let context = oauth::Context {
                    inner: &self.inner,
                    secrets: &self.secrets,
                    handle: &self.handle,
                };
                let token = client.token(&context).await.map_err(scrub)?;
                let first = scheme::with_bearer(request.clone(), &token);
                let response = self.inner.send(first).await.map_err(scrub)?;
                if response.status != 401 {
                    return Ok(response);
                }
                let token = client
                    .token_after_unauthorized(&context, &token)
                    .await
                    .map_err(scrub)?;
                let again = scheme::with_bearer(request, &token);
                self.inner.send(again).await.map_err(scrub)
            }
        }
    }
}

/// The handle's state stays meaningful if a callback panicked while it was locked.
fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
