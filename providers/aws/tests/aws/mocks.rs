//! What moto does not do, replayed at the SDK level with aws-smithy-mocks: EKS waits
//! (CREATING → ACTIVE, DELETING → gone), addons, pod identity, access entries, S3
//! versioning, and the retry layer absorbing 5xx and eventual-consistency errors.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_sdk_eks::error::ErrorMetadata;
use aws_sdk_eks::operation::create_cluster::{CreateClusterError, CreateClusterOutput};
use aws_sdk_eks::operation::describe_addon::{DescribeAddonError, DescribeAddonOutput};
use aws_sdk_eks::operation::describe_cluster::{DescribeClusterError, DescribeClusterOutput};
use aws_sdk_eks::types::error::{InvalidParameterException, ResourceNotFoundException};
use aws_sdk_eks::types::{Addon, AddonStatus, Certificate, Cluster, ClusterStatus, VpcConfigResponse};
use aws_sdk_eks::Client as Eks;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use meshplan_provider::{Ctx, PlanRequest, Provider, ResourceType, Value};
use meshplan_provider_aws::{AwsClients, AwsProvider, RetryPolicy, Settings};
use std::sync::Arc;
use std::time::Duration;

use crate::support::{complete, obj};

/// Clients whose EKS (and optionally S3) client is mocked; the others point nowhere.
pub(crate) fn ctx_with(eks: Eks, s3: Option<aws_sdk_s3::Client>, address: &str) -> Ctx {
    let sdk = SdkConfig::builder()
        .region(Region::new("us-east-1"))
        .behavior_version(BehaviorVersion::latest())
        .credentials_provider(SharedCredentialsProvider::new(Credentials::from_keys("AKID", "secret", None)))
        .endpoint_url("http://127.0.0.1:9")
        .build();
    let mut clients = AwsClients::from_sdk_config(&sdk, &Settings::default());
    clients.eks = eks;
    if let Some(s3) = s3 {
        clients.s3 = s3;
    }
    clients.poll_interval = Duration::from_millis(5);
    clients.retry = RetryPolicy {
        max_retries: 5,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        consistency_budget: Duration::from_secs(5),
    };
    Ctx::new(Arc::new(clients), address)
}

fn resource(name: &str) -> Arc<dyn ResourceType> {
    AwsProvider.resource_types().into_iter().find(|r| r.type_name() == name).unwrap()
}

pub(crate) async fn plan_create(rt: &Arc<dyn ResourceType>, ctx: &Ctx, config: &Value) -> Value {
    let config = complete(&rt.schema(), config);
    rt.plan(ctx, PlanRequest { prior: None, config: &config }).await.unwrap().state
}

fn meta(code: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message(code).build()
}

fn cluster(status: ClusterStatus) -> DescribeClusterOutput {
    DescribeClusterOutput::builder()
        .cluster(
            Cluster::builder()
                .name("foo")
                .arn("arn:aws:eks:us-east-1:123456789012:cluster/foo")
                .role_arn("arn:aws:iam::123456789012:role/r")
                .version("1.29")
                .status(status)
                .endpoint("https://ABC.gr7.us-east-1.eks.amazonaws.com")
                .certificate_authority(Certificate::builder().data("LS0tLS1CRUdJTg==").build())
                .resources_vpc_config(
                    VpcConfigResponse::builder().subnet_ids("subnet-1").endpoint_public_access(true).build(),
                )
                .build(),
        )
        .build()
}

fn cluster_config() -> Value {
    obj([
        ("name", Value::from("foo")),
        ("role_arn", Value::from("arn:aws:iam::123456789012:role/r")),
        ("version", Value::from("1.29")),
        ("vpc_config", Value::List(vec![obj([("subnet_ids", Value::List(vec![Value::from("subnet-1")]))])])),
    ])
}

#[tokio::test]
async fn cluster_waits_for_active_and_for_deletion_through_retries() {
    // A fresh role EKS cannot assume yet, then success.
    // Terraform's default for bootstrap_self_managed_addons (true) is sent.
    let create = mock!(Eks::create_cluster)
        .match_requests(|r| r.bootstrap_self_managed_addons() == Some(true))
        .sequence()
        .error(|| {
            CreateClusterError::InvalidParameterException(
                InvalidParameterException::builder()
                    .message("Role with arn: arn:aws:iam::123456789012:role/r, could not be assumed because it does not exist or the trusted entity is not correct")
                    .meta(ErrorMetadata::builder().code("InvalidParameterException").message("Role with arn: x, could not be assumed").build())
                    .build(),
            )
        })
        .output(|| CreateClusterOutput::builder().build())
        .build();
    // CREATING twice, a 503 in between (absorbed), ACTIVE; then DELETING, then gone.
    let describe = mock!(Eks::describe_cluster)
        .sequence()
        .output(|| cluster(ClusterStatus::Creating))
        .http_status(503, None)
        .output(|| cluster(ClusterStatus::Creating))
        .output(|| cluster(ClusterStatus::Active))
        .times(3) // the wait, the read-back, the delete's look (is it DELETING already?)
        .output(|| cluster(ClusterStatus::Deleting))
        .error(|| {
            DescribeClusterError::ResourceNotFoundException(
                ResourceNotFoundException::builder().meta(meta("ResourceNotFoundException")).build(),
            )
        })
        .repeatedly()
        .build();
    let delete = mock!(Eks::delete_cluster)
        .then_output(|| aws_sdk_eks::operation::delete_cluster::DeleteClusterOutput::builder().build());
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&create, &describe, &delete]);
    let ctx = ctx_with(eks, None, "aws_eks_cluster.foo");
    let rt = resource("aws_eks_cluster");
    let planned = plan_create(&rt, &ctx, &cluster_config()).await;
    let state = rt.create(&ctx, &planned).await.unwrap();
    assert_eq!(state.get("status"), &Value::from("ACTIVE"));
    assert_eq!(state.get("certificate_authority").as_list().unwrap()[0].get("data"), &Value::from("LS0tLS1CRUdJTg=="));
    assert_eq!(create.num_calls(), 2, "the eventual-consistency error was retried");
    assert_eq!(state.get("bootstrap_self_managed_addons"), &Value::from(true));
    let mut old = state.clone();
    old.set("bootstrap_self_managed_addons", Value::Null);
    let config = complete(&rt.schema(), &cluster_config());
    let p = rt.plan(&ctx, PlanRequest { prior: Some(&old), config: &config }).await.unwrap();
    assert!(!p.replaces(), "state written before bootstrap_self_managed_addons is no replacement: {p:?}");
    rt.delete(&ctx, &state).await.unwrap();
    assert!(rt.read(&ctx, &state).await.unwrap().is_none());
    assert_eq!(delete.num_calls(), 1);
}

#[tokio::test]
async fn cluster_create_times_out_with_partial_state() {
    let create = mock!(Eks::create_cluster).then_output(|| CreateClusterOutput::builder().build());
    let describe = mock!(Eks::describe_cluster).then_output(|| cluster(ClusterStatus::Creating));
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&create, &describe]);
    let ctx = ctx_with(eks, None, "aws_eks_cluster.foo");
    let rt = resource("aws_eks_cluster");
    let mut cfg = cluster_config();
    cfg.set("timeouts", obj([("create", Value::from("50ms"))]));
    let planned = plan_create(&rt, &ctx, &cfg).await;
    let err = rt.create(&ctx, &planned).await.unwrap_err();
    assert!(err.message.contains("timed out") && err.message.contains("CREATING"), "{}", err.message);
    assert!(err.message.starts_with("aws_eks_cluster.foo:"), "{}", err.message);
    assert_eq!(err.partial_state.unwrap().get("id"), &Value::from("foo"), "the created cluster is not orphaned");
}

fn addon(status: AddonStatus, version: &str) -> DescribeAddonOutput {
    DescribeAddonOutput::builder()
        .addon(
            Addon::builder()
                .addon_name("aws-ebs-csi-driver")
                .cluster_name("foo")
                .addon_arn("arn:aws:eks:us-east-1:123456789012:addon/foo/aws-ebs-csi-driver/x")
                .addon_version(version)
                .service_account_role_arn("arn:aws:iam::123456789012:role/ebs")
                .status(status)
                .build(),
        )
        .build()
}

#[tokio::test]
async fn addon_create_update_delete_with_waits() {
    use aws_sdk_eks::operation::{
        create_addon::CreateAddonOutput, delete_addon::DeleteAddonOutput, update_addon::UpdateAddonOutput,
    };
    let create = mock!(Eks::create_addon).then_output(|| CreateAddonOutput::builder().build());
    let update = mock!(Eks::update_addon)
        .match_requests(|r| r.addon_version() == Some("v1.31.0-eksbuild.1"))
        .then_output(|| UpdateAddonOutput::builder().build());
    let delete = mock!(Eks::delete_addon).then_output(|| DeleteAddonOutput::builder().build());
    let describe = mock!(Eks::describe_addon)
        .sequence()
        .output(|| addon(AddonStatus::Creating, "v1.30.0-eksbuild.1"))
        .output(|| addon(AddonStatus::Degraded, "v1.30.0-eksbuild.1"))
        .output(|| addon(AddonStatus::Active, "v1.30.0-eksbuild.1"))
        .times(2)
        .output(|| addon(AddonStatus::Updating, "v1.31.0-eksbuild.1"))
        .output(|| addon(AddonStatus::Active, "v1.31.0-eksbuild.1"))
        .times(2)
        .output(|| addon(AddonStatus::Deleting, "v1.31.0-eksbuild.1"))
        .error(|| {
            DescribeAddonError::ResourceNotFoundException(
                ResourceNotFoundException::builder().meta(meta("ResourceNotFoundException")).build(),
            )
        })
        .repeatedly()
        .build();
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&create, &update, &delete, &describe]);
    let ctx = ctx_with(eks, None, "aws_eks_addon.ebs");
    let rt = resource("aws_eks_addon");
    let cfg = |version: &str| {
        obj([
            ("cluster_name", Value::from("foo")),
            ("addon_name", Value::from("aws-ebs-csi-driver")),
            ("addon_version", Value::from(version)),
            ("service_account_role_arn", Value::from("arn:aws:iam::123456789012:role/ebs")),
            ("resolve_conflicts_on_create", Value::from("OVERWRITE")),
        ])
    };
    let state = rt.create(&ctx, &plan_create(&rt, &ctx, &cfg("v1.30.0-eksbuild.1")).await).await.unwrap();
    assert_eq!(state.get("id"), &Value::from("foo:aws-ebs-csi-driver"));
    assert_eq!(create.num_calls(), 1);

    let config = complete(&rt.schema(), &cfg("v1.31.0-eksbuild.1"));
    let planned = rt.plan(&ctx, PlanRequest { prior: Some(&state), config: &config }).await.unwrap();
    assert!(!planned.replaces());
    let updated = rt.update(&ctx, &state, &planned.state).await.unwrap();
    assert_eq!(updated.get("addon_version"), &Value::from("v1.31.0-eksbuild.1"));
    assert_eq!(update.num_calls(), 1);

    rt.delete(&ctx, &updated).await.unwrap();
    assert!(rt.read(&ctx, &updated).await.unwrap().is_none(), "gone after delete");
    assert_eq!(delete.num_calls(), 1);
}

#[tokio::test]
async fn addon_import_reads_by_cluster_and_name() {
    let describe = mock!(Eks::describe_addon).then_output(|| addon(AddonStatus::Active, "v1.30.0-eksbuild.1"));
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&describe]);
    let ctx = ctx_with(eks, None, "aws_eks_addon.ebs");
    let imported = resource("aws_eks_addon").import(&ctx, "foo:aws-ebs-csi-driver").await.unwrap();
    assert_eq!(imported.get("addon_version"), &Value::from("v1.30.0-eksbuild.1"));
    assert!(resource("aws_eks_addon").import(&ctx, "no-colon").await.is_err());
}

#[tokio::test]
async fn pod_identity_association_and_access_entry() {
    use aws_sdk_eks::operation::create_access_entry::CreateAccessEntryOutput;
    use aws_sdk_eks::operation::create_pod_identity_association::CreatePodIdentityAssociationOutput;
    use aws_sdk_eks::operation::describe_access_entry::DescribeAccessEntryOutput;
    use aws_sdk_eks::operation::describe_pod_identity_association::DescribePodIdentityAssociationOutput;
    use aws_sdk_eks::types::{AccessEntry, PodIdentityAssociation};
    let assoc = || {
        PodIdentityAssociation::builder()
            .cluster_name("foo")
            .namespace("kube-system")
            .service_account("ebs-csi-controller-sa")
            .role_arn("arn:aws:iam::123456789012:role/ebs")
            .association_id("a-123")
            .association_arn("arn:aws:eks:us-east-1:123456789012:podidentityassociation/foo/a-123")
            .build()
    };
    let create_pia = mock!(Eks::create_pod_identity_association)
        .then_output(move || CreatePodIdentityAssociationOutput::builder().association(assoc()).build());
    let describe_pia = mock!(Eks::describe_pod_identity_association)
        .then_output(move || DescribePodIdentityAssociationOutput::builder().association(assoc()).build());
    let entry = || {
        AccessEntry::builder()
            .cluster_name("foo")
            .principal_arn("arn:aws:iam::123456789012:role/admin")
            .kubernetes_groups("masters")
            .r#type("STANDARD")
            .username("arn:aws:sts::123456789012:assumed-role/admin/{{SessionName}}")
            .access_entry_arn("arn:aws:eks:us-east-1:123456789012:access-entry/foo/role/123456789012/admin/x")
            .created_at(aws_smithy_types::DateTime::from_secs(1_700_000_000))
            .modified_at(aws_smithy_types::DateTime::from_secs(1_700_000_600))
            .build()
    };
    let create_ae = mock!(Eks::create_access_entry)
        .then_output(move || CreateAccessEntryOutput::builder().access_entry(entry()).build());
    let describe_ae = mock!(Eks::describe_access_entry)
        .then_output(move || DescribeAccessEntryOutput::builder().access_entry(entry()).build());
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&create_pia, &describe_pia, &create_ae, &describe_ae]);
    let ctx = ctx_with(eks, None, "aws_eks_pod_identity_association.ebs");

    let pia = resource("aws_eks_pod_identity_association");
    let cfg = obj([
        ("cluster_name", Value::from("foo")),
        ("namespace", Value::from("kube-system")),
        ("service_account", Value::from("ebs-csi-controller-sa")),
        ("role_arn", Value::from("arn:aws:iam::123456789012:role/ebs")),
    ]);
    let state = pia.create(&ctx, &plan_create(&pia, &ctx, &cfg).await).await.unwrap();
    assert_eq!(state.get("association_id"), &Value::from("a-123"));
    let imported = pia.import(&ctx, "foo,a-123").await.unwrap();
    assert_eq!(imported.get("service_account"), &Value::from("ebs-csi-controller-sa"));

    let ae = resource("aws_eks_access_entry");
    let cfg = obj([
        ("cluster_name", Value::from("foo")),
        ("principal_arn", Value::from("arn:aws:iam::123456789012:role/admin")),
        ("kubernetes_groups", Value::List(vec![Value::from("masters")])),
    ]);
    let state = ae.create(&ctx, &plan_create(&ae, &ctx, &cfg).await).await.unwrap();
    assert_eq!(state.get("id"), &Value::from("foo:arn:aws:iam::123456789012:role/admin"));
    assert_eq!(state.get("created_at"), &Value::from("2023-11-14T22:13:20Z"));
    assert_eq!(state.get("modified_at"), &Value::from("2023-11-14T22:23:20Z"));
    let imported = ae.import(&ctx, "foo:arn:aws:iam::123456789012:role/admin").await.unwrap();
    assert_eq!(imported.get("kubernetes_groups"), &Value::List(vec![Value::from("masters")]));
}

#[tokio::test]
async fn s3_bucket_versioning() {
    use aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput;
    use aws_sdk_s3::operation::put_bucket_versioning::PutBucketVersioningOutput;
    use aws_sdk_s3::types::BucketVersioningStatus;
    use aws_sdk_s3::Client as S3;
    let put = mock!(S3::put_bucket_versioning).then_output(|| PutBucketVersioningOutput::builder().build());
    let get = mock!(S3::get_bucket_versioning)
        .sequence()
        .output(|| GetBucketVersioningOutput::builder().status(BucketVersioningStatus::Enabled).build())
        .times(2)
        .output(|| GetBucketVersioningOutput::builder().status(BucketVersioningStatus::Suspended).build())
        .repeatedly()
        .build();
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&put, &get]);
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, Vec::<&aws_smithy_mocks::Rule>::new());
    let ctx = ctx_with(eks, Some(s3), "aws_s3_bucket_versioning.irsa");
    let rt = resource("aws_s3_bucket_versioning");
    let cfg = |status: &str| {
        obj([
            ("bucket", Value::from("irsa")),
            ("versioning_configuration", Value::List(vec![obj([("status", Value::from(status))])])),
        ])
    };
    let state = rt.create(&ctx, &plan_create(&rt, &ctx, &cfg("Enabled")).await).await.unwrap();
    assert_eq!(state.get("versioning_configuration").as_list().unwrap()[0].get("status"), &Value::from("Enabled"));
    let config = complete(&rt.schema(), &cfg("Enabled"));
    let refreshed = rt.read(&ctx, &state).await.unwrap().unwrap();
    let planned = rt.plan(&ctx, PlanRequest { prior: Some(&refreshed), config: &config }).await.unwrap();
    assert_eq!(planned.state, refreshed, "no changes");
    let config = complete(&rt.schema(), &cfg("Suspended"));
    let planned = rt.plan(&ctx, PlanRequest { prior: Some(&refreshed), config: &config }).await.unwrap();
    let updated = rt.update(&ctx, &refreshed, &planned.state).await.unwrap();
    assert_eq!(updated.get("versioning_configuration").as_list().unwrap()[0].get("status"), &Value::from("Suspended"));
    let imported = rt.import(&ctx, "irsa").await.unwrap();
    assert_eq!(imported.get("versioning_configuration").as_list().unwrap()[0].get("status"), &Value::from("Suspended"));
    rt.delete(&ctx, &updated).await.unwrap();
    assert_eq!(put.num_calls(), 3);
}

#[tokio::test]
async fn node_group_waits_for_active_and_for_deletion() {
    use aws_sdk_eks::operation::create_nodegroup::CreateNodegroupOutput;
    use aws_sdk_eks::operation::delete_nodegroup::DeleteNodegroupOutput;
    use aws_sdk_eks::operation::describe_nodegroup::{DescribeNodegroupError, DescribeNodegroupOutput};
    use aws_sdk_eks::types::{Nodegroup, NodegroupScalingConfig, NodegroupStatus};
    let ng = |status: NodegroupStatus| {
        DescribeNodegroupOutput::builder()
            .nodegroup(
                Nodegroup::builder()
                    .nodegroup_name("general")
                    .cluster_name("foo")
                    .nodegroup_arn("arn:aws:eks:us-east-1:123456789012:nodegroup/foo/general/x")
                    .node_role("arn:aws:iam::123456789012:role/nodes")
                    .subnets("subnet-1")
                    .instance_types("m5.large")
                    .scaling_config(NodegroupScalingConfig::builder().desired_size(2).min_size(2).max_size(2).build())
                    .status(status)
                    .build(),
            )
            .build()
    };
    let create = mock!(Eks::create_nodegroup).then_output(|| CreateNodegroupOutput::builder().build());
    let delete = mock!(Eks::delete_nodegroup).then_output(|| DeleteNodegroupOutput::builder().build());
    let describe = mock!(Eks::describe_nodegroup)
        .sequence()
        .output(move || ng(NodegroupStatus::Creating))
        .times(3)
        .output(move || ng(NodegroupStatus::Active))
        .times(2)
        .output(move || ng(NodegroupStatus::Deleting))
        .times(2)
        .error(|| {
            DescribeNodegroupError::ResourceNotFoundException(
                ResourceNotFoundException::builder().meta(meta("ResourceNotFoundException")).build(),
            )
        })
        .repeatedly()
        .build();
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&create, &delete, &describe]);
    let ctx = ctx_with(eks, None, "aws_eks_node_group.general");
    let rt = resource("aws_eks_node_group");
    let cfg = obj([
        ("cluster_name", Value::from("foo")),
        ("node_group_name", Value::from("general")),
        ("node_role_arn", Value::from("arn:aws:iam::123456789012:role/nodes")),
        ("subnet_ids", Value::List(vec![Value::from("subnet-1")])),
        ("instance_types", Value::List(vec![Value::from("m5.large")])),
        (
            "scaling_config",
            Value::List(vec![obj([
                ("desired_size", Value::from(2i64)),
                ("min_size", Value::from(2i64)),
                ("max_size", Value::from(2i64)),
            ])]),
        ),
    ]);
    let state = rt.create(&ctx, &plan_create(&rt, &ctx, &cfg).await).await.unwrap();
    assert_eq!(state.get("status"), &Value::from("ACTIVE"));
    assert_eq!(describe.num_calls(), 5, "three CREATING polls, ACTIVE, then the read-back");
    rt.delete(&ctx, &state).await.unwrap();
    assert_eq!(delete.num_calls(), 1);
    assert!(rt.read(&ctx, &state).await.unwrap().is_none());
}

#[tokio::test]
async fn cluster_subnet_change_is_an_in_place_update() {
    use aws_sdk_eks::operation::update_cluster_config::UpdateClusterConfigOutput;
    let update = mock!(Eks::update_cluster_config)
        .match_requests(|r| r.resources_vpc_config().is_some_and(|v| v.subnet_ids() == ["subnet-1", "subnet-2"]))
        .then_output(|| UpdateClusterConfigOutput::builder().build());
    let describe = mock!(Eks::describe_cluster)
        .sequence()
        .output(|| cluster(ClusterStatus::Updating))
        .output(|| cluster(ClusterStatus::Active))
        .repeatedly()
        .build();
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&update, &describe]);
    let ctx = ctx_with(eks, None, "aws_eks_cluster.foo");
    let rt = resource("aws_eks_cluster");
    let prior = rt.import(&ctx, "foo").await.unwrap();
    let mut cfg = cluster_config();
    cfg.set(
        "vpc_config",
        Value::List(vec![obj([("subnet_ids", Value::List(vec![Value::from("subnet-1"), Value::from("subnet-2")]))])]),
    );
    let config = complete(&rt.schema(), &cfg);
    let planned = rt.plan(&ctx, PlanRequest { prior: Some(&prior), config: &config }).await.unwrap();
    assert!(!planned.replaces(), "{:?}", planned.requires_replace);
    rt.update(&ctx, &prior, &planned.state).await.unwrap();
    assert_eq!(update.num_calls(), 1);
}

const TOKEN: &str = "mp-0123456789abcdef01234567";

/// A cluster as DescribeCluster shows it once a create with `token` made it.
fn tagged_cluster(status: ClusterStatus, token: &str) -> DescribeClusterOutput {
    let mut out = cluster(status);
    if let Some(c) = out.cluster.as_mut() {
        c.tags = Some(
            [(meshplan_provider::INTENT_TAG.to_string(), token.to_string()), ("Name".to_string(), "foo".to_string())]
                .into(),
        );
    }
    out
}

#[tokio::test]
async fn cluster_create_whose_answer_is_lost_is_found_not_resent() {
    // The request lands, the answer is a 500: the retry must look before it resends.
    let create = mock!(Eks::create_cluster)
        .match_requests(|r| {
            r.client_request_token() == Some(TOKEN)
                && r.tags().and_then(|t| t.get(meshplan_provider::INTENT_TAG)).map(String::as_str) == Some(TOKEN)
        })
        .sequence()
        .http_status(500, None)
        .output(|| CreateClusterOutput::builder().build())
        .build();
    let describe = mock!(Eks::describe_cluster)
        .sequence()
        .output(|| tagged_cluster(ClusterStatus::Active, TOKEN))
        .repeatedly()
        .build();
    // As the provider's own clients: no SDK-level retry, so only our create loop decides.
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&create, &describe], |c| c
        .retry_config(aws_sdk_eks::config::retry::RetryConfig::disabled()));
    let ctx = ctx_with(eks, None, "aws_eks_cluster.foo").with_idempotency_token(TOKEN);
    let rt = resource("aws_eks_cluster");
    let planned = plan_create(&rt, &ctx, &cluster_config()).await;
    let state = rt.create(&ctx, &planned).await.unwrap();
    assert_eq!(create.num_calls(), 1, "found by its token, not sent again");
    assert_eq!(state.get("tags_all"), &obj([("Name", Value::from("foo"))]), "the intent tag is not shown");
    assert_eq!(rt.find(&ctx, TOKEN, &planned).await.unwrap().as_ref(), Some(&state));
    assert_eq!(
        rt.find(&ctx, "mp-ffffffffffffffffffffffff", &planned).await.unwrap(),
        None,
        "another create's cluster is not ours"
    );
}

#[tokio::test]
async fn cluster_already_existing_without_our_token_is_an_error() {
    let create = mock!(Eks::create_cluster).then_error(|| {
        CreateClusterError::ResourceInUseException(
            aws_sdk_eks::types::error::ResourceInUseException::builder().meta(meta("ResourceInUseException")).build(),
        )
    });
    let describe = mock!(Eks::describe_cluster)
        .sequence()
        .output(|| tagged_cluster(ClusterStatus::Active, "mp-someoneelse00000000000"))
        .repeatedly()
        .build();
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&create, &describe]);
    let ctx = ctx_with(eks, None, "aws_eks_cluster.foo").with_idempotency_token(TOKEN);
    let rt = resource("aws_eks_cluster");
    let planned = plan_create(&rt, &ctx, &cluster_config()).await;
    let err = rt.create(&ctx, &planned).await.expect_err("not ours");
    assert!(err.message.contains("ResourceInUseException"), "{}", err.message);
    assert!(err.partial_state.is_none(), "nothing of ours exists");
}

#[tokio::test]
async fn a_read_that_fails_after_create_keeps_the_id() {
    let create = mock!(Eks::create_cluster).then_output(|| CreateClusterOutput::builder().build());
    // ACTIVE once (the wait), then an outage for the read-back.
    let describe = mock!(Eks::describe_cluster)
        .sequence()
        .output(|| tagged_cluster(ClusterStatus::Active, TOKEN))
        .http_status(503, None)
        .repeatedly()
        .build();
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&create, &describe]);
    let ctx = ctx_with(eks, None, "aws_eks_cluster.foo").with_idempotency_token(TOKEN);
    let rt = resource("aws_eks_cluster");
    let planned = plan_create(&rt, &ctx, &cluster_config()).await;
    let err = rt.create(&ctx, &planned).await.expect_err("the read-back fails");
    let partial = err.partial_state.expect("the error carries the created object");
    assert_eq!(partial.get("id"), &Value::from("foo"));
}

#[tokio::test]
async fn eks_cluster_data_source_reads_network_upgrade_and_zonal_shift() {
    use aws_sdk_eks::types::{
        IpFamily, KubernetesNetworkConfigResponse, SupportType, UpgradePolicyResponse, ZonalShiftConfigResponse,
    };
    let describe = mock!(Eks::describe_cluster).then_output(|| {
        let c = Cluster::builder()
            .name("foo")
            .status(ClusterStatus::Active)
            .kubernetes_network_config(
                KubernetesNetworkConfigResponse::builder()
                    .service_ipv4_cidr("172.20.0.0/16")
                    .ip_family(IpFamily::Ipv4)
                    .build(),
            )
            .upgrade_policy(UpgradePolicyResponse::builder().support_type(SupportType::Standard).build())
            .zonal_shift_config(ZonalShiftConfigResponse::builder().enabled(true).build())
            .build();
        DescribeClusterOutput::builder().cluster(c).build()
    });
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&describe]);
    let ctx = ctx_with(eks, None, "data.aws_eks_cluster.foo");
    let ds = AwsProvider.data_sources().into_iter().find(|d| d.type_name() == "aws_eks_cluster").unwrap();
    let v = ds.read(&ctx, &complete(&ds.schema(), &obj([("name", Value::from("foo"))]))).await.unwrap();
    let net = &v.get("kubernetes_network_config").as_list().unwrap()[0];
    assert_eq!(net.get("service_ipv4_cidr"), &Value::from("172.20.0.0/16"));
    assert_eq!(net.get("ip_family"), &Value::from("ipv4"));
    assert_eq!(net.get("elastic_load_balancing"), &Value::List(vec![]));
    assert_eq!(v.get("upgrade_policy").as_list().unwrap()[0].get("support_type"), &Value::from("STANDARD"));
    assert_eq!(v.get("zonal_shift_config").as_list().unwrap()[0].get("enabled"), &Value::from(true));
    assert_eq!(v.get("access_config"), &Value::List(vec![]), "no access config reported: an empty list");
}

#[tokio::test]
async fn cluster_version_upgrade_sends_force_update_version() {
    use aws_sdk_eks::operation::update_cluster_version::UpdateClusterVersionOutput;
    let upgrade = mock!(Eks::update_cluster_version)
        .match_requests(|r| r.version() == Some("1.30") && r.force() == Some(true))
        .then_output(|| UpdateClusterVersionOutput::builder().build());
    let describe = mock!(Eks::describe_cluster).then_output(|| cluster(ClusterStatus::Active));
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&upgrade, &describe]);
    let ctx = ctx_with(eks, None, "aws_eks_cluster.foo");
    let rt = resource("aws_eks_cluster");
    let prior = rt.read(&ctx, &plan_create(&rt, &ctx, &cluster_config()).await).await.unwrap().unwrap();
    let mut cfg = cluster_config();
    cfg.set("version", Value::from("1.30"));
    cfg.set("force_update_version", Value::from(true));
    let planned =
        rt.plan(&ctx, PlanRequest { prior: Some(&prior), config: &complete(&rt.schema(), &cfg) }).await.unwrap();
    assert!(!planned.replaces(), "{planned:?}");
    rt.update(&ctx, &prior, &planned.state).await.unwrap();
    assert_eq!(upgrade.num_calls(), 1, "the upgrade carried force");
}

#[tokio::test]
async fn node_group_version_upgrade_sends_force_update_version() {
    use aws_sdk_eks::operation::describe_nodegroup::DescribeNodegroupOutput;
    use aws_sdk_eks::operation::update_nodegroup_version::UpdateNodegroupVersionOutput;
    use aws_sdk_eks::types::{Nodegroup, NodegroupScalingConfig, NodegroupStatus};
    let describe = mock!(Eks::describe_nodegroup).then_output(|| {
        let scaling = NodegroupScalingConfig::builder().desired_size(2).min_size(2).max_size(2).build();
        let ng = Nodegroup::builder()
            .nodegroup_name("general")
            .cluster_name("foo")
            .subnets("subnet-1")
            .scaling_config(scaling)
            .status(NodegroupStatus::Active)
            .build();
        DescribeNodegroupOutput::builder().nodegroup(ng).build()
    });
    let upgrade = mock!(Eks::update_nodegroup_version)
        .match_requests(|r| r.version() == Some("1.30") && r.force() == Some(true))
        .then_output(|| UpdateNodegroupVersionOutput::builder().build());
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&describe, &upgrade]);
    let ctx = ctx_with(eks, None, "aws_eks_node_group.general");
    let rt = resource("aws_eks_node_group");
    let mut cfg = obj([
        ("cluster_name", Value::from("foo")),
        ("node_group_name", Value::from("general")),
        ("node_role_arn", Value::from("arn:aws:iam::123456789012:role/nodes")),
        ("subnet_ids", Value::List(vec![Value::from("subnet-1")])),
        (
            "scaling_config",
            Value::List(vec![obj([
                ("desired_size", Value::from(2i64)),
                ("min_size", Value::from(2i64)),
                ("max_size", Value::from(2i64)),
            ])]),
        ),
    ]);
    let prior = rt.read(&ctx, &plan_create(&rt, &ctx, &cfg).await).await.unwrap().unwrap();
    cfg.set("version", Value::from("1.30"));
    cfg.set("force_update_version", Value::from(true));
    let planned =
        rt.plan(&ctx, PlanRequest { prior: Some(&prior), config: &complete(&rt.schema(), &cfg) }).await.unwrap();
    rt.update(&ctx, &prior, &planned.state).await.unwrap();
    assert_eq!(upgrade.num_calls(), 1, "the upgrade carried force");
}

#[tokio::test]
async fn eks_addon_version_default_and_most_recent() {
    use aws_sdk_eks::operation::describe_addon_versions::DescribeAddonVersionsOutput;
    use aws_sdk_eks::types::{AddonInfo, AddonVersionInfo, Compatibility};
    let version = |v: &str, default: bool| {
        AddonVersionInfo::builder()
            .addon_version(v)
            .compatibilities(Compatibility::builder().cluster_version("1.29").default_version(default).build())
            .build()
    };
    let answer = DescribeAddonVersionsOutput::builder()
        .addons(
            AddonInfo::builder()
                .addon_name("vpc-cni")
                .addon_versions(version("v1.18.1-eksbuild.3", true))
                .addon_versions(version("v1.19.0-eksbuild.1", false))
                .addon_versions(version("v1.9.3-eksbuild.7", false))
                .build(),
        )
        .build();
    let rule = mock!(Eks::describe_addon_versions).then_output(move || answer.clone());
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&rule]);
    let ctx = ctx_with(eks, None, "data.aws_eks_addon_version.cni");
    let ds = AwsProvider.data_sources().into_iter().find(|d| d.type_name() == "aws_eks_addon_version").unwrap();
    let read = |most_recent: bool| {
        let cfg = complete(
            &ds.schema(),
            &obj([
                ("addon_name", Value::from("vpc-cni")),
                ("kubernetes_version", Value::from("1.29")),
                ("most_recent", Value::from(most_recent)),
            ]),
        );
        let (ds, ctx) = (ds.clone(), ctx.clone());
        async move { ds.read(&ctx, &cfg).await }
    };
    assert_eq!(read(false).await.unwrap().get("version"), &Value::from("v1.18.1-eksbuild.3"), "the default");
    assert_eq!(read(true).await.unwrap().get("version"), &Value::from("v1.19.0-eksbuild.1"), "newest by number");
}

#[tokio::test]
async fn eks_access_policy_association() {
    use aws_sdk_eks::operation::associate_access_policy::AssociateAccessPolicyOutput;
    use aws_sdk_eks::operation::disassociate_access_policy::DisassociateAccessPolicyOutput;
    use aws_sdk_eks::operation::list_associated_access_policies::ListAssociatedAccessPoliciesOutput;
    use aws_sdk_eks::types::{AccessScope, AccessScopeType, AssociatedAccessPolicy};
    let policy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
    let associated = move || {
        AssociatedAccessPolicy::builder()
            .policy_arn(policy)
            .access_scope(
                AccessScope::builder().r#type(AccessScopeType::Namespace).namespaces("b").namespaces("a").build(),
            )
            .associated_at(aws_smithy_types::DateTime::from_secs(1_700_000_000))
            .modified_at(aws_smithy_types::DateTime::from_secs(1_700_000_600))
            .build()
    };
    let associate = mock!(Eks::associate_access_policy).then_output(|| AssociateAccessPolicyOutput::builder().build());
    let list = mock!(Eks::list_associated_access_policies)
        .sequence()
        // Read back after the create, then the import; afterwards it is gone.
        .output(move || ListAssociatedAccessPoliciesOutput::builder().associated_access_policies(associated()).build())
        .times(2)
        .output(|| ListAssociatedAccessPoliciesOutput::builder().build())
        .repeatedly()
        .build();
    let disassociate =
        mock!(Eks::disassociate_access_policy).then_output(|| DisassociateAccessPolicyOutput::builder().build());
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&associate, &list, &disassociate]);
    let ctx = ctx_with(eks, None, "aws_eks_access_policy_association.view");
    let rt = resource("aws_eks_access_policy_association");
    let principal = "arn:aws:iam::123456789012:role/dev";
    let cfg = obj([
        ("cluster_name", Value::from("foo")),
        ("principal_arn", Value::from(principal)),
        ("policy_arn", Value::from(policy)),
        (
            "access_scope",
            Value::List(vec![obj([
                ("type", Value::from("namespace")),
                ("namespaces", Value::List(vec![Value::from("a"), Value::from("b")])),
            ])]),
        ),
    ]);
    let state = rt.create(&ctx, &plan_create(&rt, &ctx, &cfg).await).await.unwrap();
    let id = format!("foo#{principal}#{policy}");
    assert_eq!(state.get("id"), &Value::from(id.as_str()));
    assert_eq!(state.get("associated_at"), &Value::from("2023-11-14T22:13:20Z"));
    assert_eq!(state.get("modified_at"), &Value::from("2023-11-14T22:23:20Z"));
    let scope = &state.get("access_scope").as_list().unwrap()[0];
    assert_eq!(scope.get("namespaces"), &Value::List(vec![Value::from("a"), Value::from("b")]));
    let imported = rt.import(&ctx, &id).await.unwrap();
    assert_eq!(imported.get("policy_arn"), &Value::from(policy));
    assert!(rt.import(&ctx, "no-hashes").await.is_err());
    rt.delete(&ctx, &state).await.unwrap();
    assert!(rt.read(&ctx, &state).await.unwrap().is_none(), "gone once the list no longer holds it");
}

#[tokio::test]
async fn eks_identity_provider_config_waits_for_active_and_gone() {
    use aws_sdk_eks::operation::associate_identity_provider_config::AssociateIdentityProviderConfigOutput;
    use aws_sdk_eks::operation::describe_identity_provider_config::{
        DescribeIdentityProviderConfigError, DescribeIdentityProviderConfigOutput,
    };
    use aws_sdk_eks::operation::disassociate_identity_provider_config::DisassociateIdentityProviderConfigOutput;
    use aws_sdk_eks::types::{ConfigStatus, IdentityProviderConfigResponse, OidcIdentityProviderConfig};
    let answer = |status: ConfigStatus| {
        DescribeIdentityProviderConfigOutput::builder()
            .identity_provider_config(
                IdentityProviderConfigResponse::builder()
                    .oidc(
                        OidcIdentityProviderConfig::builder()
                            .identity_provider_config_name("okta")
                            .identity_provider_config_arn(
                                "arn:aws:eks:us-east-1:123456789012:identityproviderconfig/foo/oidc/okta/1",
                            )
                            .issuer_url("https://example.okta.com")
                            .client_id("kubernetes")
                            .username_claim("email")
                            .status(status)
                            .build(),
                    )
                    .build(),
            )
            .build()
    };
    let associate = mock!(Eks::associate_identity_provider_config)
        .then_output(|| AssociateIdentityProviderConfigOutput::builder().build());
    let describe = mock!(Eks::describe_identity_provider_config)
        .sequence()
        .output(move || answer(ConfigStatus::Creating))
        .output(move || answer(ConfigStatus::Active))
        .times(3)
        .output(move || answer(ConfigStatus::Deleting))
        .error(|| {
            DescribeIdentityProviderConfigError::ResourceNotFoundException(
                ResourceNotFoundException::builder().meta(meta("ResourceNotFoundException")).build(),
            )
        })
        .repeatedly()
        .build();
    let disassociate = mock!(Eks::disassociate_identity_provider_config)
        .then_output(|| DisassociateIdentityProviderConfigOutput::builder().build());
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&associate, &describe, &disassociate]);
    let ctx = ctx_with(eks, None, "aws_eks_identity_provider_config.okta");
    let rt = resource("aws_eks_identity_provider_config");
    let cfg = obj([
        ("cluster_name", Value::from("foo")),
        (
            "oidc",
            Value::List(vec![obj([
                ("identity_provider_config_name", Value::from("okta")),
                ("issuer_url", Value::from("https://example.okta.com")),
                ("client_id", Value::from("kubernetes")),
                ("username_claim", Value::from("email")),
            ])]),
        ),
    ]);
    // CREATING, then ACTIVE: the waiter polls; the read back sees ACTIVE.
    let state = rt.create(&ctx, &plan_create(&rt, &ctx, &cfg).await).await.unwrap();
    assert_eq!(state.get("id"), &Value::from("foo:okta"));
    assert_eq!(state.get("status"), &Value::from("ACTIVE"));
    assert!(state.get_str("arn").unwrap().contains(":identityproviderconfig/foo/oidc/okta/"));
    let imported = rt.import(&ctx, "foo:okta").await.unwrap();
    assert_eq!(imported.get("oidc").as_list().unwrap()[0].get("username_claim"), &Value::from("email"));
    // DELETING, then not found: delete waits until it is gone.
    rt.delete(&ctx, &state).await.unwrap();
    assert!(rt.read(&ctx, &state).await.unwrap().is_none());
}

/// A new launch template version rolls the node group (UpdateNodegroupVersion with the
/// template only: no Kubernetes version rides along). moto has no UpdateNodegroupVersion.
#[tokio::test]
async fn node_group_rolls_to_a_new_launch_template_version() {
    use aws_sdk_eks::operation::describe_nodegroup::DescribeNodegroupOutput;
    use aws_sdk_eks::operation::update_nodegroup_version::UpdateNodegroupVersionOutput;
    use aws_sdk_eks::types::{LaunchTemplateSpecification, Nodegroup, NodegroupScalingConfig, NodegroupStatus};
    use std::sync::atomic::{AtomicBool, Ordering};
    let rolled = Arc::new(AtomicBool::new(false));
    let seen = rolled.clone();
    let describe = mock!(Eks::describe_nodegroup).then_output(move || {
        let version = if seen.load(Ordering::SeqCst) { "2" } else { "1" };
        let scaling = NodegroupScalingConfig::builder().desired_size(1).min_size(1).max_size(1).build();
        let lt = LaunchTemplateSpecification::builder().id("lt-0abc").name("nodes").version(version).build();
        let ng = Nodegroup::builder()
            .nodegroup_name("general")
            .cluster_name("foo")
            .node_role("arn:aws:iam::123456789012:role/nodes")
            .instance_types("t3.medium")
            .subnets("subnet-1")
            .scaling_config(scaling)
            .launch_template(lt)
            .status(NodegroupStatus::Active)
            .build();
        DescribeNodegroupOutput::builder().nodegroup(ng).build()
    });
    let flag = rolled.clone();
    let upgrade = mock!(Eks::update_nodegroup_version)
        .match_requests(|r| {
            r.version().is_none()
                && r.release_version().is_none()
                && r.launch_template().is_some_and(|t| t.id() == Some("lt-0abc") && t.version() == Some("2"))
        })
        .then_output(move || {
            flag.store(true, Ordering::SeqCst);
            UpdateNodegroupVersionOutput::builder().build()
        });
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&describe, &upgrade]);
    let ctx = ctx_with(eks, None, "aws_eks_node_group.general");
    let rt = resource("aws_eks_node_group");
    let cfg = |version: &str| {
        obj([
            ("cluster_name", Value::from("foo")),
            ("node_group_name", Value::from("general")),
            ("node_role_arn", Value::from("arn:aws:iam::123456789012:role/nodes")),
            ("subnet_ids", Value::List(vec![Value::from("subnet-1")])),
            (
                "scaling_config",
                Value::List(vec![obj([
                    ("desired_size", Value::from(1i64)),
                    ("min_size", Value::from(1i64)),
                    ("max_size", Value::from(1i64)),
                ])]),
            ),
            (
                "launch_template",
                Value::List(vec![obj([("id", Value::from("lt-0abc")), ("version", Value::from(version))])]),
            ),
        ])
    };
    let prior = rt.read(&ctx, &plan_create(&rt, &ctx, &cfg("1")).await).await.unwrap().unwrap();
    let planned =
        rt.plan(&ctx, PlanRequest { prior: Some(&prior), config: &complete(&rt.schema(), &cfg("2")) }).await.unwrap();
    assert!(!planned.replaces(), "a version is changed in place: {:?}", planned.requires_replace);
    let after = rt.update(&ctx, &prior, &planned.state).await.unwrap();
    assert_eq!(upgrade.num_calls(), 1);
    assert_eq!(after.get("launch_template").as_list().unwrap()[0].get("version"), &Value::from("2"));
}

/// An encryption_config added to a cluster without one is associated in place (moto has no
/// AssociateEncryptionConfig); the cluster waits for ACTIVE again.
#[tokio::test]
#[allow(deprecated)] // EncryptionConfig::resources: still in the API and in Terraform's schema
async fn cluster_encryption_is_associated_in_place() {
    use aws_sdk_eks::operation::associate_encryption_config::AssociateEncryptionConfigOutput;
    let associate = mock!(Eks::associate_encryption_config)
        .match_requests(|r| {
            r.cluster_name() == Some("foo")
                && r.encryption_config().first().is_some_and(|e| {
                    e.resources() == ["secrets"] && e.provider().and_then(|p| p.key_arn()) == Some("arn:aws:kms:k")
                })
        })
        .then_output(|| AssociateEncryptionConfigOutput::builder().build());
    let describe = mock!(Eks::describe_cluster).then_output(|| cluster(ClusterStatus::Active));
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&associate, &describe]);
    let ctx = ctx_with(eks, None, "aws_eks_cluster.foo");
    let rt = resource("aws_eks_cluster");
    let prior = rt.read(&ctx, &plan_create(&rt, &ctx, &cluster_config()).await).await.unwrap().unwrap();
    let mut cfg = cluster_config();
    cfg.set(
        "encryption_config",
        Value::List(vec![obj([
            ("resources", Value::List(vec![Value::from("secrets")])),
            ("provider", Value::List(vec![obj([("key_arn", Value::from("arn:aws:kms:k"))])])),
        ])]),
    );
    let planned =
        rt.plan(&ctx, PlanRequest { prior: Some(&prior), config: &complete(&rt.schema(), &cfg) }).await.unwrap();
    assert!(!planned.replaces(), "adding encryption does not replace the cluster: {:?}", planned.requires_replace);
    rt.update(&ctx, &prior, &planned.state).await.unwrap();
    assert_eq!(associate.num_calls(), 1);
}
