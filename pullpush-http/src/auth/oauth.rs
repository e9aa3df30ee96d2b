//! OAuth 2.0 token requests, responses and the cached token.

use std::fmt;
use std::time::Duration;

use base64::Engine;
use pullpush_core::{
    HttpMethod, HttpRequest, HttpResponse, OAuth2ClientAuth, OAuth2Credentials, OAuth2Grant,
    RequestKind, Transport, TransportError,
};
use tokio::time::Instant;
use url::form_urlencoded;

use super::AuthHandle;
use crate::error::Error;
use crate::redact::redact_url;
use crate::secrets::Secrets;

/// The longest `error_description` quoted from a token endpoint.
const MAX_DESCRIPTION: usize = 200;

/// What a token fetch needs from the layer.
pub(super) struct Context<'a, T> {
    pub(super) inner: &'a T,
    pub(super) secrets: &'a Secrets,
    pub(super) handle: &'a AuthHandle,
}

/// The client and its cached token.
pub(super) struct OAuth2Client {
    credentials: OAuth2Credentials,
    state: tokio::sync::Mutex<State>,
}

#[derive(Default)]
struct State {
    token: Option<AccessToken>,
    /// The refresh token to use next (the configured one until the endpoint rotates it).
    refresh_token: Option<String>,
}

struct AccessToken {
    value: String,
    /// When to fetch a new one; `None` when the endpoint gave no lifetime (then only a 401 does).
    refresh_at: Option<Instant>,
}

/// A successful token response.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Grant {
    pub(super) access_token: String,
    pub(super) expires_in: Option<u64>,
    pub(super) refresh_token: Option<String>,
}

impl fmt::Debug for OAuth2Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.credentials)
    }
}

impl OAuth2Client {
    pub(super) fn new(credentials: OAuth2Credentials) -> Self {
        let refresh_token = match &credentials.grant {
            OAuth2Grant::RefreshToken { refresh_token } => Some(refresh_token.clone()),
            OAuth2Grant::ClientCredentials => None,
        };
        OAuth2Client {
            credentials,
            state: tokio::sync::Mutex::new(State {
                token: None,
                refresh_token,
            }),
        }
    }

    /// A valid access token: the cached one, or a new one when there is none or it is due.
    pub(super) async fn token<T: Transport>(
        &self,
        context: &Context<'_, T>,
    ) -> Result<String, TransportError> {
        let mut state = self.state.lock().await;
        if let Some(token) = &state.token
            && !token.is_due(Instant::now())
        {
            return Ok(token.value.clone());
        }
        self.fetch(&mut state, context).await
    }

    /// A token to retry with after the API rejected `rejected`: a new one, unless another request
    /// already replaced it while this one was waiting for the lock.
    pub(super) async fn token_after_unauthorized<T: Transport>(
        &self,
        context: &Context<'_, T>,
        rejected: &str,
    ) -> Result<String, TransportError> {
        let mut state = self.state.lock().await;
        if let Some(token) = &state.token
            && token.value != rejected
            && !token.is_due(Instant::now())
        {
            return Ok(token.value.clone());
        }
        self.fetch(&mut state, context).await
    }

    async fn fetch<T: Transport>(
        &self,
        state: &mut State,
        context: &Context<'_, T>,
    ) -> Result<String, TransportError> {
        state.token = None;
        let request = token_request(&self.credentials, state.refresh_token.as_deref());
        context.handle.counted_token_request();
        let response = context.inner.send(request).await?;
        let url = redact_url(&self.credentials.token_url);
        let grant = parse_token_response(&url, &response, context.secrets)?;
        context.secrets.add(grant.access_token.as_str());
        if let Some(refresh_token) = &grant.refresh_token {
            context.secrets.add(refresh_token.as_str());
            let rotated = state
                .refresh_token
                .as_ref()
                .is_some_and(|current| current != refresh_token);
            if rotated {
                state.refresh_token = Some(refresh_token.clone());
                context.handle.rotated(refresh_token);
            }
        }
        let margin = u64::from(self.credentials.refresh_before_expiry_seconds);
        let refresh_at = grant.expires_in.map(|lifetime| {
            // A margin as long as the lifetime would make every request fetch a token; half the
            // lifetime is the most that is given up.
            let early = margin.min(lifetime / 2);
            Instant::now() + Duration::from_secs(lifetime - early)
        });
        state.token = Some(AccessToken {
            value: grant.access_token.clone(),
            refresh_at,
        });
        Ok(grant.access_token)
    }
}

impl AccessToken {
    fn is_due(&self, now: Instant) -> bool {
        self.refresh_at.is_some_and(|at| now >= at)
    }
}

/// The form-encoded token request (RFC 6749 §4.4.2, §6) with `refresh_token` (the current one,
/// which may have been rotated) in place of the configured one, authenticated per `client_auth`
/// (§2.3.1: id and secret form-encoded, then base64, for `client_secret_basic`). A public client
/// (no secret) sends its id in the form.
pub(super) fn token_request(
    credentials: &OAuth2Credentials,
    refresh_token: Option<&str>,
) -> HttpRequest {
    let mut form = form_urlencoded::Serializer::new(String::new());
    match &credentials.grant {
        OAuth2Grant::RefreshToken {
            refresh_token: configured,
        } => {
            form.append_pair("grant_type", "refresh_token");
            form.append_pair("refresh_token", refresh_token.unwrap_or(configured));
        }
        OAuth2Grant::ClientCredentials => {
            form.append_pair("grant_type", "client_credentials");
        }
    }
    if !credentials.scopes.is_empty() {
        form.append_pair("scope", &credentials.scopes.join(" "));
    }
    for (name, value) in &credentials.extra_params {
        form.append_pair(name, value);
    }
    let mut headers = vec![
        (
            "Content-Type".to_owned(),
            "application/x-www-form-urlencoded".to_owned(),
        ),
        ("Accept".to_owned(), "application/json".to_owned()),
    ];
    match (&credentials.client_secret, credentials.client_auth) {
        (Some(secret), OAuth2ClientAuth::Basic) => {
            let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect();
            let id: String = encode(&credentials.client_id);
            let secret: String = encode(secret);
            let pair = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
            headers.push(("Authorization".to_owned(), format!("Basic {pair}")));
        }
        (Some(secret), OAuth2ClientAuth::Body) => {
            form.append_pair("client_id", &credentials.client_id);
            form.append_pair("client_secret", secret);
        }
        (None, _) => {
            form.append_pair("client_id", &credentials.client_id);
        }
    }
    HttpRequest {
        kind: RequestKind::Token,
        method: HttpMethod::Post,
        url: credentials.token_url.clone(),
        headers,
        body: Some(form.finish().into_bytes()),
    }
}

#[derive(serde::Deserialize)]
struct TokenBody {
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

/// The grant in a token response, or an error that quotes the endpoint's `error` code and
/// description (scrubbed of `secrets`) and never the response body as such.
pub(super) fn parse_token_response(
    url: &str,
    response: &HttpResponse,
    secrets: &Secrets,
) -> Result<Grant, Error> {
    let error = |detail: String, permanent: bool| Error::TokenEndpoint {
        url: url.to_owned(),
        detail: secrets.scrub(&detail),
        permanent,
    };
    let status = response.status;
    if (200..300).contains(&status) {
        let body: TokenBody = serde_json::from_slice(&response.body).map_err(|_| {
            error(
                format!(
                    "answered HTTP {status} with a body that is not a JSON token response ({} bytes)",
                    response.body.len()
                ),
                false,
            )
        })?;
        let access_token = body
            .access_token
            .filter(|token| !token.is_empty())
            .ok_or_else(|| {
                error(
                    format!("answered HTTP {status} without an access_token"),
                    true,
                )
            })?;
        let expires_in = match body.expires_in {
            Some(serde_json::Value::Number(number)) => number.as_u64(),
            Some(serde_json::Value::String(text)) => text.trim().parse().ok(),
            _ => None,
        };
        return Ok(Grant {
            access_token,
            expires_in,
            refresh_token: body.refresh_token.filter(|token| !token.is_empty()),
        });
    }
    // 400 and 401 are the RFC's answers for a rejected client or grant (§5.2); asking again
    // with the same credentials cannot help. Other statuses (429, 5xx) may pass.
    let permanent = matches!(status, 400 | 401 | 403);
    let detail = match serde_json::from_slice::<ErrorBody>(&response.body) {
        Ok(ErrorBody {
            error: Some(code),
            error_description,
        }) => {
            let description = error_description
                .map(|text| {
                    let text: String = text.chars().take(MAX_DESCRIPTION).collect();
                    format!(" ({text})")
                })
                .unwrap_or_default();
            format!("answered HTTP {status}: {code}{description}")
        }
        _ => format!(
            "answered HTTP {status} with a body that is not an OAuth error ({} bytes)",
            response.body.len()
        ),
    };
    Err(error(detail, permanent))
}
