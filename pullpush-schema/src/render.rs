//! Human-readable diagnostics that quote the offending source line, rustc style.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use pullpush_core::{Diagnostic, Severity};

use crate::source::{SourceMap, offset_of};

/// Renders diagnostics for the file `path` whose text is `text`. With `color`, ANSI styles are
/// used (for terminals).
pub fn render(path: &str, text: &str, diagnostics: &[Diagnostic], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let source = SourceMap::new(text);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let span = match diagnostic.location {
            // Structural errors found before parsing (invalid JSON) carry only a location.
            Some(location) if diagnostic.pointer.is_empty() => {
                let start = offset_of(text, location);
                start..(start + 1).min(text.len().max(start))
            }
            _ => source.span(&diagnostic.pointer),
        };
        let pointer = if diagnostic.pointer.is_empty() {
            "/"
        } else {
            &diagnostic.pointer
        };
        let title = level
            .primary_title(diagnostic.message.as_str())
            .id(diagnostic.code.as_str());
        let label = format!("at {pointer}");
        let mut group: Group = if text.is_empty() {
            Group::with_title(title)
        } else {
            title.element(
                Snippet::source(text)
                    .line_start(1)
                    .path(path)
                    .annotation(AnnotationKind::Primary.span(span).label(label.as_str())),
            )
        };
        if let Some(hint) = &diagnostic.hint {
            group = group.element(Level::HELP.message(hint.as_str()));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

/// A one-line summary such as `examples/x.json: 2 errors, 1 warning`.
pub fn summary(path: &str, errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if errors == 0 && warnings == 0 {
        format!("{path}: valid")
    } else if errors == 0 {
        format!("{path}: valid with {}", plural(warnings, "warning"))
    } else {
        format!(
            "{path}: {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}
