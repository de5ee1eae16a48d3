//! Terraform's file conventions through the real binary: `*.tf` and `*.tf.json` beside
//! `*.mp.hcl`, override files, `terraform.tfvars` / `*.auto.tfvars[.json]`, `TF_VAR_*`, the
//! ignored lock file, and diagnostics that point into the file the user wrote.

mod common;

use common::{copy_dir, meshplan_env, Work};
use std::path::Path;

fn fixture(name: &str) -> Work {
    let w = Work::files(&[]);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), w.path());
    w
}

#[test]
fn mixed_terraform_directory_applies_with_overrides_and_var_files() {
    let w = fixture("terraform-mixed");
    w.run(&["validate"]).ok().stdout_has("The configuration is valid");
    w.run(&["apply", "-auto-approve"]).ok().stdout_has("Apply complete! Resources: 2 added");
    let out = w.run(&["output", "-json"]).ok().json();
    // terraform.tfvars.json beats terraform.tfvars; replicas only in terraform.tfvars.
    assert_eq!(out["app"]["value"]["name"], "app-from-tfvars-json");
    assert_eq!(out["app"]["value"]["replicas"], 2);
    // override.tf replaced the local and added an argument to the resource.
    assert_eq!(out["app"]["value"]["tier"], "overridden");
    let state = w.state_json();
    let app = state["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "meshplan_data.app")
        .unwrap()
        .clone();
    assert_eq!(app["values"]["triggers_replace"], "from-tfvars-json");
    // net_override.tf.json (JSON overriding JSON) added an argument to the JSON resource.
    let net = state["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "meshplan_data.net")
        .unwrap()
        .clone();
    assert_eq!(net["values"]["triggers_replace"], "from-tfvars-json");
    // A JSON template that is one interpolation keeps the value's type (a list here), and
    // strings in *.tfvars.json are literal text.
    assert_eq!(out["net"]["value"]["zones"], serde_json::json!(["a", "b", "${not-a-template}"]));
    assert_eq!(out["net"]["value"]["label"], "net-for-app-from-tfvars-json");
    assert_eq!(out["summary"]["value"], "app-from-tfvars-json/overridden/3");
    w.run(&["plan", "-detailed-exitcode"]).code(0);
}

#[test]
fn variable_precedence_follows_terraform() {
    let vars = ["a", "b", "c", "d", "e", "f"];
    let mut config = String::new();
    for v in vars {
        config.push_str(&format!(
            "variable \"{v}\" {{\n  default = \"default\"\n}}\noutput \"{v}\" {{\n  value = var.{v}\n}}\n"
        ));
    }
    let w = Work::files(&[
        ("main.tf", &config),
        ("terraform.tfvars", "b = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\ne = \"tfvars\"\n"),
        ("terraform.tfvars.json", r#"{"c": "tfvars.json", "d": "tfvars.json", "e": "tfvars.json"}"#),
        ("a.auto.tfvars", "d = \"a.auto\"\ne = \"a.auto\"\n"),
        ("b.auto.tfvars.json", r#"{"e": "b.auto.json", "f": "b.auto.json"}"#),
        ("cli.tfvars", "f = \"var-file\"\n"),
    ]);
    let env = [("TF_VAR_a", "tf-env"), ("MESHPLAN_VAR_a", "mp-env"), ("TF_VAR_b", "tf-env")];
    meshplan_env(w.path(), &["apply", "-auto-approve", "-var", "f=cli", "-var-file", "cli.tfvars"], &env).ok();
    let out = meshplan_env(w.path(), &["output", "-json"], &[]).ok().json();
    let got: Vec<String> = vars.iter().map(|v| out[*v]["value"].as_str().unwrap().to_string()).collect();
    // a: MESHPLAN_VAR_ beats TF_VAR_; b: a file beats the environment; c: .tfvars.json beats
    // .tfvars; d: auto files beat terraform.tfvars*; e: later auto file wins; f: the last
    // command-line source wins.
    assert_eq!(got, ["mp-env", "tfvars", "tfvars.json", "a.auto", "b.auto.json", "var-file"]);
    // The other command-line order: -var last wins.
    meshplan_env(w.path(), &["apply", "-auto-approve", "-var-file", "cli.tfvars", "-var", "f=cli"], &env).ok();
    assert_eq!(meshplan_env(w.path(), &["output", "-raw", "f"], &[]).ok().stdout, "cli");
}

#[test]
fn tf_only_directory_runs_and_lock_file_is_ignored() {
    let w = Work::files(&[
        ("main.tf", "resource \"meshplan_data\" \"x\" {\n  input = \"v\"\n}\n"),
        (".terraform.lock.hcl", "provider \"registry.terraform.io/hashicorp/aws\" {\n  version = \"5.0.0\"\n}\n"),
    ]);
    w.run(&["plan"]).ok().stdout_has("Plan: 1 to add");
}

#[test]
fn empty_directory_names_every_accepted_extension() {
    let w = Work::files(&[("README", "nothing here")]);
    let r = w.run(&["plan"]);
    r.code(1).no_panic().stderr_has("no configuration files in").stderr_has("*.mp.hcl, *.tf, *.mp.json, *.tf.json");
}

#[test]
fn json_syntax_error_points_at_the_json() {
    let w = Work::files(&[(
        "main.tf.json",
        "{\n  \"resource\": {\n    \"meshplan_data\": {\"x\": {\"input\": 1,}}\n  }\n}\n",
    )]);
    let r = w.run(&["validate"]);
    r.code(1)
        .no_panic()
        .stderr_has("invalid JSON syntax")
        .stderr_has("main.tf.json:3:40")
        .stderr_has("JSON allows no trailing");
}

#[test]
fn errors_in_json_expressions_point_into_the_json_file() {
    let w = Work::files(&[("main.tf.json", "{\n  \"output\": {\n    \"o\": {\"value\": \"x-${var.nope}\"}\n  }\n}\n")]);
    let r = w.run(&["validate"]);
    // Column of `var.nope` inside the JSON string, not of the generated native text.
    r.code(1).no_panic().stderr_has("main.tf.json:3:25").stderr_has("var.nope");
}

#[test]
fn unknown_block_in_json_points_at_its_key() {
    let w = Work::files(&[("main.tf.json", "{\n  \"resorce\": {}\n}\n")]);
    let r = w.run(&["validate"]);
    r.code(1)
        .no_panic()
        .stderr_has("unsupported block type `resorce`")
        .stderr_has("main.tf.json:2:3")
        .stderr_has("resource");
}

#[test]
fn duplicate_across_families_names_both_files() {
    let w = Work::files(&[
        ("a.tf", "variable \"x\" {\n  default = 1\n}\n"),
        ("b.mp.hcl", "\nvariable \"x\" {\n  default = 2\n}\n"),
    ]);
    let r = w.run(&["validate"]);
    r.code(1)
        .no_panic()
        .stderr_has("duplicate variable \"x\"")
        .stderr_has("b.mp.hcl:2:1")
        .stderr_has("first declared at a.tf:1:1");
}

#[test]
fn override_without_a_base_block_is_an_error_in_the_override_file() {
    let w = Work::files(&[
        ("main.tf", "locals {\n  a = 1\n}\n"),
        ("x_override.tf", "\nresource \"meshplan_data\" \"ghost\" {\n  input = 1\n}\n"),
        ("override.tf.json", "{\"locals\": {\"b\": 2}}"),
    ]);
    let r = w.run(&["validate"]);
    r.code(1)
        .no_panic()
        .stderr_has("no `resource \"meshplan_data\" \"ghost\"` block to override")
        .stderr_has("x_override.tf:2:1")
        .stderr_has("no local value `b` to override")
        .stderr_has("override.tf.json:1:13");
}

#[test]
fn override_replaces_nested_blocks_and_merges_lifecycle() {
    let w = Work::files(&[
        (
            "main.tf",
            "resource \"meshplan_data\" \"x\" {\n  input = \"base\"\n  lifecycle {\n    ignore_changes = [input]\n  }\n}\noutput \"o\" {\n  value = meshplan_data.x.input\n}\n",
        ),
        ("main_override.tf", "resource \"meshplan_data\" \"x\" {\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n"),
    ]);
    w.run(&["apply", "-auto-approve"]).ok();
    // ignore_changes survived the override's lifecycle block: a changed input is not planned.
    w.write("main.tf", &std::fs::read_to_string(w.file("main.tf")).unwrap().replace("\"base\"", "\"changed\""));
    w.run(&["plan", "-detailed-exitcode"]).code(0);
    // The override replaces an argument of the base block.
    w.write("main_override.tf", "resource \"meshplan_data\" \"x\" {\n  triggers_replace = 1\n}\n");
    w.run(&["plan", "-detailed-exitcode"]).code(2).stdout_has("must be replaced");
}

#[test]
fn tfvars_json_errors_point_at_the_file() {
    let w = Work::files(&[
        ("main.tf", "variable \"a\" {\n  default = 1\n}\n"),
        ("terraform.tfvars.json", "{\n  \"a\": [1 2]\n}\n"),
    ]);
    w.run(&["plan"]).code(1).no_panic().stderr_has("invalid JSON syntax").stderr_has("terraform.tfvars.json:2:11");
}

const CSR_JSON: &str = r#"{
  "resource": {
    "tls_private_key": {"k": {"algorithm": "ECDSA", "ecdsa_curve": "P256"}},
    "tls_cert_request": {
      "csr": {
        "private_key_pem": "${tls_private_key.k.private_key_pem}",
        "subject": {"common_name": "example.test", "organization": "Example"}
      }
    }
  },
  "output": {"subject": {"value": "${tls_cert_request.csr.subject}"}}
}
"#;

#[test]
fn json_nested_blocks_are_read_by_the_schema() {
    let w = Work::files(&[("main.tf.json", CSR_JSON)]);
    w.run(&["apply", "-auto-approve"]).ok().stdout_has("Apply complete! Resources: 2 added");
    let out = w.run(&["output", "-json"]).ok().json();
    assert_eq!(out["subject"]["value"][0]["common_name"], "example.test");
    assert_eq!(out["subject"]["value"][0]["organization"], "Example");
}

#[test]
fn bad_argument_in_a_json_nested_block_points_into_the_json() {
    let w = Work::files(&[("main.tf.json", &CSR_JSON.replace("\"common_name\"", "\"comon_name\""))]);
    let r = w.run(&["validate"]);
    r.code(1)
        .no_panic()
        .stderr_has("unsupported argument `comon_name`")
        .stderr_has("main.tf.json:7:20")
        .stderr_has("common_name");
    // Native syntax keeps Terraform's rule: a block is written as a block.
    let w = Work::files(&[(
        "main.tf",
        "resource \"tls_private_key\" \"k\" {\n  algorithm = \"ED25519\"\n}\nresource \"tls_cert_request\" \"csr\" {\n  private_key_pem = tls_private_key.k.private_key_pem\n  subject = { common_name = \"x\" }\n}\n",
    )]);
    w.run(&["validate"]).code(1).no_panic().stderr_has("unsupported argument `subject`").stderr_has("is a block");
}

const TERRAFORM_TYPES: &str = r#"
variable "v" {
  default = "one"
}

resource "terraform_data" "d" {
  input            = { v = var.v }
  triggers_replace = var.v == "three" ? "t" : null
}

resource "null_resource" "n" {
  triggers = {
    v = var.v
  }
}

output "d" {
  value = terraform_data.d.output
}

output "n" {
  value = null_resource.n.id
}
"#;

#[test]
fn terraform_data_and_null_resource_behave_as_in_terraform() {
    let w = Work::files(&[("main.tf", TERRAFORM_TYPES)]);
    w.run(&["apply", "-auto-approve"]).ok().stdout_has("Resources: 2 added");
    let out = w.run(&["output", "-json"]).ok().json();
    assert_eq!(out["d"]["value"], serde_json::json!({"v": "one"}));
    let first_id = out["n"]["value"].as_str().unwrap().to_string();
    assert!(first_id.chars().all(|c| c.is_ascii_digit()), "{first_id}");

    // A new input updates terraform_data in place; a changed trigger replaces null_resource.
    let r = w.run(&["plan", "-var", "v=two"]);
    r.ok().stdout_has("# terraform_data.d will be updated in-place").stdout_has("# null_resource.n must be replaced");
    w.run(&["apply", "-auto-approve", "-var", "v=two"]).ok().stdout_has("1 added, 1 changed, 1 destroyed");
    let out = w.run(&["output", "-json"]).ok().json();
    assert_eq!(out["d"]["value"], serde_json::json!({"v": "two"}));
    assert_ne!(out["n"]["value"].as_str().unwrap(), first_id);

    // triggers_replace replaces terraform_data; both are computed-only where Terraform's are.
    w.run(&["plan", "-var", "v=three"]).ok().stdout_has("# terraform_data.d must be replaced");
    let bad = TERRAFORM_TYPES.replace("triggers = {", "id = \"x\"\n  triggers = {");
    w.write("main.tf", &bad);
    w.run(&["validate"]).code(1).no_panic().stderr_has("`id` cannot be set").stderr_has("main.tf:12:3");
    // A computed-only attribute given null (a module variable left at its null default) is
    // no setting, as in Terraform; a value is refused at plan once it is known.
    let nulled = TERRAFORM_TYPES.replace("triggers = {", "id = var.none\n  triggers = {")
        + "variable \"none\" {\n  default = null\n}\n";
    w.write("main.tf", &nulled);
    w.run(&["validate"]).ok();
    w.run(&["plan", "-var", "v=three"]).ok().stdout_has("# terraform_data.d must be replaced");
    w.run(&["plan", "-var", "v=three", "-var", "none=x"]).code(1).stderr_has("`id` cannot be set");
}

/// Bad JSON configuration of every shape fails cleanly (exit 1, never a panic) with a message
/// located in the JSON file and a hint.
#[test]
fn malformed_json_configuration_fails_cleanly_with_a_location() {
    let cases: &[(&str, &str, &str)] = &[
        ("[1, 2]", "a JSON configuration file holds one object", "main.tf.json:1:1"),
        ("{\"resource\": {\"meshplan_data\": \"x\"}}", "needs 2 label(s)", "main.tf.json:1:32"),
        ("{\"resource\": {\"meshplan_data\": {\"a\": 5}}}", "expected a block body", "main.tf.json:1:38"),
        ("{\"variable\": {\"v\": {\"type\": \"list(string\"}}}", "invalid HCL syntax", "main.tf.json:1:"),
        ("{\"locals\": {\"bad name\": 1}}", "\"bad name\" is not a valid argument name", "main.tf.json:1:13"),
        ("{\"output\": {\"o\": {}}}", "output \"o\" needs a `value`", "main.tf.json:1:13"),
        (
            "{\"output\": {\"o\": {\"value\": \"${local.gone}\"}}}",
            "undeclared local value `local.gone`",
            "main.tf.json:1:31",
        ),
        (
            "{\"resource\": {\"meshplan_data\": {\"a\": {\"inptu\": 1}}}}",
            "unsupported argument `inptu`",
            "main.tf.json:1:39",
        ),
        ("", "empty JSON configuration file main.tf.json", "(main.tf.json:1:1)"),
        ("{\"a\": \"\\q\"}", "invalid escape", "main.tf.json:1:8"),
    ];
    let mut failures = Vec::new();
    for (json, message, at) in cases {
        let w = Work::files(&[("main.tf.json", json)]);
        let r = w.run(&["validate"]);
        r.no_panic();
        if r.code != 1 || !(r.stderr.contains(message) && r.stderr.contains(at) && r.stderr.contains("help:")) {
            failures.push(format!("{json}\n{}", r.stderr));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n-----\n"));
}

#[test]
fn an_empty_json_object_is_a_configuration() {
    let w = Work::files(&[("main.tf.json", "{}")]);
    w.run(&["validate"]).ok().stdout_has("The configuration is valid");
}

#[test]
fn child_modules_read_terraform_files() {
    let w = Work::files(&[
        ("main.tf", "module \"m\" {\n  source = \"./m\"\n  x = \"in\"\n}\noutput \"o\" {\n  value = module.m.o\n}\n"),
        ("m/variables.tf.json", r#"{"variable": {"x": {}}, "output": {"o": {"value": "${var.x}-${local.l}"}}}"#),
        ("m/locals.tf", "locals {\n  l = \"base\"\n}\n"),
        ("m/locals_override.tf", "locals {\n  l = \"over\"\n}\n"),
    ]);
    w.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(w.run(&["output", "-raw", "o"]).ok().stdout, "in-over");
}

#[test]
fn override_replaces_a_nested_block_wholesale() {
    let w = Work::files(&[
        (
            "main.tf",
            "resource \"tls_private_key\" \"k\" {\n  algorithm = \"ED25519\"\n}\nresource \"tls_cert_request\" \"csr\" {\n  private_key_pem = tls_private_key.k.private_key_pem\n  subject {\n    common_name  = \"base\"\n    organization = \"Base Org\"\n  }\n}\noutput \"subject\" {\n  value = tls_cert_request.csr.subject[0]\n}\n",
        ),
        ("override.tf", "resource \"tls_cert_request\" \"csr\" {\n  subject {\n    common_name = \"over\"\n  }\n}\n"),
    ]);
    w.run(&["apply", "-auto-approve"]).ok();
    let out = w.run(&["output", "-json"]).ok().json();
    assert_eq!(out["subject"]["value"]["common_name"], "over");
    assert_eq!(
        out["subject"]["value"]["organization"],
        serde_json::Value::Null,
        "the base block's other arguments are gone"
    );
}

#[test]
fn json_dynamic_blocks_and_module_providers() {
    let w = Work::files(&[
        (
            "main.tf.json",
            r#"{
  "variable": {"names": {"default": ["dyn.test"]}},
  "provider": {"meshplan": [{"alias": "second"}]},
  "resource": {
    "tls_private_key": {"k": {"algorithm": "ED25519"}},
    "tls_cert_request": {"csr": {
      "private_key_pem": "${tls_private_key.k.private_key_pem}",
      "dynamic": {"subject": {"for_each": "${var.names}", "iterator": "n", "content": {"common_name": "${n.value}"}}}
    }}
  },
  "module": {"m": {"source": "./m", "providers": {"meshplan": "meshplan.second"}}},
  "output": {"cn": {"value": "${tls_cert_request.csr.subject[0].common_name}"}, "m": {"value": "${module.m.v}"}}
}"#,
        ),
        ("m/main.tf", "resource \"meshplan_data\" \"d\" {\n  input = \"child\"\n}\noutput \"v\" {\n  value = meshplan_data.d.output\n}\n"),
    ]);
    w.run(&["apply", "-auto-approve"]).ok();
    let out = w.run(&["output", "-json"]).ok().json();
    assert_eq!(out["cn"]["value"], "dyn.test");
    assert_eq!(out["m"]["value"], "child");
    // The child's resource uses the aliased configuration the JSON `providers` map passed in.
    w.run(&["graph", "-type=plan"])
        .ok()
        .stdout_has(r#""[root] module.m.meshplan_data.d (expand)" -> "[root] provider[\"meshplan\"].second""#);
}

#[test]
fn json_templates_with_escaped_quotes_inside_interpolations() {
    // In JSON the quotes of an expression's strings are escaped (`\"k\"`); the template is
    // the decoded string, so they are expression syntax, not literal text.
    let w = Work::files(&[(
        "main.tf.json",
        r#"{
  "locals": { "m": { "k": "v" } },
  "output": {
    "a": { "value": "${local.m[\"k\"]}" },
    "b": { "value": "x-${join(\",\", [\"p\", \"q\"])}-y" },
    "c": { "value": "say \"hi\" ${upper(\"a\")} $${not} ${\"}\"}" }
  }
}"#,
    )]);
    w.run(&["apply", "-auto-approve"]).ok();
    let out = w.run(&["output", "-json"]).ok().json();
    assert_eq!(out["a"]["value"], "v");
    assert_eq!(out["b"]["value"], "x-p,q-y");
    assert_eq!(out["c"]["value"], "say \"hi\" A ${not} }");
}

/// helm provider 3.x moved `set`, `set_sensitive`, `postrender` and the provider's
/// `kubernetes` block to attributes; configurations written for 2.x (blocks) and 3.x
/// (`set = [{ ... }]`) both work, the way Terraform's "attributes as blocks" mode reads them.
#[test]
fn blocks_written_as_attributes_for_helm_3() {
    let provider = "provider \"helm\" {\n  kubernetes = {\n    host = \"https://127.0.0.1:1\"\n    token = \"t\"\n    exec = {\n      api_version = \"client.authentication.k8s.io/v1beta1\"\n      command = \"aws\"\n    }\n  }\n}\n";
    let release = |sets: &str| {
        format!(
            "{provider}variable \"sets\" {{\n  default = {sets}\n}}\nresource \"helm_release\" \"x\" {{\n  name = \"x\"\n  chart = \"demo\"\n  set = var.sets\n  set_sensitive = [{{ name = \"pw\", value = \"hunter2\" }}]\n  postrender = {{ binary_path = \"/bin/cat\" }}\n}}\n"
        )
    };
    let w =
        Work::files(&[("main.tf", &release("[{ name = \"a\", value = \"1\" }, { name = \"b\", type = \"string\" }]"))]);
    w.run(&["validate"]).ok();
    let run = w.run(&["plan", "-json"]);
    let plan = run.ok().json();
    let after = &plan["resource_changes"][0]["change"]["after"];
    assert_eq!(after["set"][0]["name"], "a");
    assert_eq!(after["set"][1]["type"], "string");
    assert_eq!(after["postrender"][0]["binary_path"], "/bin/cat");
    assert_eq!(plan["resource_changes"][0]["change"]["after_sensitive"]["set_sensitive"][0]["value"], true);
    assert!(!run.all().contains("hunter2"), "a set_sensitive value was printed");

    let w = Work::files(&[("main.tf", &release("[{ name = \"a\" }, { nmae = \"b\" }]"))]);
    w.run(&["plan"])
        .code(1)
        .stderr_has("invalid value for `set`")
        .stderr_has("unsupported attribute `nmae`")
        .stderr_has("did you mean `name`?");
    let w = Work::files(&[("main.tf", &release("[{ value = \"1\" }]"))]);
    w.run(&["plan"]).code(1).stderr_has("attribute `name` is required");
    let w = Work::files(&[("main.tf", &release("\"a=1\""))]);
    w.run(&["plan"]).code(1).stderr_has("expected a list of objects");
}

/// A module output's `sensitive = true` adds no mark of its own (Terraform 1.11 shows such a
/// value in a root output that is not sensitive); a value built from a sensitive variable
/// still needs `sensitive` on the root output.
#[test]
fn module_output_sensitivity_follows_the_values_marks() {
    let module = |value: &str| {
        format!("variable \"s\" {{\n  default   = \"hidden\"\n  sensitive = true\n}}\noutput \"g\" {{\n  value     = {value}\n  sensitive = true\n}}\n")
    };
    let root = "module \"m\" {\n  source = \"./m\"\n}\noutput \"n\" {\n  value = module.m.g\n}\n";
    let w = Work::files(&[("main.tf", root), ("m/main.tf", &module("{ a = \"x\" }"))]);
    w.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(w.run(&["output", "-json"]).ok().json()["n"]["sensitive"], false);
    let w = Work::files(&[("main.tf", root), ("m/main.tf", &module("{ a = var.s }"))]);
    let r = w.run(&["plan"]);
    r.code(1).stderr_has("output `n` refers to sensitive values");
    assert!(!r.all().contains("hidden"), "the sensitive value was printed");
}
