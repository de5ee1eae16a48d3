//! Helpers shared by the integration tests: run the real `meshplan` binary in a directory,
//! write configurations, and read results. Nothing here reaches the network.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_meshplan");

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub args: Vec<String>,
}

impl Run {
    /// stdout and stderr together, for "never appears anywhere" checks.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
    /// Asserts the exit code and that nothing panicked; returns self for chaining.
    #[track_caller]
    pub fn code(&self, want: i32) -> &Self {
        assert_eq!(
            self.code,
            want,
            "`meshplan {}` exited {} (want {want})\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        );
        self.no_panic()
    }
    #[track_caller]
    pub fn ok(&self) -> &Self {
        self.code(0)
    }
    #[track_caller]
    pub fn no_panic(&self) -> &Self {
        assert!(!self.stderr.contains("panicked"), "`meshplan {}` panicked:\n{}", self.args.join(" "), self.stderr);
        assert_ne!(self.code, 101, "`meshplan {}` exited 101 (panic)", self.args.join(" "));
        self
    }
    #[track_caller]
    pub fn stdout_has(&self, s: &str) -> &Self {
        assert!(
            self.stdout.contains(s),
            "stdout of `meshplan {}` lacks {s:?}:\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.stdout,
            self.stderr
        );
        self
    }
    #[track_caller]
    pub fn stderr_has(&self, s: &str) -> &Self {
        assert!(self.stderr.contains(s), "stderr of `meshplan {}` lacks {s:?}:\n{}", self.args.join(" "), self.stderr);
        self
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("`meshplan {}` did not print JSON ({e}):\n{}", self.args.join(" "), self.stdout))
    }
}

/// Runs `meshplan ARGS` in `dir` with colors off and no inherited MESHPLAN_VAR_* / TF_VAR_* variables.
pub fn meshplan(dir: &Path, args: &[&str]) -> Run {
    meshplan_env(dir, args, &[])
}

pub fn meshplan_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).args(args).env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE");
    for (k, _) in std::env::vars() {
        if k.starts_with("MESHPLAN_VAR_") || k.starts_with("TF_VAR_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run the meshplan binary");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        args: args.iter().map(|s| s.to_string()).collect(),
    }
}

/// A temporary working directory holding `main.mp.hcl`.
pub struct Work {
    pub dir: tempfile::TempDir,
}

impl Work {
    pub fn new(config: &str) -> Work {
        let dir = tempfile::Builder::new().prefix("meshplan-test-").tempdir().expect("tempdir");
        std::fs::write(dir.path().join("main.mp.hcl"), config).expect("write config");
        Work { dir }
    }
    /// A working directory holding exactly `files` (no `main.mp.hcl`).
    pub fn files(files: &[(&str, &str)]) -> Work {
        let dir = tempfile::Builder::new().prefix("meshplan-test-").tempdir().expect("tempdir");
        let w = Work { dir };
        for (name, text) in files {
            w.write(name, text);
        }
        w
    }
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    pub fn write(&self, name: &str, text: &str) {
        let p = self.file(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
    }
    pub fn config(&self, text: &str) {
        self.write("main.mp.hcl", text);
    }
    pub fn run(&self, args: &[&str]) -> Run {
        meshplan(self.path(), args)
    }
    /// `state list` as lines.
    pub fn state_list(&self) -> Vec<String> {
        let r = self.run(&["state", "list"]);
        r.ok();
        r.stdout.lines().map(str::to_string).filter(|l| !l.is_empty()).collect()
    }
    /// The state as JSON (`show -json`): sensitive values are redacted there.
    pub fn state_json(&self) -> serde_json::Value {
        let r = self.run(&["show", "-json"]);
        r.ok();
        r.json()
    }
}

/// Copies a directory tree (used for configuration fixtures and state directories).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// A one-route HTTP server on 127.0.0.1:0 for the `http` data source; returns its base URL.
pub fn serve_http(body: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/config", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = std::io::Read::read(&mut s, &mut buf);
            let _ = std::io::Write::write_fmt(&mut s, format_args!( "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()));
        }
    });
    url
}
