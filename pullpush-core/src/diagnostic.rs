//! Diagnostics: what validation says about a definition.
//!
//! Validation is not an error path: it returns every diagnostic at once, each with a stable code,
//! the JSON pointer of the offending value, a message and, where there is one, how to fix it.
//! `pullpush-schema` adds the line and column in the source text.

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The definition cannot run as written.
    Error,
    /// The definition runs, but probably not as intended.
    Warning,
}

/// One finding about a definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Stable, kebab-case identifier of the rule, e.g. `unknown-config-property`.
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// JSON pointer (RFC 6901) of the offending value, e.g. `/streams/0/mapping/fields/quantity`.
    pub pointer: String,
    /// What is wrong, lowercase, naming the offending value.
    pub message: String,
    /// How to fix it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Line and column (1-based) in the source text, when the definition came from text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// A 1-based line and column (in characters) in a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Line, starting at 1.
    pub line: usize,
    /// Column in characters, starting at 1.
    pub column: usize,
}

impl Diagnostic {
    /// An error.
    pub fn error(code: &str, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.to_owned(),
            severity: Severity::Error,
            pointer: pointer.into(),
            message: message.into(),
            hint: None,
            location: None,
        }
    }

    /// A warning.
    pub fn warning(code: &str, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, pointer, message)
        }
    }

    /// Adds a fix hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(
            f,
            "{severity}[{}] at {pointer}: {}",
            self.code, self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}
