//! Rules about the definition's identity and its config spec.

use super::BuildContext;
use crate::definition::FORMAT_VERSION;
use crate::diagnostic::Diagnostic;
use crate::pointer;

pub(super) fn check(cx: &mut BuildContext) {
    let definition = cx.definition;
    if definition.pullpush > FORMAT_VERSION {
        cx.push(
            Diagnostic::error(
                "unsupported-format-version",
                "/pullpush",
                format!(
                    "this definition is written for format version {}, but this engine understands up to {FORMAT_VERSION}",
                    definition.pullpush
                ),
            )
            .with_hint("upgrade pullpush, or write the definition for an older format"),
        );
    }
    if let Err(err) = semver::Version::parse(&definition.version) {
        cx.push(
            Diagnostic::error(
                "invalid-version",
                "/version",
                format!("`{}` is not a semantic version: {err}", definition.version),
            )
            .with_hint("write MAJOR.MINOR.PATCH, e.g. `1.0.0`"),
        );
    }
    check_config_spec(cx);
}

fn check_config_spec(cx: &mut BuildContext) {
    let spec = &cx.definition.config_spec;
    for (index, name) in spec.required.iter().enumerate() {
        if !spec.properties.contains_key(name) {
            let hint = crate::suggest::closest(name, spec.properties.keys().map(String::as_str))
                .map(|close| format!("did you mean `{close}`?"))
                .unwrap_or_else(|| format!("declare `{name}` under `properties`"));
            cx.push(
                Diagnostic::error(
                    "unknown-required-property",
                    format!("/config_spec/required/{index}"),
                    format!("required config property `{name}` is not declared"),
                )
                .with_hint(hint),
            );
        }
    }
    for (name, property) in &spec.properties {
        let at = pointer::push("/config_spec/properties", name);
        if let Some(default) = &property.default {
            if property.secret {
                cx.push(
                    Diagnostic::error(
                        "secret-with-default",
                        pointer::push(&at, "default"),
                        format!("secret config property `{name}` has a default value; a definition never holds secrets"),
                    )
                    .with_hint("remove the default; users supply secrets at run time"),
                );
            } else if !property.value_type.matches(default) {
                // Only the type name is lowercased: the property name and the value are quoted
                // as written.
                let expected = format!("{:?}", property.value_type).to_lowercase();
                cx.push(Diagnostic::error(
                    "config-default-type",
                    pointer::push(&at, "default"),
                    format!(
                        "the default of `{name}` is {default}, which is not of type {expected}"
                    ),
                ));
            }
        }
        for (index, allowed) in property.allowed.iter().flatten().enumerate() {
            if !property.value_type.matches(allowed) {
                cx.push(Diagnostic::error(
                    "config-enum-type",
                    pointer::push(&pointer::push(&at, "enum"), &index.to_string()),
                    format!(
                        "allowed value {allowed} of `{name}` does not have the property's type"
                    ),
                ));
            }
        }
    }
}
