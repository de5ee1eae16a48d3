//! Creating, replacing and deleting objects. Every write, whatever its verb, goes through
//! `prepare_create`/`prepare_update` (identity, status rules, validation, admission,
//! generation, managedFields) and then `commit` (the store's atomic read-modify-write).

use std::sync::Arc;

use serde_json::{json, Value};

use super::admission::{self, Change};
use super::objects::{desired_state_changed, finalizers, generation, meta, meta_str, new_uid, set_meta};
use super::validation;
use super::Target;
use crate::cluster::Cluster;
use crate::error::{ApiError, ApiResult, Subject};
use crate::http::request::ApiRequest;
use crate::http::response::Reply;
use crate::kinds::KindInfo;
use crate::shape::Shape;
use crate::ssa::{self, Scope, Writer};
use crate::store::{ObjectKey, Write};

/// How a write was asked for.
pub struct WriteOptions {
    pub manager: String,
    pub dry_run: bool,
    pub strict: bool,
    pub now: String,
}

impl WriteOptions {
    pub fn from_request(req: &ApiRequest) -> Self {
        WriteOptions {
            manager: req.field_manager(),
            dry_run: req.dry_run(),
            strict: req.param("fieldValidation") == Some("Strict"),
            now: crate::time::now_rfc3339(),
        }
    }

    pub fn internal(manager: &str) -> Self {
        WriteOptions { manager: manager.to_string(), dry_run: false, strict: false, now: crate::time::now_rfc3339() }
    }

    pub fn writer<'a>(&'a self, kind: &'a KindInfo, scope: Scope, api_version: &'a str) -> Writer<'a> {
        Writer {
            manager: &self.manager,
            api_version,
            scope,
            shape: Shape::root(kind.custom, kind.schema.as_ref()),
            now: &self.now,
        }
    }
}

pub fn main_scope(kind: &KindInfo) -> Scope {
    Scope::Main { status_separate: kind.status_subresource }
}

fn subject(kind: &KindInfo, name: &str) -> Subject {
    Subject::new(&kind.group, &kind.plural, name)
}

/// Checks the body's apiVersion/kind against the URL's.
pub fn check_type(kind: &KindInfo, object: &Value) -> ApiResult<()> {
    let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let object_kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    if !api_version.is_empty() && api_version != kind.api_version() {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({api_version}) does not match the expected API version ({})",
            kind.api_version()
        )));
    }
    if !object_kind.is_empty() && object_kind != kind.kind {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({object_kind}) does not match the expected kind ({})",
            kind.kind
        )));
    }
    Ok(())
}

pub fn ensure_namespace(cluster: &Cluster, kind: &KindInfo, namespace: &str) -> ApiResult<()> {
    if kind.namespaced && cluster.store.get(&ObjectKey::new("", "namespaces", "", namespace)).is_none() {
        return Err(ApiError::not_found(Subject::new("", "namespaces", namespace)));
    }
    Ok(())
}

/// Stamps a new object. `record` adds an Update managedFields entry (apply records its own).
pub fn prepare_create(
    cluster: &Cluster,
    kind: &KindInfo,
    namespace: &str,
    mut object: Value,
    opts: &WriteOptions,
    record: bool,
) -> ApiResult<Value> {
    object["apiVersion"] = json!(kind.api_version());
    object["kind"] = json!(kind.kind);
    if let Some(meta) = super::objects::meta_mut(&mut object) {
        for field in [
            "resourceVersion",
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
            "selfLink",
        ] {
            meta.remove(field);
        }
        if record {
            meta.remove("managedFields");
        }
        if kind.namespaced {
            meta.insert("namespace".to_string(), json!(namespace));
        } else {
            meta.remove("namespace");
        }
    }
    if kind.status_subresource {
        if let Some(map) = object.as_object_mut() {
            map.remove("status");
        }
    }
    validation::check_fields(kind, &mut object, opts.strict)?;
    let causes = validation::check_metadata(kind, &object);
    let name = meta_str(&object, "name").unwrap_or("").to_string();
    if !causes.is_empty() {
        return Err(ApiError::invalid(&kind.kind, subject(kind, &name), causes));
    }
    admission::admit(cluster, kind, None, &mut object)?;
    set_meta(&mut object, "uid", json!(new_uid()));
    set_meta(&mut object, "creationTimestamp", json!(opts.now));
    set_meta(&mut object, "generation", json!(1));
    if record {
        let api_version = kind.api_version();
        ssa::record_update(None, &mut object, &opts.writer(kind, main_scope(kind), &api_version));
    }
    Ok(object)
}

/// Turns a new version of `old` into what is stored.
pub fn prepare_update(
    cluster: &Cluster,
    kind: &KindInfo,
    old: &Value,
    new: Value,
    scope: Scope,
    opts: &WriteOptions,
    record: bool,
) -> ApiResult<Value> {
    let mut new = match scope {
        Scope::Status => {
            let mut merged = old.clone();
            merged["status"] = new.get("status").cloned().unwrap_or(Value::Null);
            if let Some(managed) = meta(&new, "managedFields").filter(|_| !record) {
                set_meta(&mut merged, "managedFields", managed.clone());
            }
            merged
        }
        Scope::Main { status_separate } => {
            let mut new = new;
            if status_separate {
                if let Some(map) = new.as_object_mut() {
                    match old.get("status") {
                        Some(status) => map.insert("status".to_string(), status.clone()),
                        None => map.remove("status"),
                    };
                }
            }
            new
        }
    };
    new["apiVersion"] = json!(kind.api_version());
    new["kind"] = json!(kind.kind);
    let mut carried = vec![
        "name",
        "namespace",
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "generation",
        "resourceVersion",
    ];
    if record {
        carried.push("managedFields");
    }
    if let Some(meta) = super::objects::meta_mut(&mut new) {
        for field in carried {
            match old.get("metadata").and_then(|m| m.get(field)) {
                Some(value) => meta.insert(field.to_string(), value.clone()),
                None => meta.remove(field),
            };
        }
    }
    validation::check_fields(kind, &mut new, opts.strict)?;
    let causes = validation::check_metadata(kind, &new);
    if !causes.is_empty() {
        let name = meta_str(&new, "name").unwrap_or("").to_string();
        return Err(ApiError::invalid(&kind.kind, subject(kind, &name), causes));
    }
    admission::admit(cluster, kind, Some(old), &mut new)?;
    if desired_state_changed(old, &new) {
        set_meta(&mut new, "generation", json!(generation(old) + 1));
    }
    if record {
        let api_version = kind.api_version();
        ssa::record_update(Some(old), &mut new, &opts.writer(kind, scope, &api_version));
    }
    Ok(new)
}

/// Store `new` as the next version of `old`: unchanged → no write (no new resourceVersion);
/// being deleted with its last finalizer gone → removed.
pub fn put_or_delete(old: &Value, new: Value) -> Write {
    if meta(&new, "deletionTimestamp").is_some() && finalizers(&new) == 0 {
        return Write::Delete;
    }
    if same_ignoring_times(old, &new) {
        return Write::Keep;
    }
    Write::Put(new)
}

fn same_ignoring_times(old: &Value, new: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(Value::Array(entries)) = v.pointer_mut("/metadata/managedFields") {
            for entry in entries.iter_mut().filter_map(Value::as_object_mut) {
                entry.remove("time");
            }
        }
        v
    };
    strip(old) == strip(new)
}

/// Runs a write decision against the store, or (dry run) against a copy.
pub fn commit(
    cluster: &Cluster,
    key: &ObjectKey,
    dry_run: bool,
    decide: impl FnOnce(Option<&Value>) -> ApiResult<Write>,
) -> ApiResult<(Option<Value>, Option<Change>)> {
    if dry_run {
        let current = cluster.store.get(key);
        return Ok(match decide(current.as_ref())? {
            Write::Put(v) => (Some(v), None),
            Write::Delete | Write::Keep => (current, None),
        });
    }
    let mut change = None;
    let stored = cluster.store.write(key, |current| {
        let existed = current.is_some();
        let write = decide(current)?;
        change = match &write {
            Write::Put(_) if existed => Some(Change::Updated),
            Write::Put(_) => Some(Change::Created),
            Write::Delete => Some(Change::Deleted),
            Write::Keep => None,
        };
        Ok(write)
    })?;
    Ok((stored, change))
}

pub fn finish(cluster: &Arc<Cluster>, kind: &KindInfo, change: Option<Change>, object: &Value) {
    if let Some(change) = change {
        admission::after_commit(cluster, kind, change, object);
    }
}

/// Creates an object on the server's own behalf (bootstrap, controllers).
pub fn create_internal(cluster: &Arc<Cluster>, kind: &KindInfo, namespace: &str, object: Value) -> ApiResult<Value> {
    let opts = WriteOptions::internal("kube-test-server");
    let name = meta_str(&object, "name").unwrap_or("").to_string();
    let prepared = prepare_create(cluster, kind, namespace, object, &opts, true)?;
    let key = ObjectKey::new(&kind.group, &kind.plural, if kind.namespaced { namespace } else { "" }, &name);
    let (stored, change) = commit(cluster, &key, false, |current| match current {
        Some(_) => Err(ApiError::already_exists(subject(kind, &name))),
        None => Ok(Write::Put(prepared)),
    })?;
    let stored = stored.ok_or_else(|| ApiError::internal("create stored nothing"))?;
    finish(cluster, kind, change, &stored);
    Ok(stored)
}

pub fn create(cluster: &Arc<Cluster>, target: &Target, req: &ApiRequest) -> ApiResult<Reply> {
    let kind = &target.kind;
    let mut object = req.object()?;
    check_type(kind, &object)?;
    if let Some(ns) = meta_str(&object, "namespace").filter(|ns| kind.namespaced && !ns.is_empty()) {
        if ns != target.namespace {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
    }
    ensure_namespace(cluster, kind, &target.namespace)?;
    if meta_str(&object, "name").is_none_or(str::is_empty) {
        if let Some(prefix) = meta_str(&object, "generateName").map(str::to_string) {
            let suffix: String = new_uid().chars().filter(char::is_ascii_alphanumeric).take(5).collect();
            set_meta(&mut object, "name", json!(format!("{prefix}{suffix}")));
        }
    }
    let name = meta_str(&object, "name").unwrap_or("").to_string();
    let opts = WriteOptions::from_request(req);
    let prepared = prepare_create(cluster, kind, &target.namespace, object, &opts, true)?;
    let (stored, change) = commit(cluster, &target.key(&name), opts.dry_run, |current| match current {
        Some(_) => Err(ApiError::already_exists(subject(kind, &name))),
        None => Ok(Write::Put(prepared)),
    })?;
    let stored = stored.ok_or_else(|| ApiError::internal("create stored nothing"))?;
    finish(cluster, kind, change, &stored);
    Ok(Reply::created(stored))
}

pub fn update(cluster: &Arc<Cluster>, target: &Target, name: &str, scope: Scope, req: &ApiRequest) -> ApiResult<Reply> {
    let kind = &target.kind;
    let object = req.object()?;
    check_type(kind, &object)?;
    if meta_str(&object, "name").is_some_and(|n| n != name) {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({}) does not match the name on the URL ({name})",
            meta_str(&object, "name").unwrap_or("")
        )));
    }
    let opts = WriteOptions::from_request(req);
    let wanted_version = meta_str(&object, "resourceVersion").filter(|v| !v.is_empty()).map(str::to_string);
    let (stored, change) = commit(cluster, &target.key(name), opts.dry_run, |current| {
        let old = current.ok_or_else(|| ApiError::not_found(subject(kind, name)))?;
        if wanted_version.as_deref().is_some_and(|v| Some(v) != meta_str(old, "resourceVersion")) {
            return Err(ApiError::conflict(subject(kind, name)));
        }
        let new = prepare_update(cluster, kind, old, object, scope, &opts, true)?;
        Ok(put_or_delete(old, new))
    })?;
    let stored = stored.ok_or_else(|| ApiError::not_found(subject(kind, name)))?;
    finish(cluster, kind, change, &stored);
    Ok(Reply::ok(stored))
}

pub fn delete(cluster: &Arc<Cluster>, target: &Target, name: &str, req: &ApiRequest) -> ApiResult<Reply> {
    let kind = &target.kind;
    // DeleteOptions are optional; an unreadable body is the client's error.
    let options: Value = if req.body.is_empty() { json!({}) } else { req.object()? };
    let precondition =
        |field: &str| options.pointer(&format!("/preconditions/{field}")).and_then(Value::as_str).map(str::to_string);
    let (want_uid, want_version) = (precondition("uid"), precondition("resourceVersion"));
    let dry_run =
        req.dry_run() || options.get("dryRun").and_then(Value::as_array).is_some_and(|d| d.iter().any(|v| v == "All"));
    let now = crate::time::now_rfc3339();
    let (stored, change) = commit(cluster, &target.key(name), dry_run, |current| {
        let old = current.ok_or_else(|| ApiError::not_found(subject(kind, name)))?;
        if want_uid.as_deref().is_some_and(|u| Some(u) != meta_str(old, "uid"))
            || want_version.as_deref().is_some_and(|v| Some(v) != meta_str(old, "resourceVersion"))
        {
            return Err(ApiError::conflict(subject(kind, name)));
        }
        if finalizers(old) == 0 {
            return Ok(Write::Delete);
        }
        if meta(old, "deletionTimestamp").is_some() {
            return Ok(Write::Keep);
        }
        let mut marked = old.clone();
        set_meta(&mut marked, "deletionTimestamp", json!(now));
        set_meta(&mut marked, "deletionGracePeriodSeconds", json!(0));
        set_meta(&mut marked, "generation", json!(generation(old) + 1));
        Ok(Write::Put(marked))
    })?;
    let stored = stored.ok_or_else(|| ApiError::not_found(subject(kind, name)))?;
    finish(cluster, kind, change, &stored);
    Ok(Reply::ok(stored))
}

pub fn delete_collection(cluster: &Arc<Cluster>, target: &Target, req: &ApiRequest) -> ApiResult<Reply> {
    let kind = &target.kind;
    let labels = crate::store::selector::LabelSelector::parse(req.param("labelSelector").unwrap_or(""))?;
    let fields = crate::store::selector::FieldSelector::parse(req.param("fieldSelector").unwrap_or(""))?;
    let (group, plural) = kind.storage_id();
    let namespace = kind.namespaced.then_some(target.namespace.as_str()).filter(|ns| !ns.is_empty());
    let (items, _) = cluster.store.list(&group, &plural, namespace);
    let mut deleted = Vec::new();
    for (key, object) in items {
        if !labels.matches(&object) || !fields.matches(&object) {
            continue;
        }
        let item_target = Target { kind: target.kind.clone(), namespace: key.namespace.clone() };
        if let Ok(Reply::Json(_, value)) = delete(cluster, &item_target, &key.name, req) {
            deleted.push(value);
        }
    }
    Ok(Reply::ok(
        json!({"kind": format!("{}List", kind.kind), "apiVersion": kind.api_version(), "metadata": {}, "items": deleted}),
    ))
}
