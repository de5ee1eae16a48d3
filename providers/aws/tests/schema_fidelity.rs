//! Our aws schemas against the real hashicorp/aws provider's (`terraform providers schema
//! -json`), for every resource type and data source we implement: attribute names, types,
//! required/optional/computed, sensitive, nesting modes, min/max items. Any difference not
//! listed with a reason in `schema-differences.md` fails the test; so does a listed one
//! that no longer occurs. `cargo test -p meshplan-provider-aws --test schema_fidelity -- --nocapture`
//! prints the match figures.

use meshplan_provider::schema_json::provider_schema_json;
use meshplan_provider_aws::AwsProvider;
use serde_json::{Map, Value as Json};
use std::path::{Path, PathBuf};
use std::process::Command;

const AWS_VERSION: &str = "5.100.0";
const MIRROR: &str = "/opt/tf-plugins";
const SOURCE: &str = "registry.terraform.io/hashicorp/aws";

fn terraform() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("terraform")).find(|p| p.is_file())
}

/// The real provider's schema JSON, cached under the target directory (a `terraform init`
/// from the filesystem mirror, no network); `None` when terraform or the mirror is absent.
fn terraform_schema() -> Option<Json> {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("tf-aws-{AWS_VERSION}-schema.json"));
    if let Ok(text) = std::fs::read_to_string(&cache) {
        if let Ok(j) = serde_json::from_str(&text) {
            return Some(j);
        }
    }
    let Some(tf) = terraform() else {
        eprintln!("SKIPPED schema_fidelity: `terraform` is not on PATH");
        return None;
    };
    if !Path::new(MIRROR).join(SOURCE).is_dir() {
        eprintln!("SKIPPED schema_fidelity: no hashicorp/aws provider in the filesystem mirror {MIRROR}");
        return None;
    }
    let dir = std::env::temp_dir().join(format!("meshplan-tf-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let main_tf = format!("terraform {{\n  required_providers {{\n    aws = {{ source = \"hashicorp/aws\", version = \"{AWS_VERSION}\" }}\n  }}\n}}\n");
    std::fs::write(dir.join("main.tf"), main_tf).expect("main.tf");
    let cli = format!("provider_installation {{\n  filesystem_mirror {{\n    path    = \"{MIRROR}\"\n    include = [\"{SOURCE}\"]\n  }}\n}}\n");
    let cli_file = dir.join("cli.tfrc");
    std::fs::write(&cli_file, cli).expect("cli config");
    let run = |args: &[&str]| {
        let out = Command::new(&tf)
            .args(args)
            .current_dir(&dir)
            .env("TF_CLI_CONFIG_FILE", &cli_file)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_PLUGIN_CACHE_DIR")
            .output()
            .expect("run terraform");
        assert!(out.status.success(), "terraform {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    run(&["init", "-input=false", "-no-color"]);
    let json = run(&["providers", "schema", "-json"]);
    let _ = std::fs::remove_dir_all(&dir);
    let tmp = cache.with_extension("json.tmp");
    std::fs::write(&tmp, &json).expect("cache");
    std::fs::rename(&tmp, &cache).expect("cache");
    Some(serde_json::from_slice(&json).expect("terraform's schema JSON"))
}

/// Differences found, each as a stable key (`resource.aws_vpc.ipv6_cidr_block missing`).
#[derive(Default)]
struct Comparison {
    differences: Vec<(String, String)>,
    attributes: usize,
    attributes_matching: usize,
}

impl Comparison {
    fn differ(&mut self, key: String, detail: String) {
        self.differences.push((key, detail));
    }

    /// Compares two `block` objects; `at` is `resource.aws_vpc` or a nested block's path.
    fn block(&mut self, at: &str, ours: &Json, theirs: &Json) {
        let empty = Map::new();
        let attrs = |b: &Json, k: &str| b.get(k).and_then(Json::as_object).cloned().unwrap_or_else(|| empty.clone());
        let (oa, ta) = (attrs(ours, "attributes"), attrs(theirs, "attributes"));
        let (ob, tb) = (attrs(ours, "block_types"), attrs(theirs, "block_types"));
        for (name, t) in &ta {
            self.attributes += 1;
            let path = format!("{at}.{name}");
            match oa.get(name) {
                Some(o) => {
                    let before = self.differences.len();
                    self.attribute(&path, o, t);
                    if self.differences.len() == before {
                        self.attributes_matching += 1;
                    }
                }
                None if ob.contains_key(name) => {
                    self.differ(format!("{path} kind"), "a block here, an attribute in Terraform".into())
                }
                None => self.differ(format!("{path} missing"), format!("Terraform has {}", t["type"])),
            }
        }
        for name in oa.keys().filter(|n| !ta.contains_key(*n)) {
            if !tb.contains_key(name) {
                self.differ(format!("{at}.{name} extra"), "not in Terraform's schema".into());
            } else {
                self.differ(format!("{at}.{name} kind"), "an attribute here, a block in Terraform".into());
            }
        }
        for (name, t) in &tb {
            let path = format!("{at}.{name}");
            match ob.get(name) {
                Some(o) => self.block_type(&path, o, t),
                None if oa.contains_key(name) => {}
                None => self.differ(format!("{path} missing"), format!("Terraform has a {} block", t["nesting_mode"])),
            }
        }
        for name in ob.keys().filter(|n| !tb.contains_key(*n) && !ta.contains_key(*n)) {
            self.differ(format!("{at}.{name} extra"), "block not in Terraform's schema".into());
        }
    }

    fn attribute(&mut self, path: &str, o: &Json, t: &Json) {
        if o["type"] != t["type"] {
            self.differ(format!("{path} type"), format!("ours {} vs Terraform's {}", o["type"], t["type"]));
        }
        let flags = |j: &Json| ["required", "optional", "computed"].map(|f| j.get(f) == Some(&Json::Bool(true)));
        if flags(o) != flags(t) {
            self.differ(
                format!("{path} flags"),
                format!("ours {} vs Terraform's {}", flag_text(flags(o)), flag_text(flags(t))),
            );
        }
        let sensitive = |j: &Json| j.get("sensitive") == Some(&Json::Bool(true));
        if sensitive(o) != sensitive(t) {
            self.differ(format!("{path} sensitive"), format!("ours {} vs Terraform's {}", sensitive(o), sensitive(t)));
        }
    }

    fn block_type(&mut self, path: &str, o: &Json, t: &Json) {
        for field in ["nesting_mode", "min_items", "max_items"] {
            if o.get(field) != t.get(field) {
                self.differ(
                    format!("{path} {field}"),
                    format!("ours {:?} vs Terraform's {:?}", o.get(field), t.get(field)),
                );
            }
        }
        self.block(path, &o["block"], &t["block"]);
    }
}

fn flag_text([r, o, c]: [bool; 3]) -> &'static str {
    match (r, o, c) {
        (true, _, _) => "required",
        (_, true, true) => "optional+computed",
        (_, true, false) => "optional",
        _ => "computed",
    }
}

/// The allow-list: rows `| \`key\` | reason |` of the table in schema-differences.md. A key
/// may use `*` for any run of characters.
fn allowed() -> Vec<(String, String)> {
    let text = include_str!("../schema-differences.md");
    text.lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim().trim_matches('|').split('|').map(str::trim).collect();
            let key = cells.first()?.strip_prefix('`')?.strip_suffix('`')?;
            Some((key.to_string(), cells.get(1).copied().unwrap_or_default().to_string()))
        })
        .collect()
}

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else { return false };
            (0..=tail.len()).filter(|i| tail.is_char_boundary(*i)).any(|i| glob(rest, &tail[i..]))
        }
    }
}

#[test]
fn aws_schemas_match_terraforms_or_differ_for_a_listed_reason() {
    let Some(tf) = terraform_schema() else { return };
    let theirs = &tf["provider_schemas"][SOURCE];
    assert!(theirs.is_object(), "no {SOURCE} in terraform's output");
    let ours = provider_schema_json(&AwsProvider);

    let allow = allowed();
    // Rows for every type (`resource.*.id flags`): SDKv2 quirks, not gaps of one type.
    let quirk =
        |k: &str| allow.iter().any(|(p, _)| (p.starts_with("resource.*") || p.starts_with("data.*")) && glob(p, k));
    let mut c = Comparison::default();
    let (mut types, mut identical, mut identical_but_quirks) = (0, 0, 0);
    for (kind, key) in [("resource", "resource_schemas"), ("data", "data_source_schemas")] {
        for (name, o) in ours[key].as_object().into_iter().flatten() {
            types += 1;
            let before = c.differences.len();
            match theirs[key].get(name) {
                Some(t) => c.block(&format!("{kind}.{name}"), &o["block"], &t["block"]),
                None => c.differ(format!("{kind}.{name} unknown"), "no such type in Terraform's provider".into()),
            }
            identical += usize::from(c.differences.len() == before);
            identical_but_quirks += usize::from(c.differences[before..].iter().all(|(k, _)| quirk(k)));
        }
    }

    for (key, reason) in &allow {
        assert!(!reason.is_empty(), "schema-differences.md: `{key}` needs a reason");
    }
    let unexplained: Vec<String> = c
        .differences
        .iter()
        .filter(|(k, _)| !allow.iter().any(|(p, _)| glob(p, k)))
        .map(|(k, d)| format!("{k}  ({d})"))
        .collect();
    let stale: Vec<&String> =
        allow.iter().map(|(p, _)| p).filter(|p| !c.differences.iter().any(|(k, _)| glob(p, k))).collect();

    eprintln!(
        "aws schema fidelity vs hashicorp/aws {AWS_VERSION}: {identical} of {types} types fully match, \
         {identical_but_quirks} apart from SDKv2's optional+computed id/tags_all; \
         {} of {} Terraform attributes match (name, type, flags, sensitive); {} differences, all but {} listed",
        c.attributes_matching,
        c.attributes,
        c.differences.len(),
        unexplained.len()
    );
    assert!(
        unexplained.is_empty(),
        "differences not in providers/aws/schema-differences.md:\n{}",
        unexplained.join("\n")
    );
    assert!(
        stale.is_empty(),
        "entries of providers/aws/schema-differences.md that match no difference (remove them): {stale:?}"
    );
}

#[test]
fn allow_list_globs() {
    assert!(glob("resource.*.id flags", "resource.aws_vpc.id flags"));
    assert!(glob("*.timeouts missing", "resource.aws_vpc.timeouts missing"));
    assert!(!glob("resource.*.id flags", "resource.aws_vpc.id type"));
    assert!(!glob("data.*", "resource.aws_vpc.id type"));
}
