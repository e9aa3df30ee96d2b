//! The pagination signals of one page — a `Link` header, a next URL or cursor in the body, page
//! and offset parameters of the request, totals and `has_more` flags — turned into candidate
//! `pagination` configs, each with the URL of the page it says comes next.
//!
//! Field names are matched exactly against the spellings APIs use (`next_page_uri`,
//! `paging.cursors.after`, …), at the top level and inside the usual wrappers (`meta`,
//! `pagination`, …), rather than by fuzzy search: a false signal sends the walk to a wrong URL,
//! while a missed one only costs a lower confidence.

use pullpush_core::{PageSize, PaginationConfig, StopConfig, TokenSource};
use serde_json::Value;
use url::Url;

use super::records::{RecordsAt, member};
use crate::report::{PaginationCandidate, score};
use crate::vocabulary::{
    CURSOR_PARAMS, HAS_MORE_FIELDS, OFFSET_PARAMS, PAGE_PARAMS, PAGE_SIZE_PARAMS,
    TOTAL_PAGE_FIELDS, TOTAL_RECORD_FIELDS,
};
use crate::words::normalize;

/// Objects that hold pagination fields beside the records.
const WRAPPERS: &[&str] = &[
    "meta",
    "pagination",
    "paging",
    "page_info",
    "pageInfo",
    "_meta",
    "response_metadata",
];

/// Body fields holding the next page's URL.
const NEXT_URL_FIELDS: &[&[&str]] = &[
    &["next_page_url"],
    &["next_page_uri"],
    &["nextPageUrl"],
    &["next_url"],
    &["nextUrl"],
    &["next_link"],
    &["nextLink"],
    &["@odata.nextLink"],
    &["next"],
    &["links", "next"],
    &["links", "next", "href"],
    &["_links", "next", "href"],
    &["_links", "next"],
    &["paging", "next"],
    &["meta", "next"],
    &["meta", "next_url"],
    &["meta", "next_page_url"],
    &["pagination", "next"],
    &["pagination", "next_url"],
    &["pagination", "next_page_url"],
    &["pagination", "links", "next"],
    &["meta", "pagination", "links", "next"],
];

/// Body fields holding the next cursor, with the query parameter it is usually sent back in.
const CURSOR_FIELDS: &[(&[&str], &str)] = &[
    (&["next_cursor"], "cursor"),
    (&["nextCursor"], "cursor"),
    (&["cursor"], "cursor"),
    (&["next_page_token"], "page_token"),
    (&["nextPageToken"], "pageToken"),
    (&["next_token"], "next_token"),
    (&["nextToken"], "nextToken"),
    (&["continuation_token"], "continuation_token"),
    (&["continuationToken"], "continuationToken"),
    (&["meta", "cursors", "next"], "cursor"),
    (&["meta", "next_cursor"], "cursor"),
    (&["meta", "cursor"], "cursor"),
    (&["pages", "next", "starting_after"], "starting_after"),
    (&["paging", "cursors", "after"], "after"),
    (&["response_metadata", "next_cursor"], "cursor"),
    (&["pagination", "next_cursor"], "cursor"),
    (&["pagination", "cursor"], "cursor"),
    (&["pageInfo", "endCursor"], "after"),
];

/// Body fields with the current page number, and the parameter each suggests.
const PAGE_FIELDS: &[(&str, &str)] = &[
    ("page", "page"),
    ("current_page", "page"),
    ("currentPage", "page"),
    ("page_number", "page_number"),
    ("pageNumber", "pageNumber"),
];

/// Body fields with the current offset.
const OFFSET_FIELDS: &[&str] = &["offset", "skip"];

/// Body fields with the page size.
const SIZE_FIELDS: &[&str] = &["limit", "per_page", "page_size", "pageSize"];

/// Response headers with the total number of records.
const TOTAL_HEADERS: &[&str] = &["X-Total-Count", "X-Total", "X-Total-Results", "Total-Count"];

/// Response headers with the total number of pages.
const TOTAL_PAGES_HEADERS: &[&str] = &["X-Total-Pages", "X-Page-Count"];

/// One fetched page, as the signals see it.
pub(crate) struct Page<'a> {
    /// The request URL.
    pub url: &'a Url,
    /// The response headers.
    pub headers: &'a [(String, String)],
    /// The response body.
    pub body: &'a Value,
    /// Where the records are.
    pub records_at: &'a RecordsAt,
    /// The records.
    pub records: &'a [Value],
}

impl Page<'_> {
    fn count(&self) -> usize {
        self.records.len()
    }
}

/// A pagination strategy that fits a page, and where it leads.
#[derive(Debug, Clone)]
pub(crate) struct Signal {
    /// The strategy, with its confidence and evidence.
    pub candidate: PaginationCandidate,
    /// The next page's URL by this strategy; `None` when the page says it is the last.
    pub next: Option<String>,
}

/// Everything the signals of a page say.
#[derive(Debug, Clone)]
pub(crate) struct Signals {
    /// Fitting strategies, best first; a `none` candidate when nothing was found.
    pub list: Vec<Signal>,
    /// The total number of records, when the page states it.
    pub total: Option<u64>,
}

/// The stop conditions a page offers, and what they say about this page.
#[derive(Default)]
struct Stops {
    config: StopConfig,
    evidence: Vec<String>,
    has_more: Option<bool>,
    total: Option<u64>,
    total_pages: Option<u64>,
}

/// Reads every pagination signal of `page`.
pub(crate) fn signals(page: &Page<'_>) -> Signals {
    let stops = stops(page);
    let mut list = Vec::new();
    link_header(page, &stops, &mut list);
    body_next_urls(page, &stops, &mut list);
    cursors(page, &stops, &mut list);
    if !list.iter().any(|signal| {
        matches!(
            signal.candidate.config,
            PaginationConfig::Cursor { .. } | PaginationConfig::NextUrl { .. }
        )
    }) {
        last_record_cursor(page, &stops, &mut list);
    }
    page_numbers(page, &stops, &mut list);
    offsets(page, &stops, &mut list);
    let mut list = dedupe(list);
    if list.is_empty() {
        list.push(Signal {
            candidate: PaginationCandidate {
                config: PaginationConfig::None,
                confidence: 0.5,
                evidence: vec![
                    "no next link, cursor, page or offset parameter found: the endpoint may return everything at once".to_owned(),
                ],
            },
            next: None,
        });
    }
    // Stable: equal confidences keep the order above (headers, URLs, cursors, pages, offsets).
    list.sort_by(|a, b| b.candidate.confidence.total_cmp(&a.candidate.confidence));
    Signals {
        list,
        total: stops.total,
    }
}

/// Whether two configs are the same strategy read from the same place (ignoring stop
/// conditions and sizes), so a walk can find "its" strategy again on the next page.
pub(crate) fn same_strategy(a: &PaginationConfig, b: &PaginationConfig) -> bool {
    use PaginationConfig as P;
    match (a, b) {
        (P::None, P::None) => true,
        (
            P::Cursor {
                cursor_from: a,
                param: p,
                ..
            },
            P::Cursor {
                cursor_from: b,
                param: q,
                ..
            },
        ) => a == b && p == q,
        (P::NextUrl { next_from: a, .. }, P::NextUrl { next_from: b, .. }) => a == b,
        (P::PageNumber { page_param: a, .. }, P::PageNumber { page_param: b, .. }) => a == b,
        (
            P::Offset {
                offset_param: a, ..
            },
            P::Offset {
                offset_param: b, ..
            },
        ) => a == b,
        _ => false,
    }
}

fn stops(page: &Page<'_>) -> Stops {
    let mut stops = Stops::default();
    if let Some((path, value)) = find(page.body, HAS_MORE_FIELDS, |value| value.is_boolean()) {
        stops.has_more = value.as_bool();
        stops.evidence.push(format!("stops when `{path}` is false"));
        stops.config.has_more = Some(path);
    }
    let page_count = page.count() as u64;
    let total = find(page.body, TOTAL_RECORD_FIELDS, |value| {
        count(value).is_some()
    })
    .or_else(|| {
        find(page.body, &["count"], |value| {
            count(value) > Some(page_count)
        })
    });
    if let Some((path, value)) = total {
        stops.total = count(value);
        stops.evidence.push(format!(
            "stops once `{path}` records arrived ({} in all)",
            count(value).unwrap_or_default()
        ));
        stops.config.total_records = Some(path);
    } else if let Some((name, total)) = header_count(page.headers, TOTAL_HEADERS) {
        stops.total = Some(total);
        stops.evidence.push(format!(
            "response header `{name}: {total}` counts every record"
        ));
    }
    if let Some((path, value)) = find(page.body, TOTAL_PAGE_FIELDS, |value| count(value).is_some())
    {
        stops.total_pages = count(value);
        stops.evidence.push(format!(
            "stops after `{path}` pages ({})",
            count(value).unwrap_or_default()
        ));
        stops.config.total_pages = Some(path);
    } else if let Some((name, total)) = header_count(page.headers, TOTAL_PAGES_HEADERS) {
        stops.total_pages = Some(total);
        stops.evidence.push(format!(
            "response header `{name}: {total}` counts the pages"
        ));
    }
    stops
}

fn link_header(page: &Page<'_>, stops: &Stops, list: &mut Vec<Signal>) {
    let links = pullpush_core::parse_link_headers(page.headers);
    if links.is_empty() {
        return;
    }
    let (next, confidence, evidence) = match pullpush_core::next_link(&links) {
        Some(target) => match page.url.join(target) {
            Ok(next) => (
                Some(next.to_string()),
                0.95,
                "response header `Link` with rel=\"next\"",
            ),
            Err(_) => return,
        },
        None => (
            None,
            0.75,
            "response header `Link` without rel=\"next\" (the last page)",
        ),
    };
    let config = PaginationConfig::NextUrl {
        next_from: TokenSource::LinkHeader,
        page_size: page_size(page.url),
        stop: stops.config.clone(),
        max_pages: None,
    };
    push(
        list,
        config,
        confidence,
        vec![evidence.to_owned()],
        stops,
        next,
    );
}

fn body_next_urls(page: &Page<'_>, stops: &Stops, list: &mut Vec<Signal>) {
    for path in NEXT_URL_FIELDS {
        let Some(value) = lookup(page.body, path) else {
            continue;
        };
        let jsonpath = jsonpath(path);
        let addressy = path.iter().any(|key| {
            let key = key.to_ascii_lowercase();
            ["url", "uri", "link", "href"]
                .iter()
                .any(|word| key.contains(word))
        });
        let (next, confidence, evidence) = match value {
            Value::String(text) if !text.is_empty() && looks_like_url(text) => {
                let Ok(next) = page.url.join(text) else {
                    continue;
                };
                (
                    Some(next.to_string()),
                    0.9,
                    format!("response field `{jsonpath}` holds the next page's URL"),
                )
            }
            // A token rather than a URL: a cursor under a URL-ish name.
            Value::String(text) if !text.is_empty() => {
                cursor(page, stops, list, path, "cursor", value, 0.6);
                continue;
            }
            Value::Null | Value::String(_) => (
                None,
                if addressy { 0.7 } else { 0.5 },
                format!("response field `{jsonpath}` is empty (the last page)"),
            ),
            _ => continue,
        };
        let config = PaginationConfig::NextUrl {
            next_from: TokenSource::Body(jsonpath),
            page_size: page_size(page.url),
            stop: stops.config.clone(),
            max_pages: None,
        };
        push(list, config, confidence, vec![evidence], stops, next);
    }
}

fn cursors(page: &Page<'_>, stops: &Stops, list: &mut Vec<Signal>) {
    for (path, param) in CURSOR_FIELDS {
        if let Some(value) = lookup(page.body, path) {
            cursor(page, stops, list, path, param, value, 0.85);
        }
    }
}

/// A cursor signal from the body field at `path`; `guess` names the parameter when the request
/// has no cursor parameter of its own.
fn cursor(
    page: &Page<'_>,
    stops: &Stops,
    list: &mut Vec<Signal>,
    path: &[&str],
    guess: &str,
    value: &Value,
    confidence: f64,
) {
    let token = match value {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::String(_) | Value::Null => None,
        _ => return,
    };
    let jsonpath = jsonpath(path);
    let mut evidence = vec![match token {
        Some(_) => format!("response field `{jsonpath}` holds the next cursor"),
        None => format!("response field `{jsonpath}` is empty (the last page)"),
    }];
    let (param, bonus) = match query_param(page.url, CURSOR_PARAMS) {
        Some((name, _)) => {
            evidence.push(format!("the request sends a cursor in parameter `{name}`"));
            (name, 0.05)
        }
        None => {
            evidence.push(format!(
                "parameter `{guess}` guessed from the field name; check the API's documentation"
            ));
            (guess.to_owned(), 0.0)
        }
    };
    // A null cursor shows the field but not that the parameter works: less sure.
    let confidence = confidence + bonus - if token.is_some() { 0.0 } else { 0.2 };
    let next = token.map(|token| with_param(page.url, &param, &token));
    let config = PaginationConfig::Cursor {
        cursor_from: TokenSource::Body(jsonpath),
        param: Some(param),
        page_size: page_size(page.url),
        stop: stops.config.clone(),
        max_pages: None,
    };
    push(list, config, confidence, evidence, stops, next);
}

/// Stripe style: a `has_more` flag and no cursor anywhere, because the cursor is the last
/// record's `id`, sent back as `starting_after`.
fn last_record_cursor(page: &Page<'_>, stops: &Stops, list: &mut Vec<Signal>) {
    let Some(has_more) = &stops.config.has_more else {
        return;
    };
    let id = match page.records.last().and_then(|record| record.get("id")) {
        Some(Value::String(id)) if !id.is_empty() => Some(id.clone()),
        Some(Value::Number(id)) => Some(id.to_string()),
        _ if page.records.is_empty() => None,
        _ => return,
    };
    let jsonpath = page.records_at.last_record_field("id");
    let mut evidence = vec![format!(
        "`{has_more}` says whether more pages follow but the body names no cursor: the last record's id is the cursor (`{jsonpath}`)"
    )];
    let param = match query_param(page.url, CURSOR_PARAMS) {
        Some((name, _)) => {
            evidence.push(format!("the request sends a cursor in parameter `{name}`"));
            name
        }
        None => {
            evidence.push(
                "parameter `starting_after` guessed (Stripe's); check the API's documentation"
                    .to_owned(),
            );
            "starting_after".to_owned()
        }
    };
    let next = id.map(|id| with_param(page.url, &param, &id));
    let config = PaginationConfig::Cursor {
        cursor_from: TokenSource::Body(jsonpath),
        param: Some(param),
        page_size: page_size(page.url),
        stop: stops.config.clone(),
        max_pages: None,
    };
    push(list, config, 0.6, evidence, stops, next);
}

fn page_numbers(page: &Page<'_>, stops: &Stops, list: &mut Vec<Signal>) {
    let echoed = find(
        page.body,
        &PAGE_FIELDS.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
        |v| v.as_u64().is_some(),
    );
    let (param, number, mut confidence, mut evidence) = match query_param(page.url, PAGE_PARAMS) {
        Some((name, value)) => {
            let Ok(number) = value.trim().parse::<u64>() else {
                return;
            };
            let mut evidence = vec![format!("the request sends parameter `{name}={number}`")];
            let mut confidence = 0.6;
            if let Some((path, _)) = echoed
                .as_ref()
                .filter(|(_, value)| value.as_u64() == Some(number))
            {
                evidence.push(format!("response field `{path}` echoes the page number"));
                confidence += 0.1;
            }
            (name, number, confidence, evidence)
        }
        None => {
            let Some((path, value)) = echoed else {
                return;
            };
            let Some(number) = value.as_u64() else {
                return;
            };
            let field = path
                .rsplit(['.', '\''])
                .find(|s| !s.is_empty())
                .unwrap_or("page");
            let param = PAGE_FIELDS
                .iter()
                .find(|(name, _)| *name == field)
                .map_or("page", |(_, param)| param);
            let evidence = vec![
                format!("response field `{path}` = {number} is a page number"),
                format!(
                    "parameter `{param}` guessed from the field name; check the API's documentation"
                ),
            ];
            (param.to_owned(), number, 0.45, evidence)
        }
    };
    if stops.total_pages.is_some() {
        confidence += 0.1;
    }
    let start = u64::from(number != 0);
    let size = page_size(page.url);
    let pages_so_far = number + 1 - start;
    let last = page.count() == 0
        || stops.has_more == Some(false)
        || stops.total_pages.is_some_and(|total| pages_so_far >= total)
        || match (&size, stops.total) {
            (Some(size), Some(total)) => pages_so_far * u64::from(size.value) >= total,
            _ => false,
        };
    if last {
        evidence.push("this is the last page".to_owned());
    }
    let next = (!last).then(|| with_param(page.url, &param, &(number + 1).to_string()));
    let config = PaginationConfig::PageNumber {
        page_param: param,
        start,
        page_size: size,
        stop: stops.config.clone(),
        max_pages: None,
    };
    push(list, config, confidence, evidence, stops, next);
}

fn offsets(page: &Page<'_>, stops: &Stops, list: &mut Vec<Signal>) {
    let size = page_size(page.url);
    let (param, offset, mut confidence, mut evidence) = match query_param(page.url, OFFSET_PARAMS) {
        Some((name, value)) => {
            let Ok(offset) = value.trim().parse::<u64>() else {
                return;
            };
            let evidence = vec![format!("the request sends parameter `{name}={offset}`")];
            (name, offset, 0.6, evidence)
        }
        None => {
            let Some((path, value)) = find(page.body, OFFSET_FIELDS, |v| v.as_u64().is_some())
            else {
                return;
            };
            let offset = value.as_u64().unwrap_or_default();
            let evidence = vec![
                format!("response field `{path}` = {offset} is an offset"),
                "parameter `offset` guessed from the field name; check the API's documentation"
                    .to_owned(),
            ];
            ("offset".to_owned(), offset, 0.45, evidence)
        }
    };
    let (limit_param, limit) = match size {
        Some(size) => (size.param, size.value),
        None => {
            let from_body = find(page.body, SIZE_FIELDS, |v| v.as_u64().is_some())
                .and_then(|(_, value)| value.as_u64())
                .and_then(|value| u32::try_from(value).ok());
            let Some(limit) = from_body
                .or_else(|| u32::try_from(page.count()).ok())
                .filter(|limit| *limit > 0)
            else {
                return;
            };
            evidence.push(format!(
                "the request names no limit: `limit={limit}` is a guess from the page"
            ));
            confidence -= 0.1;
            ("limit".to_owned(), limit)
        }
    };
    if stops.total.is_some() {
        confidence += 0.1;
    }
    let received = offset + page.count() as u64;
    let last = page.count() == 0
        || page.count() < limit as usize
        || stops.has_more == Some(false)
        || stops.total.is_some_and(|total| received >= total);
    if last {
        evidence.push("this is the last page".to_owned());
    }
    let next = (!last).then(|| with_param(page.url, &param, &received.to_string()));
    let config = PaginationConfig::Offset {
        offset_param: param,
        limit_param,
        limit,
        start: u64::from(offset == 1),
        stop: stops.config.clone(),
        max_pages: None,
    };
    push(list, config, confidence, evidence, stops, next);
}

/// Adds a signal with the stop conditions' evidence; a page that says there is no more ends
/// every strategy.
fn push(
    list: &mut Vec<Signal>,
    config: PaginationConfig,
    confidence: f64,
    mut evidence: Vec<String>,
    stops: &Stops,
    next: Option<String>,
) {
    evidence.extend(stops.evidence.iter().cloned());
    list.push(Signal {
        candidate: PaginationCandidate {
            config,
            confidence: score(confidence),
            evidence,
        },
        next: next.filter(|_| stops.has_more != Some(false)),
    });
}

/// One signal per config: the same config found twice keeps the higher confidence and all the
/// evidence.
fn dedupe(list: Vec<Signal>) -> Vec<Signal> {
    let mut unique: Vec<Signal> = Vec::new();
    for signal in list {
        match unique
            .iter_mut()
            .find(|kept| kept.candidate.config == signal.candidate.config)
        {
            Some(kept) => {
                for line in signal.candidate.evidence {
                    if !kept.candidate.evidence.contains(&line) {
                        kept.candidate.evidence.push(line);
                    }
                }
                if signal.candidate.confidence > kept.candidate.confidence {
                    kept.candidate.confidence = signal.candidate.confidence;
                    kept.next = signal.next;
                }
            }
            None => unique.push(signal),
        }
    }
    unique
}

/// The value at `path` of member names.
fn lookup<'a>(body: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(body, |value, key| value.get(key))
}

/// `$.a.b` for `["a", "b"]`, bracketed where a name needs it.
fn jsonpath(path: &[&str]) -> String {
    let members: String = path.iter().map(|key| member(key)).collect();
    format!("${members}")
}

/// The first of `names` at the top level, else inside a wrapper, whose value `accept`s: its
/// JSONPath and value.
fn find<'a>(
    body: &'a Value,
    names: &[&str],
    accept: impl Fn(&Value) -> bool,
) -> Option<(String, &'a Value)> {
    // `names` are normalised (see `crate::vocabulary`): `totalCount` and `total_count` are one.
    let named = |object: &'a Value| {
        object
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(name, value)| names.contains(&normalize(name).as_str()) && accept(value))
    };
    if let Some((name, value)) = named(body).next() {
        return Some((jsonpath(&[name.as_str()]), value));
    }
    WRAPPERS.iter().find_map(|wrapper| {
        let inner = body.get(*wrapper)?;
        named(inner)
            .next()
            .map(|(name, value)| (jsonpath(&[wrapper, name.as_str()]), value))
    })
}

/// A count: a non-negative integer or a string of one.
fn count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// The first of `names` among the headers holding a count.
fn header_count(headers: &[(String, String)], names: &[&str]) -> Option<(String, u64)> {
    headers.iter().find_map(|(name, value)| {
        names
            .iter()
            .any(|wanted| name.eq_ignore_ascii_case(wanted))
            .then(|| value.trim().parse().ok().map(|total| (name.clone(), total)))
            .flatten()
    })
}

/// The first query parameter of `url` whose normalised name is one of `names`: its name as
/// written and its value.
fn query_param(url: &Url, names: &[&str]) -> Option<(String, String)> {
    url.query_pairs()
        .find(|(name, _)| names.contains(&normalize(name).as_str()))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
}

/// The page size the request sends, if it sends one.
fn page_size(url: &Url) -> Option<PageSize> {
    let (param, value) = query_param(url, PAGE_SIZE_PARAMS)?;
    let value = value.trim().parse::<u32>().ok().filter(|size| *size > 0)?;
    Some(PageSize { param, value })
}

/// Whether a body string is a URL (absolute, or relative to the request) rather than a token.
fn looks_like_url(text: &str) -> bool {
    text.starts_with("https://")
        || text.starts_with("http://")
        || text.starts_with('/')
        || text.starts_with('?')
        || (text.contains('?') && text.contains('='))
}

/// `url` with query parameter `name` set to `value` (replaced in place, else appended).
fn with_param(url: &Url, name: &str, value: &str) -> String {
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(key, old)| (key.into_owned(), old.into_owned()))
        .collect();
    match pairs.iter_mut().find(|(key, _)| key == name) {
        Some(pair) => pair.1 = value.to_owned(),
        None => pairs.push((name.to_owned(), value.to_owned())),
    }
    let mut next = url.clone();
    next.query_pairs_mut().clear().extend_pairs(pairs);
    next.into()
}
