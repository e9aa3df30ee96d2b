//! `pullpush map`

use anyhow::Context;
use pullpush_core::CanonicalRegistry;
use pullpush_discover::{FieldSuggestion, MappingSuggestions, suggest_mappings};
use serde_json::Value;

use super::{print_json, read_input};
use crate::Outcome;
use crate::cli::MapArgs;

/// Expressions longer than this overflow their column rather than widen it for every row.
const EXPRESSION_COLUMN: usize = 48;

pub fn run(args: &MapArgs, registry: &CanonicalRegistry) -> anyhow::Result<Outcome> {
    let ty = registry.lookup(&args.canonical)?;
    let text = read_input(&args.schema)?;
    let schema: Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON", args.schema.display()))?;
    if !schema.is_object() {
        anyhow::bail!(
            "{} is not a JSON Schema: expected an object describing one record",
            args.schema.display()
        );
    }
    let suggestions = suggest_mappings(ty, &schema);
    if args.json {
        print_json(&suggestions)?;
    } else {
        print_table(&suggestions);
    }
    if suggestions.unmapped_required.is_empty() {
        return Ok(Outcome::Success);
    }
    eprintln!(
        "unmapped required: {}",
        suggestions.unmapped_required.join(", ")
    );
    Ok(Outcome::Invalid)
}

/// One row per suggestion (the envelope's `source_id` and `source_updated_at` last), then the
/// unmapped required fields when there are none (otherwise they go to stderr).
fn print_table(suggestions: &MappingSuggestions) {
    let rows: Vec<(&FieldSuggestion, String)> = suggestions
        .fields
        .iter()
        .chain(&suggestions.source_id)
        .chain(&suggestions.source_updated_at)
        .map(|suggestion| {
            let expression = serde_json::to_string(&suggestion.expr)
                .unwrap_or_else(|_| suggestion.source.clone());
            (suggestion, expression)
        })
        .collect();
    let field_width = rows
        .iter()
        .map(|(suggestion, _)| suggestion.field.len())
        .chain(["FIELD".len()])
        .max()
        .unwrap_or_default();
    let expression_width = rows
        .iter()
        .map(|(_, expression)| expression.len())
        .filter(|width| *width <= EXPRESSION_COLUMN)
        .chain(["EXPRESSION".len()])
        .max()
        .unwrap_or_default();
    println!(
        "{:<field_width$}  CONFIDENCE  {:<expression_width$}  REASON",
        "FIELD", "EXPRESSION"
    );
    for (suggestion, expression) in rows {
        println!(
            "{:<field_width$}  {:>10.2}  {:<expression_width$}  {}",
            suggestion.field, suggestion.confidence, expression, suggestion.reason
        );
    }
    if suggestions.unmapped_required.is_empty() {
        println!("unmapped required: none");
    }
}
