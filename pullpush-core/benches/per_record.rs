//! The per-record path of a read: select the records of a page, map each to canonical form,
//! validate it and wrap it in an event. Run with `cargo bench -p pullpush-core --bench per_record`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pullpush_core::{
    CanonicalEvent, CanonicalRegistry, Connector, Definition, EventSource, Operation,
};
use serde_json::{Value, json};
use std::hint::black_box;

const RECORDS_PER_PAGE: usize = 100;

fn connector() -> Connector {
    let definition: Definition = serde_json::from_value(json!({
        "id": "bench-orders",
        "name": "Bench Orders",
        "version": "1.0.0",
        "base_url": "https://api.bench.example",
        "streams": [{
            "name": "orders",
            "canonical_type": "order",
            "read": {"path": "/orders", "records": "$.data[*]"},
            "mapping": {"fields": {
                "orderId": {"string": "$.id"},
                "status": {"lookup": {"value": "$.status", "table": {"1": "pending", "2": "completed"}}},
                "currency": {"uppercase": "$.currency"},
                "totalAmount": {"minor_units": {"value": "$.total_cents", "decimals": 2}},
                "createdAt": {"datetime": {"value": "$.created_at"}},
                "customer": {"object": {"email": "$.buyer.email", "name": "$.buyer.name"}},
                "lineItems": {"each": {"path": "$.lines", "fields": {
                    "sku": "$.sku",
                    "quantity": {"integer": "$.qty"},
                    "unitPrice": {"decimal": "$.price"}
                }}}
            }}
        }]
    }))
    .expect("benchmark definition parses");
    Connector::build(definition, &CanonicalRegistry::builtin())
        .expect("benchmark definition is valid")
}

fn page() -> Vec<u8> {
    let records: Vec<Value> = (0..RECORDS_PER_PAGE)
        .map(|i| {
            json!({
                "id": i,
                "status": if i % 2 == 0 { 1 } else { 2 },
                "currency": "eur",
                "total_cents": 1999 + i,
                "created_at": "2024-05-01T12:00:00Z",
                "buyer": {"email": format!("buyer{i}@example.com"), "name": "Ada Lovelace"},
                "lines": [
                    {"sku": "A-1", "qty": 2, "price": 9.99},
                    {"sku": "B-2", "qty": 1, "price": 0.01}
                ]
            })
        })
        .collect();
    serde_json::to_vec(&json!({"data": records, "next": "abc"})).expect("serialises")
}

fn per_record(c: &mut Criterion) {
    let connector = connector();
    let stream = &connector.streams()[0];
    let body = page();
    let observed_at = "2024-05-01T15:00:00Z";
    let mut group = c.benchmark_group("per_record");
    group.throughput(Throughput::Elements(RECORDS_PER_PAGE as u64));
    group.bench_function("decode_select_map_validate_event", |b| {
        b.iter(|| {
            let page: Value = serde_json::from_slice(black_box(&body)).expect("valid JSON");
            let mut events = 0;
            for record in stream.records.query(&page).all() {
                let mapped = stream.mapper.apply(record).expect("maps");
                let data = Value::Object(mapped.data);
                assert!(stream.canonical.validate(&data).is_empty());
                let Value::Object(data) = data else {
                    unreachable!("built as an object above")
                };
                let event = CanonicalEvent::new(
                    &stream.canonical,
                    stream.mapper.key(),
                    Operation::Upsert,
                    data,
                    EventSource {
                        connector: "bench-orders@1.0.0".into(),
                        stream: "orders".into(),
                        connection: None,
                    },
                    observed_at,
                );
                black_box(&event);
                events += 1;
            }
            assert_eq!(events, RECORDS_PER_PAGE);
        })
    });
    group.bench_function("decode_only", |b| {
        b.iter(|| {
            let page: Value = serde_json::from_slice(black_box(&body)).expect("valid JSON");
            black_box(page)
        })
    });
    group.finish();
}

criterion_group!(benches, per_record);
criterion_main!(benches);
