//! Probing a live list endpoint: where the records are, how pages link, what a record looks like.
//!
//! For APIs without a usable description, the next best teacher is the API itself. [`probe`]
//! fetches a list endpoint through any [`Transport`](pullpush_core::Transport), finds the array of
//! records in the response, reads every pagination signal it knows (RFC 8288 `Link` headers,
//! next URLs and cursors in the body, page and offset parameters of the request, totals and
//! `has_more` flags), follows the best one for a few pages, and merges the schema of every record
//! seen. The result speaks the definition's language: a `read.records` JSONPath and ready-made
//! `pagination` objects with confidences and evidence.
//!
//! The analysis of a single response ([`analyze_page`]) is pure; the walk only adds the requests.
//! Following pages matters: a field seen only on page 2 is in the schema (and not required),
//! and a strategy that really leads to new records is more trustworthy than one merely spotted.

mod analyze;
mod error;
mod records;
mod signals;
mod walk;

#[cfg(test)]
mod tests;

use std::fmt;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

pub use analyze::{PageAnalysis, analyze_page};
pub use error::ProbeError;
pub use walk::probe;

use crate::report::PaginationCandidate;

/// How far a probe goes and what it sends.
#[derive(Clone)]
pub struct ProbeOptions {
    /// Pages to fetch at most (at least one is always fetched).
    pub max_pages: u32,
    /// Extra request headers sent with every page (authentication is the transport's job).
    pub headers: Vec<(String, String)>,
}

impl Default for ProbeOptions {
    /// Three pages: enough to see a strategy work twice, few enough to be polite.
    fn default() -> Self {
        ProbeOptions {
            max_pages: 3,
            headers: Vec::new(),
        }
    }
}

/// Header values may be credentials: `Debug` shows only their names.
impl fmt::Debug for ProbeOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("ProbeOptions")
            .field("max_pages", &self.max_pages)
            .field("headers", &names)
            .finish()
    }
}

/// What a probe learned about a list endpoint. A wire format (`pullpush probe --json`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProbeReport {
    /// The URL probed.
    pub url: String,
    /// Pages fetched.
    pub pages: u32,
    /// Records seen on those pages.
    pub records_seen: u64,
    /// JSONPath of the records, as a definition's `read.records`: `$` for a top-level array,
    /// else e.g. `$.data[*]`.
    pub records: String,
    /// JSON Schema of one record, merged across every record seen: a property is required only
    /// when every record had it.
    pub record_schema: Value,
    /// Pagination strategies that fit, best first, ready to paste into a definition.
    pub pagination: Vec<PaginationCandidate>,
    /// The total number of records, when the API states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// What the walk noticed: why it stopped, pages that differ, signals that misled.
    pub notes: Vec<String>,
}
