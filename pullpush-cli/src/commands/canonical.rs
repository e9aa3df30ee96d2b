//! `pullpush canonical list|show|validate`

use pullpush_core::CanonicalRegistry;
use pullpush_schema::{to_pretty, validate_records};
use serde_json::json;

use super::{print_json, read_input};
use crate::Outcome;
use crate::cli::CanonicalCommand;

pub fn run(command: CanonicalCommand, registry: &CanonicalRegistry) -> anyhow::Result<Outcome> {
    match command {
        CanonicalCommand::List { json } => {
            if json {
                let types: Vec<_> = registry
                    .iter()
                    .map(|ty| {
                        json!({
                            "name": ty.name(),
                            "version": ty.version(),
                            "key": ty.key(),
                            "description": ty.description(),
                        })
                    })
                    .collect();
                print_json(&types)?;
            } else {
                println!("{:<12} {:>7}  {:<20} DESCRIPTION", "TYPE", "VERSION", "KEY");
                for ty in registry.iter() {
                    println!(
                        "{:<12} {:>7}  {:<20} {}",
                        ty.name(),
                        ty.version(),
                        ty.key().join(", "),
                        ty.description()
                    );
                }
            }
            Ok(Outcome::Success)
        }
        CanonicalCommand::Show { type_name } => {
            let ty = registry.lookup(&type_name)?;
            print!("{}", to_pretty(&ty.json_schema()));
            Ok(Outcome::Success)
        }
        CanonicalCommand::Validate {
            type_name,
            file,
            json,
        } => {
            let ty = registry.lookup(&type_name)?;
            let text = read_input(&file)?;
            let reports = validate_records(ty, &text);
            let invalid = reports.iter().filter(|r| !r.errors.is_empty()).count();
            if json {
                print_json(&json!({
                    "type": ty.name(),
                    "records": reports.len(),
                    "invalid": invalid,
                    "reports": reports.iter().filter(|r| !r.errors.is_empty()).collect::<Vec<_>>(),
                }))?;
            } else {
                for report in reports.iter().filter(|r| !r.errors.is_empty()) {
                    let place = match report.line {
                        Some(line) => format!("record {} (line {line})", report.index),
                        None => format!("record {}", report.index),
                    };
                    for error in &report.errors {
                        println!("{}: {place}: {error}", file.display());
                    }
                }
                println!(
                    "{}: {} of {} records valid against {} v{}",
                    file.display(),
                    reports.len() - invalid,
                    reports.len(),
                    ty.name(),
                    ty.version()
                );
            }
            Ok(if invalid == 0 && !reports.is_empty() {
                Outcome::Success
            } else {
                Outcome::Invalid
            })
        }
    }
}
