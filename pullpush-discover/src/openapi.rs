//! Reading the parts of an OpenAPI 3.x or Swagger 2.0 document discovery needs, normalised so
//! the analysis never asks which version it is looking at.
//!
//! The differences handled here: Swagger 2.0 has `host`/`basePath`/`schemes` instead of
//! `servers`, `securityDefinitions` instead of `components.securitySchemes`, `body` and
//! `formData` parameters instead of `requestBody`, parameters that are their own schema, and
//! response `schema` instead of `content`.

use serde_json::Value;

use crate::refs::resolve;
use crate::report::{Server, ServerVariable};
use crate::{ApiDocument, SpecVersion};

/// The HTTP methods an OpenAPI path item may hold, in the order reports list them.
const METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

/// One operation with its parameters and its success response resolved.
#[derive(Debug)]
pub(crate) struct RawOperation<'a> {
    /// Upper-case method.
    pub method: String,
    pub path: &'a str,
    /// The operation object.
    pub object: &'a Value,
    pub params: Vec<RawParam<'a>>,
    /// The JSON request body schema (OpenAPI 3 `requestBody`, Swagger 2 `in: body`).
    pub body: Option<&'a Value>,
    /// The first 2xx response (or `default`).
    pub success: Option<RawResponse<'a>>,
    /// Names of the security schemes that apply.
    pub security: Vec<String>,
}

/// A parameter, its schema found whichever version wrote it.
#[derive(Debug)]
pub(crate) struct RawParam<'a> {
    pub name: &'a str,
    /// `query`, `path`, `header`, `cookie` or `formData`.
    pub location: &'a str,
    pub required: bool,
    /// The parameter's schema (Swagger 2.0 non-body parameters are their own schema).
    pub schema: &'a Value,
    pub description: Option<&'a str>,
}

/// The success response of an operation.
#[derive(Debug)]
pub(crate) struct RawResponse<'a> {
    /// The status key, e.g. `200`.
    pub status: String,
    /// The JSON body schema, when the response has one.
    pub schema: Option<&'a Value>,
    /// Whether the body is JSON (or has no declared media type).
    pub json: bool,
    /// Names of the documented response headers.
    pub headers: Vec<&'a str>,
}

impl ApiDocument {
    /// The servers: OpenAPI 3 `servers`, or Swagger 2.0 `schemes` + `host` + `basePath`.
    pub(crate) fn servers(&self) -> Vec<Server> {
        let root = self.root();
        if self.version() == SpecVersion::Swagger2 {
            let base = root.get("basePath").and_then(Value::as_str).unwrap_or("");
            let Some(host) = root.get("host").and_then(Value::as_str) else {
                return if base.is_empty() {
                    Vec::new()
                } else {
                    vec![Server {
                        url: base.to_owned(),
                        resolved: None,
                        description: None,
                        variables: Vec::new(),
                    }]
                };
            };
            let schemes: Vec<&str> = root
                .get("schemes")
                .and_then(Value::as_array)
                .map(|schemes| schemes.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            // https first: a connector should not send credentials in the clear when it can not.
            let mut schemes: Vec<&str> = schemes
                .into_iter()
                .filter(|scheme| matches!(*scheme, "https" | "http"))
                .collect();
            if schemes.is_empty() {
                schemes.push("https");
            }
            schemes.sort_by_key(|scheme| *scheme != "https");
            return schemes
                .into_iter()
                .map(|scheme| {
                    let url = format!("{scheme}://{host}{base}");
                    Server {
                        resolved: Some(url.trim_end_matches('/').to_owned()),
                        url,
                        description: None,
                        variables: Vec::new(),
                    }
                })
                .collect();
        }
        let Some(Value::Array(servers)) = root.get("servers") else {
            return Vec::new();
        };
        servers
            .iter()
            .filter_map(|server| {
                let url = server.get("url")?.as_str()?.to_owned();
                let variables: Vec<ServerVariable> = server
                    .get("variables")
                    .and_then(Value::as_object)
                    .map(|variables| {
                        variables
                            .iter()
                            .map(|(name, variable)| ServerVariable {
                                name: name.clone(),
                                default: variable.get("default").map(text),
                                values: variable
                                    .get("enum")
                                    .and_then(Value::as_array)
                                    .map(|values| values.iter().map(text).collect())
                                    .unwrap_or_default(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let mut resolved = url.clone();
                for variable in &variables {
                    if let Some(default) = &variable.default {
                        resolved = resolved.replace(&format!("{{{}}}", variable.name), default);
                    }
                }
                let absolute = (resolved.starts_with("https://")
                    || resolved.starts_with("http://"))
                    && !resolved.contains('{');
                Some(Server {
                    url,
                    resolved: absolute.then(|| resolved.trim_end_matches('/').to_owned()),
                    description: server
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    variables,
                })
            })
            .collect()
    }

    /// The security schemes by name, resolved, in document order.
    pub(crate) fn security_schemes(&self) -> Vec<(&str, &Value)> {
        let root = self.root();
        let schemes = match self.version() {
            SpecVersion::Swagger2 => root.get("securityDefinitions"),
            _ => root.pointer("/components/securitySchemes"),
        };
        schemes
            .and_then(Value::as_object)
            .map(|schemes| {
                schemes
                    .iter()
                    .map(|(name, scheme)| (name.as_str(), resolve(root, scheme)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The scheme names of the top-level `security` requirement.
    pub(crate) fn global_security(&self) -> Vec<String> {
        requirement_names(self.root().get("security"))
    }

    /// Every operation, in document order (paths as written, methods in [`METHODS`] order).
    pub(crate) fn operations(&self) -> Vec<RawOperation<'_>> {
        let root = self.root();
        let global = self.global_security();
        let mut out = Vec::new();
        let Some(Value::Object(paths)) = root.get("paths") else {
            return out;
        };
        for (path, item) in paths {
            let item = resolve(root, item);
            let shared: Vec<&Value> = item
                .get("parameters")
                .and_then(Value::as_array)
                .map(|params| params.iter().collect())
                .unwrap_or_default();
            for method in METHODS {
                let Some(object) = item.get(method).filter(|op| op.is_object()) else {
                    continue;
                };
                out.push(self.operation(method, path, object, &shared, &global));
            }
        }
        out
    }

    fn operation<'a>(
        &'a self,
        method: &str,
        path: &'a str,
        object: &'a Value,
        shared: &[&'a Value],
        global: &[String],
    ) -> RawOperation<'a> {
        let root = self.root();
        let own: Vec<&Value> = object
            .get("parameters")
            .and_then(Value::as_array)
            .map(|params| params.iter().collect())
            .unwrap_or_default();
        let mut params: Vec<RawParam<'a>> = Vec::new();
        let mut body = None;
        // Operation parameters override path-level ones with the same name and location.
        for param in own.iter().chain(shared.iter()) {
            let param = resolve(root, param);
            let (Some(name), Some(location)) = (
                param.get("name").and_then(Value::as_str),
                param.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            if location == "body" {
                body = body.or_else(|| param.get("schema").map(|schema| resolve(root, schema)));
                continue;
            }
            if params
                .iter()
                .any(|seen| seen.name == name && seen.location == location)
            {
                continue;
            }
            let schema = match param.get("schema") {
                Some(schema) => resolve(root, schema),
                None => param,
            };
            params.push(RawParam {
                name,
                location,
                required: param.get("required").and_then(Value::as_bool) == Some(true)
                    || location == "path",
                schema,
                description: param.get("description").and_then(Value::as_str),
            });
        }
        if let Some(request) = object.get("requestBody") {
            let request = resolve(root, request);
            body = body.or_else(|| json_content(root, request).and_then(|(schema, _)| schema));
        }
        let security = match object.get("security") {
            Some(requirement) => requirement_names(Some(requirement)),
            None => global.to_vec(),
        };
        RawOperation {
            method: method.to_ascii_uppercase(),
            path,
            object,
            params,
            body,
            success: self.success_response(object),
            security,
        }
    }

    fn success_response<'a>(&'a self, operation: &'a Value) -> Option<RawResponse<'a>> {
        let root = self.root();
        let responses = operation.get("responses")?.as_object()?;
        let (status, response) = responses
            .iter()
            .filter(|(status, _)| status.starts_with('2'))
            .min_by_key(|(status, _)| status.as_str())
            .or_else(|| responses.iter().find(|(status, _)| *status == "default"))?;
        let response = resolve(root, response);
        let headers = response
            .get("headers")
            .and_then(Value::as_object)
            .map(|headers| headers.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let (schema, json) = if self.version() == SpecVersion::Swagger2 {
            let produces_json = operation
                .get("produces")
                .or_else(|| root.get("produces"))
                .and_then(Value::as_array)
                .is_none_or(|types| types.iter().filter_map(Value::as_str).any(is_json));
            (
                response.get("schema").map(|schema| resolve(root, schema)),
                produces_json,
            )
        } else {
            match json_content(root, response) {
                Some((schema, json)) => (schema, json),
                None => (None, true),
            }
        };
        Some(RawResponse {
            status: status.clone(),
            schema,
            json,
            headers,
        })
    }
}

/// The schema of the JSON media type of a request body or response (`application/json`, then
/// any `+json`, then `*/*`), and whether there was a JSON media type at all.
fn json_content<'a>(root: &'a Value, object: &'a Value) -> Option<(Option<&'a Value>, bool)> {
    let content = object.get("content")?.as_object()?;
    let chosen = content
        .iter()
        .find(|(media, _)| media.starts_with("application/json"))
        .or_else(|| content.iter().find(|(media, _)| is_json(media)))
        .or_else(|| content.iter().find(|(media, _)| media.as_str() == "*/*"));
    match chosen {
        Some((_, media)) => Some((
            media.get("schema").map(|schema| resolve(root, schema)),
            true,
        )),
        None => Some((None, content.is_empty())),
    }
}

fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or(media).trim();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

/// The scheme names of a security requirement list, in order, without repeats.
fn requirement_names(requirement: Option<&Value>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for alternative in requirement.and_then(Value::as_array).into_iter().flatten() {
        for name in alternative.as_object().into_iter().flat_map(|o| o.keys()) {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// A scalar as text (YAML may give numbers where a string was meant).
pub(crate) fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
