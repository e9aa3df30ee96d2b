//! Static schemes: the request rewritten with the credential.

use base64::Engine;
use pullpush_core::{ApiKeyLocation, Credentials, HttpRequest};

use crate::error::{Error, Result};
use crate::redact::redact_url;

/// `request` with `credentials` applied: an `Authorization` header for bearer and basic, the
/// named header or query parameter for an API key (replacing any of the same name, so a
/// definition's default header cannot shadow the credential). OAuth 2.0 credentials need a token
/// first and are left to [`Auth`](super::Auth); here they change nothing.
pub fn apply_static(credentials: &Credentials, mut request: HttpRequest) -> Result<HttpRequest> {
    match credentials {
        Credentials::None | Credentials::OAuth2(_) => {}
        Credentials::Bearer { token } => request = with_bearer(request, token),
        Credentials::Basic { username, password } => {
            let pair =
                base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
            set_header(&mut request, "Authorization", format!("Basic {pair}"));
        }
        Credentials::ApiKey {
            location: ApiKeyLocation::Header,
            name,
            value,
        } => set_header(&mut request, name, value.clone()),
        Credentials::ApiKey {
            location: ApiKeyLocation::Query,
            name,
            value,
        } => {
            let mut url = url::Url::parse(&request.url).map_err(|_| Error::InvalidRequest {
                url: redact_url(&request.url),
                reason: "the URL is not absolute, so the API key cannot be added".into(),
            })?;
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(key, _)| key != name)
                .map(|(key, value)| (key.into_owned(), value.into_owned()))
                .collect();
            url.query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair(name, value);
            request.url = url.to_string();
        }
    }
    Ok(request)
}

/// `request` with `Authorization: Bearer <token>`.
pub(crate) fn with_bearer(mut request: HttpRequest, token: &str) -> HttpRequest {
    set_header(&mut request, "Authorization", format!("Bearer {token}"));
    request
}

/// Replaces every header named `name` (case-insensitively) by one with `value`.
pub(crate) fn set_header(request: &mut HttpRequest, name: &str, value: String) {
    request
        .headers
        .retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
    request.headers.push((name.to_owned(), value));
}
