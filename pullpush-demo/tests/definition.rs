//! The bundled definition: it validates cleanly, and its mappings turn every record the demo
//! serves into a valid canonical record, except the stock levels with an unknown count, which
//! canonical validation flags instead of letting a 0 through.

use pullpush_demo::{DEFINITION, DataConfig, DemoData};
use serde_json::Value;

#[test]
fn the_bundled_definition_validates_without_diagnostics() {
    let validation = pullpush_schema::validate(DEFINITION);
    assert!(
        validation.diagnostics.is_empty(),
        "{}",
        pullpush_schema::render(
            "demo-commerce.json",
            DEFINITION,
            &validation.diagnostics,
            false
        )
    );
    let connector = validation.connector.expect("a valid definition");
    let streams: Vec<(&str, &str)> = connector
        .definition()
        .streams
        .iter()
        .map(|s| (s.name.as_str(), s.canonical_type.as_str()))
        .collect();
    assert_eq!(
        streams,
        [
            ("products", "product"),
            ("stock_levels", "stocklevel"),
            ("orders", "order")
        ]
    );
}

#[test]
fn the_mappings_fit_the_served_records() {
    let connector = pullpush_schema::validate(DEFINITION)
        .connector
        .expect("a valid definition");
    let data = DemoData::generate(&DataConfig::default());
    let streams = connector.streams();

    let check = |stream: usize, record: Value| -> Result<Value, String> {
        let compiled = &streams[stream];
        let mapped = compiled
            .mapper
            .apply(&record)
            .map_err(|errors| format!("mapping: {errors:?}"))?;
        let canonical = Value::Object(mapped.data);
        let errors = compiled.canonical.validate(&canonical);
        if errors.is_empty() {
            Ok(canonical)
        } else {
            Err(format!("validation: {errors:?}"))
        }
    };

    for product in &data.products {
        let native = serde_json::to_value(product).unwrap();
        let canonical = check(0, native).unwrap_or_else(|e| panic!("{}: {e}", product.sku));
        assert_eq!(canonical["currency"], product.currency.to_uppercase());
        assert_eq!(
            canonical["price"].as_str().unwrap().parse::<f64>().unwrap(),
            product.price_cents as f64 / 100.0
        );
        let status = ["active", "draft", "archived"][usize::from(product.status) - 1];
        assert_eq!(canonical["status"], status);
    }

    let mut flagged = 0;
    for level in &data.stock_levels {
        let native = serde_json::to_value(level).unwrap();
        match (check(1, native), level.on_hand) {
            (Ok(canonical), Some(count)) => assert_eq!(canonical["quantity"], count),
            (Err(_), None) => flagged += 1,
            (Ok(canonical), None) => panic!("an unknown count became {canonical}"),
            (Err(e), Some(_)) => panic!("{} at {}: {e}", level.sku, level.location_id),
        }
    }
    assert!(flagged > 0);

    for order in &data.orders {
        let native = serde_json::to_value(order).unwrap();
        let canonical = check(2, native).unwrap_or_else(|e| panic!("order {}: {e}", order.id));
        assert_eq!(canonical["orderId"], order.id.to_string());
        let total = format!("{}.{:02}", order.total_cents / 100, order.total_cents % 100);
        assert_eq!(canonical["totalAmount"], total);
        assert_eq!(
            canonical["lineItems"].as_array().unwrap().len(),
            order.lines.len()
        );
    }
}
