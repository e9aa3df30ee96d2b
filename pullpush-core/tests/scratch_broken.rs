// SCRATCH: delete me
use pullpush_core::*;
use serde_json::json;

#[test]
fn scratch_probe() {
    let reg = CanonicalRegistry::builtin();
    let ty = reg.get("invoice").unwrap();
    for fmt in ["/Date(%s%3f)/", "/Date(%s%3f%z)/", "/Date(%10s%3f%z)/", "/Date(%s"] {
        let m: MappingConfig = serde_json::from_value(json!({"fields": {
            "invoiceId": "$.id", "amount": {"decimal": "$.t"}, "currency": {"const": "EUR"}, "status": {"const": "paid"},
            "updatedAt": {"datetime": {"value": "$.u", "format": fmt}}
        }})).unwrap();
        let mapper = Mapper::compile(&m, ty, "/m").unwrap();
        for u in ["/Date(1573755038314)/", "/Date(1573755038314+0000)/"] {
            println!("{fmt} {u} => {:?}", mapper.apply(&json!({"id": "x", "t": 1.5, "u": u})));
        }
    }
    let mut ts = TemplateSet::new();
    let props: std::collections::BTreeSet<String> = ["a".to_string()].into();
    for src in ["{{ page.token }}", "{{ page.token | default('') }}", "{{ state.cursor }}", "{{ config.a | urlencode }}", "{{ config.a | tojson }}", "{{ now() }}", "{% if page.token %}x{% endif %}", "{{ state.cursor[0:4] }}"] {
        let issues = ts.add(src, src, &[Variable::Config, Variable::State, Variable::Page], &props);
        let r = ts.render(src, &json!({"config": {"a": "x y&z"}, "page": {}, "state": {}}), jiff::Timestamp::UNIX_EPOCH);
        println!("{src:?} issues={issues:?} render={r:?}");
    }
}
