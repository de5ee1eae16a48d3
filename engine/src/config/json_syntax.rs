//! Configuration in JSON syntax (`*.tf.json`, `*.mp.json`) rewritten as native HCL text with
//! a source map, so one decoder serves both syntaxes and diagnostics point into the JSON.
//!
//! The JSON form: a top-level object of block types; block labels as nested object keys;
//! a block body is an object (or an array of objects for several blocks); strings are
//! templates (`"${var.x}"`), except where the native syntax takes a bare reference or type
//! (`depends_on`, `provider`, variable `type`, `ignore_changes`, ...), where the string
//! holds that expression, and where the native syntax takes only a constant (a variable's
//! `default`, descriptions), where the string is text. `"//"` properties are comments.

use super::json_value::{Json, Key, Node};
use crate::diag::{Diagnostic, FileId, Span};
use std::ops::Range;

/// Labels of each top-level block type.
fn top_level_labels(kind: &str) -> Option<usize> {
    Some(match kind {
        "resource" | "data" => 2,
        "variable" | "output" | "module" | "provider" | "check" => 1,
        "terraform" | "locals" | "moved" | "import" | "removed" => 0,
        _ => return None,
    })
}

/// Nested blocks the engine itself reads (schema blocks of providers are written as
/// attributes, which the evaluator accepts for JSON bodies) and their label counts.
fn nested_block_labels(parent: &str, name: &str) -> Option<usize> {
    Some(match (parent, name) {
        ("resource" | "data", "lifecycle" | "connection") => 0,
        ("resource" | "data", "provisioner" | "dynamic") => 1,
        ("variable", "validation") => 0,
        ("terraform", "backend") => 1,
        ("terraform", "required_providers" | "cloud") => 0,
        ("provisioner", "connection") => 0,
        ("dynamic", "content") => 0,
        ("check", "data") => 2,
        ("check", "assert") => 0,
        ("removed", "lifecycle") => 0,
        _ => return None,
    })
}

/// Arguments whose string value is an expression, not a template.
fn is_expression_argument(parent: &str, name: &str) -> bool {
    matches!(
        (parent, name),
        ("resource" | "data" | "output" | "module", "depends_on")
            | ("resource" | "data", "provider")
            | ("module", "providers")
            | ("variable", "type")
            | ("lifecycle", "ignore_changes" | "replace_triggered_by")
            | ("moved", "from" | "to")
            | ("removed", "from")
            | ("import", "to")
            | ("provisioner", "when")
            | ("dynamic", "iterator")
    )
}

/// Arguments that are constants, so `${` in their strings is text: a variable's default and
/// descriptions.
fn is_literal_argument(parent: &str, name: &str) -> bool {
    matches!((parent, name), ("variable", "default") | ("variable" | "output", "description"))
}

pub struct Generated {
    pub text: String,
    pub map: Vec<(Range<usize>, Range<usize>, bool)>,
}

struct Writer {
    file: FileId,
    out: String,
    map: Vec<(Range<usize>, Range<usize>, bool)>,
    diags: Vec<Diagnostic>,
}

/// Rewrites a parsed JSON configuration file; problems come back as diagnostics in `file`.
pub fn to_hcl(root: &Node, file: FileId) -> (Generated, Vec<Diagnostic>) {
    let mut w = Writer { file, out: String::new(), map: Vec::new(), diags: Vec::new() };
    match &root.value {
        Json::Object(items) => {
            for (key, node) in items {
                w.top_level(key, node);
            }
        }
        _ => w.error(
            root.span.clone(),
            "a JSON configuration file holds one object",
            "write it as { \"resource\": { ... }, \"variable\": { ... } }",
        ),
    }
    (Generated { text: w.out, map: w.map }, w.diags)
}

/// A variables file in JSON (`*.tfvars.json`): `{"name": value}` with every string taken
/// literally, written as `name = value` lines.
pub fn vars_to_hcl(root: &Node, file: FileId) -> (Generated, Vec<Diagnostic>) {
    let mut w = Writer { file, out: String::new(), map: Vec::new(), diags: Vec::new() };
    match &root.value {
        Json::Object(items) => {
            for (key, node) in items {
                if !is_identifier(&key.name) {
                    w.error(
                        key.span.clone(),
                        format!("{:?} is not a valid variable name", key.name),
                        "variable names are letters, digits, `_` and `-`, starting with a letter",
                    );
                    continue;
                }
                let start = w.out.len();
                w.mapped(key.span.clone(), false, |w| w.out.push_str(&key.name));
                w.out.push_str(" = ");
                w.literal(node);
                w.map.push((start..w.out.len(), key.span.start..node.span.end, false));
                w.out.push('\n');
            }
        }
        _ => w.error(root.span.clone(), "a JSON variables file holds one object", "write it as { \"name\": value }"),
    }
    (Generated { text: w.out, map: w.map }, w.diags)
}

impl Writer {
    /// A value where strings are literal text, never templates.
    fn literal(&mut self, node: &Node) {
        let span = node.span.clone();
        match &node.value {
            Json::String { value, .. } => self.mapped(span, false, |w| w.quoted(value)),
            Json::Object(items) => self.mapped(span, false, |w| {
                w.out.push('{');
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        w.out.push_str(", ");
                    }
                    w.mapped(k.span.clone(), false, |w| w.quoted(&k.name));
                    w.out.push_str(" = ");
                    w.literal(v);
                }
                w.out.push('}');
            }),
            _ => self.mapped(span, false, |w| w.structure(node, Writer::literal)),
        }
    }

    fn error(&mut self, at: Range<usize>, summary: impl Into<String>, hint: impl Into<String>) {
        self.diags.push(Diagnostic::error(summary).at(Some(Span { file: self.file, range: at })).hint(hint));
    }

    /// Writes `f`'s output and maps it to `orig`.
    fn mapped(&mut self, orig: Range<usize>, exact: bool, f: impl FnOnce(&mut Self)) {
        let start = self.out.len();
        f(self);
        self.map.push((start..self.out.len(), orig, exact));
    }

    fn top_level(&mut self, key: &Key, node: &Node) {
        if key.name == "//" {
            return;
        }
        let Some(labels) = top_level_labels(&key.name) else {
            // Written as a block so the decoder reports it with its list of block types.
            if is_identifier(&key.name) {
                let span = key.span.clone();
                self.mapped(span.clone(), false, |w| w.out.push_str(&key.name));
                self.out.push_str(" {\n}\n");
            } else {
                self.error(
                    key.span.clone(),
                    format!("unsupported block type {:?}", key.name),
                    "top-level properties are block types such as \"resource\" or \"variable\"",
                );
            }
            return;
        };
        if key.name == "locals" {
            for body in self.bodies(node) {
                self.block_header(key, &[]);
                self.body_indented("locals", body, 1);
                self.out.push_str("}\n");
            }
            return;
        }
        self.labelled(key, node, labels, &mut Vec::new(), 0);
    }

    /// `{"label": {"label2": body}}` → `kind "label" "label2" { body }`, for blocks at any level.
    fn labelled<'a>(&mut self, kind: &Key, node: &'a Node, want: usize, labels: &mut Vec<&'a Key>, indent: usize) {
        if labels.len() == want {
            for body in self.bodies(node) {
                let header_span = labels.first().map(|k| k.span.start).unwrap_or(body.span.start)..body.span.end;
                self.indent(indent);
                let start = self.out.len();
                self.block_header(kind, labels);
                self.body_indented(&kind.name, body, indent + 1);
                self.indent(indent);
                self.out.push('}');
                // The whole block maps to its labels and body (duplicate-block messages).
                self.map.push((start..self.out.len(), header_span, false));
                self.out.push('\n');
            }
            return;
        }
        // Several label objects may be given as an array to keep their order.
        let objects: Vec<&Node> = match &node.value {
            Json::Array(items) => items.iter().collect(),
            _ => vec![node],
        };
        for obj in objects {
            let Json::Object(items) = &obj.value else {
                self.error(
                    obj.span.clone(),
                    format!("`{}` needs {want} label(s) as nested object keys", kind.name),
                    format!("write it as \"{}\": {{ \"<label>\": {{ ... }} }}", kind.name),
                );
                continue;
            };
            for (k, v) in items {
                if k.name == "//" {
                    continue;
                }
                labels.push(k);
                self.labelled(kind, v, want, labels, indent);
                labels.pop();
            }
        }
    }

    fn block_header(&mut self, kind: &Key, labels: &[&Key]) {
        self.mapped(kind.span.clone(), false, |w| w.out.push_str(&kind.name));
        for l in labels {
            self.out.push(' ');
            self.mapped(l.span.clone(), false, |w| w.quoted(&l.name));
        }
        self.out.push_str(" {\n");
    }

    /// A block body: an object, or an array of objects for repeated blocks.
    fn bodies<'a>(&mut self, node: &'a Node) -> Vec<&'a Node> {
        match &node.value {
            Json::Object(_) => vec![node],
            Json::Array(items) if items.iter().all(|i| matches!(i.value, Json::Object(_))) => items.iter().collect(),
            _ => {
                self.error(
                    node.span.clone(),
                    "expected a block body (an object)",
                    "a block body is written as { \"argument\": value }",
                );
                vec![]
            }
        }
    }

    fn body_indented(&mut self, kind: &str, node: &Node, indent: usize) {
        let Json::Object(items) = &node.value else { return };
        for (key, value) in items {
            if key.name == "//" {
                continue;
            }
            if let Some(labels) = nested_block_labels(kind, &key.name) {
                self.labelled(key, value, labels, &mut Vec::new(), indent);
                continue;
            }
            if !is_identifier(&key.name) {
                self.error(
                    key.span.clone(),
                    format!("{:?} is not a valid argument name", key.name),
                    "argument names are letters, digits, `_` and `-`, starting with a letter",
                );
                continue;
            }
            self.indent(indent);
            let line_start = self.out.len();
            self.mapped(key.span.clone(), false, |w| w.out.push_str(&key.name));
            self.out.push_str(" = ");
            if is_expression_argument(kind, &key.name) {
                self.expression(value);
            } else if is_literal_argument(kind, &key.name) {
                self.literal(value);
            } else {
                self.value(value);
            }
            self.map.push((line_start..self.out.len(), key.span.start..value.span.end, false));
            self.out.push('\n');
        }
    }

    /// A value where strings are templates.
    fn value(&mut self, node: &Node) {
        let span = node.span.clone();
        match &node.value {
            Json::String { raw, value } => {
                // Where JSON and native text agree (the common escapes, outside
                // interpolations) copy verbatim so spans map byte for byte.
                let native = native_template(value);
                self.out.push('"');
                let exact = native == *raw;
                self.mapped(span.start + 1..span.end - 1, exact, |w| w.out.push_str(&native));
                self.out.push('"');
            }
            _ => self.mapped(span, false, |w| w.structure(node, Writer::value)),
        }
    }

    /// A value where strings hold expressions (`"aws.west"`, `"list(string)"`).
    fn expression(&mut self, node: &Node) {
        let span = node.span.clone();
        match &node.value {
            Json::String { raw, value } => {
                let exact = raw == value;
                self.mapped(span.start + 1..span.end - 1, exact, |w| w.out.push_str(&value.replace('\n', " ")));
            }
            _ => self.mapped(span, false, |w| w.structure(node, Writer::expression)),
        }
    }

    fn structure(&mut self, node: &Node, item: fn(&mut Self, &Node)) {
        match &node.value {
            Json::Null => self.out.push_str("null"),
            Json::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => self.out.push_str(n),
            Json::String { .. } => item(self, node),
            Json::Array(items) => {
                self.out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    item(self, v);
                }
                self.out.push(']');
            }
            Json::Object(items) => {
                self.out.push('{');
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.mapped(k.span.clone(), false, |w| w.quoted(&k.name));
                    self.out.push_str(" = ");
                    item(self, v);
                }
                self.out.push('}');
            }
        }
    }

    fn quoted(&mut self, s: &str) {
        self.out.push('"');
        self.out.push_str(&escape(s).replace("${", "$${").replace("%{", "%%{"));
        self.out.push('"');
    }

    fn indent(&mut self, n: usize) {
        self.out.push_str(&"  ".repeat(n));
    }
}

/// A template's text as the body of a native quoted template: literal parts escaped,
/// the text of `${...}` / `%{...}` sequences as written, since a JSON string's escapes
/// (`\"` around a key) are decoded before its template is parsed.
fn native_template(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let mut literal = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        if rest.starts_with("$${") || rest.starts_with("%%{") {
            literal.push_str(&rest[..3]);
            rest = &rest[3..];
        } else if rest.starts_with("${") || rest.starts_with("%{") {
            out.push_str(&escape(&literal));
            literal.clear();
            let end = interpolation_end(rest);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        } else {
            let c = rest.chars().next().unwrap_or_default();
            literal.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out.push_str(&escape(&literal));
    out
}

/// The length of the interpolation `s` starts with (`${` or `%{` through its matching
/// `}`, skipping quoted strings and the interpolations inside them); all of `s` when it
/// is not closed (the parser reports that).
fn interpolation_end(s: &str) -> usize {
    // Each entry: Some(brace depth) inside an expression, None inside a quoted string.
    let mut stack: Vec<Option<usize>> = vec![Some(0)];
    let bytes = s.as_bytes();
    let mut i = 2;
    while i < bytes.len() {
        match (stack.last_mut(), bytes[i]) {
            (Some(Some(_)), b'"') => stack.push(None),
            (Some(Some(depth)), b'{') => *depth += 1,
            (Some(Some(0)), b'}') => {
                stack.pop();
                if stack.is_empty() {
                    return i + 1;
                }
            }
            (Some(Some(depth)), b'}') => *depth -= 1,
            (Some(None), b'\\') => i += 1,
            (Some(None), b'"') => {
                stack.pop();
            }
            (Some(None), b'$' | b'%') if bytes.get(i + 1) == Some(&b'{') => {
                if i > 0 && bytes[i - 1] == bytes[i] {
                    // `$${`: an escaped sequence, literal text.
                } else {
                    stack.push(Some(0));
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    s.len()
}

/// The string's body escaped for a native string literal (without the quotes).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    meshplan_functions::write_quoted(s, &mut out, |c, out| {
        let control = (c as u32) < 0x20;
        if control {
            out.push_str(&format!("\\u{:04x}", c as u32));
        }
        control
    });
    out[1..out.len() - 1].to_string()
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::json_value::parse;

    fn hcl(json: &str) -> String {
        let (g, d) = to_hcl(&parse(json).unwrap(), 0);
        assert!(d.is_empty(), "{d:?}");
        g.text
    }

    #[test]
    fn blocks_labels_and_expressions() {
        let text =
            hcl(r#"{"resource": {"meshplan_data": {"a": {"input": "x-${var.y}", "depends_on": ["meshplan_data.b"],
                 "lifecycle": {"ignore_changes": ["input"]}}}},
               "variable": {"y": {"type": "list(string)", "default": ["a"]}, "z": {"default": "${not-a-reference}"}},
               "locals": {"n": 1, "//": "comment"}}"#);
        assert!(text.contains("resource \"meshplan_data\" \"a\" {"), "{text}");
        assert!(text.contains("input = \"x-${var.y}\""), "{text}");
        assert!(text.contains("depends_on = [meshplan_data.b]"), "{text}");
        assert!(text.contains("lifecycle {"), "{text}");
        assert!(text.contains("ignore_changes = [input]"), "{text}");
        assert!(text.contains("type = list(string)"), "{text}");
        assert!(text.contains("default = [\"a\"]"), "{text}");
        assert!(text.contains("default = \"$${not-a-reference}\""), "{text}");
        assert!(text.contains("locals {\n  n = 1\n}"), "{text}");
        assert!(!text.contains("comment"), "{text}");
        hcl_edit::parser::parse_body(&text).unwrap();
    }

    #[test]
    fn strings_map_byte_for_byte() {
        let json = r#"{"output": {"o": {"value": "${var.nope}"}}}"#;
        let (g, _) = to_hcl(&parse(json).unwrap(), 0);
        let at = g.text.find("var.nope").unwrap();
        let (gen, orig, exact) = g.map.iter().find(|(g, _, _)| g.contains(&at) && g.len() < 20).unwrap();
        assert!(exact);
        assert_eq!(&json[orig.start + (at - gen.start)..][..8], "var.nope");
    }

    #[test]
    fn escaped_quotes_inside_interpolations_are_expression_text() {
        let json = r#"{"output": {"o": {"value": "say \"hi\" ${m[\"k\"]} ${f(\"${x}\", \"}\")}!"}}}"#;
        let (g, d) = to_hcl(&parse(json).unwrap(), 0);
        assert!(d.is_empty());
        assert!(g.text.contains(r#""say \"hi\" ${m["k"]} ${f("${x}", "}")}!""#), "{}", g.text);
        hcl_edit::parser::parse_body(&g.text).unwrap();
    }

    #[test]
    fn variables_files_take_strings_literally() {
        let (g, d) = vars_to_hcl(&parse(r#"{"a": "${x}", "b": {"k": ["%{y}"]}, "c": 2}"#).unwrap(), 0);
        assert!(d.is_empty());
        assert_eq!(g.text, "a = \"$${x}\"\nb = {\"k\" = [\"%%{y}\"]}\nc = 2\n");
    }

    /// Every truncation and every one-byte deletion of a configuration reads without a panic,
    /// and every source-map entry stays inside the JSON text.
    #[test]
    fn damaged_input_never_panics_and_maps_stay_in_bounds() {
        let json = r#"{"resource": {"meshplan_data": {"a": {"input": "x-${var.y}\u00e9", "depends_on": ["meshplan_data.b"],
            "lifecycle": [{"ignore_changes": "all"}], "provisioner": [{"local-exec": {"command": "echo é"}}]}}},
            "variable": {"y": {"type": "list(string)", "default": ["a", 1.5e3, null, true]}}, "locals": {"n": {"k": "${1}"}}}"#;
        let mut inputs: Vec<String> =
            (0..json.len()).filter(|i| json.is_char_boundary(*i)).map(|i| json[..i].to_string()).collect();
        for i in (0..json.len()).filter(|i| json.is_char_boundary(*i)) {
            let mut damaged = json.to_string();
            damaged.remove(i);
            inputs.push(damaged);
        }
        for input in &inputs {
            let Ok(root) = parse(input) else { continue };
            let (g, _) = to_hcl(&root, 0);
            for (gen, orig, _) in &g.map {
                assert!(gen.end <= g.text.len() && orig.end <= input.len(), "{input}");
            }
            let _ = hcl_edit::parser::parse_body(&g.text);
            let _ = vars_to_hcl(&root, 0);
        }
    }
}
