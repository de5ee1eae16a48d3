//! Crash safety of apply, end to end: the real `meshplan` binary applies the 51-resource
//! fixture tests/fixtures/crash against real moto, and the apply is killed (SIGKILL at
//! several points), interrupted (SIGINT, once and twice), or runs through the fault proxy
//! (lost responses, 5xx, throttling, an outage). After each, a plain re-apply (no
//! force-unlock) must converge, a plan must be clean, and moto, listed independently with
//! boto3 (tests/emulators/inventory.py), must hold no orphan (an object no state record points
//! to) and no duplicate (two objects for one resource); a destroy must then leave moto empty.
//!
//! Each test starts its own moto and resets it between trials; `-- --nocapture` prints a line
//! per trial (trials, orphans, duplicates, time to converge).

use meshplan_emulators::{audit, Audit, Emulators, FaultConfig, FaultProxy, Inventory, Options, StateRecord};
use meshplan_state::{SledBackend, StateBackend};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_meshplan");
/// Resources (and so objects in moto) of the fixture.
const RESOURCES: usize = 51;
/// Applies allowed for a faulted run to converge.
const MAX_APPLIES: usize = 4;

struct Out {
    code: i32,
    text: String,
}

/// One working directory with the fixture, one moto, maybe a fault proxy in front of it.
struct Fixture {
    proxy: Option<FaultProxy>,
    emu: Emulators,
    /// With `backend "s3"`: the state bucket's own moto (its own, so the inventory of the
    /// infrastructure's moto holds only what the configuration made).
    state: Option<Emulators>,
    dir: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let emu = Emulators::start(&Options::clusters(&[])).unwrap_or_else(|e| panic!("starting the emulators: {e}"));
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("crash");
        std::fs::create_dir_all(&dir).unwrap();
        let src: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "tests", "fixtures", "crash"].iter().collect();
        for e in std::fs::read_dir(&src).unwrap().flatten() {
            std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
        emu.write_mpvars(&dir).unwrap();
        Fixture { proxy: None, emu, state: None, dir, _tmp: tmp }
    }

    /// The same fixture with its state in S3 (bucket `crash-state` on a second moto).
    fn with_s3_state() -> Fixture {
        let mut f = Fixture::new();
        let state =
            Emulators::start(&Options::clusters(&[])).unwrap_or_else(|e| panic!("starting the state's moto: {e}"));
        let backend = format!(
            "terraform {{\n  backend \"s3\" {{\n    bucket = \"crash-state\"\n    key = \"crash.tfstate\"\n    region = \"us-east-1\"\n    use_path_style = true\n    endpoints {{\n      s3 = \"{}\"\n    }}\n  }}\n}}\n",
            state.moto().url()
        );
        std::fs::write(f.dir.join("backend.mp.hcl"), backend).unwrap();
        f.state = Some(state);
        f.init_state();
        f
    }

    /// An empty state bucket and `init` (after a reset).
    fn init_state(&self) {
        let Some(state) = &self.state else { return };
        state.boto3("s3 = client('s3')\ntry:\n    s3.create_bucket(Bucket='crash-state')\nexcept Exception:\n    pass\nfor o in s3.list_objects_v2(Bucket='crash-state').get('Contents', []):\n    s3.delete_object(Bucket='crash-state', Key=o['Key'])\n").unwrap();
        let out = self.meshplan(&["init"]);
        assert_eq!(out.code, 0, "init: {}", out.text);
    }

    fn s3_backend(&self) -> Option<Box<dyn StateBackend>> {
        let state = self.state.as_ref()?;
        let args = serde_json::json!({"bucket": "crash-state", "key": "crash.tfstate", "region": "us-east-1", "endpoints": {"s3": state.moto().url()}, "use_path_style": true, "access_key": "test", "secret_key": "test"});
        let config =
            meshplan_state_aws::S3Config::from_arguments(&serde_json::from_value(args).unwrap(), |_| None).unwrap();
        Some(Box::new(meshplan_state_aws::S3Store::connect(config).unwrap().workspace("default", Default::default())))
    }

    /// From now on the aws provider talks to moto through a fault proxy.
    fn faults(&mut self, config: FaultConfig) -> &FaultProxy {
        let proxy = FaultProxy::start(&self.emu.moto().url(), config).unwrap();
        self.emu.write_mpvars_via(&self.dir, &proxy.url()).unwrap();
        self.proxy.insert(proxy)
    }

    /// Straight to moto again.
    fn no_faults(&mut self) {
        self.emu.write_mpvars(&self.dir).unwrap();
        self.proxy = None;
    }

    /// A new trial: moto forgets everything, the state is removed, no proxy.
    fn reset(&mut self) {
        self.no_faults();
        self.emu.moto().reset().unwrap();
        let _ = std::fs::remove_dir_all(self.dir.join(".meshplan"));
        self.init_state();
        assert!(self.inventory().is_empty(), "moto not empty after a reset");
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.current_dir(&self.dir).args(args).arg("-no-color").envs(self.emu.env()).env("NO_COLOR", "1");
        cmd
    }

    fn meshplan(&self, args: &[&str]) -> Out {
        let out = self.command(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        assert!(!text.contains("panicked"), "meshplan {args:?} panicked:\n{text}");
        Out { code: out.status.code().unwrap_or(-1), text }
    }

    fn apply(&self) -> Out {
        self.meshplan(&["apply", "-auto-approve"])
    }

    /// Starts `meshplan apply`; its output lines arrive on the channel.
    fn spawn_apply(&self) -> (Child, mpsc::Receiver<String>) {
        let mut child =
            self.command(&["apply", "-auto-approve"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let (tx, rx) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        (child, rx)
    }

    /// The state's records (sled opened and closed again here; no meshplan may be running).
    fn records(&self) -> Vec<StateRecord> {
        let backend: Box<dyn StateBackend> =
            self.s3_backend().unwrap_or_else(|| Box::new(SledBackend::open(&self.dir.join(".meshplan")).unwrap()));
        let snapshot = backend.read().unwrap();
        backend.close().unwrap();
        snapshot
            .resources
            .values()
            .map(|r| StateRecord {
                address: r.address.clone(),
                type_name: r.type_name.clone(),
                attributes: r.attributes.clone(),
            })
            .collect()
    }

    fn lock_holder(&self) -> Option<String> {
        let backend: Box<dyn StateBackend> =
            self.s3_backend().unwrap_or_else(|| Box::new(SledBackend::open(&self.dir.join(".meshplan")).unwrap()));
        backend.lock_holder().unwrap().map(|l| format!("{l:?}"))
    }

    fn inventory(&self) -> Inventory {
        self.emu.inventory().unwrap_or_else(|e| panic!("{e}"))
    }

    fn audit(&self) -> Audit {
        audit(&self.inventory(), &self.records())
    }
}

/// Kills a child on drop, so a failing test leaves no meshplan behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill").args([&format!("-{sig}"), &child.id().to_string()]).status().unwrap().success();
    assert!(ok, "kill -{sig} {}", child.id());
}

/// Waits for the child to exit, `limit` at most; its exit code (-1 for a signal).
fn wait_exit(child: &mut Child, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status.code().unwrap_or(-1));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// When to interrupt an apply.
#[derive(Clone, Copy, Debug)]
enum At {
    /// Once this many "Creation complete" lines were printed.
    Created(usize),
    /// Once the first create has started ("Creating..."), before any has completed.
    FirstCreating,
}

/// Runs an apply until `at`, then sends it `sig`. Returns the apply and how many creations it
/// reported; None when the apply ended before `at`.
fn interrupt_apply(f: &Fixture, at: At, sig: &str) -> Option<(Running, usize, mpsc::Receiver<String>)> {
    let (child, rx) = f.spawn_apply();
    let child = Running(child);
    let started = Instant::now();
    let mut created = 0;
    let mut seen = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(line) => {
                seen.push(line.clone());
                if matches!(at, At::FirstCreating) && line.contains(": Creating...") {
                    break;
                }
                if line.contains("Creation complete") {
                    created += 1;
                    if matches!(at, At::Created(k) if created >= k) {
                        break;
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                eprintln!("the apply ended before {at:?}; its output:\n{}", seen.join("\n"));
                return None;
            }
        }
        if started.elapsed() > Duration::from_secs(120) {
            panic!("apply did not reach {at:?} in 120 s");
        }
    }
    signal(&child.0, sig);
    Some((child, created, rx))
}

/// What one trial found.
#[derive(Debug, Default)]
struct Trial {
    label: String,
    /// The first plain re-apply after the interruption succeeded.
    reapply_ok: bool,
    /// Applies it took to succeed (faulted runs), 0 = never.
    applies: usize,
    plan_clean: bool,
    orphans: usize,
    duplicates: usize,
    destroy_clean: bool,
    notes: Vec<String>,
}

impl Trial {
    fn ok(&self) -> bool {
        self.reapply_ok
            && self.plan_clean
            && self.orphans == 0
            && self.duplicates == 0
            && self.destroy_clean
            && self.notes.iter().all(|n| !n.starts_with("FAIL"))
    }

    fn line(&self) -> String {
        format!(
            "{:<28} re-apply {:<3} applies {} plan-clean {:<5} orphans {:>2} duplicates {:>2} destroy-clean {:<5} {}",
            self.label,
            if self.reapply_ok { "ok" } else { "FAILED" },
            self.applies,
            self.plan_clean,
            self.orphans,
            self.duplicates,
            self.destroy_clean,
            self.notes.join("; ")
        )
    }
}

/// The first error line, else the last line printed.
fn first_error(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.contains("Error") || l.contains("error"))
        .or_else(|| text.lines().rev().find(|l| !l.trim().is_empty()));
    line.unwrap_or("").chars().take(200).collect()
}

/// Plain re-apply, plan, audit, destroy: the common end of every trial.
fn converge_and_check(f: &mut Fixture, t: &mut Trial, applies: usize) {
    for i in 1..=applies {
        let out = f.apply();
        if out.code == 0 {
            t.reapply_ok = true;
            t.applies = i;
            break;
        }
        t.notes.push(format!("apply {i}: {}", first_error(&out.text)));
    }
    f.no_faults();
    let plan = f.meshplan(&["plan", "-detailed-exitcode"]);
    t.plan_clean = plan.code == 0;
    if !t.plan_clean {
        t.notes.push(format!("plan exit {}: {}", plan.code, first_error(&plan.text)));
    }
    let a = f.audit();
    t.orphans = a.orphans.len();
    t.duplicates = a.duplicate_count();
    if !a.is_clean() {
        eprint!("{}: {a}", t.label);
    }
    let destroy = f.meshplan(&["destroy", "-auto-approve"]);
    let left = f.inventory();
    t.destroy_clean = destroy.code == 0 && left.is_empty();
    if !t.destroy_clean {
        t.notes.push(format!("destroy exit {}, {} objects left {:?}", destroy.code, left.objects.len(), left.counts()));
    }
}

fn report(name: &str, trials: &[Trial]) {
    eprintln!("--- {name}: {} trials", trials.len());
    for t in trials {
        eprintln!("{}", t.line());
    }
    let bad: Vec<String> = trials.iter().filter(|t| !t.ok()).map(Trial::line).collect();
    assert!(bad.is_empty(), "{name}: {} of {} trials failed:\n{}", bad.len(), trials.len(), bad.join("\n"));
}

/// The fixture itself: today's meshplan applies it, re-plans clean, and destroys it; the
/// inventory sees exactly its objects, and the audit does find an orphan and a duplicate when
/// there is one (so the other tests' zeros mean something).
#[test]
fn fixture_applies_replans_clean_and_destroys() {
    let f = Fixture::new();
    let out = f.apply();
    assert_eq!(out.code, 0, "apply failed:\n{}", out.text);
    assert!(out.text.contains(&format!("Apply complete! Resources: {RESOURCES} added")), "{}", out.text);
    let plan = f.meshplan(&["plan", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "plan after apply is not clean:\n{}", plan.text);

    let records = f.records();
    assert_eq!(records.len(), RESOURCES);
    let inv = f.inventory();
    assert_eq!(inv.objects.len(), RESOURCES, "{:?}", inv.counts());
    let a = audit(&inv, &records);
    assert!(a.is_clean() && a.dangling.is_empty(), "{a}");
    for o in inv
        .objects
        .iter()
        .filter(|o| ["vpc", "subnet", "route_table", "security_group", "iam_role"].contains(&o.kind.as_str()))
    {
        assert_eq!(
            o.tags.get("fixture").map(String::as_str),
            Some("crash"),
            "{o} lacks the default tags: {:?}",
            o.tags
        );
    }

    // A second VPC named like one of ours, made behind meshplan's back.
    f.emu
        .boto3("client('ec2').create_vpc(CidrBlock='10.10.0.0/16', TagSpecifications=[{'ResourceType': 'vpc', 'Tags': [{'Key': 'Name', 'Value': 'crash-foo'}]}])")
        .unwrap();
    let a = f.audit();
    assert_eq!((a.orphans.len(), a.duplicate_count()), (1, 1), "{a}");
    assert_eq!(a.duplicates.keys().collect::<Vec<_>>(), ["vpc:crash-foo"]);
    // A record whose object is gone.
    f.emu
        .boto3("c = client('iam'); c.delete_role_policy(RoleName='crash-audit', PolicyName='crash-audit-logs')")
        .unwrap();
    let plan = f.meshplan(&["plan", "-detailed-exitcode"]);
    assert_eq!(plan.code, 2, "a deleted object must show in the plan:\n{}", plan.text);

    let out = f.meshplan(&["destroy", "-auto-approve"]);
    assert_eq!(out.code, 0, "destroy failed:\n{}", out.text);
    let left = f.inventory();
    // Only the stray VPC is left.
    assert_eq!(
        left.objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(),
        ["vpc:crash-foo"],
        "{:?}",
        left.counts()
    );
}

/// kill -9 at 9 points of an apply (as its first create starts, then after K of the 51 creations),
/// then a plain re-apply.
#[test]
fn kill_9_mid_apply_then_plain_reapply_converges() {
    let mut f = Fixture::new();
    let points = [
        At::FirstCreating,
        At::Created(1),
        At::Created(4),
        At::Created(9),
        At::Created(15),
        At::Created(22),
        At::Created(30),
        At::Created(38),
        At::Created(46),
    ];
    let mut trials = Vec::new();
    for at in points {
        f.reset();
        let mut t = Trial { label: format!("kill -9 at {at:?}"), ..Trial::default() };
        match interrupt_apply(&f, at, "KILL") {
            None => t.notes.push("FAIL: apply ended before the kill".into()),
            Some((mut child, created, _)) => {
                wait_exit(&mut child.0, Duration::from_secs(10)).expect("SIGKILL ends it");
                t.notes.push(format!("{created} created, {} in moto", f.inventory().objects.len()));
            }
        }
        converge_and_check(&mut f, &mut t, 1);
        trials.push(t);
    }
    report("kill -9", &trials);
}

/// A faulted run: applies through the proxy until one succeeds (MAX_APPLIES at most).
fn faulted_trial(f: &mut Fixture, label: String, config: FaultConfig) -> Trial {
    f.reset();
    let mut t = Trial { label, ..Trial::default() };
    f.faults(config);
    let started = Instant::now();
    converge_and_check_with_stats(f, &mut t);
    t.notes.push(format!("{:.0?}", started.elapsed()));
    t
}

fn converge_and_check_with_stats(f: &mut Fixture, t: &mut Trial) {
    // converge_and_check switches to moto directly after the applies; keep the proxy's figures.
    let mut applies_text = Vec::new();
    for i in 1..=MAX_APPLIES {
        let out = f.apply();
        if out.code == 0 {
            t.reapply_ok = true;
            t.applies = i;
            break;
        }
        applies_text.push(format!("apply {i}: {}", first_error(&out.text)));
    }
    let stats = f.proxy.as_ref().map(|p| p.stats()).unwrap_or_default();
    t.notes.push(format!(
        "injected: {} lost, {} 5xx, {} throttled of {} mutations",
        stats.lost_responses, stats.server_errors, stats.throttles, stats.mutating
    ));
    t.notes.extend(applies_text);
    let ok = t.reapply_ok;
    let applies = t.applies;
    // The rest as after an interruption (plan, audit, destroy), without applying again.
    f.no_faults();
    converge_after(f, t);
    t.reapply_ok = ok;
    t.applies = applies;
}

/// Plan, audit and destroy (no apply).
fn converge_after(f: &mut Fixture, t: &mut Trial) {
    let plan = f.meshplan(&["plan", "-detailed-exitcode"]);
    t.plan_clean = plan.code == 0;
    if !t.plan_clean {
        t.notes.push(format!("plan exit {}: {}", plan.code, first_error(&plan.text)));
    }
    let a = f.audit();
    t.orphans = a.orphans.len();
    t.duplicates = a.duplicate_count();
    if !a.is_clean() {
        eprint!("{}: {a}", t.label);
    }
    let destroy = f.meshplan(&["destroy", "-auto-approve"]);
    let left = f.inventory();
    t.destroy_clean = destroy.code == 0 && left.is_empty();
    if !t.destroy_clean {
        t.notes.push(format!("destroy exit {}, {} objects left {:?}", destroy.code, left.objects.len(), left.counts()));
    }
}

/// 30 % of mutating requests performed by moto but answered 500 (and, once, by a reset
/// connection): retries must find what the first attempt made instead of making it again.
#[test]
fn lost_responses_converge_without_orphans_or_duplicates() {
    let mut f = Fixture::new();
    let mut trials = Vec::new();
    for seed in [1, 2] {
        trials.push(faulted_trial(
            &mut f,
            format!("30% lost responses seed {seed}"),
            FaultConfig { lost_response: 0.3, seed, ..FaultConfig::default() },
        ));
    }
    trials.push(faulted_trial(
        &mut f,
        "30% lost (reset) seed 3".into(),
        FaultConfig { lost_response: 0.3, seed: 3, reset_on_lost: true, ..FaultConfig::default() },
    ));
    report("lost responses", &trials);
}

/// 5xx and throttling that moto never saw: plain retries are safe, the apply converges.
#[test]
fn server_errors_and_throttling_converge_without_orphans_or_duplicates() {
    let mut f = Fixture::new();
    let trials = vec![
        faulted_trial(
            &mut f,
            "30% 5xx seed 4".into(),
            FaultConfig { server_error: 0.3, seed: 4, ..FaultConfig::default() },
        ),
        faulted_trial(
            &mut f,
            "30% throttling seed 5".into(),
            FaultConfig { throttle: 0.3, seed: 5, ..FaultConfig::default() },
        ),
    ];
    report("5xx and throttling", &trials);
}

/// An outage after N forwarded changes: the apply fails, and at that moment every object moto
/// holds must be in the state (a create that landed is never forgotten); after recovery a
/// re-apply converges.
#[test]
fn outage_keeps_every_created_object_in_the_state() {
    let mut f = Fixture::new();
    // An outage fails every call: with the default 25 retries each one takes minutes.
    std::fs::write(f.dir.join("retries.auto.mpvars"), "max_retries = 2\n").unwrap();
    let mut trials = Vec::new();
    for n in [5, 20, 40] {
        f.reset();
        let mut t = Trial { label: format!("outage after {n} changes"), ..Trial::default() };
        f.faults(FaultConfig { outage_after: Some(n), ..FaultConfig::default() });
        let started = Instant::now();
        let out = f.apply();
        let took = started.elapsed();
        if out.code == 0 {
            t.notes.push("FAIL: apply succeeded through an outage".into());
        }
        let a = f.audit();
        t.notes.push(format!(
            "failed apply took {took:.0?}; {} in moto, {} in state, {} missing from state",
            f.inventory().objects.len(),
            f.records().len(),
            a.orphans.len()
        ));
        if !a.orphans.is_empty() {
            eprint!("{}: after the failed apply: {a}", t.label);
            t.notes.push(format!("FAIL: {} created objects missing from the state", a.orphans.len()));
        }
        f.proxy.as_ref().unwrap().recover();
        converge_and_check(&mut f, &mut t, 1);
        trials.push(t);
    }
    report("outage", &trials);
}

/// SIGINT mid-apply: a graceful stop within 60 s, exit code 1, no lock left; a second SIGINT
/// stops at once. Both are followed by a plain re-apply.
#[test]
fn sigint_stops_gracefully_and_a_second_one_at_once() {
    let mut f = Fixture::new();
    let mut trials = Vec::new();
    for (label, k, twice) in [
        ("SIGINT after 10 created", 10, false),
        ("SIGINT after 30 created", 30, false),
        ("SIGINT twice after 20", 20, true),
    ] {
        f.reset();
        let mut t = Trial { label: label.into(), ..Trial::default() };
        match interrupt_apply(&f, At::Created(k), "INT") {
            None => t.notes.push("FAIL: apply ended before the signal".into()),
            Some((mut child, _, rx)) => {
                let started = Instant::now();
                if twice {
                    std::thread::sleep(Duration::from_millis(200));
                    signal(&child.0, "INT");
                }
                let limit = if twice { Duration::from_secs(5) } else { Duration::from_secs(60) };
                match wait_exit(&mut child.0, limit) {
                    None => t.notes.push(format!("FAIL: still running {limit:?} after SIGINT")),
                    Some(code) => {
                        t.notes.push(format!("exit {code} after {:.1?}", started.elapsed()));
                        if code != 1 {
                            t.notes.push(format!("FAIL: exit code {code}, want 1"));
                        }
                    }
                }
                let output: Vec<String> = rx.try_iter().collect();
                if !twice && !output.iter().any(|l| l.contains("Interrupted")) {
                    t.notes.push("FAIL: no \"Interrupted\" summary".into());
                }
                // A second interrupt exits at once and may leave its lock: the next run takes
                // over a dead holder's lock, which the plan below proves.
                if let (false, Some(holder)) = (twice, f.lock_holder()) {
                    t.notes.push(format!("FAIL: lock left: {holder}"));
                }
                let plan = f.meshplan(&["plan", "-detailed-exitcode"]);
                if plan.code == 1 {
                    t.notes.push(format!("FAIL: plan after SIGINT: {}", first_error(&plan.text)));
                }
            }
        }
        converge_and_check(&mut f, &mut t, 1);
        trials.push(t);
    }
    report("SIGINT", &trials);
}

/// SIGINT during a plan whose refresh is stuck retrying (an outage): the plan stops within the
/// grace period, exits 1, and leaves no lock; the next plan runs as soon as AWS answers again.
#[test]
fn sigint_stops_a_stuck_plan_and_releases_its_lock() {
    let mut f = Fixture::new();
    f.reset();
    assert_eq!(f.apply().code, 0, "the fixture applies");
    let proxy = f.faults(FaultConfig::default());
    proxy.fail_all();
    let mut child = Running(f.command(&["plan"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap());
    // Refreshing 51 objects through an outage: every read is being retried by now.
    std::thread::sleep(Duration::from_secs(3));
    assert!(child.0.try_wait().unwrap().is_none(), "the plan ended before the interrupt");
    assert!(f.lock_holder().is_some(), "a running plan holds the lock");
    let started = Instant::now();
    signal(&child.0, "INT");
    let code = wait_exit(&mut child.0, Duration::from_secs(60));
    eprintln!("plan interrupted: exit {code:?} after {:.1?}", started.elapsed());
    assert_eq!(code, Some(1), "a plan stopped by SIGINT exits 1 within 60 s");
    assert_eq!(f.lock_holder(), None, "the interrupted plan left its lock");
    f.proxy.as_ref().unwrap().recover();
    assert_eq!(f.meshplan(&["plan", "-detailed-exitcode"]).code, 0, "plan after the outage is clean");
    f.no_faults();
    assert_eq!(f.meshplan(&["destroy", "-auto-approve"]).code, 0);
}

/// The same guarantees with the state in S3: kill -9 at three points and SIGINT once, then a
/// plain re-apply converges with no orphan and no duplicate (intents are in the state object
/// before each create is sent; a dead holder's lock object is taken over), and a graceful stop
/// deletes the lock object.
#[test]
fn with_the_s3_backend_kills_and_interrupts_converge() {
    let mut f = Fixture::with_s3_state();
    let mut trials = Vec::new();
    for (at, sig) in
        [(At::Created(3), "KILL"), (At::Created(20), "KILL"), (At::Created(45), "KILL"), (At::Created(15), "INT")]
    {
        f.reset();
        let mut t = Trial { label: format!("s3: {sig} at {at:?}"), ..Trial::default() };
        match interrupt_apply(&f, at, sig) {
            None => t.notes.push("FAIL: apply ended before the signal".into()),
            Some((mut child, created, _)) => {
                let code = wait_exit(&mut child.0, Duration::from_secs(60));
                t.notes.push(format!("{created} created, exit {code:?}"));
                if sig == "INT" {
                    if let Some(holder) = f.lock_holder() {
                        t.notes.push(format!("FAIL: lock object left after SIGINT: {holder}"));
                    }
                }
            }
        }
        converge_and_check(&mut f, &mut t, 1);
        trials.push(t);
    }
    report("s3 backend", &trials);
}
