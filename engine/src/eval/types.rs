//! Type constraints (`variable "x" { type = map(object({ a = optional(string, "d") })) }`)
//! and conversion of values to them, with Terraform's automatic conversions.

use crate::config::Expr;
use crate::diag::Diagnostic;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::Span as _;
use meshplan_provider::{format_number, Type, Value};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum TypeConstraint {
    Any,
    String,
    Number,
    Bool,
    List(Box<TypeConstraint>),
    Set(Box<TypeConstraint>),
    Map(Box<TypeConstraint>),
    Tuple(Vec<TypeConstraint>),
    /// Attributes with (type, optional, default).
    Object(BTreeMap<String, (TypeConstraint, bool, Option<Value>)>),
}

impl TypeConstraint {
    pub fn parse(e: &Expr) -> Result<TypeConstraint, Diagnostic> {
        parse(&e.inner).map_err(|m| {
            Diagnostic::error("invalid type constraint")
                .detail(m.clone())
                .at(e.span())
                .label(m)
                .hint("types are string, number, bool, any, list(T), set(T), map(T), tuple([...]), object({...})")
        })
    }

    /// The constraint matching a provider schema type.
    pub fn from_schema(t: &Type) -> TypeConstraint {
        match t {
            Type::String => TypeConstraint::String,
            Type::Number => TypeConstraint::Number,
            Type::Bool => TypeConstraint::Bool,
            Type::List(t) => TypeConstraint::List(Box::new(Self::from_schema(t))),
            Type::Set(t) => TypeConstraint::Set(Box::new(Self::from_schema(t))),
            Type::Map(t) => TypeConstraint::Map(Box::new(Self::from_schema(t))),
            Type::Object(m) => {
                TypeConstraint::Object(m.iter().map(|(k, t)| (k.clone(), (Self::from_schema(t), true, None))).collect())
            }
            Type::Any => TypeConstraint::Any,
        }
    }

    pub fn name(&self) -> String {
        match self {
            TypeConstraint::Any => "any".into(),
            TypeConstraint::String => "string".into(),
            TypeConstraint::Number => "number".into(),
            TypeConstraint::Bool => "bool".into(),
            TypeConstraint::List(t) => format!("list({})", t.name()),
            TypeConstraint::Set(t) => format!("set({})", t.name()),
            TypeConstraint::Map(t) => format!("map({})", t.name()),
            TypeConstraint::Tuple(_) => "tuple".into(),
            TypeConstraint::Object(_) => "object".into(),
        }
    }

    /// Converts `v` to this type: Terraform's safe conversions (number ↔ string, "true" → bool,
    /// object → map, ...). Unknown stays unknown; marks are kept.
    pub fn convert(&self, v: Value) -> Result<Value, String> {
        match v {
            Value::Unknown => return Ok(Value::Unknown),
            Value::Null => return Ok(Value::Null),
            // The message must not quote what is sensitive.
            Value::Sensitive(inner) => {
                return self.convert(*inner).map(Value::mark_sensitive).map_err(|_| {
                    format!(
                        "a value of type {} is required; the given value is sensitive, so it is not shown",
                        self.name()
                    )
                })
            }
            _ => {}
        }
        match self {
            TypeConstraint::Any => Ok(v),
            TypeConstraint::String => match v {
                Value::String(_) => Ok(v),
                Value::Number(n) => Ok(Value::String(format_number(n))),
                Value::Bool(b) => Ok(Value::String(b.to_string())),
                other => Err(format!("a string is required, got {}", other.type_name())),
            },
            TypeConstraint::Number => match v {
                Value::Number(_) => Ok(v),
                Value::String(ref s) => s
                    .trim()
                    .parse::<f64>()
                    .map(Value::Number)
                    .map_err(|_| format!("a number is required, got the string {s:?}")),
                other => Err(format!("a number is required, got {}", other.type_name())),
            },
            TypeConstraint::Bool => match v {
                Value::Bool(_) => Ok(v),
                Value::String(ref s) if s == "true" => Ok(Value::Bool(true)),
                Value::String(ref s) if s == "false" => Ok(Value::Bool(false)),
                other => Err(format!("a bool is required, got {}", other.type_name())),
            },
            TypeConstraint::List(t) | TypeConstraint::Set(t) => {
                let items = match v {
                    Value::List(l) => l,
                    other => return Err(format!("a list is required, got {}", other.type_name())),
                };
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    out.push(t.convert(item).map_err(|m| format!("element {i}: {m}"))?);
                }
                if matches!(self, TypeConstraint::Set(_)) {
                    let mut dedup: Vec<Value> = Vec::new();
                    for v in out {
                        // Unknown elements may turn out different: two `(known after apply)`
                        // subnet IDs are two elements, not one.
                        if !v.is_wholly_known() || !dedup.contains(&v) {
                            dedup.push(v);
                        }
                    }
                    out = dedup;
                }
                Ok(Value::List(out))
            }
            TypeConstraint::Tuple(ts) => {
                let items = match v {
                    Value::List(l) => l,
                    other => return Err(format!("a tuple is required, got {}", other.type_name())),
                };
                if items.len() != ts.len() {
                    return Err(format!("a tuple of {} elements is required, got {}", ts.len(), items.len()));
                }
                items.into_iter().zip(ts).map(|(v, t)| t.convert(v)).collect::<Result<Vec<_>, _>>().map(Value::List)
            }
            TypeConstraint::Map(t) => match v {
                Value::Object(m) => {
                    let mut out = BTreeMap::new();
                    for (k, v) in m {
                        let c = t.convert(v).map_err(|e| format!("element {k:?}: {e}"))?;
                        out.insert(k, c);
                    }
                    Ok(Value::Object(out))
                }
                other => Err(format!("a map is required, got {}", other.type_name())),
            },
            TypeConstraint::Object(attrs) => match v {
                Value::Object(mut m) => {
                    let mut out = BTreeMap::new();
                    for (k, (t, optional, default)) in attrs {
                        match m.remove(k) {
                            Some(Value::Null) | None if *optional => {
                                let d = default.clone().unwrap_or(Value::Null);
                                out.insert(k.clone(), t.convert(d)?);
                            }
                            None => return Err(format!("attribute {k:?} is required")),
                            Some(v) => {
                                out.insert(k.clone(), t.convert(v).map_err(|e| format!("attribute {k:?}: {e}"))?);
                            }
                        }
                    }
                    Ok(Value::Object(out))
                }
                other => Err(format!("an object is required, got {}", other.type_name())),
            },
        }
    }
}

fn parse(e: &Expression) -> Result<TypeConstraint, String> {
    match e {
        Expression::Variable(v) => match v.as_str() {
            "string" => Ok(TypeConstraint::String),
            "number" => Ok(TypeConstraint::Number),
            "bool" => Ok(TypeConstraint::Bool),
            "any" => Ok(TypeConstraint::Any),
            other => Err(format!("unknown type `{other}`")),
        },
        Expression::FuncCall(f) => {
            let name = f.name.name.as_str();
            let arg = |i: usize| f.args.get(i).ok_or_else(|| format!("{name}(...) needs an argument"));
            // Every type constructor takes exactly one argument; `list(string, number)` used to
            // be accepted as list(string), silently dropping the rest.
            if f.args.len() > 1 {
                return Err(format!("{name}(...) takes exactly one argument, found {}", f.args.len()));
            }
            match name {
                "list" => Ok(TypeConstraint::List(Box::new(parse(arg(0)?)?))),
                "set" => Ok(TypeConstraint::Set(Box::new(parse(arg(0)?)?))),
                "map" => Ok(TypeConstraint::Map(Box::new(parse(arg(0)?)?))),
                "tuple" => match arg(0)? {
                    Expression::Array(a) => a.iter().map(parse).collect::<Result<_, _>>().map(TypeConstraint::Tuple),
                    _ => Err("tuple([...]) takes a list of types".into()),
                },
                "object" => match arg(0)? {
                    Expression::Object(o) => {
                        let mut attrs = BTreeMap::new();
                        for (k, v) in o.iter() {
                            let key = match k {
                                ObjectKey::Ident(i) => i.as_str().to_string(),
                                ObjectKey::Expression(Expression::Variable(i)) => i.as_str().to_string(),
                                ObjectKey::Expression(Expression::String(s)) => s.as_str().to_string(),
                                _ => return Err("object attribute names must be identifiers".into()),
                            };
                            attrs.insert(key, parse_attr(v.expr())?);
                        }
                        Ok(TypeConstraint::Object(attrs))
                    }
                    _ => Err("object({...}) takes an object of attribute types".into()),
                },
                other => Err(format!("unknown type constructor `{other}`")),
            }
        }
        other => Err(format!("not a type: {}", describe(other))),
    }
}

fn parse_attr(e: &Expression) -> Result<(TypeConstraint, bool, Option<Value>), String> {
    if let Expression::FuncCall(f) = e {
        if f.name.name.as_str() == "optional" {
            let t = parse(f.args.get(0).ok_or("optional(...) needs a type")?)?;
            let default = match f.args.get(1) {
                Some(d) => Some(literal(d).ok_or("optional() defaults must be literal values")?),
                None => None,
            };
            return Ok((t, true, default));
        }
    }
    Ok((parse(e)?, false, None))
}

/// A constant expression's value (for `optional(T, default)` defaults).
fn literal(e: &Expression) -> Option<Value> {
    match e {
        Expression::Null(_) => Some(Value::Null),
        Expression::Bool(b) => Some(Value::Bool(**b)),
        Expression::Number(n) => n.as_f64().map(Value::Number),
        Expression::String(s) => Some(Value::String(s.as_str().to_string())),
        Expression::Array(a) => a.iter().map(literal).collect::<Option<Vec<_>>>().map(Value::List),
        Expression::Object(o) => o
            .iter()
            .map(|(k, v)| {
                let key = match k {
                    ObjectKey::Ident(i) => i.as_str().to_string(),
                    ObjectKey::Expression(Expression::String(s)) => s.as_str().to_string(),
                    ObjectKey::Expression(Expression::Variable(i)) => i.as_str().to_string(),
                    _ => return None,
                };
                literal(v.expr()).map(|v| (key, v))
            })
            .collect::<Option<BTreeMap<_, _>>>()
            .map(Value::Object),
        _ => None,
    }
}

fn describe(e: &Expression) -> String {
    match e.span() {
        Some(_) => "this expression".into(),
        None => "expression".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tc(src: &str) -> TypeConstraint {
        parse(&src.parse::<Expression>().unwrap()).unwrap()
    }

    #[test]
    fn converts_with_optional_defaults() {
        let t = tc("map(object({ cidr = string, nat = optional(bool, true) }))");
        let v = Value::object([("a", Value::object([("cidr", Value::from("10.0.0.0/16"))]))]);
        let out = t.convert(v).unwrap();
        assert_eq!(out.get("a").get("nat"), &Value::Bool(true));
        assert!(tc("list(number)").convert(Value::List(vec![Value::from("x")])).is_err());
        assert_eq!(tc("string").convert(Value::from(3i64)).unwrap(), Value::from("3"));
        assert_eq!(
            tc("set(string)").convert(Value::List(vec!["a".into(), "a".into()])).unwrap(),
            Value::List(vec!["a".into()])
        );
        let unknowns = Value::List(vec![Value::Unknown, Value::Unknown]);
        assert_eq!(tc("set(string)").convert(unknowns.clone()).unwrap(), unknowns, "unknown elements are kept apart");
    }
}
