//! EKS features moto does not model, replayed with aws-smithy-mocks: Auto Mode
//! (`compute_config`, `storage_config`, load balancing), Outposts, hybrid-node networks and
//! zonal shift on `aws_eks_cluster` (and the data source); `node_group_name_prefix` and
//! `node_repair_config` on node groups; addon pod identity associations; and the
//! `aws_eks_cluster_versions` data source.

use crate::mocks::{ctx_with, plan_create};
use crate::support::{complete, obj};
use aws_sdk_eks::operation::describe_cluster::DescribeClusterOutput;
use aws_sdk_eks::types::{
    BlockStorage, Certificate, Cluster, ClusterStatus, ComputeConfigResponse, OutpostConfigResponse,
    RemoteNetworkConfigResponse, RemoteNodeNetwork, StorageConfigResponse, VpcConfigResponse, ZonalShiftConfigResponse,
};
use aws_sdk_eks::Client as Eks;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use meshplan_provider::{DataSource, PlanRequest, Provider, ResourceType, Value};
use meshplan_provider_aws::AwsProvider;
use std::sync::Arc;

fn resource(name: &str) -> Arc<dyn ResourceType> {
    AwsProvider.resource_types().into_iter().find(|r| r.type_name() == name).unwrap()
}

fn data_source(name: &str) -> Arc<dyn DataSource> {
    AwsProvider.data_sources().into_iter().find(|r| r.type_name() == name).unwrap()
}

fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::from(*s)).collect())
}

fn block(pairs: Vec<(&str, Value)>) -> Value {
    Value::List(vec![Value::object(pairs)])
}

/// A cluster as EKS describes one made with Auto Mode, on an Outpost, with hybrid nodes.
fn described(auto_mode: bool) -> DescribeClusterOutput {
    let cluster = Cluster::builder()
        .name("foo")
        .arn("arn:aws:eks:us-east-1:123456789012:cluster/foo")
        .role_arn("arn:aws:iam::123456789012:role/r")
        .version("1.31")
        .status(ClusterStatus::Active)
        .endpoint("https://ABC.gr7.us-east-1.eks.amazonaws.com")
        .certificate_authority(Certificate::builder().data("LS0tLS1CRUdJTg==").build())
        .resources_vpc_config(VpcConfigResponse::builder().subnet_ids("subnet-1").endpoint_public_access(true).build())
        .compute_config(
            ComputeConfigResponse::builder()
                .enabled(auto_mode)
                .node_pools("general-purpose")
                .node_role_arn("arn:aws:iam::123456789012:role/nodes")
                .build(),
        )
        .storage_config(
            StorageConfigResponse::builder().block_storage(BlockStorage::builder().enabled(auto_mode).build()).build(),
        )
        .outpost_config(
            OutpostConfigResponse::builder()
                .outpost_arns("arn:aws:outposts:us-east-1:123456789012:outpost/op-1")
                .control_plane_instance_type("m5d.large")
                .build()
                .unwrap(),
        )
        .remote_network_config(
            RemoteNetworkConfigResponse::builder()
                .remote_node_networks(RemoteNodeNetwork::builder().cidrs("10.80.0.0/16").build())
                .build(),
        )
        .zonal_shift_config(ZonalShiftConfigResponse::builder().enabled(true).build())
        .build();
    DescribeClusterOutput::builder().cluster(cluster).build()
}

fn cluster_config(auto_mode: bool, outpost_type: &str) -> Value {
    obj([
        ("name", Value::from("foo")),
        ("role_arn", Value::from("arn:aws:iam::123456789012:role/r")),
        ("version", Value::from("1.31")),
        ("vpc_config", block(vec![("subnet_ids", list(&["subnet-1"]))])),
        (
            "compute_config",
            block(vec![
                ("enabled", Value::from(auto_mode)),
                ("node_pools", list(&["general-purpose"])),
                ("node_role_arn", Value::from("arn:aws:iam::123456789012:role/nodes")),
            ]),
        ),
        ("storage_config", block(vec![("block_storage", block(vec![("enabled", Value::from(auto_mode))]))])),
        (
            "kubernetes_network_config",
            block(vec![("elastic_load_balancing", block(vec![("enabled", Value::from(auto_mode))]))]),
        ),
        (
            "outpost_config",
            block(vec![
                ("outpost_arns", list(&["arn:aws:outposts:us-east-1:123456789012:outpost/op-1"])),
                ("control_plane_instance_type", Value::from(outpost_type)),
            ]),
        ),
        (
            "remote_network_config",
            block(vec![("remote_node_networks", block(vec![("cidrs", list(&["10.80.0.0/16"]))]))]),
        ),
        ("zonal_shift_config", block(vec![("enabled", Value::from(true))])),
    ])
}

#[tokio::test]
async fn cluster_auto_mode_outposts_hybrid_nodes_and_zonal_shift() {
    use aws_sdk_eks::operation::create_cluster::CreateClusterOutput;
    use aws_sdk_eks::operation::update_cluster_config::UpdateClusterConfigOutput;
    let create = mock!(Eks::create_cluster)
        .match_requests(|r| {
            r.compute_config().is_some_and(|c| {
                c.enabled() == Some(true)
                    && c.node_pools() == ["general-purpose"]
                    && c.node_role_arn() == Some("arn:aws:iam::123456789012:role/nodes")
            }) && r.storage_config().and_then(|s| s.block_storage()).and_then(|b| b.enabled()) == Some(true)
                && r.kubernetes_network_config().and_then(|n| n.elastic_load_balancing()).and_then(|e| e.enabled())
                    == Some(true)
                && r.outpost_config().is_some_and(|o| o.control_plane_instance_type() == "m5d.large")
                && r.remote_network_config().is_some_and(|n| n.remote_node_networks()[0].cidrs() == ["10.80.0.0/16"])
                && r.zonal_shift_config().and_then(|z| z.enabled()) == Some(true)
        })
        .then_output(|| CreateClusterOutput::builder().build());
    // Turning Auto Mode off sends compute, storage and load balancing together.
    let update = mock!(Eks::update_cluster_config)
        .match_requests(|r| {
            r.compute_config().and_then(|c| c.enabled()) == Some(false)
                && r.storage_config().and_then(|s| s.block_storage()).and_then(|b| b.enabled()) == Some(false)
                && r.kubernetes_network_config().and_then(|n| n.elastic_load_balancing()).and_then(|e| e.enabled())
                    == Some(false)
                && r.zonal_shift_config().is_none()
        })
        .then_output(|| UpdateClusterConfigOutput::builder().build());
    let describe = mock!(Eks::describe_cluster)
        .sequence()
        .output(|| described(true))
        .times(2)
        .output(|| described(false))
        .repeatedly()
        .build();
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&create, &update, &describe]);
    let ctx = crate::mocks::ctx_with(eks, None, "aws_eks_cluster.foo");
    let rt = resource("aws_eks_cluster");
    let state = rt.create(&ctx, &plan_create(&rt, &ctx, &cluster_config(true, "m5d.large")).await).await.unwrap();
    assert_eq!(create.num_calls(), 1, "the create request carried every feature block");
    let compute = &state.get("compute_config").as_list().unwrap()[0];
    assert_eq!(compute.get("enabled"), &Value::from(true));
    assert_eq!(compute.get("node_pools"), &list(&["general-purpose"]));
    let outpost = &state.get("outpost_config").as_list().unwrap()[0];
    assert_eq!(outpost.get("control_plane_instance_type"), &Value::from("m5d.large"));

    // Read back as planned: a re-plan is clean.
    let same = complete(&rt.schema(), &cluster_config(true, "m5d.large"));
    let again = rt.plan(&ctx, PlanRequest { prior: Some(&state), config: &same }).await.unwrap();
    assert_eq!(again.state, state, "no change after create");

    // Another Outpost instance type is a new cluster; Auto Mode off is an in-place update.
    let moved = complete(&rt.schema(), &cluster_config(true, "m5d.xlarge"));
    let p = rt.plan(&ctx, PlanRequest { prior: Some(&state), config: &moved }).await.unwrap();
    assert!(p.replaces(), "outpost_config is force-new");
    let off = complete(&rt.schema(), &cluster_config(false, "m5d.large"));
    let p = rt.plan(&ctx, PlanRequest { prior: Some(&state), config: &off }).await.unwrap();
    assert!(!p.replaces(), "Auto Mode changes in place: {:?}", p.requires_replace);
    let updated = rt.update(&ctx, &state, &p.state).await.unwrap();
    assert_eq!(update.num_calls(), 1);
    assert_eq!(updated.get("compute_config").as_list().unwrap()[0].get("enabled"), &Value::from(false));

    // The data source reads the same blocks.
    let ds = data_source("aws_eks_cluster");
    let read = ds.read(&ctx, &complete(&ds.schema(), &obj([("name", Value::from("foo"))]))).await.unwrap();
    let nets = &read.get("remote_network_config").as_list().unwrap()[0];
    assert_eq!(nets.get("remote_node_networks").as_list().unwrap()[0].get("cidrs"), &list(&["10.80.0.0/16"]));
    assert_eq!(read.get("storage_config").as_list().unwrap().len(), 1);
    assert_eq!(read.get("outpost_config").as_list().unwrap()[0].get("control_plane_placement"), &Value::List(vec![]));
}

#[tokio::test]
async fn node_group_name_prefix_and_node_repair() {
    use aws_sdk_eks::operation::create_nodegroup::CreateNodegroupOutput;
    use aws_sdk_eks::operation::describe_nodegroup::DescribeNodegroupOutput;
    use aws_sdk_eks::operation::update_nodegroup_config::UpdateNodegroupConfigOutput;
    use aws_sdk_eks::types::{NodeRepairConfig, Nodegroup, NodegroupScalingConfig, NodegroupStatus};
    let ng = |repair: bool| {
        DescribeNodegroupOutput::builder()
            .nodegroup(
                Nodegroup::builder()
                    .cluster_name("foo")
                    .nodegroup_arn("arn:aws:eks:us-east-1:123456789012:nodegroup/foo/x/y")
                    .node_role("arn:aws:iam::123456789012:role/nodes")
                    .subnets("subnet-1")
                    .scaling_config(NodegroupScalingConfig::builder().desired_size(1).min_size(1).max_size(1).build())
                    .node_repair_config(NodeRepairConfig::builder().enabled(repair).build())
                    .status(NodegroupStatus::Active)
                    .build(),
            )
            .build()
    };
    let create = mock!(Eks::create_nodegroup)
        .match_requests(|r| {
            let name = r.nodegroup_name().unwrap_or_default();
            name.starts_with("general-")
                && name.len() == "general-".len() + 26
                && r.node_repair_config().and_then(|n| n.enabled()) == Some(true)
        })
        .then_output(|| CreateNodegroupOutput::builder().build());
    let update = mock!(Eks::update_nodegroup_config)
        .match_requests(|r| r.node_repair_config().and_then(|n| n.enabled()) == Some(false))
        .then_output(|| UpdateNodegroupConfigOutput::builder().build());
    let describe = mock!(Eks::describe_nodegroup)
        .sequence()
        .output(move || ng(true))
        .times(2)
        .output(move || ng(false))
        .repeatedly()
        .build();
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&create, &update, &describe]);
    let ctx = ctx_with(eks, None, "aws_eks_node_group.general");
    let rt = resource("aws_eks_node_group");
    let cfg = |repair: bool| {
        obj([
            ("cluster_name", Value::from("foo")),
            ("node_group_name_prefix", Value::from("general-")),
            ("node_role_arn", Value::from("arn:aws:iam::123456789012:role/nodes")),
            ("subnet_ids", list(&["subnet-1"])),
            (
                "scaling_config",
                block(vec![
                    ("desired_size", Value::from(1i64)),
                    ("min_size", Value::from(1i64)),
                    ("max_size", Value::from(1i64)),
                ]),
            ),
            ("node_repair_config", block(vec![("enabled", Value::from(repair))])),
        ])
    };
    let planned = plan_create(&rt, &ctx, &cfg(true)).await;
    assert!(planned.get("node_group_name").is_unknown(), "the name is chosen at create");
    let state = rt.create(&ctx, &planned).await.unwrap();
    assert_eq!(create.num_calls(), 1, "named from the prefix, with node repair");
    let name = state.get_str("node_group_name").unwrap();
    assert!(name.starts_with("general-"), "{name}");
    assert_eq!(state.get("node_group_name_prefix"), &Value::from("general-"));
    let p =
        rt.plan(&ctx, PlanRequest { prior: Some(&state), config: &complete(&rt.schema(), &cfg(false)) }).await.unwrap();
    assert!(!p.replaces(), "node repair changes in place");
    assert_eq!(p.state.get_str("node_group_name"), Some(name), "the prefixed name is kept");
    let updated = rt.update(&ctx, &state, &p.state).await.unwrap();
    assert_eq!(update.num_calls(), 1);
    assert_eq!(updated.get("node_repair_config").as_list().unwrap()[0].get("enabled"), &Value::from(false));
}

#[tokio::test]
async fn addon_pod_identity_associations_are_created_read_and_removed() {
    use aws_sdk_eks::operation::create_addon::CreateAddonOutput;
    use aws_sdk_eks::operation::describe_addon::DescribeAddonOutput;
    use aws_sdk_eks::operation::describe_pod_identity_association::DescribePodIdentityAssociationOutput;
    use aws_sdk_eks::operation::update_addon::UpdateAddonOutput;
    use aws_sdk_eks::types::{Addon, AddonStatus, PodIdentityAssociation};
    let addon = |associations: &[&str]| {
        let mut a = Addon::builder()
            .addon_name("aws-ebs-csi-driver")
            .cluster_name("foo")
            .addon_arn("arn:aws:eks:us-east-1:123456789012:addon/foo/aws-ebs-csi-driver/x")
            .addon_version("v1.30.0-eksbuild.1")
            .status(AddonStatus::Active);
        for arn in associations {
            a = a.pod_identity_associations(*arn);
        }
        DescribeAddonOutput::builder().addon(a.build()).build()
    };
    let arn = "arn:aws:eks:us-east-1:123456789012:podidentityassociation/foo/a-0123456789";
    let create = mock!(Eks::create_addon)
        .match_requests(|r| {
            r.pod_identity_associations().first().is_some_and(|a| {
                a.service_account() == "ebs-csi-controller-sa" && a.role_arn() == "arn:aws:iam::123456789012:role/ebs"
            })
        })
        .then_output(|| CreateAddonOutput::builder().build());
    let association = mock!(Eks::describe_pod_identity_association)
        .match_requests(|r| r.association_id() == Some("a-0123456789"))
        .then_output(|| {
            DescribePodIdentityAssociationOutput::builder()
                .association(
                    PodIdentityAssociation::builder()
                        .association_id("a-0123456789")
                        .service_account("ebs-csi-controller-sa")
                        .role_arn("arn:aws:iam::123456789012:role/ebs")
                        .build(),
                )
                .build()
        });
    // Removing them sends an empty list (left out, EKS would keep them).
    let update = mock!(Eks::update_addon)
        .match_requests(|r| r.pod_identity_associations().is_empty() && r.pod_identity_associations.is_some())
        .then_output(|| UpdateAddonOutput::builder().build());
    let describe = mock!(Eks::describe_addon)
        .sequence()
        .output(move || addon(&[arn]))
        .times(3)
        .output(move || addon(&[]))
        .repeatedly()
        .build();
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&create, &association, &update, &describe]);
    let ctx = ctx_with(eks, None, "aws_eks_addon.ebs");
    let rt = resource("aws_eks_addon");
    let cfg = |with: bool| {
        let items = if with {
            vec![obj([
                ("role_arn", Value::from("arn:aws:iam::123456789012:role/ebs")),
                ("service_account", Value::from("ebs-csi-controller-sa")),
            ])]
        } else {
            vec![]
        };
        obj([
            ("cluster_name", Value::from("foo")),
            ("addon_name", Value::from("aws-ebs-csi-driver")),
            ("addon_version", Value::from("v1.30.0-eksbuild.1")),
            ("pod_identity_association", Value::List(items)),
        ])
    };
    let state = rt.create(&ctx, &plan_create(&rt, &ctx, &cfg(true)).await).await.unwrap();
    assert_eq!(create.num_calls(), 1);
    let read = &state.get("pod_identity_association").as_list().unwrap()[0];
    assert_eq!(read.get("service_account"), &Value::from("ebs-csi-controller-sa"));
    let same = complete(&rt.schema(), &cfg(true));
    let again = rt.plan(&ctx, PlanRequest { prior: Some(&state), config: &same }).await.unwrap();
    assert_eq!(again.state, state, "a clean re-plan");
    let p =
        rt.plan(&ctx, PlanRequest { prior: Some(&state), config: &complete(&rt.schema(), &cfg(false)) }).await.unwrap();
    let updated = rt.update(&ctx, &state, &p.state).await.unwrap();
    assert_eq!(update.num_calls(), 1);
    assert_eq!(updated.get("pod_identity_association"), &Value::List(vec![]));
}

#[tokio::test]
async fn cluster_versions_data_source_pages_and_filters() {
    use aws_sdk_eks::operation::describe_cluster_versions::DescribeClusterVersionsOutput;
    use aws_sdk_eks::types::{ClusterVersionInformation, VersionStatus};
    let version = |v: &str, default: bool| {
        ClusterVersionInformation::builder()
            .cluster_version(v)
            .cluster_type("eks")
            .default_version(default)
            .version_status(VersionStatus::StandardSupport)
            .release_date(aws_smithy_types::DateTime::from_secs(1_700_000_000))
            .build()
    };
    let first = mock!(Eks::describe_cluster_versions)
        .match_requests(|r| {
            r.next_token().is_none() && r.cluster_type() == Some("eks") && r.default_only() == Some(true)
        })
        .then_output(move || {
            DescribeClusterVersionsOutput::builder()
                .cluster_versions(version("1.31", true))
                .next_token("page-2")
                .build()
        });
    let second = mock!(Eks::describe_cluster_versions)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(move || DescribeClusterVersionsOutput::builder().cluster_versions(version("1.30", false)).build());
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&first, &second]);
    let ctx = ctx_with(eks, None, "data.aws_eks_cluster_versions.this");
    let ds = data_source("aws_eks_cluster_versions");
    let cfg = obj([("cluster_type", Value::from("eks")), ("default_only", Value::from(true))]);
    let out = ds.read(&ctx, &complete(&ds.schema(), &cfg)).await.unwrap();
    let versions = out.get("cluster_versions").as_list().unwrap();
    assert_eq!(versions.len(), 2, "both pages");
    assert_eq!(versions[0].get("cluster_version"), &Value::from("1.31"));
    assert_eq!(versions[0].get("default_version"), &Value::from(true));
    assert_eq!(versions[0].get("version_status"), &Value::from("STANDARD_SUPPORT"));
    assert_eq!(versions[0].get("release_date"), &Value::from("2023-11-14T22:13:20Z"));
}
