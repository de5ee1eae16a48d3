//! The engine's side of crash safety, through real plans and applies with a test provider
//! whose "cloud" is a shared map: intent records resolved by `find` (adopted or dropped),
//! lost create responses, graceful stop, `ignore_changes` at apply, the final-plan check
//! against a saved plan, and destroy ignoring root outputs.

use meshplan_engine::ops::{self, ApplyOptions, PlanOptions, Workspace};
use meshplan_engine::registry::Registry;
use meshplan_engine::walk::{NoHook, Stop};
use meshplan_provider::{
    async_trait, Attribute, Ctx, DataSource, Provider, ProviderError, ResourceType, Schema, Type, Value,
};
use meshplan_state::{Commit, RecordStatus, SledBackend, StateBackend};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The remote side: objects by id, each with the token its create carried.
#[derive(Default)]
struct Cloud {
    objects: Mutex<BTreeMap<String, (Option<String>, Value)>>,
    next: Mutex<u32>,
    /// Names whose next create lands remotely but answers with an error (a lost response).
    lose_response: Mutex<Vec<String>>,
    deletes: Mutex<Vec<String>>,
    updates: Mutex<Vec<Value>>,
    /// What the `cloud_setting` data source returns.
    setting: Mutex<Value>,
}

impl Cloud {
    fn count(&self) -> usize {
        self.objects.lock().unwrap().len()
    }
    fn only(&self) -> Value {
        let o = self.objects.lock().unwrap();
        assert_eq!(o.len(), 1, "{o:?}");
        o.values().next().unwrap().1.clone()
    }
}

struct Thing(Arc<Cloud>);

#[async_trait]
impl ResourceType for Thing {
    fn type_name(&self) -> &'static str {
        "cloud_thing"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("size", Attribute::optional(Type::Number))
            .attr("note", Attribute::optional(Type::String))
            .attr("sleep_ms", Attribute::optional(Type::Number))
    }
    async fn read(&self, _: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let id = state.get_str("id").unwrap_or_default();
        Ok(self.0.objects.lock().unwrap().get(id).map(|(_, v)| v.clone()))
    }
    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let ms = planned.get("sleep_ms").as_f64().unwrap_or(0.0) as u64;
        tokio::time::sleep(Duration::from_millis(ms)).await;
        let id = {
            let mut n = self.0.next.lock().unwrap();
            *n += 1;
            format!("obj-{n}")
        };
        let mut state = planned.clone();
        state.set("id", Value::from(id.as_str()));
        self.0.objects.lock().unwrap().insert(id, (ctx.idempotency_token.clone(), state.clone()));
        let name = planned.get_str("name").unwrap_or_default().to_string();
        let mut lose = self.0.lose_response.lock().unwrap();
        if let Some(i) = lose.iter().position(|n| *n == name) {
            lose.remove(i);
            return Err(ProviderError::new("connection reset by peer"));
        }
        Ok(state)
    }
    async fn update(&self, _: &Ctx, _prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let id = planned.get_str("id").unwrap_or_default().to_string();
        self.0.updates.lock().unwrap().push(planned.clone());
        let mut o = self.0.objects.lock().unwrap();
        let entry = o.get_mut(&id).ok_or_else(|| ProviderError::new(format!("no object {id:?}")))?;
        entry.1 = planned.clone();
        Ok(planned.clone())
    }
    async fn delete(&self, _: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let id = state.get_str("id").ok_or_else(|| ProviderError::new("delete without an id"))?.to_string();
        self.0.deletes.lock().unwrap().push(id.clone());
        self.0.objects.lock().unwrap().remove(&id);
        Ok(())
    }
    async fn find(&self, _: &Ctx, token: &str, _planned: &Value) -> Result<Option<Value>, ProviderError> {
        let o = self.0.objects.lock().unwrap();
        Ok(o.values().find(|(t, _)| t.as_deref() == Some(token)).map(|(_, v)| v.clone()))
    }
}

struct Setting(Arc<Cloud>);

#[async_trait]
impl DataSource for Setting {
    fn type_name(&self) -> &'static str {
        "cloud_setting"
    }
    fn schema(&self) -> Schema {
        Schema::new().attr("value", Attribute::computed(Type::String)).attr(
            "extra",
            Attribute::computed(Type::Object([("field".to_string(), Type::String)].into_iter().collect())),
        )
    }
    async fn read(&self, _: &Ctx, _config: &Value) -> Result<Value, ProviderError> {
        let v = self.0.setting.lock().unwrap().clone();
        let extra = if v.is_null() { Value::Null } else { Value::object([("field", v.clone())]) };
        Ok(Value::object([("value", v), ("extra", extra)]))
    }
}

/// A value computed here, like a key or `terraform_data`: nothing remote to find after a crash.
struct Local;

#[async_trait]
impl ResourceType for Local {
    fn type_name(&self) -> &'static str {
        "cloud_local"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String).force_new())
    }
    fn has_remote_object(&self) -> bool {
        false
    }
    async fn read(&self, _: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }
    async fn create(&self, _: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", Value::from("local"));
        Ok(state)
    }
    async fn delete(&self, _: &Ctx, _: &Value) -> Result<(), ProviderError> {
        Ok(())
    }
}

/// Records every commit on its way to the real backend.
struct Recording {
    inner: Arc<SledBackend>,
    commits: Mutex<Vec<Commit>>,
}

impl StateBackend for Recording {
    fn read(&self) -> Result<meshplan_state::Snapshot, meshplan_state::StateError> {
        self.inner.read()
    }
    fn commit(&self, changes: Vec<Commit>) -> Result<u64, meshplan_state::StateError> {
        self.commits.lock().unwrap().extend(changes.iter().cloned());
        self.inner.commit(changes)
    }
    fn lock(
        &self,
        info: meshplan_state::LockInfo,
        timeout: Duration,
    ) -> Result<meshplan_state::LockGuard, meshplan_state::StateError> {
        self.inner.lock(info, timeout)
    }
    fn lock_holder(&self) -> Result<Option<meshplan_state::LockInfo>, meshplan_state::StateError> {
        self.inner.lock_holder()
    }
    fn force_unlock(&self, id: &str) -> Result<(), meshplan_state::StateError> {
        self.inner.force_unlock(id)
    }
}

struct CloudProvider(Arc<Cloud>);

#[async_trait]
impl Provider for CloudProvider {
    fn name(&self) -> &'static str {
        "cloud"
    }
    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        vec![Arc::new(Thing(self.0.clone())), Arc::new(Local)]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(Setting(self.0.clone()))]
    }
}

struct Fixture {
    dir: tempfile::TempDir,
    cloud: Arc<Cloud>,
}

impl Fixture {
    fn new(config: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.mp.hcl"), config).unwrap();
        Fixture { dir, cloud: Arc::default() }
    }
    fn config(&self, config: &str) {
        std::fs::write(self.dir.path().join("main.mp.hcl"), config).unwrap();
    }
    fn open(&self) -> (Workspace, Arc<meshplan_engine::config::Module>, Arc<SledBackend>) {
        let registry = Registry::new(vec![Arc::new(CloudProvider(self.cloud.clone()))]);
        let mut ws = Workspace::new(self.dir.path(), registry);
        let root = ws.load().unwrap_or_else(|d| panic!("{d:?}"));
        let backend = Arc::new(SledBackend::open(&ws.state_dir).unwrap());
        (ws, root, backend)
    }
    async fn plan(&self, destroy: bool) -> meshplan_engine::plan::Plan {
        let (ws, root, backend) = self.open();
        let snap = backend.read().unwrap();
        let opts = PlanOptions { destroy, ..PlanOptions::default() };
        let (plan, _) = ops::plan(&ws, &root, &snap, &opts, &NoHook).await.unwrap_or_else(|d| panic!("{d:?}"));
        backend.close().unwrap();
        plan
    }
    /// Applies `plan` (or a fresh one); returns the error texts and the state afterwards.
    async fn apply_plan(
        &self,
        plan: Option<meshplan_engine::plan::Plan>,
        stop: Stop,
        destroy: bool,
    ) -> (Vec<String>, meshplan_state::Snapshot, Option<usize>) {
        let plan = match plan {
            Some(p) => p,
            None => self.plan(destroy).await,
        };
        let (ws, root, backend) = self.open();
        let snap = backend.read().unwrap();
        let run = ApplyOptions { parallelism: 4, stop };
        let report = ops::apply(&ws, &root, &snap, &plan, backend.clone(), run, &NoHook)
            .await
            .unwrap_or_else(|d| panic!("{d:?}"));
        let after = backend.read().unwrap();
        backend.close().unwrap();
        (report.diags.0.iter().map(|d| format!("{d} {:?}", d.detail)).collect(), after, report.interrupted)
    }
    async fn apply(&self) -> (Vec<String>, meshplan_state::Snapshot) {
        let (e, s, _) = self.apply_plan(None, Stop::new(), false).await;
        (e, s)
    }
    fn commit(&self, changes: Vec<Commit>) {
        let (_, _, backend) = self.open();
        backend.commit(changes).unwrap();
        backend.close().unwrap();
    }
}

fn actionable(plan: &meshplan_engine::plan::Plan) -> Vec<(String, meshplan_engine::plan::Action)> {
    plan.changes
        .iter()
        .filter(|c| c.action != meshplan_engine::plan::Action::NoOp || c.adopted)
        .map(|c| (c.address.clone(), c.action))
        .collect()
}

const ONE: &str = "resource \"cloud_thing\" \"a\" {\n  name = \"a\"\n  size = 1\n}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_create_response_is_adopted_not_duplicated() {
    let f = Fixture::new(ONE);
    f.cloud.lose_response.lock().unwrap().push("a".into());
    let (errors, state) = f.apply().await;
    assert!(errors.iter().any(|e| e.contains("connection reset")), "{errors:?}");
    assert!(matches!(state.resources["cloud_thing.a"].status, RecordStatus::Intent { .. }), "the intent record stays");
    assert_eq!(f.cloud.count(), 1, "the object was made remotely");

    let plan = f.plan(false).await;
    let c = plan.change("cloud_thing.a").unwrap();
    assert!(c.adopted, "{c:?}");
    assert_eq!(c.action, meshplan_engine::plan::Action::NoOp);
    let text = meshplan_cli::render::render_plan(&plan, &meshplan_cli::render::Style { color: false });
    assert!(text.contains("cloud_thing.a was adopted after an interrupted create"), "{text}");

    let (errors, state) = f.apply().await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(f.cloud.count(), 1, "no duplicate");
    assert_eq!(state.resources["cloud_thing.a"].status, RecordStatus::Ok);
    assert_eq!(state.resources["cloud_thing.a"].attributes["id"], f.cloud.only().get_str("id").unwrap());
    assert!(f.cloud.deletes.lock().unwrap().is_empty(), "nothing deleted");
    assert!(actionable(&f.plan(false).await).is_empty(), "re-plan is clean");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intent_whose_object_never_came_is_created_once() {
    let f = Fixture::new(ONE);
    // As if killed right after the intent record was written, before the request left.
    let (_, state) = f.apply().await;
    let mut rec = state.resources["cloud_thing.a"].clone();
    f.cloud.objects.lock().unwrap().clear();
    rec.status = RecordStatus::Intent { token: "mp-000000000000000000000000".into() };
    rec.attributes["id"] = serde_json::Value::Null;
    f.commit(vec![Commit::Put(rec)]);

    let plan = f.plan(false).await;
    assert_eq!(actionable(&plan), vec![("cloud_thing.a".to_string(), meshplan_engine::plan::Action::Create)]);
    let (errors, state) = f.apply().await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(f.cloud.count(), 1);
    assert_eq!(state.resources["cloud_thing.a"].status, RecordStatus::Ok);
    assert!(f.cloud.deletes.lock().unwrap().is_empty(), "never a delete with an unknown id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_orphaned_intent_is_destroyed_only_if_found() {
    let f = Fixture::new(
        "resource \"cloud_thing\" \"a\" {\n  name = \"a\"\n}\nresource \"cloud_thing\" \"b\" {\n  name = \"b\"\n}\n",
    );
    f.cloud.lose_response.lock().unwrap().extend(["a".to_string(), "b".to_string()]);
    let (errors, _) = f.apply().await;
    assert_eq!(errors.iter().filter(|e| e.contains("connection reset")).count(), 2, "{errors:?}");
    assert_eq!(f.cloud.count(), 2);
    // `b` never made it after all (someone cleaned up); then both leave the configuration.
    let b_id = f
        .cloud
        .objects
        .lock()
        .unwrap()
        .iter()
        .find(|(_, (_, v))| v.get_str("name") == Some("b"))
        .map(|(k, _)| k.clone())
        .unwrap();
    f.cloud.objects.lock().unwrap().remove(&b_id);
    f.config("");
    let (errors, state) = f.apply().await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(f.cloud.count(), 0, "the found object was destroyed");
    assert_eq!(
        f.cloud.deletes.lock().unwrap().len(),
        1,
        "only the found one was deleted: {:?}",
        f.cloud.deletes.lock().unwrap()
    );
    assert!(state.resources.is_empty(), "{:?}", state.resources.keys().collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_lets_in_flight_work_finish_and_starts_nothing_new() {
    let f = Fixture::new(
        r#"
resource "cloud_thing" "slow" {
  name     = "slow"
  sleep_ms = 600
}
resource "cloud_thing" "after" {
  name = "after"
  note = cloud_thing.slow.id
}
"#,
    );
    let stop = Stop::new();
    let s2 = stop.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        s2.request();
    });
    let (errors, state, interrupted) = f.apply_plan(None, stop, false).await;
    assert!(errors.iter().any(|e| e.contains("interrupted")), "{errors:?}");
    assert_eq!(interrupted, Some(1), "one change never started");
    assert_eq!(
        state.resources["cloud_thing.slow"].status,
        RecordStatus::Ok,
        "the operation in flight finished and was committed"
    );
    assert!(!state.resources.contains_key("cloud_thing.after"));
    assert_eq!(f.cloud.count(), 1);
    // The next run picks up where it stopped.
    let (errors, _) = f.apply().await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(f.cloud.count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ignore_changes_holds_at_apply() {
    let f = Fixture::new("resource \"cloud_thing\" \"a\" {\n  name = \"a\"\n  size = 1\n  note = \"first\"\n  lifecycle {\n    ignore_changes = [note]\n  }\n}\n");
    let (errors, _) = f.apply().await;
    assert!(errors.is_empty(), "{errors:?}");
    f.config("resource \"cloud_thing\" \"a\" {\n  name = \"a\"\n  size = 2\n  note = \"second\"\n  lifecycle {\n    ignore_changes = [note]\n  }\n}\n");
    let plan = f.plan(false).await;
    let c = plan.change("cloud_thing.a").unwrap();
    assert_eq!(c.action, meshplan_engine::plan::Action::Update);
    assert_eq!(c.after.as_ref().unwrap().get_str("note"), Some("first"), "the plan ignores the note");
    let (errors, state, _) = f.apply_plan(Some(plan), Stop::new(), false).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        state.resources["cloud_thing.a"].attributes["note"], "first",
        "apply must not write what the plan ignored"
    );
    assert_eq!(f.cloud.only().get_str("note"), Some("first"));
    assert_eq!(f.cloud.only().get("size").as_f64(), Some(2.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_whose_inputs_drifted_fails_before_any_change() {
    let f = Fixture::new(
        r#"
data "cloud_setting" "s" {}
resource "cloud_thing" "a" {
  name = "a"
  note = data.cloud_setting.s.value
}
"#,
    );
    *f.cloud.setting.lock().unwrap() = Value::from("blue");
    let (errors, _) = f.apply().await;
    assert!(errors.is_empty(), "{errors:?}");
    f.config("data \"cloud_setting\" \"s\" {}\nresource \"cloud_thing\" \"a\" {\n  name = \"a\"\n  note = data.cloud_setting.s.value\n  size = 5\n}\n");
    let plan = f.plan(false).await;
    assert_eq!(plan.change("cloud_thing.a").unwrap().action, meshplan_engine::plan::Action::Update);
    // The data source's answer changes between plan and apply.
    *f.cloud.setting.lock().unwrap() = Value::from("green");
    let (errors, state, _) = f.apply_plan(Some(plan), Stop::new(), false).await;
    assert!(
        errors.iter().any(|e| e.contains("produced an inconsistent final plan")
            && e.contains(".note: was \"blue\", but now \"green\"")),
        "{errors:?}"
    );
    assert!(f.cloud.updates.lock().unwrap().is_empty(), "the provider was never asked to change anything");
    assert_eq!(state.resources["cloud_thing.a"].attributes["note"], "blue");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destroy_never_evaluates_root_outputs() {
    let f = Fixture::new(
        r#"
data "cloud_setting" "s" {}
resource "cloud_thing" "a" {
  name = "a"
  note = data.cloud_setting.s.value
}
output "field" {
  value = upper(data.cloud_setting.s.extra.field)
}
"#,
    );
    *f.cloud.setting.lock().unwrap() = Value::from("blue");
    let (errors, _) = f.apply().await;
    assert!(errors.is_empty(), "{errors:?}");
    // What the output reads is gone by destroy time.
    *f.cloud.setting.lock().unwrap() = Value::Null;
    let (errors, state, _) = f.apply_plan(None, Stop::new(), true).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert!(state.resources.is_empty());
    assert!(state.outputs.is_empty());
    assert_eq!(f.cloud.count(), 0);
}

/// An intent record is made durable before the create of a type with a remote object, and
/// only then: a locally computed value is simply made again after a crash.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intents_are_written_only_for_remote_objects() {
    let f = Fixture::new(
        "resource \"cloud_thing\" \"a\" {\n  name = \"a\"\n}\nresource \"cloud_local\" \"b\" {\n  name = \"b\"\n}\n",
    );
    let plan = f.plan(false).await;
    let (ws, root, backend) = f.open();
    let snap = backend.read().unwrap();
    let recording = Arc::new(Recording { inner: backend.clone(), commits: Mutex::new(Vec::new()) });
    let run = ApplyOptions { parallelism: 4, stop: Stop::new() };
    let report =
        ops::apply(&ws, &root, &snap, &plan, recording.clone(), run, &NoHook).await.unwrap_or_else(|d| panic!("{d:?}"));
    assert!(report.diags.0.is_empty(), "{:?}", report.diags.0);
    backend.close().unwrap();
    let intents: Vec<String> = recording
        .commits
        .lock()
        .unwrap()
        .iter()
        .filter_map(|c| match c {
            Commit::Put(r) if matches!(r.status, RecordStatus::Intent { .. }) => Some(r.address.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(intents, vec!["cloud_thing.a"]);
}
