//! Acceptance tests over the ten real vendor OpenAPI/Swagger documents in
//! `pullpush-discover/tests/specs` (a copy of the project's shared corpus; see its SOURCES.md).
//!
//! Every expected value below was read from the documents themselves — by eye and with small
//! Python scripts over the parsed files (`json.load` / `yaml.safe_load`, `$ref`s followed by hand)
//! — never copied from the tool's output. Where a number is asserted, the comment next to it says
//! how it was computed. Expectations are data (one `Spec` per document); each aspect has one
//! `check_*` helper, and a failure names the document and the aspect.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use pullpush_core::CanonicalRegistry;
use pullpush_discover::{
    ApiDocument, DEFAULT_MAX_DOCUMENT_BYTES, DiscoveryReport, Operation, OperationKind,
    PaginationCandidate, SpecVersion, discover,
};
use serde_json::Value;

use OperationKind::{Create, Delete, Item, List as ListKind, Update};

// ---------------------------------------------------------------------------------------------
// Expectations as data
// ---------------------------------------------------------------------------------------------

/// What one document must yield.
struct Spec {
    /// Path under `shared/specs`.
    file: &'static str,
    spec: SpecVersion,
    spec_version: &'static str,
    title: &'static str,
    api_version: &'static str,
    /// Effective base URLs (`resolved`, else `url`), in document order.
    servers: &'static [&'static str],
    /// One entry per security scheme (per OAuth flow), in document order.
    auth: &'static [Auth],
    /// Number of operations (every get/put/post/delete/options/head/patch/trace of every path).
    operations: usize,
    /// Number of GET operations.
    gets: usize,
    /// Operations without an `operationId`, whose id is `METHOD /path`.
    generated_ids: &'static [&'static str],
    /// (parameter name, `in`, number of operations carrying it after path-level and `$ref`'d
    /// parameters are merged).
    param_counts: &'static [(&'static str, &'static str, usize)],
    /// The GET operations declaring the document's paging query parameter.
    paged: Paged,
    /// Operation kinds.
    kinds: &'static [(&'static str, OperationKind)],
    /// (operation, parameter, `in`, required).
    params: &'static [(&'static str, &'static str, &'static str, bool)],
    /// (operation, parameter, documented maximum).
    maxima: &'static [(&'static str, &'static str, f64)],
    /// (operation, security schemes that apply, as a set).
    security: &'static [(&'static str, &'static [&'static str])],
    /// Rate-limit response headers documented anywhere (none of the ten documents declares one;
    /// checked with a script over every response's `headers` and a grep for "ratelimit").
    rate_limit_headers: &'static [&'static str],
    /// Chosen list operations.
    lists: &'static [List],
}

/// An expected auth candidate.
struct Auth {
    scheme: &'static str,
    kind: &'static str,
    location: Option<&'static str>,
    name: Option<&'static str>,
    flow: Option<&'static str>,
    token_url: Option<&'static str>,
    authorization_url: Option<&'static str>,
    /// Scopes that must be listed.
    scopes: &'static [&'static str],
    /// Exact number of scopes (0 when the scheme has none).
    scope_count: usize,
    global: bool,
}

const AUTH: Auth = Auth {
    scheme: "",
    kind: "",
    location: None,
    name: None,
    flow: None,
    token_url: None,
    authorization_url: None,
    scopes: &[],
    scope_count: 0,
    global: false,
};

/// The GET operations that declare a paging query parameter.
struct Paged {
    /// The query parameter.
    param: &'static str,
    /// How many GET operations declare it.
    count: usize,
    /// Those that return one record (not List) even though they declare it.
    not_list: &'static [&'static str],
    /// Those the document does not say enough about to judge (no response schema).
    unsure: &'static [&'static str],
}

/// An expected list operation.
struct List {
    op: &'static str,
    method: &'static str,
    path: &'static str,
    /// `ListDetails.records`.
    records: &'static str,
    /// The best pagination candidate.
    best: Pag,
    /// Other candidates that must be among the pagination candidates.
    also: &'static [Pag],
    /// Property names the record schema must have (`$ref`s inlined, `allOf` merged).
    record_props: &'static [&'static str],
    incremental: Option<Inc>,
    /// The top canonical candidate.
    canonical: Option<&'static str>,
    /// Every canonical candidate must be below this confidence (no natural fit).
    canonical_below: Option<f64>,
}

const LIST: List = List {
    op: "",
    method: "GET",
    path: "",
    records: "",
    best: NO_PAGINATION,
    also: &[],
    record_props: &[],
    incremental: None,
    canonical: None,
    canonical_below: None,
};

/// An expected pagination candidate: its `type` and fields of its serialised config, addressed
/// by JSON pointer.
struct Pag {
    kind: &'static str,
    fields: &'static [(&'static str, Field)],
}

/// `kind: "none"`: no candidate, or the best one is `none`.
const NO_PAGINATION: Pag = Pag {
    kind: "none",
    fields: &[],
};

enum Field {
    /// The field is this string.
    Is(&'static str),
    /// The field is absent (or null).
    Absent,
    /// When the field is there, it is this string (e.g. the page size parameter, which needs a
    /// value the document may not give).
    IfPresent(&'static str),
}

use Field::{Absent, IfPresent, Is};

/// An expected incremental candidate.
struct Inc {
    param: &'static str,
    location: &'static str,
    /// When the candidate names a cursor field, it is this one.
    cursor_field: Option<&'static str>,
    /// Whether it must be the best candidate (else only present).
    best: bool,
}

// ---------------------------------------------------------------------------------------------
// The ten documents
// ---------------------------------------------------------------------------------------------

/// Square as published is not strictly self-contained: 60 `$ref`s to
/// `https://developer-production-s.squarecdn.com/...` sit inside `example` values (data, not
/// references), and 5 local `$ref`s name `#/components/schemas/CatalogModifierToggleOverrideType`,
/// which the document never defines (flags of `CatalogItemModifierListInfo` and
/// `CatalogModifierOverride`, deep inside catalog items). It is a corpus document all the same:
/// discovery must read it.
const SQUARE: Spec = Spec {
    file: "square/api.json",
    spec: SpecVersion::OpenApi30,
    spec_version: "3.0.0",
    title: "Square",
    api_version: "2.0",
    servers: &["https://connect.squareup.com"],
    auth: &[
        Auth {
            scheme: "oauth2",
            kind: "oauth2_refresh_token",
            flow: Some("authorization_code"),
            token_url: Some("https://connect.squareup.com/oauth2/token"),
            authorization_url: Some("https://connect.squareup.com/oauth2/authorize"),
            scopes: &[
                "CUSTOMERS_READ",
                "INVENTORY_READ",
                "INVOICES_READ",
                "ITEMS_READ",
                "ORDERS_READ",
            ],
            // len(components.securitySchemes.oauth2.flows.authorizationCode.scopes)
            scope_count: 59,
            ..AUTH
        },
        // `{"type": "apiKey", "in": "header", "name": "Authorization"}`.
        Auth {
            scheme: "oauth2ClientSecret",
            kind: "api_key",
            location: Some("header"),
            name: Some("Authorization"),
            ..AUTH
        },
    ],
    // Counted over paths.*.{get,put,post,delete,options,head,patch,trace}:
    // 139 post + 118 get + 33 put + 26 delete.
    operations: 316,
    gets: 118,
    generated_ids: &[],
    param_counts: &[("cursor", "query", 46)],
    // GETs whose (path + operation) parameters include query `cursor`: 46 (SOURCES.md: "about
    // 46"). Every one returns an object with a records array and a `cursor` field, including
    // RetrieveInventoryCount (`/v2/inventory/{catalog_object_id}` → `counts[]`).
    paged: Paged {
        param: "cursor",
        count: 46,
        not_list: &[],
        unsure: &[],
    },
    kinds: &[
        ("ListCustomers", ListKind),
        ("RetrieveCustomer", Item),
        ("CreateCustomer", Create),
        ("UpdateCustomer", Update),
        ("DeleteCustomer", Delete),
        ("SearchOrders", ListKind),
        ("BatchRetrieveInventoryCounts", ListKind),
    ],
    params: &[
        ("ListCustomers", "cursor", "query", false),
        ("ListCustomers", "limit", "query", false),
        ("ListInvoices", "location_id", "query", true),
        ("RetrieveCustomer", "customer_id", "path", true),
    ],
    maxima: &[],
    security: &[
        ("ListCustomers", &["oauth2"]),
        ("ListInvoices", &["oauth2"]),
    ],
    rate_limit_headers: &[],
    lists: &[
        List {
            op: "ListCustomers",
            path: "/v2/customers",
            records: "$.customers[*]",
            best: SQUARE_CURSOR,
            record_props: &["id", "email_address", "given_name", "family_name"],
            canonical: Some("contact"),
            ..LIST
        },
        List {
            op: "ListInvoices",
            path: "/v2/invoices",
            records: "$.invoices[*]",
            best: SQUARE_CURSOR,
            record_props: &["id", "invoice_number", "location_id"],
            canonical: Some("invoice"),
            ..LIST
        },
        List {
            op: "ListCatalog",
            path: "/v2/catalog/list",
            records: "$.objects[*]",
            best: SQUARE_CURSOR,
            record_props: &["id", "type"],
            canonical: Some("product"),
            ..LIST
        },
        List {
            op: "ListPayments",
            path: "/v2/payments",
            records: "$.payments[*]",
            best: SQUARE_CURSOR,
            // `updated_at_begin_time`: "the range is determined using the `updated_at` field";
            // `begin_time` filters on `created_at`, which misses updates.
            incremental: Some(Inc {
                param: "updated_at_begin_time",
                location: "query",
                cursor_field: Some("$.updated_at"),
                best: true,
            }),
            ..LIST
        },
        // POST search: the cursor goes back in the JSON body, so no query `param`.
        List {
            op: "SearchOrders",
            method: "POST",
            path: "/v2/orders/search",
            records: "$.orders[*]",
            best: Pag {
                kind: "cursor",
                fields: &[("/cursor_from/body", Is("$.cursor")), ("/param", Absent)],
            },
            record_props: &["id", "location_id", "line_items"],
            canonical: Some("order"),
            ..LIST
        },
        List {
            op: "BatchRetrieveInventoryCounts",
            method: "POST",
            path: "/v2/inventory/counts/batch-retrieve",
            records: "$.counts[*]",
            best: Pag {
                kind: "cursor",
                fields: &[("/cursor_from/body", Is("$.cursor")), ("/param", Absent)],
            },
            record_props: &["catalog_object_id", "location_id", "quantity", "state"],
            canonical: Some("stocklevel"),
            ..LIST
        },
        // No paging parameter and no cursor in the response.
        List {
            op: "ListLocations",
            path: "/v2/locations",
            records: "$.locations[*]",
            best: NO_PAGINATION,
            ..LIST
        },
    ],
};

const SQUARE_CURSOR: Pag = Pag {
    kind: "cursor",
    fields: &[
        ("/cursor_from/body", Is("$.cursor")),
        ("/param", Is("cursor")),
        ("/page_size/param", IfPresent("limit")),
    ],
};

const SPREE: Spec = Spec {
    file: "spree/platform.yaml",
    spec: SpecVersion::OpenApi30,
    spec_version: "3.0.3",
    title: "Platform API",
    api_version: "v2",
    // `http://{defaultHost}` with `defaultHost.default: localhost:3000`.
    servers: &["http://localhost:3000"],
    auth: &[Auth {
        scheme: "bearer_auth",
        kind: "bearer",
        ..AUTH
    }],
    // 87 get + 39 post + 63 patch + 41 delete.
    operations: 230,
    gets: 87,
    generated_ids: &[],
    param_counts: &[("page", "query", 43), ("per_page", "query", 43)],
    // 43 GETs declare `page` (SOURCES.md: 43). `vendors-list` documents no response schema at
    // all ("200: Records returned"), so it is not judged.
    paged: Paged {
        param: "page",
        count: 43,
        not_list: &[],
        unsure: &["vendors-list"],
    },
    kinds: &[
        ("stock-items-list", ListKind),
        ("show-stock-item", Item),
        ("create-stock-item", Create),
        ("update-stock-item", Update),
        ("delete-stock-item", Delete),
    ],
    params: &[
        ("stock-items-list", "page", "query", false),
        ("stock-items-list", "per_page", "query", false),
        ("stock-items-list", "include", "query", false),
        ("show-stock-item", "id", "path", true),
    ],
    maxima: &[],
    security: &[("stock-items-list", &["bearer_auth"])],
    rate_limit_headers: &[],
    lists: &[
        List {
            op: "stock-items-list",
            path: "/api/v2/platform/stock_items",
            records: "$.data[*]",
            best: SPREE_PAGES,
            // `resources_list.data.items: allOf [resource_properties]`.
            record_props: &["id", "type", "attributes", "relationships"],
            canonical: Some("stocklevel"),
            ..LIST
        },
        List {
            op: "orders-list",
            path: "/api/v2/platform/orders",
            records: "$.data[*]",
            best: SPREE_PAGES,
            canonical: Some("order"),
            ..LIST
        },
        List {
            op: "products-list",
            path: "/api/v2/platform/products",
            records: "$.data[*]",
            best: SPREE_PAGES,
            canonical: Some("product"),
            ..LIST
        },
        List {
            op: "users-list",
            path: "/api/v2/platform/users",
            records: "$.data[*]",
            best: SPREE_PAGES,
            canonical: Some("contact"),
            ..LIST
        },
    ],
};

/// Spree's `links.next` is *required* in `resources_list` and never goes away: the documented
/// example of a one-page result (`total_pages: 1`) has `next` pointing at page 1 again, so a
/// next-URL walk would not end. The declared `page`/`per_page` with `meta.total_pages` is right.
const SPREE_PAGES: Pag = Pag {
    kind: "page_number",
    fields: &[
        ("/page_param", Is("page")),
        ("/page_size/param", IfPresent("per_page")),
    ],
};

const XERO: Spec = Spec {
    file: "xero/xero_accounting.yaml",
    spec: SpecVersion::OpenApi30,
    spec_version: "3.0.0",
    title: "Xero Accounting API",
    api_version: "16.1.0",
    servers: &["https://api.xero.com/api.xro/2.0"],
    auth: &[Auth {
        scheme: "OAuth2",
        kind: "oauth2_refresh_token",
        flow: Some("authorization_code"),
        token_url: Some("https://identity.xero.com/connect/token"),
        authorization_url: Some("https://login.xero.com/identity/connect/authorize"),
        scopes: &[
            "accounting.contacts",
            "accounting.settings.read",
            "accounting.transactions",
            "accounting.transactions.read",
        ],
        // len(components.securitySchemes.OAuth2.flows.authorizationCode.scopes)
        scope_count: 16,
        ..AUTH
    }],
    // 126 get + 53 put + 46 post + 10 delete.
    operations: 235,
    gets: 126,
    generated_ids: &[],
    param_counts: &[
        // Path-level `parameters: [$ref: '#/components/parameters/requiredHeader']` on every
        // path, so every operation carries it.
        ("xero-tenant-id", "header", 235),
        // `$ref: '#/components/parameters/ifModifiedSince'` on 18 operations.
        ("If-Modified-Since", "header", 18),
        ("page", "query", 11),
    ],
    paged: Paged {
        param: "page",
        count: 11,
        not_list: &[],
        unsure: &[],
    },
    kinds: &[
        ("getInvoices", ListKind),
        // GET /Invoices/{InvoiceID} answers `{Invoices: [one]}` but is a single-record fetch.
        ("getInvoice", Item),
        // PUT /Invoices: "Creates one or more sales invoices or purchase bills".
        ("createInvoices", Create),
        // POST /Invoices/{InvoiceID}: "Updates a specific sales invoices or purchase bills".
        ("updateInvoice", Update),
        ("deleteItem", Delete),
    ],
    params: &[
        ("getInvoices", "xero-tenant-id", "header", true),
        ("getInvoices", "If-Modified-Since", "header", false),
        ("getInvoices", "page", "query", false),
        ("getInvoices", "pageSize", "query", false),
        ("getInvoice", "InvoiceID", "path", true),
    ],
    maxima: &[],
    security: &[("getInvoices", &["OAuth2"])],
    rate_limit_headers: &[],
    lists: &[
        List {
            op: "getInvoices",
            path: "/Invoices",
            records: "$.Invoices[*]",
            best: XERO_PAGES,
            record_props: &["InvoiceID", "InvoiceNumber", "Total", "UpdatedDateUTC"],
            incremental: Some(XERO_IMS),
            canonical: Some("invoice"),
            ..LIST
        },
        List {
            op: "getContacts",
            path: "/Contacts",
            records: "$.Contacts[*]",
            best: XERO_PAGES,
            record_props: &["ContactID", "Name", "EmailAddress"],
            incremental: Some(XERO_IMS),
            canonical: Some("contact"),
            ..LIST
        },
        // No `page` on /Items: one request returns every item.
        List {
            op: "getItems",
            path: "/Items",
            records: "$.Items[*]",
            best: NO_PAGINATION,
            record_props: &["ItemID", "Code", "Name"],
            incremental: Some(XERO_IMS),
            canonical: Some("product"),
            ..LIST
        },
        List {
            op: "getPurchaseOrders",
            path: "/PurchaseOrders",
            records: "$.PurchaseOrders[*]",
            best: XERO_PAGES,
            incremental: Some(XERO_IMS),
            canonical: Some("order"),
            ..LIST
        },
    ],
};

const XERO_PAGES: Pag = Pag {
    kind: "page_number",
    fields: &[
        ("/page_param", Is("page")),
        ("/page_size/param", IfPresent("pageSize")),
    ],
};

const XERO_IMS: Inc = Inc {
    param: "If-Modified-Since",
    location: "header",
    cursor_field: Some("$.UpdatedDateUTC"),
    best: true,
};

const TWILIO: Spec = Spec {
    file: "twilio/twilio_api_v2010.json",
    spec: SpecVersion::OpenApi30,
    spec_version: "3.0.1",
    title: "Twilio - Api",
    api_version: "1.0.0",
    servers: &["https://api.twilio.com"],
    auth: &[Auth {
        scheme: "accountSid_authToken",
        kind: "basic",
        global: true,
        ..AUTH
    }],
    // 103 get + 62 post + 32 delete.
    operations: 197,
    gets: 103,
    generated_ids: &[],
    param_counts: &[
        ("PageSize", "query", 61),
        ("PageToken", "query", 61),
        ("AccountSid", "path", 193),
    ],
    // SOURCES.md: `PageSize`/`Page`/`PageToken` on 61 GETs; every one answers an object with
    // `next_page_uri` and a named records array.
    paged: Paged {
        param: "PageSize",
        count: 61,
        not_list: &[],
        unsure: &[],
    },
    kinds: &[
        ("ListCall", ListKind),
        ("FetchCall", Item),
        ("CreateCall", Create),
        // POST to the item path.
        ("UpdateCall", Update),
        ("DeleteCall", Delete),
    ],
    params: &[
        ("ListCall", "AccountSid", "path", true),
        ("ListCall", "PageSize", "query", false),
        ("ListCall", "StartTime>", "query", false),
    ],
    maxima: &[("ListCall", "PageSize", 1000.0)],
    security: &[("ListCall", &["accountSid_authToken"])],
    rate_limit_headers: &[],
    lists: &[
        List {
            op: "ListCall",
            path: "/2010-04-01/Accounts/{AccountSid}/Calls.json",
            records: "$.calls[*]",
            best: TWILIO_NEXT,
            record_props: &["sid", "to", "from", "status", "start_time", "duration"],
            canonical: Some("call"),
            ..LIST
        },
        List {
            op: "ListMessage",
            path: "/2010-04-01/Accounts/{AccountSid}/Messages.json",
            records: "$.messages[*]",
            best: TWILIO_NEXT,
            ..LIST
        },
        List {
            op: "ListRecording",
            path: "/2010-04-01/Accounts/{AccountSid}/Recordings.json",
            records: "$.recordings[*]",
            best: TWILIO_NEXT,
            ..LIST
        },
        List {
            op: "ListAccount",
            path: "/2010-04-01/Accounts.json",
            records: "$.accounts[*]",
            best: TWILIO_NEXT,
            ..LIST
        },
    ],
};

const TWILIO_NEXT: Pag = Pag {
    kind: "next_url",
    fields: &[
        ("/next_from/body", Is("$.next_page_uri")),
        ("/page_size/param", IfPresent("PageSize")),
    ],
};

const INTERCOM: Spec = Spec {
    file: "intercom/api.intercom.io.yaml",
    spec: SpecVersion::OpenApi30,
    spec_version: "3.0.1",
    title: "Intercom API",
    api_version: "2.15",
    servers: &[
        "https://api.intercom.io",
        "https://api.eu.intercom.io",
        "https://api.au.intercom.io",
    ],
    auth: &[Auth {
        scheme: "bearerAuth",
        kind: "bearer",
        global: true,
        ..AUTH
    }],
    // 78 get + 49 post + 16 put + 19 delete.
    operations: 162,
    gets: 78,
    // The four operations without an `operationId`.
    generated_ids: &[
        "POST /export/reporting_data/enqueue",
        "GET /export/reporting_data/{job_identifier}",
        "GET /export/reporting_data/get_datasets",
        "GET /download/reporting_data/{job_identifier}",
    ],
    // Every operation but the five /fin_voice ones declares the `Intercom-Version` header.
    param_counts: &[
        ("Intercom-Version", "header", 157),
        ("per_page", "query", 4),
    ],
    // GET /conversations, GET /companies, GET /calls (the fourth `per_page` is POST
    // /companies/list).
    paged: Paged {
        param: "per_page",
        count: 3,
        not_list: &[],
        unsure: &[],
    },
    kinds: &[
        ("ListContacts", ListKind),
        ("ShowContact", Item),
        ("CreateContact", Create),
        ("UpdateContact", Update),
        ("DeleteContact", Delete),
        // Named "retrieve", but GET /companies answers a paged `data[]` of companies.
        ("retrieveCompany", ListKind),
        ("listAllCompanies", ListKind),
        ("SearchContacts", ListKind),
        ("searchTickets", ListKind),
    ],
    params: &[
        ("ListContacts", "Intercom-Version", "header", false),
        ("listConversations", "per_page", "query", false),
        ("listConversations", "starting_after", "query", false),
        ("ShowContact", "contact_id", "path", true),
    ],
    maxima: &[("listConversations", "per_page", 150.0)],
    security: &[("ListContacts", &["bearerAuth"])],
    rate_limit_headers: &[],
    lists: &[
        // No paging parameter is declared; the cursor is `pages.next.starting_after` in the
        // response, and the description says to send it back as `starting_after`.
        List {
            op: "ListContacts",
            path: "/contacts",
            records: "$.data[*]",
            best: INTERCOM_CURSOR,
            record_props: &["id", "email", "name", "external_id"],
            canonical: Some("contact"),
            ..LIST
        },
        List {
            op: "listConversations",
            path: "/conversations",
            records: "$.conversations[*]",
            best: Pag {
                kind: "cursor",
                fields: &[
                    ("/cursor_from/body", Is("$.pages.next.starting_after")),
                    ("/param", Is("starting_after")),
                    ("/page_size/param", IfPresent("per_page")),
                ],
            },
            ..LIST
        },
        List {
            op: "retrieveCompany",
            path: "/companies",
            records: "$.data[*]",
            best: Pag {
                kind: "page_number",
                fields: &[
                    ("/page_param", Is("page")),
                    ("/page_size/param", IfPresent("per_page")),
                ],
            },
            record_props: &["id", "name", "company_id"],
            canonical: Some("company"),
            ..LIST
        },
        // `scroll_param` in, `scroll_param` out.
        List {
            op: "scrollOverAllCompanies",
            path: "/companies/scroll",
            records: "$.data[*]",
            best: Pag {
                kind: "cursor",
                fields: &[
                    ("/cursor_from/body", Is("$.scroll_param")),
                    ("/param", Is("scroll_param")),
                ],
            },
            ..LIST
        },
        // POST searches: pagination is in the JSON body (`pagination.starting_after`).
        List {
            op: "SearchContacts",
            method: "POST",
            path: "/contacts/search",
            records: "$.data[*]",
            best: INTERCOM_BODY_CURSOR,
            canonical: Some("contact"),
            ..LIST
        },
        List {
            op: "searchTickets",
            method: "POST",
            path: "/tickets/search",
            records: "$.tickets[*]",
            best: INTERCOM_BODY_CURSOR,
            record_props: &["id", "ticket_id", "ticket_state"],
            canonical: Some("ticket"),
            ..LIST
        },
    ],
};

const INTERCOM_CURSOR: Pag = Pag {
    kind: "cursor",
    fields: &[
        ("/cursor_from/body", Is("$.pages.next.starting_after")),
        ("/param", Is("starting_after")),
    ],
};

const INTERCOM_BODY_CURSOR: Pag = Pag {
    kind: "cursor",
    fields: &[
        ("/cursor_from/body", Is("$.pages.next.starting_after")),
        ("/param", Absent),
    ],
};

const HARBOR: Spec = Spec {
    file: "harbor/swagger.yaml",
    spec: SpecVersion::Swagger2,
    spec_version: "2.0",
    title: "Harbor API",
    api_version: "2.0",
    // `schemes: [http, https]`, `host: localhost`, `basePath: /api/v2.0`.
    // The document lists `schemes: [http, https]`; discovery lists https first on purpose (a
    // draft should not send credentials in the clear when the API offers TLS).
    servers: &["https://localhost/api/v2.0", "http://localhost/api/v2.0"],
    // `securityDefinitions.basic: {type: basic}`; `security: [{basic: []}, {}]`.
    auth: &[Auth {
        scheme: "basic",
        kind: "basic",
        global: true,
        ..AUTH
    }],
    // 114 get + 34 post + 31 put + 1 head + 19 delete + 4 patch.
    operations: 203,
    gets: 114,
    generated_ids: &[],
    // `$ref: '#/parameters/requestId'` on every operation; `#/parameters/page` on 41 GETs.
    param_counts: &[
        ("X-Request-Id", "header", 203),
        ("page", "query", 41),
        ("page_size", "query", 41),
    ],
    // 41 GETs declare `page`; 40 answer an array (and declare `Link`/`X-Total-Count`, as
    // SOURCES.md says). getArtifact (`.../artifacts/{reference}`) answers one Artifact.
    paged: Paged {
        param: "page",
        count: 41,
        not_list: &["getArtifact"],
        unsure: &[],
    },
    kinds: &[
        ("listProjects", ListKind),
        ("getProject", Item),
        ("createProject", Create),
        ("updateProject", Update),
        ("deleteProject", Delete),
        ("getArtifact", Item),
    ],
    params: &[
        ("listProjects", "page", "query", false),
        ("listProjects", "page_size", "query", false),
        ("listProjects", "X-Request-Id", "header", false),
        ("getProject", "project_name_or_id", "path", true),
    ],
    maxima: &[("listProjects", "page_size", 100.0)],
    security: &[("listProjects", &["basic"])],
    rate_limit_headers: &[],
    lists: &[
        List {
            op: "listProjects",
            path: "/projects",
            records: "$",
            best: HARBOR_LINK,
            also: &[HARBOR_PAGES],
            record_props: &["project_id", "name", "repo_count"],
            ..LIST
        },
        // Audit logs match no canonical type: no type's required fields are there.
        List {
            op: "listAuditLogs",
            path: "/audit-logs",
            records: "$",
            best: HARBOR_LINK,
            also: &[HARBOR_PAGES],
            record_props: &["id", "username", "operation", "op_time"],
            canonical_below: Some(0.5),
            ..LIST
        },
        List {
            op: "listUsers",
            path: "/users",
            records: "$",
            best: HARBOR_LINK,
            also: &[HARBOR_PAGES],
            record_props: &["user_id", "username", "email"],
            ..LIST
        },
        List {
            op: "listRepositories",
            path: "/projects/{project_name}/repositories",
            records: "$",
            best: HARBOR_LINK,
            also: &[HARBOR_PAGES],
            ..LIST
        },
    ],
};

/// Harbor's list responses declare a `Link` header ("Link refers to the previous page and next
/// page"): the server's own next-page pointer, which ends the walk exactly and keeps every
/// filter, so it ranks first; the declared `page`/`page_size` parameters (default 1 / 10, max
/// 100) are the fallback and must be offered too.
const HARBOR_LINK: Pag = Pag {
    kind: "next_url",
    fields: &[
        ("/next_from", Is("link_header")),
        ("/page_size/param", IfPresent("page_size")),
    ],
};

const HARBOR_PAGES: Pag = Pag {
    kind: "page_number",
    fields: &[
        ("/page_param", Is("page")),
        ("/page_size/param", IfPresent("page_size")),
    ],
};

const ADYEN: Spec = Spec {
    file: "adyen/ManagementService-v3.json",
    spec: SpecVersion::OpenApi31,
    spec_version: "3.1.0",
    title: "Management API",
    api_version: "3",
    servers: &["https://management-test.adyen.com/v3"],
    // No top-level `security`: every operation says `[{BasicAuth: []}, {ApiKeyAuth: []}]`.
    auth: &[
        Auth {
            scheme: "ApiKeyAuth",
            kind: "api_key",
            location: Some("header"),
            name: Some("X-API-Key"),
            ..AUTH
        },
        Auth {
            scheme: "BasicAuth",
            kind: "basic",
            ..AUTH
        },
    ],
    // 63 get + 37 post + 26 patch + 8 delete.
    operations: 134,
    gets: 63,
    generated_ids: &[],
    param_counts: &[
        ("pageNumber", "query", 16),
        ("pageSize", "query", 16),
        ("offset", "query", 6),
        ("limit", "query", 6),
    ],
    paged: Paged {
        param: "pageNumber",
        count: 16,
        not_list: &[],
        unsure: &[],
    },
    kinds: &[
        ("get-companies-companyId-users", ListKind),
        ("get-companies-companyId-users-userId", Item),
        ("post-companies-companyId-users", Create),
        ("patch-companies-companyId-users-userId", Update),
        ("delete-companies-companyId-webhooks-webhookId", Delete),
    ],
    params: &[
        ("get-companies-companyId-users", "companyId", "path", true),
        (
            "get-companies-companyId-users",
            "pageNumber",
            "query",
            false,
        ),
        ("get-companies-companyId-users", "pageSize", "query", false),
        ("get-companies-companyId-users", "username", "query", false),
    ],
    maxima: &[],
    security: &[(
        "get-companies-companyId-users",
        &["BasicAuth", "ApiKeyAuth"],
    )],
    rate_limit_headers: &[],
    lists: &[
        List {
            op: "get-companies-companyId-users",
            path: "/companies/{companyId}/users",
            records: "$.data[*]",
            best: ADYEN_PAGES,
            // `_links.next.href`: "The next page. Only present if there is a next page."
            also: &[ADYEN_NEXT],
            record_props: &["id", "email", "username", "name"],
            canonical: Some("contact"),
            ..LIST
        },
        List {
            op: "get-merchants",
            path: "/merchants",
            records: "$.data[*]",
            best: ADYEN_PAGES,
            also: &[ADYEN_NEXT],
            ..LIST
        },
        List {
            op: "get-terminals",
            path: "/terminals",
            records: "$.data[*]",
            best: ADYEN_PAGES,
            ..LIST
        },
        List {
            op: "get-companies-companyId-terminalOrders",
            path: "/companies/{companyId}/terminalOrders",
            records: "$.data[*]",
            best: Pag {
                kind: "offset",
                fields: &[
                    ("/offset_param", Is("offset")),
                    ("/limit_param", Is("limit")),
                ],
            },
            ..LIST
        },
    ],
};

/// Adyen declares `pageNumber`/`pageSize` and answers `pagesTotal`/`itemsTotal`, an exact end.
/// `_links.next.href` is offered too, but it ranks second: the document's only examples of it
/// point at `/v1/...` while the server is `/v3`, so following it is not safe to assume.
const ADYEN_PAGES: Pag = Pag {
    kind: "page_number",
    fields: &[
        ("/page_param", Is("pageNumber")),
        ("/page_size/param", IfPresent("pageSize")),
    ],
};

const ADYEN_NEXT: Pag = Pag {
    kind: "next_url",
    fields: &[("/next_from/body", Is("$._links.next.href"))],
};

const APIDECK: Spec = Spec {
    file: "apideck/issue-tracking.yml",
    spec: SpecVersion::OpenApi30,
    spec_version: "3.0.0",
    title: "Issue Tracking API",
    api_version: "10.34.0",
    servers: &["https://unify.apideck.com"],
    // `{type: apiKey, in: header, name: Authorization}`, applied globally.
    auth: &[Auth {
        scheme: "apiKey",
        kind: "api_key",
        location: Some("header"),
        name: Some("Authorization"),
        global: true,
        ..AUTH
    }],
    // 9 get + 2 post + 2 patch + 2 delete.
    operations: 15,
    gets: 9,
    generated_ids: &[],
    param_counts: &[
        ("x-apideck-app-id", "header", 15),
        ("x-apideck-consumer-id", "header", 15),
        ("cursor", "query", 6),
    ],
    // Six GETs declare `cursor`; collectionTicketCommentsOne (`.../comments/{id}`) declares
    // `cursor`/`limit` too but answers one comment (`data` is an object).
    paged: Paged {
        param: "cursor",
        count: 6,
        not_list: &["collectionTicketCommentsOne"],
        unsure: &[],
    },
    kinds: &[
        ("collectionTicketsAll", ListKind),
        ("collectionTicketsOne", Item),
        ("collectionTicketsAdd", Create),
        ("collectionTicketsUpdate", Update),
        ("collectionTicketsDelete", Delete),
        ("collectionTicketCommentsOne", Item),
    ],
    params: &[
        ("collectionTicketsAll", "x-apideck-app-id", "header", true),
        (
            "collectionTicketsAll",
            "x-apideck-consumer-id",
            "header",
            true,
        ),
        (
            "collectionTicketsAll",
            "x-apideck-service-id",
            "header",
            false,
        ),
        ("collectionTicketsAll", "collection_id", "path", true),
        ("collectionTicketsAll", "limit", "query", false),
    ],
    maxima: &[("collectionTicketsAll", "limit", 200.0)],
    security: &[("collectionTicketsAll", &["apiKey"])],
    rate_limit_headers: &[],
    lists: &[
        List {
            op: "collectionTicketsAll",
            path: "/issue-tracking/collections/{collection_id}/tickets",
            records: "$.data[*]",
            best: APIDECK_CURSOR,
            // `links.next`: a full URL carrying the next cursor.
            also: &[Pag {
                kind: "next_url",
                fields: &[("/next_from/body", Is("$.links.next"))],
            }],
            record_props: &["id", "subject", "status", "created_at", "updated_at"],
            canonical: Some("ticket"),
            ..LIST
        },
        List {
            op: "collectionUsersAll",
            path: "/issue-tracking/collections/{collection_id}/users",
            records: "$.data[*]",
            best: APIDECK_CURSOR,
            canonical: Some("contact"),
            ..LIST
        },
        List {
            op: "collectionsAll",
            path: "/issue-tracking/collections",
            records: "$.data[*]",
            best: APIDECK_CURSOR,
            ..LIST
        },
        List {
            op: "collectionTicketCommentsAll",
            path: "/issue-tracking/collections/{collection_id}/tickets/{ticket_id}/comments",
            records: "$.data[*]",
            best: APIDECK_CURSOR,
            ..LIST
        },
    ],
};

/// Apideck declares `cursor`/`limit` and answers `meta.cursors.next`: the cursor walk keeps every
/// query parameter of the request. `links.next` is offered too, but ranks second: its
/// description says "previous page" and its example (`/crm/companies?cursor=...`) carries only
/// the cursor, so filters and `limit` may not survive it.
const APIDECK_CURSOR: Pag = Pag {
    kind: "cursor",
    fields: &[
        ("/cursor_from/body", Is("$.meta.cursors.next")),
        ("/param", Is("cursor")),
        ("/page_size/param", IfPresent("limit")),
    ],
};

const PETSTORE_V3: Spec = Spec {
    file: "oai/petstore-expanded.yaml",
    spec: SpecVersion::OpenApi30,
    spec_version: "3.0.0",
    title: "Swagger Petstore",
    api_version: "1.0.0",
    servers: &["https://petstore.swagger.io/v2"],
    auth: &[],
    operations: 4,
    gets: 2,
    generated_ids: &[],
    param_counts: &[("limit", "query", 1), ("tags", "query", 1)],
    paged: Paged {
        param: "limit",
        count: 1,
        not_list: &[],
        unsure: &[],
    },
    kinds: &[
        ("findPets", ListKind),
        ("addPet", Create),
        // Yes, with spaces: `operationId: find pet by id`.
        ("find pet by id", Item),
        ("deletePet", Delete),
    ],
    params: &[
        ("findPets", "tags", "query", false),
        ("findPets", "limit", "query", false),
        ("find pet by id", "id", "path", true),
    ],
    maxima: &[],
    security: &[],
    rate_limit_headers: &[],
    lists: &[PETS],
};

/// `limit` alone is not pagination: there is no offset, page or cursor.
const PETS: List = List {
    op: "findPets",
    path: "/pets",
    records: "$",
    best: NO_PAGINATION,
    // Pet = allOf [NewPet {name, tag}, {id}].
    record_props: &["id", "name", "tag"],
    ..LIST
};

const PETSTORE_V2: Spec = Spec {
    file: "oai/petstore-expanded.json",
    spec: SpecVersion::Swagger2,
    spec_version: "2.0",
    // `schemes: [http]`, `host: petstore.swagger.io`, `basePath: /api`.
    servers: &["http://petstore.swagger.io/api"],
    ..PETSTORE_V3
};

// ---------------------------------------------------------------------------------------------
// One test per document
// ---------------------------------------------------------------------------------------------

#[test]
fn square() {
    run(&SQUARE);
}

#[test]
fn spree() {
    run(&SPREE);
}

#[test]
fn xero() {
    run(&XERO);
}

#[test]
fn twilio() {
    run(&TWILIO);
}

#[test]
fn intercom() {
    run(&INTERCOM);
}

#[test]
fn harbor() {
    run(&HARBOR);
}

#[test]
fn adyen() {
    run(&ADYEN);
}

#[test]
fn apideck() {
    run(&APIDECK);
}

#[test]
fn petstore_v3() {
    run(&PETSTORE_V3);
}

#[test]
fn petstore_v2() {
    run(&PETSTORE_V2);
}

/// The same API in Swagger 2.0 and OpenAPI 3.0 normalises to the same operations, and
/// `findPets` to the same records path, parameters and record properties.
#[test]
fn petstore_v2_and_v3_are_equivalent() {
    let v3 = report_of(PETSTORE_V3.file);
    let v2 = report_of(PETSTORE_V2.file);
    let mut failures = Failures::new("petstore v2 vs v3");

    let shape = |report: &DiscoveryReport| -> Vec<(String, String, String, OperationKind)> {
        report
            .operations
            .iter()
            .map(|op| (op.id.clone(), op.method.clone(), op.path.clone(), op.kind))
            .collect()
    };
    if shape(&v2) != shape(&v3) {
        failures.fail(
            "operations",
            format!("v2 {:?}\n  v3 {:?}", shape(&v2), shape(&v3)),
        );
    }
    if v2.auth != v3.auth {
        failures.fail("auth", format!("v2 {:?}, v3 {:?}", v2.auth, v3.auth));
    }

    let (Some(a), Some(b)) = (find(&v2, "findPets"), find(&v3, "findPets")) else {
        failures.fail("findPets", "missing from one of the reports".into());
        failures.finish();
        return;
    };
    let params = |op: &Operation| -> Vec<(String, String, bool, Option<String>)> {
        let mut list: Vec<_> = op
            .parameters
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.location.clone(),
                    p.required,
                    p.r#type.clone(),
                )
            })
            .collect();
        list.sort();
        list
    };
    if params(a) != params(b) {
        failures.fail(
            "findPets parameters",
            format!("v2 {:?}, v3 {:?}", params(a), params(b)),
        );
    }
    let expected_params = vec![
        (
            "limit".to_owned(),
            "query".to_owned(),
            false,
            Some("integer".to_owned()),
        ),
        (
            "tags".to_owned(),
            "query".to_owned(),
            false,
            Some("array".to_owned()),
        ),
    ];
    if params(b) != expected_params {
        failures.fail(
            "findPets parameters",
            format!("v3 {:?}, expected {expected_params:?}", params(b)),
        );
    }
    match (&a.list, &b.list) {
        (Some(la), Some(lb)) => {
            if la.records != lb.records {
                failures.fail(
                    "findPets records",
                    format!("v2 {}, v3 {}", la.records, lb.records),
                );
            }
            let (pa, pb) = (
                property_names(&la.record_schema),
                property_names(&lb.record_schema),
            );
            let expected: BTreeSet<String> = ["id", "name", "tag"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            if pa != pb || pb != expected {
                failures.fail(
                    "findPets record schema",
                    format!("v2 {pa:?}, v3 {pb:?}, expected {expected:?}"),
                );
            }
            let kinds = |l: &pullpush_discover::ListDetails| -> Vec<&'static str> {
                l.pagination.iter().map(|p| p.config.kind()).collect()
            };
            if kinds(la) != kinds(lb) {
                failures.fail(
                    "findPets pagination",
                    format!("v2 {:?}, v3 {:?}", kinds(la), kinds(lb)),
                );
            }
        }
        _ => failures.fail("findPets list details", "missing in v2 or v3".into()),
    }
    failures.finish();
}

// ---------------------------------------------------------------------------------------------
// Running a spec: one check per aspect
// ---------------------------------------------------------------------------------------------

fn run(spec: &Spec) {
    let report = report_of(spec.file);
    let mut failures = Failures::new(spec.file);
    check_header(spec, &report, &mut failures);
    check_servers(spec, &report, &mut failures);
    check_auth(spec, &report, &mut failures);
    check_counts(spec, &report, &mut failures);
    check_generated_ids(spec, &report, &mut failures);
    check_param_counts(spec, &report, &mut failures);
    check_paged(spec, &report, &mut failures);
    check_kinds(spec, &report, &mut failures);
    check_params(spec, &report, &mut failures);
    check_security(spec, &report, &mut failures);
    check_rate_limits(spec, &report, &mut failures);
    for list in spec.lists {
        check_list(list, &report, &mut failures);
    }
    failures.finish();
}

/// Collects every failed expectation of one document, so a run shows them all.
struct Failures {
    name: String,
    list: Vec<String>,
}

impl Failures {
    fn new(name: &str) -> Self {
        Failures {
            name: name.to_owned(),
            list: Vec::new(),
        }
    }

    fn fail(&mut self, aspect: &str, message: String) {
        self.list
            .push(format!("{}: {aspect}: {message}", self.name));
    }

    fn finish(self) {
        assert!(
            self.list.is_empty(),
            "{} expectation(s) failed:\n{}",
            self.list.len(),
            self.list.join("\n")
        );
    }
}

fn specs_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/specs");
    assert!(
        dir.join("SOURCES.md").is_file(),
        "the OpenAPI test corpus is missing: expected it at {} (committed in the repository, \
         see its SOURCES.md)",
        dir.display()
    );
    dir
}

fn report_of(file: &str) -> DiscoveryReport {
    let path = specs_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{file}: cannot read {}: {error}", path.display()));
    let document = ApiDocument::parse(&text, DEFAULT_MAX_DOCUMENT_BYTES)
        .unwrap_or_else(|error| panic!("{file}: parse: {error}"));
    discover(&document, &CanonicalRegistry::builtin())
}

fn find<'a>(report: &'a DiscoveryReport, id: &str) -> Option<&'a Operation> {
    report.operations.iter().find(|op| op.id == id)
}

fn check_header(spec: &Spec, report: &DiscoveryReport, failures: &mut Failures) {
    if report.spec != spec.spec {
        failures.fail(
            "spec",
            format!("{:?}, expected {:?}", report.spec, spec.spec),
        );
    }
    for (aspect, got, want) in [
        ("spec_version", &report.spec_version, spec.spec_version),
        ("title", &report.title, spec.title),
        ("api_version", &report.api_version, spec.api_version),
    ] {
        if got != want {
            failures.fail(aspect, format!("{got:?}, expected {want:?}"));
        }
    }
}

fn check_servers(spec: &Spec, report: &DiscoveryReport, failures: &mut Failures) {
    let got: Vec<&str> = report
        .servers
        .iter()
        .map(|s| s.resolved.as_deref().unwrap_or(&s.url))
        .collect();
    if got != spec.servers {
        failures.fail("servers", format!("{got:?}, expected {:?}", spec.servers));
    }
}

fn check_auth(spec: &Spec, report: &DiscoveryReport, failures: &mut Failures) {
    let got: Vec<(&str, &str)> = report
        .auth
        .iter()
        .map(|a| (a.scheme.as_str(), a.kind.as_str()))
        .collect();
    let want: Vec<(&str, &str)> = spec.auth.iter().map(|a| (a.scheme, a.kind)).collect();
    if got != want {
        failures.fail("auth (scheme, kind)", format!("{got:?}, expected {want:?}"));
        return;
    }
    for (candidate, want) in report.auth.iter().zip(spec.auth) {
        let aspect = format!("auth {}", want.scheme);
        for (field, got, expected) in [
            ("in", candidate.location.as_deref(), want.location),
            ("name", candidate.name.as_deref(), want.name),
            ("flow", candidate.flow.as_deref(), want.flow),
            ("token_url", candidate.token_url.as_deref(), want.token_url),
            (
                "authorization_url",
                candidate.authorization_url.as_deref(),
                want.authorization_url,
            ),
        ] {
            if got != expected {
                failures.fail(&aspect, format!("{field} {got:?}, expected {expected:?}"));
            }
        }
        if candidate.global != want.global {
            failures.fail(
                &aspect,
                format!("global {}, expected {}", candidate.global, want.global),
            );
        }
        if candidate.scopes.len() != want.scope_count {
            failures.fail(
                &aspect,
                format!(
                    "{} scopes, expected {}",
                    candidate.scopes.len(),
                    want.scope_count
                ),
            );
        }
        for scope in want.scopes {
            if !candidate.scopes.iter().any(|s| s == scope) {
                failures.fail(&aspect, format!("scope {scope} missing"));
            }
        }
        let mut sorted = candidate.scopes.clone();
        sorted.sort();
        if sorted != candidate.scopes {
            failures.fail(&aspect, "scopes are not sorted".into());
        }
    }
}

fn check_counts(spec: &Spec, report: &DiscoveryReport, failures: &mut Failures) {
    if report.operations.len() != spec.operations {
        failures.fail(
            "operation count",
            format!("{}, expected {}", report.operations.len(), spec.operations),
        );
    }
    let gets = report
        .operations
        .iter()
        .filter(|op| op.method == "GET")
        .count();
    if gets != spec.gets {
        failures.fail("GET count", format!("{gets}, expected {}", spec.gets));
    }
    // Every document's ids are unique (checked by script: no operationId repeats, and the
    // operations without one have distinct METHOD /path).
    let mut seen = BTreeSet::new();
    for op in &report.operations {
        if !seen.insert(op.id.as_str()) {
            failures.fail("operation ids", format!("{} appears twice", op.id));
        }
    }
}

fn check_generated_ids(spec: &Spec, report: &DiscoveryReport, failures: &mut Failures) {
    let generated: Vec<&str> = report
        .operations
        .iter()
        .filter(|op| op.id == format!("{} {}", op.method, op.path))
        .map(|op| op.id.as_str())
        .collect();
    let mut want: Vec<&str> = spec.generated_ids.to_vec();
    let mut got = generated.clone();
    want.sort();
    got.sort();
    if got != want {
        failures.fail(
            "ids without operationId",
            format!("{got:?}, expected {want:?}"),
        );
    }
}

fn has_param(op: &Operation, name: &str, location: &str) -> bool {
    op.parameters
        .iter()
        .any(|p| p.name == name && p.location == location)
}

fn check_param_counts(spec: &Spec, report: &DiscoveryReport, failures: &mut Failures) {
    for &(name, location, count) in spec.param_counts {
        let got = report
            .operations
            .iter()
            .filter(|op| has_param(op, name, location))
            .count();
        if got != count {
            failures.fail(
                "parameter counts",
                format!("{got} operations carry {location} parameter {name}, expected {count}"),
            );
        }
    }
}

fn check_paged(spec: &Spec, report: &DiscoveryReport, failures: &mut Failures) {
    let paged = &spec.paged;
    let ops: Vec<&Operation> = report
        .operations
        .iter()
        .filter(|op| op.method == "GET" && has_param(op, paged.param, "query"))
        .collect();
    if ops.len() != paged.count {
        failures.fail(
            "paged GETs",
            format!(
                "{} GET operations declare query {}, expected {}",
                ops.len(),
                paged.param,
                paged.count
            ),
        );
    }
    for op in ops {
        let id = op.id.as_str();
        if paged.unsure.contains(&id) {
            continue;
        }
        let should_list = !paged.not_list.contains(&id);
        if (op.kind == ListKind) != should_list {
            failures.fail(
                "paged GETs",
                format!(
                    "{id} ({} {}) is {:?}, expected {}",
                    op.method,
                    op.path,
                    op.kind,
                    if should_list { "List" } else { "not List" }
                ),
            );
        }
        if op.kind == ListKind && op.list.is_none() {
            failures.fail("paged GETs", format!("{id} is List without list details"));
        }
    }
}

fn check_kinds(spec: &Spec, report: &DiscoveryReport, failures: &mut Failures) {
    for &(id, kind) in spec.kinds {
        match find(report, id) {
            None => failures.fail("kinds", format!("no operation {id}")),
            Some(op) if op.kind != kind => failures.fail(
                "kinds",
                format!(
                    "{id} ({} {}) is {:?}, expected {kind:?}",
                    op.method, op.path, op.kind
                ),
            ),
            Some(_) => {}
        }
    }
}

fn check_params(spec: &Spec, report: &DiscoveryReport, failures: &mut Failures) {
    for &(id, name, location, required) in spec.params {
        let Some(op) = find(report, id) else {
            failures.fail("parameters", format!("no operation {id}"));
            continue;
        };
        match op
            .parameters
            .iter()
            .find(|p| p.name == name && p.location == location)
        {
            None => failures.fail(
                "parameters",
                format!(
                    "{id} has no {location} parameter {name}; it has {:?}",
                    op.parameters
                        .iter()
                        .map(|p| format!("{} {}", p.location, p.name))
                        .collect::<Vec<_>>()
                ),
            ),
            Some(p) if p.required != required => failures.fail(
                "parameters",
                format!("{id} {name}: required {}, expected {required}", p.required),
            ),
            Some(_) => {}
        }
    }
    for &(id, name, maximum) in spec.maxima {
        let got = find(report, id)
            .and_then(|op| op.parameters.iter().find(|p| p.name == name))
            .and_then(|p| p.maximum);
        if got != Some(maximum) {
            failures.fail(
                "parameters",
                format!("{id} {name}: maximum {got:?}, expected {maximum}"),
            );
        }
    }
}

fn check_security(spec: &Spec, report: &DiscoveryReport, failures: &mut Failures) {
    for &(id, schemes) in spec.security {
        let Some(op) = find(report, id) else {
            failures.fail("security", format!("no operation {id}"));
            continue;
        };
        let got: BTreeSet<&str> = op.security.iter().map(String::as_str).collect();
        let want: BTreeSet<&str> = schemes.iter().copied().collect();
        if got != want {
            failures.fail("security", format!("{id}: {got:?}, expected {want:?}"));
        }
    }
}

fn check_rate_limits(spec: &Spec, report: &DiscoveryReport, failures: &mut Failures) {
    if report.rate_limit_headers != spec.rate_limit_headers {
        failures.fail(
            "rate-limit headers",
            format!(
                "{:?}, expected {:?}",
                report.rate_limit_headers, spec.rate_limit_headers
            ),
        );
    }
}

fn check_list(list: &List, report: &DiscoveryReport, failures: &mut Failures) {
    let aspect = format!("list {}", list.op);
    let Some(op) = find(report, list.op) else {
        failures.fail(&aspect, "no such operation".into());
        return;
    };
    if op.method != list.method || op.path != list.path {
        failures.fail(
            &aspect,
            format!(
                "is {} {}, expected {} {}",
                op.method, op.path, list.method, list.path
            ),
        );
    }
    if op.kind != ListKind {
        failures.fail(&aspect, format!("kind {:?}, expected List", op.kind));
    }
    let Some(details) = &op.list else {
        failures.fail(&aspect, "no list details".into());
        return;
    };
    if details.records != list.records {
        failures.fail(
            &aspect,
            format!("records {:?}, expected {:?}", details.records, list.records),
        );
    }
    check_pagination(&aspect, list, &details.pagination, failures);
    let props = property_names(&details.record_schema);
    for prop in list.record_props {
        if !props.contains(*prop) {
            failures.fail(
                &aspect,
                format!("record schema lacks property {prop}; it has {props:?}"),
            );
        }
    }
    if let Some(inc) = &list.incremental {
        check_incremental(&aspect, inc, &details.incremental, failures);
    }
    if let Some(canonical) = list.canonical {
        match details.canonical.first() {
            Some(top) if top.canonical_type == canonical => {}
            other => failures.fail(
                &aspect,
                format!(
                    "top canonical candidate {:?}, expected {canonical}; candidates {:?}",
                    other.map(|c| &c.canonical_type),
                    details
                        .canonical
                        .iter()
                        .map(|c| (&c.canonical_type, c.confidence))
                        .collect::<Vec<_>>()
                ),
            ),
        }
    }
    if let Some(limit) = list.canonical_below {
        for candidate in &details.canonical {
            if candidate.confidence >= limit {
                failures.fail(
                    &aspect,
                    format!(
                        "canonical candidate {} has confidence {} (expected every one below {limit}: no natural fit)",
                        candidate.canonical_type, candidate.confidence
                    ),
                );
            }
        }
    }
}

fn check_pagination(
    aspect: &str,
    list: &List,
    candidates: &[PaginationCandidate],
    failures: &mut Failures,
) {
    let summary: Vec<Value> = candidates
        .iter()
        .map(|c| serde_json::to_value(&c.config).expect("a pagination config serialises"))
        .collect();
    if list.best.kind == "none" {
        if let Some(best) = candidates.first()
            && best.config.kind() != "none"
        {
            failures.fail(
                aspect,
                format!(
                    "best pagination {}, expected none; candidates {summary:?}",
                    best.config.kind()
                ),
            );
        }
    } else {
        match summary.first() {
            None => failures.fail(
                aspect,
                format!("no pagination candidate, expected {}", list.best.kind),
            ),
            Some(best) => {
                if let Err(why) = pagination_matches(&list.best, best) {
                    failures.fail(
                        aspect,
                        format!("best pagination: {why}; candidates {summary:?}"),
                    );
                }
            }
        }
    }
    for also in list.also {
        if !summary.iter().any(|c| pagination_matches(also, c).is_ok()) {
            failures.fail(
                aspect,
                format!(
                    "no {} pagination candidate with {:?}; candidates {summary:?}",
                    also.kind,
                    also.fields.iter().map(|(p, _)| *p).collect::<Vec<_>>()
                ),
            );
        }
    }
}

fn pagination_matches(want: &Pag, config: &Value) -> Result<(), String> {
    let kind = config.get("type").and_then(Value::as_str).unwrap_or("");
    if kind != want.kind {
        return Err(format!("type {kind:?}, expected {:?}", want.kind));
    }
    for (pointer, field) in want.fields {
        let got = config.pointer(pointer).filter(|v| !v.is_null());
        match (field, got) {
            (Is(value), Some(Value::String(s))) if s == value => {}
            (Is(value), other) => {
                return Err(format!("{pointer} is {other:?}, expected {value:?}"));
            }
            (Absent, None) => {}
            (Absent, Some(other)) => {
                return Err(format!("{pointer} is {other}, expected it absent"));
            }
            (IfPresent(_), None) => {}
            (IfPresent(value), Some(Value::String(s))) if s == value => {}
            (IfPresent(value), Some(other)) => {
                return Err(format!("{pointer} is {other}, expected {value:?}"));
            }
        }
    }
    Ok(())
}

fn check_incremental(
    aspect: &str,
    want: &Inc,
    candidates: &[pullpush_discover::IncrementalCandidate],
    failures: &mut Failures,
) {
    let summary: Vec<_> = candidates
        .iter()
        .map(|c| (&c.param, &c.location, &c.cursor_field))
        .collect();
    let matches = |c: &pullpush_discover::IncrementalCandidate| {
        c.param.as_deref() == Some(want.param)
            && c.location.as_deref() == Some(want.location)
            && match (want.cursor_field, c.cursor_field.as_deref()) {
                (Some(expected), Some(got)) => expected == got,
                _ => true,
            }
    };
    let ok = if want.best {
        candidates.first().is_some_and(matches)
    } else {
        candidates.iter().any(matches)
    };
    if !ok {
        failures.fail(
            aspect,
            format!(
                "{} incremental candidate {} {} (cursor field {:?}) missing; candidates {summary:?}",
                if want.best { "best" } else { "an" },
                want.location,
                want.param,
                want.cursor_field
            ),
        );
    }
}

/// The property names of a record schema: its `properties`, and those of its `allOf`, `anyOf`
/// and `oneOf` members (recursively, to a bounded depth).
fn property_names(schema: &Value) -> BTreeSet<String> {
    fn walk(schema: &Value, depth: usize, out: &mut BTreeSet<String>) {
        if depth > 8 {
            return;
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            out.extend(props.keys().cloned());
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(members) = schema.get(key).and_then(Value::as_array) {
                for member in members {
                    walk(member, depth + 1, out);
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(schema, 0, &mut out);
    out
}

/// Not a test of the tool: the expectation tables themselves must be consistent (every listed
/// operation named once per table), so a typo in the data shows up as such.
#[test]
fn expectation_tables_are_consistent() {
    for spec in [
        &SQUARE,
        &SPREE,
        &XERO,
        &TWILIO,
        &INTERCOM,
        &HARBOR,
        &ADYEN,
        &APIDECK,
        &PETSTORE_V3,
        &PETSTORE_V2,
    ] {
        let mut seen = BTreeMap::new();
        for list in spec.lists {
            assert!(
                seen.insert(list.op, ()).is_none(),
                "{}: {} listed twice",
                spec.file,
                list.op
            );
            assert!(!list.records.is_empty(), "{}: {}", spec.file, list.op);
        }
        for auth in spec.auth {
            assert!(
                auth.scopes.len() <= auth.scope_count,
                "{}: {}",
                spec.file,
                auth.scheme
            );
        }
    }
}
