//! moto's server, started through `moto_launcher.py` (which maps EKS clusters to kube test
//! servers) with the Python that has moto installed.

use crate::Error;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    // Held open: the launcher exits when it closes, i.e. when this process dies by any means.
    _stdin: ChildStdin,
    port: u16,
    python: PathBuf,
    log: PathBuf,
}

impl Moto {
    /// Starts moto on a free 127.0.0.1 port and waits until it answers (60 s at most: the
    /// first start imports every moto backend and loads IAM's managed policies).
    pub fn start(mapping: &Path, log: &Path) -> Result<Moto, Error> {
        let python = find_python().map_err(Error::Moto)?;
        let launcher = launcher_path();
        // Another process may take the port between our probe and moto's bind: try again.
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port().map_err(|e| Error::Io("finding a free port".into(), e))?;
            let log_file = std::fs::File::create(log).map_err(|e| Error::Io(log.display().to_string(), e))?;
            let log_err = log_file.try_clone().map_err(|e| Error::Io(log.display().to_string(), e))?;
            let mut child = Command::new(&python)
                .arg(&launcher)
                .args(["--port", &port.to_string(), "--exit-with-stdin", "--clusters"])
                .arg(mapping)
                .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
                .stdin(Stdio::piped())
                .stdout(log_file)
                .stderr(log_err)
                .spawn()
                .map_err(|e| Error::Moto(format!("starting {} {}: {e}", python.display(), launcher.display())))?;
            let stdin = child.stdin.take().expect("piped stdin");
            let mut moto = Moto { child, _stdin: stdin, port, python: python.clone(), log: log.to_path_buf() };
            match moto.wait_ready(Duration::from_secs(60)) {
                Ok(()) => return Ok(moto),
                Err(e) => last = e,
            }
        }
        Err(Error::Moto(last))
    }

    fn wait_ready(&mut self, limit: Duration) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        let mut exited = None;
        while Instant::now() < deadline {
            // Any answer will do (this one is 201); it means moto has imported its backends.
            if let Ok((100..=599, _)) = http(self.port, "GET", "/moto-api/config") {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                exited = Some(status);
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect();
        let why = match exited {
            Some(status) => format!("exited ({status})"),
            None => "did not answer within the time limit".to_string(),
        };
        Err(format!("moto on port {} {why}; last lines of its log:\n{}", self.port, tail.join("\n")))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The Python that runs moto (it has boto3 too: moto depends on it).
    pub fn python(&self) -> &Path {
        &self.python
    }

    /// `POST /moto-api/reset`: forget every AWS object (the cluster mapping stays).
    pub fn reset(&self) -> Result<(), String> {
        match http(self.port, "POST", "/moto-api/reset") {
            Ok((200, _)) => Ok(()),
            Ok((status, body)) => Err(format!("reset answered {status}: {body}")),
            Err(e) => Err(e.to_string()),
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python with moto and boto3: `$MOTO_PYTHON`, else the workspace's `.venv/bin/python`
/// (where scripts/setup-test-tools installs moto), else `python3` on PATH.
pub fn find_python() -> Result<PathBuf, String> {
    let mut candidates = Vec::new();
    if let Some(p) = std::env::var_os("MOTO_PYTHON") {
        candidates.push(PathBuf::from(p));
    }
    candidates.push(workspace_root().join(".venv/bin/python"));
    candidates.push(PathBuf::from("python3"));
    for python in &candidates {
        let ok = Command::new(python)
            .args(["-c", "import moto.server, boto3"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Ok(python.clone());
        }
    }
    Err(format!(
        "no Python with moto and boto3 (tried {}); run scripts/setup-test-tools or set MOTO_PYTHON",
        candidates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    ))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `$MESHPLAN_MOTO_LAUNCHER`, else the launcher next to this crate's manifest.
fn launcher_path() -> PathBuf {
    std::env::var_os("MESHPLAN_MOTO_LAUNCHER")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("moto_launcher.py"))
}

fn free_port() -> std::io::Result<u16> {
    TcpListener::bind("127.0.0.1:0")?.local_addr().map(|a| a.port())
}

/// A minimal HTTP/1.1 exchange with moto: (status, body). No client crate needed for two
/// control calls.
fn http(port: u16, method: &str, path: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(s, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
    let mut buf = String::new();
    s.read_to_string(&mut buf)?;
    let status = buf.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = buf.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Ok((status, body))
}
