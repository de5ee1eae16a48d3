//! The configured SDK clients every operation gets through `Ctx::client::<AwsClients>()`.

use crate::call_counter::CallCounter;
use crate::provider_config::Settings;
use crate::retry::RetryPolicy;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use std::collections::BTreeMap;
use std::time::Duration;

pub struct AwsClients {
    pub acmpca: aws_sdk_acmpca::Client,
    pub autoscaling: aws_sdk_autoscaling::Client,
    pub cloudformation: aws_sdk_cloudformation::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    pub iam: aws_sdk_iam::Client,
    pub eks: aws_sdk_eks::Client,
    pub events: aws_sdk_eventbridge::Client,
    pub kms: aws_sdk_kms::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub rds: aws_sdk_rds::Client,
    pub redshift: aws_sdk_redshift::Client,
    pub rolesanywhere: aws_sdk_rolesanywhere::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub s3: aws_sdk_s3::Client,
    pub s3control: aws_sdk_s3control::Client,
    pub s3tables: aws_sdk_s3tables::Client,
    pub sns: aws_sdk_sns::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub sts: aws_sdk_sts::Client,
    pub region: String,
    pub default_tags: BTreeMap<String, String>,
    pub retry: RetryPolicy,
    /// Interval between polls of a waiter.
    pub poll_interval: Duration,
    pub calls: CallCounter,
    /// For signing the EKS token in-process.
    pub credentials: Option<SharedCredentialsProvider>,
    /// Where the EKS token's presigned GetCallerIdentity points (the `sts` endpoint override).
    pub sts_endpoint: Option<String>,
    /// The caller's account, asked of STS once and only when an ARN needs it.
    pub(crate) account_id: tokio::sync::OnceCell<String>,
    /// Coalesced refresh reads of EC2 objects.
    pub(crate) ec2_batches: crate::ec2_batches::Ec2Batches,
}

impl AwsClients {
    pub async fn configure(settings: &Settings) -> Result<AwsClients, String> {
        // The SDK's retries are off: crate::retry is the one retry layer.
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(RetryConfig::disabled());
        if let Some(region) = &settings.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some((access_key, secret_key, token)) = &settings.static_credentials {
            let creds = Credentials::from_keys(access_key, secret_key, token.clone());
            loader = loader.credentials_provider(creds);
        }
        let mut sdk_config = loader.load().await;
        if sdk_config.region().is_none() {
            return Err("no region: set `region` in the provider block or AWS_REGION".into());
        }
        if let Some(role) = &settings.assume_role {
            let mut sts_config = sdk_config.to_builder();
            if let Some(url) = settings.endpoints.get("sts") {
                sts_config.set_endpoint_url(Some(url.clone()));
            }
            let provider = aws_config::sts::AssumeRoleProvider::builder(role.role_arn.clone())
                .session_name(role.session_name.clone().unwrap_or_else(|| "meshplan".into()))
                .configure(&sts_config.build());
            let provider = match &role.external_id {
                Some(id) => provider.external_id(id.clone()),
                None => provider,
            };
            let provider = provider.build().await;
            sdk_config = sdk_config.to_builder().credentials_provider(SharedCredentialsProvider::new(provider)).build();
        }
        Ok(Self::from_sdk_config(&sdk_config, settings))
    }

    /// Builds every client from one SDK configuration plus the provider's overrides.
    pub fn from_sdk_config(sdk_config: &SdkConfig, settings: &Settings) -> AwsClients {
        let calls = CallCounter::default();
        let endpoint = |svc: &str| settings.endpoints.get(svc).cloned();
        macro_rules! client {
            ($krate:ident, $svc:literal) => {{
                let mut b = $krate::config::Builder::from(sdk_config).interceptor(calls.clone());
                if let Some(url) = endpoint($svc) {
                    b = b.endpoint_url(url);
                }
                b
            }};
        }
        let s3_config = client!(aws_sdk_s3, "s3").force_path_style(settings.s3_use_path_style).build();
        AwsClients {
            acmpca: aws_sdk_acmpca::Client::from_conf(client!(aws_sdk_acmpca, "acmpca").build()),
            autoscaling: aws_sdk_autoscaling::Client::from_conf(client!(aws_sdk_autoscaling, "autoscaling").build()),
            cloudformation: aws_sdk_cloudformation::Client::from_conf(
                client!(aws_sdk_cloudformation, "cloudformation").build(),
            ),
            ec2: aws_sdk_ec2::Client::from_conf(client!(aws_sdk_ec2, "ec2").build()),
            elasticache: aws_sdk_elasticache::Client::from_conf(client!(aws_sdk_elasticache, "elasticache").build()),
            iam: aws_sdk_iam::Client::from_conf(client!(aws_sdk_iam, "iam").build()),
            eks: aws_sdk_eks::Client::from_conf(client!(aws_sdk_eks, "eks").build()),
            events: aws_sdk_eventbridge::Client::from_conf(client!(aws_sdk_eventbridge, "events").build()),
            kms: aws_sdk_kms::Client::from_conf(client!(aws_sdk_kms, "kms").build()),
            lambda: aws_sdk_lambda::Client::from_conf(client!(aws_sdk_lambda, "lambda").build()),
            logs: aws_sdk_cloudwatchlogs::Client::from_conf(client!(aws_sdk_cloudwatchlogs, "logs").build()),
            rds: aws_sdk_rds::Client::from_conf(client!(aws_sdk_rds, "rds").build()),
            redshift: aws_sdk_redshift::Client::from_conf(client!(aws_sdk_redshift, "redshift").build()),
            rolesanywhere: aws_sdk_rolesanywhere::Client::from_conf(
                client!(aws_sdk_rolesanywhere, "rolesanywhere").build(),
            ),
            ssm: aws_sdk_ssm::Client::from_conf(client!(aws_sdk_ssm, "ssm").build()),
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            s3control: s3control_client(client!(aws_sdk_s3control, "s3control"), endpoint("s3control")),
            s3tables: aws_sdk_s3tables::Client::from_conf(client!(aws_sdk_s3tables, "s3tables").build()),
            sns: aws_sdk_sns::Client::from_conf(client!(aws_sdk_sns, "sns").build()),
            sqs: aws_sdk_sqs::Client::from_conf(client!(aws_sdk_sqs, "sqs").build()),
            sts: aws_sdk_sts::Client::from_conf(client!(aws_sdk_sts, "sts").build()),
            region: sdk_config.region().map(|r| r.to_string()).unwrap_or_default(),
            default_tags: settings.default_tags.clone(),
            retry: settings.retry.clone(),
            poll_interval: Duration::from_secs(5),
            calls,
            credentials: sdk_config.credentials_provider(),
            sts_endpoint: endpoint("sts"),
            account_id: tokio::sync::OnceCell::new(),
            ec2_batches: Default::default(),
        }
    }

    /// The partition of the configured region (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn partition(&self) -> &'static str {
        partition_of(&self.region)
    }
}

/// S3 Control puts the account ID in front of the endpoint's host, an overridden one too
/// (`123456789012.127.0.0.1`); an overridden endpoint (an emulator, a proxy) is used as given.
fn s3control_client(builder: aws_sdk_s3control::config::Builder, url: Option<String>) -> aws_sdk_s3control::Client {
    let builder = match url {
        Some(url) => builder.endpoint_resolver(AsGiven(url)),
        None => builder,
    };
    aws_sdk_s3control::Client::from_conf(builder.build())
}

#[derive(Debug)]
struct AsGiven(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for AsGiven {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_smithy_runtime_api::client::endpoint::EndpointFuture<'a> {
        let endpoint = aws_smithy_types::endpoint::Endpoint::builder().url(self.0.clone()).build();
        aws_smithy_runtime_api::client::endpoint::EndpointFuture::ready(Ok(endpoint))
    }
}

pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

pub fn dns_suffix_of(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "amazonaws.com.cn",
        "aws-iso" => "c2s.ic.gov",
        "aws-iso-b" => "sc2s.sgov.gov",
        _ => "amazonaws.com",
    }
}
