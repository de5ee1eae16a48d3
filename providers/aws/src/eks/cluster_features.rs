//! `aws_eks_cluster`'s feature blocks: `outpost_config` (local clusters on Outposts),
//! `compute_config` + `storage_config` (EKS Auto Mode, with `kubernetes_network_config`'s
//! load balancing), `remote_network_config` (hybrid nodes) and `zonal_shift_config`.
//! Outposts and hybrid-node networks are fixed at create (force-new, as in Terraform 5.x);
//! Auto Mode and zonal shift change in place. What DescribeCluster does not report keeps the
//! prior value, so an emulator that ignores a block does not show it as drift.

use crate::api::Api;
use crate::error::AwsError;
use crate::values::{block_list, finalize, get_string, one_block, string_list};
use aws_sdk_eks::operation::create_cluster::builders::CreateClusterFluentBuilder;
use aws_sdk_eks::types::{
    BlockStorage, Cluster, ComputeConfigRequest, ControlPlanePlacementRequest, KubernetesNetworkConfigRequest,
    OutpostConfigRequest, RemoteNetworkConfigRequest, RemoteNodeNetwork, RemotePodNetwork, StorageConfigRequest,
    ZonalShiftConfigRequest,
};
use meshplan_provider::{Attribute, Block, Schema, Type, Value};

fn one(schema: Schema) -> Block {
    Block::list(schema).max_items(1)
}

fn cidrs() -> Schema {
    Schema::new().attr("cidrs", Attribute::optional(Type::set(Type::String)))
}

fn enabled() -> Schema {
    Schema::new().attr("enabled", Attribute::optional(Type::Bool))
}

pub fn blocks(schema: Schema) -> Schema {
    let placement = Schema::new().attr("group_name", Attribute::required(Type::String));
    schema
        .block(
            "outpost_config",
            one(Schema::new()
                .attr("control_plane_instance_type", Attribute::required(Type::String))
                .attr("outpost_arns", Attribute::required(Type::set(Type::String)))
                .block("control_plane_placement", one(placement)))
            .force_new(),
        )
        .block(
            "compute_config",
            one(Schema::new()
                .attr("enabled", Attribute::optional(Type::Bool))
                .attr("node_pools", Attribute::optional(Type::set(Type::String)))
                .attr("node_role_arn", Attribute::optional(Type::String))),
        )
        .block(
            "remote_network_config",
            one(Schema::new()
                .block("remote_node_networks", one(cidrs()).min_items(1))
                .block("remote_pod_networks", one(cidrs())))
            .force_new(),
        )
        .block("storage_config", one(Schema::new().block("block_storage", one(enabled()))))
        .block("zonal_shift_config", one(enabled()))
}

fn outpost_of(v: &Value) -> Option<OutpostConfigRequest> {
    let o = one_block(v.get("outpost_config"));
    (!o.is_null())
        .then(|| {
            let placement = one_block(o.get("control_plane_placement"));
            OutpostConfigRequest::builder()
                .set_outpost_arns(Some(string_list(o.get("outpost_arns"))))
                .set_control_plane_instance_type(get_string(o, "control_plane_instance_type"))
                .set_control_plane_placement(
                    get_string(placement, "group_name")
                        .map(|g| ControlPlanePlacementRequest::builder().group_name(g).build()),
                )
                .build()
        })
        .and_then(Result::ok) // the schema requires both fields the builder checks
}

fn compute_of(v: &Value) -> Option<ComputeConfigRequest> {
    let c = one_block(v.get("compute_config"));
    (!c.is_null()).then(|| {
        let pools = string_list(c.get("node_pools"));
        ComputeConfigRequest::builder()
            .set_enabled(c.get("enabled").as_bool())
            .set_node_pools((!c.get("node_pools").is_null()).then_some(pools))
            .set_node_role_arn(get_string(c, "node_role_arn"))
            .build()
    })
}

fn storage_of(v: &Value) -> Option<StorageConfigRequest> {
    let s = one_block(v.get("storage_config"));
    (!s.is_null()).then(|| {
        let b = one_block(s.get("block_storage"));
        StorageConfigRequest::builder()
            .set_block_storage(
                (!b.is_null()).then(|| BlockStorage::builder().set_enabled(b.get("enabled").as_bool()).build()),
            )
            .build()
    })
}

fn remote_network_of(v: &Value) -> Option<RemoteNetworkConfigRequest> {
    let r = one_block(v.get("remote_network_config"));
    (!r.is_null()).then(|| {
        let nodes = one_block(r.get("remote_node_networks"));
        let pods = one_block(r.get("remote_pod_networks"));
        RemoteNetworkConfigRequest::builder()
            .set_remote_node_networks(
                (!nodes.is_null()).then(|| {
                    vec![RemoteNodeNetwork::builder().set_cidrs(Some(string_list(nodes.get("cidrs")))).build()]
                }),
            )
            .set_remote_pod_networks(
                (!pods.is_null())
                    .then(|| vec![RemotePodNetwork::builder().set_cidrs(Some(string_list(pods.get("cidrs")))).build()]),
            )
            .build()
    })
}

fn zonal_shift_of(v: &Value) -> Option<ZonalShiftConfigRequest> {
    let z = one_block(v.get("zonal_shift_config"));
    (!z.is_null()).then(|| ZonalShiftConfigRequest::builder().set_enabled(z.get("enabled").as_bool()).build())
}

pub fn create_args(req: CreateClusterFluentBuilder, planned: &Value) -> CreateClusterFluentBuilder {
    req.set_outpost_config(outpost_of(planned))
        .set_compute_config(compute_of(planned))
        .set_storage_config(storage_of(planned))
        .set_remote_network_config(remote_network_of(planned))
        .set_zonal_shift_config(zonal_shift_of(planned))
}

/// Sets the blocks from `c`, each from the prior when DescribeCluster leaves it out.
pub fn read(s: &mut Value, prior: &Value, c: &Cluster) {
    let kept = |name: &str| finalize(prior.get(name).clone());
    let outpost = c.outpost_config().map(|o| {
        let placement = o
            .control_plane_placement()
            .and_then(|p| p.group_name())
            .map(|g| block_list(Value::object([("group_name", Value::from(g))])));
        block_list(Value::object([
            ("control_plane_instance_type", Value::from(o.control_plane_instance_type())),
            (
                "outpost_arns",
                crate::iam::oidc_provider::in_prior_order(
                    one_block(prior.get("outpost_config")).get("outpost_arns"),
                    o.outpost_arns(),
                ),
            ),
            ("control_plane_placement", placement.unwrap_or(Value::List(vec![]))),
        ]))
    });
    s.set("outpost_config", outpost.unwrap_or_else(|| kept("outpost_config")));

    let compute = c.compute_config().map(|cc| {
        let prior_pools = one_block(prior.get("compute_config")).get("node_pools");
        let pools = if cc.node_pools().is_empty() && prior_pools.is_null() {
            Value::Null
        } else {
            crate::iam::oidc_provider::in_prior_order(prior_pools, cc.node_pools())
        };
        block_list(Value::object([
            ("enabled", cc.enabled().map(Value::from).unwrap_or(Value::Null)),
            ("node_pools", pools),
            ("node_role_arn", cc.node_role_arn().map(Value::from).unwrap_or(Value::Null)),
        ]))
    });
    s.set("compute_config", compute.unwrap_or_else(|| kept("compute_config")));

    let storage = c.storage_config().map(|sc| {
        let block = sc
            .block_storage()
            .map(|b| block_list(Value::object([("enabled", b.enabled().map(Value::from).unwrap_or(Value::Null))])));
        block_list(Value::object([("block_storage", block.unwrap_or(Value::List(vec![])))]))
    });
    s.set("storage_config", storage.unwrap_or_else(|| kept("storage_config")));

    let remote = c.remote_network_config().map(|r| {
        let nets = |cidrs: Option<&[String]>, prior_block: &Value| match cidrs {
            Some(c) => block_list(Value::object([(
                "cidrs",
                crate::iam::oidc_provider::in_prior_order(one_block(prior_block).get("cidrs"), c),
            )])),
            None => Value::List(vec![]),
        };
        let prior_r = one_block(prior.get("remote_network_config"));
        block_list(Value::object([
            (
                "remote_node_networks",
                nets(r.remote_node_networks().first().map(|n| n.cidrs()), prior_r.get("remote_node_networks")),
            ),
            (
                "remote_pod_networks",
                nets(r.remote_pod_networks().first().map(|n| n.cidrs()), prior_r.get("remote_pod_networks")),
            ),
        ]))
    });
    s.set("remote_network_config", remote.unwrap_or_else(|| kept("remote_network_config")));

    let zonal = c
        .zonal_shift_config()
        .map(|z| block_list(Value::object([("enabled", z.enabled().map(Value::from).unwrap_or(Value::Null))])));
    s.set("zonal_shift_config", zonal.unwrap_or_else(|| kept("zonal_shift_config")));

    for name in ["outpost_config", "compute_config", "storage_config", "remote_network_config", "zonal_shift_config"] {
        if s.get(name).is_null() {
            s.set(name, Value::List(vec![]));
        }
    }
}

/// In-place changes: Auto Mode (compute, storage and load balancing go together in one
/// call, as EKS requires) and zonal shift. Returns whether a call was made.
pub async fn update(api: &Api<'_>, name: &str, prior: &Value, planned: &Value) -> Result<bool, AwsError> {
    let mut made = false;
    let auto_mode = ["compute_config", "storage_config"];
    let elb =
        |v: &Value| one_block(one_block(v.get("kubernetes_network_config")).get("elastic_load_balancing")).clone();
    if auto_mode.iter().any(|b| prior.get(b) != planned.get(b)) || elb(prior) != elb(planned) {
        let net = super::cluster_options::elb_of(one_block(planned.get("kubernetes_network_config")))
            .map(|e| KubernetesNetworkConfigRequest::builder().elastic_load_balancing(e).build());
        let req = api
            .eks
            .update_cluster_config()
            .name(name)
            .set_compute_config(compute_of(planned).or_else(|| disabled_compute(prior)))
            .set_storage_config(storage_of(planned))
            .set_kubernetes_network_config(net);
        api.call("UpdateClusterConfig", || req.clone().send()).await?;
        made = true;
    }
    if prior.get("zonal_shift_config") != planned.get("zonal_shift_config") {
        let z = zonal_shift_of(planned).unwrap_or_else(|| ZonalShiftConfigRequest::builder().enabled(false).build());
        let req = api.eks.update_cluster_config().name(name).zonal_shift_config(z);
        api.call("UpdateClusterConfig", || req.clone().send()).await?;
        made = true;
    }
    Ok(made)
}

/// Removing `compute_config` turns Auto Mode off rather than leaving it as it was.
fn disabled_compute(prior: &Value) -> Option<ComputeConfigRequest> {
    compute_of(prior).map(|_| ComputeConfigRequest::builder().enabled(false).build())
}
