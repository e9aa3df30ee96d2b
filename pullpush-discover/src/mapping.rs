//! Suggesting how native fields map to a canonical type: by name, synonym, type and format.
//!
//! The native record's JSON Schema is flattened into fields ([`native`]); every pairing of a
//! canonical field with a native field is scored by name ([`names`]: exact, synonym, containment)
//! times how well the native type fits ([`convert`], which also picks the expression); then pairs
//! are taken best first so each native field fills at most one canonical field. Everything is
//! ordered data (no hash maps), so the same schema always gives the same suggestions.

mod convert;
mod names;
mod native;
#[cfg(test)]
mod tests;

use indexmap::IndexMap;
use pullpush_core::{CanonicalRegistry, CanonicalType, Expr, ExprOp, Field, FieldKind, Fields};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::report::{CanonicalCandidate, score};
use names::NameMatch;
use native::{JsonType, NativeField};

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

/// Below this a pairing is noise rather than a suggestion.
const THRESHOLD: f64 = 0.3;

/// What each level below the top costs, so `$.id` beats `$.customer.id`.
const DEPTH_PENALTY: f64 = 0.05;

/// Fields that describe the record itself, so a nested object's (`customer.created_at`) never
/// fills them, like a nested id never fills the record's id.
const RECORD_LEVEL: &[&str] = &["createdAt", "updatedAt"];

/// How deep fields of array elements are read for `each`.
const ELEMENT_DEPTH: usize = 2;

/// Suggests mappings from a record's JSON Schema (`$ref`s already inlined) onto a canonical
/// type.
pub fn suggest_mappings(ty: &CanonicalType, record_schema: &Value) -> MappingSuggestions {
    suggest(ty, record_schema).0
}

/// [`suggest_mappings`], plus the fields whose match is weak evidence that the records are of
/// this type: a bare `id` (every record has one) or a field of a nested object (an order's
/// `customer.email` does not make the order a contact).
fn suggest(ty: &CanonicalType, record_schema: &Value) -> (MappingSuggestions, Vec<String>) {
    let natives = native::flatten(record_schema, record_schema);
    let fields: Vec<(&String, &Field)> = ty.fields().iter().collect();
    let mut used = vec![false; natives.len()];

    // Scalars first: they are most of every type, and nested objects then take what is left.
    let scalars: Vec<(usize, Target<'_>)> = fields
        .iter()
        .enumerate()
        .filter(|(_, (_, field))| is_scalar(&field.kind))
        .map(|(index, (name, field))| (index, Target::new(name, &field.kind, ty.name())))
        .collect();
    let targets: Vec<Target<'_>> = scalars.iter().map(|(_, target)| target.clone()).collect();
    let chosen = assign(&targets, &natives, |_| true, &mut used, 0);
    let mut suggestions: Vec<Option<FieldSuggestion>> = vec![None; fields.len()];
    let mut weak = Vec::new();
    for ((index, target), chosen) in scalars.iter().zip(chosen) {
        if let Some(chosen) = chosen {
            if chosen.weak {
                weak.push(target.name.to_owned());
            }
            suggestions[*index] = Some(chosen.suggestion);
        }
    }
    for (index, (name, field)) in fields.iter().enumerate() {
        let nested = match &field.kind {
            FieldKind::Object(inner) => suggest_object(name, inner, &natives, &mut used),
            FieldKind::Array(item) => match item.as_ref() {
                FieldKind::Object(inner) => {
                    suggest_each(name, inner, record_schema, &natives, &mut used)
                }
                _ => None,
            },
            _ => continue,
        };
        suggestions[index] = nested;
    }

    let unmapped_required = fields
        .iter()
        .zip(&suggestions)
        .filter(|((_, field), suggestion)| field.required && suggestion.is_none())
        .map(|((name, _), _)| (*name).clone())
        .collect();
    let source_updated_at = source_updated_at(&fields, &suggestions, &natives);
    let source_id = source_id(ty, &suggestions, &natives);
    let suggestions = MappingSuggestions {
        canonical_type: ty.name().to_owned(),
        fields: suggestions.into_iter().flatten().collect(),
        unmapped_required,
        source_id,
        source_updated_at,
    };
    (suggestions, weak)
}

/// Ranks the canonical types a list operation's records could map to, best first, from the
/// words of its path and operation id (`resource_words`) and how well its record schema maps.
pub fn rank_canonical_types(
    registry: &CanonicalRegistry,
    resource_words: &[String],
    record_schema: &Value,
) -> Vec<CanonicalCandidate> {
    let mut candidates: Vec<CanonicalCandidate> = registry
        .iter()
        .map(|ty| candidate(ty, resource_words, record_schema))
        .filter(|candidate| candidate.confidence > MIN_CANDIDATE_CONFIDENCE)
        .collect();
    candidates.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then_with(|| a.canonical_type.cmp(&b.canonical_type))
    });
    candidates.truncate(MAX_CANDIDATES);
    candidates
}

/// Candidates at or below this are not worth showing.
const MIN_CANDIDATE_CONFIDENCE: f64 = 0.2;

/// How many canonical types a list operation is offered at most.
const MAX_CANDIDATES: usize = 3;

/// Words in an API's paths that name the records of each built-in type.
const RESOURCE_HINTS: &[(&str, &[&str])] = &[
    (
        "stocklevel",
        &[
            "stock",
            "stocks",
            "inventory",
            "inventories",
            "levels",
            "stocklevels",
            "inventorylevels",
            "stockitems",
        ],
    ),
    (
        "order",
        &["orders", "purchaseorders", "salesorders", "checkouts"],
    ),
    (
        "product",
        &[
            "products",
            "items",
            "catalog",
            "catalogue",
            "variants",
            "articles",
        ],
    ),
    (
        "contact",
        &[
            "customers",
            "contacts",
            "users",
            "people",
            "members",
            "persons",
            "leads",
            "subscribers",
        ],
    ),
    ("invoice", &["invoices", "bills"]),
    ("call", &["calls"]),
    (
        "company",
        &[
            "companies",
            "organizations",
            "organisations",
            "accounts",
            "merchants",
        ],
    ),
    ("ticket", &["tickets", "issues", "conversations", "cases"]),
];

/// One canonical type scored against an operation.
fn candidate(ty: &CanonicalType, resource_words: &[String], schema: &Value) -> CanonicalCandidate {
    let (suggestions, weak) = suggest(ty, schema);
    let is_found = |name: &str| {
        suggestions
            .fields
            .iter()
            .any(|suggestion| suggestion.field == name)
    };
    let evidence = |name: &str| {
        let suggestion = suggestions
            .fields
            .iter()
            .find(|suggestion| suggestion.field == name)?;
        let weight = if weak.iter().any(|field| field == name) {
            0.5
        } else {
            1.0
        };
        Some(suggestion.confidence * weight)
    };
    let (required, optional): (Vec<_>, Vec<_>) =
        ty.fields().iter().partition(|(_, field)| field.required);
    let mean = |fields: &[(&String, &Field)]| {
        if fields.is_empty() {
            return 0.0;
        }
        let total: f64 = fields.iter().filter_map(|(name, _)| evidence(name)).sum();
        total / fields.len() as f64
    };
    let optional_fit = mean(&optional);
    let required_fit = if required.is_empty() {
        optional_fit
    } else {
        mean(&required)
    };
    let fit = 0.75 * required_fit + 0.25 * optional_fit;
    let hint = resource_hint(ty.name(), resource_words);
    let mut confidence = match &hint {
        Some((_, strength)) => 0.35 * strength + 0.65 * fit,
        None => 0.65 * fit,
    };
    // A type with a required field nothing fills cannot be used as suggested.
    if !suggestions.unmapped_required.is_empty() {
        confidence *= 0.6;
    }

    let found: Vec<&str> = required
        .iter()
        .filter(|(name, _)| is_found(name))
        .map(|(name, _)| name.as_str())
        .collect();
    let mut reason = String::new();
    if let Some((word, _)) = &hint {
        reason.push_str(&format!("path names {word}; "));
    }
    reason.push_str(&format!(
        "{} of {} required fields found",
        found.len(),
        required.len()
    ));
    if !found.is_empty() {
        reason.push_str(&format!(" ({})", found.join(", ")));
    }
    if !suggestions.unmapped_required.is_empty() {
        reason.push_str(&format!(
            "; missing {}",
            suggestions.unmapped_required.join(", ")
        ));
    }
    CanonicalCandidate {
        canonical_type: ty.name().to_owned(),
        confidence: score(confidence),
        reason,
        fields: suggestions.fields,
    }
}

/// The path words naming `type_name`'s records, with how strongly. Words come from the
/// operation id, then the path, so the last word is the collection the path ends in:
/// - 1 for a name of the type there (`customers`, `stock items`, or the type's own name or
///   plural for user types);
/// - 0.8 for a name elsewhere (`/contacts/search`);
/// - 0.7 for a word that only qualifies another type's name (`items` in `stock items`);
/// - 0.5 for a parent resource, followed by another type's name (`accounts` in
///   `/Accounts/{AccountSid}/Calls.json`).
fn resource_hint(type_name: &str, resource_words: &[String]) -> Option<(String, f64)> {
    let own = crate::words::normalize(type_name);
    let known = RESOURCE_HINTS
        .iter()
        .find(|(name, _)| *name == type_name)
        .map_or(&[][..], |(_, words)| words);
    let names_type = |word: &str| {
        word == own
            || *word == format!("{own}s")
            || *word == format!("{own}es")
            || known.contains(&word)
    };
    let names_other = |word: &str| {
        RESOURCE_HINTS
            .iter()
            .any(|(name, words)| *name != type_name && words.contains(&word))
    };
    let parts: Vec<String> = resource_words
        .iter()
        .flat_map(|word| crate::words::words(word))
        .collect();
    // Each mention of the type: where it ends, how it reads, and whether it only qualifies
    // another type's name.
    let mut mentions: Vec<(usize, String, bool)> = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        if let Some(next) = parts.get(index + 1)
            && names_type(&format!("{part}{next}"))
        {
            mentions.push((index + 1, format!("{part} {next}"), false));
        }
        if names_type(part) {
            let before = index
                .checked_sub(1)
                .map(|previous| format!("{}{part}", parts[previous]));
            let after = parts.get(index + 1).map(|next| format!("{part}{next}"));
            let qualifier = before
                .into_iter()
                .chain(after)
                .any(|pair| names_other(&pair));
            mentions.push((index, part.clone(), qualifier));
        }
    }
    let strength = |(end, _, qualifier): &(usize, String, bool)| {
        if *qualifier {
            0.7
        } else if *end + 1 == parts.len() {
            1.0
        } else if parts[end + 1..].iter().any(|later| names_other(later)) {
            0.5
        } else {
            0.8
        }
    };
    mentions
        .iter()
        .map(|mention| (mention.1.clone(), strength(mention)))
        .reduce(|best, next| if next.1 > best.1 { next } else { best })
}

/// A canonical field to fill.
#[derive(Clone)]
struct Target<'t> {
    name: &'t str,
    kind: &'t FieldKind,
    /// The names it goes by, computed once: its own, synonyms, and `id`/`uuid`/`sid` when it is
    /// the id of what it belongs to (`orderId` of an order).
    terms: std::rc::Rc<Vec<names::Term>>,
}

impl<'t> Target<'t> {
    fn new(name: &'t str, kind: &'t FieldKind, owner: &str) -> Self {
        let record_id = names::is_record_id(name, owner);
        Target {
            name,
            kind,
            terms: std::rc::Rc::new(names::terms(name, record_id)),
        }
    }
}

/// A possible pairing of a target with a native field.
struct Candidate {
    target: usize,
    native: usize,
    score: f64,
    expr: Expr,
    reason: String,
    /// Whether the match is weak evidence of the record's type (see [`suggest`]).
    weak: bool,
}

/// The suggestion [`assign`] chose for a target.
struct Chosen {
    suggestion: FieldSuggestion,
    weak: bool,
}

/// Fields an expression fills directly, as opposed to nested objects and arrays.
fn is_scalar(kind: &FieldKind) -> bool {
    !matches!(
        kind,
        FieldKind::Object(_) | FieldKind::Array(_) | FieldKind::Any
    )
}

/// How well `native` fills `target`, with the expression and why. `base_depth` is the depth of
/// the object being filled, so fields of a nested customer are not penalised for their nesting.
fn score_pair(
    target: &Target<'_>,
    native: &NativeField<'_>,
    base_depth: usize,
) -> Option<Candidate> {
    let money = matches!(target.kind, FieldKind::Decimal);
    let name = names::match_terms(target.name, &target.terms, native, money)
        .or_else(|| email_by_format(target.kind, native))?;
    let extra_depth = native.depth().saturating_sub(base_depth + 1);
    // `$.customer.id` is the customer's id, not the order's.
    if extra_depth > 0 && (name.as_record_id || RECORD_LEVEL.contains(&target.name)) {
        return None;
    }
    let conversion = convert::convert(target.kind, native)?;
    Some(Candidate {
        target: 0,
        native: 0,
        score: name.score * conversion.fit - DEPTH_PENALTY * extra_depth as f64,
        expr: conversion.expr,
        reason: format!("{}; {}", name.reason, conversion.note),
        weak: name.as_record_id || extra_depth > 0,
    })
}

/// A string documented with `format: email` fits an e-mail field whatever it is called.
fn email_by_format(kind: &FieldKind, native: &NativeField<'_>) -> Option<NameMatch> {
    (matches!(kind, FieldKind::Email) && native.facts.format == Some("email")).then(|| NameMatch {
        score: 0.7,
        reason: format!("`{}` has format email", native.display()),
        as_record_id: false,
    })
}

/// Pairs targets with native fields one to one, best score first; ties go to the earlier
/// target, then the earlier native field. Only natives that are `allowed` and not yet `used`
/// take part; the ones chosen are marked used.
fn assign(
    targets: &[Target<'_>],
    natives: &[NativeField<'_>],
    allowed: impl Fn(usize) -> bool,
    used: &mut [bool],
    base_depth: usize,
) -> Vec<Option<Chosen>> {
    let mut candidates = Vec::new();
    for (target_index, target) in targets.iter().enumerate() {
        for (native_index, native) in natives.iter().enumerate() {
            if used[native_index] || !allowed(native_index) {
                continue;
            }
            if let Some(candidate) = score_pair(target, native, base_depth)
                && candidate.score >= THRESHOLD
            {
                candidates.push(Candidate {
                    target: target_index,
                    native: native_index,
                    ..candidate
                });
            }
        }
    }
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.target.cmp(&b.target))
            .then(a.native.cmp(&b.native))
    });
    let mut chosen: Vec<Option<Chosen>> = targets.iter().map(|_| None).collect();
    for candidate in candidates {
        if chosen[candidate.target].is_some() || used[candidate.native] {
            continue;
        }
        used[candidate.native] = true;
        chosen[candidate.target] = Some(Chosen {
            suggestion: FieldSuggestion {
                field: targets[candidate.target].name.to_owned(),
                expr: candidate.expr,
                source: natives[candidate.native].path.clone(),
                confidence: score(candidate.score),
                reason: candidate.reason,
            },
            weak: candidate.weak,
        });
    }
    chosen
}

/// The nested fields found for an object or array element, if they make a usable mapping:
/// at least one found and every required one found (else the definition would not build).
fn nested_fields(inner: &Fields, chosen: Vec<Option<Chosen>>) -> Option<Vec<FieldSuggestion>> {
    let chosen: Vec<Option<FieldSuggestion>> = chosen
        .into_iter()
        .map(|chosen| chosen.map(|chosen| chosen.suggestion))
        .collect();
    let complete = inner
        .values()
        .zip(&chosen)
        .all(|(field, suggestion)| !field.required || suggestion.is_some());
    let found: Vec<FieldSuggestion> = chosen.into_iter().flatten().collect();
    (complete && !found.is_empty()).then_some(found)
}

/// Confidence of a nested object: its name, how sure its fields are, and how many were found.
fn nested_confidence(name: &NameMatch, found: &[FieldSuggestion], total: usize) -> f64 {
    let mean = found.iter().map(|field| field.confidence).sum::<f64>() / found.len() as f64;
    name.score * mean * (0.7 + 0.3 * found.len() as f64 / total.max(1) as f64)
}

fn nested_reason(name: &NameMatch, what: &str, found: &[FieldSuggestion], total: usize) -> String {
    let names: Vec<&str> = found.iter().map(|field| field.field.as_str()).collect();
    format!(
        "{}; {what} maps {} of {total} fields ({})",
        name.reason,
        found.len(),
        names.join(", ")
    )
}

/// The scalar fields of a nested canonical object (`customer`, a line item) as targets; ids are
/// judged against `owner`, so a line item's `productId` is not the item's own id.
fn scalar_targets<'t>(inner: &'t Fields, owner: &str) -> Vec<Target<'t>> {
    inner
        .iter()
        .filter(|(_, spec)| is_scalar(&spec.kind))
        .map(|(field, spec)| Target::new(field, &spec.kind, owner))
        .collect()
}

/// An `object` expression for a canonical object field (an order's `customer`) from a native
/// object of a fitting name; its paths read the record, so they stay absolute.
fn suggest_object(
    name: &str,
    inner: &Fields,
    natives: &[NativeField<'_>],
    used: &mut [bool],
) -> Option<FieldSuggestion> {
    let targets = scalar_targets(inner, name);
    let mut best: Option<(f64, FieldSuggestion, Vec<bool>)> = None;
    for (index, container) in natives.iter().enumerate() {
        if used[index] || container.ty != JsonType::Object {
            continue;
        }
        let Some(name_match) = names::match_name(name, false, container, false) else {
            continue;
        };
        let mut trial = used.to_vec();
        trial[index] = true;
        let chosen = assign(
            &targets,
            natives,
            |native| natives[native].is_inside(container),
            &mut trial,
            container.depth(),
        );
        let Some(found) = nested_fields(inner, chosen) else {
            continue;
        };
        let confidence = nested_confidence(&name_match, &found, targets.len());
        if best
            .as_ref()
            .is_some_and(|(score, ..)| *score >= confidence)
        {
            continue;
        }
        let suggestion = FieldSuggestion {
            field: name.to_owned(),
            expr: Expr::Op(Box::new(ExprOp::Object(
                found
                    .iter()
                    .map(|field| (field.field.clone(), field.expr.clone()))
                    .collect(),
            ))),
            source: container.path.clone(),
            confidence: score(confidence),
            reason: nested_reason(&name_match, "the object", &found, targets.len()),
        };
        best = Some((confidence, suggestion, trial));
    }
    let (_, suggestion, trial) = best?;
    used.copy_from_slice(&trial);
    Some(suggestion)
}

/// An `each` expression for a canonical array of objects (an order's `lineItems`) from a native
/// array of objects of a fitting name; paths inside read one element.
fn suggest_each(
    name: &str,
    inner: &Fields,
    root: &Value,
    natives: &[NativeField<'_>],
    used: &mut [bool],
) -> Option<FieldSuggestion> {
    let targets = scalar_targets(inner, name);
    let mut best: Option<(f64, FieldSuggestion, usize)> = None;
    for (index, container) in natives.iter().enumerate() {
        let Some(items) = container.facts.items else {
            continue;
        };
        if used[index] || container.ty != JsonType::Array {
            continue;
        }
        let Some(name_match) = names::match_name(name, false, container, false) else {
            continue;
        };
        let elements = native::flatten_to(root, items, ELEMENT_DEPTH);
        let mut element_used = vec![false; elements.len()];
        let chosen = assign(&targets, &elements, |_| true, &mut element_used, 0);
        let Some(found) = nested_fields(inner, chosen) else {
            continue;
        };
        let confidence = nested_confidence(&name_match, &found, targets.len());
        if best
            .as_ref()
            .is_some_and(|(score, ..)| *score >= confidence)
        {
            continue;
        }
        let fields: IndexMap<String, Expr> = found
            .iter()
            .map(|field| (field.field.clone(), field.expr.clone()))
            .collect();
        let suggestion = FieldSuggestion {
            field: name.to_owned(),
            expr: Expr::Op(Box::new(ExprOp::Each {
                path: container.path.clone(),
                fields,
            })),
            source: container.path.clone(),
            confidence: score(confidence),
            reason: nested_reason(&name_match, "each element", &found, targets.len()),
        };
        best = Some((confidence, suggestion, index));
    }
    let (_, suggestion, index) = best?;
    used[index] = true;
    Some(suggestion)
}

/// The record's own id, for `source_id`: a top-level `id`, `<type>Id`, `uuid`, `sid` or `guid`,
/// else the native field the type's own id field reads when it is a top-level one (Harbor's
/// `user_id` for a contact), as a bare path (the envelope takes any scalar).
fn source_id(
    ty: &CanonicalType,
    suggestions: &[Option<FieldSuggestion>],
    natives: &[NativeField<'_>],
) -> Option<FieldSuggestion> {
    let mut best: Option<(NameMatch, &NativeField<'_>)> = None;
    for native in natives {
        if native.depth() != 1 || !native.ty.is_scalar() {
            continue;
        }
        let Some(found) = names::match_record_id(ty.name(), native) else {
            continue;
        };
        if best
            .as_ref()
            .is_none_or(|(best, _)| found.score > best.score)
        {
            best = Some((found, native));
        }
    }
    if let Some((found, native)) = best {
        return Some(FieldSuggestion {
            field: "source_id".into(),
            expr: Expr::Path(native.path.clone()),
            source: native.path.clone(),
            confidence: score(found.score),
            reason: format!("{}; {}", found.reason, native.ty.name()),
        });
    }
    let own_id = ty
        .fields()
        .keys()
        .zip(suggestions)
        .find(|(name, _)| names::is_record_id(name, ty.name()))
        .and_then(|(_, suggestion)| suggestion.as_ref())?;
    let native = natives
        .iter()
        .find(|native| native.path == own_id.source && native.depth() == 1)?;
    Some(FieldSuggestion {
        field: "source_id".into(),
        expr: Expr::Path(native.path.clone()),
        source: native.path.clone(),
        confidence: own_id.confidence,
        reason: format!("`{}` is the record's {}", native.display(), own_id.field),
    })
}

/// When the source last changed a record, for `source_updated_at`: the type's `updatedAt`
/// suggestion when it has one, else the best updated-at field of the record (a call has no
/// `updatedAt`, but Twilio's `date_updated` still helps incremental reads).
fn source_updated_at(
    fields: &[(&String, &Field)],
    suggestions: &[Option<FieldSuggestion>],
    natives: &[NativeField<'_>],
) -> Option<FieldSuggestion> {
    let from_field = fields
        .iter()
        .zip(suggestions)
        .find(|((name, field), _)| *name == "updatedAt" && field.kind == FieldKind::DateTime)
        .and_then(|(_, suggestion)| suggestion.clone());
    let suggestion = from_field.or_else(|| {
        let target = Target::new("updatedAt", &FieldKind::DateTime, "");
        let mut used = vec![false; natives.len()];
        assign(&[target], natives, |_| true, &mut used, 0)
            .pop()
            .flatten()
            .map(|chosen| chosen.suggestion)
    })?;
    Some(FieldSuggestion {
        field: "source_updated_at".into(),
        ..suggestion
    })
}
