//! What an expression refers to: the edges of the graph.

use super::model::{Mode, ResourceKey};
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;
use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Var(String),
    Local(String),
    Resource(ResourceKey),
    /// `module.<call>` or `module.<call>.<output>`.
    Module(String, Option<String>),
    /// count.index, each.*, self, path.*, terraform.*: no graph edge.
    Builtin,
    /// A root name that is none of the above (reported by evaluation, not here).
    Unknown(String),
}

#[derive(Clone, Debug)]
pub struct Reference {
    pub target: Target,
    pub span: Option<Range<usize>>,
    /// The root name, then each literal step after it as written (`.id`, `[0]`, `["k"]`),
    /// up to the first computed index or splat: the JSON plan's reference strings.
    pub steps: Vec<String>,
}

/// References made by an expression, excluding names bound by `for` expressions.
pub fn expr_references(e: &Expression) -> Vec<Reference> {
    let mut out = Vec::new();
    walk_expr(e, &mut Vec::new(), &mut out);
    out
}

/// References made anywhere in a block body (attributes and nested blocks).
pub fn body_references(b: &Body) -> Vec<Reference> {
    let mut out = Vec::new();
    walk_body(b, &mut Vec::new(), &mut out);
    out
}

fn walk_body(b: &Body, bound: &mut Vec<String>, out: &mut Vec<Reference>) {
    for s in b.iter() {
        match s {
            Structure::Attribute(a) => walk_expr(&a.value, bound, out),
            Structure::Block(blk) => {
                // `dynamic "x" { for_each = ..., content { ... } }` binds the iterator name.
                if blk.ident.as_str() == "dynamic" {
                    let iter = blk
                        .body
                        .get_attribute("iterator")
                        .and_then(|a| {
                            if let Expression::Variable(v) = &a.value {
                                Some(v.as_str().to_string())
                            } else {
                                None
                            }
                        })
                        .or_else(|| blk.labels.first().map(|l| l.as_str().to_string()));
                    let n = bound.len();
                    bound.extend(iter);
                    walk_body(&blk.body, bound, out);
                    bound.truncate(n);
                } else {
                    walk_body(&blk.body, bound, out);
                }
            }
        }
    }
}

fn walk_expr(e: &Expression, bound: &mut Vec<String>, out: &mut Vec<Reference>) {
    match e {
        Expression::Null(_) | Expression::Bool(_) | Expression::Number(_) | Expression::String(_) => {}
        Expression::Array(a) => a.iter().for_each(|e| walk_expr(e, bound, out)),
        Expression::Object(o) => {
            for (k, v) in o.iter() {
                if let ObjectKey::Expression(ke) = k {
                    // A bare name as key is a literal; a parenthesised or complex key is an expression.
                    if !matches!(ke, Expression::Variable(_)) {
                        walk_expr(ke, bound, out);
                    }
                }
                walk_expr(v.expr(), bound, out);
            }
        }
        Expression::StringTemplate(t) => walk_template(t, bound, out),
        Expression::HeredocTemplate(h) => walk_template(&h.template, bound, out),
        Expression::Parenthesis(p) => walk_expr(p.inner(), bound, out),
        Expression::Variable(v) => root_ref(v.as_str(), &[], vec![v.as_str().to_string()], e.span(), bound, out),
        Expression::Conditional(c) => {
            walk_expr(&c.cond_expr, bound, out);
            walk_expr(&c.true_expr, bound, out);
            walk_expr(&c.false_expr, bound, out);
        }
        Expression::FuncCall(f) => f.args.iter().for_each(|a| walk_expr(a, bound, out)),
        Expression::Traversal(t) => {
            if let Expression::Variable(v) = &t.expr {
                let attrs: Vec<String> = t
                    .operators
                    .iter()
                    .map_while(|op| match op.value() {
                        TraversalOperator::GetAttr(i) => Some(i.as_str().to_string()),
                        TraversalOperator::Index(Expression::String(s)) if v.as_str() == "module" => {
                            Some(s.as_str().to_string())
                        }
                        _ => None,
                    })
                    .collect();
                let mut steps = vec![v.as_str().to_string()];
                steps.extend(t.operators.iter().map_while(|op| match op.value() {
                    TraversalOperator::GetAttr(i) => Some(format!(".{}", i.as_str())),
                    TraversalOperator::Index(Expression::String(s)) => Some(format!("[{:?}]", s.as_str())),
                    TraversalOperator::Index(Expression::Number(n)) => Some(format!("[{n}]")),
                    TraversalOperator::LegacyIndex(n) => Some(format!("[{}]", n.value())),
                    _ => None,
                }));
                root_ref(v.as_str(), &attrs, steps, t.span(), bound, out);
            } else {
                walk_expr(&t.expr, bound, out);
            }
            for op in &t.operators {
                if let TraversalOperator::Index(ix) = op.value() {
                    walk_expr(ix, bound, out);
                }
            }
        }
        Expression::UnaryOp(u) => walk_expr(&u.expr, bound, out),
        Expression::BinaryOp(b) => {
            walk_expr(&b.lhs_expr, bound, out);
            walk_expr(&b.rhs_expr, bound, out);
        }
        Expression::ForExpr(f) => {
            walk_expr(&f.intro.collection_expr, bound, out);
            let n = bound.len();
            bound.push(f.intro.value_var.as_str().to_string());
            if let Some(k) = &f.intro.key_var {
                bound.push(k.as_str().to_string());
            }
            if let Some(k) = &f.key_expr {
                walk_expr(k, bound, out);
            }
            walk_expr(&f.value_expr, bound, out);
            if let Some(c) = &f.cond {
                walk_expr(&c.expr, bound, out);
            }
            bound.truncate(n);
        }
    }
}

fn walk_template(t: &Template, bound: &mut Vec<String>, out: &mut Vec<Reference>) {
    for el in t.iter() {
        match el {
            Element::Literal(_) => {}
            Element::Interpolation(i) => walk_expr(&i.expr, bound, out),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(i) => {
                    walk_expr(&i.if_expr.cond_expr, bound, out);
                    walk_template(&i.if_expr.template, bound, out);
                    if let Some(e) = &i.else_expr {
                        walk_template(&e.template, bound, out);
                    }
                }
                Directive::For(f) => {
                    walk_expr(&f.for_expr.collection_expr, bound, out);
                    let n = bound.len();
                    bound.push(f.for_expr.value_var.as_str().to_string());
                    if let Some(k) = &f.for_expr.key_var {
                        bound.push(k.as_str().to_string());
                    }
                    walk_template(&f.for_expr.template, bound, out);
                    bound.truncate(n);
                }
            },
        }
    }
}

fn root_ref(
    root: &str,
    attrs: &[String],
    steps: Vec<String>,
    span: Option<Range<usize>>,
    bound: &[String],
    out: &mut Vec<Reference>,
) {
    if bound.iter().any(|b| b == root) {
        return;
    }
    let target = match (root, attrs) {
        ("var", [name, ..]) => Target::Var(name.clone()),
        ("local", [name, ..]) => Target::Local(name.clone()),
        ("data", [ty, name, ..]) => {
            Target::Resource(ResourceKey { mode: Mode::Data, type_name: ty.clone(), name: name.clone() })
        }
        ("module", [call]) => Target::Module(call.clone(), None),
        ("module", [call, output, ..]) => Target::Module(call.clone(), Some(output.clone())),
        ("count" | "each" | "self" | "path" | "terraform", _) => Target::Builtin,
        (ty, [name, ..]) if !matches!(ty, "var" | "local" | "data" | "module") => {
            Target::Resource(ResourceKey { mode: Mode::Managed, type_name: ty.to_string(), name: name.clone() })
        }
        (other, _) => Target::Unknown(other.to_string()),
    };
    out.push(Reference { target, span, steps });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(src: &str) -> Vec<Target> {
        let e: Expression = src.parse().unwrap();
        expr_references(&e).into_iter().map(|r| r.target).collect()
    }

    #[test]
    fn finds_roots_and_skips_bound_names() {
        assert_eq!(
            refs("[for k, v in var.m : \"${v}-${aws_vpc.a.id}\" if k != local.x]"),
            vec![
                Target::Var("m".into()),
                Target::Resource(ResourceKey { mode: Mode::Managed, type_name: "aws_vpc".into(), name: "a".into() }),
                Target::Local("x".into())
            ]
        );
        assert_eq!(refs("module.net.vpc_id"), vec![Target::Module("net".into(), Some("vpc_id".into()))]);
        assert_eq!(
            refs("data.http.x.response_body"),
            vec![Target::Resource(ResourceKey { mode: Mode::Data, type_name: "http".into(), name: "x".into() })]
        );
        assert_eq!(refs("count.index + each.key"), vec![Target::Builtin, Target::Builtin]);
    }
}
