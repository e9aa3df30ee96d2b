use std::time::Duration;

use pullpush_core::{
    BackoffConfig, Credentials, HttpRequest, HttpResponse, OAuth2ClientAuth, OAuth2Credentials,
    OAuth2Grant, RateLimitConfig, RequestKind, RetryConfig, ScriptedTransport, Transport,
    TransportError,
};
use serde_json::json;

use super::*;

fn fast_retry(max_attempts: u32) -> RetryConfig {
    RetryConfig {
        max_attempts,
        on_status: vec![429, 503],
        backoff: BackoffConfig {
            initial_ms: 1,
            max_ms: 5,
            multiplier: 2.0,
            jitter: true,
        },
    }
}

fn status(status: u16) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status,
        headers: vec![],
        body: vec![],
    })
}

fn oauth() -> Credentials {
    Credentials::OAuth2(OAuth2Credentials {
        token_url: "https://auth.acme.example/token".into(),
        client_id: "app".into(),
        client_secret: Some("cl1ent-s3cret".into()),
        client_auth: OAuth2ClientAuth::Basic,
        scopes: vec![],
        extra_params: Default::default(),
        refresh_before_expiry_seconds: 60,
        grant: OAuth2Grant::RefreshToken {
            refresh_token: "r1".into(),
        },
    })
}

#[test]
fn the_egress_policy_names_the_base_and_token_hosts() {
    let builder = HttpStack::builder("https://api.acme.example/v1", oauth());
    let policy = builder.egress_policy().unwrap();
    assert!(policy.check("https://api.acme.example/v1/items").is_ok());
    assert!(policy.check("https://auth.acme.example/token").is_ok());
    assert!(policy.check("https://evil.example/").is_err());
    let error = HttpStack::builder("not a url?key=s3cret", Credentials::None)
        .egress_policy()
        .unwrap_err();
    assert!(!error.to_string().contains("s3cret"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn each_attempt_is_authenticated_recorded_and_paced() {
    let network = ScriptedTransport::new([
        ScriptedTransport::json(
            &json!({"access_token": "a1", "expires_in": 3600, "refresh_token": "r2"}),
        ),
        status(503),
        status(401),
        ScriptedTransport::json(&json!({"access_token": "a2", "expires_in": 3600})),
        status(200),
    ]);
    let rotated = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen = rotated.clone();
    let stack = HttpStack::builder("https://api.acme.example/v1", oauth())
        .retry(fast_retry(3))
        .rate_limit(Some(RateLimitConfig {
            requests: 100,
            per: pullpush_core::RateLimitPeriod::Second,
            burst: None,
        }))
        .on_refresh_token_rotated(move |token| *seen.lock().unwrap() = Some(token.to_owned()))
        .build_over(network)
        .unwrap();
    let response = stack
        .send(HttpRequest::get("https://api.acme.example/v1/items"))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    let log = stack.exchanges().exchanges();
    let summary: Vec<(RequestKind, Option<u16>)> = log
        .iter()
        .map(|exchange| (exchange.kind, exchange.status))
        .collect();
    assert_eq!(
        summary,
        vec![
            (RequestKind::Token, Some(200)),
            (RequestKind::Read, Some(503)),
            (RequestKind::Read, Some(401)),
            (RequestKind::Token, Some(200)),
            (RequestKind::Read, Some(200)),
        ]
    );
    assert_eq!(stack.rotated_refresh_token().as_deref(), Some("r2"));
    assert_eq!(rotated.lock().unwrap().as_deref(), Some("r2"));
    let shown = format!("{log:?} {stack:?}");
    for secret in ["a1", "a2", "r1", "r2", "cl1ent-s3cret"] {
        assert!(
            !shown.contains(&format!("\"{secret}")),
            "{secret} in {shown}"
        );
        assert!(
            !shown.contains(&format!(" {secret}")),
            "{secret} in {shown}"
        );
    }
}

#[tokio::test]
async fn read_only_refuses_writes_before_anything_is_sent_or_recorded() {
    let stack = HttpStack::builder("https://api.acme.example", Credentials::None)
        .read_only(true)
        .build_over(ScriptedTransport::new([]))
        .unwrap();
    let mut write = HttpRequest::get("https://api.acme.example/items");
    write.kind = RequestKind::Write;
    assert!(matches!(
        stack.send(write).await,
        Err(TransportError::Refused { .. })
    ));
    assert_eq!(stack.exchanges().total(), 0);
}

#[tokio::test]
async fn egress_refusals_are_not_retried() {
    let stack = HttpStack::builder("https://api.acme.example", Credentials::None)
        .retry(fast_retry(5))
        .build_over(ScriptedTransport::new([]))
        .unwrap();
    let error = stack
        .send(HttpRequest::get("https://other.example/items"))
        .await
        .unwrap_err();
    assert!(matches!(error, TransportError::Refused { .. }), "{error}");
    let log = stack.exchanges().exchanges();
    assert_eq!(log.len(), 1, "one attempt");
    assert!(log[0].refused);
}

#[tokio::test(start_paused = true)]
async fn endpoint_transports_share_the_token_cache_and_the_log() {
    let mut script = vec![ScriptedTransport::json(
        &json!({"access_token": "a1", "expires_in": 3600}),
    )];
    script.extend((0..4).map(|_| status(200)));
    let stack = HttpStack::builder("https://api.acme.example", oauth())
        .build_over(ScriptedTransport::new(script))
        .unwrap();
    let limited = stack.endpoint_transport(Some(&RateLimitConfig {
        requests: 1,
        per: pullpush_core::RateLimitPeriod::Second,
        burst: None,
    }));
    let start = tokio::time::Instant::now();
    for _ in 0..2 {
        limited
            .send(HttpRequest::get("https://api.acme.example/slow"))
            .await
            .unwrap();
        stack
            .send(HttpRequest::get("https://api.acme.example/fast"))
            .await
            .unwrap();
    }
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "the endpoint limit applies"
    );
    assert_eq!(stack.auth().token_requests(), 1);
    assert_eq!(stack.exchanges().total(), 5);
}
