//! Every function, called with every combination of odd arguments, returns a Result: no
//! panic, no hang, and no non-finite number in a result.

use crate::run;
use meshplan_functions::{names, Value};

fn odd_values() -> Vec<Value> {
    vec![
        Value::Null,
        Value::Unknown,
        Value::from("secret").mark_sensitive(),
        Value::from(""),
        Value::from("/"),
        Value::from("%"),
        Value::from("%[0]d %*d %.99999999999f %[999]s"),
        Value::from("/(/"),
        Value::from("10.0.0.0/8"),
        Value::from("::/0"),
        Value::from("~"),
        Value::from("e\u{301}🤷\0\r\n"),
        Value::from("---\n- a\n...\n"),
        Value::from("2017-11-22T00:00:00Z"),
        Value::from("1e308"),
        Value::from("-9999999999999999999999"),
        Value::Bool(true),
        Value::Number(0.0),
        Value::Number(-0.0),
        Value::Number(-1.0),
        Value::Number(0.5),
        Value::Number(1e300),
        Value::Number(-1e300),
        Value::Number(f64::MAX),
        Value::Number(f64::MIN_POSITIVE),
        Value::Number(9.3e18),
        Value::Number(1024.0),
        Value::List(vec![]),
        Value::List(vec![Value::Null, Value::from(""), Value::List(vec![Value::List(vec![])])]),
        Value::List(vec![Value::Number(1e308), Value::Number(1e308)]),
        Value::List(vec![Value::Unknown]),
        Value::empty_object(),
        Value::object([("a", Value::List(vec![Value::from("x")])), ("b", Value::Null)]),
    ]
}

fn check(name: &str, args: &[Value]) {
    if let Ok(value) = run(name, args) {
        assert!(finite(&value), "{name}({args:?}) returned a non-finite number");
    }
}

fn finite(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_finite(),
        Value::List(items) => items.iter().all(finite),
        Value::Object(attrs) => attrs.values().all(finite),
        Value::Sensitive(inner) => finite(inner),
        _ => true,
    }
}

#[test]
fn no_function_panics_on_odd_arguments() {
    let values = odd_values();
    for name in names() {
        check(name, &[]);
        for a in &values {
            check(name, std::slice::from_ref(a));
            for b in &values {
                check(name, &[a.clone(), b.clone()]);
            }
        }
        // Three arguments: a sample, since the full cube is slow in debug builds.
        for (i, a) in values.iter().enumerate() {
            for b in values.iter().skip(i % 3).step_by(3) {
                for c in values.iter().skip(i % 5).step_by(5) {
                    check(name, &[a.clone(), b.clone(), c.clone()]);
                }
            }
        }
        check(name, &vec![Value::Number(1.0); 40]);
    }
}

#[test]
fn large_inputs_are_refused_not_built() {
    let big_list = Value::List((0..300).map(|i| Value::Number(f64::from(i))).collect());
    assert!(run("setproduct", &[big_list.clone(), big_list.clone()]).is_ok());
    assert!(run("setproduct", &[big_list.clone(), big_list.clone(), big_list]).is_err());
    assert!(run("range", &[Value::Number(0.0), Value::Number(1e300), Value::Number(1e-300)]).is_err());
    assert!(run("indent", &[Value::Number(1e9), Value::from("a\nb")]).is_err());
    assert!(run("format", &[Value::from("%999999999999d"), Value::Number(1.0)]).is_ok());
}
