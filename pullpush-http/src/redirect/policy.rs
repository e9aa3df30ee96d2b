//! Which responses are redirects and what the next request is.

use pullpush_core::{HttpMethod, HttpRequest, HttpResponse};
use url::Url;

use crate::redact::is_secret_name;

/// The default hop limit, as in browsers' and curl's spirit but lower: an API that needs more
/// than five redirects is misconfigured.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// How redirects are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedirectPolicy {
    /// The most hops followed for one request; the next one is an error.
    pub max_redirects: usize,
}

impl Default for RedirectPolicy {
    fn default() -> Self {
        RedirectPolicy {
            max_redirects: DEFAULT_MAX_REDIRECTS,
        }
    }
}

/// What to do after a response.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Not a redirect (or a redirect without `Location`, which is the caller's to read).
    Done,
    /// A redirect whose `Location` is not a URL.
    Invalid,
    /// Send this request next.
    Follow(Box<HttpRequest>),
}

impl RedirectPolicy {
    /// A policy following at most `max_redirects` hops (0 turns following off).
    pub fn new(max_redirects: usize) -> Self {
        RedirectPolicy { max_redirects }
    }

    /// The request that follows `response` to `request`, by RFC 9110 §15.4:
    ///
    /// * `303` becomes a `GET` without body (a `HEAD` stays a `HEAD`);
    /// * `301` and `302` turn a `POST` into a `GET` without body, as every client does;
    /// * `307` and `308` repeat the method and body;
    /// * when the origin (scheme, host, port) changes, `Authorization`, `Cookie` and every header
    ///   whose name suggests a credential are dropped, so a credential is never handed to another
    ///   server because a response said so.
    pub(crate) fn next(&self, request: &HttpRequest, response: &HttpResponse) -> Next {
        if !matches!(response.status, 301 | 302 | 303 | 307 | 308) {
            return Next::Done;
        }
        let Some(location) = response.header("location") else {
            return Next::Done;
        };
        let Ok(base) = Url::parse(&request.url) else {
            return Next::Invalid;
        };
        let Ok(target) = base.join(location.trim()) else {
            return Next::Invalid;
        };
        let mut next = request.clone();
        next.url = target.to_string();
        let to_get = match response.status {
            303 => request.method != HttpMethod::Head,
            301 | 302 => request.method == HttpMethod::Post,
            _ => false,
        };
        if to_get {
            next.method = HttpMethod::Get;
            next.body = None;
            next.headers.retain(|(name, _)| {
                !name.eq_ignore_ascii_case("content-type")
                    && !name.eq_ignore_ascii_case("content-length")
            });
        }
        if base.origin() != target.origin() {
            next.headers.retain(|(name, _)| {
                !(name.eq_ignore_ascii_case("authorization")
                    || name.eq_ignore_ascii_case("cookie")
                    || name.eq_ignore_ascii_case("proxy-authorization")
                    || is_secret_name(name))
            });
        }
        Next::Follow(Box::new(next))
    }
}
