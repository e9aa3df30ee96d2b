use std::time::Duration;

use jiff::Timestamp;
use pullpush_core::{
    BackoffConfig, HttpRequest, HttpResponse, RequestKind, RetryConfig, ScriptedTransport,
    Transport, TransportError,
};

use super::*;

fn policy() -> RetryPolicy {
    RetryPolicy::from_config(&RetryConfig {
        max_attempts: 4,
        on_status: vec![429, 503],
        backoff: BackoffConfig {
            initial_ms: 100,
            max_ms: 1_000,
            multiplier: 3.0,
            jitter: true,
        },
    })
}

fn status(status: u16, headers: &[(&str, &str)]) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect(),
        body: Vec::new(),
    })
}

fn failed(reason: &str) -> Result<HttpResponse, TransportError> {
    Err(TransportError::Failed {
        url: "https://api.acme.example/items".into(),
        reason: reason.into(),
    })
}

fn now() -> Timestamp {
    "2024-05-01T12:00:00Z".parse().unwrap()
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[test]
fn backoff_grows_exponentially_is_capped_and_fully_jittered() {
    let policy = policy();
    assert_eq!(policy.backoff(1, 1.0), ms(100));
    assert_eq!(policy.backoff(2, 1.0), ms(300));
    assert_eq!(policy.backoff(3, 1.0), ms(900));
    assert_eq!(policy.backoff(4, 1.0), ms(1_000), "capped");
    assert_eq!(policy.backoff(60, 1.0), ms(1_000), "no overflow");
    assert_eq!(policy.backoff(3, 0.5), ms(450));
    assert_eq!(policy.backoff(3, 0.0), ms(0));
    let mut steady = policy.clone();
    steady.backoff.jitter = false;
    assert_eq!(steady.backoff(2, 0.1), ms(300));
}

#[test]
fn decides_by_kind_status_and_error() {
    let policy = policy();
    let decide = |kind, outcome: &Result<HttpResponse, TransportError>| {
        policy.decide(kind, 1, outcome, 1.0, now())
    };
    assert_eq!(
        decide(RequestKind::Read, &status(200, &[])),
        Decision::Return
    );
    assert_eq!(
        decide(RequestKind::Read, &status(404, &[])),
        Decision::Return
    );
    assert_eq!(
        decide(RequestKind::Read, &status(503, &[])),
        Decision::RetryAfter(ms(100))
    );
    assert_eq!(
        decide(
            RequestKind::Token,
            &failed("timed out after 10 ms while connecting")
        ),
        Decision::RetryAfter(ms(100))
    );
    assert_eq!(
        decide(RequestKind::Write, &status(503, &[])),
        Decision::Return
    );
    assert_eq!(
        decide(
            RequestKind::Read,
            &failed("response body exceeds the limit of 10 bytes; not retried")
        ),
        Decision::Return
    );
    let refused = Err(TransportError::Refused {
        url: "http://169.254.169.254/".into(),
        reason: "egress".into(),
    });
    assert_eq!(decide(RequestKind::Read, &refused), Decision::Return);
}

#[test]
fn retry_after_wins_when_longer_up_to_the_cap() {
    let policy = policy().with_max_retry_after(Duration::from_secs(60));
    let decide = |retry_after: &str| {
        policy.decide(
            RequestKind::Read,
            1,
            &status(429, &[("Retry-After", retry_after)]),
            1.0,
            now(),
        )
    };
    assert_eq!(
        decide("0"),
        Decision::RetryAfter(ms(100)),
        "backoff is longer"
    );
    assert_eq!(decide("2"), Decision::RetryAfter(ms(2_000)));
    assert_eq!(
        decide("Wed, 01 May 2024 12:00:30 GMT"),
        Decision::RetryAfter(ms(30_000))
    );
    assert_eq!(decide("3600"), Decision::GiveUp, "longer than the cap");
}

#[test]
fn gives_up_after_the_last_attempt() {
    let policy = policy();
    let outcome = status(503, &[]);
    assert_eq!(
        policy.decide(RequestKind::Read, 3, &outcome, 1.0, now()),
        Decision::RetryAfter(ms(900))
    );
    assert_eq!(
        policy.decide(RequestKind::Read, 4, &outcome, 1.0, now()),
        Decision::GiveUp
    );
    assert_eq!(
        RetryPolicy::none().decide(RequestKind::Read, 1, &outcome, 1.0, now()),
        Decision::GiveUp
    );
}

#[tokio::test(start_paused = true)]
async fn flaps_then_success() {
    let inner = ScriptedTransport::new([
        status(503, &[]),
        failed("connection failed: connection reset"),
        status(200, &[]),
    ]);
    let retry = Retry::new(policy(), inner);
    let response = retry
        .send(HttpRequest::get("https://api.acme.example/items"))
        .await
        .expect("succeeds on the third attempt");
    assert_eq!(response.status, 200);
    assert_eq!(response.header(ATTEMPTS_HEADER), None);
    assert_eq!(retry.inner.requests().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn gives_up_with_the_attempt_count() {
    let retry = Retry::new(
        policy(),
        ScriptedTransport::new((0..4).map(|_| failed("timed out after 5 ms while connecting"))),
    );
    let error = retry
        .send(HttpRequest::get("https://api.acme.example/items"))
        .await
        .expect_err("always fails");
    assert!(
        error
            .to_string()
            .contains("gave up after 4 attempts: timed out"),
        "{error}"
    );

    let retry = Retry::new(
        policy(),
        ScriptedTransport::new((0..4).map(|_| status(429, &[("Retry-After", "1")]))),
    );
    let response = retry
        .send(HttpRequest::get("https://api.acme.example/items"))
        .await
        .expect("the last response");
    assert_eq!(response.status, 429);
    assert_eq!(response.header(ATTEMPTS_HEADER), Some("4"));
}

#[tokio::test(start_paused = true)]
async fn writes_are_sent_once() {
    let mut write = HttpRequest::get("https://api.acme.example/items");
    write.kind = RequestKind::Write;
    let retry = Retry::new(policy(), ScriptedTransport::new([status(503, &[])]));
    assert_eq!(retry.send(write).await.unwrap().status, 503);
    assert_eq!(retry.inner.requests().len(), 1);
}
