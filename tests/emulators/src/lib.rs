//! Local emulators for end-to-end runs, so AWS + Kubernetes configurations apply without the
//! internet: moto's server (AWS) and one kube test server per EKS cluster name, wired so that
//! the endpoint and CA that moto's `DescribeCluster` returns for a cluster are those of its
//! kube test server, and that server accepts EKS tokens only when moto's STS accepts them.
//!
//! ```no_run
//! let emu = meshplan_emulators::Emulators::start(&meshplan_emulators::Options::clusters(&["foo"])).unwrap();
//! emu.write_mpvars(std::path::Path::new("examples/eks-irsa")).unwrap();
//! // meshplan apply ... with emu.env() in the environment; everything stops when `emu` drops.
//! ```
//!
//! Everything binds 127.0.0.1. Used by the engine's end-to-end tests (dev-dependency) and by
//! the `meshplan-emulators` binary (`scripts/demo`).

mod eks_bootstrap;
pub mod fault_proxy;
pub mod inventory;
mod moto;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use fault_proxy::{FaultConfig, FaultProxy};
pub use inventory::{audit, Audit, Inventory, StateRecord};
pub use kube_test_server::TestServer;
pub use moto::{find_python, Moto};

/// moto's fixed account ID (ARNs in checks).
pub const ACCOUNT_ID: &str = "123456789012";
/// The variables file the harness writes; `*.auto.mpvars` files are read by every meshplan
/// command in the directory, and undeclared variables in them are ignored, so one file serves
/// every example.
pub const MPVARS_FILE: &str = "emulators.auto.mpvars";
/// The AWS services the aws provider's `endpoints` block knows.
pub const SERVICES: &[&str] = &[
    "ec2",
    "iam",
    "eks",
    "s3",
    "sts",
    "logs",
    "kms",
    "ssm",
    "autoscaling",
    "acmpca",
    "sqs",
    "events",
    "elasticache",
    "rds",
    "redshift",
    "sns",
    "lambda",
    "s3control",
    "cloudformation",
    "rolesanywhere",
];

#[derive(Debug, Clone)]
pub struct Options {
    /// EKS cluster names that get a kube test server each.
    pub clusters: Vec<String>,
    pub region: String,
    /// How long after signing the clusters accept an EKS token (EKS: 15 minutes); tests
    /// shorten it to make a provider renew its token within one apply.
    pub eks_token_ttl: Duration,
}

impl Options {
    pub fn clusters(names: &[&str]) -> Options {
        Options {
            clusters: names.iter().map(|n| n.to_string()).collect(),
            region: "us-east-1".into(),
            eks_token_ttl: kube_test_server::EksAuth::TOKEN_TTL,
        }
    }

    /// The same with EKS tokens accepted for `ttl` only.
    pub fn with_eks_token_ttl(self, ttl: Duration) -> Options {
        Options { eks_token_ttl: ttl, ..self }
    }
}

#[derive(Debug)]
pub enum Error {
    Io(String, std::io::Error),
    Moto(String),
    KubeServer(String, kube_test_server::StartError),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(what, e) => write!(f, "{what}: {e}"),
            Error::Moto(msg) => write!(f, "moto: {msg}"),
            Error::KubeServer(name, e) => write!(f, "kube test server {name}: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// A kube test server standing in for one EKS cluster.
pub struct Cluster {
    pub name: String,
    pub server: TestServer,
    /// Admin kubeconfig, for independent checks with kubectl.
    pub kubeconfig: PathBuf,
}

/// The running emulators; dropping it stops them all (moto is killed, servers shut down, the
/// temporary directory removed).
pub struct Emulators {
    // Field order is drop order: the servers stop before moto.
    clusters: Vec<Cluster>,
    moto: Moto,
    region: String,
    dir: tempfile::TempDir,
}

impl Emulators {
    pub fn start(options: &Options) -> Result<Emulators, Error> {
        let dir = tempfile::Builder::new()
            .prefix("meshplan-emulators-")
            .tempdir()
            .map_err(|e| Error::Io("temporary directory".into(), e))?;
        let mapping = dir.path().join("eks-clusters.json");
        // moto first, on a port of its own: the kube test servers need its URL for STS, and the
        // launcher re-reads the cluster mapping on every CreateCluster, so writing it after
        // the servers picked their ports is enough.
        let moto = Moto::start(&mapping, &dir.path().join("moto.log"))?;
        let mut clusters = Vec::new();
        for name in &options.clusters {
            let config = kube_test_server::Config {
                eks: Some(kube_test_server::EksAuth {
                    sts_endpoint: Some(moto.url()),
                    token_ttl: options.eks_token_ttl,
                }),
                // EKS load balancers have a DNS name, never an ip.
                load_balancer: kube_test_server::LoadBalancerStatus::AwsHostname { region: options.region.clone() },
                initial_objects: eks_bootstrap::objects(),
                ..kube_test_server::Config::named(name)
            };
            let server = TestServer::start(config).map_err(|e| Error::KubeServer(name.clone(), e))?;
            let kubeconfig = dir.path().join(format!("{name}.kubeconfig"));
            server.write_kubeconfig(&kubeconfig).map_err(|e| Error::Io(kubeconfig.display().to_string(), e))?;
            clusters.push(Cluster { name: name.clone(), server, kubeconfig });
        }
        let map: serde_json::Map<String, serde_json::Value> = clusters
            .iter()
            .map(|c| (c.name.clone(), serde_json::json!({"endpoint": c.server.url, "ca_pem": c.server.ca_pem})))
            .collect();
        // Write then rename: the launcher must never read a half-written file.
        let partial = dir.path().join("eks-clusters.json.tmp");
        std::fs::write(&partial, serde_json::Value::Object(map).to_string())
            .map_err(|e| Error::Io(partial.display().to_string(), e))?;
        std::fs::rename(&partial, &mapping).map_err(|e| Error::Io(mapping.display().to_string(), e))?;
        Ok(Emulators { clusters, moto, region: options.region.clone(), dir })
    }

    pub fn moto(&self) -> &Moto {
        &self.moto
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn clusters(&self) -> &[Cluster] {
        &self.clusters
    }

    /// The kube test server standing in for the EKS cluster `name`.
    pub fn cluster(&self, name: &str) -> &Cluster {
        self.clusters.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no emulated cluster {name}"))
    }

    /// A scratch directory that lives as long as the emulators.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Endpoints for the aws provider's `endpoints` block, one per service: all moto.
    pub fn aws_endpoints(&self) -> BTreeMap<&'static str, String> {
        SERVICES.iter().map(|s| (*s, self.moto.url())).collect()
    }

    /// The examples' variables (`region`, `aws_endpoints`, `aws_access_key`, `aws_secret_key`)
    /// as a variables file: with them unset the same configuration targets real AWS.
    pub fn mpvars(&self) -> String {
        self.mpvars_via(&self.moto.url())
    }

    /// [`Self::mpvars`] with every AWS endpoint at `url` instead of moto's, e.g. a
    /// [`FaultProxy`] in front of moto.
    pub fn mpvars_via(&self, url: &str) -> String {
        let endpoints: Vec<String> = SERVICES.iter().map(|s| format!("  {s} = \"{url}\"")).collect();
        format!(
            "# Written by meshplan-emulators: AWS endpoints at {url}.\nregion = \"{region}\"\naws_access_key = \"test\"\naws_secret_key = \"test\"\naws_endpoints = {{\n{endpoints}\n}}\n",
            region = self.region,
            endpoints = endpoints.join("\n"),
        )
    }

    /// Writes [`Self::mpvars_via`] as `dir/emulators.auto.mpvars`; returns its path.
    pub fn write_mpvars_via(&self, dir: &Path, url: &str) -> Result<PathBuf, Error> {
        let path = dir.join(MPVARS_FILE);
        std::fs::write(&path, self.mpvars_via(url)).map_err(|e| Error::Io(path.display().to_string(), e))?;
        Ok(path)
    }

    /// Writes [`Self::mpvars`] as `dir/emulators.auto.mpvars`; returns its path.
    pub fn write_mpvars(&self, dir: &Path) -> Result<PathBuf, Error> {
        let path = dir.join(MPVARS_FILE);
        std::fs::write(&path, self.mpvars()).map_err(|e| Error::Io(path.display().to_string(), e))?;
        Ok(path)
    }

    /// Environment for meshplan and for independent clients (boto3): dummy credentials and
    /// region (also for anything that reads the standard chain), no instance metadata lookups,
    /// no proxy for loopback, no shared config files that could name real accounts.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = [
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/dev/null"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
            ("NO_PROXY", "127.0.0.1,localhost"),
            ("no_proxy", "127.0.0.1,localhost"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        env.push(("AWS_REGION".into(), self.region.clone()));
        env.push(("AWS_DEFAULT_REGION".into(), self.region.clone()));
        env.push(("MOTO_URL".into(), self.moto.url()));
        env
    }

    /// Runs a Python snippet with boto3 against moto (an independent client for checks);
    /// `endpoint`, `region` and a `client(service)` helper are predefined. Returns stdout.
    pub fn boto3(&self, script: &str) -> Result<String, String> {
        let prelude = format!(
            "import boto3, json\nendpoint = {url:?}\nregion = {region:?}\ndef client(service, region_name=region):\n    return boto3.client(service, endpoint_url=endpoint, region_name=region_name, aws_access_key_id='test', aws_secret_access_key='test')\n",
            url = self.moto.url(),
            region = self.region,
        );
        let out = std::process::Command::new(self.moto.python())
            .arg("-c")
            .arg(format!("{prelude}{script}"))
            .envs(self.env())
            .output()
            .map_err(|e| format!("running {}: {e}", self.moto.python().display()))?;
        if !out.status.success() {
            return Err(format!("boto3 script failed:\n{}", String::from_utf8_lossy(&out.stderr)));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Every object moto holds that a configuration could have made (`inventory.py`, boto3
    /// straight to moto).
    pub fn inventory(&self) -> Result<Inventory, String> {
        Inventory::collect(self.moto.python(), &self.moto.url(), &self.region, &self.env())
    }

    /// Runs kubectl against the cluster `name` as admin. Returns (success, stdout + stderr).
    pub fn kubectl(&self, name: &str, args: &[&str]) -> (bool, String) {
        let out = std::process::Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&self.cluster(name).kubeconfig)
            .args(args)
            .env("NO_PROXY", "127.0.0.1,localhost")
            .output();
        match out {
            Ok(out) => (
                out.status.success(),
                String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
            ),
            Err(e) => (false, format!("running kubectl: {e}")),
        }
    }
}
