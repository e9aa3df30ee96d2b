//! How long reading and discovering a real API description takes, and generating a draft from it:
//! the largest document of the corpus (Square, 3 MiB JSON), a large YAML one (Xero) and the
//! demo API's small one. Run with `cargo bench -p pullpush-discover`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use pullpush_core::CanonicalRegistry;
use pullpush_discover::{
    ApiDocument, DEFAULT_MAX_DOCUMENT_BYTES, GenerateOptions, StreamRequest, discover, generate,
};

fn corpus(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn documents(c: &mut Criterion) {
    let registry = CanonicalRegistry::builtin();
    let mut group = c.benchmark_group("discover");
    group.sample_size(10);
    for (name, text) in [
        ("square_json_3mib", corpus("square/api.json")),
        ("xero_yaml_0_9mib", corpus("xero/xero_accounting.yaml")),
    ] {
        group.bench_function(format!("parse/{name}"), |b| {
            b.iter(|| ApiDocument::parse(black_box(&text), DEFAULT_MAX_DOCUMENT_BYTES).unwrap())
        });
        let document = ApiDocument::parse(&text, DEFAULT_MAX_DOCUMENT_BYTES).unwrap();
        group.bench_function(format!("discover/{name}"), |b| {
            b.iter(|| discover(black_box(&document), &registry))
        });
    }
    group.finish();

    let demo = ApiDocument::parse(pullpush_demo_openapi(), DEFAULT_MAX_DOCUMENT_BYTES).unwrap();
    let options = GenerateOptions {
        streams: vec![
            "listProducts=product".parse::<StreamRequest>().unwrap(),
            "listOrders=order".parse::<StreamRequest>().unwrap(),
        ],
        id: None,
    };
    c.bench_function("generate/demo_two_streams", |b| {
        b.iter(|| generate(black_box(&demo), &registry, &options).unwrap())
    });
}

/// The demo API's document, read from its crate without depending on it.
fn pullpush_demo_openapi() -> &'static str {
    include_str!("../../pullpush-demo/openapi.json")
}

criterion_group!(benches, documents);
criterion_main!(benches);
