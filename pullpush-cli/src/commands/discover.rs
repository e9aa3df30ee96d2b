//! `pullpush discover SOURCE`: an API description read into a discovery report.

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use pullpush_core::CanonicalRegistry;
use pullpush_discover::{ApiDocument, DiscoverError, DiscoveryReport, OperationKind, discover};
use pullpush_http::{FetchError, fetch_text};

use super::{print_json, runtime};
use crate::Outcome;
use crate::cli::{DiscoverArgs, SourceArgs};

pub fn run(args: &DiscoverArgs, registry: &CanonicalRegistry) -> anyhow::Result<Outcome> {
    let document = match load_document(&args.source)? {
        Ok(document) => document,
        Err(error) => return invalid(&args.source.source, &error),
    };
    let report = discover(&document, registry);
    if args.json {
        print_json(&report)?;
    } else {
        print_report(&report, &args.source.source, args.all);
    }
    Ok(Outcome::Success)
}

/// A document that cannot be read is invalid input: the reason on stderr, exit 1.
pub fn invalid(source: &str, error: &DiscoverError) -> anyhow::Result<Outcome> {
    eprintln!("error: {source}: {error}");
    Ok(Outcome::Invalid)
}

/// Reads and parses the source: a file, `-`, or an http(s) URL fetched read-only under the egress
/// policy. The outer error is I/O (exit 2), the inner one the document (exit 1).
pub fn load_document(args: &SourceArgs) -> anyhow::Result<Result<ApiDocument, DiscoverError>> {
    let limit = args.max_bytes;
    let text = if args.source.starts_with("http://") || args.source.starts_with("https://") {
        match fetch(&args.source, limit, args.allow_internal)? {
            Ok(text) => text,
            Err(error) => return Ok(Err(error)),
        }
    } else if args.source == "-" {
        let mut text = String::new();
        std::io::stdin()
            .take(limit + 1)
            .read_to_string(&mut text)
            .context("cannot read stdin")?;
        text
    } else {
        let path = Path::new(&args.source);
        let size = std::fs::metadata(path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .len();
        // Refused before reading, so a huge file never reaches memory.
        if size > limit {
            return Ok(Err(DiscoverError::TooLarge { size, limit }));
        }
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?
    };
    let document = ApiDocument::parse(&text, limit);
    Ok(if args.strict {
        document.and_then(ApiDocument::strict)
    } else {
        document
    })
}

fn fetch(
    source: &str,
    limit: u64,
    allow_internal: bool,
) -> anyhow::Result<Result<String, DiscoverError>> {
    runtime()?.block_on(fetch_document(source, limit, allow_internal))
}

/// Fetches a document over HTTP: read-only, under the egress policy, at most `limit` bytes.
/// A body that is not text is an invalid document (exit 1); anything else an I/O error (exit 2).
pub async fn fetch_document(
    source: &str,
    limit: u64,
    allow_internal: bool,
) -> anyhow::Result<Result<String, DiscoverError>> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    match fetch_text(source, limit, allow_internal).await {
        Ok(text) => Ok(Ok(text)),
        Err(FetchError::NotText { .. }) => Ok(Err(DiscoverError::Syntax {
            format: "UTF-8",
            message: "the document is not UTF-8 text".into(),
        })),
        Err(error) if error.is_refused() && !allow_internal => Err(anyhow::anyhow!(
            "{error}; pass --allow-internal for a server on this machine or a private network"
        )),
        Err(error) => Err(error.into()),
    }
}

fn print_report(report: &DiscoveryReport, source: &str, all: bool) {
    let spec = match report.spec {
        pullpush_discover::SpecVersion::Swagger2 => "Swagger",
        _ => "OpenAPI",
    };
    println!(
        "{} {} ({spec} {})",
        report.title, report.api_version, report.spec_version
    );
    if report.servers.is_empty() {
        println!("servers: none declared (the base URL will be a config value)");
    }
    for server in &report.servers {
        println!(
            "server:  {}",
            server.resolved.as_deref().unwrap_or(&server.url)
        );
    }
    if report.auth.is_empty() {
        println!("auth:    none declared");
    }
    for auth in &report.auth {
        let mut detail = Vec::new();
        if let (Some(location), Some(name)) = (&auth.location, &auth.name) {
            detail.push(format!("{location} {name}"));
        }
        if let Some(flow) = &auth.flow {
            detail.push(flow.clone());
        }
        if let Some(url) = &auth.token_url {
            detail.push(format!("token {url}"));
        }
        if auth.global {
            detail.push("global".into());
        }
        println!(
            "auth:    {:<26} {} {}",
            auth.kind,
            auth.scheme,
            if detail.is_empty() {
                String::new()
            } else {
                format!("({})", detail.join(", "))
            }
        );
    }
    let lists = report
        .operations
        .iter()
        .filter(|op| op.kind == OperationKind::List)
        .count();
    println!(
        "\n{lists} list operation(s) of {} operation(s){}:",
        report.operations.len(),
        if all { "" } else { " (--all lists every one)" }
    );
    let mut example = None;
    for operation in &report.operations {
        let Some(list) = &operation.list else {
            if all {
                println!(
                    "  {:<8} {} {}  [{}]",
                    format!("{:?}", operation.kind).to_lowercase(),
                    operation.method,
                    operation.path,
                    operation.id
                );
            }
            continue;
        };
        println!(
            "  list     {} {}  [{}]",
            operation.method, operation.path, operation.id
        );
        let pagination = list
            .pagination
            .first()
            .map(|p| format!("{} ({:.2})", p.config.kind(), p.confidence))
            .unwrap_or_else(|| "none recognised".into());
        let incremental = list
            .incremental
            .first()
            .map(|c| {
                format!(
                    "{} ({:.2})",
                    c.param
                        .as_deref()
                        .or(c.cursor_field.as_deref())
                        .unwrap_or("?"),
                    c.confidence
                )
            })
            .unwrap_or_else(|| "-".into());
        let canonical = list
            .canonical
            .iter()
            .take(2)
            .map(|c| format!("{} ({:.2})", c.canonical_type, c.confidence))
            .collect::<Vec<_>>()
            .join(", ");
        println!(
            "           records {} · pagination {pagination} · incremental {incremental} · canonical {}",
            list.records,
            if canonical.is_empty() {
                "-"
            } else {
                &canonical
            }
        );
        if example.is_none()
            && let Some(best) = list.canonical.first()
        {
            example = Some(format!("{}={}", operation.id, best.canonical_type));
        }
    }
    if !report.rate_limit_headers.is_empty() {
        println!(
            "\nrate-limit headers: {}",
            report.rate_limit_headers.join(", ")
        );
    }
    for warning in &report.warnings {
        println!("warning: {warning}");
    }
    if let Some(example) = example {
        println!("\nnext: pullpush generate {source} --stream '{example}' -o draft.json");
    }
}
