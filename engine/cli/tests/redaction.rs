//! A sensitive value never appears in an error, a warning or a hint: function argument
//! errors, type conversion errors, validation messages and object keys made from secrets.
//! Each case runs `plan` through the real binary with the secret passed in the environment
//! (so it is not in the configuration's source snippet) and must fail without printing it.

mod common;

use common::{meshplan_env, Work};

const SECRET: &str = "S3CR3T-hunter2";

const VAR: &str = r#"
variable "secret" {
  sensitive = true
}
"#;

fn plan_fails_without_leaking(name: &str, config: &str, secret: &str, expect: &str) {
    let w = Work::new(config);
    let r = meshplan_env(w.path(), &["plan", "-no-color"], &[("MESHPLAN_VAR_secret", secret)]);
    r.no_panic();
    assert_eq!(r.code, 1, "{name}: plan should fail:\n{}", r.all());
    assert!(!r.all().contains(secret), "{name}: the secret leaked:\n{}", r.all());
    assert!(r.all().contains(expect), "{name}: expected {expect:?} in:\n{}", r.all());
}

#[test]
fn function_argument_errors_hide_sensitive_arguments() {
    let cases = [
        ("tonumber", "output \"o\" { value = tonumber(var.secret) }", "cannot convert (sensitive value) to number"),
        (
            "cidrsubnet",
            "output \"o\" { value = cidrsubnet(var.secret, 8, 1) }",
            "(sensitive value) is not an address prefix",
        ),
        ("file", "output \"o\" { value = file(var.secret) }", "no file exists at (sensitive value)"),
        ("nested", "output \"o\" { value = tonumber(lower(var.secret)) }", "(sensitive value)"),
    ];
    for (name, body, expect) in cases {
        plan_fails_without_leaking(name, &format!("{VAR}\n{body}\n"), SECRET, expect);
    }
    // A secret too short to search for hides the whole detail.
    plan_fails_without_leaking(
        "short",
        &format!("{VAR}\noutput \"o\" {{ value = tonumber(var.secret) }}\n"),
        "zq",
        "an argument is sensitive",
    );
}

#[test]
fn validation_messages_and_type_conversions_hide_sensitive_values() {
    let validation = r#"
variable "secret" {
  sensitive = true
  validation {
    condition     = length(var.secret) > 100
    error_message = "too short: ${var.secret}"
  }
}
"#;
    plan_fails_without_leaking("validation", validation, SECRET, "the error message uses a sensitive value");
    let number = "variable \"secret\" {\n  type      = number\n  sensitive = true\n}\n";
    plan_fails_without_leaking("type number", number, SECRET, "the given value is sensitive, so it is not shown");
    let list = "variable \"secret\" {\n  type      = list(number)\n  sensitive = true\n}\n";
    plan_fails_without_leaking("type list", list, SECRET, "the given value is sensitive");
}

#[test]
fn objects_keyed_by_secrets_are_sensitive() {
    // Keys made from a secret make the whole object sensitive: an output must say so.
    for body in
        ["output \"o\" { value = { (var.secret) = 1 } }", "output \"o\" { value = { for s in [var.secret] : s => 1 } }"]
    {
        plan_fails_without_leaking("key", &format!("{VAR}\n{body}\n"), SECRET, "refers to sensitive values");
    }
    let dup = format!("{VAR}\noutput \"o\" {{ value = {{ for s in [var.secret, var.secret] : s => 1 }} }}\n");
    plan_fails_without_leaking("duplicate key", &dup, SECRET, "duplicate key (sensitive value)");
    // Declared sensitive, the output is fine and shows no key.
    let w =
        Work::new(&format!("{VAR}\noutput \"o\" {{\n  value     = {{ (var.secret) = 1 }}\n  sensitive = true\n}}\n"));
    let r = meshplan_env(w.path(), &["plan", "-no-color"], &[("MESHPLAN_VAR_secret", SECRET)]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(!r.all().contains(SECRET), "{}", r.all());
}
