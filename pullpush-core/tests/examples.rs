//! Every definition under `examples/definitions/` builds without errors or warnings.

use std::path::PathBuf;

use pullpush_core::{CanonicalRegistry, Connector, Definition};

fn example_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/definitions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_definition_builds_cleanly() {
    let files = example_files();
    assert!(
        files.len() >= 5,
        "expected at least five examples, found {}",
        files.len()
    );
    let registry = CanonicalRegistry::builtin();
    let mut failures = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable example");
        let definition = match Definition::from_json(&text) {
            Ok(definition) => definition,
            Err(err) => {
                failures.push(format!("{}: {err}", file.display()));
                continue;
            }
        };
        match Connector::build(definition, &registry) {
            Ok(connector) if connector.warnings().is_empty() => {}
            Ok(connector) => failures.extend(
                connector
                    .warnings()
                    .iter()
                    .map(|warning| format!("{}: {warning}", file.display())),
            ),
            Err(diagnostics) => failures.extend(
                diagnostics
                    .iter()
                    .map(|diagnostic| format!("{}: {diagnostic}", file.display())),
            ),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
