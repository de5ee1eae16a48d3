//! Expression evaluation.

use super::template::eval_template;
use super::Scope;
use crate::config::references::Target;
use crate::config::{Mode, ResourceKey};
use crate::diag::{did_you_mean, Diagnostic, Span};
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use meshplan_provider::Value;
use std::collections::BTreeMap;

type R = Result<Value, Diagnostic>;

/// Evaluates `e` (from file `file`) in `scope`.
pub fn eval(e: &Expression, file: crate::diag::FileId, scope: &Scope<'_>) -> R {
    Evaluator { file, scope }.expr(e)
}

pub(super) struct Evaluator<'s, 'a> {
    pub file: crate::diag::FileId,
    pub scope: &'s Scope<'a>,
}

/// Applies `f` beneath sensitive marks, re-marking the result.
fn through_marks(v: Value, f: impl FnOnce(Value) -> R) -> R {
    match v {
        Value::Sensitive(inner) => f(*inner).map(Value::mark_sensitive),
        other => f(other),
    }
}

impl Evaluator<'_, '_> {
    pub fn span(&self, e: &impl hcl_edit::Span) -> Option<Span> {
        e.span().map(|range| Span { file: self.file, range })
    }
    fn err(&self, e: &impl hcl_edit::Span, summary: impl Into<String>) -> Diagnostic {
        Diagnostic::error(summary).at(self.span(e))
    }
    pub fn with_scope<'t, 'b>(&self, scope: &'t Scope<'b>) -> Evaluator<'t, 'b> {
        Evaluator { file: self.file, scope }
    }

    pub fn expr(&self, e: &Expression) -> R {
        match e {
            Expression::Null(_) => Ok(Value::Null),
            Expression::Bool(b) => Ok(Value::Bool(**b)),
            Expression::Number(n) => Ok(Value::Number(n.as_f64().unwrap_or(0.0))),
            Expression::String(s) => Ok(Value::String(s.as_str().to_string())),
            Expression::Array(a) => a.iter().map(|e| self.expr(e)).collect::<Result<Vec<_>, _>>().map(Value::List),
            Expression::Object(o) => {
                let mut out = BTreeMap::new();
                // A key made from a sensitive value would print it: the whole object is sensitive.
                let mut sensitive_key = false;
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(Expression::Variable(i)) => i.as_str().to_string(),
                        ObjectKey::Expression(ke) => match self.expr(ke).map(|kv| {
                            sensitive_key |= kv.contains_sensitive();
                            kv.unmarked()
                        })? {
                            Value::String(s) => s,
                            Value::Number(n) => meshplan_provider::format_number(n),
                            Value::Bool(b) => b.to_string(),
                            Value::Unknown => return Ok(Value::Unknown),
                            other => {
                                return Err(
                                    self.err(ke, format!("object keys must be strings, got {}", other.type_name()))
                                )
                            }
                        },
                    };
                    out.insert(key, self.expr(v.expr())?);
                }
                Ok(if sensitive_key { Value::Object(out).mark_sensitive() } else { Value::Object(out) })
            }
            Expression::StringTemplate(t) => eval_template(self, t, true),
            Expression::HeredocTemplate(h) => {
                if let Some(indent) = h.indent() {
                    let mut t = h.template.clone();
                    super::template::dedent_directives(&mut t, indent);
                    eval_template(self, &t, false)
                } else {
                    eval_template(self, &h.template, false)
                }
            }
            Expression::Parenthesis(p) => self.expr(p.inner()),
            Expression::Variable(v) => self.root(v.as_str(), &[], e).map(|(v, _)| v),
            Expression::Traversal(t) => self.traversal(t),
            Expression::Conditional(c) => {
                let cond = self.expr(&c.cond_expr)?;
                let sensitive = cond.contains_sensitive();
                let out = match cond.unmarked() {
                    Value::Unknown => Value::Unknown,
                    Value::Bool(true) => self.expr(&c.true_expr)?,
                    Value::Bool(false) => self.expr(&c.false_expr)?,
                    Value::String(s) if s == "true" || s == "false" => {
                        if s == "true" {
                            self.expr(&c.true_expr)?
                        } else {
                            self.expr(&c.false_expr)?
                        }
                    }
                    other => {
                        return Err(
                            self.err(&c.cond_expr, format!("the condition must be a bool, got {}", other.type_name()))
                        )
                    }
                };
                Ok(if sensitive { out.mark_sensitive() } else { out })
            }
            Expression::FuncCall(f) => super::template::call_function(self, f),
            Expression::UnaryOp(u) => {
                let v = self.expr(&u.expr)?;
                through_marks(v, |v| match (u.operator.value(), v) {
                    (_, Value::Unknown) => Ok(Value::Unknown),
                    (UnaryOperator::Neg, v) => {
                        to_number(&v).map(|n| Value::Number(-n)).ok_or_else(|| self.err(&u.expr, "`-` needs a number"))
                    }
                    (UnaryOperator::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
                    (UnaryOperator::Not, _) => Err(self.err(&u.expr, "`!` needs a bool")),
                })
            }
            Expression::BinaryOp(b) => self.binary(b),
            Expression::ForExpr(f) => self.for_expr(f),
        }
    }

    fn binary(&self, b: &hcl_edit::expr::BinaryOp) -> R {
        let op = *b.operator.value();
        let l = self.expr(&b.lhs_expr)?;
        // && and || short-circuit on a known left side, as Terraform's do not; harmless and avoids errors.
        let r = self.expr(&b.rhs_expr)?;
        let sensitive = l.contains_sensitive() || r.contains_sensitive();
        let (l, r) = (l.unmarked(), r.unmarked());
        let out = if matches!(l, Value::Unknown) || matches!(r, Value::Unknown) {
            Value::Unknown
        } else {
            use BinaryOperator::*;
            match op {
                Eq => Value::Bool(values_equal(&l, &r)),
                NotEq => Value::Bool(!values_equal(&l, &r)),
                And | Or => {
                    let (Some(x), Some(y)) = (to_bool(&l), to_bool(&r)) else {
                        return Err(self.err(
                            b,
                            format!("`{}` needs bools, got {} and {}", op.as_str(), l.type_name(), r.type_name()),
                        ));
                    };
                    Value::Bool(if op == And { x && y } else { x || y })
                }
                _ => {
                    let (Some(x), Some(y)) = (to_number(&l), to_number(&r)) else {
                        return Err(self
                            .err(
                                b,
                                format!("`{}` needs numbers, got {} and {}", op.as_str(), l.type_name(), r.type_name()),
                            )
                            .hint("strings are joined with a template: \"${a}${b}\""));
                    };
                    match op {
                        Plus => Value::Number(x + y),
                        Minus => Value::Number(x - y),
                        Mul => Value::Number(x * y),
                        Div if y == 0.0 => return Err(self.err(b, "division by zero")),
                        Div => Value::Number(x / y),
                        Mod if y == 0.0 => return Err(self.err(b, "modulo by zero")),
                        Mod => Value::Number(x % y),
                        Less => Value::Bool(x < y),
                        LessEq => Value::Bool(x <= y),
                        Greater => Value::Bool(x > y),
                        GreaterEq => Value::Bool(x >= y),
                        Eq | NotEq | And | Or => unreachable!("handled above"),
                    }
                }
            }
        };
        Ok(if sensitive { out.mark_sensitive() } else { out })
    }

    fn for_expr(&self, f: &hcl_edit::expr::ForExpr) -> R {
        let coll = self.expr(&f.intro.collection_expr)?;
        let sensitive = coll.is_sensitive();
        let items: Vec<(Value, Value)> = match coll.peel() {
            Value::Unknown => return Ok(Value::Unknown),
            Value::Null => return Err(self.err(&f.intro.collection_expr, "cannot iterate over null")),
            Value::List(l) => l.iter().enumerate().map(|(i, v)| (Value::Number(i as f64), v.clone())).collect(),
            Value::Object(m) => m.iter().map(|(k, v)| (Value::String(k.clone()), v.clone())).collect(),
            other => {
                return Err(self.err(
                    &f.intro.collection_expr,
                    format!("a for expression needs a list or map, got {}", other.type_name()),
                ))
            }
        };
        let mut list = Vec::new();
        let mut obj: BTreeMap<String, Value> = BTreeMap::new();
        let mut grouped: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut sensitive_key = false;
        for (k, v) in items {
            let mut s = self.scope.with_local(f.intro.value_var.as_str(), v);
            if let Some(kv) = &f.intro.key_var {
                s = s.with_local(kv.as_str(), k);
            }
            let ev = self.with_scope(&s);
            if let Some(c) = &f.cond {
                match ev.expr(&c.expr)?.unmarked() {
                    Value::Bool(true) => {}
                    Value::Bool(false) => continue,
                    Value::Unknown => return Ok(Value::Unknown),
                    other => {
                        return Err(
                            self.err(&c.expr, format!("the `if` clause must be a bool, got {}", other.type_name()))
                        )
                    }
                }
            }
            let value = ev.expr(&f.value_expr)?;
            match &f.key_expr {
                None => list.push(value),
                Some(ke) => {
                    let key_value = ev.expr(ke)?;
                    let secret_key = key_value.contains_sensitive();
                    sensitive_key |= secret_key;
                    let key = match key_value.unmarked() {
                        Value::String(s) => s,
                        Value::Number(n) => meshplan_provider::format_number(n),
                        Value::Bool(b) => b.to_string(),
                        Value::Unknown => return Ok(Value::Unknown),
                        other => return Err(self.err(ke, format!("keys must be strings, got {}", other.type_name()))),
                    };
                    if f.grouping {
                        grouped.entry(key).or_default().push(value);
                    } else if obj.insert(key.clone(), value).is_some() {
                        let shown = if secret_key { "(sensitive value)".to_string() } else { format!("{key:?}") };
                        return Err(self
                            .err(ke, format!("duplicate key {shown} in for expression"))
                            .hint("add `...` after the value to group values by key"));
                    }
                }
            }
        }
        let out = match (&f.key_expr, f.grouping) {
            (None, _) => Value::List(list),
            (Some(_), false) => Value::Object(obj),
            (Some(_), true) => Value::Object(grouped.into_iter().map(|(k, v)| (k, Value::List(v))).collect()),
        };
        let out = if sensitive_key { out.mark_sensitive() } else { out };
        Ok(if sensitive { out.mark_sensitive() } else { out })
    }

    fn traversal(&self, t: &hcl_edit::expr::Traversal) -> R {
        let (mut value, consumed) = match &t.expr {
            Expression::Variable(v) => {
                let names: Vec<&str> = t
                    .operators
                    .iter()
                    .map_while(|op| match op.value() {
                        TraversalOperator::GetAttr(i) => Some(i.as_str()),
                        _ => None,
                    })
                    .collect();
                self.root(v.as_str(), &names, t)?
            }
            other => (self.expr(other)?, 0),
        };
        let ops = &t.operators[consumed..];
        let mut i = 0;
        while i < ops.len() {
            match ops[i].value() {
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let full = matches!(ops[i].value(), TraversalOperator::FullSplat(_));
                    // The splat applies the following operators to each element.
                    let rest: Vec<&TraversalOperator> = ops[i + 1..]
                        .iter()
                        .map(|o| o.value())
                        .take_while(|o| full || matches!(o, TraversalOperator::GetAttr(_)))
                        .collect();
                    let n = rest.len();
                    value = through_marks(value, |v| {
                        let elems = match v {
                            Value::Unknown => return Ok(Value::Unknown),
                            Value::Null => vec![],
                            Value::List(l) => l,
                            other => vec![other],
                        };
                        let mut out = Vec::with_capacity(elems.len());
                        for el in elems {
                            let mut cur = el;
                            for op in &rest {
                                cur = self.step(cur, op, &ops[i])?;
                            }
                            out.push(cur);
                        }
                        Ok(Value::List(out))
                    })?;
                    i += 1 + n;
                }
                op => {
                    value = self.step(value, op, &ops[i])?;
                    i += 1;
                }
            }
        }
        Ok(value)
    }

    /// One `.attr` or `[index]` step.
    fn step(&self, v: Value, op: &TraversalOperator, at: &impl hcl_edit::Span) -> R {
        through_marks(v, |v| {
            if matches!(v, Value::Unknown) {
                return Ok(Value::Unknown);
            }
            match op {
                TraversalOperator::GetAttr(name) => self.get_attr(v, name.as_str(), at),
                TraversalOperator::LegacyIndex(n) => self.index(v, Value::Number(**n as f64), at),
                TraversalOperator::Index(ix) => {
                    let key = self.expr(ix)?;
                    if key.is_unknown() {
                        return Ok(Value::Unknown);
                    }
                    self.index(v, key.unmarked(), at)
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    Err(self.err(at, "nested splat operators are not supported"))
                }
            }
        })
    }

    fn get_attr(&self, v: Value, name: &str, at: &impl hcl_edit::Span) -> R {
        match v {
            Value::Object(mut m) => match m.remove(name) {
                Some(v) => Ok(v),
                None => {
                    let hint = did_you_mean(name, m.keys().map(String::as_str));
                    Err(self
                        .err(at, format!("unsupported attribute `{name}`"))
                        .label("this object has no such attribute")
                        .maybe_hint(hint))
                }
            },
            Value::Null => Err(self.err(at, format!("cannot read attribute `{name}` of a null value"))),
            Value::List(_) => Err(self
                .err(at, format!("cannot read attribute `{name}` of a list"))
                .hint(format!("use an index (`[0].{name}`) or a splat (`[*].{name}`)"))),
            other => Err(self.err(at, format!("cannot read attribute `{name}` of a {}", other.type_name()))),
        }
    }

    fn index(&self, v: Value, key: Value, at: &impl hcl_edit::Span) -> R {
        match (v, key) {
            (Value::List(mut l), k) => {
                let Some(n) = to_number(&k).filter(|n| n.fract() == 0.0 && *n >= 0.0) else {
                    return Err(self.err(at, format!("a list index must be a whole number, got {k}")));
                };
                let len = l.len();
                if (n as usize) < len {
                    Ok(l.swap_remove(n as usize))
                } else {
                    Err(self.err(at, format!("index {n} out of range for a list of {len} elements")))
                }
            }
            (Value::Object(mut m), Value::String(k)) => match m.remove(&k) {
                Some(v) => Ok(v),
                None => {
                    let hint = did_you_mean(&k, m.keys().map(String::as_str));
                    Err(self.err(at, format!("the map has no element {k:?}")).maybe_hint(hint))
                }
            },
            (Value::Null, _) => Err(self.err(at, "cannot index a null value")),
            (v, k) => Err(self.err(at, format!("cannot index a {} with {}", v.type_name(), k.type_name()))),
        }
    }

    /// Resolves a root name with the attribute names that follow it. Returns the value and
    /// how many of the traversal's operators were consumed.
    fn root(&self, root: &str, names: &[&str], at: &impl hcl_edit::Span) -> Result<(Value, usize), Diagnostic> {
        let s = self.scope;
        if let Some(v) = s.bound(root) {
            return Ok((v.clone(), 0));
        }
        let need = |n: usize, what: &str| -> Result<(), Diagnostic> {
            if names.len() < n {
                Err(self.err(at, format!("`{root}` must be followed by {what}")))
            } else {
                Ok(())
            }
        };
        let lookup = |t: Target| s.lookup.lookup(&t).map_err(|m| self.err(at, m));
        match root {
            "var" => {
                need(1, "a variable name, e.g. var.region")?;
                Ok((lookup(Target::Var(names[0].into()))?, 1))
            }
            "local" => {
                need(1, "a local name, e.g. local.tags")?;
                Ok((lookup(Target::Local(names[0].into()))?, 1))
            }
            "data" => {
                need(2, "a data source type and name, e.g. data.http.x")?;
                let key = ResourceKey { mode: Mode::Data, type_name: names[0].into(), name: names[1].into() };
                Ok((lookup(Target::Resource(key))?, 2))
            }
            "module" => {
                need(1, "a module name, e.g. module.vpc")?;
                Ok((lookup(Target::Module(names[0].into(), None))?, 1))
            }
            "count" => match (&s.count_index, names.first()) {
                (Some(i), Some(&"index")) => Ok((i.clone(), 1)),
                (None, _) => Err(self.err(at, "`count.index` is only available in a resource or module with `count`")),
                _ => Err(self.err(at, "the only attribute of `count` is `index`")),
            },
            "each" => match (&s.each, names.first()) {
                (Some((k, _)), Some(&"key")) => Ok((k.clone(), 1)),
                (Some((_, v)), Some(&"value")) => Ok((v.clone(), 1)),
                (None, _) => Err(self.err(at, "`each` is only available in a resource or module with `for_each`")),
                _ => Err(self.err(at, "`each` has the attributes `key` and `value`")),
            },
            "self" => match &s.self_value {
                Some(v) => Ok((v.clone(), 0)),
                None => Err(self.err(at, "`self` is only available in provisioners")),
            },
            "path" => {
                need(1, "module, root or cwd")?;
                let p = match names[0] {
                    "module" => s.module_dir.clone(),
                    "root" => s.env.root_dir.clone(),
                    "cwd" => std::env::current_dir().unwrap_or_default(),
                    other => {
                        return Err(self
                            .err(at, format!("unknown path attribute `{other}`"))
                            .hint("path.module, path.root or path.cwd"))
                    }
                };
                Ok((Value::String(p.display().to_string()), 1))
            }
            "terraform" | "meshplan" => match names.first() {
                Some(&"workspace") => Ok((Value::String(s.env.workspace.clone()), 1)),
                _ => Err(self.err(at, format!("`{root}` has one attribute: workspace"))),
            },
            ty => {
                if names.is_empty() {
                    let hint = did_you_mean(ty, s.locals.iter().map(|(n, _)| n.as_str()));
                    return Err(self
                        .err(at, format!("unknown name `{ty}`"))
                        .label("not a variable, local, resource or module reference")
                        .maybe_hint(hint.or_else(|| {
                            Some("references look like var.x, local.x, aws_vpc.main.id or module.m.output".into())
                        })));
                }
                let key = ResourceKey { mode: Mode::Managed, type_name: ty.into(), name: names[0].into() };
                Ok((lookup(Target::Resource(key))?, 1))
            }
        }
    }
}

pub(super) fn to_number(v: &Value) -> Option<f64> {
    match v.peel() {
        Value::Number(n) => Some(*n),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn to_bool(v: &Value) -> Option<bool> {
    match v.peel() {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

/// Terraform's `==`: same type and value (a number and a string are never equal).
fn values_equal(a: &Value, b: &Value) -> bool {
    a == b
}
