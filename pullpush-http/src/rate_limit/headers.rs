//! What responses say about pacing. Pure functions of a response and the current time.

use std::time::Duration;

use jiff::Timestamp;
use jiff::fmt::rfc2822::DateTimeParser;
use pullpush_core::HttpResponse;

/// Values of a reset header above this are Unix times rather than seconds to wait (no API asks
/// for a 30-year pause; every Unix time since 2001 is larger).
const UNIX_TIME_THRESHOLD: u64 = 1_000_000_000;

/// The wait a `Retry-After` header asks for: delay-seconds, or an HTTP date (RFC 9110 §10.2.3),
/// measured from `now`. A date in the past means no wait. Unparseable values are ignored.
pub fn retry_after(response: &HttpResponse, now: Timestamp) -> Option<Duration> {
    let value = response.header("retry-after")?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let date = DateTimeParser::new().parse_timestamp(value).ok()?;
    Some(until(date.as_second(), now))
}

/// How long to hold every request after `response`, if it says so:
///
/// * `Retry-After` on a `429 Too Many Requests` or `503 Service Unavailable`;
/// * a remaining count of zero (`X-RateLimit-Remaining`, `RateLimit-Remaining`,
///   `X-Rate-Limit-Remaining`, or `remaining=0` in a structured `RateLimit` header) with the
///   matching reset, in seconds or as a Unix time.
///
/// The longest of these wins.
pub fn rate_limit_pause(response: &HttpResponse, now: Timestamp) -> Option<Duration> {
    let from_retry_after = match response.status {
        429 | 503 => retry_after(response, now),
        _ => None,
    };
    let exhausted = [
        "x-ratelimit-remaining",
        "ratelimit-remaining",
        "x-rate-limit-remaining",
    ]
    .iter()
    .filter_map(|name| response.header(name))
    .chain(structured(response, "remaining"))
    .any(|value| {
        value
            .trim()
            .parse::<f64>()
            .is_ok_and(|remaining| remaining <= 0.0)
    });
    let from_reset = if exhausted {
        ["x-ratelimit-reset", "ratelimit-reset", "x-rate-limit-reset"]
            .iter()
            .filter_map(|name| response.header(name))
            .chain(structured(response, "reset"))
            .filter_map(|value| reset(value, now))
            .max()
    } else {
        None
    };
    from_retry_after.max(from_reset)
}

/// A reset value: seconds to wait, or a Unix time.
fn reset(value: &str, now: Timestamp) -> Option<Duration> {
    let seconds = value.trim().parse::<f64>().ok()?;
    if !seconds.is_finite() || seconds < 0.0 {
        return None;
    }
    if seconds > UNIX_TIME_THRESHOLD as f64 {
        Some(until(seconds.ceil() as i64, now))
    } else {
        Some(Duration::from_secs_f64(seconds))
    }
}

/// The parameter `key` of a structured `RateLimit: limit=100, remaining=0, reset=30` header.
fn structured<'a>(response: &'a HttpResponse, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    response
        .header("ratelimit")
        .into_iter()
        .flat_map(|value| value.split([',', ';']))
        .filter_map(move |part| {
            let (name, value) = part.split_once('=')?;
            (name.trim().eq_ignore_ascii_case(key)).then_some(value.trim())
        })
}

fn until(unix_seconds: i64, now: Timestamp) -> Duration {
    let seconds = unix_seconds.saturating_sub(now.as_second());
    Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}
