//! Table-driven tests of the builtin functions through the public `call` API.
//!
//! Arguments and expected results are written as JSON, which maps one-to-one onto the
//! language's values (objects ordered by key, numbers as f64).

mod collections;
mod conversions_and_time;
mod crypto;
mod encodings;
mod files;
mod hashes;
mod marks_and_registry;
mod networks;
mod robustness;
mod strings;

use meshplan_functions::{call, Env, FunctionError, Value};
use std::path::{Path, PathBuf};

pub const PLAN_TIMESTAMP: &str = "2024-05-06T07:08:09Z";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn run(name: &str, args: &[Value]) -> Result<Value, FunctionError> {
    let base = fixtures();
    call(name, args, &Env { base_dir: &base, plan_timestamp: PLAN_TIMESTAMP, timestamp_known: true })
}

pub fn json(text: &str) -> Value {
    let parsed: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("bad JSON in test table {text:?}: {e}"));
    Value::from_json(&parsed)
}

fn args_of(args_json: &str) -> Vec<Value> {
    match json(args_json) {
        Value::List(args) => args,
        other => panic!("arguments must be a JSON array, got {other}"),
    }
}

/// Each case: function, arguments as a JSON array, expected result as JSON.
pub fn assert_results(cases: &[(&str, &str, &str)]) {
    for (name, args, expected) in cases {
        let got = run(name, &args_of(args));
        match got {
            Ok(value) => assert_eq!(value, json(expected), "{name}({args})"),
            Err(e) => panic!("{name}({args}) failed: {}", e.message),
        }
    }
}

/// Each case: function, arguments as a JSON array, a fragment of the expected error message.
pub fn assert_errors(cases: &[(&str, &str, &str)]) {
    for (name, args, fragment) in cases {
        match run(name, &args_of(args)) {
            Ok(value) => panic!("{name}({args}) should fail with {fragment:?}, got {value}"),
            Err(e) => assert!(e.message.contains(fragment), "{name}({args}): {:?} lacks {fragment:?}", e.message),
        }
    }
}
