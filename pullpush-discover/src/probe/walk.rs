//! The walk: fetch a page, analyse it, follow the best strategy, merge what the records look like.

use std::collections::HashSet;

use pullpush_core::{HttpRequest, PaginationConfig, SchemaInference, Transport};
use serde_json::Value;
use url::Url;

use super::analyze::{analyze_at, locate, parse_url};
use super::error::snippet;
use super::records::RecordsAt;
use super::signals::{Signal, same_strategy};
use super::{PageAnalysis, ProbeError, ProbeOptions, ProbeReport};
use crate::report::score;

/// What confirming a strategy (it led to a page of new records) adds to its confidence.
const CONFIRMED: f64 = 0.05;
/// What a strategy that misled (a loop, the same records again) loses.
const MISLED: f64 = 0.3;

/// Probes the list endpoint at `url` through `transport`: fetches the first page, finds its
/// records and pagination, follows the best strategy for up to `options.max_pages` pages
/// (stopping at an empty page, a last page, or a URL already fetched), and reports the records
/// path, the schema merged over every record, and the pagination candidates, best first.
///
/// # Errors
///
/// Only the first page can fail the probe: a transport error, a status other than 2xx, a body
/// that is not JSON or holds no array of records. A later page that fails ends the walk with a
/// note.
pub async fn probe<T: Transport + ?Sized>(
    transport: &T,
    url: &str,
    options: ProbeOptions,
) -> Result<ProbeReport, ProbeError> {
    let start = parse_url(url)?;
    let max_pages = options.max_pages.max(1);
    let mut notes = Vec::new();
    let mut inference = SchemaInference::new();

    let (headers, body) = fetch(transport, &start, 1, &options.headers).await?;
    let at = locate(&start, &body)?;
    let first = analyze_at(&start, &headers, &body, at);
    let mut signals = first.signals.clone();
    let records = first.at.select(&body).unwrap_or_default();
    for record in records {
        inference.observe(record);
    }

    let mut walk = Walk {
        pages: 1,
        previous: records.to_vec(),
        fetched: HashSet::from([start.to_string()]),
        followed: None,
        confirmed: 0,
        misled: None,
    };
    let mut next = None;
    if records.is_empty() {
        notes.push("page 1 has no records: there is nothing to learn a record schema from".into());
    } else if let Some(best) = signals.first() {
        walk.followed = Some(best.candidate.config.clone());
        next = best.next.clone();
        if next.is_none() {
            notes.push(end_of_walk(1, &best.candidate.config));
        }
    }

    while let Some(target) = next.take() {
        let number = walk.pages + 1;
        if walk.pages >= max_pages {
            notes.push(format!(
                "stopped after {max_pages} page(s), the limit; page {number} is at {target}"
            ));
            break;
        }
        if !walk.fetched.insert(target.clone()) {
            notes.push(format!(
                "page {} points to {target}, which was already fetched: stopped to avoid a loop",
                walk.pages
            ));
            walk.misled = Some(format!(
                "page {} pointed back to a page already fetched",
                walk.pages
            ));
            break;
        }
        let url = match parse_url(&target) {
            Ok(url) => url,
            Err(error) => {
                notes.push(format!("page {number} was not fetched: {error}"));
                break;
            }
        };
        let (headers, body) = match fetch(transport, &url, number, &options.headers).await {
            Ok(page) => page,
            Err(error) => {
                notes.push(format!(
                    "page {number} failed, so the walk stopped: {error}"
                ));
                break;
            }
        };
        walk.pages = number;
        let Some(page) = walk.page(&first.at, &url, &headers, &body, &mut notes) else {
            break;
        };
        let records = page.at.select(&body).unwrap_or_default();
        if records.is_empty() {
            notes.push(format!("page {number} is empty: the walk ends there"));
            break;
        }
        if records == walk.previous.as_slice() {
            notes.push(format!(
                "page {number} repeats the records of page {}: the API seems to ignore the pagination parameter",
                number - 1
            ));
            walk.misled = Some(format!("page {number} repeated the previous page"));
            break;
        }
        for record in records {
            inference.observe(record);
        }
        walk.confirmed += 1;
        walk.previous = records.to_vec();
        next = walk.next(number, &page.signals, &mut notes);
    }

    walk.judge(&mut signals);
    Ok(ProbeReport {
        url: start.to_string(),
        pages: walk.pages,
        records_seen: inference.records(),
        records: first.records,
        record_schema: inference.schema(),
        pagination: signals.into_iter().map(|signal| signal.candidate).collect(),
        total: first.total,
        notes,
    })
}

/// The state of a walk beyond the first page.
struct Walk {
    /// Pages fetched so far.
    pages: u32,
    /// The records of the last page, to notice a page served twice.
    previous: Vec<Value>,
    /// Every URL requested, to notice a loop.
    fetched: HashSet<String>,
    /// The strategy being followed.
    followed: Option<PaginationConfig>,
    /// Pages of new records the strategy led to.
    confirmed: u32,
    /// How the strategy misled, if it did.
    misled: Option<String>,
}

impl Walk {
    /// Analyses a later page with the first page's records path, or its own when that path is
    /// not there (noted); `None` when it has no records at all.
    fn page(
        &self,
        first: &RecordsAt,
        url: &Url,
        headers: &[(String, String)],
        body: &Value,
        notes: &mut Vec<String>,
    ) -> Option<PageAnalysis> {
        if first.select(body).is_some() {
            return Some(analyze_at(url, headers, body, first.clone()));
        }
        match locate(url, body) {
            Ok(at) => {
                notes.push(format!(
                    "page {} has its records at `{}`, page 1 at `{}`: the records path is not the same on every page",
                    self.pages,
                    at.jsonpath(),
                    first.jsonpath()
                ));
                Some(analyze_at(url, headers, body, at))
            }
            Err(error) => {
                notes.push(format!(
                    "page {} has no records at `{}`, so the walk stopped: {error}",
                    self.pages,
                    first.jsonpath()
                ));
                None
            }
        }
    }

    /// Where the followed strategy leads from page `number`, noting why the walk ends if it does.
    fn next(&self, number: u32, signals: &[Signal], notes: &mut Vec<String>) -> Option<String> {
        let followed = self.followed.as_ref()?;
        match signals
            .iter()
            .find(|signal| same_strategy(&signal.candidate.config, followed))
        {
            Some(signal) => {
                if signal.next.is_none() {
                    notes.push(end_of_walk(number, followed));
                }
                signal.next.clone()
            }
            None => {
                notes.push(format!(
                    "page {number} has no `{}` signal like page 1's: the walk ends there",
                    followed.kind()
                ));
                None
            }
        }
    }

    /// Adjusts the followed strategy's confidence by what following it showed, and re-ranks.
    fn judge(&self, signals: &mut [Signal]) {
        let Some(followed) = &self.followed else {
            return;
        };
        let Some(signal) = signals
            .iter_mut()
            .find(|signal| &signal.candidate.config == followed)
        else {
            return;
        };
        let candidate = &mut signal.candidate;
        if let Some(reason) = &self.misled {
            candidate.confidence = score(candidate.confidence - MISLED);
            candidate.evidence.push(format!("but {reason}"));
        } else if self.confirmed > 0 {
            candidate.confidence = score(candidate.confidence + CONFIRMED);
            candidate.evidence.push(format!(
                "followed: it led to {} more page(s) of new records",
                self.confirmed
            ));
        }
        signals.sort_by(|a, b| b.candidate.confidence.total_cmp(&a.candidate.confidence));
    }
}

/// Why the walk ends at page `number`, which its strategy says is the last.
fn end_of_walk(number: u32, strategy: &PaginationConfig) -> String {
    match strategy {
        PaginationConfig::None => format!(
            "page {number} shows no pagination: the endpoint seems to return everything at once"
        ),
        other => format!(
            "page {number} is the last page by the `{}` strategy",
            other.kind()
        ),
    }
}

/// Fetches one page: a successful, JSON response's headers and body.
async fn fetch<T: Transport + ?Sized>(
    transport: &T,
    url: &Url,
    page: u32,
    headers: &[(String, String)],
) -> Result<(Vec<(String, String)>, Value), ProbeError> {
    let mut request = HttpRequest::get(url.as_str());
    request.headers = headers.to_vec();
    if request.header("accept").is_none() {
        request
            .headers
            .push(("Accept".to_owned(), "application/json".to_owned()));
    }
    let response = transport
        .send(request)
        .await
        .map_err(|error| ProbeError::Transport {
            url: url.to_string(),
            page,
            error,
        })?;
    if !(200..300).contains(&response.status) {
        return Err(ProbeError::Status {
            url: url.to_string(),
            status: response.status,
            snippet: snippet(&response.body),
        });
    }
    let body = serde_json::from_slice(&response.body).map_err(|error| ProbeError::NotJson {
        url: url.to_string(),
        reason: error.to_string(),
        snippet: snippet(&response.body),
    })?;
    Ok((response.headers, body))
}
