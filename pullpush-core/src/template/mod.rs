//! Templates: the one interpolation syntax of definitions (Jinja, via minijinja).
//!
//! Every string that the engine fills in at run time (base URL, path, query, headers, body,
//! credentials) is a template such as `/v1/locations/{{ config.location_id }}/stock`. Templates are
//! compiled once when a connector is built, and checked against the variables of the place they
//! appear in, so `{{ config.api_tokn }}` is a validation error rather than an empty header.
//!
//! The environment is sandboxed: no includes or imports (the `multi_template` feature is off), no
//! access to files, network or environment variables, a fuel limit against runaway loops, and
//! undefined values fail instead of printing as empty strings.

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use minijinja::value::Value as TemplateValue;
use minijinja::{AutoEscape, Environment, State, UndefinedBehavior};
use serde_json::Value;

/// Fuel per render: enough for any sensible template, small enough to stop a runaway loop fast.
const FUEL: u64 = 50_000;

/// The name under which the render-time clock is passed to `now()`. It is not a variable
/// definitions may use: it starts with characters Jinja identifiers cannot.
const NOW_KEY: &str = "__pullpush_now";

/// The variables a template may read. Which ones exist depends on where the template sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Variable {
    /// The user's config values, `config.NAME`.
    Config,
    /// The stream's incremental state, `state.cursor`.
    State,
    /// The pagination position, `page.token`, `page.number`, `page.offset`.
    Page,
    /// The parent record of a child stream, `parent.FIELD`.
    Parent,
    /// The canonical record being written, `record.FIELD`.
    Record,
    /// The canonical event being written, `event.id`.
    Event,
}

impl Variable {
    /// The name templates use.
    pub fn name(self) -> &'static str {
        match self {
            Variable::Config => "config",
            Variable::State => "state",
            Variable::Page => "page",
            Variable::Parent => "parent",
            Variable::Record => "record",
            Variable::Event => "event",
        }
    }

    fn from_name(name: &str) -> Option<Variable> {
        [
            Variable::Config,
            Variable::State,
            Variable::Page,
            Variable::Parent,
            Variable::Record,
            Variable::Event,
        ]
        .into_iter()
        .find(|variable| variable.name() == name)
    }
}

/// Functions every template may call: ours, and minijinja's harmless built-in globals (without
/// them `{% for i in range(3) %}` would be reported as reading an unknown variable `range`).
/// `debug` is left out on purpose: it prints every value in scope, secrets included.
const FUNCTIONS: &[&str] = &["now", "range", "dict", "namespace"];

/// A problem found while compiling a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateIssue {
    /// The template does not parse.
    Syntax {
        /// The parser's message.
        message: String,
    },
    /// The template reads a variable that does not exist where it sits.
    UnknownVariable {
        /// The variable as written, e.g. `parent` or `secrets`.
        name: String,
        /// The variables that do exist there.
        allowed: Vec<&'static str>,
    },
    /// The template reads `config` other than as `config.NAME` (a subscript, a filter over the
    /// whole object): what it reads cannot be checked, and it could print every secret.
    DynamicConfigRead,
    /// The template reads `config.NAME` but the config spec has no such property.
    UnknownConfigProperty {
        /// The property as written.
        name: String,
        /// A close property name, when there is one.
        suggestion: Option<String>,
    },
}

/// Why a template could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template {name}: {message}")]
pub struct RenderError {
    /// The template's name: the JSON pointer of the string in the definition.
    pub name: String,
    /// What went wrong, e.g. an undefined value.
    pub message: String,
}

/// All templates of a connector, compiled, addressed by the JSON pointer of their source string.
pub struct TemplateSet {
    env: Environment<'static>,
}

impl std::fmt::Debug for TemplateSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateSet")
            .field("templates", &self.env.templates().count())
            .finish()
    }
}

impl Default for TemplateSet {
    fn default() -> Self {
        TemplateSet::new()
    }
}

impl TemplateSet {
    /// An empty set with the sandboxed environment.
    pub fn new() -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_fuel(Some(FUEL));
        env.add_function("now", now);
        env.add_filter("path_segment", path_segment);
        env.add_filter("format_datetime", format_datetime);
        TemplateSet { env }
    }

    /// Compiles `source` under `name` (the JSON pointer of the string) and checks what it reads:
    /// only `allowed` variables, and only `config` properties in `config_properties`. Every problem
    /// is returned; on a syntax error the template is not added.
    pub fn add(
        &mut self,
        name: &str,
        source: &str,
        allowed: &[Variable],
        config_properties: &BTreeSet<String>,
    ) -> Vec<TemplateIssue> {
        if let Err(error) = self
            .env
            .add_template_owned(name.to_owned(), source.to_owned())
        {
            return vec![TemplateIssue::Syntax {
                message: syntax_message(&error),
            }];
        }
        let template = self
            .env
            .get_template(name)
            .expect("the template was added just above");
        let mut issues = Vec::new();
        let mut undeclared: Vec<String> = template.undeclared_variables(true).into_iter().collect();
        undeclared.sort();
        for reference in undeclared {
            let mut parts = reference.splitn(3, '.');
            let root = parts.next().unwrap_or_default();
            if FUNCTIONS.contains(&root) {
                continue;
            }
            match Variable::from_name(root) {
                Some(variable) if allowed.contains(&variable) => {
                    let property = parts.next();
                    if variable == Variable::Config && property.is_none() {
                        issues.push(TemplateIssue::DynamicConfigRead);
                    } else if variable == Variable::Config
                        && let Some(property) = property
                        && !config_properties.contains(property)
                    {
                        let suggestion = crate::suggest::closest(
                            property,
                            config_properties.iter().map(String::as_str),
                        )
                        .map(str::to_owned);
                        issues.push(TemplateIssue::UnknownConfigProperty {
                            name: property.to_owned(),
                            suggestion,
                        });
                    }
                }
                _ => issues.push(TemplateIssue::UnknownVariable {
                    name: root.to_owned(),
                    allowed: allowed.iter().map(|variable| variable.name()).collect(),
                }),
            }
        }
        issues
    }

    /// The `config` properties a compiled template reads, e.g. `["api_token"]` for
    /// `Bearer {{ config.api_token }}`. Empty for unknown names.
    pub fn config_references(&self, name: &str) -> BTreeSet<String> {
        let Ok(template) = self.env.get_template(name) else {
            return BTreeSet::new();
        };
        template
            .undeclared_variables(true)
            .into_iter()
            .filter_map(|reference| {
                let mut parts = reference.split('.');
                (parts.next() == Some("config"))
                    .then(|| parts.next().map(str::to_owned))
                    .flatten()
            })
            .collect()
    }

    /// Whether a template reads a variable at all, e.g. whether a read uses `state`.
    pub fn reads(&self, name: &str, variable: Variable) -> bool {
        self.env.get_template(name).is_ok_and(|template| {
            template
                .undeclared_variables(false)
                .contains(variable.name())
        })
    }

    /// Whether a template reads any variable at all. `{{ 'abc' }}` reads none: it is a literal in
    /// disguise.
    pub fn reads_any(&self, name: &str) -> bool {
        self.env.get_template(name).is_ok_and(|template| {
            template
                .undeclared_variables(false)
                .iter()
                .any(|variable| Variable::from_name(variable).is_some())
        })
    }

    /// Whether a template reads a dotted path such as `page.token` (an attribute access minijinja
    /// can see statically).
    pub fn reads_path(&self, name: &str, path: &str) -> bool {
        self.env
            .get_template(name)
            .is_ok_and(|template| template.undeclared_variables(true).contains(path))
    }

    /// Whether a template of this name was compiled.
    pub fn contains(&self, name: &str) -> bool {
        self.env.get_template(name).is_ok()
    }

    /// Renders the template `name` with `context` (an object of variables) and the clock value
    /// `now`. Undefined values are errors.
    pub fn render(
        &self,
        name: &str,
        context: &Value,
        now: jiff::Timestamp,
    ) -> Result<String, RenderError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|_| render_error(name, "no such template".into()))?;
        template
            .render(root_context(name, context, now)?)
            .map_err(|err| render_error(name, render_message(&err)))
    }

    /// Renders a template to a JSON value: a string that is exactly one `{{ expression }}` keeps
    /// the expression's type (a number stays a number, null stays null), anything else renders
    /// to a string. Request bodies use this, so `"limit": "{{ page.size }}"` sends `100`, not
    /// `"100"`. Undefined values are errors here too.
    pub fn render_value(
        &self,
        name: &str,
        context: &Value,
        now: jiff::Timestamp,
    ) -> Result<Value, RenderError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|_| render_error(name, "no such template".into()))?;
        let Some(expression) = single_expression(template.source()) else {
            return self.render(name, context, now).map(Value::String);
        };
        let compiled = self
            .env
            .compile_expression(expression)
            .map_err(|err| render_error(name, render_message(&err)))?;
        let value = compiled
            .eval(root_context(name, context, now)?)
            .map_err(|err| render_error(name, render_message(&err)))?;
        if value.is_undefined() {
            return Err(render_error(
                name,
                format!(
                    "`{}` is not defined: a value the template reads is not defined",
                    expression.trim()
                ),
            ));
        }
        serde_json::to_value(&value).map_err(|err| render_error(name, err.to_string()))
    }
}

/// The inner expression of a template that is exactly `{{ expression }}`.
fn single_expression(source: &str) -> Option<&str> {
    let inner = source.trim().strip_prefix("{{")?.strip_suffix("}}")?;
    let single = !inner.contains("{{") && !inner.contains("}}") && !inner.contains("{%");
    single.then_some(inner)
}

fn render_error(name: &str, message: String) -> RenderError {
    RenderError {
        name: name.to_owned(),
        message,
    }
}

/// The render context: the caller's variables plus the injected clock for `now()`.
fn root_context(
    name: &str,
    context: &Value,
    now: jiff::Timestamp,
) -> Result<TemplateValue, RenderError> {
    let mut variables: std::collections::BTreeMap<String, TemplateValue> = match context {
        Value::Object(object) => object
            .iter()
            .map(|(key, value)| {
                (
                    key.clone(),
                    TemplateValue::from(minijinja::value::Serde(value)),
                )
            })
            .collect(),
        Value::Null => Default::default(),
        _ => {
            return Err(render_error(
                name,
                "the template context must be an object".into(),
            ));
        }
    };
    variables.insert(NOW_KEY.to_owned(), TemplateValue::from(now.to_string()));
    Ok(TemplateValue::from(variables))
}

/// Whether a string contains template syntax at all; plain strings are used as they are.
pub fn is_template(source: &str) -> bool {
    source.contains("{{") || source.contains("{%")
}

/// `now()`: the render-time clock, injected by the caller so core never reads the system clock.
fn now(state: &State) -> Result<TemplateValue, minijinja::Error> {
    state.lookup(NOW_KEY).ok_or_else(|| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            "now() is not available here",
        )
    })
}

/// `path_segment`: percent-encodes everything but RFC 3986 unreserved characters, so a value
/// such as `group/project` stays one path segment (`urlencode` keeps `/`).
fn path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `format_datetime(format)`: reformats an RFC 3339 instant (a cursor, `now()`) for an API that
/// wants another form: a strftime format in UTC, `rfc2822`, or `unix` (seconds).
fn format_datetime(value: &str, format: &str) -> Result<String, minijinja::Error> {
    let invalid =
        |message: String| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, message);
    let instant: jiff::Timestamp = value.parse().map_err(|_| {
        invalid(format!(
            "format_datetime needs an RFC 3339 date-time, got \"{value}\""
        ))
    })?;
    let utc = instant.to_zoned_datetime(jiff::tz::TimeZone::UTC);
    match format {
        "unix" => Ok(instant.as_second().to_string()),
        "rfc2822" => jiff::fmt::rfc2822::to_string(&utc).map_err(|err| invalid(err.to_string())),
        format => jiff::fmt::strtime::format(format, &utc).map_err(|err| invalid(err.to_string())),
    }
}

fn syntax_message(error: &minijinja::Error) -> String {
    let detail = error.detail().unwrap_or("invalid template");
    match error.line() {
        Some(line) if line > 1 => format!("{detail} (template line {line})"),
        _ => detail.to_owned(),
    }
}

fn render_message(error: &minijinja::Error) -> String {
    let mut message = error
        .detail()
        .map(str::to_owned)
        .unwrap_or_else(|| error.kind().to_string());
    if error.kind() == minijinja::ErrorKind::UndefinedError {
        message = format!("{message}: a value the template reads is not defined");
    }
    message
}
