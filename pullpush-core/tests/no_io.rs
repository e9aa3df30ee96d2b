//! Core does no I/O: its dependencies are pure, and its source names no file, network,
//! environment or clock API. Enforced here so the rule cannot rot.

use std::path::{Path, PathBuf};

/// The only crates core may depend on, each pure (no sockets, files, env or clock of its own).
const ALLOWED_DEPENDENCIES: &[&str] = &[
    "async-trait",
    "csv",
    "futures",
    "indexmap",
    "jiff",
    "minijinja",
    "schemars",
    "semver",
    "serde",
    "serde_json",
    "serde_json_path",
    "sha2",
    "strsim",
    "thiserror",
    "url",
];

/// Source fragments that would mean I/O or a hidden clock.
const FORBIDDEN_IN_SOURCE: &[&str] = &[
    "std::fs",
    "std::net",
    "std::env",
    "std::process",
    "SystemTime",
    "Instant::now",
    "Timestamp::now",
    "tokio::",
    "reqwest",
];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn core_depends_only_on_pure_crates() {
    let manifest = std::fs::read_to_string(manifest_dir().join("Cargo.toml")).expect("Cargo.toml");
    let mut section = "";
    let mut unexpected = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
            continue;
        }
        if section != "[dependencies]" || line.is_empty() || line.starts_with('#') {
            continue;
        }
        let name = line
            .split(['=', '.'])
            .next()
            .expect("split yields at least one part")
            .trim();
        if !ALLOWED_DEPENDENCIES.contains(&name) {
            unexpected.push(name.to_owned());
        }
    }
    assert!(
        unexpected.is_empty(),
        "pullpush-core must stay free of I/O; new dependencies {unexpected:?} need review (see ARCHITECTURE.md)"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn core_source_names_no_io_or_clock_api() {
    let mut files = Vec::new();
    rust_files(&manifest_dir().join("src"), &mut files);
    let mut offences = Vec::new();
    for file in files {
        // Unit tests may use whatever they like; only the library code is checked.
        if file.file_name().is_some_and(|name| name == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        let library = text.split("#[cfg(test)]").next().unwrap_or_default();
        // Comments may name what core deliberately does not use.
        let code: String = library
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for fragment in FORBIDDEN_IN_SOURCE {
            if code.contains(fragment) {
                offences.push(format!("{}: {fragment}", file.display()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "I/O in pullpush-core:\n{}",
        offences.join("\n")
    );
}
