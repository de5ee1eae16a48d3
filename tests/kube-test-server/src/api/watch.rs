//! Watches: a streamed sequence of `{"type": ..., "object": ...}` lines, resumable from a
//! resourceVersion, with bookmarks for clients that ask (kube-runtime's watcher does).

use std::sync::Arc;
use std::time::Duration;

use hyper::body::Bytes;
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc};

use super::{table, Target};
use crate::cluster::Cluster;
use crate::error::{ApiError, ApiResult};
use crate::http::request::ApiRequest;
use crate::http::response::Reply;
use crate::store::selector::{FieldSelector, LabelSelector};
use crate::store::WatchEvent;

const BOOKMARK_EVERY: Duration = Duration::from_secs(2);

struct Filter {
    target: Target,
    all_namespaces: bool,
    labels: LabelSelector,
    fields: FieldSelector,
    bookmarks: bool,
    table: bool,
    include_object: Option<String>,
}

impl Filter {
    fn wants(&self, event: &WatchEvent) -> bool {
        let (group, plural) = self.target.kind.storage_id();
        event.key.group == group
            && event.key.resource == plural
            && (self.all_namespaces || event.key.namespace == self.target.namespace)
            && self.labels.matches(&event.object)
            && self.fields.matches(&event.object)
    }

    fn line(&self, kind: &str, object: Value) -> Bytes {
        let object = if self.table && kind != "BOOKMARK" && kind != "ERROR" {
            let revision =
                object.pointer("/metadata/resourceVersion").and_then(Value::as_str).unwrap_or("").to_string();
            table::render(&self.target.kind, &[object], &revision, self.include_object.as_deref())
        } else {
            object
        };
        let mut text = json!({"type": kind, "object": object}).to_string();
        text.push('\n');
        Bytes::from(text)
    }

    fn bookmark(&self, revision: u64, initial_events_end: bool) -> Bytes {
        let mut metadata = json!({"resourceVersion": revision.to_string()});
        if initial_events_end {
            metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        self.line(
            "BOOKMARK",
            json!({"kind": self.target.kind.kind, "apiVersion": self.target.kind.api_version(), "metadata": metadata}),
        )
    }
}

pub fn watch(cluster: &Arc<Cluster>, target: Target, req: &ApiRequest) -> ApiResult<Reply> {
    let filter = Filter {
        all_namespaces: target.namespace.is_empty(),
        labels: LabelSelector::parse(req.param("labelSelector").unwrap_or(""))?,
        fields: FieldSelector::parse(req.param("fieldSelector").unwrap_or(""))?,
        bookmarks: req.flag("allowWatchBookmarks"),
        table: req.wants_table(),
        include_object: req.param("includeObject").map(str::to_string),
        target,
    };
    let requested = match req.param("resourceVersion") {
        None | Some("0") => None,
        Some(text) => {
            Some(text.parse::<u64>().map_err(|_| ApiError::bad_request(format!("invalid resourceVersion {text:?}")))?)
        }
    };
    let send_initial = req.flag("sendInitialEvents") || requested.is_none();
    let timeout = req.param("timeoutSeconds").and_then(|t| t.parse::<u64>().ok()).map(Duration::from_secs);

    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let mut initial = Vec::new();
    let subscription = if send_initial {
        let (group, plural) = filter.target.kind.storage_id();
        let namespace = (!filter.all_namespaces).then_some(filter.target.namespace.as_str());
        let (items, revision) = cluster.store.list(&group, &plural, namespace);
        for (_, object) in items {
            if filter.labels.matches(&object) && filter.fields.matches(&object) {
                initial.push(filter.line("ADDED", filter.target.present(object)));
            }
        }
        if req.flag("sendInitialEvents") {
            initial.push(filter.bookmark(revision, true));
        }
        cluster.store.subscribe(revision)
    } else {
        cluster.store.subscribe(requested.unwrap_or(0))
    };
    let Some(subscription) = subscription else {
        // Too old: the client must re-list. Real servers say so inside the stream.
        let status = ApiError::gone(format!("too old resource version: {}", requested.unwrap_or(0))).to_status();
        let line = filter.line("ERROR", status);
        tokio::spawn(async move {
            let _ = tx.send(line).await;
        });
        return Ok(Reply::Stream(rx));
    };
    tokio::spawn(stream(filter, subscription, initial, tx, timeout));
    Ok(Reply::Stream(rx))
}

async fn stream(
    filter: Filter,
    mut subscription: crate::store::Subscription,
    initial: Vec<Bytes>,
    tx: mpsc::Sender<Bytes>,
    timeout: Option<Duration>,
) {
    let mut revision = subscription.revision;
    for line in initial {
        if tx.send(line).await.is_err() {
            return;
        }
    }
    for event in std::mem::take(&mut subscription.backlog) {
        revision = revision.max(event.revision);
        if filter.wants(&event)
            && tx.send(filter.line(event.kind.as_str(), filter.target.present(event.object.clone()))).await.is_err()
        {
            return;
        }
    }
    let deadline = tokio::time::sleep(timeout.unwrap_or(Duration::from_secs(u32::MAX as u64)));
    tokio::pin!(deadline);
    let mut bookmarks = tokio::time::interval(BOOKMARK_EVERY);
    bookmarks.tick().await;
    loop {
        let line = tokio::select! {
            _ = &mut deadline => return,
            _ = tx.closed() => return,
            _ = bookmarks.tick() => {
                if !filter.bookmarks { continue; }
                filter.bookmark(revision, false)
            }
            received = subscription.live.recv() => match received {
                Ok(event) => {
                    if event.revision <= revision { continue; }
                    revision = event.revision;
                    if !filter.wants(&event) { continue; }
                    filter.line(event.kind.as_str(), filter.target.present(event.object.clone()))
                }
                // Fell behind or server stopping: end the stream; the client resumes from
                // its last resourceVersion, which the history still covers.
                Err(broadcast::error::RecvError::Lagged(_)) | Err(broadcast::error::RecvError::Closed) => return,
            },
        };
        if tx.send(line).await.is_err() {
            return;
        }
    }
}
