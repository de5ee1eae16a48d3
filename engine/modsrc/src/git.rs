//! Git sources through the git CLI (as go-getter does): the user's git configuration,
//! credential helpers and ssh agent apply.

use crate::fetch::FetchError;
use std::path::Path;
use std::process::Command;

pub(crate) fn clone(url: &str, reference: Option<&str>, depth: Option<u32>, dest: &Path) -> Result<(), FetchError> {
    let mut args: Vec<String> = vec!["clone".into(), "--quiet".into()];
    if let Some(d) = depth {
        args.push(format!("--depth={d}"));
        // A shallow clone cannot check out an arbitrary commit afterwards: ask for the ref now.
        if let Some(r) = reference {
            args.push(format!("--branch={r}"));
        }
    }
    args.extend(["--".into(), url.into(), dest.display().to_string()]);
    run(&args, None)?;
    if let (Some(r), None) = (reference, depth) {
        run(&["checkout".into(), "--quiet".into(), r.into()], Some(dest))?;
    }
    Ok(())
}

fn run(args: &[String], dir: Option<&Path>) -> Result<(), FetchError> {
    let mut cmd = Command::new("git");
    cmd.args(args).env("GIT_TERMINAL_PROMPT", "0");
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let command = format!("git {}", args.iter().map(|a| crate::address::redact(a)).collect::<Vec<_>>().join(" "));
    let out = cmd
        .output()
        .map_err(|e| FetchError::Git { command: command.clone(), stderr: format!("cannot run git: {e}") })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(FetchError::Git { command, stderr: String::from_utf8_lossy(&out.stderr).trim().to_string() })
    }
}
