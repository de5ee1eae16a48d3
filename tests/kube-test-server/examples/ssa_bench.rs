//! Server-side apply throughput for ConfigMaps, end to end over HTTPS with kube-rs.
//!
//! `cargo run --release -p kube-test-server --example ssa_bench [REQUESTS] [CONCURRENCY]`
//! Prints requests/s; a benchmark, not a test.

use std::time::Instant;

use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, Patch, PatchParams};
use kube_test_server::{Config, RunningServer};
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let requests: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5_000);
    let concurrency: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(16).max(1);
    let server = RunningServer::start(Config::named("bench")).await?;
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&server.kubeconfig)?;
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default()).await?;
    let client = kube::Client::try_from(config)?;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");

    let started = Instant::now();
    let workers = (0..concurrency).map(|worker| {
        let api = api.clone();
        let share = requests / concurrency + usize::from(worker < requests % concurrency);
        tokio::spawn(async move {
            for n in 0..share {
                // 50 ConfigMaps per worker, each re-applied with new data (a real write).
                let name = format!("bench-{worker}-{}", n % 50);
                let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": {"worker": worker.to_string()}},
                                  "data": {"n": n.to_string(), "payload": "x".repeat(256)}});
                api.patch(&name, &PatchParams::apply("bench").force(), &Patch::Apply(body)).await?;
            }
            Ok::<_, kube::Error>(())
        })
    });
    for result in futures::future::join_all(workers).await {
        result??;
    }
    let elapsed = started.elapsed();
    println!(
        "server-side apply of ConfigMaps: {requests} requests, concurrency {concurrency}, {:.2}s, {:.0} requests/s",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64()
    );
    server.shutdown().await;
    Ok(())
}
