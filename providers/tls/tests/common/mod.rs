//! Helpers for the openssl-checked tests: driving the resources as the engine would, and
//! running the real `openssl` CLI on files in a temporary directory.
#![allow(dead_code)]

use meshplan_provider::{plan_with_schema, Ctx, DataSource, PlanRequest, ResourceType, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn ctx() -> Ctx {
    Ctx::unconfigured("tls_test.this")
}

/// Plans a create from `config` (every schema attribute present, as the engine hands it)
/// and applies it.
pub async fn create(rt: &dyn ResourceType, config: Value) -> Value {
    try_create(rt, config).await.unwrap_or_else(|e| panic!("{} create failed: {e}", rt.type_name()))
}

pub async fn try_create(rt: &dyn ResourceType, config: Value) -> Result<Value, meshplan_provider::ProviderError> {
    let planned = plan_with_schema(&rt.schema(), PlanRequest { prior: None, config: &config }).state;
    rt.create(&ctx(), &planned).await
}

pub async fn read_data(ds: &dyn DataSource, config: Value) -> Result<Value, meshplan_provider::ProviderError> {
    // Fill schema defaults the way a plan would.
    let planned = plan_with_schema(&ds.schema(), PlanRequest { prior: None, config: &config }).state;
    ds.read(&ctx(), &planned).await
}

pub fn s(v: &Value, key: &str) -> String {
    v.get_str(key).unwrap_or_else(|| panic!("{key} missing in {v}")).to_string()
}

pub fn strings(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::from(*s)).collect())
}

pub fn subject(cn: &str, org: &str) -> Value {
    Value::List(vec![Value::object([("common_name", Value::from(cn)), ("organization", Value::from(org))])])
}

pub struct Workdir(pub tempfile::TempDir);

impl Workdir {
    pub fn new() -> Self {
        Workdir(tempfile::tempdir().expect("tempdir"))
    }
    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, contents).expect("write");
        path
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

/// Runs a command; returns (success, stdout + stderr).
pub fn run(program: &str, args: &[&str], dir: &Path) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

pub fn openssl(dir: &Path, args: &[&str]) -> String {
    let (ok, text) = run("openssl", args, dir);
    assert!(ok, "openssl {args:?} failed:\n{text}");
    text
}

pub fn openssl_bytes(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl");
    assert!(out.status.success(), "openssl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

pub async fn private_key(algorithm: &str, extra: &[(&str, Value)]) -> Value {
    let mut cfg = vec![("algorithm", Value::from(algorithm))];
    cfg.extend(extra.iter().cloned());
    create(&meshplan_provider_tls::resources::private_key::PrivateKeyResource, Value::object(cfg)).await
}
