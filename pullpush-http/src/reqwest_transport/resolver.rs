//! A DNS resolver that refuses addresses the egress policy refuses.

use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::egress::EgressPolicy;

/// Resolves with the system resolver (through tokio), then keeps only the addresses the policy
/// allows. A name with no allowed address fails with [`ResolveRefused`].
#[derive(Debug)]
pub(crate) struct EgressResolver {
    policy: EgressPolicy,
}

impl EgressResolver {
    pub(crate) fn new(policy: EgressPolicy) -> Self {
        EgressResolver { policy }
    }
}

/// Every address of `host` is refused.
#[derive(Debug, thiserror::Error)]
#[error("host `{host}` resolves only to refused addresses: {reason}")]
pub(crate) struct ResolveRefused {
    pub(crate) host: String,
    pub(crate) reason: String,
}

impl Resolve for EgressResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let (allowed, refused): (Vec<SocketAddr>, Vec<SocketAddr>) =
                resolved.partition(|address| policy.check_address(address.ip()).is_ok());
            if let (None, Some(address)) = (allowed.first(), refused.first()) {
                let reason = match policy.check_address(address.ip()) {
                    Err(error) => error.to_string(),
                    Ok(()) => String::new(),
                };
                return Err(Box::new(ResolveRefused { host, reason }) as _);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}
