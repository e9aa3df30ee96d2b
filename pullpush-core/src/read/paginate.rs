//! The pagination state machine: from one page to the position of the next, or a reason to stop.
//!
//! It is pure: it sees the page (body, headers, how many records it held) and decides. Every walk
//! ends: strategies stop on their own signals, the stop conditions and page limits cut them short,
//! and a token, URL or page body seen twice is an error rather than a loop.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::definition::{PaginationConfig, StopConfig, TokenSource};
use crate::transport::HttpResponse;

/// Where the next request of a walk starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Position {
    /// The first request: the read operation as written.
    First,
    /// A cursor to send back.
    Cursor(String),
    /// An absolute URL to fetch as is.
    Url(String),
    /// An offset to request.
    Offset(u64),
    /// A page number to request.
    Page(u64),
}

/// Why a walk ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The stream has no pagination: one request returns everything.
    SinglePage,
    /// The response named no next cursor or URL.
    NoNextPage,
    /// A page held no records.
    EmptyPage,
    /// A page held fewer records than the page size.
    ShortPage,
    /// The response said there is no more (`has_more` false).
    HasMoreFalse,
    /// As many records as the response's total were received.
    TotalRecordsReached,
    /// The response's page count was reached.
    TotalPagesReached,
    /// The definition's `max_pages` was reached.
    MaxPages,
    /// The caller's page limit was reached (e.g. a bounded test run): more pages may exist.
    PageLimit,
    /// The caller's record limit was reached: more records may exist.
    RecordLimit,
}

impl StopReason {
    /// Whether the walk saw the end of the data, as opposed to being cut short by a limit.
    pub fn reached_end(self) -> bool {
        !matches!(
            self,
            StopReason::MaxPages | StopReason::PageLimit | StopReason::RecordLimit
        )
    }
}

/// A walk that would never end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LoopDetected(pub String);

/// The compiled pagination of a stream, with the walk's memory.
#[derive(Debug)]
pub(crate) struct Paginator {
    config: PaginationConfig,
    token_path: Option<JsonPath>,
    has_more: Option<JsonPath>,
    total_records: Option<JsonPath>,
    total_pages: Option<JsonPath>,
    seen_tokens: HashSet<String>,
    /// The previous page's body, to catch a server that ignores the pagination parameters.
    last_body: Option<Vec<u8>>,
    records: u64,
    pages: u64,
    position: Position,
}

impl Paginator {
    /// A paginator for `config`. Paths were validated when the connector was built, so a path
    /// that fails to parse here cannot happen; it is treated as absent.
    pub(crate) fn new(config: &PaginationConfig) -> Paginator {
        let parse = |path: &Option<String>| path.as_deref().and_then(|p| JsonPath::parse(p).ok());
        let token_path = match config {
            PaginationConfig::Cursor {
                cursor_from: TokenSource::Body(path),
                ..
            }
            | PaginationConfig::NextUrl {
                next_from: TokenSource::Body(path),
                ..
            } => JsonPath::parse(path).ok(),
            _ => None,
        };
        let stop = config.stop().cloned().unwrap_or_default();
        Paginator {
            config: config.clone(),
            token_path,
            has_more: parse(&stop.has_more),
            total_records: parse(&stop.total_records),
            total_pages: parse(&stop.total_pages),
            seen_tokens: HashSet::new(),
            last_body: None,
            records: 0,
            pages: 0,
            position: Position::First,
        }
    }

    /// The position of the request about to be sent.
    pub(crate) fn position(&self) -> &Position {
        &self.position
    }

    /// Pages fetched so far.
    pub(crate) fn pages(&self) -> u64 {
        self.pages
    }

    /// The `page` template variable for the request about to be sent.
    pub(crate) fn page_variable(&self) -> Value {
        let (token, offset, number) = match &self.position {
            Position::First => (Value::Null, self.first_offset(), self.first_page()),
            Position::Cursor(token) | Position::Url(token) => {
                (Value::from(token.clone()), 0, self.pages + 1)
            }
            Position::Offset(offset) => (Value::Null, *offset, self.pages + 1),
            Position::Page(page) => (Value::Null, 0, *page),
        };
        serde_json::json!({
            "token": token,
            "number": number,
            "offset": offset,
            "size": self.config.page_size(),
        })
    }

    fn first_offset(&self) -> u64 {
        match &self.config {
            PaginationConfig::Offset { start, .. } => *start,
            _ => 0,
        }
    }

    fn first_page(&self) -> u64 {
        match &self.config {
            PaginationConfig::PageNumber { start, .. } => *start,
            _ => 1,
        }
    }

    /// The query parameters the strategy adds to the request about to be sent.
    pub(crate) fn query_params(&self) -> Vec<(String, String)> {
        let size = |size: &Option<crate::definition::PageSize>| {
            size.as_ref()
                .map(|size| (size.param.clone(), size.value.to_string()))
        };
        match (&self.config, &self.position) {
            (PaginationConfig::None, _) | (PaginationConfig::NextUrl { .. }, Position::Url(_)) => {
                vec![]
            }
            (PaginationConfig::NextUrl { page_size, .. }, _) => {
                size(page_size).into_iter().collect()
            }
            (
                PaginationConfig::Cursor {
                    param, page_size, ..
                },
                position,
            ) => {
                let mut params: Vec<(String, String)> = size(page_size).into_iter().collect();
                if let (Some(param), Position::Cursor(token)) = (param, position) {
                    params.push((param.clone(), token.clone()));
                }
                params
            }
            (
                PaginationConfig::Offset {
                    offset_param,
                    limit_param,
                    limit,
                    ..
                },
                position,
            ) => {
                let offset = match position {
                    Position::Offset(offset) => *offset,
                    _ => self.first_offset(),
                };
                vec![
                    (offset_param.clone(), offset.to_string()),
                    (limit_param.clone(), limit.to_string()),
                ]
            }
            (
                PaginationConfig::PageNumber {
                    page_param,
                    page_size,
                    ..
                },
                position,
            ) => {
                let page = match position {
                    Position::Page(page) => *page,
                    _ => self.first_page(),
                };
                let mut params = vec![(page_param.clone(), page.to_string())];
                params.extend(size(page_size));
                params
            }
        }
    }

    /// Records what a page held and moves to the next position, or says why the walk ends.
    /// `request_url` resolves relative next URLs.
    pub(crate) fn advance(
        &mut self,
        response: &HttpResponse,
        body: Option<&Value>,
        records: usize,
        request_url: &str,
    ) -> Result<Option<StopReason>, LoopDetected> {
        self.pages += 1;
        self.records += records as u64;
        // A server that ignores the pagination parameter returns the same page forever.
        if records > 0 && self.last_body.as_deref() == Some(response.body.as_slice()) {
            return Err(LoopDetected(format!(
                "page {} is identical to the page before it; the server seems to ignore the pagination parameters",
                self.pages
            )));
        }
        // Reuse the buffer: one page-sized copy per page, compared with memcmp.
        let last = self.last_body.get_or_insert_with(Vec::new);
        last.clear();
        last.extend_from_slice(&response.body);

        if matches!(self.config, PaginationConfig::None) {
            return Ok(Some(StopReason::SinglePage));
        }
        if let Some(reason) = self.stop_condition(body, records) {
            return Ok(Some(reason));
        }
        if let Some(max) = self.max_pages()
            && self.pages >= max
        {
            return Ok(Some(StopReason::MaxPages));
        }
        let next = match &self.config {
            PaginationConfig::None => return Ok(Some(StopReason::SinglePage)),
            PaginationConfig::Cursor { cursor_from, .. } => {
                match self.token(cursor_from, response, body) {
                    Some(token) => Position::Cursor(token),
                    None => return Ok(Some(StopReason::NoNextPage)),
                }
            }
            PaginationConfig::NextUrl { next_from, .. } => {
                match self.token(next_from, response, body) {
                    Some(next) => Position::Url(resolve_url(request_url, &next)),
                    None => return Ok(Some(StopReason::NoNextPage)),
                }
            }
            PaginationConfig::Offset { .. } => {
                let current = match self.position {
                    Position::Offset(offset) => offset,
                    _ => self.first_offset(),
                };
                Position::Offset(current + records as u64)
            }
            PaginationConfig::PageNumber { .. } => {
                let current = match self.position {
                    Position::Page(page) => page,
                    _ => self.first_page(),
                };
                Position::Page(current + 1)
            }
        };
        if let Position::Cursor(token) | Position::Url(token) = &next
            && !self.seen_tokens.insert(token.clone())
        {
            let what = if matches!(next, Position::Url(_)) {
                "next URL"
            } else {
                "cursor"
            };
            return Err(LoopDetected(format!(
                "page {} returned a {what} already followed; the walk would never end",
                self.pages
            )));
        }
        self.position = next;
        Ok(None)
    }

    fn max_pages(&self) -> Option<u64> {
        match &self.config {
            PaginationConfig::None => None,
            PaginationConfig::Cursor { max_pages, .. }
            | PaginationConfig::NextUrl { max_pages, .. }
            | PaginationConfig::Offset { max_pages, .. }
            | PaginationConfig::PageNumber { max_pages, .. } => *max_pages,
        }
    }

    fn stop_condition(&self, body: Option<&Value>, records: usize) -> Option<StopReason> {
        let stop: &StopConfig = self.config.stop()?;
        let always_stop_when_empty = matches!(
            self.config,
            PaginationConfig::Offset { .. } | PaginationConfig::PageNumber { .. }
        );
        if records == 0 && (stop.empty_page || always_stop_when_empty) {
            return Some(StopReason::EmptyPage);
        }
        if stop.short_page
            && let Some(size) = self.config.page_size()
            && (records as u64) < u64::from(size)
        {
            return Some(StopReason::ShortPage);
        }
        let read = |path: &Option<JsonPath>| {
            path.as_ref()
                .zip(body)
                .and_then(|(path, body)| path.query(body).first().cloned())
        };
        if let Some(Value::Bool(false)) = read(&self.has_more) {
            return Some(StopReason::HasMoreFalse);
        }
        if let Some(total) = read(&self.total_records).as_ref().and_then(as_count)
            && self.records >= total
        {
            return Some(StopReason::TotalRecordsReached);
        }
        if let Some(total) = read(&self.total_pages).as_ref().and_then(as_count) {
            let reached = match (&self.config, &self.position) {
                (PaginationConfig::PageNumber { .. }, Position::Page(page)) => *page >= total,
                (PaginationConfig::PageNumber { start, .. }, _) => *start >= total,
                _ => self.pages >= total,
            };
            if reached {
                return Some(StopReason::TotalPagesReached);
            }
        }
        None
    }

    /// The next cursor or URL, if the response names one.
    fn token(
        &self,
        source: &TokenSource,
        response: &HttpResponse,
        body: Option<&Value>,
    ) -> Option<String> {
        let token = match source {
            TokenSource::Body(_) => {
                let value = self
                    .token_path
                    .as_ref()
                    .zip(body)
                    .and_then(|(path, body)| path.query(body).first().cloned())?;
                match value {
                    Value::String(text) => text,
                    Value::Number(number) => number.to_string(),
                    _ => return None,
                }
            }
            TokenSource::Header(name) => response.header(name)?.to_owned(),
            TokenSource::LinkHeader => next_link(response)?,
        };
        let token = token.trim();
        (!token.is_empty()).then(|| token.to_owned())
    }
}

fn as_count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// The `rel="next"` target of the `Link` headers (RFC 8288), which may be split over several
/// headers or several comma-separated links.
fn next_link(response: &HttpResponse) -> Option<String> {
    crate::next_link(&crate::parse_link_headers(&response.headers)).map(str::to_owned)
}

/// Resolves a possibly relative next URL against the URL of the request that returned it.
fn resolve_url(base: &str, next: &str) -> String {
    url::Url::parse(base)
        .and_then(|base| base.join(next))
        .map(String::from)
        .unwrap_or_else(|_| next.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(headers: &[(&str, &str)]) -> HttpResponse {
        HttpResponse {
            status: 200,
            headers: headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            body: Vec::new(),
        }
    }

    #[test]
    fn finds_the_next_link_among_several() {
        let response = response(&[(
            "Link",
            r#"<https://api.example/items?page=1>; rel="first", <https://api.example/items?page=3>; rel="next last""#,
        )]);
        assert_eq!(
            next_link(&response).as_deref(),
            Some("https://api.example/items?page=3")
        );
        assert_eq!(
            next_link(&self::response(&[("Link", "<x>; rel=prev")])),
            None
        );
    }

    #[test]
    fn resolves_relative_next_urls() {
        assert_eq!(
            resolve_url(
                "https://api.twilio.example/2010-04-01/Accounts/AC1/Calls.json?Page=0",
                "/2010-04-01/Accounts/AC1/Calls.json?Page=1"
            ),
            "https://api.twilio.example/2010-04-01/Accounts/AC1/Calls.json?Page=1"
        );
    }
}
