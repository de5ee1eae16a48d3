//! `aws_eks_cluster`'s option blocks the community modules set: `encryption_config`,
//! `kubernetes_network_config` and `upgrade_policy`. The last two are optional+computed
//! blocks in Terraform: left out of the configuration, they keep what EKS reports.

use crate::api::Api;
use crate::error::AwsError;
use crate::iam::oidc_provider::in_prior_order;
use crate::values::{block_list, finalize, get_string, one_block, opt_str, string_list};
use aws_sdk_eks::operation::create_cluster::builders::CreateClusterFluentBuilder;
use aws_sdk_eks::types::{
    Cluster, ElasticLoadBalancing, EncryptionConfig, IpFamily, KubernetesNetworkConfigRequest, Provider, SupportType,
    UpgradePolicyRequest,
};
use meshplan_provider::{Attribute, Block, Path, Planned, Schema, Type, Value};

const COMPUTED_BLOCKS: [&str; 2] = ["kubernetes_network_config", "upgrade_policy"];

pub fn blocks(schema: Schema) -> Schema {
    let oc = || Attribute::optional_computed(Type::String);
    schema
        .block(
            "encryption_config",
            Block::list(Schema::new().attr("resources", Attribute::required(Type::set(Type::String))).block(
                "provider",
                Block::list(Schema::new().attr("key_arn", Attribute::required(Type::String))).min_items(1).max_items(1),
            ))
            .max_items(1),
        )
        .block(
            "kubernetes_network_config",
            Block::list(
                Schema::new()
                    .attr("ip_family", oc().force_new())
                    .attr("service_ipv4_cidr", oc().force_new())
                    .attr("service_ipv6_cidr", Attribute::computed(Type::String))
                    .block(
                        "elastic_load_balancing",
                        Block::list(Schema::new().attr("enabled", Attribute::optional(Type::Bool))).max_items(1),
                    ),
            )
            .max_items(1),
        )
        .block("upgrade_policy", Block::list(Schema::new().attr("support_type", oc())).max_items(1))
}

fn configured(config: &Value, block: &str) -> bool {
    config.get(block).as_list().is_some_and(|l| !l.is_empty())
}

/// After the schema's plan: unconfigured computed blocks keep the prior; a changed or removed
/// `encryption_config` replaces the cluster (EKS cannot take one off), an added one does not.
/// Returns whether the cluster must be replaced.
pub fn plan(planned: &mut Planned, config: &Value, prior: Option<&Value>) -> bool {
    let Some(prior) = prior else { return false };
    for block in COMPUTED_BLOCKS {
        if !configured(config, block) {
            planned.state.set(block, prior.get(block).clone());
        }
    }
    let had = configured(prior, "encryption_config");
    had && planned.state.get("encryption_config") != prior.get("encryption_config")
}

pub fn replace_path() -> Path {
    Path::root().key("encryption_config")
}

// `resources` is deprecated in the SDK (EKS now encrypts everything) but still part of the
// API and of Terraform's schema: sent and read back as configured.
#[allow(deprecated)]
fn encryption_of(v: &Value) -> Option<Vec<EncryptionConfig>> {
    let c = one_block(v.get("encryption_config"));
    (!c.is_null()).then(|| {
        let provider = Provider::builder().set_key_arn(get_string(one_block(c.get("provider")), "key_arn")).build();
        vec![EncryptionConfig::builder()
            .set_resources(Some(string_list(c.get("resources"))))
            .provider(provider)
            .build()]
    })
}

/// Load balancing is part of EKS Auto Mode (`compute_config`, see cluster_features).
pub(super) fn elb_of(net: &Value) -> Option<ElasticLoadBalancing> {
    let elb = one_block(net.get("elastic_load_balancing"));
    (!elb.is_null()).then(|| ElasticLoadBalancing::builder().set_enabled(elb.get("enabled").as_bool()).build())
}

fn upgrade_policy_of(v: &Value) -> Option<UpgradePolicyRequest> {
    let u = one_block(v.get("upgrade_policy"));
    u.get_str("support_type").map(|t| UpgradePolicyRequest::builder().support_type(SupportType::from(t)).build())
}

pub fn create_args(req: CreateClusterFluentBuilder, planned: &Value) -> CreateClusterFluentBuilder {
    let net = one_block(planned.get("kubernetes_network_config"));
    let net_req = (!net.is_null()).then(|| {
        KubernetesNetworkConfigRequest::builder()
            .set_service_ipv4_cidr(get_string(net, "service_ipv4_cidr"))
            .set_ip_family(net.get_str("ip_family").map(IpFamily::from))
            .set_elastic_load_balancing(elb_of(net))
            .build()
    });
    req.set_encryption_config(encryption_of(planned))
        .set_kubernetes_network_config(net_req)
        .set_upgrade_policy(upgrade_policy_of(planned))
}

/// Fills the blocks from `c`; what EKS (or an emulator) does not report keeps its prior value.
#[allow(deprecated)]
pub fn read(s: &mut Value, prior: &Value, c: &Cluster) {
    let prior_enc = one_block(prior.get("encryption_config"));
    let enc = c.encryption_config().first().map(|e| {
        Value::object([
            ("resources", in_prior_order(prior_enc.get("resources"), e.resources())),
            ("provider", block_list(Value::object([("key_arn", opt_str(e.provider().and_then(|p| p.key_arn())))]))),
        ])
    });
    s.set("encryption_config", block_list(enc.unwrap_or(Value::Null)));

    let prior_net = one_block(prior.get("kubernetes_network_config"));
    if let Some(n) = c.kubernetes_network_config() {
        let or_prior = |remote: Option<&str>, key: &str| match remote {
            Some(r) => Value::from(r),
            None => finalize(prior_net.get(key).clone()),
        };
        let elb = match n.elastic_load_balancing() {
            Some(e) => block_list(Value::object([("enabled", e.enabled().map(Value::from).unwrap_or(Value::Null))])),
            None => finalize(prior_net.get("elastic_load_balancing").clone()),
        };
        let elb = if elb.is_null() { Value::List(vec![]) } else { elb };
        s.set(
            "kubernetes_network_config",
            block_list(Value::object([
                ("ip_family", or_prior(n.ip_family().map(|f| f.as_str()), "ip_family")),
                ("service_ipv4_cidr", or_prior(n.service_ipv4_cidr(), "service_ipv4_cidr")),
                ("service_ipv6_cidr", opt_str(n.service_ipv6_cidr())),
                ("elastic_load_balancing", elb),
            ])),
        );
    } else {
        s.set("kubernetes_network_config", finalize(prior.get("kubernetes_network_config").clone()));
    }

    match c.upgrade_policy().and_then(|u| u.support_type()) {
        Some(t) => s.set("upgrade_policy", block_list(Value::object([("support_type", Value::from(t.as_str()))]))),
        None => s.set("upgrade_policy", finalize(prior.get("upgrade_policy").clone())),
    }
    for block in COMPUTED_BLOCKS.iter().chain(&["encryption_config"]) {
        if s.get(block).is_null() {
            s.set(block, Value::List(vec![]));
        }
    }
}

/// The in-place changes: an added `encryption_config` and a new upgrade support type. Returns
/// whether a call was made (the caller waits for ACTIVE).
pub async fn update(api: &Api<'_>, name: &str, prior: &Value, planned: &Value) -> Result<bool, AwsError> {
    let mut made = false;
    if !configured(prior, "encryption_config") {
        if let Some(enc) = encryption_of(planned) {
            let req = api.eks.associate_encryption_config().cluster_name(name).set_encryption_config(Some(enc));
            api.call("AssociateEncryptionConfig", || req.clone().send()).await?;
            made = true;
        }
    }
    let support = |v: &Value| one_block(v.get("upgrade_policy")).get_str("support_type").map(str::to_string);
    if support(planned).is_some() && support(planned) != support(prior) {
        let req = api.eks.update_cluster_config().name(name).set_upgrade_policy(upgrade_policy_of(planned));
        api.call("UpdateClusterConfig", || req.clone().send()).await?;
        made = true;
    }
    Ok(made)
}
