use futures::executor::block_on;
use pullpush_core::{HttpRequest, ScriptedTransport, Transport, TransportError};
use serde_json::json;

use super::*;

fn get(url: &str) -> HttpRequest {
    HttpRequest::get(url)
}

#[test]
fn allows_only_the_connector_hosts() {
    let policy = EgressPolicy::for_hosts(["api.acme.example", "AUTH.acme.example."]);
    assert_eq!(
        policy.check("https://api.acme.example/v1/stock?page=2"),
        Ok(())
    );
    assert_eq!(policy.check("https://auth.ACME.example/token"), Ok(()));
    assert!(matches!(
        policy.check("https://evil.example/steal"),
        Err(EgressError::HostNotAllowed { host, .. }) if host == "evil.example"
    ));
    assert!(matches!(
        policy.check("ftp://api.acme.example/x"),
        Err(EgressError::Scheme(_))
    ));
    assert!(matches!(
        policy.check("/relative"),
        Err(EgressError::InvalidUrl(_))
    ));
}

#[test]
fn refuses_internal_addresses_even_when_named_as_hosts() {
    for url in [
        "http://127.0.0.1:8080/",
        "http://localhost/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://[::ffff:169.254.169.254]/",
    ] {
        let host = url::Url::parse(url)
            .unwrap()
            .host_str()
            .unwrap()
            .trim_matches(['[', ']'])
            .to_owned();
        let policy = EgressPolicy::for_hosts([host.as_str()]);
        assert!(
            matches!(policy.check(url), Err(EgressError::InternalAddress { .. })),
            "{url} should be refused, got {:?}",
            policy.check(url)
        );
        assert_eq!(
            policy.allow_internal(true).check(url),
            Ok(()),
            "{url} allowed when opted in"
        );
    }
}

#[test]
fn public_addresses_pass_the_address_check() {
    let policy = EgressPolicy::for_hosts(["93.184.215.14"]);
    assert_eq!(policy.check("https://93.184.215.14/"), Ok(()));
    assert_eq!(
        policy.check_address("2606:4700::1".parse().unwrap()),
        Ok(())
    );
}

#[test]
fn the_layer_refuses_before_the_inner_transport_sees_the_request() {
    let inner = ScriptedTransport::new([ScriptedTransport::json(&json!({"ok": true}))]);
    let transport = Egress::new(EgressPolicy::for_hosts(["api.acme.example"]), inner);
    let refused =
        block_on(transport.send(get("https://api.acme.example.evil.example/?api_key=s3cret")));
    match refused {
        Err(TransportError::Refused { url, reason }) => {
            assert!(!url.contains("s3cret"), "secret leaked in {url}");
            assert!(
                reason.contains("not among the connector's hosts"),
                "{reason}"
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let allowed = block_on(transport.send(get("https://api.acme.example/stock"))).expect("allowed");
    assert_eq!(allowed.status, 200);
    assert_eq!(
        transport.inner.requests().len(),
        1,
        "the refused request never reached the inner transport"
    );
}
