//! The executor through real plans and applies with a test provider: ordering, failure
//! isolation, the -parallelism bound, critical path first, tainting, state after failure.

use meshplan_engine::ops::{self, PlanOptions, Workspace};
use meshplan_engine::registry::Registry;
use meshplan_engine::walk::{Event, Hook, NoHook};
use meshplan_provider::{
    async_trait, Attribute, Ctx, ImpliedKey, Provider, ProviderError, ResourceType, Schema, Type, Value,
};
use meshplan_state::{RecordStatus, SledBackend, StateBackend};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Probe {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    started: Mutex<Vec<String>>,
    deleted: Mutex<Vec<String>>,
}

struct Thing(Arc<Probe>);

#[async_trait]
impl ResourceType for Thing {
    fn type_name(&self) -> &'static str {
        "probe_thing"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("sleep_ms", Attribute::optional(Type::Number))
            .attr("fail", Attribute::optional(Type::String))
            .attr("after", Attribute::optional(Type::list(Type::String)))
            .attr("provides", Attribute::optional(Type::String))
            .attr("needs", Attribute::optional(Type::String))
    }
    fn implied_keys(&self, state: &Value) -> Vec<ImpliedKey> {
        let mut k = Vec::new();
        k.extend(state.get_str("provides").map(|p| ImpliedKey::Provides(p.to_string())));
        k.extend(state.get_str("needs").map(|n| ImpliedKey::Needs(n.to_string())));
        k
    }
    async fn read(&self, _: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }
    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let name = planned.get_str("name").unwrap_or_default().to_string();
        self.0.started.lock().unwrap().push(name.clone());
        let now = self.0.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.0.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let ms = planned.get("sleep_ms").as_f64().unwrap_or(0.0) as u64;
        ctx.progress(&format!("{name} is warming up"));
        tokio::time::sleep(Duration::from_millis(ms)).await;
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        let mut state = planned.clone();
        state.set("id", Value::from(format!("id-{name}")));
        match planned.get_str("fail") {
            Some("plain") => Err(ProviderError::new(format!("{name} failed"))),
            Some("partial") => Err(ProviderError::new(format!("{name} half-made")).with_partial_state(state)),
            _ => Ok(state),
        }
    }
    async fn delete(&self, _: &Ctx, state: &Value) -> Result<(), ProviderError> {
        self.0.deleted.lock().unwrap().push(state.get_str("name").unwrap_or_default().to_string());
        Ok(())
    }
}

struct ProbeProvider(Arc<Probe>);

#[async_trait]
impl Provider for ProbeProvider {
    fn name(&self) -> &'static str {
        "probe"
    }
    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        vec![Arc::new(Thing(self.0.clone()))]
    }
}

struct Fixture {
    dir: tempfile::TempDir,
    probe: Arc<Probe>,
}

impl Fixture {
    fn new(config: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.mp.hcl"), config).unwrap();
        Fixture { dir, probe: Arc::default() }
    }

    /// Plans and applies; returns the apply diagnostics' text and the state afterwards.
    async fn apply(&self, parallelism: usize) -> (Vec<String>, meshplan_state::Snapshot) {
        self.run(parallelism, false).await
    }

    async fn run(&self, parallelism: usize, destroy: bool) -> (Vec<String>, meshplan_state::Snapshot) {
        self.run_with(parallelism, destroy, &NoHook).await
    }

    async fn run_with(
        &self,
        parallelism: usize,
        destroy: bool,
        hook: &dyn Hook,
    ) -> (Vec<String>, meshplan_state::Snapshot) {
        let registry = Registry::new(vec![Arc::new(ProbeProvider(self.probe.clone()))]);
        let mut ws = Workspace::new(self.dir.path(), registry);
        let root = ws.load().unwrap_or_else(|d| panic!("{d:?}"));
        let backend = Arc::new(SledBackend::open(&ws.state_dir).unwrap());
        let snap = backend.read().unwrap();
        let opts = PlanOptions { parallelism, destroy, ..PlanOptions::default() };
        let (plan, _) = ops::plan(&ws, &root, &snap, &opts, &NoHook).await.unwrap_or_else(|d| panic!("{d:?}"));
        let report = ops::apply(&ws, &root, &snap, &plan, backend.clone(), parallelism, hook)
            .await
            .unwrap_or_else(|d| panic!("{d:?}"));
        let after = backend.read().unwrap();
        backend.close().unwrap();
        (report.diags.0.iter().map(|d| d.to_string()).collect(), after)
    }
}

fn many(n: usize, sleep_ms: u64) -> String {
    (0..n)
        .map(|i| format!("resource \"probe_thing\" \"t{i}\" {{\n  name = \"t{i}\"\n  sleep_ms = {sleep_ms}\n}}\n"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallelism_bounds_operations_in_flight() {
    let f = Fixture::new(&many(12, 30));
    let (errors, state) = f.apply(3).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(state.resources.len(), 12);
    let max = f.probe.max_in_flight.load(Ordering::SeqCst);
    assert!(max <= 3, "at most 3 operations at once, saw {max}");
    assert!(max >= 2, "operations do run in parallel, saw {max}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dependencies_run_first() {
    let f = Fixture::new(
        r#"
resource "probe_thing" "a" { name = "a" }
resource "probe_thing" "b" {
  name  = "b"
  after = [probe_thing.a.id]
}
resource "probe_thing" "c" {
  name       = "c"
  depends_on = [probe_thing.b]
}
"#,
    );
    let (errors, state) = f.apply(10).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(*f.probe.started.lock().unwrap(), vec!["a", "b", "c"]);
    assert_eq!(state.resources["probe_thing.b"].attributes["after"], serde_json::json!(["id-a"]));
    assert_eq!(state.resources["probe_thing.c"].dependencies, vec!["probe_thing.b".to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failure_skips_dependents_and_keeps_the_rest() {
    let f = Fixture::new(
        r#"
resource "probe_thing" "bad" {
  name = "bad"
  fail = "plain"
}
resource "probe_thing" "child" {
  name  = "child"
  after = [probe_thing.bad.id]
}
resource "probe_thing" "independent" {
  name     = "independent"
  sleep_ms = 50
}
resource "probe_thing" "half" {
  name = "half"
  fail = "partial"
}
"#,
    );
    let (errors, state) = f.apply(10).await;
    assert!(errors.iter().any(|e| e.contains("bad failed")), "{errors:?}");
    assert!(
        !f.probe.started.lock().unwrap().contains(&"child".to_string()),
        "a dependent of a failed node never starts"
    );
    assert_eq!(state.resources["probe_thing.independent"].status, RecordStatus::Ok, "independent branches finish");
    assert!(
        matches!(state.resources["probe_thing.bad"].status, RecordStatus::Intent { .. }),
        "a failed create without a partial object keeps its intent record: the request may have landed"
    );
    assert_eq!(
        state.resources["probe_thing.half"].status,
        RecordStatus::Tainted,
        "a half-made object is kept, tainted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn critical_path_starts_first() {
    // One long chain (c0 → c1 → c2) and many independent leaves; with one slot, the chain's
    // head must start before the leaves.
    let mut cfg = String::from("resource \"probe_thing\" \"c0\" { name = \"c0\" }\n");
    cfg.push_str("resource \"probe_thing\" \"c1\" {\n  name = \"c1\"\n  after = [probe_thing.c0.id]\n}\n");
    cfg.push_str("resource \"probe_thing\" \"c2\" {\n  name = \"c2\"\n  after = [probe_thing.c1.id]\n}\n");
    for i in 0..6 {
        cfg.push_str(&format!("resource \"probe_thing\" \"leaf{i}\" {{ name = \"leaf{i}\" }}\n"));
    }
    let f = Fixture::new(&cfg);
    let (errors, _) = f.apply(1).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(f.probe.started.lock().unwrap()[0], "c0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn implied_ordering_without_references() {
    // "user" is declared first and references nothing, but needs what "ns" provides
    // (like an object in a Namespace): ns is created first and destroyed last.
    let f = Fixture::new(
        r#"
resource "probe_thing" "a_user" {
  name  = "user"
  needs = "namespace/spire"
}
resource "probe_thing" "z_ns" {
  name     = "ns"
  provides = "namespace/spire"
  sleep_ms = 30
}
"#,
    );
    let (errors, _) = f.apply(10).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(*f.probe.started.lock().unwrap(), vec!["ns", "user"]);
    let (errors, state) = f.run(10, true).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert!(state.resources.is_empty());
    assert_eq!(*f.probe.deleted.lock().unwrap(), vec!["user", "ns"]);
}

#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);
impl Hook for Recorder {
    fn event(&self, e: Event<'_>) {
        if let Event::Progress { address, message } = e {
            self.0.lock().unwrap().push(format!("{address}: {message}"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_progress_reaches_the_hook() {
    let f = Fixture::new("resource \"probe_thing\" \"slow\" {\n  name = \"slow\"\n  sleep_ms = 20\n}\n");
    let rec = Recorder::default();
    let (errors, _) = f.run_with(10, false, &rec).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(*rec.0.lock().unwrap(), vec!["probe_thing.slow: slow is warming up".to_string()]);
}
