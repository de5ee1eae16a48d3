//! Evaluates `terraform { encryption { ... } }` (checked at load time) into the state crate's
//! [`Encryption`] for the state and for plan files. Runs before anything else: key provider
//! arguments may use root variables (from every source, or their defaults) and locals, nothing
//! else. The passphrase is never put in a diagnostic.

use super::variables::{collect, VarSource};
use crate::config::references::Target;
use crate::config::{EncryptionTarget, Expr, Module};
use crate::diag::{Diagnostic, Diagnostics, Sources};
use crate::eval::{eval, EvalEnv, Lookup, Scope};
use meshplan_provider::Value;
use meshplan_state::cipher::{AesGcm, Pbkdf2Hash, Pbkdf2Params, Unencrypted};
use meshplan_state::{Encryption, StateCipher};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// What the configuration asks for: the state's and the plan files' encryption.
#[derive(Clone, Debug, Default)]
pub struct EncryptionSetup {
    pub state: Encryption,
    pub plan: Encryption,
}

/// Root variables and locals, evaluated on demand (locals may refer to each other).
struct EarlyLookup<'a> {
    root: &'a Module,
    vars: BTreeMap<String, Value>,
    env: &'a EvalEnv,
    locals: Mutex<BTreeMap<String, Value>>,
    depth: std::sync::atomic::AtomicUsize,
}

impl Lookup for EarlyLookup<'_> {
    fn lookup(&self, target: &Target) -> Result<Value, String> {
        match target {
            Target::Var(name) => {
                let var = self.root.variables.get(name).ok_or_else(|| format!("undeclared variable `{name}`"))?;
                let v = match self.vars.get(name) {
                    Some(v) => v.clone(),
                    None => match &var.default {
                        Some(d) => self.eval(d)?,
                        None => return Err(format!("variable `{name}` has no value: the encryption configuration needs it before anything else (set it with -var, a tfvars file or TF_VAR_{name})")),
                    },
                };
                Ok(if var.sensitive { v.mark_sensitive() } else { v })
            }
            Target::Local(name) => {
                if let Some(v) = self.locals.lock().unwrap_or_else(|p| p.into_inner()).get(name) {
                    return Ok(v.clone());
                }
                let local = self.root.locals.get(name).ok_or_else(|| format!("undeclared local `{name}`"))?;
                // Nesting depth: a cycle of locals would recurse forever.
                if self.depth.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 64 {
                    return Err("locals refer to each other in a cycle".into());
                }
                let v = self.eval(&local.expr);
                self.depth.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                let v = v?;
                self.locals.lock().unwrap_or_else(|p| p.into_inner()).insert(name.clone(), v.clone());
                Ok(v)
            }
            Target::Builtin => Ok(Value::Unknown),
            _ => Err(
                "the encryption configuration can use only variables and locals: it is evaluated before anything else"
                    .into(),
            ),
        }
    }
}

impl EarlyLookup<'_> {
    fn eval(&self, e: &Expr) -> Result<Value, String> {
        let scope = Scope::new(self, self.env, self.root.dir.clone());
        eval(&e.inner, e.file, &scope).map_err(|d| d.summary)
    }
}

/// `None` when the module has no `encryption` block.
pub fn evaluate(
    root: &Module,
    dir: &Path,
    sources: &Sources,
    given: &[VarSource],
    env: &EvalEnv,
) -> Result<Option<EncryptionSetup>, Diagnostics> {
    let Some(cfg) = &root.encryption else { return Ok(None) };
    let vars = collect(root, dir, sources, given, env)?;
    let lookup = EarlyLookup { root, vars, env, locals: Mutex::new(BTreeMap::new()), depth: Default::default() };
    let mut diags = Diagnostics::default();
    let mut ciphers: BTreeMap<(String, String), Arc<dyn StateCipher>> = BTreeMap::new();
    for m in &cfg.methods {
        let cipher: Arc<dyn StateCipher> = match (m.kind.as_str(), &m.keys) {
            ("aes_gcm", Some((t, n))) if t == "aws_kms" => {
                let Some(kp) = cfg.key_providers.iter().find(|k| &k.kind == t && &k.name == n) else { continue };
                let Some(settings) = kms_settings(kp, &lookup, &mut diags) else { continue };
                match meshplan_state_aws::kms::KmsKeys::connect(settings) {
                    Ok(keys) => Arc::new(meshplan_state::cipher::AesGcmDataKey::new(Arc::new(keys))),
                    Err(e) => {
                        diags.push(
                            Diagnostic::error(format!("key_provider.aws_kms.{}: {e}", kp.name)).at(kp.span.clone()),
                        );
                        continue;
                    }
                }
            }
            ("aes_gcm", Some((t, n))) => {
                let Some(kp) = cfg.key_providers.iter().find(|k| &k.kind == t && &k.name == n) else { continue };
                let Some(params) = pbkdf2_params(kp, &lookup, &mut diags) else { continue };
                match AesGcm::new(params) {
                    Ok(c) => Arc::new(c),
                    Err(e) => {
                        diags.push(Diagnostic::error(format!("method.aes_gcm.{}: {e}", m.name)).at(m.span.clone()));
                        continue;
                    }
                }
            }
            ("unencrypted", _) => Arc::new(Unencrypted),
            _ => continue,
        };
        ciphers.insert((m.kind.clone(), m.name.clone()), cipher);
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let pick = |t: &Option<EncryptionTarget>| -> Encryption {
        match t {
            None => Encryption::default(),
            Some(t) => Encryption {
                primary: t
                    .method
                    .as_ref()
                    .and_then(|m| ciphers.get(m).cloned())
                    .unwrap_or_else(|| Arc::new(Unencrypted)),
                fallback: t.fallback.as_ref().and_then(|m| ciphers.get(m).cloned()),
            },
        }
    };
    Ok(Some(EncryptionSetup { state: pick(&cfg.state), plan: pick(&cfg.plan) }))
}

/// `key_provider "aws_kms"`: region from the block, else AWS_REGION / AWS_DEFAULT_REGION.
fn kms_settings(
    kp: &crate::config::KeyProviderConfig,
    lookup: &EarlyLookup<'_>,
    diags: &mut Diagnostics,
) -> Option<meshplan_state_aws::kms::KmsSettings> {
    let mut text = |name: &str| -> Option<String> {
        let (v, e) = arg(kp, name, lookup, diags)?;
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                diags.push(
                    Diagnostic::error(format!("key_provider.aws_kms.{}: `{name}` must be a string", kp.name))
                        .at(e.span()),
                );
                None
            }
        }
    };
    let settings = meshplan_state_aws::kms::KmsSettings {
        kms_key_id: text("kms_key_id")?,
        key_spec: text("key_spec")?,
        region: text("region")
            .or_else(|| std::env::var("AWS_REGION").ok())
            .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
            .unwrap_or_default(),
        endpoint: text("endpoints.kms"),
        access_key: text("access_key"),
        secret_key: text("secret_key"),
        profile: text("profile"),
    };
    if settings.key_spec != "AES_256" {
        diags.push(
            Diagnostic::error(format!("key_provider.aws_kms.{}: key_spec must be \"AES_256\" for aes_gcm", kp.name))
                .at(kp.args.get("key_spec").and_then(|e| e.span())),
        );
        return None;
    }
    if settings.region.is_empty() {
        diags.push(
            Diagnostic::error(format!("key_provider.aws_kms.{}: no region", kp.name))
                .at(kp.span.clone())
                .hint("set `region`, or AWS_REGION in the environment"),
        );
        return None;
    }
    (!diags.has_errors()).then_some(settings)
}

fn arg<'e>(
    kp: &'e crate::config::KeyProviderConfig,
    name: &str,
    lookup: &EarlyLookup<'_>,
    diags: &mut Diagnostics,
) -> Option<(Value, &'e Expr)> {
    let what = format!("key_provider.{}.{}", kp.kind, kp.name);
    let e = kp.args.get(name)?;
    match lookup.eval(e) {
        Ok(v) if v.is_wholly_known() && !v.is_null() => Some((v, e)),
        Ok(_) => {
            diags.push(Diagnostic::error(format!("{what}: `{name}` must be known before anything else")).at(e.span()));
            None
        }
        Err(msg) => {
            diags.push(Diagnostic::error(format!("{what}: cannot evaluate `{name}`")).detail(msg).at(e.span()));
            None
        }
    }
}

fn number(
    kp: &crate::config::KeyProviderConfig,
    name: &str,
    min: i64,
    max: i64,
    lookup: &EarlyLookup<'_>,
    diags: &mut Diagnostics,
) -> Option<i64> {
    let (v, e) = arg(kp, name, lookup, diags)?;
    match v.as_i64() {
        Some(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            diags.push(
                Diagnostic::error(format!(
                    "key_provider.pbkdf2.{}: `{name}` must be a whole number from {min} to {max}",
                    kp.name
                ))
                .at(e.span()),
            );
            None
        }
    }
}

fn pbkdf2_params(
    kp: &crate::config::KeyProviderConfig,
    lookup: &EarlyLookup<'_>,
    diags: &mut Diagnostics,
) -> Option<Params> {
    let what = format!("key_provider.pbkdf2.{}", kp.name);
    let mut params = Pbkdf2Params::new(String::new());
    let mut ok = true;
    match arg(kp, "passphrase", lookup, diags) {
        Some((v, e)) => match v.as_str() {
            Some(p) if p.chars().count() >= Pbkdf2Params::MIN_PASSPHRASE => params.passphrase = p.to_string(),
            Some(_) => {
                // The length only: never the value.
                get_err(
                    diags,
                    &what,
                    e,
                    format!(
                        "the passphrase is too short: at least {} characters are required",
                        Pbkdf2Params::MIN_PASSPHRASE
                    ),
                );
                ok = false;
            }
            None => {
                get_err(diags, &what, e, "the passphrase must be a string".into());
                ok = false;
            }
        },
        None => ok = false,
    }
    match number(kp, "key_length", 1, 1024, lookup, diags) {
        Some(32) | None => {}
        Some(_) => {
            diags.push(
                Diagnostic::error(format!("{what}: `key_length` must be 32 for aes_gcm (AES-256)"))
                    .at(kp.args.get("key_length").and_then(|e| e.span())),
            );
            ok = false;
        }
    }
    if let Some(n) = number(kp, "iterations", min_iterations().into(), 100_000_000, lookup, diags) {
        params.iterations = n as u32;
    }
    if let Some(n) = number(kp, "salt_length", 16, 1024, lookup, diags) {
        params.salt_length = n as usize;
    }
    if let Some(e) = kp.args.get("hash_function") {
        match lookup.eval(e).ok().and_then(|v| v.as_str().and_then(Pbkdf2Hash::parse)) {
            Some(h) => params.hash = h,
            None => {
                diags.push(
                    Diagnostic::error(format!("{what}: `hash_function` must be \"sha256\" or \"sha512\"")).at(e.span()),
                );
                ok = false;
            }
        }
    }
    (ok && !diags.has_errors()).then_some(params)
}

type Params = Pbkdf2Params;

fn get_err(diags: &mut Diagnostics, what: &str, e: &Expr, msg: String) {
    diags.push(Diagnostic::error(format!("{what}: {msg}")).at(e.span()));
}

/// OpenTofu's minimum, 600,000 rounds. `MESHPLAN_TEST_PBKDF2_MIN_ITERATIONS` lowers it (for
/// meshplan's own tests only: a lower count makes a weak key).
fn min_iterations() -> u32 {
    std::env::var("MESHPLAN_TEST_PBKDF2_MIN_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(Pbkdf2Params::MIN_ITERATIONS)
}
