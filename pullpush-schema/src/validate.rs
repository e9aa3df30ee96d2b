//! The validation pipeline: text → JSON → structure → semantics, every diagnostic located.

use pullpush_core::{CanonicalRegistry, Connector, Definition, Diagnostic, Location};
use serde_json::Value;

use crate::schema::connector_schema;
use crate::source::SourceMap;
use crate::structural;

/// Definitions larger than this are refused before parsing: real ones are a few kilobytes.
pub const MAX_DEFINITION_BYTES: usize = 4 * 1024 * 1024;

/// Validates definitions. Compiling the JSON Schema takes a moment, so build one and reuse it.
pub struct Validator {
    schema: Value,
    compiled: jsonschema::Validator,
    registry: CanonicalRegistry,
}

/// The outcome of validating one text: the diagnostics (errors and warnings, located in the
/// source) and, when there was no error, the runnable connector.
#[derive(Debug)]
pub struct Validation {
    /// Every diagnostic, ordered by position in the source.
    pub diagnostics: Vec<Diagnostic>,
    /// The built connector when the definition has no errors.
    pub connector: Option<Connector>,
}

impl Validation {
    /// Whether the definition has no errors (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.connector.is_some()
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }
}

impl Validator {
    /// A validator for definitions mapping into the canonical types of `registry`.
    pub fn new(registry: CanonicalRegistry) -> Self {
        let schema = connector_schema();
        let compiled = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .expect("the generated connector schema is a valid JSON Schema; a test compiles it");
        Validator {
            schema,
            compiled,
            registry,
        }
    }

    /// The canonical types definitions are checked against.
    pub fn registry(&self) -> &CanonicalRegistry {
        &self.registry
    }

    /// Validates a definition given as JSON text. Never panics on any input; every problem comes
    /// back as a diagnostic with a JSON pointer and its line and column.
    pub fn validate(&self, text: &str) -> Validation {
        let fail = |diagnostic: Diagnostic| Validation {
            diagnostics: vec![diagnostic],
            connector: None,
        };
        if text.len() > MAX_DEFINITION_BYTES {
            return fail(
                Diagnostic::error(
                    "too-large",
                    "",
                    format!(
                        "the definition is {} bytes; the limit is {MAX_DEFINITION_BYTES}",
                        text.len()
                    ),
                )
                .with_hint("a definition is a few kilobytes: is this the right file?"),
            );
        }
        let value: Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(err) => return fail(json_error(&err)),
        };
        self.validate_value(text, value)
    }

    /// Validates an already parsed definition; `text` is its source, used for line and column.
    fn validate_value(&self, text: &str, value: Value) -> Validation {
        let source = SourceMap::new(text);
        let locate = |mut diagnostic: Diagnostic| {
            diagnostic.location = Some(source.locate(&diagnostic.pointer));
            diagnostic
        };
        let structural = structural::check(&self.compiled, &self.schema, &value);
        if !structural.is_empty() {
            // Semantic rules need the typed model, which a structurally broken document lacks.
            return Validation {
                diagnostics: sorted(structural.into_iter().map(locate).collect()),
                connector: None,
            };
        }
        let definition: Definition = match serde_path_to_error::deserialize(&value) {
            Ok(definition) => definition,
            Err(err) => {
                // The schema is generated from the same types, so this is a gap in the schema;
                // still report it precisely rather than fail.
                let pointer = path_to_pointer(err.path());
                return Validation {
                    diagnostics: vec![locate(Diagnostic::error(
                        "invalid-value",
                        pointer,
                        err.inner().to_string(),
                    ))],
                    connector: None,
                };
            }
        };
        match Connector::build(definition, &self.registry) {
            Ok(connector) => Validation {
                diagnostics: sorted(connector.warnings().iter().cloned().map(locate).collect()),
                connector: Some(connector),
            },
            Err(diagnostics) => Validation {
                diagnostics: sorted(diagnostics.into_iter().map(locate).collect()),
                connector: None,
            },
        }
    }
}

/// Validates one definition text with the built-in canonical types.
pub fn validate(text: &str) -> Validation {
    Validator::new(CanonicalRegistry::builtin()).validate(text)
}

/// Orders diagnostics by position, errors before warnings at the same place.
fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by_key(|d| {
        let location = d.location.map(|l| (l.line, l.column)).unwrap_or_default();
        (location, d.severity)
    });
    diagnostics
}

fn json_error(err: &serde_json::Error) -> Diagnostic {
    let message = err.to_string();
    // serde_json appends " at line N column M"; the location carries that already.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(head, _)| head)
        .to_owned();
    let (code, hint) = if message.contains("recursion limit") {
        (
            "too-deep",
            "a definition nests a few levels deep; this one nests over 128",
        )
    } else {
        (
            "invalid-json",
            "fix the JSON syntax at this position (trailing commas and comments are not allowed)",
        )
    };
    let mut diagnostic =
        Diagnostic::error(code, "", format!("not valid JSON: {message}")).with_hint(hint);
    diagnostic.location = Some(Location {
        line: err.line().max(1),
        column: err.column().max(1),
    });
    diagnostic
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .fold(String::new(), |pointer, token| {
            pullpush_core::push_pointer(&pointer, &token)
        })
}
