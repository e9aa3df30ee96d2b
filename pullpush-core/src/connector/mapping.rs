//! Rules about mappings and write operations, checked against the stream's canonical type.

use super::streams::CheckedStream;
use super::{BuildContext, CompiledStream};
use crate::diagnostic::Diagnostic;
use crate::map::{Mapper, compile_standalone};
use crate::pointer;

pub(super) fn check(cx: &mut BuildContext, streams: Vec<CheckedStream>) -> Vec<CompiledStream> {
    let mut compiled = Vec::with_capacity(streams.len());
    for checked in streams {
        let stream = &cx.definition.streams[checked.index];
        let at = format!("/streams/{}", checked.index);
        // Without a known canonical type there is nothing to check the mapping against; the
        // unknown type was reported already.
        let Some(canonical) = checked.canonical else {
            continue;
        };
        let mapper = match Mapper::compile(&stream.mapping, &canonical, &format!("{at}/mapping")) {
            Ok(mapper) => Some(mapper),
            Err(issues) => {
                for issue in issues {
                    let mut diagnostic =
                        Diagnostic::error(issue.code, issue.pointer, issue.message);
                    diagnostic.hint = issue.hint;
                    cx.push(diagnostic);
                }
                None
            }
        };
        let mut write_body = Vec::new();
        if let Some(write) = &stream.write {
            let write_at = format!("{at}/write");
            if write.method.is_safe() {
                cx.push(
                    Diagnostic::error(
                        "write-with-safe-method",
                        format!("{write_at}/method"),
                        format!(
                            "a write cannot use {}, which never changes data",
                            write.method
                        ),
                    )
                    .with_hint("use POST, PUT or PATCH"),
                );
            }
            for (name, expr) in &write.body {
                let expr_at = pointer::push(&format!("{write_at}/body"), name);
                match compile_standalone(expr, &expr_at) {
                    Ok(expr) => {
                        for path in expr.paths() {
                            let Some(field) = path.first_name() else {
                                continue;
                            };
                            if !canonical.fields().contains_key(field) {
                                let hint = crate::suggest::closest(
                                    field,
                                    canonical.fields().keys().map(String::as_str),
                                )
                                .map(|close| format!("did you mean `$.{close}`?"))
                                .unwrap_or_else(|| "write paths read the canonical record".into());
                                cx.push(
                                    Diagnostic::error(
                                        "unknown-canonical-field",
                                        expr_at.clone(),
                                        format!("`{field}` is not a field of {}", canonical.name()),
                                    )
                                    .with_hint(hint),
                                );
                            }
                        }
                        write_body.push((name.clone(), expr));
                    }
                    Err(issues) => {
                        for issue in issues {
                            let mut diagnostic =
                                Diagnostic::error(issue.code, issue.pointer, issue.message);
                            diagnostic.hint = issue.hint;
                            cx.push(diagnostic);
                        }
                    }
                }
            }
        }
        if let (Some(mapper), Some(records)) = (mapper, checked.records) {
            compiled.push(CompiledStream {
                index: checked.index,
                canonical,
                records,
                mapper,
                write_body,
            });
        }
    }
    compiled
}
