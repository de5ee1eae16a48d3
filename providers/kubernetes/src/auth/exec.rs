//! client-go's exec credential plugins: run the command with the configured arguments and
//! environment, read the `ExecCredential` it prints (`status.token`,
//! `status.expirationTimestamp`), and run it again once that time has come. Plugins that
//! answer with a client certificate are not supported here.

use super::{Token, TokenError};
use serde_json::Value as Json;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

/// Renew this long before the plugin's expiry, so a token does not lapse on its way.
const MARGIN: Duration = Duration::from_secs(5);
/// A plugin that has not answered in this long is stuck (waiting for a login prompt, say).
const PATIENCE: Duration = Duration::from_secs(120);

/// The provider's (or kubeconfig's) `exec` settings. No `Debug`: `env` may hold secrets.
#[derive(Clone)]
pub(crate) struct ExecPlugin {
    pub api_version: String,
    pub command: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

impl ExecPlugin {
    /// From kube's kubeconfig form (`env` is a list of `{name, value}`).
    pub fn from_kube(exec: &kube::config::ExecConfig) -> Option<ExecPlugin> {
        let env =
            exec.env.iter().flatten().filter_map(|e| Some((e.get("name")?.clone(), e.get("value")?.clone()))).collect();
        Some(ExecPlugin {
            api_version: exec.api_version.clone().unwrap_or_else(|| "client.authentication.k8s.io/v1beta1".into()),
            command: exec.command.clone()?,
            args: exec.args.clone().unwrap_or_default(),
            env,
        })
    }

    /// The variable `name` as the plugin would see it: its own `env` first, then ours.
    pub fn var(&self, name: &str) -> Option<String> {
        match self.env.iter().rev().find(|(k, _)| k == name) {
            Some((_, v)) => Some(v.clone()),
            None => std::env::var(name).ok(),
        }
        .filter(|v| !v.is_empty())
    }

    pub async fn run(&self) -> Result<Token, TokenError> {
        let fail = |detail: String| TokenError::Exec { command: self.command.clone(), detail };
        let info = serde_json::json!({"apiVersion": self.api_version, "kind": "ExecCredential", "spec": {"interactive": false}});
        let child = tokio::process::Command::new(&self.command)
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("KUBERNETES_EXEC_INFO", info.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| fail(e.to_string()))?;
        let out = tokio::time::timeout(PATIENCE, child.wait_with_output())
            .await
            .map_err(|_| fail(format!("no answer after {}s", PATIENCE.as_secs())))?
            .map_err(|e| fail(e.to_string()))?;
        if !out.status.success() {
            // stderr is the plugin's explanation; the token would be on stdout.
            let stderr: String = String::from_utf8_lossy(&out.stderr).trim().chars().take(600).collect();
            return Err(fail(format!("{}: {stderr}", out.status)));
        }
        parse(&out.stdout, SystemTime::now()).map_err(fail)
    }
}

/// The token of an `ExecCredential`, renewed [`MARGIN`] before its expiry (or never).
fn parse(stdout: &[u8], now: SystemTime) -> Result<Token, String> {
    // Never echo the output: it holds the token.
    let credential: Json = serde_json::from_slice(stdout)
        .map_err(|e| format!("its output is not an ExecCredential JSON document ({e})"))?;
    let status = &credential["status"];
    let Some(token) = status["token"].as_str().filter(|t| !t.is_empty()) else {
        return Err(match status.get("clientCertificateData") {
            Some(_) => "it answered with a client certificate, which is not supported: only tokens are".into(),
            None => "its ExecCredential has no status.token".into(),
        });
    };
    let renew_at = match status["expirationTimestamp"].as_str() {
        None => None,
        Some(text) => {
            let at: jiff::Timestamp =
                text.parse().map_err(|_| format!("status.expirationTimestamp {text:?} is not an RFC 3339 time"))?;
            let at = SystemTime::from(at);
            // A short lifetime is renewed near its end, not at every request.
            let margin = at.duration_since(now).unwrap_or_default().min(MARGIN * 4) / 4;
            Some(at - margin)
        }
    };
    Token::new(token, renew_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> SystemTime {
        SystemTime::from(rfc3339.parse::<jiff::Timestamp>().unwrap())
    }

    #[test]
    fn an_exec_credential_gives_its_token_and_expiry() {
        let now = at("2026-01-01T00:00:00Z");
        let out = br#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"2026-01-01T00:14:00Z","token":"k8s-aws-v1.abc"}}"#;
        let token = parse(out, now).unwrap();
        assert_eq!(token.header.to_str().unwrap(), "Bearer k8s-aws-v1.abc");
        assert!(token.header.is_sensitive());
        assert_eq!(token.renew_at, Some(at("2026-01-01T00:13:55Z")));
        // A short lifetime is used for most of its length.
        let short = br#"{"status":{"expirationTimestamp":"2026-01-01T00:00:04Z","token":"t"}}"#;
        assert_eq!(parse(short, now).unwrap().renew_at, Some(at("2026-01-01T00:00:03Z")));
        assert_eq!(parse(br#"{"status":{"token":"t"}}"#, now).unwrap().renew_at, None);
    }

    #[test]
    fn bad_output_is_explained_without_echoing_it() {
        let now = SystemTime::now();
        let err = parse(b"secret-token-text", now).err().unwrap();
        assert!(!err.contains("secret"), "{err}");
        assert!(parse(br#"{"status":{}}"#, now).err().unwrap().contains("status.token"));
        assert!(parse(br#"{"status":{"clientCertificateData":"x"}}"#, now)
            .err()
            .unwrap()
            .contains("client certificate"));
        assert!(parse(br#"{"status":{"token":"t","expirationTimestamp":"soon"}}"#, now)
            .err()
            .unwrap()
            .contains("RFC 3339"));
    }

    #[tokio::test]
    async fn a_failing_plugin_says_why() {
        let plugin = ExecPlugin {
            api_version: "client.authentication.k8s.io/v1beta1".into(),
            command: "sh".into(),
            args: vec!["-c".into(), "echo no login >&2; exit 3".into()],
            env: vec![],
        };
        let err = plugin.run().await.err().unwrap().to_string();
        assert!(err.contains("`sh`") && err.contains("no login"), "{err}");
        let missing = ExecPlugin { command: "/nonexistent/plugin".into(), ..plugin };
        assert!(missing.run().await.is_err());
    }
}
