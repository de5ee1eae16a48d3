//! The builtin functions of the meshplan language, with Terraform's names and semantics.
//!
//! The evaluator (in `meshplan-engine`) calls [`call`] with already-evaluated argument
//! [`Value`]s. This crate owns no syntax: `try`, `can`, `templatefile` and `templatestring`
//! need lazy evaluation or the template parser, so the evaluator implements them itself.
//!
//! Marks are handled once, here, not per function: any unknown argument makes the result
//! unknown (except `length` of a known collection), and any sensitive argument makes the
//! whole result sensitive. Functions themselves only ever see bare, wholly known values.
//!
//! Files are grouped by family (`string`, `collection`, `encoding`, ...); `registry` maps
//! names to implementations and signatures, and the signature alone decides the arity.

mod args;
mod collection;
mod convert;
mod encoding;
mod file;
mod fileset;
mod format;
mod formatdate;
mod hash;
mod math;
mod quote;
pub use quote::write_quoted;
mod network;
mod regex_fns;
mod registry;
mod rsa_fns;
mod set;
mod string;
mod time;
mod yaml;

pub use meshplan_provider::{FunctionError, Value};
use std::borrow::Cow;

/// What a function may know about the call site beyond its arguments.
#[derive(Clone, Copy, Debug)]
pub struct Env<'a> {
    /// `path.module` of the calling module. File functions resolve relative paths against it
    /// (Terraform uses the working directory, but configurations write `path.module`, so
    /// both `"${path.module}/x"` and a bare `"x"` find the module's file; absolute paths
    /// pass through unchanged).
    pub base_dir: &'a std::path::Path,
    /// The plan's timestamp in RFC 3339, returned by `plantimestamp()`.
    pub plan_timestamp: &'a str,
    /// Whether `timestamp()` has a value: during apply. While planning it is unknown, as in
    /// Terraform, so that the value apply computes is never "inconsistent" with the plan.
    pub timestamp_known: bool,
}

/// Calls the builtin function `name`.
///
/// Errors name the offending parameter (`Invalid value for "list" parameter: ...`) and keep
/// its index in [`FunctionError::arg`]. No input makes this panic.
pub fn call(name: &str, args: &[Value], env: &Env) -> Result<Value, FunctionError> {
    let spec =
        registry::lookup(name).ok_or_else(|| FunctionError::new(format!("there is no function named \"{name}\"")))?;
    spec.check_arity(args.len())?;
    let sensitive = args.iter().any(Value::contains_sensitive);
    let result = if args.iter().all(Value::is_wholly_known) {
        let bare: Cow<[Value]> =
            if sensitive { Cow::Owned(args.iter().map(Value::unmarked).collect()) } else { Cow::Borrowed(args) };
        (spec.implementation)(&bare, env).map_err(|e| spec.name_parameter(e))?
    } else if structural(name, args) {
        // These only move values around: unknown elements travel through as they are, so
        // `merge({a = <unknown>}, {b = 1})` keeps its keys (for_each needs them).
        let bare: Vec<Value> = args.iter().map(Value::unmarked).collect();
        (spec.implementation)(&bare, env).map_err(|e| spec.name_parameter(e))?
    } else {
        known_despite_unknowns(name, args).unwrap_or(Value::Unknown)
    };
    Ok(if sensitive { result.mark_sensitive() } else { result })
}

/// True when `name` is a builtin function.
pub fn exists(name: &str) -> bool {
    registry::lookup(name).is_some()
}

/// Every builtin function name, sorted (for did-you-mean hints).
pub fn names() -> &'static [&'static str] {
    registry::names()
}

/// The signature of a function for diagnostics, e.g. `join(separator, lists...)`.
pub fn signature(name: &str) -> Option<&'static str> {
    registry::lookup(name).map(|spec| spec.signature)
}

/// Whether the function wants to see argument errors instead of failing on them (`try`,
/// `can`). None of the functions here does: the evaluator implements those two itself.
pub fn is_error_tolerant(_name: &str) -> bool {
    false
}

/// Results that do not depend on the unknown parts of the arguments. Terraform knows the
/// length of a list whose elements are still unknown, and `count = length(...)` relies on it.
/// Functions that never look inside the values they move, and whose arguments' shapes (and
/// keys, indexes) are known: they can run with unknown values nested inside.
fn structural(name: &str, args: &[Value]) -> bool {
    const MOVERS: &[&str] =
        &["merge", "concat", "keys", "values", "lookup", "element", "slice", "reverse", "zipmap", "ephemeralasnull"];
    if !MOVERS.contains(&name) {
        return false;
    }
    args.iter().enumerate().all(|(i, a)| match a.peel() {
        Value::Unknown => false,
        // zipmap's keys and any scalar argument (an index, a key) must be known.
        Value::List(l) if name == "zipmap" && i == 0 => l.iter().all(Value::is_wholly_known),
        Value::List(_) | Value::Object(_) => true,
        other => other.is_wholly_known(),
    })
}

fn known_despite_unknowns(name: &str, args: &[Value]) -> Option<Value> {
    match (name, args) {
        ("length", [Value::List(items)]) => Some(Value::Number(items.len() as f64)),
        ("length", [Value::Object(attrs)]) => Some(Value::Number(attrs.len() as f64)),
        ("length", [Value::Sensitive(inner)]) => known_despite_unknowns(name, std::slice::from_ref(inner)),
        _ => None,
    }
}
