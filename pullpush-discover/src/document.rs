//! Reading an API description: bytes → JSON value, bounded, with every local `$ref` checked.

use serde_json::Value;

use crate::DiscoverError;
use crate::refs::check_refs;

/// Largest document read by default: 32 MiB. The largest real description in our corpus (Square)
/// is 3 MiB; the limit exists so a hostile or mistaken source cannot exhaust memory.
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 32 * 1024 * 1024;

/// Which specification a document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpecVersion {
    /// Swagger 2.0 (`swagger: "2.0"`).
    Swagger2,
    /// OpenAPI 3.0.x.
    OpenApi30,
    /// OpenAPI 3.1.x.
    OpenApi31,
}

/// A parsed API description, with the problems of its `$ref`s.
#[derive(Debug)]
pub struct ApiDocument {
    root: Value,
    /// Broken references (dangling, external, cycles), in document order.
    reference_problems: Vec<DiscoverError>,
    version: SpecVersion,
    /// The version string as written, e.g. `3.0.3`.
    declared: String,
}

impl ApiDocument {
    /// Parses a document from text, JSON or YAML (JSON is tried first when the text starts with
    /// `{`), refusing texts over `max_bytes`.
    pub fn parse(text: &str, max_bytes: u64) -> Result<Self, DiscoverError> {
        let size = text.len() as u64;
        if size > max_bytes {
            return Err(DiscoverError::TooLarge {
                size,
                limit: max_bytes,
            });
        }
        let root = parse_value(text)?;
        Self::from_value(root)
    }

    /// Builds a document from a value already parsed.
    pub fn from_value(root: Value) -> Result<Self, DiscoverError> {
        let Value::Object(object) = &root else {
            return Err(DiscoverError::NotOpenApi(
                "the top level is not an object".into(),
            ));
        };
        let (version, declared) = if let Some(swagger) = object.get("swagger") {
            let declared = version_text(swagger);
            if declared != "2.0" {
                return Err(DiscoverError::UnsupportedVersion(declared));
            }
            (SpecVersion::Swagger2, declared)
        } else if let Some(openapi) = object.get("openapi") {
            let declared = version_text(openapi);
            let version = if declared.starts_with("3.0") {
                SpecVersion::OpenApi30
            } else if declared.starts_with("3.1") {
                SpecVersion::OpenApi31
            } else {
                return Err(DiscoverError::UnsupportedVersion(declared));
            };
            (version, declared)
        } else {
            return Err(DiscoverError::NotOpenApi(
                "it has neither an `openapi` nor a `swagger` member".into(),
            ));
        };
        if let Some(paths) = object.get("paths")
            && !paths.is_object()
        {
            return Err(DiscoverError::Malformed {
                pointer: "/paths".into(),
                message: "`paths` must be an object".into(),
            });
        }
        let reference_problems = check_refs(&root);
        Ok(ApiDocument {
            root,
            reference_problems,
            version,
            declared,
        })
    }

    /// The whole document.
    pub fn root(&self) -> &Value {
        &self.root
    }

    /// The `$ref`s that do not resolve — dangling, pointing outside the document, or circles that
    /// never reach a schema — in document order. Discovery reads them as "any value" and lists
    /// them as warnings; callers that want a clean document (`--strict`) refuse it instead.
    pub fn reference_problems(&self) -> &[DiscoverError] {
        &self.reference_problems
    }

    /// The document, or an error naming the first broken reference when there is any: for
    /// callers that want a clean document rather than warnings.
    pub fn strict(mut self) -> Result<Self, DiscoverError> {
        if self.reference_problems.is_empty() {
            return Ok(self);
        }
        let more = self.reference_problems.len() - 1;
        let first = self.reference_problems.swap_remove(0);
        Err(DiscoverError::BrokenReferences {
            first: Box::new(first),
            more,
        })
    }

    /// Which specification the document follows.
    pub fn version(&self) -> SpecVersion {
        self.version
    }

    /// The version as the document writes it, e.g. `3.0.3` or `2.0`.
    pub fn declared_version(&self) -> &str {
        &self.declared
    }
}

/// YAML 1.1 writers sometimes leave `openapi: 3.0` unquoted, which parses as a number.
fn version_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn parse_value(text: &str) -> Result<Value, DiscoverError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        // JSON is YAML too, but serde_json is faster and its messages are better for JSON.
        return serde_json::from_str(text).map_err(|error| DiscoverError::Syntax {
            format: "JSON",
            message: error.to_string(),
        });
    }
    serde_saphyr::from_str(text).map_err(|error| DiscoverError::Syntax {
        format: "YAML",
        message: first_line(&error.to_string()),
    })
}

/// serde-saphyr renders a code frame after the first line; the frame quotes the document, which
/// is noise in a one-line error and could be long.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message);
    line.strip_prefix("error: ").unwrap_or(line).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_yaml_give_the_same_value() {
        let json = r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}}"#;
        let yaml = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n";
        let a = ApiDocument::parse(json, DEFAULT_MAX_DOCUMENT_BYTES).unwrap();
        let b = ApiDocument::parse(yaml, DEFAULT_MAX_DOCUMENT_BYTES).unwrap();
        assert_eq!(a.root(), b.root());
        assert_eq!(a.version(), SpecVersion::OpenApi30);
    }

    #[test]
    fn versions_are_recognised_and_unknown_ones_refused() {
        let doc = |v: &str| ApiDocument::parse(v, DEFAULT_MAX_DOCUMENT_BYTES);
        assert_eq!(
            doc(r#"{"swagger": "2.0", "paths": {}}"#).unwrap().version(),
            SpecVersion::Swagger2
        );
        assert_eq!(
            doc(r#"{"openapi": "3.1.0", "paths": {}}"#)
                .unwrap()
                .version(),
            SpecVersion::OpenApi31
        );
        let error = doc(r#"{"openapi": "4.0.0"}"#).unwrap_err().to_string();
        assert!(error.contains("\"4.0.0\""), "{error}");
        let error = doc(r#"{"asyncapi": "2.0.0"}"#).unwrap_err().to_string();
        assert!(
            error.contains("neither an `openapi` nor a `swagger`"),
            "{error}"
        );
        let error = doc("[1, 2]").unwrap_err().to_string();
        assert!(error.contains("not an object"), "{error}");
    }

    #[test]
    fn broken_yaml_names_line_and_column() {
        let error = ApiDocument::parse("openapi: 3.0.0\npaths: [1, 2\ninfo: {", 1 << 20)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("the document is not valid YAML: "),
            "{error}"
        );
        assert!(error.contains("line "), "{error}");
        assert!(!error.contains('\n'), "one line: {error}");
    }

    #[test]
    fn oversized_documents_are_refused_before_parsing() {
        let text = format!(
            "{{\"openapi\": \"3.0.0\", \"x\": \"{}\"}}",
            "a".repeat(2000)
        );
        let error = ApiDocument::parse(&text, 1000).unwrap_err();
        assert!(matches!(error, DiscoverError::TooLarge { limit: 1000, .. }));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut yaml = String::from("openapi: 3.0.0\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let prev = format!("*a{}", level - 1);
            yaml.push_str(&format!(
                "a{level}: &a{level} [{}]\n",
                vec![prev; 10].join(", ")
            ));
        }
        let error = ApiDocument::parse(&yaml, DEFAULT_MAX_DOCUMENT_BYTES)
            .unwrap_err()
            .to_string();
        assert!(error.contains("not valid YAML"), "{error}");
    }
}
