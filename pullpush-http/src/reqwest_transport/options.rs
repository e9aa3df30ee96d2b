//! What the reqwest transport is configured with.

use pullpush_core::TimeoutsConfig;

use crate::egress::EgressPolicy;

/// The default response body limit: 32 MiB, far above any page of records an API sends and far
/// below what would hurt the machine.
pub const DEFAULT_MAX_BODY_BYTES: usize = 32 << 20;

/// Options of a [`ReqwestTransport`](super::ReqwestTransport).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReqwestOptions {
    /// Connect and whole-exchange timeouts.
    pub timeouts: TimeoutsConfig,
    /// The largest response body accepted, after decompression.
    pub max_body_bytes: usize,
    /// The policy the DNS resolver checks resolved addresses against. Only its address rules
    /// matter here; hosts are checked by the [`Egress`](crate::Egress) layer.
    pub egress: EgressPolicy,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl ReqwestOptions {
    /// Default timeouts and body limit, resolving names under `egress`.
    pub fn new(egress: EgressPolicy) -> Self {
        ReqwestOptions {
            timeouts: TimeoutsConfig::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            egress,
            user_agent: concat!("pullpush/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// With these timeouts.
    pub fn timeouts(mut self, timeouts: TimeoutsConfig) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// With this body limit.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }
}
