//! `pullpush generate SOURCE --stream OPERATION=TYPE -o DEF`: a draft definition that validates,
//! and the guesses to review.

use anyhow::Context;
use pullpush_core::CanonicalRegistry;
use pullpush_discover::{GenerateOptions, StreamRequest, generate};
use serde_json::json;

use super::discover::{invalid, load_document};
use super::print_json;
use crate::Outcome;
use crate::cli::GenerateArgs;

pub fn run(args: &GenerateArgs, registry: &CanonicalRegistry) -> anyhow::Result<Outcome> {
    let streams = args
        .streams
        .iter()
        .map(|text| text.parse::<StreamRequest>().map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let document = match load_document(&args.source)? {
        Ok(document) => document,
        Err(error) => return invalid(&args.source.source, &error),
    };
    for problem in document.reference_problems() {
        eprintln!("warning: {problem} (read as any value; --strict refuses)");
    }
    let options = GenerateOptions {
        streams,
        id: args.id.clone(),
    };
    let draft = match generate(&document, registry, &options) {
        Ok(draft) => draft,
        Err(error) => return invalid(&args.source.source, &error),
    };
    let text = draft.text();
    match &args.output {
        Some(path) => std::fs::write(path, &text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None if !args.json => print!("{text}"),
        None => {}
    }
    if args.json {
        print_json(&json!({
            "definition": draft.definition,
            "guesses": draft.guesses,
            "diagnostics": draft.diagnostics,
        }))?;
    } else {
        eprintln!("guesses to review ({}):", draft.guesses.len());
        for guess in &draft.guesses {
            eprintln!(
                "  {:.2}  {:<40} {}",
                guess.confidence, guess.pointer, guess.reason
            );
        }
        if let Some(path) = &args.output {
            eprintln!(
                "\nwrote {}; next: pullpush validate {0} && pullpush test {0} --config CONFIG",
                path.display()
            );
        }
    }
    for diagnostic in &draft.diagnostics {
        eprintln!(
            "{}: {} at {}",
            diagnostic.code, diagnostic.message, diagnostic.pointer
        );
    }
    Ok(if draft.is_valid() {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}
