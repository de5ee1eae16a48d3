//! EKS-style `k8s-aws-v1.` tokens, verified against a local STS (moto_server), as
//! aws-iam-authenticator verifies them against AWS STS. moto_server and boto3 are required
//! (`scripts/setup-test-tools` installs them): without them these tests fail, as the AWS
//! tests do, rather than pass having checked nothing.

mod common;

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use kube_test_server::{Config, EksAuth};

struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

const MISSING: &str = "moto_server and boto3 are needed: run scripts/setup-test-tools (scripts/test does)";

fn start_moto() -> Moto {
    let port = free_port();
    let child = Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect(MISSING);
    let moto = Moto { child, endpoint: format!("http://127.0.0.1:{port}") };
    // Wait until it accepts connections (bounded, so a broken install cannot hang the suite).
    for _ in 0..300 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return moto;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("moto_server did not listen on 127.0.0.1:{port} within 30 s");
}

/// A token as `aws eks get-token` makes it: a presigned GetCallerIdentity URL with the
/// cluster name in the signed `x-k8s-aws-id` header.
fn eks_token(cluster: &str) -> String {
    let script = format!(
        r#"
import base64, boto3
sts = boto3.client('sts', region_name='us-east-1', aws_access_key_id='AKIAIOSFODNN7EXAMPLE', aws_secret_access_key='secret')
params = {{'method': 'GET', 'url': 'https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15',
          'body': {{}}, 'headers': {{'x-k8s-aws-id': '{cluster}'}}, 'context': {{}}}}
url = sts._request_signer.generate_presigned_url(params, region_name='us-east-1', expires_in=60, operation_name='')
print('k8s-aws-v1.' + base64.urlsafe_b64encode(url.encode()).decode().rstrip('='))
"#
    );
    let out = Command::new("python3").arg("-c").arg(script).output().expect(MISSING);
    assert!(out.status.success(), "{MISSING}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn eks_tokens_are_checked_with_sts() {
    let (token, moto) = (eks_token("foo"), start_moto());
    let h = common::start(Config { eks: Some(EksAuth::with_sts(moto.endpoint.clone())), ..Config::named("foo") });
    let out = h.ok(&["--token", &token, "get", "ns", "default", "-o", "name"]);
    assert_eq!(out.trim(), "namespace/default");
    // The admin token keeps working in EKS mode.
    h.ok(&["get", "ns"]);
    // A token whose signature does not cover x-k8s-aws-id is refused without asking STS.
    let unsigned = token_with_query_edit(&token, "x-k8s-aws-id", "");
    assert!(h.fails(&["--token", &unsigned, "get", "ns"]).contains("Unauthorized"));
    assert!(h.fails(&["--token", "k8s-aws-v1.not-base64!", "get", "ns"]).contains("Unauthorized"));
    drop(moto);
    // STS unreachable: the token can no longer be verified.
    assert!(h.fails(&["--token", &token, "get", "ns"]).contains("Unauthorized"));
}

/// As EKS: a token is good for the lifetime after its signing time, then refused with the API
/// server's own `Unauthorized` Status.
#[test]
fn eks_tokens_expire_after_the_token_ttl() {
    let (token, moto) = (eks_token("foo"), start_moto());
    let ttl = Duration::from_secs(3);
    let h = common::start(Config {
        eks: Some(EksAuth { token_ttl: ttl, ..EksAuth::with_sts(moto.endpoint.clone()) }),
        ..Config::named("foo")
    });
    h.ok(&["--token", &token, "get", "ns", "default"]);
    std::thread::sleep(ttl + Duration::from_secs(2));
    assert!(h.fails(&["--token", &token, "get", "ns"]).contains("Unauthorized"));
    let ca = h.write("ca.pem", &h.server.info().ca_pem);
    let out = Command::new("curl")
        .args(["-s", "--noproxy", "*", "--cacert"])
        .arg(&ca)
        .args([
            "-H",
            &format!("Authorization: Bearer {token}"),
            "-w",
            "\n%{http_code}",
            &format!("{}/api/v1/namespaces", h.server.info().url),
        ])
        .output()
        .expect("curl runs");
    let out = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = out.rsplit_once('\n').unwrap();
    assert_eq!(code, "401", "{out}");
    let status: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        status,
        serde_json::json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": "Unauthorized", "reason": "Unauthorized", "code": 401})
    );
    // A fresh token is fine again.
    h.ok(&["--token", &eks_token("foo"), "get", "ns", "default"]);
}

#[test]
fn eks_token_shape_is_checked_without_sts() {
    let token = eks_token("bar");
    let h = common::start(Config { eks: Some(EksAuth::default()), ..Config::named("bar") });
    h.ok(&["--token", &token, "get", "ns"]);
}

fn token_with_query_edit(token: &str, from: &str, to: &str) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let url = String::from_utf8(b64.decode(token.trim_start_matches("k8s-aws-v1.")).unwrap()).unwrap();
    format!("k8s-aws-v1.{}", b64.encode(url.replace(from, to)))
}
