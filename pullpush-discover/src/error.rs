//! Why a document could not be discovered or a draft not generated.

/// A discovery or generation failure. Every variant names the place in the document (a JSON
/// pointer) or the input that is wrong, so the message alone says what to fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoverError {
    /// The document is larger than the limit, refused before parsing so memory stays bounded.
    #[error(
        "the document is {size} bytes, more than the limit of {limit} bytes; raise the limit (`--max-bytes`) if it is really that large"
    )]
    TooLarge {
        /// Size of the document in bytes (at least; a download is cut at the limit).
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The text is neither JSON nor YAML.
    #[error("the document is not valid {format}: {message}")]
    Syntax {
        /// `JSON` or `YAML`.
        format: &'static str,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The document parsed but is not an OpenAPI or Swagger document.
    #[error("not an OpenAPI document: {0}")]
    NotOpenApi(String),
    /// The document declares a version this build does not read.
    #[error("unsupported document version {0:?}: OpenAPI 3.0, 3.1 and Swagger 2.0 are supported")]
    UnsupportedVersion(String),
    /// A `$ref` points to nothing in the document.
    #[error("dangling $ref {target:?} at {pointer}: nothing in the document is at that location")]
    DanglingRef {
        /// The reference as written.
        target: String,
        /// Where the reference is (JSON pointer).
        pointer: String,
    },
    /// `$ref`s refer to each other in a circle and never reach a value.
    #[error("$ref cycle at {pointer}: {}", chain.join(" -> "))]
    RefCycle {
        /// Where the first reference of the circle is.
        pointer: String,
        /// The references of the circle, in order.
        chain: Vec<String>,
    },
    /// Strict reading refused a document with broken references.
    #[error("{first}{}", more_refs(*.more))]
    BrokenReferences {
        /// The first broken reference.
        first: Box<DiscoverError>,
        /// How many more there are.
        more: usize,
    },
    /// A part of the document has the wrong shape, e.g. `paths` is not an object.
    #[error("{pointer}: {message}")]
    Malformed {
        /// Where (JSON pointer).
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// An operation named on the command line is not in the document.
    #[error("no operation {wanted:?} in the document{}", suggestion(.did_you_mean))]
    UnknownOperation {
        /// What was asked for.
        wanted: String,
        /// The closest operation id or `METHOD /path`.
        did_you_mean: Option<String>,
    },
    /// The chosen operation cannot become a stream.
    #[error("operation {operation} cannot be read as a stream: {reason}")]
    NotReadable {
        /// The operation.
        operation: String,
        /// Why not.
        reason: String,
    },
    /// A canonical type named on the command line is unknown.
    #[error(transparent)]
    Canonical(#[from] pullpush_core::CanonicalError),
}

fn more_refs(more: usize) -> String {
    match more {
        0 => String::new(),
        n => format!(" (and {n} more broken $ref(s))"),
    }
}

fn suggestion(did_you_mean: &Option<String>) -> String {
    match did_you_mean {
        Some(name) => format!("; did you mean {name:?}?"),
        None => String::new(),
    }
}
