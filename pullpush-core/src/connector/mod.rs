//! Building a runnable [`Connector`] from a [`Definition`]: validate and compile in one pass.
//!
//! Every semantic rule lives in one of the modules below and pushes [`Diagnostic`]s; the compiled
//! artefacts (templates, selectors, mappers) are the ones the interpreter runs, so nothing is
//! checked twice and a `Connector` cannot exist for a definition with errors.
//!
//! | module      | rules                                                                  |
//! |-------------|------------------------------------------------------------------------|
//! | `identity`  | format version, semantic version, config spec coherence                |
//! | `templates` | every template compiles and reads only variables that exist there; base URL |
//! | `secrets`   | credentials come from secret config values, never inline               |
//! | `streams`   | names, canonical types, parents, read operation, pagination, incremental |
//! | `mapping`   | mapping targets and types against the canonical type; write operations |

mod identity;
mod mapping;
mod secrets;
mod streams;
mod templates;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use serde_json_path::JsonPath;

use crate::canonical::{CanonicalRegistry, CanonicalType};
use crate::definition::Definition;
use crate::diagnostic::Diagnostic;
use crate::map::{Compiled, Mapper};
use crate::template::TemplateSet;

/// A validated, compiled connector: the only input the engine runs.
#[derive(Debug)]
pub struct Connector {
    definition: Definition,
    templates: TemplateSet,
    streams: Vec<CompiledStream>,
    warnings: Vec<Diagnostic>,
}

/// One stream, compiled.
#[derive(Debug)]
pub struct CompiledStream {
    /// Index of the stream in the definition (its pointer is `/streams/{index}`).
    pub index: usize,
    /// The canonical type the stream produces.
    pub canonical: CanonicalType,
    /// The record selector.
    pub records: JsonPath,
    /// The native → canonical mapping.
    pub mapper: Mapper,
    /// The reverse mapping of the write operation: native field → expression over the canonical
    /// record.
    pub write_body: Vec<(String, Compiled)>,
}

impl Connector {
    /// Validates `definition` against the canonical types in `registry` and compiles it.
    ///
    /// On success the connector carries the warnings; on failure every diagnostic (errors and
    /// warnings) is returned, grouped by rule family (`pullpush-schema` orders them by position
    /// in the source).
    pub fn build(
        definition: Definition,
        registry: &CanonicalRegistry,
    ) -> Result<Connector, Vec<Diagnostic>> {
        let mut cx = BuildContext::new(&definition, registry);
        identity::check(&mut cx);
        templates::check(&mut cx);
        secrets::check(&mut cx);
        let streams = streams::check(&mut cx);
        let streams = mapping::check(&mut cx, streams);
        let BuildContext {
            diagnostics,
            templates,
            ..
        } = cx;
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(diagnostics);
        }
        Ok(Connector {
            definition,
            templates,
            streams,
            warnings: diagnostics,
        })
    }

    /// The definition this connector was built from.
    pub fn definition(&self) -> &Definition {
        &self.definition
    }

    /// The compiled templates, addressed by the JSON pointer of their source string.
    pub fn templates(&self) -> &TemplateSet {
        &self.templates
    }

    /// The compiled streams, in definition order.
    pub fn streams(&self) -> &[CompiledStream] {
        &self.streams
    }

    /// Warnings found while building: the connector runs, but maybe not as intended.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

/// Shared state of one build: the input, the templates compiled so far and the findings.
struct BuildContext<'a> {
    definition: &'a Definition,
    registry: &'a CanonicalRegistry,
    config_properties: BTreeSet<String>,
    templates: TemplateSet,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> BuildContext<'a> {
    fn new(definition: &'a Definition, registry: &'a CanonicalRegistry) -> Self {
        BuildContext {
            definition,
            registry,
            config_properties: definition.config_spec.properties.keys().cloned().collect(),
            templates: TemplateSet::new(),
            diagnostics: Vec::new(),
        }
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// Parses an RFC 9535 JSONPath, reporting a diagnostic at `pointer` when it does not parse.
fn parse_jsonpath(cx: &mut BuildContext, source: &str, pointer: String) -> Option<JsonPath> {
    match JsonPath::parse(source) {
        Ok(path) => Some(path),
        Err(err) => {
            cx.push(
                Diagnostic::error(
                    "invalid-jsonpath",
                    pointer,
                    format!("`{source}` is not a valid JSONPath: {err}"),
                )
                .with_hint("write an RFC 9535 JSONPath such as `$.data[*]` or `$.meta.next`"),
            );
            None
        }
    }
}

/// Every string inside a JSON value with its pointer: the templates of a request body.
fn string_pointers<'v>(at: &str, value: &'v serde_json::Value) -> Vec<(String, &'v str)> {
    let mut out = Vec::new();
    let mut stack = vec![(at.to_owned(), value)];
    while let Some((at, value)) = stack.pop() {
        match value {
            serde_json::Value::String(text) => out.push((at, text.as_str())),
            serde_json::Value::Array(items) => stack.extend(
                items
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(index, item)| (crate::pointer::push(&at, &index.to_string()), item)),
            ),
            serde_json::Value::Object(object) => stack.extend(
                object
                    .iter()
                    .rev()
                    .map(|(name, item)| (crate::pointer::push(&at, name), item)),
            ),
            _ => {}
        }
    }
    out
}
