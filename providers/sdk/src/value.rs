//! The dynamic value of the configuration language and of resource state.
//!
//! Like Terraform's cty, a value may be *unknown* (to be computed during apply) and may be
//! *marked sensitive*. Sets and tuples are represented as lists, maps and objects as objects
//! (ordered by key, as Terraform orders them).

use crate::path::{Path, PathStep};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Object(BTreeMap<String, Value>),
    /// Known only after apply.
    Unknown,
    /// A value that must never be shown; the mark travels with everything derived from it.
    Sensitive(Box<Value>),
}

impl Value {
    pub fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
    pub fn empty_object() -> Value {
        Value::Object(BTreeMap::new())
    }

    pub fn is_null(&self) -> bool {
        matches!(self.peel(), Value::Null)
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self.peel(), Value::Unknown)
    }
    /// True when no part of the value is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::Sensitive(v) => v.is_wholly_known(),
            Value::List(l) => l.iter().all(Value::is_wholly_known),
            Value::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }
    pub fn is_sensitive(&self) -> bool {
        matches!(self, Value::Sensitive(_))
    }
    /// True when the value or any part of it is marked sensitive.
    pub fn contains_sensitive(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(l) => l.iter().any(Value::contains_sensitive),
            Value::Object(m) => m.values().any(Value::contains_sensitive),
            _ => false,
        }
    }

    /// The value beneath a top-level sensitive mark (one level, not deep).
    pub fn peel(&self) -> &Value {
        match self {
            Value::Sensitive(v) => v.peel(),
            v => v,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.peel() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.peel() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self.peel() {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        self.as_f64().filter(|n| n.fract() == 0.0).map(|n| n as i64)
    }
    pub fn as_list(&self) -> Option<&Vec<Value>> {
        match self.peel() {
            Value::List(l) => Some(l),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&BTreeMap<String, Value>> {
        match self.peel() {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_object_mut(&mut self) -> Option<&mut BTreeMap<String, Value>> {
        match self {
            Value::Object(m) => Some(m),
            Value::Sensitive(v) => v.as_object_mut(),
            _ => None,
        }
    }
    /// An attribute of an object; `Null` when absent or not an object.
    pub fn get(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.as_object().and_then(|m| m.get(key)).unwrap_or(&NULL)
    }
    /// A string attribute, or `None` when absent, null or not a string.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).as_str()
    }
    pub fn get_path(&self, path: &Path) -> Option<&Value> {
        let mut cur = self;
        for step in &path.0 {
            cur = match (step, cur.peel()) {
                (PathStep::Key(k), Value::Object(m)) => m.get(k)?,
                (PathStep::Index(i), Value::List(l)) => l.get(*i)?,
                _ => return None,
            };
        }
        Some(cur)
    }
    pub fn set(&mut self, key: &str, value: Value) {
        if let Some(m) = self.as_object_mut() {
            m.insert(key.to_string(), value);
        }
    }

    /// Wraps the value in a sensitive mark (idempotent).
    pub fn mark_sensitive(self) -> Value {
        match self {
            v @ Value::Sensitive(_) => v,
            v => Value::Sensitive(Box::new(v)),
        }
    }
    /// Removes every sensitive mark, returning the bare value and the paths that were marked.
    pub fn unmark(self) -> (Value, Vec<Path>) {
        let mut paths = Vec::new();
        let v = self.unmark_at(Path::root(), &mut paths);
        (v, paths)
    }
    fn unmark_at(self, at: Path, paths: &mut Vec<Path>) -> Value {
        match self {
            Value::Sensitive(v) => {
                paths.push(at.clone());
                v.unmark_at(at, &mut Vec::new())
            }
            Value::List(l) => {
                Value::List(l.into_iter().enumerate().map(|(i, v)| v.unmark_at(at.index(i), paths)).collect())
            }
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .map(|(k, v)| {
                        let p = at.key(&k);
                        (k, v.unmark_at(p, paths))
                    })
                    .collect(),
            ),
            v => v,
        }
    }
    /// The value without any sensitive marks.
    pub fn unmarked(&self) -> Value {
        self.clone().unmark().0
    }
    /// Marks the given paths sensitive (paths that do not exist are ignored).
    pub fn mark_paths(mut self, paths: &[Path]) -> Value {
        for p in paths {
            self.mark_path(&p.0);
        }
        self
    }
    fn mark_path(&mut self, steps: &[PathStep]) {
        let Some((first, rest)) = steps.split_first() else {
            let v = std::mem::take(self);
            *self = v.mark_sensitive();
            return;
        };
        let inner = match self {
            Value::Sensitive(_) => return, // already hidden as a whole
            Value::Object(m) => match first {
                PathStep::Key(k) => m.get_mut(k),
                PathStep::Index(_) => None,
            },
            Value::List(l) => match first {
                PathStep::Index(i) => l.get_mut(*i),
                PathStep::Key(_) => None,
            },
            _ => None,
        };
        if let Some(v) = inner {
            v.mark_path(rest);
        }
    }

    /// Paths of every unknown part (for `after_unknown` in JSON plans).
    pub fn unknown_paths(&self) -> Vec<Path> {
        let mut out = Vec::new();
        self.collect_unknown(Path::root(), &mut out);
        out
    }
    fn collect_unknown(&self, at: Path, out: &mut Vec<Path>) {
        match self {
            Value::Unknown => out.push(at),
            Value::Sensitive(v) => v.collect_unknown(at, out),
            Value::List(l) => l.iter().enumerate().for_each(|(i, v)| v.collect_unknown(at.index(i), out)),
            Value::Object(m) => m.iter().for_each(|(k, v)| v.collect_unknown(at.key(k), out)),
            _ => {}
        }
    }

    /// JSON form for state and output; unknown becomes null and marks are dropped
    /// (callers keep the sensitive paths beside it).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null | Value::Unknown => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => J::String(s.clone()),
            Value::List(l) => J::Array(l.iter().map(Value::to_json).collect()),
            Value::Object(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            Value::Sensitive(v) => v.to_json(),
        }
    }
    pub fn from_json(j: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match j {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            J::String(s) => Value::String(s.clone()),
            J::Array(a) => Value::List(a.iter().map(Value::from_json).collect()),
            J::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect()),
        }
    }

    /// The Terraform type name of the value, for diagnostics.
    pub fn type_name(&self) -> &'static str {
        match self.peel() {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Object(_) => "object",
            Value::Unknown => "unknown",
            Value::Sensitive(_) => "sensitive",
        }
    }
}

fn number_to_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
    }
}

/// Formats a number as Terraform does: integers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i128)
    } else {
        format!("{n}")
    }
}

impl fmt::Display for Value {
    /// A compact rendering for messages; sensitive parts are hidden.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => write!(f, "null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{}", format_number(*n)),
            Value::String(s) => write!(f, "{s:?}"),
            Value::List(l) => {
                write!(f, "[")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{v}")?;
                }
                write!(f, "]")
            }
            Value::Object(m) => {
                write!(f, "{{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{k} = {v}")?;
                }
                write!(f, "}}")
            }
            Value::Unknown => write!(f, "(known after apply)"),
            Value::Sensitive(_) => write!(f, "(sensitive value)"),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n as f64)
    }
}
impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}
impl From<Vec<Value>> for Value {
    fn from(l: Vec<Value>) -> Self {
        Value::List(l)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map(Into::into).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmark_and_remark_round_trip() {
        let v = Value::object([
            ("a", Value::from("x")),
            ("b", Value::from("secret").mark_sensitive()),
            ("c", Value::List(vec![Value::from(1i64), Value::from(2i64).mark_sensitive()])),
        ]);
        let (bare, paths) = v.clone().unmark();
        assert!(!bare.contains_sensitive());
        assert_eq!(paths, vec![Path::from("b"), Path::from("c[1]")]);
        assert_eq!(bare.mark_paths(&paths), v);
    }

    #[test]
    fn unknown_paths_and_json() {
        let v = Value::object([("id", Value::Unknown), ("n", Value::from(3i64))]);
        assert_eq!(v.unknown_paths(), vec![Path::from("id")]);
        assert!(!v.is_wholly_known());
        assert_eq!(v.to_json(), serde_json::json!({"id": null, "n": 3}));
        assert_eq!(Value::from_json(&serde_json::json!({"n": 3})), Value::object([("n", Value::from(3i64))]));
    }

    #[test]
    fn numbers_format_like_terraform() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(0.5), "0.5");
        assert_eq!(Value::from(2.5).to_json(), serde_json::json!(2.5));
    }
}
