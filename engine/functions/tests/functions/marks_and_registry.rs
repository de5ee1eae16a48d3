use crate::run;
use meshplan_functions::{exists, is_error_tolerant, names, signature, Value};

fn s(text: &str) -> Value {
    Value::from(text)
}

#[test]
fn unknown_arguments_give_unknown_results() {
    assert_eq!(run("upper", &[Value::Unknown]).unwrap(), Value::Unknown);
    assert_eq!(run("join", &[s(","), Value::List(vec![s("a"), Value::Unknown])]).unwrap(), Value::Unknown);
    assert_eq!(run("coalesce", &[Value::Unknown, s("x")]).unwrap(), Value::Unknown);
    // Terraform knows the length of a list whose elements are not yet known.
    assert_eq!(run("length", &[Value::List(vec![Value::Unknown, Value::Unknown])]).unwrap(), Value::from(2i64));
    assert_eq!(run("length", &[Value::object([("a", Value::Unknown)])]).unwrap(), Value::from(1i64));
    assert_eq!(run("length", &[Value::Unknown]).unwrap(), Value::Unknown);
}

#[test]
fn functions_that_only_move_values_keep_known_keys() {
    let merged = run("merge", &[Value::object([("a", Value::Unknown)]), Value::object([("b", s("k"))])]).unwrap();
    assert_eq!(merged, Value::object([("a", Value::Unknown), ("b", s("k"))]));
    assert_eq!(run("keys", std::slice::from_ref(&merged)).unwrap(), Value::List(vec![s("a"), s("b")]));
    assert_eq!(run("lookup", &[merged.clone(), s("b")]).unwrap(), s("k"));
    assert_eq!(
        run("concat", &[Value::List(vec![Value::Unknown]), Value::List(vec![s("x")])]).unwrap(),
        Value::List(vec![Value::Unknown, s("x")])
    );
    // An unknown key or an unknown container still gives unknown.
    assert_eq!(run("lookup", &[merged, Value::Unknown]).unwrap(), Value::Unknown);
    assert_eq!(run("merge", &[Value::Unknown, Value::object([("b", s("k"))])]).unwrap(), Value::Unknown);
}

#[test]
fn sensitive_arguments_mark_the_whole_result() {
    let secret = s("hunter2").mark_sensitive();
    assert_eq!(run("upper", std::slice::from_ref(&secret)).unwrap(), s("HUNTER2").mark_sensitive());
    let list = Value::List(vec![s("a"), secret.clone()]);
    assert_eq!(run("join", &[s("-"), list]).unwrap(), s("a-hunter2").mark_sensitive());
    let result = run("jsonencode", &[Value::object([("password", secret.clone())])]).unwrap();
    assert_eq!(result, s(r#"{"password":"hunter2"}"#).mark_sensitive());
    // Sensitive and unknown together: still unknown, still sensitive.
    assert_eq!(run("upper", &[Value::Unknown.mark_sensitive()]).unwrap(), Value::Unknown.mark_sensitive());
    let hidden_length = run("length", &[Value::List(vec![Value::Unknown]).mark_sensitive()]).unwrap();
    assert_eq!(hidden_length, Value::from(1i64).mark_sensitive());
    // Errors do not leak the sensitive value.
    let error = run("tonumber", &[secret]).unwrap_err();
    assert!(error.message.contains("cannot convert"), "{}", error.message);
}

#[test]
fn newer_functions_propagate_unknown_and_sensitive_arguments() {
    let list = |items: &[Value]| Value::List(items.to_vec());
    let stamp = s("2018-01-02T23:12:01Z");
    for (name, args) in [
        ("formatdate", vec![s("YYYY"), Value::Unknown]),
        ("fileset", vec![s("."), Value::Unknown]),
        ("uuidv5", vec![Value::Unknown, s("x")]),
        ("matchkeys", vec![list(&[s("a")]), list(&[s("k")]), list(&[Value::Unknown])]),
        ("base64gzip", vec![Value::Unknown]),
        ("bcrypt", vec![Value::Unknown]),
    ] {
        assert_eq!(run(name, &args).unwrap(), Value::Unknown, "{name}");
    }
    let secret = s("hunter2").mark_sensitive();
    for (name, args) in [
        ("formatdate", vec![s("YYYY"), stamp.clone().mark_sensitive()]),
        ("fileset", vec![s("."), s("*.txt").mark_sensitive()]),
        ("uuidv5", vec![s("dns"), secret.clone()]),
        ("matchkeys", vec![list(std::slice::from_ref(&secret)), list(&[s("k")]), list(&[s("k")])]),
        ("base64gzip", vec![secret.clone()]),
        ("ephemeralasnull", vec![secret.clone()]),
    ] {
        let result = run(name, &args).unwrap();
        assert!(result.contains_sensitive(), "{name}: {result:?}");
    }
    assert_eq!(run("formatdate", &[s("YYYY"), stamp.mark_sensitive()]).unwrap(), s("2018").mark_sensitive());
}

#[test]
fn arity_errors_show_the_signature() {
    let error = run("join", &[s(",")]).unwrap_err();
    assert_eq!(error.message, "Invalid value for \"lists\" parameter: at least one list is required");
    let error = run("split", &[s(",")]).unwrap_err();
    assert_eq!(error.message, "split expects 2 arguments (split(separator, string)), got 1");
    let error = run("lookup", &[]).unwrap_err();
    assert_eq!(error.message, "lookup expects 2 to 3 arguments (lookup(map, key, default?)), got 0");
    let error = run("upper", &[s("a"), s("b")]).unwrap_err();
    assert_eq!(error.message, "upper expects 1 argument (upper(string)), got 2");
    let error = run("format", &[]).unwrap_err();
    assert_eq!(error.message, "format expects at least 1 argument (format(format, args...)), got 0");
}

#[test]
fn argument_errors_carry_the_index() {
    let error = run("element", &[Value::List(vec![s("a")]), Value::from(-1i64)]).unwrap_err();
    assert_eq!(error.arg, Some(1));
    assert_eq!(
        error.message,
        "Invalid value for \"index\" parameter: cannot use element function with a negative index"
    );
    let error = run("concat", &[Value::List(vec![]), Value::List(vec![]), s("x")]).unwrap_err();
    assert_eq!(error.arg, Some(2));
    assert!(error.message.starts_with("Invalid value for \"lists\" parameter"), "{}", error.message);
}

#[test]
fn registry_lists_every_function() {
    let all = names();
    assert!(all.windows(2).all(|w| w[0] < w[1]), "names are sorted and unique");
    for required in [
        "format",
        "formatlist",
        "join",
        "split",
        "lower",
        "upper",
        "replace",
        "regex",
        "regexall",
        "trimspace",
        "trim",
        "trimprefix",
        "trimsuffix",
        "substr",
        "startswith",
        "endswith",
        "indent",
        "title",
        "chomp",
        "strrev",
        "strcontains",
        "length",
        "concat",
        "merge",
        "keys",
        "values",
        "lookup",
        "element",
        "flatten",
        "distinct",
        "contains",
        "zipmap",
        "toset",
        "tolist",
        "tomap",
        "range",
        "coalesce",
        "coalescelist",
        "compact",
        "one",
        "slice",
        "sort",
        "reverse",
        "index",
        "setunion",
        "setintersection",
        "setproduct",
        "chunklist",
        "transpose",
        "sum",
        "min",
        "max",
        "abs",
        "ceil",
        "floor",
        "pow",
        "parseint",
        "signum",
        "log",
        "jsonencode",
        "jsondecode",
        "yamlencode",
        "yamldecode",
        "yamldecode_all",
        "manifest_decode_multi",
        "base64encode",
        "base64decode",
        "urlencode",
        "textencodebase64",
        "csvdecode",
        "sha1",
        "sha256",
        "sha512",
        "md5",
        "base64sha256",
        "base64sha512",
        "uuid",
        "cidrsubnet",
        "cidrsubnets",
        "cidrhost",
        "cidrnetmask",
        "file",
        "fileexists",
        "filebase64",
        "abspath",
        "dirname",
        "basename",
        "pathexpand",
        "filesha256",
        "filemd5",
        "tostring",
        "tonumber",
        "tobool",
        "plantimestamp",
        "timestamp",
        "timeadd",
        "matchkeys",
        "base64gzip",
        "uuidv5",
        "ephemeralasnull",
        "textdecodebase64",
        "formatdate",
        "fileset",
        "bcrypt",
    ] {
        assert!(exists(required), "{required} is missing");
        assert!(all.contains(&required));
        assert!(signature(required).is_some_and(|sig| sig.starts_with(&format!("{required}("))));
    }
    for evaluator_only in ["try", "can", "templatefile", "templatestring"] {
        assert!(!exists(evaluator_only));
        assert!(!is_error_tolerant(evaluator_only));
    }
    let error = run("nosuch", &[]).unwrap_err();
    assert_eq!(error.message, "there is no function named \"nosuch\"");
}
