//! A fault-injecting HTTP/1.1 proxy for AWS API calls: clients (the aws provider, through its
//! `endpoints`) talk to it, it forwards to moto, and on *mutating* requests it may misbehave
//! the way a real network and a real AWS do:
//!
//! - **lost response**: the request is forwarded (moto performs it), then the client gets a
//!   500 `InternalError` (or, with [`FaultConfig::reset_on_lost`], the connection is closed
//!   with no answer) — the case where a retry must not create a second object;
//! - **5xx**: a 500/503 without forwarding (nothing happened);
//! - **throttling**: an AWS throttling error in the protocol's shape without forwarding
//!   (`RequestLimitExceeded` for EC2, `Throttling` for IAM/STS, `ThrottlingException` for
//!   REST-JSON services such as EKS, `SlowDown` for S3);
//! - **outage**: after N mutating requests have been forwarded, every request (reads too)
//!   gets 503 (or a reset) until [`FaultProxy::recover`] or `POST /__fault-proxy/recover`.
//!
//! Mutating means: for the query protocol (EC2, IAM, STS: a form body with `Action=`), an
//! action that is not a read (`Describe*`, `Get*`, `List*`, `Search*`, `Lookup*`,
//! `Simulate*`); for REST services (EKS, S3), any method but GET and HEAD. Reads are always
//! forwarded untouched (until an outage). Each mutating request draws one number from a
//! seeded generator, in arrival order, so a seed gives the same sequence of decisions.
//!
//! Control endpoints (never forwarded, never faulted): `GET /__fault-proxy/stats` (the
//! counters as JSON), `POST /__fault-proxy/recover`, `POST /__fault-proxy/outage` (start an
//! outage now). Binds 127.0.0.1 only.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What to inject. Probabilities are per mutating request and are tried in this order
/// (lost response, then 5xx, then throttling); their sum should be ≤ 1.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultConfig {
    pub lost_response: f64,
    pub server_error: f64,
    pub throttle: f64,
    /// Start an outage once this many mutating requests have been forwarded.
    pub outage_after: Option<u64>,
    pub seed: u64,
    /// Lost responses and outage failures close the connection instead of answering.
    pub reset_on_lost: bool,
}

/// What the proxy did; read with [`FaultProxy::stats`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests received (control endpoints excluded).
    pub requests: u64,
    /// Mutating requests received.
    pub mutating: u64,
    /// Requests that reached moto.
    pub forwarded: u64,
    /// Mutating requests that reached moto.
    pub forwarded_mutating: u64,
    pub lost_responses: u64,
    pub server_errors: u64,
    pub throttles: u64,
    /// Requests failed because of an outage.
    pub outage_failures: u64,
    /// Failures to reach moto (answered 502).
    pub upstream_errors: u64,
    pub in_outage: bool,
    /// Every fault injected: (action, fault kind), in order.
    pub injected: Vec<(String, String)>,
}

impl Stats {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "requests": self.requests, "mutating": self.mutating, "forwarded": self.forwarded,
            "forwarded_mutating": self.forwarded_mutating, "lost_responses": self.lost_responses,
            "server_errors": self.server_errors, "throttles": self.throttles,
            "outage_failures": self.outage_failures, "upstream_errors": self.upstream_errors,
            "in_outage": self.in_outage,
            "injected": self.injected.iter().map(|(a, k)| serde_json::json!([a, k])).collect::<Vec<_>>(),
        })
    }
}

/// The fault decided for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    None,
    Lost,
    ServerError,
    Throttle,
    Outage,
}

impl Fault {
    fn name(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::Lost => "lost_response",
            Fault::ServerError => "server_error",
            Fault::Throttle => "throttle",
            Fault::Outage => "outage",
        }
    }
}

/// splitmix64: small, seedable, good enough for fault decisions.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Shared {
    upstream: SocketAddr,
    config: FaultConfig,
    rng: Mutex<Rng>,
    stats: Mutex<Stats>,
    outage: AtomicBool,
    stop: AtomicBool,
    /// Mutating requests admitted to be forwarded (counts toward `outage_after`).
    admitted: AtomicU64,
    /// Set by `recover`: the outage is over for good and `outage_after` no longer applies.
    recovered: AtomicBool,
}

impl Shared {
    /// Decides the fault of one request, counting it.
    fn decide(&self, action: &str, mutating: bool) -> Fault {
        let mut stats = self.stats.lock().unwrap();
        stats.requests += 1;
        if mutating {
            stats.mutating += 1;
        }
        let fault = if self.outage.load(Ordering::SeqCst) {
            Fault::Outage
        } else if !mutating {
            Fault::None
        } else {
            let u = self.rng.lock().unwrap().next_f64();
            let c = &self.config;
            if u < c.lost_response {
                Fault::Lost
            } else if u < c.lost_response + c.server_error {
                Fault::ServerError
            } else if u < c.lost_response + c.server_error + c.throttle {
                Fault::Throttle
            } else {
                Fault::None
            }
        };
        // The outage starts after the N-th forwarded mutating request: the (N+1)-th fails.
        let fault = match (fault, self.config.outage_after) {
            (Fault::None | Fault::Lost, Some(n)) if mutating && !self.recovered.load(Ordering::SeqCst) => {
                if self.admitted.fetch_add(1, Ordering::SeqCst) >= n {
                    self.outage.store(true, Ordering::SeqCst);
                    Fault::Outage
                } else {
                    fault
                }
            }
            _ => fault,
        };
        match fault {
            Fault::None => {}
            Fault::Lost => stats.lost_responses += 1,
            Fault::ServerError => stats.server_errors += 1,
            Fault::Throttle => stats.throttles += 1,
            Fault::Outage => stats.outage_failures += 1,
        }
        if fault != Fault::None {
            stats.injected.push((action.to_string(), fault.name().to_string()));
        }
        fault
    }
}

/// A running proxy; dropping it stops it.
pub struct FaultProxy {
    shared: Arc<Shared>,
    port: u16,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts the proxy on a free 127.0.0.1 port, forwarding to `upstream`
    /// (`http://127.0.0.1:PORT`, as [`crate::Moto::url`] gives).
    pub fn start(upstream: &str, config: FaultConfig) -> io::Result<FaultProxy> {
        let upstream = parse_upstream(upstream)?;
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        std_listener.set_nonblocking(true)?;
        let port = std_listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            upstream,
            rng: Mutex::new(Rng(config.seed)),
            config,
            stats: Mutex::new(Stats::default()),
            outage: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            admitted: AtomicU64::new(0),
            recovered: AtomicBool::new(false),
        });
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let s = shared.clone();
        let thread = std::thread::Builder::new().name("fault-proxy".into()).spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = TcpListener::from_std(std_listener) else { return };
                while !s.stop.load(Ordering::SeqCst) {
                    // Wake up now and then to notice `stop`.
                    let Ok(accepted) = tokio::time::timeout(Duration::from_millis(100), listener.accept()).await else {
                        continue;
                    };
                    if let Ok((conn, _)) = accepted {
                        let s = s.clone();
                        tokio::spawn(async move {
                            let _ = serve(conn, s).await;
                        });
                    }
                }
            });
            // Dropping the runtime here cancels the connections still open.
        })?;
        Ok(FaultProxy { shared, port, thread: Some(thread) })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`: what the aws provider's endpoints should name.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn stats(&self) -> Stats {
        let mut s = self.shared.stats.lock().unwrap().clone();
        s.in_outage = self.shared.outage.load(Ordering::SeqCst);
        s
    }

    /// Ends the outage for good: no later request fails because of `outage_after`.
    pub fn recover(&self) {
        self.shared.recovered.store(true, Ordering::SeqCst);
        self.shared.outage.store(false, Ordering::SeqCst);
    }

    /// Starts an outage now.
    pub fn fail_all(&self) {
        self.shared.outage.store(true, Ordering::SeqCst);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn parse_upstream(url: &str) -> io::Result<SocketAddr> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| io::Error::other(format!("upstream {url:?}: only http:// is supported")))?;
    let hostport = rest.split('/').next().unwrap_or_default();
    let hostport = hostport.replace("localhost", "127.0.0.1");
    let addr: SocketAddr = hostport.parse().map_err(|e| io::Error::other(format!("upstream {url:?}: {e}")))?;
    if !addr.ip().is_loopback() {
        return Err(io::Error::other(format!("upstream {url:?} is not a loopback address")));
    }
    Ok(addr)
}

/// One parsed request: the head's pieces and the raw body as received.
#[derive(Debug)]
struct Request {
    method: String,
    target: String,
    /// (name, value) in order.
    headers: Vec<(String, String)>,
    /// The body with its framing removed.
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn wants_close(&self) -> bool {
        self.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }

    /// The request re-serialised for moto: body with Content-Length, one request per
    /// connection.
    fn to_upstream(&self) -> Vec<u8> {
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method, self.target).into_bytes();
        for (n, v) in &self.headers {
            if ["connection", "content-length", "transfer-encoding", "expect", "keep-alive"]
                .iter()
                .any(|h| n.eq_ignore_ascii_case(h))
            {
                continue;
            }
            out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
        }
        out.extend_from_slice(format!("Content-Length: {}\r\nConnection: close\r\n\r\n", self.body.len()).as_bytes());
        out.extend_from_slice(&self.body);
        out
    }
}

/// The AWS protocol of a request, for error bodies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Protocol {
    Ec2,
    /// IAM, STS: `<ErrorResponse>`.
    AwsQuery,
    /// EKS and other REST-JSON services.
    RestJson,
    /// S3: `<Error>`.
    RestXml,
}

/// The SigV4 service name of the request (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`).
fn service(req: &Request) -> Option<String> {
    let auth = req.header("authorization")?;
    let cred = auth.split("Credential=").nth(1)?;
    let cred = cred.split([',', ' ']).next()?;
    cred.split('/').nth(3).map(str::to_string)
}

/// The query protocol's `Action` (from the form body, else the query string).
fn query_action(req: &Request) -> Option<String> {
    let from_form = |s: &str| s.split('&').find_map(|kv| kv.strip_prefix("Action=")).map(|a| a.to_string());
    let is_form = req.header("content-type").is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        if let Some(a) = from_form(&String::from_utf8_lossy(&req.body)) {
            return Some(a);
        }
    }
    req.target.split_once('?').and_then(|(_, q)| from_form(q))
}

const READ_PREFIXES: [&str; 6] = ["Describe", "Get", "List", "Search", "Lookup", "Simulate"];

/// (protocol, action name for the log, mutating?)
fn classify(req: &Request) -> (Protocol, String, bool) {
    let service = service(req).unwrap_or_default();
    if let Some(action) = query_action(req) {
        let protocol = if service == "ec2" { Protocol::Ec2 } else { Protocol::AwsQuery };
        let mutating = !READ_PREFIXES.iter().any(|p| action.starts_with(p));
        return (protocol, action, mutating);
    }
    let protocol = if service == "s3" { Protocol::RestXml } else { Protocol::RestJson };
    let path = req.target.split('?').next().unwrap_or_default();
    let mutating = !(req.method.eq_ignore_ascii_case("GET") || req.method.eq_ignore_ascii_case("HEAD"));
    (protocol, format!("{} {service} {path}", req.method), mutating)
}

/// An AWS error response in the protocol's shape: the whole HTTP response.
fn error_response(protocol: Protocol, status: u16, code: &str, message: &str) -> Vec<u8> {
    let request_id = "00000000-0000-0000-0000-fa017fa017fa";
    let (content_type, body, extra) = match protocol {
        Protocol::Ec2 => (
            "text/xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"),
            String::new(),
        ),
        Protocol::AwsQuery => {
            let kind = if status >= 500 { "Receiver" } else { "Sender" };
            (
                "text/xml",
                format!("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"),
                String::new(),
            )
        }
        Protocol::RestJson => ("application/json", serde_json::json!({"message": message}).to_string(), format!("x-amzn-ErrorType: {code}\r\n")),
        Protocol::RestXml => (
            "application/xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{request_id}</RequestId></Error>"),
            String::new(),
        ),
    };
    let reason = match status {
        400 => "Bad Request",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Error",
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nx-amzn-RequestId: {request_id}\r\n{extra}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn throttle_response(protocol: Protocol) -> Vec<u8> {
    match protocol {
        Protocol::Ec2 => error_response(protocol, 400, "RequestLimitExceeded", "Request limit exceeded."),
        Protocol::AwsQuery => error_response(protocol, 400, "Throttling", "Rate exceeded"),
        Protocol::RestJson => error_response(protocol, 400, "ThrottlingException", "Rate exceeded"),
        Protocol::RestXml => error_response(protocol, 503, "SlowDown", "Please reduce your request rate."),
    }
}

fn server_error_response(protocol: Protocol) -> Vec<u8> {
    match protocol {
        Protocol::Ec2 | Protocol::RestXml => {
            error_response(protocol, 500, "InternalError", "An internal error has occurred")
        }
        Protocol::AwsQuery => error_response(protocol, 500, "ServiceFailure", "An internal error has occurred"),
        Protocol::RestJson => error_response(protocol, 500, "ServerException", "An internal error has occurred"),
    }
}

fn unavailable_response(protocol: Protocol) -> Vec<u8> {
    error_response(protocol, 503, "ServiceUnavailable", "Service is unavailable (fault proxy outage)")
}

/// Maximum request head and body sizes accepted (tests only send small requests).
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 64 * 1024 * 1024;

/// A buffered reader over a connection: heads, bodies by Content-Length or chunked.
struct Reader {
    conn: TcpStream,
    buf: Vec<u8>,
}

impl Reader {
    async fn fill(&mut self) -> io::Result<bool> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.conn.read(&mut chunk).await?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// Bytes up to and including `\r\n\r\n`; None at a clean end of stream.
    async fn head(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                let rest = self.buf.split_off(i + 4);
                return Ok(Some(std::mem::replace(&mut self.buf, rest)));
            }
            if self.buf.len() > MAX_HEAD {
                return Err(io::Error::other("request head too large"));
            }
            if !self.fill().await? {
                return if self.buf.is_empty() { Ok(None) } else { Err(io::ErrorKind::UnexpectedEof.into()) };
            }
        }
    }

    async fn exactly(&mut self, n: usize) -> io::Result<Vec<u8>> {
        if n > MAX_BODY {
            return Err(io::Error::other("body too large"));
        }
        while self.buf.len() < n {
            if !self.fill().await? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        let rest = self.buf.split_off(n);
        Ok(std::mem::replace(&mut self.buf, rest))
    }

    async fn line(&mut self) -> io::Result<Vec<u8>> {
        loop {
            if let Some(i) = find(&self.buf, b"\r\n") {
                let rest = self.buf.split_off(i + 2);
                let mut line = std::mem::replace(&mut self.buf, rest);
                line.truncate(i);
                return Ok(line);
            }
            if self.buf.len() > MAX_HEAD || !self.fill().await? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
    }

    async fn chunked(&mut self) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.line().await?;
            let size = String::from_utf8_lossy(&line);
            let size = size.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size, 16).map_err(|_| io::Error::other("bad chunk size"))?;
            if size == 0 {
                // Trailers until the empty line.
                while !self.line().await?.is_empty() {}
                return Ok(body);
            }
            if body.len() + size > MAX_BODY {
                return Err(io::Error::other("body too large"));
            }
            body.extend(self.exactly(size).await?);
            self.exactly(2).await?;
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn parse_head(head: &[u8]) -> io::Result<(String, String, Vec<(String, String)>)> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let first = lines.next().unwrap_or_default();
    let mut parts = first.split(' ');
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(io::Error::other("bad request line"));
    };
    let headers = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok((method.to_string(), target.to_string(), headers))
}

async fn read_request(r: &mut Reader) -> io::Result<Option<Request>> {
    let Some(head) = r.head().await? else { return Ok(None) };
    let (method, target, headers) = parse_head(&head)?;
    let mut req = Request { method, target, headers, body: Vec::new() };
    if req.header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        r.conn.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    if req.header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        req.body = r.chunked().await?;
    } else if let Some(n) = req.header("content-length") {
        let n: usize = n.parse().map_err(|_| io::Error::other("bad content-length"))?;
        req.body = r.exactly(n).await?;
    }
    Ok(Some(req))
}

/// Sends the request to moto on a connection of its own and returns moto's whole response,
/// re-framed with Content-Length so the client connection can be kept alive.
async fn forward(upstream: SocketAddr, req: &Request) -> io::Result<Vec<u8>> {
    let mut conn = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(upstream))
        .await
        .map_err(|_| io::Error::other("connect timed out"))??;
    conn.write_all(&req.to_upstream()).await?;
    let mut r = Reader { conn, buf: Vec::new() };
    let head = r.head().await?.ok_or_else(|| io::Error::other("moto closed the connection"))?;
    let (_, status, headers) = parse_head(&head)?;
    let status: u16 = status.parse().unwrap_or(0);
    let header = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    let no_body =
        req.method.eq_ignore_ascii_case("HEAD") || status == 204 || status == 304 || (100..200).contains(&status);
    let body = if no_body {
        Vec::new()
    } else if header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        r.chunked().await?
    } else if let Some(n) = header("content-length") {
        r.exactly(n.parse().map_err(|_| io::Error::other("bad content-length from moto"))?).await?
    } else {
        let mut all = std::mem::take(&mut r.buf);
        r.conn.read_to_end(&mut all).await?;
        all
    };
    // The status line as moto sent it, its headers but framing, our framing.
    let text = String::from_utf8_lossy(&head);
    let status_line = text.split("\r\n").next().unwrap_or_default();
    let mut out = format!("{status_line}\r\n").into_bytes();
    for (n, v) in &headers {
        if ["connection", "content-length", "transfer-encoding", "keep-alive"].iter().any(|h| n.eq_ignore_ascii_case(h))
        {
            continue;
        }
        out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    // HEAD keeps moto's Content-Length (the size of what a GET would return).
    match (no_body, header("content-length")) {
        (true, Some(n)) if req.method.eq_ignore_ascii_case("HEAD") => {
            out.extend_from_slice(format!("Content-Length: {n}\r\n").as_bytes())
        }
        (true, _) if status == 204 || status == 304 || (100..200).contains(&status) => {}
        _ => out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes()),
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&body);
    Ok(out)
}

fn control_response(status: u16, body: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())
        .into_bytes()
}

async fn serve(conn: TcpStream, shared: Arc<Shared>) -> io::Result<()> {
    let _ = conn.set_nodelay(true);
    let mut r = Reader { conn, buf: Vec::new() };
    while let Some(req) = read_request(&mut r).await? {
        let close = req.wants_close();
        let path = req.target.split('?').next().unwrap_or_default().to_string();
        if let Some(cmd) = path.strip_prefix("/__fault-proxy/") {
            let body = match cmd {
                "recover" => {
                    shared.recovered.store(true, Ordering::SeqCst);
                    shared.outage.store(false, Ordering::SeqCst);
                    "{\"recovered\":true}".to_string()
                }
                "outage" => {
                    shared.outage.store(true, Ordering::SeqCst);
                    "{\"outage\":true}".to_string()
                }
                _ => {
                    let mut s = shared.stats.lock().unwrap().clone();
                    s.in_outage = shared.outage.load(Ordering::SeqCst);
                    s.to_json().to_string()
                }
            };
            r.conn.write_all(&control_response(200, &body)).await?;
            if close {
                return Ok(());
            }
            continue;
        }
        let (protocol, action, mutating) = classify(&req);
        let fault = shared.decide(&action, mutating);
        let response = match fault {
            Fault::Outage if shared.config.reset_on_lost => return Ok(()),
            Fault::Outage => unavailable_response(protocol),
            Fault::ServerError => server_error_response(protocol),
            Fault::Throttle => throttle_response(protocol),
            Fault::None | Fault::Lost => match forward(shared.upstream, &req).await {
                Ok(response) => {
                    let mut stats = shared.stats.lock().unwrap();
                    stats.forwarded += 1;
                    if mutating {
                        stats.forwarded_mutating += 1;
                    }
                    drop(stats);
                    if fault == Fault::Lost {
                        if shared.config.reset_on_lost {
                            return Ok(());
                        }
                        error_response(
                            protocol,
                            500,
                            "InternalError",
                            "An internal error has occurred (fault proxy: the request was performed)",
                        )
                    } else {
                        response
                    }
                }
                Err(e) => {
                    shared.stats.lock().unwrap().upstream_errors += 1;
                    error_response(protocol, 502, "BadGateway", &format!("fault proxy: moto: {e}"))
                }
            },
        };
        r.conn.write_all(&response).await?;
        if close {
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// A stand-in upstream that answers every request 200 with a body naming the request, and
    /// counts what it received.
    struct Upstream {
        port: u16,
        received: Arc<Mutex<Vec<String>>>,
    }

    fn upstream() -> Upstream {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let rec = received.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let rec = rec.clone();
                std::thread::spawn(move || {
                    let mut conn = conn;
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    // Read head + Content-Length body.
                    loop {
                        let n = conn.read(&mut chunk).unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        if let Some(i) = find(&buf, b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..i]).to_string();
                            let len: usize = head
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("content-length:")
                                        .map(|v| v.trim().parse().unwrap())
                                })
                                .unwrap_or(0);
                            if buf.len() >= i + 4 + len {
                                let body = String::from_utf8_lossy(&buf[i + 4..i + 4 + len]).to_string();
                                let first = head.lines().next().unwrap().to_string();
                                rec.lock().unwrap().push(format!("{first} {body}"));
                                // Answer without Content-Length, ended by closing: the proxy
                                // must re-frame it.
                                let _ = write!(conn, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nok {first}");
                                return;
                            }
                        }
                    }
                });
            }
        });
        Upstream { port, received }
    }

    const EC2_AUTH: &str =
        "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=x";
    const IAM_AUTH: &str =
        "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x";
    const EKS_AUTH: &str =
        "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/eks/aws4_request, SignedHeaders=host, Signature=x";

    /// Sends requests on one keep-alive connection; returns (status, body) of each, or None
    /// where the connection was closed.
    fn exchange(port: u16, requests: &[(&str, &str, &str, &str)]) -> Vec<Option<(u16, String)>> {
        let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut out = Vec::new();
        let mut buf = Vec::new();
        for (method, path, auth, body) in requests {
            let req = format!("{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}", body.len());
            if conn.write_all(req.as_bytes()).is_err() {
                out.push(None);
                continue;
            }
            // Read one response (Content-Length framed).
            let resp = loop {
                if let Some(i) = find(&buf, b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..i]).to_string();
                    let len: usize = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap())
                        })
                        .expect("framed");
                    if buf.len() >= i + 4 + len {
                        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
                        let body = String::from_utf8_lossy(&buf[i + 4..i + 4 + len]).to_string();
                        buf.drain(..i + 4 + len);
                        break Some((status, body));
                    }
                }
                let mut chunk = [0u8; 4096];
                match conn.read(&mut chunk) {
                    Ok(0) | Err(_) => break None,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            };
            let closed = resp.is_none();
            out.push(resp);
            if closed {
                return out;
            }
        }
        out
    }

    #[test]
    fn reads_pass_and_mutations_are_forwarded_without_faults() {
        let up = upstream();
        let proxy = FaultProxy::start(&format!("http://127.0.0.1:{}", up.port), FaultConfig::default()).unwrap();
        let r = exchange(
            proxy.port(),
            &[
                ("POST", "/", EC2_AUTH, "Action=DescribeVpcs&Version=2016-11-15"),
                ("POST", "/", EC2_AUTH, "Action=CreateVpc&CidrBlock=10.0.0.0%2F16"),
                ("GET", "/clusters", EKS_AUTH, ""),
            ],
        );
        assert_eq!(r.len(), 3);
        for (i, resp) in r.iter().enumerate() {
            let (status, body) = resp.clone().unwrap_or_else(|| panic!("request {i} got no answer"));
            assert_eq!(status, 200, "{body}");
            assert!(body.starts_with("ok "), "{body}");
        }
        assert_eq!(up.received.lock().unwrap().len(), 3);
        let s = proxy.stats();
        assert_eq!((s.requests, s.mutating, s.forwarded, s.forwarded_mutating), (3, 1, 3, 1));
        assert!(s.injected.is_empty());
    }

    #[test]
    fn lost_response_reaches_upstream_but_answers_500() {
        let up = upstream();
        let proxy = FaultProxy::start(
            &format!("http://127.0.0.1:{}", up.port),
            FaultConfig { lost_response: 1.0, ..FaultConfig::default() },
        )
        .unwrap();
        let r = exchange(
            proxy.port(),
            &[
                ("POST", "/", EC2_AUTH, "Action=CreateVpc&CidrBlock=10.0.0.0%2F16"),
                ("POST", "/", EC2_AUTH, "Action=DescribeVpcs"),
            ],
        );
        let (status, body) = r[0].clone().unwrap();
        assert_eq!(status, 500);
        assert!(body.contains("<Response><Errors><Error><Code>InternalError</Code>"), "{body}");
        assert_eq!(r[1].as_ref().unwrap().0, 200, "reads are never faulted");
        let got = up.received.lock().unwrap().clone();
        assert_eq!(got.len(), 2);
        assert!(got[0].contains("Action=CreateVpc"), "{got:?}");
        let s = proxy.stats();
        assert_eq!(s.lost_responses, 1);
        assert_eq!(s.injected, vec![("CreateVpc".to_string(), "lost_response".to_string())]);
    }

    #[test]
    fn lost_response_can_reset_the_connection() {
        let up = upstream();
        let proxy = FaultProxy::start(
            &format!("http://127.0.0.1:{}", up.port),
            FaultConfig { lost_response: 1.0, reset_on_lost: true, ..FaultConfig::default() },
        )
        .unwrap();
        let r = exchange(proxy.port(), &[("POST", "/", IAM_AUTH, "Action=CreateRole&RoleName=x")]);
        assert_eq!(r, vec![None]);
        // The request reached upstream all the same (the proxy waits for its answer first).
        assert_eq!(up.received.lock().unwrap().len(), 1);
    }

    #[test]
    fn server_errors_and_throttles_are_not_forwarded_and_have_the_protocols_shape() {
        let up = upstream();
        let url = format!("http://127.0.0.1:{}", up.port);
        let p5 = FaultProxy::start(&url, FaultConfig { server_error: 1.0, ..FaultConfig::default() }).unwrap();
        let r = exchange(
            p5.port(),
            &[("POST", "/", IAM_AUTH, "Action=CreateRole&RoleName=x"), ("POST", "/clusters", EKS_AUTH, "{}")],
        );
        let (status, body) = r[0].clone().unwrap();
        assert_eq!(status, 500);
        assert!(body.starts_with("<ErrorResponse") && body.contains("<Type>Receiver</Type>"), "{body}");
        assert_eq!(r[1].as_ref().unwrap().0, 500);
        assert_eq!(p5.stats().server_errors, 2);

        let pt = FaultProxy::start(&url, FaultConfig { throttle: 1.0, ..FaultConfig::default() }).unwrap();
        let r = exchange(
            pt.port(),
            &[
                ("POST", "/", EC2_AUTH, "Action=CreateSubnet"),
                ("POST", "/", IAM_AUTH, "Action=PutRolePolicy"),
                ("POST", "/clusters", EKS_AUTH, "{}"),
            ],
        );
        let bodies: Vec<(u16, String)> = r.into_iter().map(Option::unwrap).collect();
        assert_eq!(bodies[0].0, 400);
        assert!(bodies[0].1.contains("<Code>RequestLimitExceeded</Code>"), "{:?}", bodies[0]);
        assert!(
            bodies[1].1.contains("<Code>Throttling</Code>") && bodies[1].1.contains("<Type>Sender</Type>"),
            "{:?}",
            bodies[1]
        );
        assert_eq!(bodies[2].0, 400);
        assert_eq!(pt.stats().throttles, 3);
        assert!(up.received.lock().unwrap().is_empty(), "nothing may reach upstream");
    }

    #[test]
    fn outage_after_n_mutations_fails_everything_until_recovered() {
        let up = upstream();
        let proxy = FaultProxy::start(
            &format!("http://127.0.0.1:{}", up.port),
            FaultConfig { outage_after: Some(2), ..FaultConfig::default() },
        )
        .unwrap();
        let reqs = [
            ("POST", "/", EC2_AUTH, "Action=CreateVpc"),
            ("POST", "/", EC2_AUTH, "Action=DescribeVpcs"),
            ("POST", "/", EC2_AUTH, "Action=CreateSubnet"),
            ("POST", "/", EC2_AUTH, "Action=CreateRouteTable"),
            ("POST", "/", EC2_AUTH, "Action=DescribeVpcs"),
        ];
        let statuses: Vec<u16> = exchange(proxy.port(), &reqs).into_iter().map(|r| r.unwrap().0).collect();
        assert_eq!(statuses, [200, 200, 200, 503, 503]);
        assert!(proxy.stats().in_outage);
        assert_eq!(proxy.stats().outage_failures, 2);
        assert_eq!(up.received.lock().unwrap().len(), 3);

        // Recovery through the control endpoint, as the binary's users do.
        let mut c = std::net::TcpStream::connect(("127.0.0.1", proxy.port())).unwrap();
        c.write_all(
            b"POST /__fault-proxy/recover HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
        let mut answer = String::new();
        c.read_to_string(&mut answer).unwrap();
        assert!(answer.contains("recovered"), "{answer}");
        assert!(!proxy.stats().in_outage);
        // Over for good: more mutations than `outage_after` pass.
        let statuses: Vec<u16> = exchange(proxy.port(), &reqs).into_iter().map(|r| r.unwrap().0).collect();
        assert_eq!(statuses, [200; 5]);
    }

    #[test]
    fn a_seed_gives_the_same_decisions_and_the_rate_is_roughly_right() {
        let run = |seed| {
            let shared = Shared {
                upstream: "127.0.0.1:1".parse().unwrap(),
                config: FaultConfig { lost_response: 0.3, seed, ..FaultConfig::default() },
                rng: Mutex::new(Rng(seed)),
                stats: Mutex::new(Stats::default()),
                outage: AtomicBool::new(false),
                stop: AtomicBool::new(false),
                admitted: AtomicU64::new(0),
                recovered: AtomicBool::new(false),
            };
            (0..1000).map(|_| shared.decide("CreateVpc", true)).collect::<Vec<_>>()
        };
        let a = run(7);
        assert_eq!(a, run(7));
        assert_ne!(a, run(8));
        let lost = a.iter().filter(|f| **f == Fault::Lost).count();
        assert!((250..350).contains(&lost), "{lost} of 1000 at 30 %");
    }

    #[test]
    fn classifies_query_and_rest_requests() {
        let req = |method: &str, target: &str, auth: &str, body: &str| Request {
            method: method.into(),
            target: target.into(),
            headers: vec![
                ("Authorization".into(), auth.into()),
                ("Content-Type".into(), "application/x-www-form-urlencoded".into()),
            ],
            body: body.as_bytes().to_vec(),
        };
        for (action, mutating) in [
            ("CreateVpc", true),
            ("DeleteSubnet", true),
            ("ModifyVpcAttribute", true),
            ("AttachInternetGateway", true),
            ("AssociateRouteTable", true),
            ("AuthorizeSecurityGroupIngress", true),
            ("AllocateAddress", true),
            ("PutRolePolicy", true),
            ("AcceptVpcPeeringConnection", true),
            ("TagRole", true),
            ("DescribeVpcs", false),
            ("GetRole", false),
            ("ListRolePolicies", false),
        ] {
            let (_, a, m) = classify(&req("POST", "/", EC2_AUTH, &format!("Action={action}&Version=2016-11-15")));
            assert_eq!((a.as_str(), m), (action, mutating));
        }
        assert_eq!(classify(&req("POST", "/", EC2_AUTH, "Action=CreateVpc")).0, Protocol::Ec2);
        assert_eq!(classify(&req("POST", "/", IAM_AUTH, "Action=CreateRole")).0, Protocol::AwsQuery);
        let (p, _, m) = classify(&req("GET", "/clusters/x", EKS_AUTH, ""));
        assert_eq!((p, m), (Protocol::RestJson, false));
        assert!(classify(&req("DELETE", "/clusters/x", EKS_AUTH, "")).2);
        let s3 = "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x";
        let (p, _, m) = classify(&req("PUT", "/bucket", s3, ""));
        assert_eq!((p, m), (Protocol::RestXml, true));
    }
}
