//! The names APIs give to pagination parameters and fields, normalised (lower case, letters
//! and digits only, see [`crate::words::normalize`]): one vocabulary for reading documents
//! (`pagination.rs`) and live responses (`probe/`), so a name learned once is known to both.

/// Query parameters that carry an opaque cursor.
pub(crate) const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "scrollparam",
    "startingafter",
    "after",
    "pagetoken",
    "nextpagetoken",
    "nexttoken",
    "nextcursor",
    "continuationtoken",
    "continuation",
    "pagecursor",
    "startcursor",
    "pageafter",
];

/// Query parameters that number pages.
pub(crate) const PAGE_PARAMS: &[&str] = &["page", "pagenumber", "pageno", "pagenum", "pageindex"];

/// Query parameters that size pages.
pub(crate) const PAGE_SIZE_PARAMS: &[&str] = &[
    "perpage",
    "pagesize",
    "limit",
    "pagelimit",
    "size",
    "maxresults",
    "count",
    "top",
];

/// Query parameters that skip records.
pub(crate) const OFFSET_PARAMS: &[&str] = &["offset", "skip", "start", "startindex"];

/// Body fields that say whether another page follows.
pub(crate) const HAS_MORE_FIELDS: &[&str] =
    &["hasmore", "hasnext", "hasnextpage", "more", "moreavailable"];

/// Body fields with the total number of records.
pub(crate) const TOTAL_RECORD_FIELDS: &[&str] = &[
    "total",
    "totalcount",
    "totalitems",
    "totalresults",
    "totalrecords",
    "totalsize",
    "itemstotal",
];

/// Body fields with the total number of pages.
pub(crate) const TOTAL_PAGE_FIELDS: &[&str] = &[
    "totalpages",
    "pagestotal",
    "pagecount",
    "numpages",
    "lastpage",
];
