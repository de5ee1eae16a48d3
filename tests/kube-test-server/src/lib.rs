//! A Kubernetes API test server: a real HTTPS Kubernetes API, in memory, that kubectl and
//! kube-rs both work against. It is test infrastructure for the Kubernetes provider and
//! the end-to-end tests (no kube-apiserver, kind or k3s can run on our machines).
//!
//! Start it in-process with [`TestServer::start`] (blocking, own runtime; handy in any
//! test) or [`RunningServer::start`] (on the caller's Tokio runtime), or run the
//! `kube-test-server` binary. See ARCHITECTURE.md for the map of the modules.

mod api;
mod auth;
mod cluster;
mod config;
mod controllers;
mod discovery;
mod error;
mod http;
mod kinds;
mod kubeconfig;
mod openapi;
mod patch;
mod shape;
mod ssa;
mod store;
mod time;
mod tls;

use std::net::SocketAddr;
use std::ops::Deref;
use std::path::Path;
use std::sync::atomic::AtomicU32;
use std::sync::Arc;

use serde_json::{json, Value};
use tokio::sync::{oneshot, watch};

pub use config::{Config, EksAuth, LoadBalancerStatus};
pub use error::ApiError;

use cluster::Cluster;

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("binding {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    #[error("creating the initial objects: {0}")]
    Bootstrap(ApiError),
    #[error("starting the server's runtime: {0}")]
    Runtime(std::io::Error),
}

/// What a client needs to reach a started server.
#[derive(Debug, Clone)]
pub struct ServerInfo {
    /// The bound address (the real port when asked for port 0).
    pub addr: SocketAddr,
    /// `https://127.0.0.1:PORT`
    pub url: String,
    pub cluster_name: String,
    /// PEM of the CA that signed the serving certificate.
    pub ca_pem: String,
    /// A token that authenticates as cluster admin.
    pub admin_token: String,
    /// A complete kubeconfig (YAML) for this server and the admin token.
    pub kubeconfig: String,
}

impl ServerInfo {
    pub fn write_kubeconfig(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, &self.kubeconfig)
    }
}

/// A server running on the caller's Tokio runtime.
pub struct RunningServer {
    info: ServerInfo,
    cluster: Arc<Cluster>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl RunningServer {
    /// Binds, mints the CA and serving certificate, creates the initial namespaces and
    /// starts serving. Must be called within a Tokio runtime.
    pub async fn start(config: Config) -> Result<RunningServer, StartError> {
        // In a workspace build rustls has both crypto backends enabled and cannot choose; the
        // server and the kube clients tests build next to it use ring (no-op if one is set).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| StartError::Bind { addr: config.listen, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind { addr: config.listen, source })?;
        let tls = tls::mint(&config.cluster_name, addr.ip())?;
        let admin_token =
            config.admin_token.clone().unwrap_or_else(|| format!("admin-{}", uuid::Uuid::new_v4().simple()));
        let cluster = Arc::new(Cluster {
            store: Default::default(),
            kinds: Default::default(),
            auth: auth::Authenticator::new(admin_token.clone(), &config.cluster_name, config.eks.as_ref()),
            addr,
            ca_pem: tls.ca_pem.clone(),
            ready_delay: config.ready_delay,
            load_balancer: config.load_balancer.clone(),
            max_body_bytes: config.max_body_bytes,
            next_cluster_ip: AtomicU32::new(10),
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        // Controllers first, so they see the bootstrap objects.
        let controllers = controllers::spawn(cluster.clone(), shutdown_rx.clone());
        bootstrap(&cluster, &config.initial_objects).map_err(StartError::Bootstrap)?;
        let server = tokio::spawn(http::serve(listener, tls.config.clone(), cluster.clone(), shutdown_rx));
        let url = cluster.server_url();
        let info = ServerInfo {
            kubeconfig: kubeconfig::render(&config.cluster_name, &url, &tls.ca_pem, &admin_token),
            addr,
            url,
            cluster_name: config.cluster_name,
            ca_pem: tls.ca_pem,
            admin_token,
        };
        Ok(RunningServer { info, cluster, shutdown, tasks: vec![server, controllers] })
    }

    pub fn info(&self) -> &ServerInfo {
        &self.info
    }

    /// Every stored object (what `GET /debug/objects?full=true` returns).
    pub fn objects(&self) -> Vec<Value> {
        self.cluster.store.all().into_iter().map(|(_, object)| object).collect()
    }

    /// Stops accepting, closes connections (ending watches) and waits for the tasks.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

impl Deref for RunningServer {
    type Target = ServerInfo;
    fn deref(&self) -> &ServerInfo {
        &self.info
    }
}

/// The namespaces every cluster starts with (each gets its `default` ServiceAccount), then
/// the configured initial objects.
fn bootstrap(cluster: &Arc<Cluster>, initial: &[Value]) -> Result<(), ApiError> {
    let namespace_kind =
        cluster.kinds.builtin("", "Namespace").ok_or_else(|| ApiError::internal("no Namespace kind"))?;
    for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
        api::write::create_internal(cluster, &namespace_kind, "", namespace)?;
    }
    for object in initial {
        let text = |field: &str| object[field].as_str().unwrap_or_default();
        let group = text("apiVersion").rsplit_once('/').map_or("", |(group, _)| group);
        let kind = cluster
            .kinds
            .builtin(group, text("kind"))
            .ok_or_else(|| ApiError::internal(format!("initial object of unknown kind {}", text("kind"))))?;
        let namespace = object["metadata"]["namespace"].as_str().unwrap_or_default();
        api::write::create_internal(cluster, &kind, namespace, object.clone())?;
    }
    Ok(())
}

/// A server on its own thread and Tokio runtime, stopped when dropped. Works from plain
/// `#[test]`s (e.g. driving kubectl) and from async tests alike.
pub struct TestServer {
    info: ServerInfo,
    cluster: Arc<Cluster>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start(config: Config) -> Result<TestServer, StartError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("kube-test-server-{}", config.cluster_name))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
                    Ok(runtime) => runtime,
                    Err(err) => {
                        let _ = ready_tx.send(Err(StartError::Runtime(err)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match RunningServer::start(config).await {
                        Ok(server) => {
                            let _ = ready_tx.send(Ok((server.info.clone(), server.cluster.clone())));
                            let _ = stop_rx.await;
                            server.shutdown().await;
                        }
                        Err(err) => {
                            let _ = ready_tx.send(Err(err));
                        }
                    }
                });
            })
            .map_err(StartError::Runtime)?;
        let (info, cluster) = ready_rx
            .recv()
            .map_err(|_| StartError::Runtime(std::io::Error::other("server thread ended before starting")))??;
        Ok(TestServer { info, cluster, stop: Some(stop_tx), thread: Some(thread) })
    }

    pub fn info(&self) -> &ServerInfo {
        &self.info
    }

    /// Every stored object (what `GET /debug/objects?full=true` returns).
    pub fn objects(&self) -> Vec<Value> {
        self.cluster.store.all().into_iter().map(|(_, object)| object).collect()
    }

    /// Stops the server and waits for its thread (also done on drop).
    pub fn stop(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Deref for TestServer {
    type Target = ServerInfo;
    fn deref(&self) -> &ServerInfo {
        &self.info
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop_now();
    }
}
