//! Hash functions over the UTF-8 bytes of a string (hex, or base64 of the raw digest), and
//! `uuid`. The file variants in `file.rs` reuse the digests here.

use crate::args::{string, string_value};
use crate::{Env, FunctionError, Value};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::Digest;
use std::fmt::Write;

type Result = std::result::Result<Value, FunctionError>;

#[derive(Clone, Copy)]
pub(crate) enum Algorithm {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

pub(crate) fn digest(algorithm: Algorithm, bytes: &[u8]) -> Vec<u8> {
    match algorithm {
        Algorithm::Md5 => md5::Md5::digest(bytes).to_vec(),
        Algorithm::Sha1 => sha1::Sha1::digest(bytes).to_vec(),
        Algorithm::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
        Algorithm::Sha512 => sha2::Sha512::digest(bytes).to_vec(),
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

pub(crate) fn base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

fn hex_of(algorithm: Algorithm, args: &[Value]) -> Result {
    Ok(string_value(hex(&digest(algorithm, string(args, 0)?.as_bytes()))))
}

fn base64_of(algorithm: Algorithm, args: &[Value]) -> Result {
    Ok(string_value(base64(&digest(algorithm, string(args, 0)?.as_bytes()))))
}

pub(crate) fn md5(args: &[Value], _: &Env) -> Result {
    hex_of(Algorithm::Md5, args)
}

pub(crate) fn sha1(args: &[Value], _: &Env) -> Result {
    hex_of(Algorithm::Sha1, args)
}

pub(crate) fn sha256(args: &[Value], _: &Env) -> Result {
    hex_of(Algorithm::Sha256, args)
}

pub(crate) fn sha512(args: &[Value], _: &Env) -> Result {
    hex_of(Algorithm::Sha512, args)
}

pub(crate) fn base64sha256(args: &[Value], _: &Env) -> Result {
    base64_of(Algorithm::Sha256, args)
}

pub(crate) fn base64sha512(args: &[Value], _: &Env) -> Result {
    base64_of(Algorithm::Sha512, args)
}

/// A random version-4 UUID. Impure: each call differs, so configurations usually pair it
/// with `lifecycle { ignore_changes }`, as in Terraform.
pub(crate) fn uuid(_: &[Value], _: &Env) -> Result {
    Ok(string_value(uuid::Uuid::new_v4().to_string()))
}

/// A name-based (SHA-1, version 5) UUID, RFC 4122 section 4.3: the same namespace and name
/// always give the same UUID. The namespace is `dns`, `url`, `oid`, `x500` or a UUID.
pub(crate) fn uuidv5(args: &[Value], _: &Env) -> Result {
    let namespace = string(args, 0)?;
    let namespace = match namespace.as_ref() {
        "dns" => uuid::Uuid::NAMESPACE_DNS,
        "url" => uuid::Uuid::NAMESPACE_URL,
        "oid" => uuid::Uuid::NAMESPACE_OID,
        "x500" => uuid::Uuid::NAMESPACE_X500,
        other => uuid::Uuid::parse_str(other).map_err(|_| {
            FunctionError::arg(0, format!("{other:?} is neither a UUID nor one of the namespaces dns, url, oid, x500"))
        })?,
    };
    let name = string(args, 1)?;
    let mut input = namespace.as_bytes().to_vec();
    input.extend_from_slice(name.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest(Algorithm::Sha1, &input)[..16]);
    // Version 5 in the high nibble of byte 6, the RFC 4122 variant in the top bits of byte 8.
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Ok(string_value(uuid::Uuid::from_bytes(bytes).to_string()))
}

/// A Blowfish (bcrypt) password hash in the `$2a$` form Go writes, with a random salt, so
/// each call differs (pair it with `lifecycle { ignore_changes }`, as in Terraform). The
/// cost, a base-2 log of the rounds, defaults to 10 and must be within 4 to 31.
pub(crate) fn bcrypt(args: &[Value], _: &Env) -> Result {
    let text = string(args, 0)?;
    let cost = if args.len() > 1 { crate::args::integer(args, 1)? } else { 10 };
    let cost = u32::try_from(cost)
        .ok()
        .filter(|c| (4..=31).contains(c))
        .ok_or_else(|| FunctionError::arg(1, format!("the cost must be between 4 and 31, got {cost}")))?;
    // bcrypt reads at most 72 bytes; hashing a longer string would silently ignore the rest.
    if text.len() > 72 {
        return Err(FunctionError::arg(0, format!("bcrypt can hash at most 72 bytes, got {}", text.len())));
    }
    let parts = ::bcrypt::non_truncating_hash_with_result(text.as_bytes(), cost)
        .map_err(|e| FunctionError::new(format!("failed to hash: {e}")))?;
    Ok(string_value(parts.format_for_version(::bcrypt::Version::TwoA)))
}
