//! Suggesting how native fields map to a canonical type: by name, synonym, type and format.
//!
//! OWNED BY THE MAPPING HELPER: this file is a stub with the agreed interface.

use pullpush_core::{CanonicalRegistry, CanonicalType, Expr};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::report::CanonicalCandidate;

/// A suggested mapping of one canonical field.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FieldSuggestion {
    /// The canonical field, e.g. `quantity`.
    pub field: String,
    /// The mapping expression to put in the definition, e.g. `{"integer": "$.on_hand"}`.
    pub expr: Expr,
    /// The native field it reads, as a JSONPath, e.g. `$.on_hand`.
    pub source: String,
    /// How sure the suggestion is, from 0 to 1.
    pub confidence: f64,
    /// Why, e.g. "`on_hand` is a synonym of quantity; integer".
    pub reason: String,
}

/// Suggested mappings of a record schema onto one canonical type.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct MappingSuggestions {
    /// The canonical type.
    pub canonical_type: String,
    /// One suggestion per canonical field that found a native field, in the type's field order.
    pub fields: Vec<FieldSuggestion>,
    /// Required canonical fields no native field was found for.
    pub unmapped_required: Vec<String>,
    /// The native id of a record, for the event's `source_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<FieldSuggestion>,
    /// When the source last changed a record, for the event's `source_updated_at`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_updated_at: Option<FieldSuggestion>,
}

/// Suggests mappings from a record's JSON Schema (`$ref`s already inlined) onto a canonical
/// type.
pub fn suggest_mappings(_ty: &CanonicalType, _record_schema: &Value) -> MappingSuggestions {
    todo!("mapping helper")
}

/// Ranks the canonical types a list operation's records could map to, best first, from the
/// words of its path and operation id (`resource_words`) and how well its record schema maps.
pub fn rank_canonical_types(
    _registry: &CanonicalRegistry,
    _resource_words: &[String],
    _record_schema: &Value,
) -> Vec<CanonicalCandidate> {
    todo!("mapping helper")
}
