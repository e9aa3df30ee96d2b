//! Options of the stack, and building it.

use std::time::Duration;

use pullpush_core::{
    Credentials, RateLimitConfig, ResolvedConfig, RetryConfig, TimeoutsConfig, Transport,
};

use super::{HttpStack, SharedTransport};
use crate::auth::{Auth, RotationCallback};
use crate::egress::{Egress, EgressPolicy};
use crate::error::{Error, Result};
use crate::rate_limit::{DEFAULT_MAX_PAUSE, RateLimiter};
use crate::recorder::{DEFAULT_LOG_CAPACITY, ExchangeLog, Recorder};
use crate::redact::redact_url;
use crate::redirect::{DEFAULT_MAX_REDIRECTS, FollowRedirects, RedirectPolicy};
use crate::reqwest_transport::{DEFAULT_MAX_BODY_BYTES, ReqwestOptions, ReqwestTransport};
use crate::retry::RetryPolicy;
use crate::route::RouteTo;
use crate::secrets::Secrets;

/// Everything the stack is built from. Defaults: no rate limit, the default [`RetryConfig`] and
/// [`TimeoutsConfig`], not read-only, internal addresses refused, 32 MiB bodies, 5 redirects,
/// waits of at most 60 s for a server's `Retry-After` or rate-limit reset, 1000 exchanges logged.
pub struct HttpStackBuilder {
    base_url: String,
    credentials: Credentials,
    secrets: Secrets,
    extra_hosts: Vec<String>,
    allow_internal: bool,
    rate_limit: Option<RateLimitConfig>,
    retry: RetryConfig,
    timeouts: TimeoutsConfig,
    read_only: bool,
    max_body_bytes: usize,
    max_redirects: usize,
    max_wait: Duration,
    log_capacity: usize,
    on_rotation: Option<RotationCallback>,
    route_to: Option<url::Url>,
}

impl std::fmt::Debug for HttpStackBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpStackBuilder")
            .field("base_url", &redact_url(&self.base_url))
            .field("credentials", &self.credentials)
            .field("read_only", &self.read_only)
            .field("allow_internal", &self.allow_internal)
            .finish_non_exhaustive()
    }
}

impl HttpStackBuilder {
    pub(super) fn new(base_url: String, credentials: Credentials) -> Self {
        HttpStackBuilder {
            base_url,
            credentials,
            secrets: Secrets::new(),
            extra_hosts: Vec::new(),
            allow_internal: false,
            rate_limit: None,
            retry: RetryConfig::default(),
            timeouts: TimeoutsConfig::default(),
            read_only: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            max_wait: DEFAULT_MAX_PAUSE,
            log_capacity: DEFAULT_LOG_CAPACITY,
            on_rotation: None,
            route_to: None,
        }
    }

    /// Scrubs the config's secret values from every output (in addition to the credentials,
    /// which are always scrubbed).
    pub fn config(self, config: &ResolvedConfig) -> Self {
        for secret in config.secrets() {
            self.secrets.add(secret);
        }
        self
    }

    /// Uses `secrets` as the shared set (to scrub the caller's own outputs with the same set).
    pub fn secrets(mut self, secrets: Secrets) -> Self {
        self.secrets = secrets;
        self
    }

    /// Allows another host besides the base URL's and the token URL's.
    pub fn allow_host(mut self, host: impl Into<String>) -> Self {
        self.extra_hosts.push(host.into());
        self
    }

    /// Allows private, loopback and link-local addresses: for tests and the local demo only.
    pub fn allow_internal(mut self, allow: bool) -> Self {
        self.allow_internal = allow;
        self
    }

    /// The definition-wide rate limit.
    pub fn rate_limit(mut self, rate_limit: Option<RateLimitConfig>) -> Self {
        self.rate_limit = rate_limit;
        self
    }

    /// The retry policy.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// The timeouts.
    pub fn timeouts(mut self, timeouts: TimeoutsConfig) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Read-only mode (test runs): writes are refused.
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// The largest response body accepted.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The most redirects followed per request.
    pub fn max_redirects(mut self, max: usize) -> Self {
        self.max_redirects = max;
        self
    }

    /// The longest a server can make the engine wait (`Retry-After`, a rate-limit reset); a
    /// server asking for longer gets its answer returned instead.
    pub fn max_wait(mut self, max: Duration) -> Self {
        self.max_wait = max;
        self
    }

    /// How many exchanges the log keeps.
    pub fn log_capacity(mut self, capacity: usize) -> Self {
        self.log_capacity = capacity;
        self
    }

    /// Calls `callback` as soon as the OAuth endpoint rotates the refresh token, so it can be
    /// persisted before anything else can go wrong.
    pub fn on_refresh_token_rotated(
        mut self,
        callback: impl Fn(&str) + Send + Sync + 'static,
    ) -> Self {
        self.on_rotation = Some(std::sync::Arc::new(callback));
        self
    }

    /// Sends every request to `origin` instead (scheme, host and port; paths and queries kept):
    /// for testing against local fixtures or a mock server. The origin is added to the allowed
    /// hosts; a loopback origin still needs [`HttpStackBuilder::allow_internal`].
    pub fn route_to(mut self, origin: Option<url::Url>) -> Self {
        self.route_to = origin;
        self
    }

    /// The egress policy the options imply: the base URL's host, the OAuth token URL's host and
    /// the hosts allowed explicitly.
    pub fn egress_policy(&self) -> Result<EgressPolicy> {
        let host = |url: &str, what: &str| -> Result<String> {
            url::Url::parse(url)
                .ok()
                .and_then(|parsed| parsed.host_str().map(str::to_owned))
                .ok_or_else(|| Error::Options {
                    reason: format!(
                        "the {what} `{}` is not an absolute URL with a host",
                        redact_url(url)
                    ),
                })
        };
        let mut policy = EgressPolicy::for_hosts([host(&self.base_url, "base URL")?])
            .allow_internal(self.allow_internal);
        if let Credentials::OAuth2(oauth) = &self.credentials {
            policy = policy.with_host(&host(&oauth.token_url, "token URL")?);
        }
        for extra in &self.extra_hosts {
            policy = policy.with_host(extra);
        }
        if let Some(host) = self.route_to.as_ref().and_then(url::Url::host_str) {
            policy = policy.with_host(host);
        }
        Ok(policy)
    }

    /// Builds the stack over the network.
    pub fn build(self) -> Result<HttpStack> {
        let policy = self.egress_policy()?;
        let network = ReqwestTransport::new(
            ReqwestOptions::new(policy)
                .timeouts(self.timeouts.clone())
                .max_body_bytes(self.max_body_bytes),
        )?;
        self.build_over(network)
    }

    /// Builds the stack over `network` instead of reqwest — a
    /// [`ScriptedTransport`](pullpush_core::ScriptedTransport) in tests — with every other layer
    /// as in [`HttpStackBuilder::build`].
    pub fn build_over(self, network: impl Transport + 'static) -> Result<HttpStack> {
        let egress = self.egress_policy()?;
        let exchanges = ExchangeLog::new(self.log_capacity);
        let inner = Egress::new(egress.clone(), network);
        let inner = FollowRedirects::new(RedirectPolicy::new(self.max_redirects), inner);
        let inner: SharedTransport = match self.route_to {
            Some(origin) => SharedTransport::new(RouteTo::new(origin, inner)),
            None => SharedTransport::new(inner),
        };
        let inner = Recorder::new(exchanges.clone(), self.secrets.clone(), inner);
        let mut auth = Auth::new(self.credentials, self.secrets.clone(), inner);
        if let Some(callback) = self.on_rotation {
            auth = auth.on_refresh_token_rotated(move |token: &str| callback(token));
        }
        let auth_handle = auth.handle();
        let limiter = RateLimiter::new(self.rate_limit.as_ref()).with_max_pause(self.max_wait);
        let retry = RetryPolicy::from_config(&self.retry).with_max_retry_after(self.max_wait);
        let shared = SharedTransport::new(auth);
        let transport = super::outer_layers(
            shared.clone(),
            &limiter,
            None,
            &retry,
            self.read_only,
            &self.secrets,
        );
        let stack = HttpStack {
            shared,
            limiter,
            retry,
            read_only: self.read_only,
            max_wait: self.max_wait,
            secrets: self.secrets,
            exchanges,
            auth: auth_handle,
            egress,
            transport,
        };
        Ok(stack)
    }
}
