//! MCP resources: the published JSON Schemas, rendered once when the server is built.
//!
//! `pullpush://schemas/connector.json` is the connector definition schema and
//! `pullpush://canonical/{name}.json` the schema of each canonical type. The text is the same
//! pretty JSON as the files committed under `schemas/`.

use pullpush_core::{CanonicalRegistry, did_you_mean};
use pullpush_schema::to_pretty;
use rmcp::model::{Resource, ResourceContents, ResourceTemplate};
use serde_json::Value;

/// URI of the connector definition schema.
pub(crate) const CONNECTOR_SCHEMA_URI: &str = "pullpush://schemas/connector.json";
/// URI template of the canonical type schemas.
pub(crate) const CANONICAL_SCHEMA_URI_TEMPLATE: &str = "pullpush://canonical/{name}.json";
const MIME_TYPE: &str = "application/schema+json";

/// URI of the schema of the canonical type `name`.
pub(crate) fn canonical_schema_uri(name: &str) -> String {
    CANONICAL_SCHEMA_URI_TEMPLATE.replace("{name}", name)
}

/// Every schema the server publishes, in listing order (connector first).
pub(crate) struct SchemaResources {
    documents: Vec<SchemaDocument>,
}

struct SchemaDocument {
    resource: Resource,
    text: String,
}

impl SchemaResources {
    pub(crate) fn new(connector: &Value, registry: &CanonicalRegistry) -> Self {
        let connector = SchemaDocument::new(
            Resource::new(CONNECTOR_SCHEMA_URI, "connector.json")
                .with_title("PullPush connector definition schema")
                .with_description(
                    "JSON Schema (draft 2020-12) of connector definitions: identity, config spec, \
                     base URL, auth, streams with read, pagination, incremental sync and mapping, \
                     rate limits and retries.",
                ),
            to_pretty(connector),
        );
        let canonical = registry.iter().map(|ty| {
            SchemaDocument::new(
                Resource::new(
                    canonical_schema_uri(ty.name()),
                    format!("{}.json", ty.name()),
                )
                .with_title(format!("Canonical type {} v{}", ty.name(), ty.version()))
                .with_description(format!(
                    "JSON Schema of a `{}` record (key: {}). {}",
                    ty.name(),
                    ty.key().join(", "),
                    ty.description()
                )),
                to_pretty(&ty.json_schema()),
            )
        });
        SchemaResources {
            documents: std::iter::once(connector).chain(canonical).collect(),
        }
    }

    pub(crate) fn list(&self) -> Vec<Resource> {
        self.documents
            .iter()
            .map(|document| document.resource.clone())
            .collect()
    }

    pub(crate) fn templates() -> Vec<ResourceTemplate> {
        vec![
            ResourceTemplate::new(CANONICAL_SCHEMA_URI_TEMPLATE, "canonical-type-schema")
                .with_title("Canonical type schema")
                .with_description(
                    "JSON Schema of one canonical type; `name` as list_canonical_types gives it, \
                     e.g. stocklevel.",
                )
                .with_mime_type(MIME_TYPE),
        ]
    }

    /// The contents at `uri`, or an error message that suggests the closest canonical type.
    pub(crate) fn read(&self, uri: &str) -> Result<ResourceContents, String> {
        if let Some(document) = self.documents.iter().find(|d| d.resource.uri == uri) {
            return Ok(ResourceContents::text(&document.text, uri).with_mime_type(MIME_TYPE));
        }
        let suggestion = canonical_name(uri).and_then(|name| {
            let names = self
                .documents
                .iter()
                .filter_map(|d| canonical_name(&d.resource.uri));
            did_you_mean(name, names)
        });
        Err(match suggestion {
            Some(close) => format!(
                "no resource `{uri}`; did you mean `{}`?",
                canonical_schema_uri(close)
            ),
            None => format!("no resource `{uri}`; resources/list names every resource"),
        })
    }
}

/// The type name in a canonical schema URI.
fn canonical_name(uri: &str) -> Option<&str> {
    let (prefix, suffix) = CANONICAL_SCHEMA_URI_TEMPLATE.split_once("{name}")?;
    uri.strip_prefix(prefix)?.strip_suffix(suffix)
}

impl SchemaDocument {
    fn new(resource: Resource, text: String) -> Self {
        let resource = resource
            .with_mime_type(MIME_TYPE)
            .with_size(text.len() as u64);
        SchemaDocument { resource, text }
    }
}
