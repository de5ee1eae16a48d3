//! `aws eks get-token --cluster-name NAME [--region R] [--profile P]`, built in: the token
//! (aws-iam-authenticator's algorithm, DOMAIN.md §3 — a SigV4-presigned `GET
//! sts:GetCallerIdentity` with `x-k8s-aws-id: NAME` signed, as `k8s-aws-v1.` + base64url) is
//! made in-process from the AWS credential chain, so no aws CLI is needed, and re-made when
//! 10 minutes old (EKS accepts one for 15). The plugin's `env` is honoured for what the CLI
//! would read: credentials, profile, region, `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL`.
//! Anything else (`--role-arn`, other `AWS_*` settings) runs the real command.
//!
//! The presigning itself is `meshplan-eks-token`'s, shared with `aws_eks_cluster_auth`.

use super::{ExecPlugin, Token, TokenError};
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use std::time::{Duration, SystemTime};

/// Re-presign when a token is this old.
const RENEW_AFTER: Duration = Duration::from_secs(10 * 60);

/// The `AWS_*` variables the built-in understands; any other in the plugin's env means the
/// real CLI should run.
const UNDERSTOOD: [&str; 10] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_DEFAULT_OUTPUT",
];

/// What `aws eks get-token` was asked for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct GetToken {
    pub cluster: String,
    pub region: Option<String>,
    pub profile: Option<String>,
}

impl GetToken {
    /// `Some` when `command args` is an `aws eks get-token` the built-in can stand in for.
    pub fn parse(command: &str, args: &[String]) -> Option<GetToken> {
        if command != "aws" && !command.ends_with("/aws") {
            return None;
        }
        let (mut words, mut cluster, mut region, mut profile) = (Vec::new(), None, None, None);
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
                _ => (arg.as_str(), None),
            };
            let mut value = || inline.clone().or_else(|| args.next().cloned());
            match flag {
                "--cluster-name" => cluster = Some(value()?),
                "--region" => region = Some(value()?),
                "--profile" => profile = Some(value()?),
                "--output" => {
                    value().filter(|o| o == "json")?;
                }
                f if f.starts_with('-') => return None, // --role-arn, --cluster-id, ...: the real CLI
                word => words.push(word),
            }
        }
        (words == ["eks", "get-token"]).then_some(GetToken { cluster: cluster?, region, profile })
    }
}

/// Makes tokens for one cluster.
pub(crate) struct EksToken {
    cluster: String,
    region: String,
    /// `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL`, else the region's STS.
    sts_endpoint: Option<String>,
    credentials: SharedCredentialsProvider,
}

impl EksToken {
    /// The built-in for `plugin`, `None` when the real command must run.
    pub async fn for_plugin(plugin: &ExecPlugin) -> Option<Result<EksToken, TokenError>> {
        let request = GetToken::parse(&plugin.command, &plugin.args)?;
        if plugin.env.iter().any(|(k, _)| k.starts_with("AWS_") && !UNDERSTOOD.contains(&k.as_str())) {
            return None;
        }
        Some(Self::new(request, plugin).await)
    }

    async fn new(request: GetToken, plugin: &ExecPlugin) -> Result<EksToken, TokenError> {
        let region = request.region.or_else(|| plugin.var("AWS_REGION")).or_else(|| plugin.var("AWS_DEFAULT_REGION"));
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(region) = &region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(profile) = request.profile.or_else(|| plugin.var("AWS_PROFILE")) {
            loader = loader.profile_name(profile);
        }
        if let (Some(key), Some(secret)) = (plugin.var("AWS_ACCESS_KEY_ID"), plugin.var("AWS_SECRET_ACCESS_KEY")) {
            let keys = Credentials::new(key, secret, plugin.var("AWS_SESSION_TOKEN"), None, "exec env");
            loader = loader.credentials_provider(keys);
        }
        let config = loader.load().await;
        let region = config.region().map(|r| r.to_string()).ok_or_else(|| {
            TokenError::Eks("no AWS region: add \"--region\", REGION to the exec args or set AWS_REGION".into())
        })?;
        let credentials =
            config.credentials_provider().ok_or_else(|| TokenError::Eks("no AWS credentials provider".into()))?;
        let sts_endpoint = plugin.var("AWS_ENDPOINT_URL_STS").or_else(|| plugin.var("AWS_ENDPOINT_URL"));
        Ok(EksToken { sts_endpoint, cluster: request.cluster, region, credentials })
    }

    pub async fn fetch(&self) -> Result<Token, TokenError> {
        let creds = self
            .credentials
            .provide_credentials()
            .await
            .map_err(|e| TokenError::Eks(format!("no AWS credentials: {e}")))?;
        let now = SystemTime::now();
        let token = meshplan_eks_token::presign(&creds, &self.region, self.sts_endpoint.as_deref(), &self.cluster, now)
            .map_err(|e| TokenError::Eks(e.to_string()))?;
        Token::new(&token, Some(now + RENEW_AFTER)).map_err(TokenError::Eks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn aws_eks_get_token_is_recognised() {
        let want = |region: Option<&str>| {
            Some(GetToken { cluster: "foo".into(), region: region.map(String::from), profile: None })
        };
        assert_eq!(GetToken::parse("aws", &args("eks get-token --cluster-name foo")), want(None));
        assert_eq!(
            GetToken::parse(
                "/usr/local/bin/aws",
                &args("--region eu-west-1 eks get-token --cluster-name foo --output json")
            ),
            want(Some("eu-west-1"))
        );
        assert_eq!(
            GetToken::parse("aws", &args("eks get-token --cluster-name=foo --region=eu-west-1")),
            want(Some("eu-west-1"))
        );
        assert_eq!(
            GetToken::parse("aws", &args("eks get-token --cluster-name foo --profile p")).unwrap().profile.as_deref(),
            Some("p")
        );
        // What the built-in cannot do runs the real CLI.
        assert_eq!(
            GetToken::parse("aws", &args("eks get-token --cluster-name foo --role-arn arn:aws:iam::1:role/x")),
            None
        );
        assert_eq!(GetToken::parse("aws", &args("eks get-token")), None);
        assert_eq!(GetToken::parse("aws", &args("sts get-caller-identity")), None);
        assert_eq!(GetToken::parse("aws-iam-authenticator", &args("token -i foo")), None);
        assert_eq!(GetToken::parse("aws", &args("eks get-token --cluster-name foo --output yaml")), None);
    }

    #[tokio::test]
    async fn the_plugin_env_gives_credentials_region_and_endpoint() {
        let plugin = ExecPlugin {
            api_version: "client.authentication.k8s.io/v1beta1".into(),
            command: "aws".into(),
            args: args("eks get-token --cluster-name foo"),
            env: [
                ("AWS_ACCESS_KEY_ID", "AKIDENV"),
                ("AWS_SECRET_ACCESS_KEY", "s"),
                ("AWS_REGION", "ap-south-1"),
                ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        };
        let eks = EksToken::for_plugin(&plugin).await.expect("built in").expect("configured");
        assert_eq!((eks.region.as_str(), eks.sts_endpoint.as_deref()), ("ap-south-1", Some("http://127.0.0.1:1")));
        let token = eks.fetch().await.unwrap();
        let bearer = token.header.to_str().unwrap().strip_prefix("Bearer ").unwrap().to_string();
        let url = meshplan_eks_token::presigned_url(&bearer).expect("an EKS token");
        assert!(
            url.starts_with("http://127.0.0.1:1/?Action=GetCallerIdentity")
                && url.contains("X-Amz-Credential=AKIDENV%2F"),
            "{url}"
        );
        assert!(token.renew_at.is_some_and(|at| at > SystemTime::now() + Duration::from_secs(9 * 60)));
        // A setting the built-in does not know: the real CLI decides.
        let other = ExecPlugin { env: vec![("AWS_ROLE_ARN".into(), "arn:aws:iam::1:role/x".into())], ..plugin };
        assert!(EksToken::for_plugin(&other).await.is_none());
    }
}
