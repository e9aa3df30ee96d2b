//! The analysis of one response: pure, so a pasted sample is analysed exactly as a live page.

use serde_json::Value;
use url::Url;

use super::ProbeError;
use super::records::{self, NotFound, RecordsAt};
use super::signals::{self, Page, Signal};
use crate::report::PaginationCandidate;

/// What one page of a list endpoint shows: where its records are and how it links to the next.
#[derive(Debug, Clone)]
pub struct PageAnalysis {
    /// JSONPath of the records, as a definition's `read.records`: `$` for a top-level array,
    /// else e.g. `$.data[*]`.
    pub records: String,
    /// How many records the page holds.
    pub record_count: usize,
    /// Pagination strategies that fit, best first (a `none` candidate when nothing was found).
    pub pagination: Vec<PaginationCandidate>,
    /// The next page's URL by the best strategy; `None` when the page says it is the last.
    pub next_url: Option<String>,
    /// The total number of records, when the page states it (body field or header).
    pub total: Option<u64>,
    pub(crate) at: RecordsAt,
    pub(crate) signals: Vec<Signal>,
}

/// Analyses one successful response of a list endpoint: `url` is the request URL (to resolve
/// relative next URLs and read its page parameters), `headers` and `body` the response's.
///
/// # Errors
///
/// [`ProbeError::InvalidUrl`] for a URL that is not absolute, [`ProbeError::NoRecords`] when
/// the body holds no array of records.
pub fn analyze_page(
    url: &str,
    headers: &[(String, String)],
    body: &Value,
) -> Result<PageAnalysis, ProbeError> {
    let url = parse_url(url)?;
    let at = locate(&url, body)?;
    Ok(analyze_at(&url, headers, body, at))
}

/// The records of `body` for a request to `url`, or why there are none.
pub(crate) fn locate(url: &Url, body: &Value) -> Result<RecordsAt, ProbeError> {
    let resource = records::resource_name(url);
    records::locate(body, resource.as_deref()).map_err(|not_found| {
        let (kind, members) = match not_found {
            NotFound::Members(members) => ("an object", members),
            NotFound::Scalar(kind) => (kind, Vec::new()),
        };
        ProbeError::NoRecords {
            url: url.to_string(),
            kind,
            members,
        }
    })
}

/// Analyses a page whose records are known to be at `at`.
pub(crate) fn analyze_at(
    url: &Url,
    headers: &[(String, String)],
    body: &Value,
    at: RecordsAt,
) -> PageAnalysis {
    let records = at.select(body).unwrap_or_default();
    let record_count = records.len();
    let found = signals::signals(&Page {
        url,
        headers,
        body,
        records_at: &at,
        records,
    });
    PageAnalysis {
        records: at.jsonpath(),
        record_count,
        pagination: found
            .list
            .iter()
            .map(|signal| signal.candidate.clone())
            .collect(),
        next_url: found.list.first().and_then(|signal| signal.next.clone()),
        total: found.total,
        at,
        signals: found.list,
    }
}

/// Parses the URL to probe: absolute, `http` or `https`.
pub(crate) fn parse_url(text: &str) -> Result<Url, ProbeError> {
    let invalid = |reason: String| ProbeError::InvalidUrl {
        url: text.to_owned(),
        reason,
    };
    let url = Url::parse(text).map_err(|error| invalid(error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!("the scheme is `{}`", url.scheme())));
    }
    Ok(url)
}
