//! How a stream walks through the pages of a list endpoint.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The pagination strategy of a stream, selected by `type`.
///
/// Whatever the strategy, the engine refuses to loop: the same cursor, next URL or page twice is
/// an error, and `max_pages` (or the test-run limit) bounds every walk.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum PaginationConfig {
    /// One request returns every record.
    #[default]
    None,
    /// An opaque cursor from each response is sent back as a parameter of the next request. The
    /// walk ends when the response has no cursor (or a stop condition holds).
    Cursor {
        /// Where the next cursor is found in the response.
        cursor_from: TokenSource,
        /// Name of the query parameter that carries the cursor, e.g. `cursor` or `starting_after`.
        /// Leave it out when the cursor goes elsewhere, e.g. into the body of a POST search: read
        /// `{{ page.token }}` in that template instead (null on the first page).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        param: Option<String>,
        /// Records per page, when the page size is sent as a parameter (needed for `short_page`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        page_size: Option<PageSize>,
        /// Extra conditions that end the walk.
        #[serde(default)]
        stop: StopConfig,
        /// Upper bound of pages to fetch.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1))]
        max_pages: Option<u64>,
    },
    /// Each response names the URL of the next page (in the body or in an RFC 8288 `Link`
    /// header). The walk ends when there is none. Next URLs must stay on the definition's hosts.
    NextUrl {
        /// Where the next URL is found. Relative URLs are resolved against the request URL.
        next_from: TokenSource,
        /// Records per page, when the page size is sent as a parameter (needed for `short_page`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        page_size: Option<PageSize>,
        /// Extra conditions that end the walk.
        #[serde(default)]
        stop: StopConfig,
        /// Upper bound of pages to fetch.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1))]
        max_pages: Option<u64>,
    },
    /// `offset` and `limit` parameters; the offset grows by the number of records received.
    Offset {
        /// Name of the offset parameter.
        #[serde(default = "default_offset_param")]
        offset_param: String,
        /// Name of the limit parameter.
        #[serde(default = "default_limit_param")]
        limit_param: String,
        /// Records per page.
        #[schemars(range(min = 1))]
        limit: u32,
        /// Offset of the first page.
        #[serde(default)]
        start: u64,
        /// Conditions that end the walk (an empty page always does).
        #[serde(default)]
        stop: StopConfig,
        /// Upper bound of pages to fetch.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1))]
        max_pages: Option<u64>,
    },
    /// A page number parameter counting up from `start`.
    PageNumber {
        /// Name of the page parameter.
        #[serde(default = "default_page_param")]
        page_param: String,
        /// Number of the first page (usually 1, sometimes 0).
        #[serde(default = "default_first_page")]
        start: u64,
        /// Records per page, when the page size is sent as a parameter.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        page_size: Option<PageSize>,
        /// Conditions that end the walk (an empty page always does).
        #[serde(default)]
        stop: StopConfig,
        /// Upper bound of pages to fetch.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1))]
        max_pages: Option<u64>,
    },
}

fn default_offset_param() -> String {
    "offset".to_owned()
}

fn default_limit_param() -> String {
    "limit".to_owned()
}

fn default_page_param() -> String {
    "page".to_owned()
}

fn default_first_page() -> u64 {
    1
}

/// The page size parameter and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageSize {
    /// Query parameter name, e.g. `per_page`, `limit` or `PageSize`.
    pub param: String,
    /// Records per page.
    #[schemars(range(min = 1))]
    pub value: u32,
}

/// Where a pagination token (cursor or next URL) is read from a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TokenSource {
    /// A JSONPath into the response body, e.g. `$.meta.next_cursor`. A missing, null or empty
    /// value means there is no next page.
    Body(String),
    /// A response header, e.g. `X-Next-Cursor`.
    Header(String),
    /// The `rel="next"` target of the RFC 8288 `Link` response header.
    LinkHeader,
}

/// Conditions that end a pagination walk, beside the strategy's own end (no cursor, no next URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StopConfig {
    /// Stop at a page with no records.
    #[serde(default = "default_true")]
    pub empty_page: bool,
    /// Stop at a page with fewer records than the page size. Needs a known page size.
    #[serde(default)]
    pub short_page: bool,
    /// JSONPath to a boolean in the body; the walk stops when it is `false`, e.g. `$.has_more`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<String>,
    /// JSONPath to the total record count in the body; the walk stops once that many records
    /// were received, e.g. `$.meta.total`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_records: Option<String>,
    /// JSONPath to the total page count in the body; the walk stops after that page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<String>,
}

impl Default for StopConfig {
    fn default() -> Self {
        StopConfig {
            empty_page: true,
            short_page: false,
            has_more: None,
            total_records: None,
            total_pages: None,
        }
    }
}

fn default_true() -> bool {
    true
}

impl PaginationConfig {
    /// The `type` name of this strategy, as written in definitions.
    pub fn kind(&self) -> &'static str {
        match self {
            PaginationConfig::None => "none",
            PaginationConfig::Cursor { .. } => "cursor",
            PaginationConfig::NextUrl { .. } => "next_url",
            PaginationConfig::Offset { .. } => "offset",
            PaginationConfig::PageNumber { .. } => "page_number",
        }
    }

    /// The stop conditions, for strategies that have them.
    pub fn stop(&self) -> Option<&StopConfig> {
        match self {
            PaginationConfig::None => None,
            PaginationConfig::Cursor { stop, .. }
            | PaginationConfig::NextUrl { stop, .. }
            | PaginationConfig::Offset { stop, .. }
            | PaginationConfig::PageNumber { stop, .. } => Some(stop),
        }
    }

    /// Records per page when the definition states it.
    pub fn page_size(&self) -> Option<u32> {
        match self {
            PaginationConfig::None => None,
            PaginationConfig::Offset { limit, .. } => Some(*limit),
            PaginationConfig::Cursor { page_size, .. }
            | PaginationConfig::NextUrl { page_size, .. }
            | PaginationConfig::PageNumber { page_size, .. } => {
                page_size.as_ref().map(|size| size.value)
            }
        }
    }

    /// The query parameters this strategy sets itself, so a read operation must not set them too.
    pub fn owned_params(&self) -> Vec<&str> {
        fn size(size: &Option<PageSize>) -> Option<&str> {
            size.as_ref().map(|s| s.param.as_str())
        }
        match self {
            PaginationConfig::None | PaginationConfig::NextUrl { .. } => vec![],
            PaginationConfig::Cursor {
                param, page_size, ..
            } => param
                .as_deref()
                .into_iter()
                .chain(size(page_size))
                .collect(),
            PaginationConfig::Offset {
                offset_param,
                limit_param,
                ..
            } => vec![offset_param, limit_param],
            PaginationConfig::PageNumber {
                page_param,
                page_size,
                ..
            } => std::iter::once(page_param.as_str())
                .chain(size(page_size))
                .collect(),
        }
    }
}
