//! Where a JSON pointer sits in the source text, so diagnostics can quote the offending line.

use std::ops::Range;

use jsonc_parser::ast::Value as Node;
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
use pullpush_core::Location;

/// The parsed layout of a JSON text: for each value, the byte range it covers.
pub struct SourceMap<'a> {
    text: &'a str,
    root: Option<Node<'a>>,
}

impl<'a> SourceMap<'a> {
    /// Parses `text` for positions. The text must already be known to be JSON (serde_json bounds
    /// nesting depth first), so this never sees hostile nesting.
    pub fn new(text: &'a str) -> Self {
        // The text is strict JSON already; the parser's leniencies never come into play.
        let options = ParseOptions::default();
        let root = parse_to_ast(text, &CollectOptions::default(), &options)
            .ok()
            .and_then(|result| result.value);
        SourceMap { text, root }
    }

    /// The byte range a pointer designates: the key of an object member (the name is what a
    /// reader looks for), the value of an array element, or the whole document. When the pointer
    /// goes deeper than the document (a missing member), the deepest existing ancestor is used.
    pub fn span(&self, pointer: &str) -> Range<usize> {
        let whole = 0..self.text.len().min(1);
        let Some(root) = &self.root else { return whole };
        let Some(tokens) = pullpush_core::pointer_tokens(pointer) else {
            return whole;
        };
        let mut node = root;
        let mut span = node.range().start..node.range().start + 1;
        for token in &tokens {
            match node {
                Node::Object(object) => match object.get(token) {
                    Some(property) => {
                        span = key_range(property);
                        node = &property.value;
                    }
                    None => break,
                },
                Node::Array(array) => match token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| array.elements.get(i))
                {
                    Some(element) => {
                        let range = element.range();
                        span = range.start..range.end;
                        node = element;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        clamp_to_line(self.text, span)
    }

    /// The 1-based line and column (in characters) of a pointer.
    pub fn locate(&self, pointer: &str) -> Location {
        location_of(self.text, self.span(pointer).start)
    }
}

fn key_range(property: &jsonc_parser::ast::ObjectProp) -> Range<usize> {
    match &property.name {
        jsonc_parser::ast::ObjectPropName::String(lit) => lit.range.start..lit.range.end,
        jsonc_parser::ast::ObjectPropName::Word(lit) => lit.range.start..lit.range.end,
    }
}

/// Keeps a span on its first line, so a multi-line object is marked where it starts.
fn clamp_to_line(text: &str, span: Range<usize>) -> Range<usize> {
    let end = text[span.start..span.end.min(text.len())]
        .find('\n')
        .map_or(span.end, |newline| span.start + newline);
    span.start..end.max(span.start + 1).min(text.len().max(span.start + 1))
}

/// The 1-based line and character column of a byte offset.
pub fn location_of(text: &str, offset: usize) -> Location {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = text[line_start..offset].chars().count() + 1;
    Location { line, column }
}

/// The byte offset of a 1-based line and character column, clamped to the text.
pub fn offset_of(text: &str, location: Location) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(location.line.saturating_sub(1))
        .map(str::len)
        .sum();
    let line = text[line_start.min(text.len())..]
        .lines()
        .next()
        .unwrap_or_default();
    let column: usize = line
        .chars()
        .take(location.column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    (line_start + column).min(text.len())
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "{\n  \"id\": \"x\",\n  \"streams\": [\n    {\"name\": \"é\", \"read\": {}}\n  ]\n}\n";

    #[test]
    fn members_point_at_their_key_and_elements_at_their_value() {
        let map = SourceMap::new(TEXT);
        assert_eq!(map.locate("/id"), Location { line: 2, column: 3 });
        assert_eq!(map.locate("/streams/0"), Location { line: 4, column: 5 });
        assert_eq!(
            map.locate("/streams/0/read"),
            Location {
                line: 4,
                column: 19
            }
        );
        assert_eq!(map.locate(""), Location { line: 1, column: 1 });
    }

    #[test]
    fn missing_members_fall_back_to_the_deepest_ancestor() {
        let map = SourceMap::new(TEXT);
        assert_eq!(
            map.locate("/streams/0/read/path"),
            map.locate("/streams/0/read")
        );
        assert_eq!(map.locate("/streams/9"), map.locate("/streams"));
    }

    #[test]
    fn offsets_and_locations_round_trip_with_multibyte_characters() {
        let location = Location {
            line: 4,
            column: 16,
        };
        let offset = offset_of(TEXT, location);
        assert_eq!(&TEXT[offset..offset + 1], "\"");
        assert_eq!(location_of(TEXT, offset), location);
    }
}
