//! Set functions. Sets are lists with no duplicates in Terraform's set order: strings
//! lexically, numbers numerically, `false` before `true`; other element types keep the order
//! they first appear in. Mixed primitives unify to strings, as Terraform's type unification
//! does.

use crate::args::{list, string_value, value_as_string};
use crate::{Env, FunctionError, Value};
use std::cmp::Ordering;

type Result = std::result::Result<Value, FunctionError>;

/// `setproduct` refuses to build more elements than this.
const PRODUCT_LIMIT: usize = 100_000;

pub(crate) fn toset(args: &[Value], _: &Env) -> Result {
    Ok(Value::List(normalize(list(args, 0)?.to_vec(), 0)?))
}

/// Drops repeated elements, keeping the first of each (a list function: order stays).
pub(crate) fn distinct(args: &[Value], _: &Env) -> Result {
    Ok(Value::List(dedupe(list(args, 0)?.to_vec())))
}

pub(crate) fn setunion(args: &[Value], _: &Env) -> Result {
    let mut all = Vec::new();
    for i in 0..args.len() {
        all.extend_from_slice(list(args, i)?);
    }
    Ok(Value::List(normalize(all, 0)?))
}

pub(crate) fn setintersection(args: &[Value], _: &Env) -> Result {
    let others = (1..args.len()).map(|i| list(args, i)).collect::<std::result::Result<Vec<_>, _>>()?;
    let common = list(args, 0)?.iter().filter(|v| others.iter().all(|o| o.contains(v))).cloned().collect();
    Ok(Value::List(normalize(common, 0)?))
}

pub(crate) fn setsubtract(args: &[Value], _: &Env) -> Result {
    let removed = list(args, 1)?;
    let kept = list(args, 0)?.iter().filter(|v| !removed.contains(v)).cloned().collect();
    Ok(Value::List(normalize(kept, 0)?))
}

/// Every combination of one element from each argument, in argument order.
pub(crate) fn setproduct(args: &[Value], _: &Env) -> Result {
    if args.len() < 2 {
        return Err(FunctionError::new("at least two arguments are required"));
    }
    let lists = (0..args.len()).map(|i| list(args, i)).collect::<std::result::Result<Vec<_>, _>>()?;
    let total = lists.iter().try_fold(1usize, |acc, l| acc.checked_mul(l.len())).unwrap_or(usize::MAX);
    if total > PRODUCT_LIMIT {
        return Err(FunctionError::new(format!("the product would have more than {PRODUCT_LIMIT} elements")));
    }
    let mut rows: Vec<Vec<Value>> = vec![vec![]];
    for l in lists {
        rows =
            rows.into_iter().flat_map(|row| l.iter().map(move |v| [row.clone(), vec![v.clone()]].concat())).collect();
    }
    Ok(Value::List(rows.into_iter().map(Value::List).collect()))
}

/// Converts a list into set form: no nulls, no duplicates, Terraform's order.
pub(crate) fn normalize(items: Vec<Value>, arg: usize) -> std::result::Result<Vec<Value>, FunctionError> {
    if items.iter().any(Value::is_null) {
        return Err(FunctionError::arg(arg, "sets must not contain null elements"));
    }
    let all = |f: fn(&Value) -> bool| items.iter().all(f);
    let mut items = if all(|v| matches!(v, Value::Bool(_) | Value::Number(_) | Value::String(_)))
        && !all(|v| matches!(v, Value::Bool(_)))
        && !all(|v| matches!(v, Value::Number(_)))
    {
        // Mixed or all-string primitives: a set of strings.
        items.iter().filter_map(|v| value_as_string(v).map(|s| string_value(s.into_owned()))).collect()
    } else {
        items
    };
    items = dedupe(items);
    if items.iter().all(|v| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))) {
        items.sort_by(compare_primitives);
    }
    Ok(items)
}

fn compare_primitives(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::String(a), Value::String(b)) => a.cmp(b),
        (Value::Number(a), Value::Number(b)) => a.total_cmp(b),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        _ => Ordering::Equal,
    }
}

/// Keeps the first of equal elements. Keyed by the exact (debug) form so large lists stay
/// linear instead of comparing every pair.
fn dedupe(items: Vec<Value>) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().filter(|item| seen.insert(format!("{item:?}"))).collect()
}

/// The elements of `values` whose same-index element of `keys` is in `searchset`, in their
/// original order (so two parallel lists can be filtered by one of them).
pub(crate) fn matchkeys(args: &[Value], _: &Env) -> Result {
    let values = list(args, 0)?;
    let keys = list(args, 1)?;
    let searchset = list(args, 2)?;
    if values.len() != keys.len() {
        return Err(FunctionError::arg(
            1,
            format!("length of keys ({}) and values ({}) should be equal", keys.len(), values.len()),
        ));
    }
    let wanted = |key: &Value| searchset.iter().any(|s| crate::collection::loosely_equal(key, s));
    Ok(Value::List(values.iter().zip(keys).filter(|(_, key)| wanted(key)).map(|(v, _)| v.clone()).collect()))
}
