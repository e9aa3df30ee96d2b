//! Why a probe learned nothing.

use pullpush_core::TransportError;

/// A probe failure. Errors about the first page end the probe; a later page that fails only ends
/// the walk, with a note in the report, since the first page already taught something.
///
/// URLs and body snippets are shown as they are: callers that hold secrets scrub the message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// The URL to probe is not an absolute `http(s)` URL.
    #[error("`{url}` is not an absolute http(s) URL: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The request got no response (refused by policy, network failure, timeout).
    #[error("cannot fetch page {page}: {error}")]
    Transport {
        /// The URL requested.
        url: String,
        /// Which page, from 1.
        page: u32,
        /// The transport's error, which names the URL.
        error: TransportError,
    },
    /// The API answered with a status other than 2xx.
    #[error("{url} answered HTTP {status}{}: {snippet}", status_hint(*status))]
    Status {
        /// The URL requested.
        url: String,
        /// The status code.
        status: u16,
        /// The start of the body, whitespace collapsed.
        snippet: String,
    },
    /// The body is not JSON.
    #[error("the response of {url} is not JSON ({reason}): {snippet}")]
    NotJson {
        /// The URL requested.
        url: String,
        /// The parser's message.
        reason: String,
        /// The start of the body, whitespace collapsed.
        snippet: String,
    },
    /// The body is JSON but holds no array of records.
    #[error("no array of records in the response of {url}: {}", describe(.kind, .members))]
    NoRecords {
        /// The URL requested.
        url: String,
        /// What the body is, e.g. `an object` or `a string`.
        kind: &'static str,
        /// The top-level member names, when the body is an object.
        members: Vec<String>,
    },
}

/// What a status usually means for a list request.
fn status_hint(status: u16) -> &'static str {
    match status {
        401 => " (unauthorized: check the token, key or password in the config)",
        403 => " (forbidden: the credentials lack access to this endpoint)",
        404 => " (not found: check the URL's path)",
        429 => " (rate limited: try again later)",
        500..=599 => " (a server error)",
        _ => "",
    }
}

fn describe(kind: &str, members: &[String]) -> String {
    if kind != "an object" {
        return format!("the body is {kind}, not an object or an array");
    }
    if members.is_empty() {
        return "the body is an empty object".to_owned();
    }
    let members: Vec<String> = members.iter().map(|name| format!("`{name}`")).collect();
    format!(
        "no member holds an array of objects; the top-level members are {}",
        members.join(", ")
    )
}

/// The start of a body for an error message: at most 200 characters, whitespace collapsed.
pub(crate) fn snippet(body: &[u8]) -> String {
    const LIMIT: usize = 200;
    let text = String::from_utf8_lossy(body);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return "(empty body)".to_owned();
    }
    match collapsed.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &collapsed[..cut]),
        None => collapsed,
    }
}
