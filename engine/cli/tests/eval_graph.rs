//! In-process tests of the evaluator (expressions with known, unknown and sensitive values)
//! and of the graph builder (edges, cycles). No binary, no state, no providers' I/O.

use meshplan_engine::config::load_module;
use meshplan_engine::config::references::Target;
use meshplan_engine::diag::Sources;
use meshplan_engine::eval::{eval, EvalEnv, Lookup, Scope};
use meshplan_engine::graph::{build_graph, to_dot};
use meshplan_provider::Value;
use std::collections::BTreeMap;

/// var.* and local.* from a fixed table; everything else is an error.
struct Table(BTreeMap<String, Value>);

impl Lookup for Table {
    fn lookup(&self, target: &Target) -> Result<Value, String> {
        let key = match target {
            Target::Var(n) => format!("var.{n}"),
            Target::Local(n) => format!("local.{n}"),
            other => return Err(format!("not in the test table: {other:?}")),
        };
        self.0.get(&key).cloned().ok_or_else(|| format!("no {key}"))
    }
}

fn table() -> Table {
    let servers = Value::List(
        ["a", "b", "c"]
            .iter()
            .enumerate()
            .map(|(i, n)| Value::object([("name", Value::from(*n)), ("port", Value::Number(8000.0 + i as f64))]))
            .collect(),
    );
    Table(BTreeMap::from([
        ("var.servers".into(), servers),
        ("var.env".into(), Value::from("prod")),
        ("var.tags".into(), Value::object([("team", Value::from("mesh")), ("tier", Value::from("gold"))])),
        ("var.pending".into(), Value::Unknown),
        ("var.password".into(), Value::from("s3cr3t").mark_sensitive()),
        ("var.flag".into(), Value::Bool(true)),
        ("var.tpl".into(), Value::from("Hello, ${name}!")),
        ("var.list_tpl".into(), Value::from("%{ for s in items }${upper(s)};%{ endfor }")),
        ("var.secret_tpl".into(), Value::from("key=${k}").mark_sensitive()),
    ]))
}

fn env() -> EvalEnv {
    let mut providers = meshplan_provider_builtin::all();
    providers.push(std::sync::Arc::new(meshplan_provider_tls::TlsProvider));
    let reg = meshplan_engine::registry::Registry::new(providers);
    EvalEnv {
        root_dir: std::env::temp_dir(),
        plan_timestamp: "2030-01-01T00:00:00Z".into(),
        functions: std::sync::Arc::new(reg.functions.clone()),
        workspace: "default".into(),
        timestamp_known: true,
    }
}

/// Evaluates one expression; the source is parsed as `x = <src>`.
fn ev(src: &str) -> Result<Value, String> {
    let table = table();
    let env = env();
    let scope = Scope::new(&table, &env, std::env::temp_dir());
    let body = hcl_edit::parser::parse_body(&format!("x = {src}\n")).map_err(|e| format!("parse: {e}"))?;
    let attr = body.get_attribute("x").expect("attribute x");
    eval(&attr.value, 0, &scope).map_err(|d| d.to_string())
}

#[track_caller]
fn ok(src: &str) -> Value {
    ev(src).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn s(v: &str) -> Value {
    Value::from(v)
}
fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|i| s(i)).collect())
}

#[test]
fn splats_and_for_expressions() {
    assert_eq!(ok("var.servers[*].name"), list(&["a", "b", "c"]));
    assert_eq!(
        ok("var.servers.*.port"),
        Value::List(vec![Value::Number(8000.0), Value::Number(8001.0), Value::Number(8002.0)])
    );
    assert_eq!(ok("[for s in var.servers : upper(s.name) if s.port > 8000]"), list(&["B", "C"]));
    assert_eq!(
        ok("{ for s in var.servers : s.name => s.port }"),
        Value::object([("a", Value::Number(8000.0)), ("b", Value::Number(8001.0)), ("c", Value::Number(8002.0))])
    );
    assert_eq!(ok("[for i, s in var.servers : \"${i}:${s.name}\"]"), list(&["0:a", "1:b", "2:c"]));
    assert_eq!(ok("{ for k, v in var.tags : v => k }"), Value::object([("gold", s("tier")), ("mesh", s("team"))]));
    // Grouping mode.
    assert_eq!(
        ok("{ for s in [\"a1\", \"a2\", \"b1\"] : substr(s, 0, 1) => s... }"),
        Value::object([("a", list(&["a1", "a2"])), ("b", list(&["b1"]))])
    );
}

#[test]
fn conditionals_and_operators() {
    assert_eq!(ok("var.env == \"prod\" ? 3 : 1"), Value::Number(3.0));
    assert_eq!(ok("!var.flag || length(var.servers) >= 3"), Value::Bool(true));
    assert_eq!(ok("10 % 4 + 2 * 3 - 1"), Value::Number(7.0));
    assert!(ev("var.env ? 1 : 2").unwrap_err().contains("must be a bool"));
    assert!(ev("1 / 0").unwrap_err().contains("division by zero"));
}

#[test]
fn templates_directives_strip_markers_and_heredocs() {
    assert_eq!(ok(r#""%{ if var.flag }on%{ else }off%{ endif }""#), s("on"));
    assert_eq!(ok(r#""%{ for s in var.servers }${s.name},%{ endfor }""#), s("a,b,c,"));
    // A `<<-` heredoc without directives.
    assert_eq!(ok("<<-EOT\n    a: ${var.env}\n      b: 1\n  EOT"), s("a: prod\n  b: 1\n"));
    assert_eq!(ok("<<EOT\n  kept indent ${var.env}\nEOT"), s("  kept indent prod\n"));
    // `~` strips the whitespace (including newlines) on its side.
    assert_eq!(ok("\"a  ${~ \"b\" ~}  c\""), s("abc"));
    assert_eq!(ok("\"$${literal} %%{literal}\""), s("${literal} %{literal}"));
}

/// `<<-` dedent combined with `~}` markers when the loop body is indented deeper than the
/// directives: the engine dedents the first iteration but not the following ones nor the line
/// after `endfor` (it returns "hosts:\n- a:8000\n    - b:8001\n    - c:8002\n    env: prod\n").
/// Terraform dedents the source lines first, then strips: the expectation below.
#[test]

fn heredoc_dedent_with_strip_markers_and_deeper_body() {
    let heredoc = "<<-EOT\n    hosts:\n    %{ for s in var.servers ~}\n      - ${s.name}:${s.port}\n    %{ endfor ~}\n    env: ${var.env}\n  EOT";
    assert_eq!(ok(heredoc), s("hosts:\n- a:8000\n- b:8001\n- c:8002\nenv: prod\n"));
    // A loop at the end (the engine returns "hosts:\n- a\n    - b\n    - c\n    ").
    let at_end = "<<-EOT\n    hosts:\n    %{ for s in var.servers ~}\n    - ${s.name}\n    %{ endfor ~}\n  EOT";
    assert_eq!(ok(at_end), s("hosts:\n- a\n- b\n- c\n"));
    // Same indentation, text after the loop: lines after the first iteration keep their
    // indentation (the engine returns "hosts:\n- a\n    - b\n    - c\n    env: prod\n").
    let same_indent = "<<-EOT\n    hosts:\n    %{ for s in var.servers ~}\n    - ${s.name}\n    %{ endfor ~}\n    env: ${var.env}\n  EOT";
    assert_eq!(ok(same_indent), s("hosts:\n- a\n- b\n- c\nenv: prod\n"));
    // Without strip markers the loop body is not dedented at all (the engine returns
    // "hosts:\n\n      - a:8000\n    \n..."): hcl-edit seems to dedent only the top-level
    // literals, so `template::dedent` then finds an indentation of 0 and stops.
    let plain = "<<-EOT\n    hosts:\n    %{ for s in var.servers }\n      - ${s.name}:${s.port}\n    %{ endfor }\n    env: ${var.env}\n  EOT";
    assert_eq!(ok(plain), s("hosts:\n\n  - a:8000\n\n  - b:8001\n\n  - c:8002\n\nenv: prod\n"));
}

#[test]
fn unknown_values_propagate() {
    assert_eq!(ok("var.pending"), Value::Unknown);
    assert_eq!(ok("\"prefix-${var.pending}\""), Value::Unknown);
    assert_eq!(ok("upper(var.pending)"), Value::Unknown);
    assert_eq!(ok("var.pending == \"x\" ? 1 : 2"), Value::Unknown);
    assert_eq!(ok("[var.pending, \"known\"]"), Value::List(vec![Value::Unknown, s("known")]));
    assert_eq!(
        ok("length([var.pending, 1])"),
        Value::Number(2.0),
        "the length of a list with unknown elements is known"
    );
}

#[test]
fn sensitive_values_propagate() {
    let v = ok("\"user:${var.password}\"");
    assert!(v.is_sensitive(), "{v:?}");
    assert_eq!(v.unmarked(), s("user:s3cr3t"));
    assert!(ok("upper(var.password)").is_sensitive());
    assert!(ok("{ a = var.password }").contains_sensitive());
    assert!(ok("length(var.password)").contains_sensitive());
    // An error about a secret does not quote it.
    let e = ev("var.password + 1").unwrap_err();
    assert!(!e.contains("s3cr3t"), "{e}");
}

#[test]
fn functions_and_errors() {
    assert_eq!(ok("join(\"-\", [\"a\", \"b\"])"), s("a-b"));
    assert_eq!(ok("cidrsubnet(\"10.0.0.0/16\", 8, 2)"), s("10.0.2.0/24"));
    assert_eq!(ok("try(var.tags.missing, \"fallback\")"), s("fallback"));
    assert_eq!(ok("can(var.tags.missing)"), Value::Bool(false));
    assert_eq!(
        ok("jsondecode(jsonencode({ b = 1, a = [true] }))"),
        Value::object([("a", Value::List(vec![Value::Bool(true)])), ("b", Value::Number(1.0))])
    );
    let e = ev("jionn(\"a\", [])").unwrap_err();
    assert!(e.contains("unknown function `jionn`"), "{e}");
    assert!(ev("upper(1, 2)").is_err());
}

#[test]
fn templatestring_renders_a_referenced_string_with_only_its_vars() {
    assert_eq!(ok("templatestring(var.tpl, { name = \"mesh\" })"), s("Hello, mesh!"));
    assert_eq!(ok("templatestring(var.list_tpl, { items = [\"a\", \"b\"] })"), s("A;B;"));
    // Unknown in, unknown out; a secret template or var makes the result secret.
    assert_eq!(ok("templatestring(var.pending, {})"), Value::Unknown);
    assert_eq!(ok("templatestring(var.tpl, { name = var.pending })"), Value::Unknown);
    let v = ok("templatestring(var.tpl, { name = var.password })");
    assert!(v.is_sensitive(), "{v:?}");
    assert_eq!(v.unmarked(), s("Hello, s3cr3t!"));
    assert!(ok("templatestring(var.secret_tpl, { k = 1 })").is_sensitive());
    // A literal would already have been rendered once; Terraform refuses it too.
    let e = ev("templatestring(\"Hello, ${var.env}\", {})").unwrap_err();
    assert!(e.contains("must be a reference to a string defined elsewhere, not a literal"), "{e}");
    let e = ev("templatestring(var.tpl, \"x\")").unwrap_err();
    assert!(e.contains("vars must be a map or object, got string"), "{e}");
    let e = ev("templatestring(var.tpl, { other = 1 })").unwrap_err();
    assert!(e.contains("name"), "an undefined template name is an error: {e}");
    let e = ev("templatestring(var.flag, {})").unwrap_err();
    assert!(e.contains("the template must be a string, got bool"), "{e}");
}

#[test]
fn misspelled_evaluator_functions_get_a_hint() {
    let (table, env) = (table(), env());
    let scope = Scope::new(&table, &env, std::env::temp_dir());
    for (typo, wanted) in
        [("templatestrin", "templatestring"), ("templatefil", "templatefile"), ("nonsensitiv", "nonsensitive")]
    {
        let body = hcl_edit::parser::parse_body(&format!("x = {typo}(var.tpl, {{}})\n")).unwrap();
        let d = eval(&body.get_attribute("x").unwrap().value, 0, &scope).unwrap_err();
        assert!(d.hint.as_deref().is_some_and(|h| h.contains(wanted)), "{typo}: {:?}", d.hint);
    }
}

fn graph_of(config: &str) -> (String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.mp.hcl"), config).unwrap();
    let sources = Sources::default();
    let (module, diags) = load_module(dir.path(), &sources);
    assert!(!diags.has_errors(), "{:?}", diags);
    let (g, diags) = build_graph(&module, &[]);
    (to_dot(&g), diags.0.iter().map(|d| format!("{} | {}", d, d.hint.clone().unwrap_or_default())).collect())
}

#[test]
fn graph_edges_from_references_depends_on_and_providers() {
    let (dot, diags) = graph_of(
        r#"
provider "random" {
  alias = "two"
}
locals {
  n = 4
}
resource "random_id" "r" {
  provider    = random.two
  byte_length = local.n
}
resource "meshplan_data" "a" {
  input = random_id.r.hex
}
resource "meshplan_data" "b" {
  depends_on = [meshplan_data.a]
}
output "o" {
  value = [meshplan_data.a.id, meshplan_data.b.id]
}
"#,
    );
    assert!(diags.is_empty(), "{diags:?}");
    // Terraform's direction and ids: a node points at what it depends on.
    for edge in [
        r#""[root] random_id.r (expand)" -> "[root] local.n (expand)""#,
        r#""[root] random_id.r (expand)" -> "[root] provider[\"random\"].two""#,
        r#""[root] meshplan_data.a (expand)" -> "[root] random_id.r (expand)""#,
        r#""[root] meshplan_data.b (expand)" -> "[root] meshplan_data.a (expand)""#,
        r#""[root] output.o (expand)" -> "[root] meshplan_data.b (expand)""#,
    ] {
        assert!(dot.contains(edge), "missing {edge} in\n{dot}");
    }
    assert!(
        !dot.contains(r#""[root] random_id.r (expand)" -> "[root] provider[\"random\"]""#),
        "the aliased provider is used, not the default:\n{dot}"
    );
    assert!(!dot.contains(r#""[root] meshplan_data.a (expand)" -> "[root] meshplan_data.b (expand)""#), "{dot}");
}

#[test]
fn cycle_names_every_member() {
    let (_, diags) = graph_of(
        r#"
locals {
  x = meshplan_data.c.output
}
resource "meshplan_data" "a" {
  input = local.x
}
resource "meshplan_data" "b" {
  input = meshplan_data.a.output
}
resource "meshplan_data" "c" {
  input = meshplan_data.b.output
}
resource "meshplan_data" "outside" {
  input = meshplan_data.c.output
}
"#,
    );
    let cycle =
        diags.iter().find(|d| d.contains("dependency cycle")).unwrap_or_else(|| panic!("no cycle reported: {diags:?}"));
    for member in ["local.x", "meshplan_data.a", "meshplan_data.b", "meshplan_data.c"] {
        assert!(cycle.contains(member), "{member} not named: {cycle}");
    }
    assert!(!cycle.contains("outside"), "a node that only depends on the cycle is not in it: {cycle}");
}
