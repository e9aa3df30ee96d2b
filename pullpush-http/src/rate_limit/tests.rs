use std::time::Duration;

use jiff::Timestamp;
use pullpush_core::{
    HttpRequest, HttpResponse, RateLimitConfig, RateLimitPeriod, ScriptedTransport, Transport,
    TransportError,
};
use tokio::time::Instant;

use super::*;

fn response(status: u16, headers: &[(&str, &str)]) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect(),
        body: Vec::new(),
    }
}

fn ok() -> Result<HttpResponse, TransportError> {
    Ok(response(200, &[]))
}

fn now() -> Timestamp {
    "2024-05-01T12:00:00Z".parse().unwrap()
}

fn secs(seconds: u64) -> Option<Duration> {
    Some(Duration::from_secs(seconds))
}

#[test]
fn retry_after_reads_seconds_and_http_dates() {
    let at = |value: &str| retry_after(&response(429, &[("Retry-After", value)]), now());
    assert_eq!(at("7"), secs(7));
    assert_eq!(at(" 0 "), secs(0));
    assert_eq!(at("Wed, 01 May 2024 12:00:30 GMT"), secs(30));
    assert_eq!(at("Wed, 01 May 2024 11:00:00 GMT"), secs(0), "a past date");
    assert_eq!(at("soon"), None);
    assert_eq!(at("-5"), None);
    assert_eq!(retry_after(&response(429, &[]), now()), None);
}

#[test]
fn pauses_come_from_retry_after_on_throttling_statuses_and_exhausted_counters() {
    let pause =
        |status, headers: &[(&str, &str)]| rate_limit_pause(&response(status, headers), now());
    assert_eq!(pause(429, &[("Retry-After", "3")]), secs(3));
    assert_eq!(pause(503, &[("Retry-After", "4")]), secs(4));
    assert_eq!(
        pause(301, &[("Retry-After", "4")]),
        None,
        "not a throttling status"
    );
    assert_eq!(
        pause(
            200,
            &[("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "12")]
        ),
        secs(12)
    );
    let in_a_minute = (now().as_second() + 60).to_string();
    assert_eq!(
        pause(
            200,
            &[
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", &in_a_minute)
            ]
        ),
        secs(60),
        "a Unix time"
    );
    assert_eq!(
        pause(
            200,
            &[("RateLimit-Remaining", "0"), ("RateLimit-Reset", "5")]
        ),
        secs(5)
    );
    assert_eq!(
        pause(200, &[("RateLimit", "limit=100, remaining=0, reset=9")]),
        secs(9)
    );
    assert_eq!(
        pause(
            200,
            &[("X-RateLimit-Remaining", "12"), ("X-RateLimit-Reset", "30")]
        ),
        None,
        "requests remain"
    );
    assert_eq!(
        pause(
            429,
            &[
                ("Retry-After", "2"),
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Reset", "8")
            ]
        ),
        secs(8),
        "the longest wins"
    );
}

#[tokio::test(start_paused = true)]
async fn the_bucket_paces_requests_after_the_burst() {
    let limiter = RateLimiter::from_config(&RateLimitConfig {
        requests: 2,
        per: RateLimitPeriod::Second,
        burst: None,
    });
    let transport = RateLimit::new(limiter, ScriptedTransport::new((0..5).map(|_| ok())));
    let start = Instant::now();
    for _ in 0..2 {
        transport
            .send(HttpRequest::get("https://api.acme.example/"))
            .await
            .unwrap();
    }
    assert_eq!(start.elapsed(), Duration::ZERO, "the burst goes at once");
    for _ in 0..3 {
        transport
            .send(HttpRequest::get("https://api.acme.example/"))
            .await
            .unwrap();
    }
    assert!(
        start.elapsed() >= Duration::from_millis(1500),
        "{:?}",
        start.elapsed()
    );
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_pauses_every_stream_sharing_the_limiter() {
    let shared = RateLimiter::unlimited();
    let throttled = RateLimit::new(
        shared.clone(),
        ScriptedTransport::new([Ok(response(429, &[("Retry-After", "30")]))]),
    );
    let other = RateLimit::new(shared.clone(), ScriptedTransport::new([ok()]));
    let start = Instant::now();
    let answer = throttled
        .send(HttpRequest::get("https://api.acme.example/a"))
        .await
        .unwrap();
    assert_eq!(answer.status, 429, "the response itself is passed on");
    assert!(shared.paused_until().is_some());
    other
        .send(HttpRequest::get("https://api.acme.example/b"))
        .await
        .unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn a_hostile_pause_is_capped() {
    let limiter = RateLimiter::unlimited().with_max_pause(Duration::from_secs(5));
    limiter.observe(&response(429, &[("Retry-After", "86400")]));
    let start = Instant::now();
    limiter.acquire().await;
    assert_eq!(start.elapsed(), Duration::from_secs(5));
    assert_eq!(limiter.paused_until(), None);
}

#[tokio::test(start_paused = true)]
async fn an_endpoint_limiter_stacks_on_the_shared_one() {
    let shared = RateLimiter::from_config(&RateLimitConfig {
        requests: 10,
        per: RateLimitPeriod::Second,
        burst: None,
    });
    let endpoint = RateLimiter::from_config(&RateLimitConfig {
        requests: 1,
        per: RateLimitPeriod::Second,
        burst: None,
    });
    let transport = RateLimit::new(
        endpoint,
        RateLimit::new(shared, ScriptedTransport::new((0..3).map(|_| ok()))),
    );
    let start = Instant::now();
    for _ in 0..3 {
        transport
            .send(HttpRequest::get("https://api.acme.example/"))
            .await
            .unwrap();
    }
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "the stricter limit rules"
    );
}
