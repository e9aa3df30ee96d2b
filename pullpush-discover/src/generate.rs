//! Drafting a definition for chosen operations of a document: everything discovery recognised,
//! put together into a definition that validates, with every guess listed for review.

use std::str::FromStr;

use pullpush_core::{CanonicalRegistry, CanonicalType, FieldKind, is_credential_name};
use pullpush_schema::Validator;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::discover::{discover_operation, find_named, operation_id, success_schema};
use crate::openapi::{RawOperation, RawParam};
use crate::report::{AuthCandidate, Operation, OperationKind, score};
use crate::words::words;
use crate::{ApiDocument, DiscoverError, mapping};

/// One stream to generate: an operation and the canonical type its records map to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRequest {
    /// An `operationId`, or `METHOD /path` (`/path` alone means GET).
    pub operation: String,
    /// The canonical type, e.g. `contact`.
    pub canonical_type: String,
}

impl FromStr for StreamRequest {
    type Err = String;

    /// Parses `OPERATION=TYPE`; the type is after the last `=`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.rsplit_once('=') {
            Some((operation, ty)) if !operation.trim().is_empty() && !ty.trim().is_empty() => {
                Ok(StreamRequest {
                    operation: operation.trim().to_owned(),
                    canonical_type: ty.trim().to_owned(),
                })
            }
            _ => Err(format!(
                "expected OPERATION=TYPE, e.g. `ListCustomers=contact` or `GET /v1/calls=call`, got {text:?}"
            )),
        }
    }
}

/// What to generate.
#[derive(Debug, Clone, Default)]
pub struct GenerateOptions {
    /// The streams, in order.
    pub streams: Vec<StreamRequest>,
    /// The connector id; derived from the document's title when absent.
    pub id: Option<String>,
}

/// A drafted definition and what a reviewer should check.
#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    /// The definition.
    pub definition: Value,
    /// Every choice the generator made without certainty, in the order of the definition.
    pub guesses: Vec<Guess>,
    /// Diagnostics of validating the draft (empty when it validates, which is the contract).
    pub diagnostics: Vec<pullpush_core::Diagnostic>,
}

impl Draft {
    /// The definition as pretty JSON with a final newline: the bytes written to a file.
    pub fn text(&self) -> String {
        let mut text =
            serde_json::to_string_pretty(&self.definition).unwrap_or_else(|_| "{}".into());
        text.push('\n');
        text
    }

    /// Whether the draft validates without errors.
    pub fn is_valid(&self) -> bool {
        !self
            .diagnostics
            .iter()
            .any(|d| d.severity == pullpush_core::Severity::Error)
    }
}

/// A choice to review.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Guess {
    /// Where in the definition (JSON pointer), e.g. `/streams/0/pagination`.
    pub pointer: String,
    /// How sure the generator is, from 0 (a placeholder) to 1.
    pub confidence: f64,
    /// What was chosen and why.
    pub reason: String,
}

/// Drafts a definition for the chosen operations. Deterministic: the same document and options
/// give the same bytes.
pub fn generate(
    document: &ApiDocument,
    registry: &CanonicalRegistry,
    options: &GenerateOptions,
) -> Result<Draft, DiscoverError> {
    let raw_operations = document.operations();
    let mut chosen: Vec<(&RawOperation<'_>, &CanonicalType)> = Vec::new();
    for request in &options.streams {
        let raw = find_named(&raw_operations, &request.operation, |raw| {
            (operation_id(raw), raw.method.as_str(), raw.path)
        })?;
        let ty = registry.lookup(&request.canonical_type)?;
        chosen.push((raw, ty));
    }
    let mut draft = Builder::default();
    // A definition's name is 1 to 200 characters.
    let title: String = document
        .root()
        .pointer("/info/title")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|title| !title.is_empty())
        .unwrap_or("API")
        .chars()
        .take(200)
        .collect();
    let title = title.as_str();
    let id = options.id.clone().unwrap_or_else(|| slug(title));

    let base_url = draft.base_url(document);
    let auth = draft.auth(document, &chosen);
    let mut streams = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (index, (raw, ty)) in chosen.iter().enumerate() {
        let response = success_schema(document, raw);
        let operation = discover_operation(document, raw, response, registry, &[]);
        streams.push(draft.stream(document, index, raw, &operation, ty, &mut names)?);
    }

    let mut definition = Map::new();
    definition.insert("pullpush".into(), json!(1));
    definition.insert("id".into(), json!(id));
    definition.insert("name".into(), json!(title));
    definition.insert("version".into(), json!("0.1.0"));
    let api_version = document
        .root()
        .pointer("/info/version")
        .map(crate::openapi::text)
        .unwrap_or_default();
    definition.insert(
        "description".into(),
        json!(format!(
            "Draft generated by `pullpush generate` from {title} {api_version} ({} {}). Review the guesses it listed before relying on it.",
            if document.version() == crate::SpecVersion::Swagger2 { "Swagger" } else { "OpenAPI" },
            document.declared_version()
        )),
    );
    let mut config_spec = Map::new();
    config_spec.insert("properties".into(), Value::Object(draft.config));
    if !draft.required.is_empty() {
        config_spec.insert("required".into(), json!(draft.required));
    }
    definition.insert("config_spec".into(), Value::Object(config_spec));
    definition.insert("base_url".into(), json!(base_url));
    definition.insert("auth".into(), auth);
    definition.insert("streams".into(), Value::Array(streams));
    let definition = Value::Object(definition);

    let text = serde_json::to_string(&definition).unwrap_or_default();
    let diagnostics = Validator::new(registry.clone()).validate(&text).diagnostics;
    Ok(Draft {
        definition,
        guesses: draft.guesses,
        diagnostics,
    })
}

/// Collects config properties and guesses while the definition is assembled.
#[derive(Default)]
struct Builder {
    config: Map<String, Value>,
    required: Vec<String>,
    guesses: Vec<Guess>,
}

impl Builder {
    fn guess(&mut self, pointer: impl Into<String>, confidence: f64, reason: impl Into<String>) {
        self.guesses.push(Guess {
            pointer: pointer.into(),
            confidence: score(confidence),
            reason: reason.into(),
        });
    }

    fn config_property(&mut self, name: &str, property: Value, required: bool) {
        if !self.config.contains_key(name) {
            self.config.insert(name.to_owned(), property);
            if required {
                self.required.push(name.to_owned());
            }
        }
    }

    /// A literal base URL from the document's first absolute server; otherwise a config value.
    fn base_url(&mut self, document: &ApiDocument) -> String {
        let servers = document.servers();
        let first = servers.first();
        if let Some(server) = first
            && let Some(resolved) = &server.resolved
            && server.variables.is_empty()
        {
            let reason = if servers.len() > 1 {
                format!(
                    "the first of {} servers; others: {}",
                    servers.len(),
                    servers[1..]
                        .iter()
                        .map(|s| s.url.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                "the document's only server".to_owned()
            };
            let confidence = if servers.len() > 1 { 0.8 } else { 0.95 };
            self.guess("/base_url", confidence, reason);
            return resolved.clone();
        }
        if let Some(server) = first
            && !server.variables.is_empty()
            && server.url.starts_with("http")
        {
            // Variables become config values, with their defaults when documented.
            let mut url = server.url.trim_end_matches('/').to_owned();
            for variable in &server.variables {
                let name = snake(&variable.name);
                let mut property = json!({
                    "type": "string",
                    "description": format!("Server variable `{}` of {}.", variable.name, server.url)
                });
                if let Some(default) = &variable.default {
                    property["default"] = json!(default);
                }
                if !variable.values.is_empty() {
                    property["enum"] = json!(variable.values);
                }
                self.config_property(&name, property, variable.default.is_none());
                url = url.replace(
                    &format!("{{{}}}", variable.name),
                    &format!("{{{{ config.{name} }}}}"),
                );
            }
            self.guess(
                "/base_url",
                0.8,
                format!("server {} with its variables as config values", server.url),
            );
            return url;
        }
        let suffix = servers
            .first()
            .map(|server| server.url.trim_end_matches('/').to_owned())
            .filter(|url| url.starts_with('/'))
            .unwrap_or_default();
        self.config_property(
            "base_url",
            json!({
                "type": "string",
                "format": "uri",
                "description": "Root URL of the API (scheme and host), without a trailing slash.",
                "examples": ["https://api.example.com"]
            }),
            true,
        );
        self.guess(
            "/base_url",
            0.5,
            "the document names no absolute server, so the base URL is a config value".to_owned(),
        );
        format!("{{{{ config.base_url }}}}{suffix}")
    }

    /// The auth of the chosen operations: their security schemes, the most usable kind first.
    fn auth(
        &mut self,
        document: &ApiDocument,
        chosen: &[(&RawOperation<'_>, &CanonicalType)],
    ) -> Value {
        let global = document.global_security();
        let candidates: Vec<AuthCandidate> = document
            .security_schemes()
            .into_iter()
            .flat_map(|(name, scheme)| crate::auth::candidates(name, scheme, &global))
            .filter(|candidate| candidate.kind != "unsupported")
            .collect();
        let used: Vec<&String> = chosen.iter().flat_map(|(raw, _)| &raw.security).collect();
        let preference = |candidate: &AuthCandidate| -> usize {
            let used_here = used.is_empty() || used.contains(&&candidate.scheme);
            let rank = [
                "bearer",
                "api_key",
                "basic",
                "oauth2_client_credentials",
                "oauth2_refresh_token",
            ]
            .iter()
            .position(|kind| *kind == candidate.kind)
            .unwrap_or(9);
            if used_here { rank } else { rank + 10 }
        };
        let Some(best) = candidates.iter().min_by_key(|c| preference(c)) else {
            if !used.is_empty() {
                self.guess(
                    "/auth",
                    0.2,
                    "the operations require security schemes PullPush cannot use; no auth",
                );
            }
            return json!({"type": "none"});
        };
        let alternatives: Vec<String> = candidates
            .iter()
            .filter(|c| !std::ptr::eq(*c, best))
            .map(|c| format!("{} ({})", c.scheme, c.kind))
            .collect();
        let mut reason = format!("security scheme `{}` as {}", best.scheme, best.kind);
        if !alternatives.is_empty() {
            reason.push_str(&format!("; also possible: {}", alternatives.join(", ")));
        }
        let secret = |description: &str| json!({"type": "string", "secret": true, "description": description});
        let auth = match best.kind.as_str() {
            "api_key"
                if best.location.as_deref() == Some("header")
                    && best
                        .name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case("authorization")) =>
            {
                reason.push_str(
                    "; an API key in the Authorization header is taken as a bearer token",
                );
                self.config_property(
                    "api_token",
                    secret("API token, sent as `Authorization: Bearer <token>`."),
                    true,
                );
                json!({"type": "bearer", "token": "{{ config.api_token }}"})
            }
            "bearer" => {
                self.config_property(
                    "api_token",
                    secret("API token, sent as `Authorization: Bearer <token>`."),
                    true,
                );
                json!({"type": "bearer", "token": "{{ config.api_token }}"})
            }
            "api_key" => {
                let location = best.location.clone().unwrap_or_else(|| "header".into());
                let name = best.name.clone().unwrap_or_else(|| "X-API-Key".into());
                self.config_property(
                    "api_key",
                    secret(&format!("API key, sent in the {location} `{name}`.")),
                    true,
                );
                json!({"type": "api_key", "in": location, "name": name, "value": "{{ config.api_key }}"})
            }
            "basic" => {
                self.config_property("username", json!({"type": "string", "description": "User name for HTTP basic authentication."}), true);
                self.config_property(
                    "password",
                    secret("Password for HTTP basic authentication."),
                    true,
                );
                json!({"type": "basic", "username": "{{ config.username }}", "password": "{{ config.password }}"})
            }
            kind => {
                let token_url = best.token_url.clone().unwrap_or_default();
                self.config_property(
                    "client_id",
                    json!({"type": "string", "description": "OAuth 2.0 client id."}),
                    true,
                );
                self.config_property("client_secret", secret("OAuth 2.0 client secret."), true);
                let scopes = operation_scopes(document, chosen, &best.scheme);
                let mut auth = json!({"type": kind, "token_url": token_url, "client_id": "{{ config.client_id }}", "client_secret": "{{ config.client_secret }}"});
                if kind == "oauth2_refresh_token" {
                    self.config_property(
                        "refresh_token",
                        secret("Refresh token obtained once through the API's authorization-code flow."),
                        true,
                    );
                    auth["refresh_token"] = json!("{{ config.refresh_token }}");
                }
                if !scopes.is_empty() {
                    auth["scopes"] = json!(scopes);
                }
                auth
            }
        };
        let confidence = if candidates.len() == 1 { 0.9 } else { 0.7 };
        self.guess("/auth", confidence, reason);
        auth
    }

    fn stream(
        &mut self,
        document: &ApiDocument,
        index: usize,
        raw: &RawOperation<'_>,
        operation: &Operation,
        ty: &CanonicalType,
        names: &mut Vec<String>,
    ) -> Result<Value, DiscoverError> {
        let at = |suffix: &str| format!("/streams/{index}{suffix}");
        let Some(list) = operation
            .list
            .as_ref()
            .filter(|_| operation.kind == OperationKind::List)
        else {
            return Err(DiscoverError::NotReadable {
                operation: operation.id.clone(),
                reason: format!(
                    "it is classified as {:?}, and no array of records was found in its response; pick a list operation (`pullpush discover` lists them)",
                    operation.kind
                )
                .to_lowercase(),
            });
        };
        let name = unique(stream_name(raw), names);
        let mut stream = Map::new();
        stream.insert("name".into(), json!(name));
        stream.insert("canonical_type".into(), json!(ty.name()));
        if let Some(summary) = &operation.summary {
            stream.insert("description".into(), json!(summary));
        }

        // The read operation: path parameters and required parameters become config values.
        let mut read = Map::new();
        if raw.method != "GET" {
            read.insert("method".into(), json!(raw.method));
            read.insert("safe".into(), json!(true));
            self.guess(
                at("/read/safe"),
                0.6,
                format!(
                    "{} {} is taken to be a search without side effects",
                    raw.method, raw.path
                ),
            );
        }
        read.insert("path".into(), json!(self.path_template(raw)));
        let pagination = list.pagination.first();
        let owned: Vec<&str> = pagination
            .map(|p| p.config.owned_params())
            .unwrap_or_default();
        // A query parameter is what `incremental.param` sends; a header (Xero's
        // `If-Modified-Since`) is a read header reading `state.cursor`, left out on the first run.
        let incremental = list
            .incremental
            .iter()
            .filter(|candidate| candidate.cursor_field.is_some())
            .find(|candidate| matches!(candidate.location.as_deref(), Some("query" | "header")));
        let header_incremental = incremental
            .filter(|candidate| candidate.location.as_deref() == Some("header"))
            .and_then(|candidate| candidate.param.clone());
        let mut query = Map::new();
        let mut headers = Map::new();
        for param in raw.params.iter().filter(|p| p.required) {
            let skip = owned.contains(&param.name)
                || incremental.and_then(|c| c.param.as_deref()) == Some(param.name);
            match param.location {
                "query" if !skip => {
                    let template = self.param_config(param);
                    query.insert(param.name.to_owned(), json!(template));
                }
                "header" if !skip => {
                    let template = self.param_config(param);
                    headers.insert(param.name.to_owned(), json!(template));
                }
                _ => {}
            }
        }
        if let Some(header) = &header_incremental {
            headers.insert(
                header.clone(),
                json!("{% if state.cursor %}{{ state.cursor }}{% endif %}"),
            );
        }
        if !query.is_empty() {
            read.insert("query".into(), Value::Object(query));
        }
        if !headers.is_empty() {
            read.insert("headers".into(), Value::Object(headers));
        }
        if raw.method != "GET" {
            let mut body = Map::new();
            if let Some(pagination) = pagination
                && let pullpush_core::PaginationConfig::Cursor { param: None, .. } =
                    &pagination.config
                && let Some(field) = body_cursor_field(document, raw)
            {
                // `pagination.starting_after` → {"pagination": {"starting_after": …}}.
                let steps: Vec<&str> = field.split('.').collect();
                let mut value = json!("{{ page.token }}");
                for step in steps[1..].iter().rev() {
                    value = json!({ *step: value });
                }
                body.insert(steps[0].to_owned(), value);
            }
            read.insert("body".into(), Value::Object(body));
        }
        read.insert("records".into(), json!(list.records));
        self.guess(
            at("/read/records"),
            if list.records == "$" { 0.95 } else { 0.85 },
            format!(
                "the array of records in the {} response",
                success_status(raw)
            ),
        );
        stream.insert("read".into(), Value::Object(read));

        match pagination {
            Some(candidate) => {
                let mut config = serde_json::to_value(&candidate.config).unwrap_or(Value::Null);
                strip_defaults(&mut config);
                stream.insert("pagination".into(), config);
                let others: Vec<&str> = list.pagination[1..]
                    .iter()
                    .map(|c| c.config.kind())
                    .collect();
                let mut reason = format!("{}: {}", candidate.config.kind(), candidate.evidence.join(", "));
                if !others.is_empty() {
                    reason.push_str(&format!("; also fits: {}", others.join(", ")));
                }
                self.guess(at("/pagination"), candidate.confidence, reason);
            }
            None => self.guess(
                at("/pagination"),
                0.5,
                "no pagination parameter or field recognised: one request is taken to return every record",
            ),
        }

        let suggestions = mapping::suggest_mappings(ty, &list.record_schema);
        if let Some(candidate) = incremental {
            let native = candidate.cursor_field.clone().unwrap_or_default();
            // The canonical updatedAt reads the mapped, normalised value when it comes from the
            // same field; otherwise the native field is compared as the API writes it.
            let canonical = suggestions
                .fields
                .iter()
                .find(|s| s.field == "updatedAt" && s.source == native)
                .map(|s| s.field.clone());
            let mut incremental = Map::new();
            incremental.insert(
                "cursor_field".into(),
                json!(canonical.clone().unwrap_or(native.clone())),
            );
            if header_incremental.is_none() {
                incremental.insert("param".into(), json!(candidate.param));
            }
            stream.insert("incremental".into(), Value::Object(incremental));
            self.guess(
                at("/incremental"),
                candidate.confidence,
                candidate.evidence.join(", "),
            );
        }

        let mut fields = Map::new();
        for suggestion in &suggestions.fields {
            fields.insert(
                suggestion.field.clone(),
                serde_json::to_value(&suggestion.expr).unwrap_or(Value::Null),
            );
            self.guess(
                format!(
                    "{}/{}",
                    at("/mapping/fields"),
                    pullpush_core::escape_pointer(&suggestion.field)
                ),
                suggestion.confidence,
                suggestion.reason.clone(),
            );
        }
        for field in &suggestions.unmapped_required {
            let kind = ty.fields().get(field).map(|f| &f.kind);
            fields.insert(field.clone(), placeholder(field, kind));
            self.guess(
                format!("{}/{}", at("/mapping/fields"), pullpush_core::escape_pointer(field)),
                0.0,
                format!(
                    "PLACEHOLDER: no native field was found for the required `{field}`; `$.{field}` reads nothing until it is replaced"
                ),
            );
        }
        let mut mapping = Map::new();
        mapping.insert("fields".into(), Value::Object(fields));
        if let Some(id) = &suggestions.source_id {
            mapping.insert(
                "source_id".into(),
                serde_json::to_value(&id.expr).unwrap_or(Value::Null),
            );
        }
        if let Some(updated) = &suggestions.source_updated_at {
            mapping.insert(
                "source_updated_at".into(),
                serde_json::to_value(&updated.expr).unwrap_or(Value::Null),
            );
        }
        stream.insert("mapping".into(), Value::Object(mapping));
        Ok(Value::Object(stream))
    }

    /// The path with `{param}`s as config templates, e.g.
    /// `/Accounts/{{ config.account_sid | path_segment }}/Calls.json`.
    fn path_template(&mut self, raw: &RawOperation<'_>) -> String {
        let mut path = raw.path.to_owned();
        for param in raw.params.iter().filter(|p| p.location == "path") {
            let placeholder = format!("{{{}}}", param.name);
            if !path.contains(&placeholder) {
                continue;
            }
            let name = snake(param.name);
            let string = is_string(param);
            self.config_property(&name, property_for(param), true);
            let filter = if string {
                "path_segment"
            } else {
                "string | path_segment"
            };
            path = path.replace(&placeholder, &format!("{{{{ config.{name} | {filter} }}}}"));
        }
        path
    }

    /// A config value for a required query or header parameter; its template.
    fn param_config(&mut self, param: &RawParam<'_>) -> String {
        let name = snake(param.name);
        let property = property_for(param);
        let required = property.get("default").is_none();
        self.config_property(&name, property, required);
        format!("{{{{ config.{name} }}}}")
    }
}

fn property_for(param: &RawParam<'_>) -> Value {
    let schema = param.schema;
    let r#type = match schema.get("type").and_then(Value::as_str) {
        Some("integer") => "integer",
        Some("number") => "number",
        Some("boolean") => "boolean",
        _ => "string",
    };
    let mut property = json!({"type": r#type});
    let description = param
        .description
        .and_then(|text| text.lines().find(|line| !line.trim().is_empty()))
        .map(str::trim)
        .unwrap_or_default();
    property["description"] = json!(if description.is_empty() {
        format!("The `{}` {} parameter.", param.name, param.location)
    } else {
        description.to_owned()
    });
    if let Some(default) = schema.get("default")
        && !is_credential_name(param.name)
    {
        property["default"] = default.clone();
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        property["enum"] = json!(values);
    }
    if is_credential_name(param.name) {
        property["secret"] = json!(true);
    }
    property
}

fn is_string(param: &RawParam<'_>) -> bool {
    !matches!(
        param.schema.get("type").and_then(Value::as_str),
        Some("integer" | "number" | "boolean")
    )
}

/// A mapping that reads a field named like the canonical one, converted to its kind, so the
/// draft validates while the reviewer finds the real source.
fn placeholder(field: &str, kind: Option<&FieldKind>) -> Value {
    let path = format!("$.{field}");
    match kind {
        Some(FieldKind::Decimal) => json!({"decimal": path}),
        Some(FieldKind::Integer { .. }) => json!({"integer": path}),
        Some(FieldKind::Number) => json!({"number": path}),
        Some(FieldKind::Boolean) => json!({"boolean": path}),
        Some(FieldKind::DateTime) => json!({"datetime": {"value": path}}),
        Some(FieldKind::Date) => json!({"date": {"value": path}}),
        Some(FieldKind::Currency) => json!({"uppercase": path}),
        Some(FieldKind::Enum(_)) => json!({"lowercase": path}),
        _ => json!(path),
    }
}

/// Serialised pagination configs carry every default (`"empty_page": true`, …); a draft reads
/// better with only what differs.
fn strip_defaults(config: &mut Value) {
    let Some(object) = config.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(stop)) = object.get_mut("stop") {
        if stop.get("empty_page") == Some(&json!(true)) {
            stop.remove("empty_page");
        }
        if stop.get("short_page") == Some(&json!(false)) {
            stop.remove("short_page");
        }
        if stop.is_empty() {
            object.remove("stop");
        }
    }
    if object.get("start") == Some(&json!(0)) && object.get("type") == Some(&json!("offset")) {
        object.remove("start");
    }
}

/// The request body field a search's cursor goes into, as a dotted path, e.g.
/// `pagination.starting_after`.
fn body_cursor_field(document: &ApiDocument, raw: &RawOperation<'_>) -> Option<String> {
    let body = crate::schema::inline(document.root(), raw.body?);
    crate::schema::property_paths(&body, 2)
        .into_iter()
        .find(|(path, _)| {
            let last = path.last().copied().unwrap_or_default();
            crate::vocabulary::CURSOR_PARAMS.contains(&crate::words::normalize(last).as_str())
        })
        .map(|(path, _)| path.join("."))
}

fn success_status(raw: &RawOperation<'_>) -> String {
    raw.success
        .as_ref()
        .map(|s| s.status.clone())
        .unwrap_or_else(|| "success".into())
}

/// The scopes the chosen operations ask of a scheme, sorted and without repeats.
fn operation_scopes(
    document: &ApiDocument,
    chosen: &[(&RawOperation<'_>, &CanonicalType)],
    scheme: &str,
) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for (raw, _) in chosen {
        let requirement = raw
            .object
            .get("security")
            .or_else(|| document.root().get("security"));
        for alternative in requirement.and_then(Value::as_array).into_iter().flatten() {
            for scope in alternative
                .get(scheme)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !scopes.iter().any(|s| s == scope) {
                    scopes.push(scope.to_owned());
                }
            }
        }
    }
    scopes.sort();
    scopes
}

/// A stream name from the operation's last static path segments, e.g. `stock_items`, `calls`.
fn stream_name(raw: &RawOperation<'_>) -> String {
    let segment = raw
        .path
        .split('/')
        .rev()
        .find(|segment| !segment.is_empty() && !segment.contains('{'))
        .map(|segment| segment.split('.').next().unwrap_or(segment))
        .unwrap_or("records");
    let mut name = words(segment).join("_");
    if name.is_empty() {
        name = "records".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "s_");
    }
    name.truncate(60);
    name
}

fn unique(name: String, taken: &mut Vec<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// `AccountSid` → `account_sid`, `x-apideck-app-id` → `x_apideck_app_id`.
fn snake(name: &str) -> String {
    let name = words(name).join("_");
    if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
        format!("p_{name}")
    } else {
        name
    }
}

/// A connector id from a title: lower case words joined by dashes, e.g. `square-connect-api`.
fn slug(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut id = words.join("-");
    if !id.starts_with(|c: char| c.is_ascii_lowercase()) {
        id.insert_str(0, "api-");
    }
    while id.len() > 64 {
        match id.rfind('-') {
            Some(cut) => id.truncate(cut),
            None => id.truncate(64),
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_requests_parse() {
        let request: StreamRequest = "GET /v1/calls=call".parse().unwrap();
        assert_eq!(request.operation, "GET /v1/calls");
        assert_eq!(request.canonical_type, "call");
        assert!("ListCalls".parse::<StreamRequest>().is_err());
        assert!("=call".parse::<StreamRequest>().is_err());
    }

    fn draft(document: Value, streams: &[&str]) -> Draft {
        let document = ApiDocument::from_value(document).unwrap();
        let options = GenerateOptions {
            streams: streams.iter().map(|s| s.parse().unwrap()).collect(),
            id: None,
        };
        let draft = generate(&document, &CanonicalRegistry::builtin(), &options).unwrap();
        assert!(
            draft.is_valid(),
            "{:?}\n{}",
            draft.diagnostics,
            draft.text()
        );
        draft
    }

    fn list(path_params: Value, parameters: Value, record: Value) -> Value {
        json!({
            "get": {
                "operationId": "listThings",
                "parameters": parameters,
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"data": {"type": "array", "items": record}, "next": {"type": "string", "nullable": true}}
                }}}}}
            },
            "parameters": path_params
        })
    }

    #[test]
    fn header_incremental_path_params_and_server_variables() {
        let record = json!({"type": "object", "properties": {
            "id": {"type": "string"}, "email": {"type": "string", "format": "email"},
            "updated_at": {"type": "string", "format": "date-time"}
        }});
        let draft = draft(
            json!({
                "openapi": "3.0.3",
                "info": {"title": "Acme CRM", "version": "2"},
                "servers": [{"url": "https://{region}.acme.example/v2", "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}}}],
                "paths": {"/accounts/{account_id}/people": list(
                    json!([{"name": "account_id", "in": "path", "required": true, "schema": {"type": "integer"}}]),
                    json!([{"name": "If-Modified-Since", "in": "header", "schema": {"type": "string", "format": "date-time"}}]),
                    record,
                )}
            }),
            &["listThings=contact"],
        );
        let d = &draft.definition;
        assert_eq!(d["id"], "acme-crm");
        assert_eq!(d["base_url"], "https://{{ config.region }}.acme.example/v2");
        assert_eq!(d["config_spec"]["properties"]["region"]["default"], "eu");
        let stream = &d["streams"][0];
        assert_eq!(stream["name"], "people");
        assert_eq!(
            stream["read"]["path"],
            "/accounts/{{ config.account_id | string | path_segment }}/people"
        );
        assert_eq!(
            stream["read"]["headers"]["If-Modified-Since"],
            "{% if state.cursor %}{{ state.cursor }}{% endif %}"
        );
        assert_eq!(stream["incremental"], json!({"cursor_field": "updatedAt"}));
        assert_eq!(stream["pagination"]["next_from"], json!({"body": "$.next"}));
        assert_eq!(d["config_spec"]["required"], json!(["account_id"]));
    }

    #[test]
    fn searches_carry_the_cursor_in_their_body_and_placeholders_are_flagged() {
        let document = json!({
            "openapi": "3.0.3",
            "info": {"title": "Tickets", "version": "1"},
            "servers": [{"url": "https://api.example.com"}],
            "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}},
            "security": [{"key": []}],
            "paths": {"/tickets/search": {"post": {
                "operationId": "searchTickets",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                    "query": {"type": "object"},
                    "pagination": {"type": "object", "properties": {"starting_after": {"type": "string"}, "per_page": {"type": "integer"}}}
                }}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "tickets": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "subject": {"type": "string"}}}},
                    "pages": {"type": "object", "properties": {"next": {"type": "object", "properties": {"starting_after": {"type": "string"}}}}}
                }}}}}}
            }}}
        });
        let draft = draft(document, &["searchTickets=ticket"]);
        let d = &draft.definition;
        assert_eq!(
            d["auth"],
            json!({"type": "api_key", "in": "header", "name": "X-Key", "value": "{{ config.api_key }}"})
        );
        let stream = &d["streams"][0];
        assert_eq!(stream["read"]["method"], "POST");
        assert_eq!(stream["read"]["safe"], true);
        assert_eq!(
            stream["read"]["body"],
            json!({"pagination": {"starting_after": "{{ page.token }}"}})
        );
        assert_eq!(stream["pagination"]["type"], "cursor");
        assert!(stream["pagination"].get("param").is_none());
        assert_eq!(stream["mapping"]["fields"]["ticketId"], "$.id");
        assert_eq!(stream["mapping"]["fields"]["title"], "$.subject");

        // A type whose required fields are not in the records: mapped to placeholders, flagged.
        let document = json!({
            "openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "paths": {"/things": list(json!([]), json!([]), json!({"type": "object", "properties": {"colour": {"type": "string"}}}))}
        });
        let draft = self::draft(document, &["listThings=stocklevel"]);
        let placeholders: Vec<&str> = draft
            .guesses
            .iter()
            .filter(|g| g.confidence == 0.0)
            .map(|g| g.pointer.as_str())
            .collect();
        assert_eq!(
            placeholders,
            [
                "/streams/0/mapping/fields/sku",
                "/streams/0/mapping/fields/locationId",
                "/streams/0/mapping/fields/quantity"
            ]
        );
        assert_eq!(
            draft.definition["streams"][0]["mapping"]["fields"]["quantity"],
            json!({"integer": "$.quantity"})
        );
        assert_eq!(draft.definition["base_url"], "{{ config.base_url }}");
    }

    #[test]
    fn names() {
        assert_eq!(slug("Square Connect API"), "square-connect-api");
        assert_eq!(slug("3D API"), "api-3d-api");
        assert_eq!(snake("AccountSid"), "account_sid");
        assert_eq!(snake("x-apideck-app-id"), "x_apideck_app_id");
        let mut taken = vec![];
        assert_eq!(unique("calls".into(), &mut taken), "calls");
        assert_eq!(unique("calls".into(), &mut taken), "calls_2");
    }
}
