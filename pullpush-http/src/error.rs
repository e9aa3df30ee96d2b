//! The crate's one error type: what can go wrong sending a request, as matchable variants.
//!
//! Layers speak [`TransportError`] to each other (the core trait's error), so every variant here
//! converts into one: [`TransportError::Refused`] when the engine itself declined to send or
//! continue for a policy reason, [`TransportError::Failed`] when the network, the server or the
//! response failed. A variant's `Display` is the *reason* only; the URL (always redacted) travels
//! in the variant and becomes the `url` of the `TransportError`, whose message already reads
//! "request to {url} failed: {reason}".
//!
//! Failures that would fail the same way again (a body over the size limit, a redirect loop, a
//! token endpoint rejecting the client) end their message with [`NOT_RETRIED`], which is what the
//! retry policy reads: `TransportError` is a core type with no room for a typed flag.

use pullpush_core::TransportError;

/// The suffix of a failure reason that retrying cannot cure; see [`crate::is_permanent`].
pub const NOT_RETRIED: &str = "; not retried";

/// What went wrong, with the redacted URL it went wrong for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The HTTP client could not be built (TLS setup, an invalid option).
    #[error("could not build the HTTP client: {reason}")]
    Client {
        /// What failed.
        reason: String,
    },
    /// The stack's options are unusable, e.g. a base URL without a host.
    #[error("invalid HTTP options: {reason}")]
    Options {
        /// What is wrong.
        reason: String,
    },
    /// The request itself cannot be sent (a header name or value HTTP does not allow).
    #[error("invalid request: {reason}; not retried")]
    InvalidRequest {
        /// The URL, redacted.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// Opening the connection or receiving the whole response took too long.
    #[error("timed out after {after_ms} ms while {phase}")]
    Timeout {
        /// The URL, redacted.
        url: String,
        /// The limit that was hit.
        after_ms: u64,
        /// `connecting` or `waiting for the response`.
        phase: &'static str,
    },
    /// The connection could not be opened (refused, reset, unreachable, TLS handshake failed).
    #[error("connection failed: {reason}")]
    Connect {
        /// The URL, redacted.
        url: String,
        /// The underlying cause.
        reason: String,
    },
    /// Every address the host name resolved to is internal, and the egress policy refuses those
    /// (DNS rebinding protection).
    #[error("host `{host}` resolves only to refused addresses: {reason}")]
    ResolvedInternal {
        /// The URL, redacted.
        url: String,
        /// The host name.
        host: String,
        /// Why the addresses are refused.
        reason: String,
    },
    /// The response body is larger than the configured limit; reading stopped at the limit.
    #[error("response body exceeds the limit of {limit} bytes; not retried")]
    BodyTooLarge {
        /// The URL, redacted.
        url: String,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The connection ended before the body announced by `Content-Length` was complete.
    #[error("response body truncated: received {received} of {expected} bytes ({reason})")]
    TruncatedBody {
        /// The URL, redacted.
        url: String,
        /// Bytes received.
        received: usize,
        /// Bytes announced.
        expected: u64,
        /// The underlying cause.
        reason: String,
    },
    /// Reading or decoding the body failed for another reason (a reset, bad gzip data).
    #[error("reading the response body failed after {received} bytes: {reason}")]
    Body {
        /// The URL, redacted.
        url: String,
        /// Bytes received before the failure.
        received: usize,
        /// The underlying cause.
        reason: String,
    },
    /// The body could not be decompressed (a `Content-Encoding` the bytes do not match).
    #[error("decoding the response body failed: {reason}; not retried")]
    Decode {
        /// The URL, redacted.
        url: String,
        /// The underlying cause.
        reason: String,
    },
    /// Any other failure of the HTTP client.
    #[error("{reason}")]
    Network {
        /// The URL, redacted.
        url: String,
        /// The underlying cause.
        reason: String,
    },
    /// More redirects than allowed: a loop, or a server walking the client around.
    #[error("more than {max} redirects; not retried")]
    TooManyRedirects {
        /// The URL first requested, redacted.
        url: String,
        /// The limit.
        max: usize,
    },
    /// A redirect whose `Location` is missing or not a URL.
    #[error("redirect ({status}) with an unusable Location header; not retried")]
    BadRedirect {
        /// The URL that answered with the redirect, redacted.
        url: String,
        /// The redirect status.
        status: u16,
    },
    /// The OAuth token endpoint did not hand out a token. The message carries the endpoint's
    /// `error` and `error_description` (scrubbed of secrets), never the request.
    #[error("token endpoint {detail}{}", retry_suffix(.permanent))]
    TokenEndpoint {
        /// The token URL, redacted.
        url: String,
        /// What the endpoint answered.
        detail: String,
        /// Whether asking again would fail the same way (rejected client or grant).
        permanent: bool,
    },
    /// Read-only mode refuses requests that may change data.
    #[error("{method} request refused: read-only mode sends only reads and token requests")]
    ReadOnly {
        /// The URL, redacted.
        url: String,
        /// The refused method.
        method: &'static str,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The redacted URL the error is about, if it is about a request.
    pub fn url(&self) -> Option<&str> {
        match self {
            Error::Client { .. } | Error::Options { .. } => None,
            Error::InvalidRequest { url, .. }
            | Error::Timeout { url, .. }
            | Error::Connect { url, .. }
            | Error::ResolvedInternal { url, .. }
            | Error::BodyTooLarge { url, .. }
            | Error::TruncatedBody { url, .. }
            | Error::Body { url, .. }
            | Error::Decode { url, .. }
            | Error::Network { url, .. }
            | Error::TooManyRedirects { url, .. }
            | Error::BadRedirect { url, .. }
            | Error::TokenEndpoint { url, .. }
            | Error::ReadOnly { url, .. } => Some(url),
        }
    }

    /// Whether the engine declined for a policy reason (as opposed to a failure out there).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Error::ResolvedInternal { .. } | Error::ReadOnly { .. }
        )
    }
}

impl From<Error> for TransportError {
    fn from(error: Error) -> Self {
        let url = error.url().unwrap_or_default().to_owned();
        let reason = error.to_string();
        if error.is_refusal() {
            TransportError::Refused { url, reason }
        } else {
            TransportError::Failed { url, reason }
        }
    }
}

fn retry_suffix(permanent: &bool) -> &'static str {
    if *permanent { NOT_RETRIED } else { "" }
}

/// Whether retrying `error` cannot help: a refusal, or a failure marked [`NOT_RETRIED`].
pub fn is_permanent(error: &TransportError) -> bool {
    match error {
        TransportError::Refused { .. } => true,
        TransportError::Failed { reason, .. } => reason.ends_with(NOT_RETRIED),
        // A future kind of error is not retried until it is understood.
        _ => true,
    }
}
