//! `meshplan init` fetching module sources, through the real binary: a module registry
//! written for the test (discovery, versions, download → X-Terraform-Get → tar.gz) reached
//! through the CLI configuration's `host` block, git repositories made with `git init` and
//! used through `git::file://`, zip archives over http. Servers bind 127.0.0.1 on free
//! ports and are stopped after `init` to prove later commands load modules offline.

mod common;

use common::{meshplan_env, Run, Work};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

// ---- a tiny HTTP server -------------------------------------------------------------------

#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Serves fixed replies by path (query included when a route names one), one connection
/// at a time; everything else is 404. Dropping it closes the port.
struct Server {
    port: u16,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    auth: Arc<Mutex<Auth>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let auth: Arc<Mutex<Auth>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s, a) = (routes.clone(), stop.clone(), auth.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    serve_one(stream, &r, &a);
                }
            }
        });
        Server { port, routes, auth, stop, thread: Some(thread) }
    }
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
    fn route(&self, path: &str, status: u16, headers: &[(&str, &str)], body: Vec<u8>) {
        let headers = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        self.routes.lock().unwrap().insert(path.to_string(), Reply { status, headers, body });
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Registry API calls (`/v1/...` but archives) answer 401 without `required` as a bearer
/// token; every request's path and `Authorization` header is kept in `seen`.
#[derive(Default)]
struct Auth {
    required: Option<String>,
    seen: Vec<(String, Option<String>)>,
}

fn serve_one(mut stream: TcpStream, routes: &Mutex<HashMap<String, Reply>>, auth: &Mutex<Auth>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map(|n| n == 0).unwrap_or(true) || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("authorization") {
                authorization = Some(v.trim().to_string());
            }
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let routes = routes.lock().unwrap();
    let mut reply = routes.get(&target).or_else(|| routes.get(target.split('?').next().unwrap_or(""))).cloned();
    drop(routes);
    let mut a = auth.lock().unwrap();
    a.seen.push((target.clone(), authorization.clone()));
    if let Some(token) = &a.required {
        let api = target.starts_with("/v1/") && !target.contains(".tar.gz");
        if api && authorization.as_deref() != Some(&format!("Bearer {token}")) {
            reply = Some(Reply { status: 401, headers: vec![], body: b"unauthorized".to_vec() });
        }
    }
    drop(a);
    let reply = reply.unwrap_or(Reply { status: 404, headers: vec![], body: b"not found".to_vec() });
    let mut head = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", reply.status);
    if reply.status != 204 {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    if reply.status != 204 {
        let _ = stream.write_all(&reply.body);
    }
}

// ---- module packages ----------------------------------------------------------------------

fn targz(files: &[(&str, String)]) -> Vec<u8> {
    let mut b = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default()));
    for (path, text) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, path, text.as_bytes()).expect("tar entry");
    }
    b.into_inner().expect("tar").finish().expect("gzip")
}

fn zip(files: &[(&str, String)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, text) in files {
        w.start_file(
            *path,
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated),
        )
        .expect("zip entry");
        w.write_all(text.as_bytes()).expect("zip write");
    }
    w.finish().expect("zip").into_inner()
}

/// A module taking `name` and saying which `version` of it ran, plus `extra` HCL.
fn greeter(version: &str, extra: &str) -> String {
    format!(
        r#"
variable "name" {{
  type = string
}}

resource "meshplan_data" "this" {{
  input = "hello ${{var.name}} from {version}"
}}

output "greeting" {{
  value = meshplan_data.this.output
}}
{extra}"#
    )
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=meshplan-test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A git repository (made by the test) with `v1.0.0` (tag) and a later commit on `main`;
/// the module lives at the top and, in `modules/tagger`, a second one.
fn git_repo(root: &Path) -> PathBuf {
    let repo = root.join("repo.git");
    std::fs::create_dir_all(repo.join("modules/tagger")).unwrap();
    git(&repo, &["init", "-q"]);
    let write = |version: &str| {
        std::fs::write(repo.join("main.tf"), greeter(&format!("git-{version}"), "")).unwrap();
        std::fs::write(
            repo.join("modules/tagger/main.tf"),
            format!("resource \"meshplan_data\" \"tag\" {{\n  input = \"tag-{version}\"\n}}\n"),
        )
        .unwrap();
    };
    write("v1");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "v1"]);
    git(&repo, &["tag", "v1.0.0"]);
    write("v2");
    git(&repo, &["commit", "-q", "-am", "v2"]);
    repo
}

// ---- the registry -------------------------------------------------------------------------

/// A registry for `registry.test/acme/greeter/test`, listing `versions`; each version's
/// download points (relatively) at a tar.gz this server also serves.
fn registry(versions: &[&str], git_repo: &Path) -> Server {
    let s = Server::start();
    let listed: Vec<String> = versions.iter().map(|v| format!(r#"{{"version":"{v}"}}"#)).collect();
    s.route(
        "/v1/modules/acme/greeter/test/versions",
        200,
        &[("Content-Type", "application/json")],
        format!(r#"{{"modules":[{{"versions":[{}]}}]}}"#, listed.join(",")).into_bytes(),
    );
    for v in versions {
        // 1.1.0 calls a local module inside the package and a git module: keys
        // greeter.inner and greeter.tagger. Its archive keeps the module in a subdirectory.
        let (files, location) = if *v == "1.1.0" {
            let extra = format!(
                "module \"inner\" {{\n  source = \"./inner\"\n}}\nmodule \"tagger\" {{\n  source = \"git::file://{}//modules/tagger?ref=v1.0.0\"\n}}\n",
                git_repo.display()
            );
            (
                vec![
                    ("pkg/main.tf", greeter(v, &extra)),
                    ("pkg/inner/main.tf", "output \"x\" {\n  value = 1\n}\n".to_string()),
                ],
                s.url(&format!("/archives/greeter-{v}.tar.gz//pkg")),
            )
        } else {
            (vec![("main.tf", greeter(v, ""))], "./archive.tar.gz".to_string())
        };
        let archive_path = if *v == "1.1.0" {
            format!("/archives/greeter-{v}.tar.gz")
        } else {
            format!("/v1/modules/acme/greeter/test/{v}/archive.tar.gz")
        };
        s.route(&archive_path, 200, &[], targz(&files));
        s.route(&format!("/v1/modules/acme/greeter/test/{v}/download"), 204, &[("X-Terraform-Get", &location)], vec![]);
    }
    s
}

/// A CLI configuration sending `registry.test` to `server`, with blocks meshplan ignores.
fn cli_config(w: &Work, server: &Server) -> String {
    let text = format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path = \"/opt/tf-plugins\"\n  }}\n}}\nhost \"registry.test\" {{\n  services = {{\n    \"modules.v1\" = \"{}\"\n  }}\n}}\n",
        server.url("/v1/modules/")
    );
    w.write("cli.tfrc", &text);
    w.file("cli.tfrc").display().to_string()
}

fn empty_cli_config(w: &Work) -> String {
    w.write("empty.tfrc", "");
    w.file("empty.tfrc").display().to_string()
}

fn run(w: &Work, cfg: &str, args: &[&str]) -> Run {
    meshplan_env(w.path(), args, &[("MESHPLAN_CLI_CONFIG_FILE", cfg), ("HOME", &w.path().display().to_string())])
}

fn root_config(version: &str) -> String {
    format!(
        "module \"greeter\" {{\n  source  = \"registry.test/acme/greeter/test\"\n  version = \"{version}\"\n  name    = \"world\"\n}}\n\noutput \"greeting\" {{\n  value = module.greeter.greeting\n}}\n"
    )
}

fn manifest(w: &Work) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(w.file(".meshplan/modules/modules.json")).expect("modules.json"))
        .expect("JSON")
}

fn record<'a>(m: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    m["Modules"].as_array().unwrap().iter().find(|r| r["Key"] == key).unwrap_or_else(|| panic!("no {key} in {m}"))
}

#[test]
fn registry_modules_install_then_run_offline_and_upgrade() {
    let w = Work::new(&root_config("~> 1.0"));
    let repo = git_repo(w.path());

    let server = registry(&["1.0.0", "2.0.0", "2.1.0-beta.1"], &repo);
    let cfg = cli_config(&w, &server);
    run(&w, &cfg, &["init"])
        .ok()
        .stdout_has("Initializing modules...")
        .stdout_has("Downloading registry.test/acme/greeter/test 1.0.0 for greeter...")
        .stdout_has("- greeter in .meshplan/modules/greeter");
    let m = manifest(&w);
    assert_eq!(record(&m, "greeter")["Version"], "1.0.0");
    assert_eq!(record(&m, "greeter")["Source"], "registry.test/acme/greeter/test");
    assert_eq!(record(&m, "greeter")["Dir"], ".meshplan/modules/greeter");
    drop(server);

    // Offline from here: the registry's port is closed.
    run(&w, &cfg, &["validate"]).ok();
    run(&w, &cfg, &["plan"]).ok().stdout_has("hello world from 1.0.0");
    run(&w, &cfg, &["apply", "-auto-approve"]).ok().stdout_has("greeting = \"hello world from 1.0.0\"");

    // A newer 1.x appears: plain init keeps what satisfies, -upgrade takes the newest.
    let server = registry(&["1.0.0", "1.1.0", "2.0.0", "2.1.0-beta.1"], &repo);
    let cfg = cli_config(&w, &server);
    let kept = run(&w, &cfg, &["init"]);
    kept.ok().stdout_has("- greeter in .meshplan/modules/greeter");
    assert!(!kept.stdout.contains("Downloading"), "plain init must keep 1.0.0:\n{}", kept.stdout);
    run(&w, &cfg, &["init", "-upgrade"])
        .ok()
        .stdout_has("Upgrading modules...")
        .stdout_has("Downloading registry.test/acme/greeter/test 1.1.0 for greeter...")
        .stdout_has("- greeter in .meshplan/modules/greeter/pkg")
        .stdout_has("- greeter.inner in .meshplan/modules/greeter/pkg/inner")
        .stdout_has(&format!(
            "Downloading git::file://{}//modules/tagger?ref=v1.0.0 for greeter.tagger...",
            repo.display()
        ))
        .stdout_has("- greeter.tagger in .meshplan/modules/greeter.tagger/modules/tagger");
    let m = manifest(&w);
    assert_eq!(record(&m, "greeter")["Version"], "1.1.0");
    assert_eq!(record(&m, "greeter.tagger")["Dir"], ".meshplan/modules/greeter.tagger/modules/tagger");
    assert!(record(&m, "greeter.tagger").get("Version").is_none());

    // No version matches: the error lists what there is (newest first).
    w.config(&root_config("~> 3.0"));
    run(&w, &cfg, &["init"])
        .code(1)
        .stderr_has("no available version of registry.test/acme/greeter/test matches \"~> 3.0\"")
        .stderr_has("available versions: 2.1.0-beta.1, 2.0.0, 1.1.0, 1.0.0")
        .stderr_has("version = \"~> 3.0\"");
    drop(server);

    w.config(&root_config("~> 1.0"));
    run(&w, &cfg, &["apply", "-auto-approve"])
        .ok()
        .stdout_has("greeting = \"hello world from 1.1.0\"")
        .stdout_has("module.greeter.module.tagger.meshplan_data.tag: Creation complete");
    assert!(w.state_list().contains(&"module.greeter.module.tagger.meshplan_data.tag".to_string()));

    // A constraint the installed version does not meet needs init again.
    w.config(&root_config("~> 2.0"));
    run(&w, &cfg, &["plan"])
        .code(1)
        .stderr_has("module \"greeter\": its version requirements have changed")
        .stderr_has("version 1.1.0 is installed, which does not match \"~> 2.0\"")
        .stderr_has("main.mp.hcl:2:13")
        .stderr_has("run `meshplan init`");
}

#[test]
fn uninstalled_or_changed_sources_point_at_source_and_ask_for_init() {
    let w = Work::new(&root_config("~> 1.0"));
    let cfg = empty_cli_config(&w);
    for cmd in [&["validate"][..], &["plan"]] {
        run(&w, &cfg, cmd)
            .code(1)
            .stderr_has("module \"greeter\" is not installed")
            .stderr_has("source  = \"registry.test/acme/greeter/test\"")
            .stderr_has("run `meshplan init`");
    }

    // Installed from git, then the source is edited.
    let repo = git_repo(w.path());
    let src = format!("git::file://{}?ref=v1.0.0", repo.display());
    w.config(&format!("module \"g\" {{\n  source = \"{src}\"\n  name   = \"git\"\n}}\n"));
    let got = run(&w, &cfg, &["get"]);
    got.ok().stdout_has(&format!("Downloading {src} for g...")).stdout_has("- g in .meshplan/modules/g");
    assert!(!got.stdout.contains("initialized"), "get only installs modules:\n{}", got.stdout);
    let kept = run(&w, &cfg, &["get"]);
    assert!(!kept.ok().stdout.contains("Downloading"), "installed sources are kept:\n{}", kept.stdout);
    let again = run(&w, &cfg, &["get", "-update"]);
    again.ok().stdout_has(&format!("Downloading {src} for g..."));
    run(&w, &cfg, &["plan"]).ok().stdout_has("hello git from git-v1");
    w.config(&format!("module \"g\" {{\n  source = \"{src}x\"\n  name   = \"git\"\n}}\n"));
    run(&w, &cfg, &["plan"])
        .code(1)
        .stderr_has("module \"g\": its source has changed")
        .stderr_has("run `meshplan init`");

    // A broken CLI configuration is one error, whatever the number of modules to fetch.
    w.write("broken.tfrc", "host {\n}\n");
    let broken = w.file("broken.tfrc").display().to_string();
    let r = run(&w, &broken, &["init", "-upgrade"]);
    r.code(1).stderr_has("cannot read the CLI configuration").stderr_has("broken.tfrc");
    assert_eq!(r.stderr.matches("cannot read the CLI configuration").count(), 1, "{}", r.stderr);
}

#[test]
fn git_refs_subdirs_and_failures() {
    let w = Work::new("");
    let cfg = empty_cli_config(&w);
    let repo = git_repo(w.path());
    let r = repo.display();
    w.config(&format!(
        "module \"tagged\" {{\n  source = \"git::file://{r}?ref=v1.0.0\"\n  name   = \"a\"\n}}\n\
         module \"main\" {{\n  source = \"git::file://{r}?ref=main&depth=1\"\n  name   = \"b\"\n}}\n\
         module \"sub\" {{\n  source = \"git::file://{r}//modules/tagger\"\n}}\n"
    ));
    run(&w, &cfg, &["init"]).ok().stdout_has("- sub in .meshplan/modules/sub/modules/tagger");
    let plan = run(&w, &cfg, &["plan"]);
    plan.ok().stdout_has("hello a from git-v1").stdout_has("hello b from git-v2").stdout_has("\"tag-v2\"");

    w.config(&format!("module \"bad\" {{\n  source = \"git::file://{r}?ref=v9.9.9\"\n}}\n"));
    run(&w, &cfg, &["init"])
        .code(1)
        .stderr_has("module \"bad\": git failed")
        .stderr_has("v9.9.9")
        .stderr_has("source = \"git::file://");

    w.config("module \"v\" {\n  source  = \"git::file:///nowhere/repo.git\"\n  version = \"1.0.0\"\n}\n");
    run(&w, &cfg, &["init"]).code(1).stderr_has("a version constraint needs a registry source");
}

#[test]
fn http_archives_and_their_failures() {
    let w = Work::new("");
    let s = Server::start();
    s.route(
        "/m.zip",
        200,
        &[],
        zip(&[("main.tf", greeter("zip", "")), ("sub/main.tf", "output \"o\" {\n  value = \"in sub\"\n}\n".into())]),
    );
    s.route("/get", 200, &[], zip(&[("main.tf", greeter("query", ""))]));
    s.route("/bad.tar.gz", 200, &[], b"this is not gzip".to_vec());
    let cfg = cli_config(&w, &s);
    w.config(&format!(
        "module \"z\" {{\n  source = \"{}\"\n  name   = \"zip\"\n}}\nmodule \"q\" {{\n  source = \"{}\"\n  name   = \"q\"\n}}\nmodule \"s\" {{\n  source = \"{}//sub\"\n}}\noutput \"s\" {{\n  value = module.s.o\n}}\n",
        s.url("/m.zip"),
        s.url("/get?archive=zip"),
        s.url("/m.zip")
    ));
    run(&w, &cfg, &["init"])
        .ok()
        .stdout_has(&format!("Downloading {} for z...", s.url("/m.zip")))
        .stdout_has("- s in .meshplan/modules/s/sub");
    let port = s.port;
    drop(s);
    run(&w, &cfg, &["apply", "-auto-approve"])
        .ok()
        .stdout_has("hello zip from zip")
        .stdout_has("hello q from query")
        .stdout_has("s = \"in sub\"");

    let s = Server::start();
    s.route("/bad.tar.gz", 200, &[], b"this is not gzip".to_vec());
    w.config(&format!("module \"b\" {{\n  source = \"{}\"\n}}\n", s.url("/bad.tar.gz")));
    run(&w, &cfg, &["init"]).code(1).stderr_has("module \"b\": bad archive").stderr_has("not a valid tar.gz archive");
    w.config(&format!("module \"n\" {{\n  source = \"{}\"\n}}\n", s.url("/missing.zip")));
    run(&w, &cfg, &["init"]).code(1).stderr_has("module \"n\": source not found").stderr_has("404");
    // A registry without the module.
    let cfg = cli_config(&w, &s);
    w.config("module \"r\" {\n  source = \"registry.test/acme/nothing/test\"\n}\n");
    run(&w, &cfg, &["init"])
        .code(1)
        .stderr_has("module \"r\": source not found")
        .stderr_has("registry.test/acme/nothing/test does not exist in its registry");
    drop(s);
    // Nothing listens on the servers' ports now: the registry and the archive are unreachable.
    run(&w, &cfg, &["init"])
        .code(1)
        .stderr_has("module \"r\": cannot download its source")
        .stderr_has("cannot reach http://127.0.0.1:");
    w.config(&format!("module \"u\" {{\n  source = \"http://127.0.0.1:{port}/m.zip\"\n}}\n"));
    run(&w, &cfg, &["init"])
        .code(1)
        .stderr_has("module \"u\": cannot download its source")
        .stderr_has(&format!("cannot reach http://127.0.0.1:{port}/m.zip"));
}

#[test]
fn s3_archives_from_moto() {
    let w = Work::new("");
    let cfg = empty_cli_config(&w);
    let moto = meshplan_emulators::Moto::start(&w.file("eks-clusters.json"), &w.file("moto.log")).expect("start moto");
    std::fs::write(w.file("greeter.zip"), zip(&[("main.tf", greeter("s3", ""))])).unwrap();
    let upload = format!(
        "import boto3\ns3 = boto3.client('s3', endpoint_url='{}', region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')\n\
         s3.create_bucket(Bucket='modules')\ns3.put_object(Bucket='modules', Key='greeter/v1.zip', Body=open('{}', 'rb').read())\n",
        moto.url(),
        w.file("greeter.zip").display()
    );
    let out = Command::new(moto.python()).arg("-c").arg(&upload).output().expect("run python");
    assert!(out.status.success(), "upload: {}", String::from_utf8_lossy(&out.stderr));

    let home = w.path().display().to_string();
    let env = [
        ("MESHPLAN_CLI_CONFIG_FILE", cfg.as_str()),
        ("HOME", home.as_str()),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let src = format!("s3::{}/modules/greeter/v1.zip", moto.url());
    w.config(&format!("module \"g\" {{\n  source = \"{src}\"\n  name   = \"s3\"\n}}\n"));
    meshplan_env(w.path(), &["init"], &env)
        .ok()
        .stdout_has(&format!("Downloading {src} for g..."))
        .stdout_has("- g in .meshplan/modules/g");

    // Beside the installed one (which stays installed).
    w.config(&format!("module \"g\" {{\n  source = \"{src}\"\n  name   = \"s3\"\n}}\nmodule \"missing\" {{\n  source = \"s3::{}/modules/nothing.zip\"\n}}\n", moto.url()));
    meshplan_env(w.path(), &["init"], &env).code(1).stderr_has("module \"missing\": source not found");
    drop(moto);

    w.config(&format!("module \"g\" {{\n  source = \"{src}\"\n  name   = \"s3\"\n}}\n"));
    meshplan_env(w.path(), &["apply", "-auto-approve"], &env).ok().stdout_has("hello s3 from s3");
}

#[test]
fn registry_subdir_joins_the_download_subdir() {
    let w = Work::new("module \"inner\" {\n  source  = \"registry.test/acme/greeter/test//inner\"\n  version = \"= 1.1.0\"\n}\n\noutput \"x\" {\n  value = module.inner.x\n}\n");
    let repo = git_repo(w.path());
    let server = registry(&["1.0.0", "1.1.0"], &repo);
    let cfg = cli_config(&w, &server);
    // 1.1.0's download is `.../greeter-1.1.0.tar.gz//pkg`; the address adds `//inner`.
    run(&w, &cfg, &["init"])
        .ok()
        .stdout_has("Downloading registry.test/acme/greeter/test 1.1.0 for inner...")
        .stdout_has("- inner in .meshplan/modules/inner/pkg/inner");
    drop(server);
    run(&w, &cfg, &["apply", "-auto-approve"]).ok().stdout_has("x = 1");
}

#[test]
fn registry_tokens_go_to_the_registry_only_and_are_never_printed() {
    const TOKEN: &str = "tok-5ecret-registry";
    let w = Work::new(&root_config("1.0.0"));
    let server = registry(&["1.0.0"], &w.path().join("no-git"));
    server.auth.lock().unwrap().required = Some(TOKEN.into());
    let plain = cli_config(&w, &server);
    let home = w.path().display().to_string();
    let init = |cfg: &str, env: &[(&str, &str)]| {
        let mut all = vec![("MESHPLAN_CLI_CONFIG_FILE", cfg), ("HOME", home.as_str())];
        all.extend_from_slice(env);
        let r = meshplan_env(w.path(), &["init", "-upgrade"], &all);
        assert!(!r.all().contains(TOKEN), "the token was printed:\n{}", r.all());
        r
    };

    // Without a token (or with one for another host) the registry refuses.
    init(&plain, &[]).code(1).stderr_has("401");
    init(&plain, &[("TF_TOKEN_other_test", TOKEN)]).code(1);

    // TF_TOKEN_<host>: `.` as `_`.
    init(&plain, &[("TF_TOKEN_registry_test", TOKEN)])
        .ok()
        .stdout_has("Downloading registry.test/acme/greeter/test 1.0.0");

    // A credentials block in the CLI configuration; TF_TOKEN_ wins over it.
    let with_block = format!(
        "{}credentials \"registry.test\" {{\n  token = \"{TOKEN}\"\n}}\n",
        std::fs::read_to_string(&plain).unwrap()
    );
    w.write("creds.tfrc", &with_block);
    let creds = w.file("creds.tfrc").display().to_string();
    init(&creds, &[]).ok();
    init(&creds, &[("TF_TOKEN_registry_test", "wrong")]).code(1);

    // The token went with registry calls only, never with the archive download.
    let seen = std::mem::take(&mut server.auth.lock().unwrap().seen);
    let bearer = Some(format!("Bearer {TOKEN}"));
    assert!(seen.iter().any(|(p, a)| p.ends_with("/versions") && *a == bearer), "{seen:?}");
    assert!(seen.iter().any(|(p, a)| p.ends_with("/download") && *a == bearer), "{seen:?}");
    let archives: Vec<_> = seen.iter().filter(|(p, _)| p.contains(".tar.gz")).collect();
    assert!(!archives.is_empty() && archives.iter().all(|(_, a)| a.is_none()), "{seen:?}");
}

#[test]
fn a_missing_cli_configuration_file_is_a_warning() {
    // Terraform warns and goes on when TF_CLI_CONFIG_FILE names no file (as in CI images
    // that export it unconditionally).
    let w = Work::new("");
    let server = Server::start();
    server.route("/m.tar.gz", 200, &[], targz(&[("main.tf", greeter("1", ""))]));
    w.config(&format!("module \"m\" {{\n  source = \"{}\"\n  name   = \"x\"\n}}\n", server.url("/m.tar.gz")));
    let missing = w.path().join("no-such.tfrc").display().to_string();
    run(&w, &missing, &["init"])
        .ok()
        .stdout_has("- m in .meshplan/modules/m")
        .stderr_has("Unable to open CLI configuration file")
        .stderr_has("no-such.tfrc");
}

#[test]
fn gcs_objects_and_prefixes_and_file_paths() {
    let w = Work::new("");
    let s = Server::start();
    // An archive object, and a prefix holding a module's files (listing + media downloads).
    s.route("/storage/v1/b/mods/o/pkg%2Fgreeter.zip", 200, &[], zip(&[("main.tf", greeter("gcs zip", ""))]));
    s.route(
        "/storage/v1/b/mods/o?prefix=tree%2F",
        200,
        &[],
        br#"{"items":[{"name":"tree/main.tf"},{"name":"tree/sub/extra.tf"}]}"#.to_vec(),
    );
    s.route("/storage/v1/b/mods/o/tree%2Fmain.tf", 200, &[], greeter("gcs tree", "").into_bytes());
    s.route("/storage/v1/b/mods/o/tree%2Fsub%2Fextra.tf", 200, &[], b"# a file in a subdirectory\n".to_vec());
    // file:: a directory and an archive on disk.
    let local = tempfile::tempdir().expect("tempdir");
    std::fs::write(local.path().join("main.tf"), greeter("file dir", "")).unwrap();
    std::fs::write(local.path().join("m.tar.gz"), targz(&[("main.tf", greeter("file tgz", ""))])).unwrap();
    let cfg = empty_cli_config(&w);
    let gcs = "https://www.googleapis.com/storage/v1/mods";
    let d = local.path().display();
    w.config(&format!(
        "module \"z\" {{\n  source = \"gcs::{gcs}/pkg/greeter.zip\"\n  name   = \"z\"\n}}\nmodule \"t\" {{\n  source = \"gcs::{gcs}/tree\"\n  name   = \"t\"\n}}\nmodule \"fd\" {{\n  source = \"file::{d}\"\n  name   = \"fd\"\n}}\nmodule \"fa\" {{\n  source = \"file::{d}/m.tar.gz\"\n  name   = \"fa\"\n}}\n"
    ));
    let host = format!("127.0.0.1:{}", s.port);
    let env = [
        ("MESHPLAN_CLI_CONFIG_FILE", cfg.as_str()),
        ("STORAGE_EMULATOR_HOST", host.as_str()),
        ("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.test-token"),
    ];
    let r = meshplan_env(w.path(), &["init"], &env);
    r.ok();
    assert!(!r.all().contains("ya29.test-token"), "the access token was printed");
    assert!(w.file(".meshplan/modules/t/sub/extra.tf").is_file(), "the prefix's subdirectory was not kept");
    let seen = s.auth.lock().unwrap().seen.clone();
    assert!(seen.iter().all(|(_, a)| a.as_deref() == Some("Bearer ya29.test-token")), "{seen:?}");
    drop(s);
    // Installed: the sources (server, directory) are no longer needed.
    drop(local);
    run(&w, &cfg, &["apply", "-auto-approve"])
        .ok()
        .stdout_has("hello z from gcs zip")
        .stdout_has("hello t from gcs tree")
        .stdout_has("hello fd from file dir")
        .stdout_has("hello fa from file tgz");

    w.config("module \"x\" {\n  source = \"file::relative/path\"\n}\n");
    run(&w, &cfg, &["init"]).code(1).stderr_has("file:: sources are absolute paths");
    let missing = format!("module \"g\" {{\n  source = \"gcs::{gcs}/nothing/here\"\n}}\n");
    w.config(&missing);
    let s = Server::start();
    let host = format!("127.0.0.1:{}", s.port);
    meshplan_env(w.path(), &["init"], &[("MESHPLAN_CLI_CONFIG_FILE", &cfg), ("STORAGE_EMULATOR_HOST", &host)])
        .code(1)
        .stderr_has("module \"g\"");
}
