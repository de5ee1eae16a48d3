//! Starts a real moto server for the tests, shares it between them, resets it between
//! them, and kills it when the last test using it is done.
//!
//! moto keeps one global state, so tests that use it run one at a time (the session
//! holds a lock) and each begins with `POST /moto-api/reset`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

pub struct MotoServer {
    child: Child,
    pub port: u16,
}

impl MotoServer {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn start() -> MotoServer {
        let bin = find_moto_server();
        let port = free_port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let server = MotoServer { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while server.reset().is_err() {
            assert!(Instant::now() < deadline, "moto_server did not answer on port {port} within 60 s");
            std::thread::sleep(Duration::from_millis(200));
        }
        server
    }

    /// `POST /moto-api/reset`: forget every object.
    pub fn reset(&self) -> std::io::Result<()> {
        let (status, _) = http(self.port, "POST", "/moto-api/reset")?;
        if status == 200 {
            Ok(())
        } else {
            Err(std::io::Error::other(format!("reset answered {status}")))
        }
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A test's exclusive use of the shared server, freshly reset.
pub struct MotoSession {
    _turn: MutexGuard<'static, ()>,
    pub server: Arc<MotoServer>,
}

static TURN: Mutex<()> = Mutex::new(());
static SHARED: Mutex<Weak<MotoServer>> = Mutex::new(Weak::new());

pub fn session() -> MotoSession {
    // Take a reference first so the server outlives the wait for our turn.
    let server = {
        let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        match shared.upgrade() {
            Some(s) => s,
            None => {
                let s = Arc::new(MotoServer::start());
                *shared = Arc::downgrade(&s);
                s
            }
        }
    };
    let turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    server.reset().expect("moto reset");
    MotoSession { _turn: turn, server }
}

/// moto_server from $MOTO_SERVER, else $PATH, else the workspace's `.venv/bin`.
fn find_moto_server() -> PathBuf {
    if let Some(p) = std::env::var_os("MOTO_SERVER") {
        return PathBuf::from(p);
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join("moto_server");
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/moto_server");
    assert!(venv.is_file(), "moto_server not found: set MOTO_SERVER, put it on PATH, or run .ci/run to create .venv");
    venv
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// A minimal HTTP/1.1 exchange with the local server: (status, body).
pub fn http(port: u16, method: &str, path_and_query: &str) -> std::io::Result<(u16, String)> {
    http_with_headers(port, method, path_and_query, &[("Host", &format!("127.0.0.1:{port}"))])
}

/// Like [`http`], with the given headers (`Host` among them).
pub fn http_with_headers(
    port: u16,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    write!(s, "{method} {path_and_query} HTTP/1.1\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n")?;
    let mut buf = String::new();
    s.read_to_string(&mut buf)?;
    let status = buf.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = buf.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Ok((status, body))
}
