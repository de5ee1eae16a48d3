//! File and path functions.
//!
//! Relative paths resolve against `Env::base_dir` (the calling module's directory), unlike
//! Terraform, which uses the working directory: configurations write `"${path.module}/x"`,
//! which works either way, and a bare `"x"` then also finds the module's own file. Absolute
//! paths pass through, and a leading `~` expands to the home directory as in Terraform.
//! Path functions (`dirname`, `basename`) are lexical and follow Go's `path/filepath`.

use crate::args::{string, string_value};
use crate::hash::{self, Algorithm};
use crate::{Env, FunctionError, Value};
use std::path::PathBuf;

type Result<T = Value> = std::result::Result<T, FunctionError>;

pub(crate) fn resolve(path: &str, env: &Env) -> PathBuf {
    let expanded = PathBuf::from(expand_home(path));
    if expanded.is_absolute() {
        expanded
    } else {
        env.base_dir.join(expanded)
    }
}

fn expand_home(path: &str) -> String {
    let home = || std::env::var("HOME").ok();
    match path.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => match home() {
            Some(home) => format!("{home}{rest}"),
            None => path.to_string(),
        },
        _ => path.to_string(),
    }
}

fn read(args: &[Value], env: &Env) -> Result<Vec<u8>> {
    let path = string(args, 0)?;
    let resolved = resolve(&path, env);
    if resolved.is_dir() {
        return Err(FunctionError::arg(0, format!("{path:?} is a directory, not a file")));
    }
    std::fs::read(&resolved).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => FunctionError::arg(
            0,
            format!(
            "no file exists at {path:?} (resolved to {}); this function works only with files that are distributed as \
             part of the configuration source code, so if this file will be created by a resource in this \
             configuration you must instead obtain this result from an attribute of that resource",
            resolved.display()
        ),
        ),
        _ => FunctionError::arg(0, format!("failed to read {path:?}: {e}")),
    })
}

pub(crate) fn file(args: &[Value], env: &Env) -> Result {
    String::from_utf8(read(args, env)?).map(string_value).map_err(|_| {
        FunctionError::arg(
            0,
            "contents are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded \
             contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead",
        )
    })
}

pub(crate) fn filebase64(args: &[Value], env: &Env) -> Result {
    Ok(string_value(hash::base64(&read(args, env)?)))
}

/// False for a missing file; an error for a directory, since that is almost surely a mistake.
pub(crate) fn fileexists(args: &[Value], env: &Env) -> Result {
    let path = string(args, 0)?;
    match std::fs::metadata(resolve(&path, env)) {
        Ok(meta) if meta.is_dir() => Err(FunctionError::arg(0, format!("{path:?} is a directory, not a file"))),
        Ok(_) => Ok(Value::Bool(true)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Bool(false)),
        Err(e) => Err(FunctionError::arg(0, format!("failed to stat {path:?}: {e}"))),
    }
}

fn file_hex(algorithm: Algorithm, args: &[Value], env: &Env) -> Result {
    Ok(string_value(hash::hex(&hash::digest(algorithm, &read(args, env)?))))
}

fn file_base64(algorithm: Algorithm, args: &[Value], env: &Env) -> Result {
    Ok(string_value(hash::base64(&hash::digest(algorithm, &read(args, env)?))))
}

pub(crate) fn filemd5(args: &[Value], env: &Env) -> Result {
    file_hex(Algorithm::Md5, args, env)
}

pub(crate) fn filesha1(args: &[Value], env: &Env) -> Result {
    file_hex(Algorithm::Sha1, args, env)
}

pub(crate) fn filesha256(args: &[Value], env: &Env) -> Result {
    file_hex(Algorithm::Sha256, args, env)
}

pub(crate) fn filesha512(args: &[Value], env: &Env) -> Result {
    file_hex(Algorithm::Sha512, args, env)
}

pub(crate) fn filebase64sha256(args: &[Value], env: &Env) -> Result {
    file_base64(Algorithm::Sha256, args, env)
}

pub(crate) fn filebase64sha512(args: &[Value], env: &Env) -> Result {
    file_base64(Algorithm::Sha512, args, env)
}

/// An absolute, lexically cleaned path (symlinks are not resolved). Relative paths are
/// taken against the module directory; if that is itself relative, against the working
/// directory.
pub(crate) fn abspath(args: &[Value], env: &Env) -> Result {
    let path = string(args, 0)?;
    let mut resolved = resolve(&path, env);
    if !resolved.is_absolute() {
        let cwd = std::env::current_dir()
            .map_err(|e| FunctionError::new(format!("cannot read the working directory: {e}")))?;
        resolved = cwd.join(resolved);
    }
    Ok(string_value(clean(&resolved.to_string_lossy())))
}

pub(crate) fn pathexpand(args: &[Value], _: &Env) -> Result {
    Ok(string_value(expand_home(&string(args, 0)?)))
}

/// Go's `filepath.Dir`: everything before the last element, cleaned.
pub(crate) fn dirname(args: &[Value], _: &Env) -> Result {
    let path = string(args, 0)?;
    let dir = path.rfind('/').map_or("", |i| &path[..=i]);
    Ok(string_value(clean(dir)))
}

/// Go's `filepath.Base`: the last element, ignoring trailing slashes.
pub(crate) fn basename(args: &[Value], _: &Env) -> Result {
    let path = string(args, 0)?;
    if path.is_empty() {
        return Ok(string_value("."));
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(string_value("/"));
    }
    Ok(string_value(trimmed.rsplit('/').next().unwrap_or(trimmed)))
}

/// Go's `filepath.Clean`: collapses `//`, `.` and `..` without touching the file system.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if rooted => {}
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}
