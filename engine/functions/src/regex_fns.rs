//! `regex` and `regexall`. Patterns use the RE2 syntax Terraform uses (Rust's `regex` crate
//! accepts the same language), and the shape of a result follows the capture groups.

use crate::args::{string, string_value};
use crate::{Env, FunctionError, Value};
use regex::{Captures, Regex, RegexBuilder};

type Result = std::result::Result<Value, FunctionError>;

/// Compiles a pattern supplied by argument `arg`, bounding its size so a hostile pattern
/// cannot exhaust memory.
pub(crate) fn compile(pattern: &str, arg: usize) -> std::result::Result<Regex, FunctionError> {
    RegexBuilder::new(pattern)
        .size_limit(10 << 20)
        .build()
        .map_err(|e| FunctionError::arg(arg, format!("invalid regular expression pattern: {e}")))
}

/// The first match: the matched text when the pattern has no groups, a list of the groups
/// when they are unnamed, an object when they are named.
pub(crate) fn regex(args: &[Value], _: &Env) -> Result {
    let pattern = compile(&string(args, 0)?, 0)?;
    let shape = Shape::of(&pattern)?;
    let text = string(args, 1)?;
    let captures = pattern
        .captures(&text)
        .ok_or_else(|| FunctionError::new("pattern did not match any part of the given string"))?;
    Ok(shape.result(&pattern, &captures))
}

/// Every match, each shaped as `regex` shapes one (an empty list when nothing matches).
pub(crate) fn regexall(args: &[Value], _: &Env) -> Result {
    let pattern = compile(&string(args, 0)?, 0)?;
    let shape = Shape::of(&pattern)?;
    let text = string(args, 1)?;
    Ok(Value::List(pattern.captures_iter(&text).map(|c| shape.result(&pattern, &c)).collect()))
}

enum Shape {
    WholeMatch,
    Unnamed,
    Named,
}

impl Shape {
    fn of(pattern: &Regex) -> std::result::Result<Shape, FunctionError> {
        let groups: Vec<Option<&str>> = pattern.capture_names().skip(1).collect();
        let named = groups.iter().filter(|g| g.is_some()).count();
        match (groups.len(), named) {
            (0, _) => Ok(Shape::WholeMatch),
            (_, 0) => Ok(Shape::Unnamed),
            (total, named) if total == named => Ok(Shape::Named),
            _ => Err(FunctionError::arg(
                0,
                "invalid regular expression pattern: cannot mix both named and unnamed capture groups",
            )),
        }
    }

    fn result(&self, pattern: &Regex, captures: &Captures) -> Value {
        // A group that did not take part in the match is null.
        let group = |i: usize| captures.get(i).map_or(Value::Null, |m| string_value(m.as_str()));
        match self {
            Shape::WholeMatch => group(0),
            Shape::Unnamed => Value::List((1..captures.len()).map(group).collect()),
            Shape::Named => Value::Object(
                pattern
                    .capture_names()
                    .enumerate()
                    .filter_map(|(i, name)| name.map(|n| (n.to_string(), group(i))))
                    .collect(),
            ),
        }
    }
}
