use pullpush_core::TimeoutsConfig;
use reqwest::dns::{Name, Resolve};

use super::*;
use crate::egress::EgressPolicy;

fn name(host: &str) -> Name {
    host.parse().expect("a valid name")
}

#[tokio::test]
async fn the_resolver_refuses_names_of_internal_addresses() {
    let resolver = EgressResolver::new(EgressPolicy::for_hosts(["localhost"]));
    let error = match resolver.resolve(name("localhost")).await {
        Ok(addresses) => panic!(
            "expected a refusal, got {:?}",
            addresses.collect::<Vec<_>>()
        ),
        Err(error) => error,
    };
    let refused = error
        .downcast_ref::<ResolveRefused>()
        .expect("a typed refusal");
    assert_eq!(refused.host, "localhost");
    assert!(refused.reason.contains("loopback"), "{}", refused.reason);
}

#[tokio::test]
async fn the_resolver_allows_internal_addresses_when_opted_in() {
    let policy = EgressPolicy::for_hosts(["localhost"]).allow_internal(true);
    let addresses: Vec<_> = EgressResolver::new(policy)
        .resolve(name("localhost"))
        .await
        .expect("resolves")
        .collect();
    assert!(addresses.iter().all(|address| address.ip().is_loopback()));
    assert!(!addresses.is_empty());
}

#[test]
fn options_default_to_the_documented_limits() {
    let options = ReqwestOptions::new(EgressPolicy::for_hosts(["api.acme.example"]));
    assert_eq!(options.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
    assert_eq!(options.timeouts, TimeoutsConfig::default());
    ReqwestTransport::new(options).expect("the client builds with the ring provider");
}
