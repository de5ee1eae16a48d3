//! `meshplan-emulators`: runs moto and kube test servers for scripts (scripts/demo) until
//! SIGINT/SIGTERM, then stops them all.
//!
//!     meshplan-emulators --out DIR [--cluster NAME]... [--region REGION] [--eks-token-ttl 15m|90s]
//!
//! Writes into DIR: `emulators.auto.mpvars` (the examples' variables), `env.sh` (exports for
//! meshplan and boto3: dummy credentials, region, no proxy for loopback), `NAME.kubeconfig`
//! per cluster (admin), and last `ready`, which scripts wait for. `--eks-token-ttl` shortens how
//! long the clusters accept an EKS token after signing (default 15m, as EKS).
//!
//!     meshplan-emulators fault-proxy --upstream URL [--lost-response P] [--server-error P]
//!         [--throttle P] [--outage-after N] [--seed S] [--reset]
//!
//! Runs the fault-injecting proxy (`meshplan_emulators::fault_proxy`) in front of a running
//! moto, prints its port on stdout, and runs until SIGINT/SIGTERM. Point the aws provider's
//! endpoints at `http://127.0.0.1:PORT`; `curl 127.0.0.1:PORT/__fault-proxy/stats` shows what
//! it injected, `curl -X POST 127.0.0.1:PORT/__fault-proxy/recover` ends an outage.

use meshplan_emulators::{Emulators, FaultConfig, FaultProxy, Options};
use std::path::PathBuf;
use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: meshplan-emulators --out DIR [--cluster NAME]... [--region REGION] [--eks-token-ttl 15m|90s]");
    eprintln!("       meshplan-emulators fault-proxy --upstream URL [--lost-response P] [--server-error P] [--throttle P] [--outage-after N] [--seed S] [--reset]");
    ExitCode::from(2)
}

fn fault_proxy(args: impl Iterator<Item = String>) -> ExitCode {
    let mut upstream = None;
    let mut config = FaultConfig::default();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        if arg == "--reset" {
            config.reset_on_lost = true;
            continue;
        }
        let Some(v) = args.next() else { return usage() };
        let p = |v: &str| v.parse::<f64>().ok().filter(|p| (0.0..=1.0).contains(p));
        match arg.as_str() {
            "--upstream" => upstream = Some(v),
            "--lost-response" => match p(&v) {
                Some(p) => config.lost_response = p,
                None => return usage(),
            },
            "--server-error" => match p(&v) {
                Some(p) => config.server_error = p,
                None => return usage(),
            },
            "--throttle" => match p(&v) {
                Some(p) => config.throttle = p,
                None => return usage(),
            },
            "--outage-after" => match v.parse() {
                Ok(n) => config.outage_after = Some(n),
                Err(_) => return usage(),
            },
            "--seed" => match v.parse() {
                Ok(n) => config.seed = n,
                Err(_) => return usage(),
            },
            _ => return usage(),
        }
    }
    let Some(upstream) = upstream else { return usage() };
    let proxy = match FaultProxy::start(&upstream, config) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("meshplan-emulators: fault proxy: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", proxy.port());
    eprintln!("meshplan-emulators: fault proxy at {} forwarding to {upstream}", proxy.url());
    wait_for_signal();
    let stats = proxy.stats();
    eprintln!("meshplan-emulators: fault proxy stopping; {}", stats.to_json());
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("fault-proxy") {
        return fault_proxy(std::env::args().skip(2));
    }
    let mut out: Option<PathBuf> = None;
    let mut options = Options::clusters(&[]);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--out", Some(v)) => out = Some(v.into()),
            ("--cluster", Some(v)) => options.clusters.push(v),
            ("--region", Some(v)) => options.region = v,
            ("--eks-token-ttl", Some(v)) => match seconds(&v) {
                Some(s) => options.eks_token_ttl = std::time::Duration::from_secs(s),
                None => return usage(),
            },
            _ => return usage(),
        }
    }
    let Some(out) = out else { return usage() };
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("meshplan-emulators: {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let emu = match Emulators::start(&options) {
        Ok(emu) => emu,
        Err(e) => {
            eprintln!("meshplan-emulators: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = write_files(&emu, &out) {
        eprintln!("meshplan-emulators: writing {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    eprintln!("meshplan-emulators: moto (AWS) at {}", emu.moto().url());
    for c in emu.clusters() {
        eprintln!(
            "meshplan-emulators: EKS cluster {:?} served by the kube test server at {} (kubeconfig {})",
            c.name,
            c.server.url,
            out.join(format!("{}.kubeconfig", c.name)).display()
        );
    }
    wait_for_signal();
    eprintln!("meshplan-emulators: stopping");
    drop(emu);
    let _ = std::fs::remove_file(out.join("ready"));
    ExitCode::SUCCESS
}

/// `90`, `90s` or `15m`.
fn seconds(text: &str) -> Option<u64> {
    match text.strip_suffix('m') {
        Some(minutes) => minutes.parse::<u64>().ok()?.checked_mul(60),
        None => text.strip_suffix('s').unwrap_or(text).parse().ok(),
    }
}

fn write_files(emu: &Emulators, out: &std::path::Path) -> std::io::Result<()> {
    emu.write_mpvars(out).map_err(|e| std::io::Error::other(e.to_string()))?;
    let env: String = emu.env().iter().map(|(k, v)| format!("export {k}='{v}'\n")).collect();
    std::fs::write(out.join("env.sh"), env)?;
    for c in emu.clusters() {
        std::fs::copy(&c.kubeconfig, out.join(format!("{}.kubeconfig", c.name)))?;
    }
    std::fs::write(out.join("ready"), format!("{}\n", std::process::id()))
}

fn wait_for_signal() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a signal runtime");
    runtime.block_on(async {
        let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn token_ttl_is_seconds_or_minutes() {
        assert_eq!(super::seconds("90"), Some(90));
        assert_eq!(super::seconds("90s"), Some(90));
        assert_eq!(super::seconds("15m"), Some(900));
        assert_eq!(super::seconds("soon"), None);
    }
}
