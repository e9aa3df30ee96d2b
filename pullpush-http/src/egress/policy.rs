//! Which URLs are allowed.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// Why a URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EgressError {
    /// The URL does not parse or has no host.
    #[error("not an absolute http(s) URL: {0}")]
    InvalidUrl(String),
    /// Only http and https are spoken.
    #[error("scheme `{0}` is not allowed; only http and https")]
    Scheme(String),
    /// The host is not one the definition names.
    #[error("host `{host}` is not among the connector's hosts ({allowed})")]
    HostNotAllowed {
        /// The refused host.
        host: String,
        /// The allowed hosts, comma-separated.
        allowed: String,
    },
    /// The address is private, loopback, link-local or otherwise internal.
    #[error(
        "address {address} is {kind}; internal addresses are refused unless explicitly allowed"
    )]
    InternalAddress {
        /// The refused address.
        address: IpAddr,
        /// What kind of internal address it is.
        kind: &'static str,
    },
}

/// The hosts a connector may reach and whether internal addresses are allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EgressPolicy {
    hosts: BTreeSet<String>,
    allow_internal: bool,
}

impl EgressPolicy {
    /// A policy allowing exactly these hosts (case-insensitive), and no internal addresses.
    pub fn for_hosts<I, S>(hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        EgressPolicy {
            hosts: hosts
                .into_iter()
                .map(|host| normalize_host(host.as_ref()))
                .collect(),
            allow_internal: false,
        }
    }

    /// Allows private, loopback and link-local addresses: for tests and the local demo, never by
    /// default.
    pub fn allow_internal(mut self, allow: bool) -> Self {
        self.allow_internal = allow;
        self
    }

    /// Adds a host, e.g. the OAuth token endpoint's.
    pub fn with_host(mut self, host: &str) -> Self {
        self.hosts.insert(normalize_host(host));
        self
    }

    /// Whether a request to `url` may be sent.
    pub fn check(&self, url: &str) -> Result<(), EgressError> {
        let parsed =
            Url::parse(url).map_err(|_| EgressError::InvalidUrl(crate::redact_url(url)))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(EgressError::Scheme(parsed.scheme().to_owned()));
        }
        let host = parsed
            .host()
            .ok_or_else(|| EgressError::InvalidUrl(crate::redact_url(url)))?;
        let name = match &host {
            Host::Domain(domain) => domain.trim_end_matches('.').to_ascii_lowercase(),
            Host::Ipv4(address) => address.to_string(),
            Host::Ipv6(address) => address.to_string(),
        };
        if !self.hosts.contains(&name) {
            return Err(EgressError::HostNotAllowed {
                host: name,
                allowed: self.hosts.iter().cloned().collect::<Vec<_>>().join(", "),
            });
        }
        let address = match host {
            Host::Ipv4(address) => Some(IpAddr::V4(address)),
            Host::Ipv6(address) => Some(IpAddr::V6(address)),
            Host::Domain(domain) if domain.eq_ignore_ascii_case("localhost") => {
                Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
            }
            Host::Domain(_) => None,
        };
        if let Some(address) = address {
            self.check_address(address)?;
        }
        Ok(())
    }

    /// Whether a resolved address may be contacted.
    pub fn check_address(&self, address: IpAddr) -> Result<(), EgressError> {
        match (internal_kind(address), self.allow_internal) {
            (Some(kind), false) => Err(EgressError::InternalAddress { address, kind }),
            _ => Ok(()),
        }
    }
}

/// One spelling per host: lowercase names without the root dot, addresses in their canonical form
/// (so `::ffff:a9fe:a9fe` and `::ffff:169.254.169.254` are the same host).
fn normalize_host(host: &str) -> String {
    let host = host.trim_end_matches('.').trim_matches(['[', ']']);
    match host.parse::<IpAddr>() {
        Ok(address) => address.to_string(),
        Err(_) => host.to_ascii_lowercase(),
    }
}

/// What kind of internal address this is, if it is one.
fn internal_kind(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => internal_v4(v4),
            None => internal_v6(v6),
        },
    }
}

fn internal_v4(address: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = address.octets();
    if address.is_loopback() {
        Some("loopback")
    } else if address.is_private() {
        Some("private")
    } else if address.is_link_local() {
        Some("link-local (cloud metadata lives here)")
    } else if address.is_unspecified() || a == 0 {
        Some("unspecified")
    } else if a == 100 && (64..128).contains(&b) {
        Some("carrier-grade NAT")
    } else if address.is_broadcast() || address.is_multicast() {
        Some("broadcast or multicast")
    } else {
        None
    }
}

fn internal_v6(address: Ipv6Addr) -> Option<&'static str> {
    let first = address.segments()[0];
    if address.is_loopback() {
        Some("loopback")
    } else if address.is_unspecified() {
        Some("unspecified")
    } else if first & 0xfe00 == 0xfc00 {
        Some("unique local (private)")
    } else if first & 0xffc0 == 0xfe80 {
        Some("link-local")
    } else if address.is_multicast() {
        Some("multicast")
    } else {
        None
    }
}
