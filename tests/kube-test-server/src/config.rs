//! What a server instance is asked to be: where it listens, which cluster it pretends to be,
//! which tokens it accepts and how long its simulated controllers take.

use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind; port 0 picks a free port (the real one is in `ServerInfo::addr`).
    pub listen: SocketAddr,
    /// Cluster name: the kubeconfig's cluster/context/user name and, in EKS mode,
    /// the value the `x-k8s-aws-id` header must carry.
    pub cluster_name: String,
    /// The admin token; a random one is minted when absent.
    pub admin_token: Option<String>,
    /// Accept EKS-style `k8s-aws-v1.` tokens too.
    pub eks: Option<EksAuth>,
    /// How long simulated controllers wait before workloads report ready.
    pub ready_delay: Duration,
    /// Largest accepted request body, in bytes (larger bodies get 413).
    pub max_body_bytes: usize,
    /// What LoadBalancer Services report in `status.loadBalancer.ingress`.
    pub load_balancer: LoadBalancerStatus,
    /// Objects of built-in kinds created with the namespaces, before any client connects: what
    /// a managed cluster starts with (EKS's aws-node, for the emulators).
    pub initial_objects: Vec<serde_json::Value>,
}

/// Cloud load balancers differ: MetalLB/GCE/Azure report an `ip`, AWS (ELB/NLB) only a
/// `hostname`, so consumers must not assume either.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum LoadBalancerStatus {
    #[default]
    Ip,
    /// `hostname` only, shaped like an AWS load balancer's DNS name in this region; `internal-`
    /// prefixed when the Service asks for an internal scheme, as AWS names internal ELBs.
    AwsHostname { region: String },
}

#[derive(Debug, Clone)]
pub struct EksAuth {
    /// When set, every EKS token is checked by calling this STS endpoint with the presigned
    /// query, as aws-iam-authenticator does; when absent only the token's shape is checked.
    pub sts_endpoint: Option<String>,
    /// How long after its signing time (`X-Amz-Date`) a token is accepted: EKS takes a token
    /// for 15 minutes whatever its `X-Amz-Expires` says. Tests shorten it to see renewals.
    pub token_ttl: Duration,
}

impl EksAuth {
    /// EKS's token lifetime.
    pub const TOKEN_TTL: Duration = Duration::from_secs(15 * 60);

    /// Tokens checked against the STS at `endpoint`, with EKS's lifetime.
    pub fn with_sts(endpoint: impl Into<String>) -> Self {
        EksAuth { sts_endpoint: Some(endpoint.into()), ..EksAuth::default() }
    }
}

impl Default for EksAuth {
    fn default() -> Self {
        EksAuth { sts_endpoint: None, token_ttl: Self::TOKEN_TTL }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            cluster_name: "kube-test-server".to_string(),
            admin_token: None,
            eks: None,
            ready_delay: Duration::ZERO,
            max_body_bytes: 3 * 1024 * 1024,
            load_balancer: LoadBalancerStatus::Ip,
            initial_objects: Vec::new(),
        }
    }
}

impl Config {
    pub fn named(cluster_name: &str) -> Self {
        Config { cluster_name: cluster_name.to_string(), ..Config::default() }
    }
}
