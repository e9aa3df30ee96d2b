//! Fetching one document (an API description) by URL, with the same protections as a connector.

use pullpush_core::{Credentials, HttpRequest, Transport, TransportError};

use crate::HttpStack;

/// Why a document could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL is not an absolute http(s) URL.
    #[error("{url:?} is not an http(s) URL")]
    NotHttp {
        /// The URL as given.
        url: String,
    },
    /// The stack could not be set up.
    #[error("cannot set up HTTP: {0}")]
    Setup(#[from] crate::Error),
    /// The request failed or was refused (egress policy, size limit, connection).
    #[error("cannot fetch {url}: {source}")]
    Transport {
        /// The URL, redacted.
        url: String,
        /// What went wrong.
        source: TransportError,
    },
    /// The server answered with a status other than 2xx.
    #[error("cannot fetch {url}: HTTP {status}")]
    Status {
        /// The URL, redacted.
        url: String,
        /// The status.
        status: u16,
    },
    /// The body is not UTF-8 text.
    #[error("the document at {url} is not UTF-8 text")]
    NotText {
        /// The URL, redacted.
        url: String,
    },
}

impl FetchError {
    /// Whether the egress policy refused the address (a loopback or private host without
    /// `allow_internal`, say), so a caller can say how to allow it.
    pub fn is_refused(&self) -> bool {
        matches!(
            self,
            FetchError::Transport {
                source: TransportError::Refused { .. },
                ..
            }
        )
    }
}

/// GETs one text document: read-only, through the egress policy (only that URL's host; no
/// internal addresses unless `allow_internal`), at most `max_bytes` of body, redirects re-checked.
pub async fn fetch_text(
    url: &str,
    max_bytes: usize,
    allow_internal: bool,
) -> Result<String, FetchError> {
    let parsed = url::Url::parse(url)
        .ok()
        .filter(|parsed| matches!(parsed.scheme(), "http" | "https"))
        .ok_or_else(|| FetchError::NotHttp {
            url: url.to_owned(),
        })?;
    let shown = crate::redact_url(url);
    let stack = HttpStack::builder(parsed.origin().ascii_serialization(), Credentials::None)
        .allow_internal(allow_internal)
        .read_only(true)
        .max_body_bytes(max_bytes)
        .build()?;
    let mut request = HttpRequest::get(parsed.as_str());
    request.headers.push((
        "Accept".into(),
        "application/json, application/yaml;q=0.9, */*;q=0.1".into(),
    ));
    let response = stack
        .send(request)
        .await
        .map_err(|source| FetchError::Transport {
            url: shown.clone(),
            source,
        })?;
    if !(200..300).contains(&response.status) {
        return Err(FetchError::Status {
            url: shown,
            status: response.status,
        });
    }
    String::from_utf8(response.body).map_err(|_| FetchError::NotText { url: shown })
}
