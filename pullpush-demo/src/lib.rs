//! The PullPush demo API: a small sample commerce API served on 127.0.0.1, with a bundled
//! connector definition that reads it.
//!
//! `pullpush demo` starts it so a newcomer sees the whole workflow without credentials; tests and
//! benchmarks start it as a realistic, fast, local source. It stands apart from the engine on
//! purpose: it is a *fixture*, an API like the ones PullPush reads in the wild, written without
//! reference to the engine's internals, so the engine is tested against HTTP rather than against
//! itself.
//!
//! # What it serves
//!
//! | endpoint | pagination | records |
//! |---|---|---|
//! | `GET /v1/products?cursor=&limit=` | cursor in the body: `{"data": [...], "next_cursor": "…" \| null}` | products with variants, `price` a JSON number, lowercase `currency`, numeric `status` (1 active, 2 draft, 3 archived) |
//! | `GET /v1/locations` | none: `{"data": [...]}` | location ids and names |
//! | `GET /v1/locations/{location_id}/stock?page=&per_page=` | RFC 8288 `Link: <…>; rel="next"` with absolute URLs, `X-Total-Count`; the body is a bare array | `{"sku", "location_id", "on_hand", "reserved", "updated_at"}`; about 1 in 100 `on_hand` is `null` (unknown, not zero) |
//! | `GET /v1/orders?page=&per_page=&updated_since=` | page numbers: `{"orders": [...], "meta": {"page", "per_page", "total_pages", "total_count"}}` | orders with string `state`, `total_cents`, `customer`, `lines`; `updated_since` keeps orders updated at or after it |
//! | `GET /openapi.json` | — | this API's OpenAPI 3.0 document (no token needed) |
//!
//! Every `/v1` endpoint needs `Authorization: Bearer <token>` (else 401 with a JSON error) and
//! is rate limited per one-second window (429 with `Retry-After: 1` over it, and
//! `X-RateLimit-Limit`/`X-RateLimit-Remaining` on every answer). Page sizes default to
//! [`DEFAULT_PAGE_SIZE`] and are capped at [`MAX_PAGE_SIZE`]. Errors are
//! `{"error": {"code", "message"}}`. For tests, [`DemoApiBuilder::fail_every`] makes every n-th
//! request fail with 503 and [`DemoApiBuilder::latency`] slows every answer down.
//!
//! # Fixtures
//!
//! Besides the demo API, [`FixtureServer`] serves any API written down as JSON ([`Fixture`]:
//! routes matched by method, path, query and body, each with a canned answer), for testing
//! definitions against recorded or hand-written responses and hostile servers. See
//! [`fixture`] for the format.
//!
//! # The data
//!
//! Generated from a seed and sizes ([`DataConfig`]); the same configuration gives the same
//! records byte for byte, and every timestamp is an offset from a fixed base instant, never the
//! clock. The default is a few thousand records: 500 products, 4 locations, so 2,000 stock
//! levels, and 1,000 orders (seed 42, as of 2024-06-01T00:00:00Z). Benchmarks raise the sizes,
//! e.g. `.orders(200_000)`. [`RunningDemo::data`] gives the generated records, so a test knows
//! exactly what a complete read must return.
//!
//! # Example
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use pullpush_demo::DemoApi;
//!
//! let demo = DemoApi::builder().orders(250).start().await?; // 127.0.0.1, a free port
//!
//! # let _ = rustls::crypto::ring::default_provider().install_default();
//! let page: serde_json::Value = serde_json::from_slice(
//!     &reqwest::Client::new()
//!         .get(format!("{}/v1/orders?per_page=100", demo.base_url()))
//!         .bearer_auth(demo.token())
//!         .send()
//!         .await?
//!         .bytes()
//!         .await?,
//! )?;
//! assert_eq!(page["meta"]["total_pages"], 3);
//! assert_eq!(demo.data().orders.len(), 250);
//!
//! // The bundled definition reads this server with this config.
//! let config = demo.definition_config(); // {"base_url": "http://127.0.0.1:…", "api_token": "…"}
//! assert!(pullpush_demo::DEFINITION.contains("\"id\": \"pullpush-demo-commerce\""));
//! # let _ = config;
//! demo.shutdown().await?;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod data;
pub mod fixture;
mod serve;
mod server;

pub use data::{
    Customer, DEFAULT_BASE_TIME_SECONDS, DEFAULT_LOCATIONS, DEFAULT_ORDERS, DEFAULT_PRODUCTS,
    DEFAULT_SEED, DataConfig, DemoData, Location, Order, OrderLine, OrderState, Product,
    StockLevel, Variant,
};
pub use fixture::{
    BASE_URL_PLACEHOLDER, Fixture, FixtureError, FixtureServer, ReceivedRequest, Route,
    RunningFixture,
};
pub use server::{
    DEFAULT_ADDR, DEFAULT_PAGE_SIZE, DEFAULT_RATE_LIMIT, DEFAULT_TOKEN, DemoApi, DemoApiBuilder,
    MAX_PAGE_SIZE, RunningDemo,
};

/// The bundled connector definition for this API (`definitions/demo-commerce.json`): streams
/// `products` (product, cursor pagination), `stock_levels` (stocklevel, Link header, one
/// location from config `location_id`, default `berlin`) and `orders` (order, page numbers,
/// incremental on `updated_at` via `updated_since`). Its config needs `base_url` and the secret
/// `api_token`; [`RunningDemo::definition_config`] supplies both.
pub const DEFINITION: &str = include_str!("../definitions/demo-commerce.json");

/// The OpenAPI 3.0 document of this API (`openapi.json`), as `GET /openapi.json` serves it but
/// with a placeholder server URL (the running server puts its own address in `servers`).
pub const OPENAPI: &str = include_str!("../openapi.json");
