//! The simulated cluster: the object store, the served kinds, authentication and settings,
//! shared by the HTTP layer and the simulated controllers.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::auth::Authenticator;
use crate::kinds::Registry;
use crate::store::Store;

pub struct Cluster {
    pub store: Store,
    pub kinds: Registry,
    pub auth: Authenticator,
    pub addr: SocketAddr,
    pub ca_pem: String,
    pub ready_delay: Duration,
    pub load_balancer: crate::config::LoadBalancerStatus,
    pub max_body_bytes: usize,
    /// Next ClusterIP to hand out (offset into 10.96.0.0/12).
    pub next_cluster_ip: AtomicU32,
}

impl Cluster {
    pub fn server_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// A fresh ClusterIP from 10.96.0.0/12 (10.96.0.1 is the `kubernetes` Service's).
    pub fn allocate_cluster_ip(&self) -> String {
        let n = self.next_cluster_ip.fetch_add(1, Ordering::Relaxed) % (1 << 20);
        let ip = u32::from(std::net::Ipv4Addr::new(10, 96, 0, 0)) + n;
        std::net::Ipv4Addr::from(ip).to_string()
    }
}
