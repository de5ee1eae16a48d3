//! The `backend "s3"` arguments (Terraform's names) and the SDK client they make.

use serde_json::Value;
use std::collections::BTreeMap;

/// A checked `backend "s3"` block.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct S3Config {
    pub bucket: String,
    pub key: String,
    pub region: String,
    /// Server-side encryption of the objects (`AES256`, or `aws:kms` with `kms_key_id`).
    pub encrypt: bool,
    pub kms_key_id: Option<String>,
    pub workspace_key_prefix: String,
    /// `endpoints { s3 = URL }` (or the older `endpoint`).
    pub endpoint: Option<String>,
    pub use_path_style: bool,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub token: Option<String>,
    pub profile: Option<String>,
    pub skip_credentials_validation: bool,
    /// Things to tell the user (arguments accepted but not needed here).
    pub warnings: Vec<String>,
}

/// A problem with one argument; `argument` lets the caller point at it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct S3ConfigError {
    pub argument: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

fn err(argument: &str, message: impl Into<String>, hint: Option<&str>) -> S3ConfigError {
    S3ConfigError { argument: Some(argument.into()), message: message.into(), hint: hint.map(str::to_string) }
}

/// Arguments read and used.
const USED: &[&str] = &[
    "bucket",
    "key",
    "region",
    "encrypt",
    "kms_key_id",
    "workspace_key_prefix",
    "endpoints",
    "endpoint",
    "use_path_style",
    "force_path_style",
    "access_key",
    "secret_key",
    "token",
    "profile",
    "skip_credentials_validation",
];
/// Arguments accepted because they change nothing here.
const ACCEPTED: &[&str] = &[
    "use_lockfile",
    "skip_requesting_account_id",
    "skip_region_validation",
    "skip_metadata_api_check",
    "skip_s3_checksum",
    "shared_credentials_files",
    "shared_config_files",
    "max_retries",
    "acl",
    "dynamodb_table",
    "dynamodb_endpoint",
];

impl S3Config {
    /// Checks the block's arguments (already evaluated: backend blocks take constants only).
    /// `env` gives AWS_REGION / AWS_DEFAULT_REGION when `region` is not set, as Terraform.
    pub fn from_arguments(
        args: &BTreeMap<String, Value>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<S3Config, S3ConfigError> {
        let mut cfg = S3Config { workspace_key_prefix: "env:".into(), ..S3Config::default() };
        for (name, value) in args {
            if !USED.contains(&name.as_str()) && !ACCEPTED.contains(&name.as_str()) {
                let known: Vec<&str> = USED.iter().chain(ACCEPTED).copied().collect();
                return Err(err(
                    name,
                    format!("unsupported argument `{name}` in backend \"s3\""),
                    Some(&format!("arguments meshplan's s3 backend takes: {}", known.join(", "))),
                ));
            }
            let text = || string(name, value);
            let flag = || boolean(name, value);
            match name.as_str() {
                "bucket" => cfg.bucket = text()?,
                "key" => cfg.key = text()?,
                "region" => cfg.region = text()?,
                "encrypt" => cfg.encrypt = flag()?,
                "kms_key_id" => cfg.kms_key_id = Some(text()?),
                "workspace_key_prefix" => cfg.workspace_key_prefix = text()?,
                "endpoint" => cfg.endpoint = Some(text()?),
                "endpoints" => match value {
                    Value::Object(m) => {
                        for (service, url) in m {
                            match service.as_str() {
                                "s3" => cfg.endpoint = Some(string("endpoints.s3", url)?),
                                "sts" | "iam" | "dynamodb" | "sso" => {}
                                other => return Err(err("endpoints", format!("unknown service `{other}` in `endpoints`"), Some("the s3 backend uses `s3` (and ignores sts, iam, dynamodb, sso)"))),
                            }
                        }
                    }
                    _ => return Err(err("endpoints", "`endpoints` must be a block or object: endpoints { s3 = \"URL\" }", None)),
                },
                "use_path_style" | "force_path_style" => cfg.use_path_style = flag()?,
                "access_key" => cfg.access_key = Some(text()?),
                "secret_key" => cfg.secret_key = Some(text()?),
                "token" => cfg.token = Some(text()?),
                "profile" => cfg.profile = Some(text()?),
                "skip_credentials_validation" => cfg.skip_credentials_validation = flag()?,
                "dynamodb_table" => cfg.warnings.push(
                    "backend \"s3\": `dynamodb_table` is not used; meshplan locks with the S3 lock object `<key>.tflock` (Terraform's `use_lockfile = true`)".into(),
                ),
                "use_lockfile" if !flag()? => cfg.warnings.push("backend \"s3\": `use_lockfile = false` is ignored; meshplan always locks the state".into()),
                _ => {}
            }
        }
        if cfg.region.is_empty() {
            cfg.region = env("AWS_REGION").or_else(|| env("AWS_DEFAULT_REGION")).unwrap_or_default();
        }
        for (name, v) in [("bucket", &cfg.bucket), ("key", &cfg.key), ("region", &cfg.region)] {
            if v.is_empty() {
                let hint = if name == "region" {
                    "set `region`, or AWS_REGION in the environment"
                } else {
                    "every s3 backend names its bucket and key"
                };
                return Err(S3ConfigError {
                    argument: None,
                    message: format!("backend \"s3\" needs `{name}`"),
                    hint: Some(hint.into()),
                });
            }
        }
        if cfg.key.starts_with('/') || cfg.key.ends_with('/') {
            return Err(err(
                "key",
                "`key` must not start or end with `/`",
                Some("e.g. key = \"mesh/terraform.tfstate\""),
            ));
        }
        if cfg.workspace_key_prefix.starts_with('/') || cfg.workspace_key_prefix.ends_with('/') {
            return Err(err("workspace_key_prefix", "`workspace_key_prefix` must not start or end with `/`", None));
        }
        if cfg.access_key.is_some() != cfg.secret_key.is_some() {
            return Err(err(
                if cfg.access_key.is_some() { "access_key" } else { "secret_key" },
                "`access_key` and `secret_key` go together",
                None,
            ));
        }
        Ok(cfg)
    }

    /// The object holding `workspace`'s state.
    pub fn object_key(&self, workspace: &str) -> String {
        if workspace == "default" {
            self.key.clone()
        } else {
            format!("{}/{workspace}/{}", self.workspace_key_prefix, self.key)
        }
    }

    /// An S3 client: static keys when given, else the profile, else the default credential chain.
    pub(crate) fn client(&self) -> impl std::future::Future<Output = aws_sdk_s3::Client> + Send + 'static {
        let cfg = self.clone();
        async move {
            let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new(cfg.region.clone()));
            if let (Some(a), Some(s)) = (&cfg.access_key, &cfg.secret_key) {
                loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                    a,
                    s,
                    cfg.token.clone(),
                    None,
                    "backend-s3",
                ));
            } else if let Some(p) = &cfg.profile {
                loader = loader.profile_name(p);
            }
            let shared = loader.load().await;
            let mut builder = aws_sdk_s3::config::Builder::from(&shared).force_path_style(cfg.use_path_style);
            if let Some(url) = &cfg.endpoint {
                builder = builder.endpoint_url(url);
            }
            aws_sdk_s3::Client::from_conf(builder.build())
        }
    }
}

fn string(name: &str, v: &Value) -> Result<String, S3ConfigError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        _ => Err(err(name, format!("`{name}` must be a string"), None)),
    }
}

fn boolean(name: &str, v: &Value) -> Result<bool, S3ConfigError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" || s == "false" => Ok(s == "true"),
        _ => Err(err(name, format!("`{name}` must be true or false"), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(v: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn workspace_objects_follow_terraform_layout() {
        let c = S3Config::from_arguments(
            &args(json!({"bucket": "b", "key": "mesh/state.tfstate", "region": "eu-west-1"})),
            |_| None,
        )
        .unwrap();
        assert_eq!(c.object_key("default"), "mesh/state.tfstate");
        assert_eq!(c.object_key("staging"), "env:/staging/mesh/state.tfstate");
        let c = S3Config::from_arguments(
            &args(json!({"bucket": "b", "key": "k", "region": "r", "workspace_key_prefix": "teams/a"})),
            |_| None,
        )
        .unwrap();
        assert_eq!(c.object_key("x"), "teams/a/x/k");
    }

    #[test]
    fn region_comes_from_the_environment_and_errors_name_the_argument() {
        let c = S3Config::from_arguments(&args(json!({"bucket": "b", "key": "k"})), |n| {
            (n == "AWS_DEFAULT_REGION").then(|| "ap-south-1".into())
        })
        .unwrap();
        assert_eq!(c.region, "ap-south-1");
        let e = S3Config::from_arguments(&args(json!({"bucket": "b", "key": "k"})), |_| None).unwrap_err();
        assert!(e.message.contains("region"), "{e:?}");
        let e =
            S3Config::from_arguments(&args(json!({"bucket": "b", "key": "k", "region": "r", "bukcet": "x"})), |_| None)
                .unwrap_err();
        assert_eq!(e.argument.as_deref(), Some("bukcet"));
        let e =
            S3Config::from_arguments(&args(json!({"bucket": "b", "key": "/k", "region": "r"})), |_| None).unwrap_err();
        assert_eq!(e.argument.as_deref(), Some("key"));
        let e = S3Config::from_arguments(
            &args(json!({"bucket": "b", "key": "k", "region": "r", "access_key": "a"})),
            |_| None,
        )
        .unwrap_err();
        assert_eq!(e.argument.as_deref(), Some("access_key"));
    }

    #[test]
    fn endpoints_block_and_legacy_names() {
        let c = S3Config::from_arguments(
            &args(json!({"bucket": "b", "key": "k", "region": "r", "endpoints": {"s3": "http://127.0.0.1:1"}, "force_path_style": true, "dynamodb_table": "t"})),
            |_| None,
        )
        .unwrap();
        assert_eq!(c.endpoint.as_deref(), Some("http://127.0.0.1:1"));
        assert!(c.use_path_style);
        assert_eq!(c.warnings.len(), 1, "dynamodb_table is explained: {:?}", c.warnings);
    }
}
