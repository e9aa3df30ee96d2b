//! Tests of templates: compile-time checks of what a template reads, strict rendering, the
//! injected clock and the sandbox limits.
//!
//! Tests are data: a template source, the variables allowed where it sits, and the issues or
//! output expected. [`add`] and [`render`] are the only helpers that touch the API.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::*;

/// The variables of a read request (path, query, headers, body).
const REQUEST: &[Variable] = &[Variable::Config, Variable::State, Variable::Page];

/// The config properties every test declares.
fn properties() -> BTreeSet<String> {
    ["api_token", "account_id", "base_url"]
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// A clock reading for tests.
fn instant(text: &str) -> jiff::Timestamp {
    text.parse().expect("an RFC 3339 instant")
}

/// Compiles `source` under the name `/t` with the `allowed` variables; returns the set and the
/// issues.
fn add(source: &str, allowed: &[Variable]) -> (TemplateSet, Vec<TemplateIssue>) {
    let mut set = TemplateSet::new();
    let issues = set.add("/t", source, allowed, &properties());
    (set, issues)
}

/// Compiles `source` (which must be clean) and renders it with `context`.
fn render(source: &str, context: Value) -> Result<String, RenderError> {
    let (set, issues) = add(source, REQUEST);
    assert_eq!(issues, vec![], "{source} compiles cleanly");
    set.render("/t", &context, instant("2024-05-01T12:00:00Z"))
}

#[test]
fn renders_config_state_and_page_values() {
    let context = json!({
        "config": {"api_token": "t0k", "account_id": 42},
        "state": {"cursor": "2024-01-01T00:00:00Z"},
        "page": {"number": 3}
    });
    let cases = [
        ("Bearer {{ config.api_token }}", "Bearer t0k"),
        (
            "/accounts/{{ config.account_id }}/stock?page={{ page.number }}",
            "/accounts/42/stock?page=3",
        ),
        ("{{ state.cursor | urlencode }}", "2024-01-01T00%3A00%3A00Z"),
        ("plain text", "plain text"),
        // Values are not HTML-escaped: templates build URLs and headers, not HTML.
        ("{{ '<a&b>' }}", "<a&b>"),
    ];
    for (source, expected) in cases {
        assert_eq!(
            render(source, context.clone()).as_deref(),
            Ok(expected),
            "{source}"
        );
    }
}

#[test]
fn templates_named_like_html_files_are_not_escaped() {
    let mut set = TemplateSet::new();
    let name = "/streams/0/read/query/page.html";
    assert_eq!(
        set.add(name, "{{ config.api_token }}", REQUEST, &properties()),
        vec![]
    );
    let rendered = set.render(
        name,
        &json!({"config": {"api_token": "<&>"}}),
        instant("2024-05-01T00:00:00Z"),
    );
    assert_eq!(rendered.as_deref(), Ok("<&>"));
}

#[test]
fn undefined_values_are_errors_not_empty_strings() {
    let cases = [
        ("Bearer {{ config.api_token }}", json!({"config": {}})),
        ("Bearer {{ config.api_token }}", json!({})),
        ("Bearer {{ config.api_token }}", Value::Null),
        ("{{ state.cursor }}", json!({"config": {}, "state": {}})),
        ("{{ page.token.inner }}", json!({"page": {}})),
    ];
    for (source, context) in cases {
        let error = render(source, context.clone()).expect_err(source);
        assert_eq!(error.name, "/t");
        assert!(
            error.message.contains("not defined"),
            "{source} with {context}: {}",
            error.message
        );
    }
    // Tests of undefined values are allowed, so optional values can be handled explicitly.
    assert_eq!(
        render(
            "{% if state.cursor is defined %}since={{ state.cursor }}{% endif %}",
            json!({"state": {}})
        )
        .as_deref(),
        Ok("")
    );
    assert_eq!(
        render("{{ state.cursor | default('1970') }}", json!({"state": {}})).as_deref(),
        Ok("1970")
    );
}

#[test]
fn render_errors_name_the_template() {
    let set = TemplateSet::new();
    let error = set
        .render("/nowhere", &json!({}), instant("2024-05-01T00:00:00Z"))
        .unwrap_err();
    assert_eq!(error.to_string(), "template /nowhere: no such template");
    let (set, _) = add("x", REQUEST);
    let error = set
        .render("/t", &json!([1]), instant("2024-05-01T00:00:00Z"))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "template /t: the template context must be an object"
    );
}

#[test]
fn variables_must_exist_where_the_template_sits() {
    let cases: &[(&str, &[Variable], Vec<TemplateIssue>)] = &[
        ("{{ config.api_token }}", &[Variable::Config], vec![]),
        (
            "{{ parent.id }}",
            REQUEST,
            vec![TemplateIssue::UnknownVariable {
                name: "parent".into(),
                allowed: vec!["config", "state", "page"],
            }],
        ),
        (
            "{{ state.cursor }}/{{ page.token }}",
            &[Variable::Config],
            vec![
                TemplateIssue::UnknownVariable {
                    name: "page".into(),
                    allowed: vec!["config"],
                },
                TemplateIssue::UnknownVariable {
                    name: "state".into(),
                    allowed: vec!["config"],
                },
            ],
        ),
        (
            "{{ secrets.token }}",
            &[Variable::Config, Variable::Record, Variable::Event],
            vec![TemplateIssue::UnknownVariable {
                name: "secrets".into(),
                allowed: vec!["config", "record", "event"],
            }],
        ),
        (
            "{{ record.sku }}-{{ event.id }}",
            &[Variable::Config, Variable::Record, Variable::Event],
            vec![],
        ),
        // Names the template defines itself, and functions, are not variables.
        (
            "{% set x = 1 %}{{ x }}{% for i in range(2) %}{{ i }}{% endfor %}{{ now() }}",
            &[Variable::Config],
            vec![],
        ),
        (
            "{% set ns = namespace(n=0) %}{{ dict(a=1).a }}{{ ns.n }}",
            &[Variable::Config],
            vec![],
        ),
        // `debug()` prints every value in scope, secrets included, so it is not offered.
        (
            "{{ debug() }}",
            &[Variable::Config],
            vec![TemplateIssue::UnknownVariable {
                name: "debug".into(),
                allowed: vec!["config"],
            }],
        ),
    ];
    for (source, allowed, expected) in cases {
        let (_, issues) = add(source, allowed);
        assert_eq!(&issues, expected, "{source}");
    }
}

#[test]
fn unknown_config_properties_are_reported_with_a_suggestion() {
    let cases = [
        (
            "Bearer {{ config.api_tokn }}",
            vec![TemplateIssue::UnknownConfigProperty {
                name: "api_tokn".into(),
                suggestion: Some("api_token".into()),
            }],
        ),
        (
            "{{ config.region }}",
            vec![TemplateIssue::UnknownConfigProperty {
                name: "region".into(),
                suggestion: None,
            }],
        ),
        (
            "{{ config.acount_id }}/{{ config.base_url }}/{{ config.api_token }}",
            vec![TemplateIssue::UnknownConfigProperty {
                name: "acount_id".into(),
                suggestion: Some("account_id".into()),
            }],
        ),
        // Reading the whole config object names no property: refused, it could print secrets.
        (
            "{{ config | length }}",
            vec![TemplateIssue::DynamicConfigRead],
        ),
    ];
    for (source, expected) in cases {
        let (_, issues) = add(source, REQUEST);
        assert_eq!(issues, expected, "{source}");
    }
}

#[test]
fn syntax_errors_are_reported_and_the_template_is_not_added() {
    for source in [
        "{{ config.api_token ",
        "{% if config.api_token %}unclosed",
        "{{ config.api_token | }}",
        "line one\n{% endfor %}",
    ] {
        let (set, issues) = add(source, REQUEST);
        match issues.as_slice() {
            [TemplateIssue::Syntax { message }] => assert!(!message.is_empty(), "{source}"),
            other => panic!("{source}: expected one syntax issue, got {other:?}"),
        }
        assert!(!set.contains("/t"), "{source}");
    }
    let (_, issues) = add("line one\n{% endfor %}", REQUEST);
    let [TemplateIssue::Syntax { message }] = issues.as_slice() else {
        panic!("one syntax issue: {issues:?}");
    };
    assert!(message.ends_with("(template line 2)"), "{message}");
}

#[test]
fn includes_and_imports_are_not_available() {
    let mut set = TemplateSet::new();
    assert_eq!(set.add("/other", "secret", REQUEST, &properties()), vec![]);
    for source in [
        "{% include '/other' %}",
        "{% import '/other' as o %}",
        "{% extends '/other' %}",
    ] {
        let issues = set.add("/t", source, REQUEST, &properties());
        let rendered = set.render("/t", &json!({}), instant("2024-05-01T00:00:00Z"));
        assert!(
            !issues.is_empty() || rendered.is_err(),
            "{source} must not read another template: {rendered:?}"
        );
    }
}

#[test]
fn now_uses_the_injected_clock() {
    let (set, issues) = add("since={{ now() }}", REQUEST);
    assert_eq!(issues, vec![]);
    for clock in ["2024-05-01T12:00:00Z", "1999-12-31T23:59:59.5Z"] {
        assert_eq!(
            set.render("/t", &json!({}), instant(clock)),
            Ok(format!("since={clock}"))
        );
    }
    // The clock value is not reachable as a variable, and a definition cannot shadow it.
    let (set, issues) = add("{{ now() }}", REQUEST);
    assert_eq!(issues, vec![]);
    assert_eq!(
        set.render(
            "/t",
            &json!({"__pullpush_now": "forged"}),
            instant("2024-05-01T12:00:00Z")
        )
        .as_deref(),
        Ok("2024-05-01T12:00:00Z")
    );
}

#[test]
fn runaway_loops_run_out_of_fuel() {
    let sources = [
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}",
        "{% for x in [1] recursive %}{{ loop([x]) }}{% endfor %}",
    ];
    for source in sources {
        let started = std::time::Instant::now();
        let error = render(source, json!({})).expect_err(source);
        assert_eq!(error.name, "/t");
        // A generous bound: the fuel limit stops these in milliseconds, a hang never ends.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{source} took {:?}",
            started.elapsed()
        );
    }
    let error = render(sources[0], json!({})).unwrap_err();
    assert!(error.message.contains("fuel"), "{}", error.message);
    // Ordinary loops are far within the budget.
    let rendered = render("{% for i in range(500) %}{{ i }},{% endfor %}", json!({}))
        .expect("a small loop renders");
    assert!(rendered.ends_with("499,"));
}

#[test]
fn config_references_lists_the_properties_read() {
    let (set, _) = add(
        "{{ config.api_token }}/{{ config.account_id.inner }}/{{ state.cursor }}/{{ config.api_token }}",
        REQUEST,
    );
    assert_eq!(
        set.config_references("/t"),
        BTreeSet::from(["account_id".to_owned(), "api_token".to_owned()])
    );
    let (set, _) = add("{{ state.cursor }}", REQUEST);
    assert_eq!(set.config_references("/t"), BTreeSet::new());
    assert_eq!(set.config_references("/unknown"), BTreeSet::new());
}

#[test]
fn reads_tells_which_variables_a_template_uses() {
    let (set, _) = add("?since={{ state.cursor }}&p={{ page.number }}", REQUEST);
    assert!(set.reads("/t", Variable::State));
    assert!(set.reads("/t", Variable::Page));
    assert!(!set.reads("/t", Variable::Config));
    assert!(!set.reads("/unknown", Variable::State));
    let (set, _) = add("{% if state is defined %}x{% endif %}", REQUEST);
    assert!(set.reads("/t", Variable::State));
    assert!(set.contains("/t"));
    assert!(!set.contains("/unknown"));
}

#[test]
fn is_template_spots_template_syntax() {
    for (source, expected) in [
        ("https://api.example.com", false),
        ("{ \"json\": true }", false),
        ("{{ config.x }}", true),
        ("{% if x %}{% endif %}", true),
        ("a {{b", true),
    ] {
        assert_eq!(is_template(source), expected, "{source}");
    }
}

#[test]
fn variable_names_are_the_names_templates_use() {
    let names: Vec<&str> = [
        Variable::Config,
        Variable::State,
        Variable::Page,
        Variable::Parent,
        Variable::Record,
        Variable::Event,
    ]
    .into_iter()
    .map(Variable::name)
    .collect();
    assert_eq!(
        names,
        ["config", "state", "page", "parent", "record", "event"]
    );
    for name in names {
        assert_eq!(Variable::from_name(name).map(Variable::name), Some(name));
    }
    assert_eq!(Variable::from_name("secrets"), None);
}

#[test]
fn subscript_and_whole_config_reads_are_refused() {
    // minijinja tracks `config.name` but not `config['name']`; rather than let such reads escape
    // the property and secret checks, any read of `config` that names no property is an issue.
    for source in [
        "{{ config['api_tokn'] }}",
        "{{ config | tojson }}",
        "{% for k in config %}{{ k }}{% endfor %}",
    ] {
        let (set, issues) = add(source, REQUEST);
        assert_eq!(issues, vec![TemplateIssue::DynamicConfigRead], "{source}");
        assert_eq!(set.config_references("/t"), BTreeSet::new());
    }
}

#[test]
fn path_segment_and_format_datetime_filters() {
    let context = json!({"config": {"account_id": "group/project x"}, "state": {"cursor": "2024-05-01T12:30:00Z"}});
    let cases = [
        (
            "/projects/{{ config.account_id | path_segment }}",
            "/projects/group%2Fproject%20x",
        ),
        (
            "{{ state.cursor | format_datetime('%Y-%m-%d') }}",
            "2024-05-01",
        ),
        ("{{ state.cursor | format_datetime('unix') }}", "1714566600"),
        (
            "{{ state.cursor | format_datetime('rfc2822') }}",
            "Wed, 1 May 2024 12:30:00 +0000",
        ),
        ("{{ now() | format_datetime('%H:%M') }}", "12:00"),
    ];
    for (source, expected) in cases {
        assert_eq!(
            render(source, context.clone()).as_deref(),
            Ok(expected),
            "{source}"
        );
    }
    let error = render("{{ config.account_id | format_datetime('%Y') }}", context).unwrap_err();
    assert!(error.message.contains("RFC 3339"), "{error}");
}
