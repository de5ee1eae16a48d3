//! `kube-test-server`: serve a Kubernetes API until SIGTERM/SIGINT.
//!
//! Writes the kubeconfig, then prints one line, `listening on https://127.0.0.1:PORT`, so
//! harnesses can wait for it.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use kube_test_server::{Config, EksAuth, LoadBalancerStatus, RunningServer};

#[derive(Parser, Debug)]
#[command(version, about = "An in-memory Kubernetes API server for tests")]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Where to write the kubeconfig (server URL, CA data, admin token).
    #[arg(long)]
    kubeconfig_out: PathBuf,
    /// Cluster name (kubeconfig names; in EKS mode, the expected x-k8s-aws-id).
    #[arg(long, default_value = "kube-test-server")]
    cluster_name: String,
    /// Fixed admin token (a random one otherwise).
    #[arg(long)]
    token: Option<String>,
    /// Accept EKS `k8s-aws-v1.` tokens, checking their shape only.
    #[arg(long)]
    eks: bool,
    /// Accept EKS tokens, verified by calling this STS endpoint (implies --eks).
    #[arg(long, conflicts_with = "token")]
    eks_sts_endpoint: Option<String>,
    /// How long after signing an EKS token is accepted (EKS: 15m); shorter in tests, e.g. 5s.
    #[arg(long, default_value = "15m", value_parser = parse_duration)]
    eks_token_ttl: Duration,
    /// How long simulated controllers take to make workloads ready (e.g. 2s, 500ms).
    #[arg(long, default_value = "0s", value_parser = parse_duration)]
    ready_delay: Duration,
    /// LoadBalancer Services report an AWS-style `hostname` (no `ip`), as on EKS.
    #[arg(long)]
    aws_load_balancers: bool,
    /// Region in those hostnames.
    #[arg(long, default_value = "us-west-2")]
    aws_region: String,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| format!("invalid duration {text:?}"))?;
    let seconds = match unit {
        "ms" => number / 1000.0,
        "" | "s" => number,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        _ => return Err(format!("invalid duration unit in {text:?} (use ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let eks = (args.eks || args.eks_sts_endpoint.is_some())
        .then(|| EksAuth { sts_endpoint: args.eks_sts_endpoint.clone(), token_ttl: args.eks_token_ttl });
    let config = Config {
        listen: args.listen,
        cluster_name: args.cluster_name,
        admin_token: args.token,
        eks,
        ready_delay: args.ready_delay,
        load_balancer: if args.aws_load_balancers {
            LoadBalancerStatus::AwsHostname { region: args.aws_region }
        } else {
            LoadBalancerStatus::Ip
        },
        ..Config::default()
    };
    let server = match RunningServer::start(config).await {
        Ok(server) => server,
        Err(err) => {
            eprintln!("kube-test-server: {err}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(err) = server.write_kubeconfig(&args.kubeconfig_out) {
        eprintln!("kube-test-server: writing {}: {err}", args.kubeconfig_out.display());
        server.shutdown().await;
        return ExitCode::FAILURE;
    }
    println!("listening on {}", server.url);
    let _ = std::io::stdout().flush();
    wait_for_signal().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(signal) => signal,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_like_go() {
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn eks_token_ttl_defaults_to_eks_lifetime() {
        let args = Args::parse_from(["kube-test-server", "--kubeconfig-out", "k", "--eks"]);
        assert_eq!(args.eks_token_ttl, EksAuth::TOKEN_TTL);
        let args = Args::parse_from(["kube-test-server", "--kubeconfig-out", "k", "--eks", "--eks-token-ttl", "5s"]);
        assert_eq!(args.eks_token_ttl, Duration::from_secs(5));
    }
}
