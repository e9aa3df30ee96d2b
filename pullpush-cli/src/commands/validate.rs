//! `pullpush validate FILE...`

use pullpush_core::CanonicalRegistry;
use pullpush_schema::{Validator, render, summary};
use serde_json::json;

use super::{color_stdout, print_json, read_input};
use crate::Outcome;
use crate::cli::ValidateArgs;

pub fn run(args: &ValidateArgs, registry: CanonicalRegistry) -> anyhow::Result<Outcome> {
    let validator = Validator::new(registry);
    let color = color_stdout();
    let mut all_valid = true;
    let mut reports = Vec::new();
    for path in &args.files {
        let text = read_input(path)?;
        let validation = validator.validate(&text);
        let name = path.display().to_string();
        all_valid &= validation.is_valid();
        if args.json {
            reports.push(json!({
                "path": name,
                "valid": validation.is_valid(),
                "errors": validation.error_count(),
                "warnings": validation.warning_count(),
                "diagnostics": validation.diagnostics,
            }));
        } else {
            print!("{}", render(&name, &text, &validation.diagnostics, color));
            println!(
                "{}",
                summary(&name, validation.error_count(), validation.warning_count())
            );
        }
    }
    if args.json {
        print_json(&json!({ "valid": all_valid, "files": reports }))?;
    }
    Ok(if all_valid {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}
