//! Secret values, known up front (config) or learned at run time (access tokens), and the layer
//! that scrubs them from every error.
//!
//! Redaction by *name* ([`crate::redact_url`], [`crate::redact_headers`]) hides the usual places a
//! credential sits; scrubbing by *value* catches the rest: an API key sent as a query parameter
//! with an unusual name, a token echoed in an error message. [`Secrets`] is one shared, growing
//! set: the auth layer adds every access and refresh token it receives, and the recorder and
//! [`Scrub`] read it, so a token learned a second ago is already hidden.

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use pullpush_core::{
    Credentials, HttpRequest, HttpResponse, OAuth2Grant, ResolvedConfig, Transport, TransportError,
};

use crate::redact::REDACTED;

/// A shared set of secret values to scrub from outputs. Cloning shares the set.
///
/// `Debug` shows how many values it holds, never the values.
#[derive(Clone, Default)]
pub struct Secrets {
    values: Arc<RwLock<Vec<String>>>,
}

impl Secrets {
    /// An empty set.
    pub fn new() -> Self {
        Secrets::default()
    }

    /// The secret values of a resolved config (the properties its spec marks `secret`).
    pub fn from_config(config: &ResolvedConfig) -> Self {
        let secrets = Secrets::new();
        for secret in config.secrets() {
            secrets.add(secret);
        }
        secrets
    }

    /// Adds a value; empty values and values already known are ignored.
    pub fn add(&self, secret: impl Into<String>) {
        let secret = secret.into();
        if secret.is_empty() {
            return;
        }
        let mut values = write(&self.values);
        if !values.contains(&secret) {
            values.push(secret);
            // Longest first, so a secret that contains another is replaced whole.
            values.sort_by_key(|value| std::cmp::Reverse(value.len()));
        }
    }

    /// Adds every credential value of `credentials` (tokens, keys, passwords, client secrets,
    /// refresh tokens), for callers whose credentials do not all come from a config.
    pub fn add_credentials(&self, credentials: &Credentials) {
        match credentials {
            Credentials::None => {}
            Credentials::Bearer { token } => self.add(token.as_str()),
            Credentials::ApiKey { value, .. } => self.add(value.as_str()),
            Credentials::Basic { password, .. } => self.add(password.as_str()),
            Credentials::OAuth2(oauth) => {
                if let Some(secret) = &oauth.client_secret {
                    self.add(secret.as_str());
                }
                if let OAuth2Grant::RefreshToken { refresh_token } = &oauth.grant {
                    self.add(refresh_token.as_str());
                }
            }
        }
    }

    /// How many values the set holds.
    pub fn len(&self) -> usize {
        read(&self.values).len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `text` with every secret value replaced by [`REDACTED`].
    pub fn scrub(&self, text: &str) -> String {
        let values = read(&self.values);
        let mut text = text.to_owned();
        for secret in values.iter() {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), REDACTED);
            }
        }
        text
    }

    /// `error` with every secret value scrubbed from its URL and reason.
    pub fn scrub_error(&self, error: TransportError) -> TransportError {
        match error {
            TransportError::Refused { url, reason } => TransportError::Refused {
                url: self.scrub(&url),
                reason: self.scrub(&reason),
            },
            TransportError::Failed { url, reason } => TransportError::Failed {
                url: self.scrub(&url),
                reason: self.scrub(&reason),
            },
            other => TransportError::Failed {
                url: String::new(),
                reason: self.scrub(&other.to_string()),
            },
        }
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} values, [REDACTED])", self.len())
    }
}

/// A transport that scrubs every known secret value from the errors of its inner transport.
///
/// It goes outermost, so no error leaves the stack with a secret in it, whichever layer wrote it.
/// Responses are not touched: their bodies are the data being read.
#[derive(Debug)]
pub struct Scrub<T> {
    secrets: Secrets,
    inner: T,
}

impl<T> Scrub<T> {
    /// Wraps `inner`, scrubbing the values in `secrets` (as it is when an error happens).
    pub fn new(secrets: Secrets, inner: T) -> Self {
        Scrub { secrets, inner }
    }
}

#[async_trait]
impl<T: Transport> Transport for Scrub<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.inner
            .send(request)
            .await
            .map_err(|error| self.secrets.scrub_error(error))
    }
}

/// The values survive a panicking writer: a poisoned set is still the right set to scrub with.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
