//! The raw limit of the end-to-end benchmark (`bash bench/run.sh`, see BENCHMARKS.md): a bare
//! reqwest + serde_json loop over the benchmark's static pages. For each page: GET it, parse the
//! body into a `serde_json::Value`, count the records of `$.data`, follow `$.next` until it is
//! null. Sequential, one request at a time, no mapping, no validation, no output.
//!
//! The client is built like PullPush's transport (`pullpush-http`'s `ReqwestTransport`): no
//! redirects, no proxy, a connect timeout, a user agent, gzip, the body read chunk by chunk into
//! one buffer, on the same tokio runtime (multi-threaded, two workers) as the `pullpush` CLI.
//!
//! ```sh
//! cargo run --release -p pullpush-examples --bin bench-raw-loop -- http://127.0.0.1:18080/data/20k/page-1.json
//! ```
//!
//! Prints `records=N pages=P` on stderr.
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::Value;

fn main() -> anyhow::Result<()> {
    let first = std::env::args()
        .nth(1)
        .context("usage: bench-raw-loop FIRST_PAGE_URL")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (records, pages) = runtime.block_on(walk(first))?;
    eprintln!("records={records} pages={pages}");
    Ok(())
}

async fn walk(first: String) -> anyhow::Result<(u64, u64)> {
    // reqwest is built with `rustls-no-provider` in this workspace: install ring, as
    // pullpush-http does (no TLS is used against the benchmark's http:// server).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(Duration::from_secs(10))
        .user_agent("bench-raw-loop")
        .build()?;
    let (mut records, mut pages) = (0u64, 0u64);
    let mut next = Some(first);
    while let Some(url) = next.take() {
        let mut response = client
            .get(&url)
            .timeout(Duration::from_secs(60))
            .send()
            .await?;
        if !response.status().is_success() {
            bail!("{url} answered {}", response.status());
        }
        let capacity = response
            .content_length()
            .map_or(0, |length| length.min(1 << 20) as usize);
        let mut body = Vec::with_capacity(capacity);
        while let Some(chunk) = response.chunk().await? {
            body.extend_from_slice(&chunk);
        }
        let page: Value = serde_json::from_slice(&body).with_context(|| url.clone())?;
        pages += 1;
        records += page["data"].as_array().map_or(0, Vec::len) as u64;
        next = page["next"].as_str().map(str::to_owned);
    }
    Ok((records, pages))
}
