//! Saved plan files (`plan -out`): a versioned JSON document with a checksum, so a damaged
//! file is refused with a clear message instead of being half-applied. With a `plan` encryption
//! method, the whole document is sealed (associated data `plan`).

use super::Plan;
use std::path::Path;

const MAGIC: &str = "meshplan-plan";

#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    #[error("cannot read the plan file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot write the plan file {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("cannot read the plan file {path}: {source}")]
    Decrypt { path: String, source: meshplan_state::CipherError },
    #[error("{path} is not a meshplan plan file, or it is damaged ({reason})")]
    Corrupt { path: String, reason: String },
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Envelope {
    magic: String,
    checksum: String,
    plan: String,
}

pub fn write_plan_file(path: &Path, plan: &Plan, encryption: &meshplan_state::Encryption) -> Result<(), PlanFileError> {
    let body = serde_json::to_string(plan)
        .map_err(|e| PlanFileError::Corrupt { path: path.display().to_string(), reason: e.to_string() })?;
    let env = Envelope { magic: MAGIC.into(), checksum: checksum(&body), plan: body };
    let text = serde_json::to_string(&env)
        .map_err(|e| PlanFileError::Corrupt { path: path.display().to_string(), reason: e.to_string() })?;
    let text = encryption
        .seal(AAD, text.as_bytes())
        .map_err(|source| PlanFileError::Decrypt { path: path.display().to_string(), source })?;
    let tmp = path.with_extension("tmp");
    // The plan holds sensitive values: owner-only, like the state.
    meshplan_state::private::write_private(&tmp, &text)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|source| PlanFileError::Write { path: path.display().to_string(), source })
}

const AAD: &[u8] = b"plan";

pub fn read_plan_file(path: &Path, encryption: &meshplan_state::Encryption) -> Result<Plan, PlanFileError> {
    let p = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| PlanFileError::Read { path: p.clone(), source })?;
    let bytes = encryption.open(AAD, &bytes).map_err(|source| PlanFileError::Decrypt { path: p.clone(), source })?;
    let text =
        String::from_utf8(bytes).map_err(|e| PlanFileError::Corrupt { path: p.clone(), reason: e.to_string() })?;
    let env: Envelope =
        serde_json::from_str(&text).map_err(|e| PlanFileError::Corrupt { path: p.clone(), reason: e.to_string() })?;
    if env.magic != MAGIC {
        return Err(PlanFileError::Corrupt { path: p, reason: "wrong header".into() });
    }
    if checksum(&env.plan) != env.checksum {
        return Err(PlanFileError::Corrupt { path: p, reason: "checksum mismatch".into() });
    }
    let plan: Plan = serde_json::from_str(&env.plan)
        .map_err(|e| PlanFileError::Corrupt { path: p.clone(), reason: e.to_string() })?;
    if plan.format_version != Plan::FORMAT_VERSION {
        return Err(PlanFileError::Corrupt {
            path: p,
            reason: format!("format version {} is not supported", plan.format_version),
        });
    }
    Ok(plan)
}

/// FNV-1a 64: detects damage, not tampering (plan files are as trusted as the state).
fn checksum(s: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}
