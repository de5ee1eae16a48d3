//! What moto lacks for the services added in issue 14, replayed with aws-smithy-mocks:
//! ModifyDBSubnetGroup (moto's loses the group), ModifyCacheSubnetGroup,
//! DeleteCacheSubnetGroup and ModifyClusterSubnetGroup, SNS's delivery-status attributes, a
//! CloudFormation rollback, and IAM Roles Anywhere (moto has no such API). Clients are built
//! by hand (`mocked!`), so the SDK crates need no `test-util` feature.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, Rule, RuleMode};
use meshplan_provider::{Ctx, PlanRequest, Provider, ResourceType, Value};
use meshplan_provider_aws::{AwsClients, AwsProvider, RetryPolicy, Settings};
use std::sync::Arc;
use std::time::Duration;

use crate::support::{complete, obj};

pub(crate) fn sdk() -> SdkConfig {
    SdkConfig::builder()
        .region(Region::new("us-east-1"))
        .behavior_version(BehaviorVersion::latest())
        .credentials_provider(SharedCredentialsProvider::new(Credentials::from_keys("AKID", "secret", None)))
        .endpoint_url("http://127.0.0.1:9")
        .build()
}

pub(crate) fn interceptor(rules: &[&Rule]) -> MockResponseInterceptor {
    rules.iter().fold(MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny), |i, r| i.with_rule(r))
}

/// A client of `$krate` answering only `rules`.
macro_rules! mocked {
    ($krate:ident, $rules:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from(&sdk())
                .http_client(create_mock_http_client())
                .interceptor(interceptor($rules))
                .build(),
        )
    };
}

/// A context whose clients point nowhere but those `adjust` replaces with mocked ones.
pub(crate) fn ctx(address: &str, adjust: impl FnOnce(&mut AwsClients)) -> Ctx {
    let mut clients = AwsClients::from_sdk_config(&sdk(), &Settings::default());
    clients.poll_interval = Duration::from_millis(5);
    clients.retry = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        consistency_budget: Duration::from_secs(1),
    };
    adjust(&mut clients);
    Ctx::new(Arc::new(clients), address)
}

pub(crate) fn resource(name: &str) -> Arc<dyn ResourceType> {
    AwsProvider.resource_types().into_iter().find(|r| r.type_name() == name).unwrap()
}

pub(crate) async fn plan(rt: &Arc<dyn ResourceType>, ctx: &Ctx, prior: Option<&Value>, config: &Value) -> Value {
    let config = complete(&rt.schema(), config);
    rt.plan(ctx, PlanRequest { prior, config: &config }).await.unwrap().state
}

mod elasticache {
    use super::*;
    use aws_sdk_elasticache::error::ErrorMetadata;
    use aws_sdk_elasticache::operation::delete_cache_subnet_group::{
        DeleteCacheSubnetGroupError, DeleteCacheSubnetGroupOutput,
    };
    use aws_sdk_elasticache::operation::describe_cache_subnet_groups::DescribeCacheSubnetGroupsOutput;
    use aws_sdk_elasticache::operation::list_tags_for_resource::ListTagsForResourceOutput;
    use aws_sdk_elasticache::operation::modify_cache_subnet_group::ModifyCacheSubnetGroupOutput;
    use aws_sdk_elasticache::types::error::CacheSubnetGroupNotFoundFault;
    use aws_sdk_elasticache::types::{CacheSubnetGroup, Subnet};
    use aws_sdk_elasticache::Client;

    fn group(description: &str, subnets: &[&str]) -> DescribeCacheSubnetGroupsOutput {
        let mut g = CacheSubnetGroup::builder()
            .cache_subnet_group_name("cache")
            .cache_subnet_group_description(description)
            .vpc_id("vpc-1")
            .arn("arn:aws:elasticache:us-east-1:123456789012:subnetgroup:cache");
        for id in subnets {
            g = g.subnets(Subnet::builder().subnet_identifier(*id).build());
        }
        DescribeCacheSubnetGroupsOutput::builder().cache_subnet_groups(g.build()).build()
    }

    #[tokio::test]
    async fn cache_subnet_group_modify_and_delete() {
        let describe = mock!(Client::describe_cache_subnet_groups)
            .sequence()
            .output(|| group("Managed by Terraform", &["subnet-1"]))
            .output(|| group("cache subnets", &["subnet-1", "subnet-2"]))
            .repeatedly()
            .build();
        let tags = mock!(Client::list_tags_for_resource).then_output(|| ListTagsForResourceOutput::builder().build());
        let modify = mock!(Client::modify_cache_subnet_group)
            .match_requests(|r| {
                r.cache_subnet_group_name() == Some("cache")
                    && r.cache_subnet_group_description() == Some("cache subnets")
                    && r.subnet_ids().len() == 2
            })
            .then_output(|| ModifyCacheSubnetGroupOutput::builder().build());
        let delete = mock!(Client::delete_cache_subnet_group)
            .match_requests(|r| r.cache_subnet_group_name() == Some("cache"))
            .sequence()
            .output(|| DeleteCacheSubnetGroupOutput::builder().build())
            .error(|| {
                DeleteCacheSubnetGroupError::CacheSubnetGroupNotFoundFault(
                    CacheSubnetGroupNotFoundFault::builder()
                        .meta(ErrorMetadata::builder().code("CacheSubnetGroupNotFoundFault").build())
                        .build(),
                )
            })
            .build();
        let client = mocked!(aws_sdk_elasticache, &[&describe, &tags, &modify, &delete]);
        let ctx = ctx("aws_elasticache_subnet_group.c", |c| c.elasticache = client);
        let rt = resource("aws_elasticache_subnet_group");
        let prior = rt.import(&ctx, "cache").await.unwrap();
        assert_eq!(prior.get("description"), &Value::from("Managed by Terraform"));
        let cfg = obj([
            ("name", Value::from("cache")),
            ("description", Value::from("cache subnets")),
            ("subnet_ids", Value::List(vec![Value::from("subnet-1"), Value::from("subnet-2")])),
        ]);
        let planned = plan(&rt, &ctx, Some(&prior), &cfg).await;
        let updated = rt.update(&ctx, &prior, &planned).await.unwrap();
        assert_eq!(modify.num_calls(), 1);
        assert_eq!(updated.get("description"), &Value::from("cache subnets"));
        rt.delete(&ctx, &updated).await.unwrap();
        rt.delete(&ctx, &updated).await.expect("a second delete is harmless");
        assert_eq!(delete.num_calls(), 2);
    }
}

mod redshift {
    use super::*;
    use aws_sdk_redshift::operation::describe_cluster_subnet_groups::DescribeClusterSubnetGroupsOutput;
    use aws_sdk_redshift::operation::modify_cluster_subnet_group::ModifyClusterSubnetGroupOutput;
    use aws_sdk_redshift::types::{ClusterSubnetGroup, Subnet};
    use aws_sdk_redshift::Client;
    use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;

    fn group(description: &str) -> DescribeClusterSubnetGroupsOutput {
        let g = ClusterSubnetGroup::builder()
            .cluster_subnet_group_name("warehouse")
            .description(description)
            .vpc_id("vpc-1")
            .subnets(Subnet::builder().subnet_identifier("subnet-1").build())
            .build();
        DescribeClusterSubnetGroupsOutput::builder().cluster_subnet_groups(g).build()
    }

    #[tokio::test]
    async fn cluster_subnet_group_modify() {
        let describe = mock!(Client::describe_cluster_subnet_groups)
            .sequence()
            .output(|| group("old"))
            .output(|| group("new"))
            .repeatedly()
            .build();
        let modify = mock!(Client::modify_cluster_subnet_group)
            .match_requests(|r| r.cluster_subnet_group_name() == Some("warehouse") && r.description() == Some("new"))
            .then_output(|| ModifyClusterSubnetGroupOutput::builder().build());
        let whoami = mock!(aws_sdk_sts::Client::get_caller_identity)
            .then_output(|| GetCallerIdentityOutput::builder().account("123456789012").build());
        let client = mocked!(aws_sdk_redshift, &[&describe, &modify]);
        let sts = mocked!(aws_sdk_sts, &[&whoami]);
        let ctx = ctx("aws_redshift_subnet_group.w", |c| {
            c.redshift = client;
            c.sts = sts;
        });
        let rt = resource("aws_redshift_subnet_group");
        let prior = rt.import(&ctx, "warehouse").await.unwrap();
        assert_eq!(prior.get("arn"), &Value::from("arn:aws:redshift:us-east-1:123456789012:subnetgroup:warehouse"));
        let cfg = obj([
            ("name", Value::from("warehouse")),
            ("description", Value::from("new")),
            ("subnet_ids", Value::List(vec![Value::from("subnet-1")])),
        ]);
        let planned = plan(&rt, &ctx, Some(&prior), &cfg).await;
        let updated = rt.update(&ctx, &prior, &planned).await.unwrap();
        assert_eq!(modify.num_calls(), 1);
        assert_eq!(updated.get("description"), &Value::from("new"));
    }
}

/// IAM Roles Anywhere: moto has no such API.
mod rolesanywhere {
    use super::*;
    use aws_sdk_rolesanywhere::error::ErrorMetadata;
    use aws_sdk_rolesanywhere::operation::create_profile::CreateProfileOutput;
    use aws_sdk_rolesanywhere::operation::create_trust_anchor::CreateTrustAnchorOutput;
    use aws_sdk_rolesanywhere::operation::delete_profile::{DeleteProfileError, DeleteProfileOutput};
    use aws_sdk_rolesanywhere::operation::delete_trust_anchor::{DeleteTrustAnchorError, DeleteTrustAnchorOutput};
    use aws_sdk_rolesanywhere::operation::disable_profile::DisableProfileOutput;
    use aws_sdk_rolesanywhere::operation::disable_trust_anchor::DisableTrustAnchorOutput;
    use aws_sdk_rolesanywhere::operation::get_profile::{GetProfileError, GetProfileOutput};
    use aws_sdk_rolesanywhere::operation::get_trust_anchor::{GetTrustAnchorError, GetTrustAnchorOutput};
    use aws_sdk_rolesanywhere::operation::list_tags_for_resource::ListTagsForResourceOutput;
    use aws_sdk_rolesanywhere::operation::list_trust_anchors::ListTrustAnchorsOutput;
    use aws_sdk_rolesanywhere::operation::update_profile::UpdateProfileOutput;
    use aws_sdk_rolesanywhere::types::error::ResourceNotFoundException;
    use aws_sdk_rolesanywhere::types::{
        NotificationChannel, NotificationEvent, NotificationSettingDetail, ProfileDetail, Source, SourceData, Tag,
        TrustAnchorDetail, TrustAnchorType,
    };
    use aws_sdk_rolesanywhere::Client;
    use meshplan_provider::INTENT_TAG;

    const TOKEN: &str = "mp-0000000000000000000000e1";
    const ANCHOR_ARN: &str = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/ta-1";
    const PROFILE_ARN: &str = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p-1";
    const PCA: &str = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/ca-1";

    fn not_found() -> ResourceNotFoundException {
        ResourceNotFoundException::builder()
            .message("not found")
            .meta(ErrorMetadata::builder().code("ResourceNotFoundException").build())
            .build()
    }

    fn tags() -> ListTagsForResourceOutput {
        let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build().unwrap();
        ListTagsForResourceOutput::builder().tags(tag("team", "edge")).tags(tag(INTENT_TAG, TOKEN)).build()
    }

    fn anchor(enabled: bool) -> TrustAnchorDetail {
        let default_setting = |event: NotificationEvent| {
            NotificationSettingDetail::builder()
                .enabled(true)
                .event(event)
                .threshold(45)
                .channel(NotificationChannel::All)
                .configured_by("rolesanywhere.amazonaws.com")
                .build()
                .unwrap()
        };
        TrustAnchorDetail::builder()
            .trust_anchor_id("ta-1")
            .trust_anchor_arn(ANCHOR_ARN)
            .name("hybrid")
            .enabled(enabled)
            .source(
                Source::builder()
                    .source_type(TrustAnchorType::AwsAcmPca)
                    .source_data(SourceData::AcmPcaArn(PCA.into()))
                    .build(),
            )
            .notification_settings(default_setting(NotificationEvent::CaCertificateExpiry))
            .notification_settings(default_setting(NotificationEvent::EndEntityCertificateExpiry))
            .build()
    }

    fn anchor_config(enabled: bool) -> Value {
        obj([
            ("name", Value::from("hybrid")),
            ("enabled", Value::from(enabled)),
            (
                "source",
                Value::List(vec![obj([
                    ("source_type", Value::from("AWS_ACM_PCA")),
                    ("source_data", Value::List(vec![obj([("acm_pca_arn", Value::from(PCA))])])),
                ])]),
            ),
            ("tags", Value::object([("team", Value::from("edge"))])),
        ])
    }

    #[tokio::test]
    async fn trust_anchor_lifecycle() {
        let create = mock!(Client::create_trust_anchor)
            .match_requests(|r| {
                r.name() == Some("hybrid")
                    && r.enabled() == Some(true)
                    && r.tags().iter().any(|t| t.key() == INTENT_TAG && t.value() == TOKEN)
                    && matches!(r.source().and_then(|s| s.source_data()), Some(SourceData::AcmPcaArn(a)) if a == PCA)
            })
            .then_output(|| CreateTrustAnchorOutput::builder().trust_anchor(anchor(true)).build());
        let get = mock!(Client::get_trust_anchor)
            .sequence()
            .output(|| GetTrustAnchorOutput::builder().trust_anchor(anchor(true)).build())
            .times(2) // the create's read-back, find's
            .output(|| GetTrustAnchorOutput::builder().trust_anchor(anchor(false)).build())
            .error(|| GetTrustAnchorError::ResourceNotFoundException(not_found()))
            .repeatedly()
            .build();
        let list = mock!(Client::list_trust_anchors)
            .then_output(|| ListTrustAnchorsOutput::builder().trust_anchors(anchor(true)).build());
        let tagged = mock!(Client::list_tags_for_resource).then_output(tags);
        let disable = mock!(Client::disable_trust_anchor)
            .match_requests(|r| r.trust_anchor_id() == Some("ta-1"))
            .then_output(|| DisableTrustAnchorOutput::builder().trust_anchor(anchor(false)).build());
        let delete = mock!(Client::delete_trust_anchor)
            .sequence()
            .output(|| DeleteTrustAnchorOutput::builder().trust_anchor(anchor(false)).build())
            .error(|| DeleteTrustAnchorError::ResourceNotFoundException(not_found()))
            .build();
        let client = mocked!(aws_sdk_rolesanywhere, &[&create, &get, &list, &tagged, &disable, &delete]);
        let ctx = ctx("aws_rolesanywhere_trust_anchor.a", |c| c.rolesanywhere = client);
        let ctx = ctx.with_idempotency_token(TOKEN);
        let rt = resource("aws_rolesanywhere_trust_anchor");

        let planned = plan(&rt, &ctx, None, &anchor_config(true)).await;
        let state = rt.create(&ctx, &planned).await.unwrap();
        assert_eq!(state.get("id"), &Value::from("ta-1"));
        assert_eq!(state.get("arn"), &Value::from(ANCHOR_ARN));
        assert_eq!(state.get("tags"), &Value::object([("team", Value::from("edge"))]), "the intent tag is hidden");
        assert_eq!(state.get("notification_settings"), &Value::List(vec![]), "AWS's own settings are not drift");
        let source = &state.get("source").as_list().unwrap()[0];
        assert_eq!(source.get("source_data").as_list().unwrap()[0].get("acm_pca_arn"), &Value::from(PCA));
        let found = rt.find(&ctx, TOKEN, &planned).await.unwrap().expect("found by name and intent tag");
        assert_eq!(found.get("id"), &Value::from("ta-1"));
        assert_eq!(create.num_calls(), 1);

        let disabled = plan(&rt, &ctx, Some(&state), &anchor_config(false)).await;
        let updated = rt.update(&ctx, &state, &disabled).await.unwrap();
        assert_eq!(disable.num_calls(), 1);
        assert_eq!(updated.get("enabled"), &Value::from(false));
        rt.delete(&ctx, &updated).await.unwrap();
        rt.delete(&ctx, &updated).await.expect("a second delete is harmless");
        assert!(rt.read(&ctx, &updated).await.unwrap().is_none());
    }

    fn profile(name: &str, enabled: bool) -> ProfileDetail {
        ProfileDetail::builder()
            .profile_id("p-1")
            .profile_arn(PROFILE_ARN)
            .name(name)
            .role_arns("arn:aws:iam::123456789012:role/hybrid-node")
            .duration_seconds(3600)
            .enabled(enabled)
            .build()
    }

    fn profile_config(name: &str, enabled: bool) -> Value {
        obj([
            ("name", Value::from(name)),
            ("enabled", Value::from(enabled)),
            ("role_arns", Value::List(vec![Value::from("arn:aws:iam::123456789012:role/hybrid-node")])),
            ("tags", Value::object([("team", Value::from("edge"))])),
        ])
    }

    #[tokio::test]
    async fn profile_lifecycle() {
        let create = mock!(Client::create_profile)
            .match_requests(|r| {
                r.name() == Some("nodes")
                    && r.role_arns().len() == 1
                    && r.tags().iter().any(|t| t.key() == INTENT_TAG && t.value() == TOKEN)
            })
            .then_output(|| CreateProfileOutput::builder().profile(profile("nodes", true)).build());
        let get = mock!(Client::get_profile)
            .sequence()
            .output(|| GetProfileOutput::builder().profile(profile("nodes", true)).build())
            .output(|| GetProfileOutput::builder().profile(profile("hybrid-nodes", false)).build())
            .error(|| GetProfileError::ResourceNotFoundException(not_found()))
            .repeatedly()
            .build();
        let tagged = mock!(Client::list_tags_for_resource).then_output(tags);
        let update = mock!(Client::update_profile)
            .match_requests(|r| r.profile_id() == Some("p-1") && r.name() == Some("hybrid-nodes"))
            .then_output(|| UpdateProfileOutput::builder().profile(profile("hybrid-nodes", true)).build());
        let disable = mock!(Client::disable_profile)
            .then_output(|| DisableProfileOutput::builder().profile(profile("hybrid-nodes", false)).build());
        let delete = mock!(Client::delete_profile)
            .sequence()
            .output(|| DeleteProfileOutput::builder().build())
            .error(|| DeleteProfileError::ResourceNotFoundException(not_found()))
            .build();
        let client = mocked!(aws_sdk_rolesanywhere, &[&create, &get, &tagged, &update, &disable, &delete]);
        let ctx = ctx("aws_rolesanywhere_profile.p", |c| c.rolesanywhere = client).with_idempotency_token(TOKEN);
        let rt = resource("aws_rolesanywhere_profile");
        let planned = plan(&rt, &ctx, None, &profile_config("nodes", true)).await;
        let state = rt.create(&ctx, &planned).await.unwrap();
        assert_eq!(state.get("id"), &Value::from("p-1"));
        assert_eq!(state.get("duration_seconds"), &Value::from(3600i64));
        assert_eq!(state.get("tags"), &Value::object([("team", Value::from("edge"))]));
        let next = plan(&rt, &ctx, Some(&state), &profile_config("hybrid-nodes", false)).await;
        let updated = rt.update(&ctx, &state, &next).await.unwrap();
        assert_eq!((update.num_calls(), disable.num_calls()), (1, 1));
        assert_eq!(updated.get("name"), &Value::from("hybrid-nodes"));
        rt.delete(&ctx, &updated).await.unwrap();
        rt.delete(&ctx, &updated).await.expect("a second delete is harmless");
        assert!(rt.read(&ctx, &updated).await.unwrap().is_none());
    }
}

/// moto's ModifyDBSubnetGroup drops the group from its store.
mod rds {
    use super::*;
    use aws_sdk_rds::operation::describe_db_subnet_groups::DescribeDbSubnetGroupsOutput;
    use aws_sdk_rds::operation::list_tags_for_resource::ListTagsForResourceOutput;
    use aws_sdk_rds::operation::modify_db_subnet_group::ModifyDbSubnetGroupOutput;
    use aws_sdk_rds::types::{DbSubnetGroup, Subnet};
    use aws_sdk_rds::Client;

    fn group(description: &str, subnets: &[&str]) -> DescribeDbSubnetGroupsOutput {
        let mut g = DbSubnetGroup::builder()
            .db_subnet_group_name("db")
            .db_subnet_group_description(description)
            .vpc_id("vpc-1")
            .db_subnet_group_arn("arn:aws:rds:us-east-1:123456789012:subgrp:db")
            .supported_network_types("IPV4");
        for id in subnets {
            g = g.subnets(Subnet::builder().subnet_identifier(*id).build());
        }
        DescribeDbSubnetGroupsOutput::builder().db_subnet_groups(g.build()).build()
    }

    #[tokio::test]
    async fn db_subnet_group_description_and_subnets_change_in_place() {
        let describe = mock!(Client::describe_db_subnet_groups)
            .sequence()
            .output(|| group("Managed by Terraform", &["subnet-1", "subnet-2"]))
            .output(|| group("databases", &["subnet-1", "subnet-3"]))
            .repeatedly()
            .build();
        let tags = mock!(Client::list_tags_for_resource).then_output(|| ListTagsForResourceOutput::builder().build());
        let modify = mock!(Client::modify_db_subnet_group)
            .match_requests(|r| {
                r.db_subnet_group_name() == Some("db")
                    && r.db_subnet_group_description() == Some("databases")
                    && r.subnet_ids() == ["subnet-1", "subnet-3"]
            })
            .then_output(|| ModifyDbSubnetGroupOutput::builder().build());
        let client = mocked!(aws_sdk_rds, &[&describe, &tags, &modify]);
        let ctx = ctx("aws_db_subnet_group.db", |c| c.rds = client);
        let rt = resource("aws_db_subnet_group");
        let prior = rt.import(&ctx, "db").await.unwrap();
        assert_eq!(prior.get("supported_network_types"), &Value::List(vec![Value::from("IPV4")]));
        let cfg = obj([
            ("name", Value::from("db")),
            ("description", Value::from("databases")),
            ("subnet_ids", Value::List(vec![Value::from("subnet-1"), Value::from("subnet-3")])),
        ]);
        let planned = plan(&rt, &ctx, Some(&prior), &cfg).await;
        let updated = rt.update(&ctx, &prior, &planned).await.unwrap();
        assert_eq!(modify.num_calls(), 1);
        assert_eq!(updated.get("description"), &Value::from("databases"));
    }
}

/// moto's GetTopicAttributes leaves out the delivery-status attributes.
mod sns {
    use super::*;
    use aws_sdk_sns::operation::get_topic_attributes::GetTopicAttributesOutput;
    use aws_sdk_sns::operation::list_tags_for_resource::ListTagsForResourceOutput;
    use aws_sdk_sns::operation::set_topic_attributes::SetTopicAttributesOutput;
    use aws_sdk_sns::Client;
    use std::collections::HashMap;

    const ARN: &str = "arn:aws:sns:us-east-1:123456789012:t";

    fn attributes(rate: &str) -> GetTopicAttributesOutput {
        let attrs = HashMap::from([
            ("TopicArn".to_string(), ARN.to_string()),
            ("Owner".to_string(), "123456789012".to_string()),
            ("SQSSuccessFeedbackSampleRate".to_string(), rate.to_string()),
            ("LambdaFailureFeedbackRoleArn".to_string(), "arn:aws:iam::123456789012:role/f".to_string()),
        ]);
        GetTopicAttributesOutput::builder().set_attributes(Some(attrs)).build()
    }

    #[tokio::test]
    async fn delivery_status_attributes_are_set_and_read() {
        let get = mock!(Client::get_topic_attributes)
            .sequence()
            .output(|| attributes("50"))
            .output(|| attributes("75"))
            .repeatedly()
            .build();
        let tags = mock!(Client::list_tags_for_resource).then_output(|| ListTagsForResourceOutput::builder().build());
        let set_rate = mock!(Client::set_topic_attributes)
            .match_requests(|r| {
                r.attribute_name() == Some("SQSSuccessFeedbackSampleRate") && r.attribute_value() == Some("75")
            })
            .then_output(|| SetTopicAttributesOutput::builder().build());
        let client = mocked!(aws_sdk_sns, &[&get, &tags, &set_rate]);
        let ctx = ctx("aws_sns_topic.t", |c| c.sns = client);
        let rt = resource("aws_sns_topic");
        let prior = rt.import(&ctx, ARN).await.unwrap();
        assert_eq!(prior.get("sqs_success_feedback_sample_rate"), &Value::from(50i64));
        assert_eq!(prior.get("lambda_failure_feedback_role_arn"), &Value::from("arn:aws:iam::123456789012:role/f"));
        let cfg = obj([
            ("name", Value::from("t")),
            ("sqs_success_feedback_sample_rate", Value::from(75i64)),
            ("lambda_failure_feedback_role_arn", Value::from("arn:aws:iam::123456789012:role/f")),
        ]);
        let planned = plan(&rt, &ctx, Some(&prior), &cfg).await;
        let updated = rt.update(&ctx, &prior, &planned).await.unwrap();
        assert_eq!(set_rate.num_calls(), 1, "only the changed attribute is set");
        assert_eq!(updated.get("sqs_success_feedback_sample_rate"), &Value::from(75i64));
    }
}

/// A stack that rolls back: moto completes every template it can run.
mod cloudformation {
    use super::*;
    use aws_sdk_cloudformation::operation::create_stack::CreateStackOutput;
    use aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsOutput;
    use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksOutput;
    use aws_sdk_cloudformation::types::{ResourceStatus, Stack, StackEvent, StackStatus};
    use aws_sdk_cloudformation::Client;

    const ID: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/broken/1";

    fn stack(status: StackStatus) -> DescribeStacksOutput {
        let s = Stack::builder()
            .stack_id(ID)
            .stack_name("broken")
            .stack_status(status)
            .creation_time(aws_smithy_types::DateTime::from_secs(0))
            .build();
        DescribeStacksOutput::builder().stacks(s).build()
    }

    #[tokio::test]
    async fn a_rolled_back_create_names_the_failed_resources_and_keeps_the_stack() {
        let create = mock!(Client::create_stack)
            .match_requests(|r| r.client_request_token() == Some("mp-0000000000000000000000f2"))
            .then_output(|| CreateStackOutput::builder().stack_id(ID).build());
        let describe = mock!(Client::describe_stacks)
            .sequence()
            .output(|| stack(StackStatus::CreateInProgress))
            .output(|| stack(StackStatus::RollbackInProgress))
            .output(|| stack(StackStatus::RollbackComplete))
            .repeatedly()
            .build();
        let events = mock!(Client::describe_stack_events).then_output(|| {
            let failed = StackEvent::builder()
                .stack_id(ID)
                .event_id("e1")
                .stack_name("broken")
                .logical_resource_id("Bucket")
                .resource_type("AWS::S3::Bucket")
                .resource_status(ResourceStatus::CreateFailed)
                .resource_status_reason("bucket name already taken")
                .timestamp(aws_smithy_types::DateTime::from_secs(0))
                .build();
            DescribeStackEventsOutput::builder().stack_events(failed).build()
        });
        let client = mocked!(aws_sdk_cloudformation, &[&create, &describe, &events]);
        let ctx = ctx("aws_cloudformation_stack.s", |c| c.cloudformation = client)
            .with_idempotency_token("mp-0000000000000000000000f2");
        let rt = resource("aws_cloudformation_stack");
        let cfg = obj([("name", Value::from("broken")), ("template_body", Value::from("{\"Resources\":{}}"))]);
        let planned = plan(&rt, &ctx, None, &cfg).await;
        let err = rt.create(&ctx, &planned).await.unwrap_err();
        assert!(err.message.contains("ROLLBACK_COMPLETE"), "{}", err.message);
        assert!(err.message.contains("Bucket (AWS::S3::Bucket): bucket name already taken"), "{}", err.message);
        assert_eq!(err.partial_state.expect("the stack stays in the state").get("id"), &Value::from(ID));
    }
}
