//! Coalesces concurrent reads of one kind into one API call.
//!
//! During a refresh the engine reads many objects of a type at once; EC2's Describe*
//! calls take many IDs. The first read of a kind opens a batch and waits a moment for
//! others to join, then one call answers them all. If the batched call fails, each
//! reader falls back to its own call, so errors keep their resource address.

use crate::error::AwsError;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// How long the first reader waits for others to join its batch.
const WINDOW: Duration = Duration::from_millis(5);
/// EC2 takes at most 200 filter values; stay well below.
const MAX_BATCH: usize = 100;

type Outcome<T> = Option<Option<Arc<HashMap<String, T>>>>;

struct Batch<T> {
    ids: Vec<String>,
    done: watch::Receiver<Outcome<T>>,
}

pub struct Coalescer<T> {
    open: Mutex<Option<Batch<T>>>,
}

impl<T> Default for Coalescer<T> {
    fn default() -> Self {
        Coalescer { open: Mutex::new(None) }
    }
}

impl<T: Clone + Send + Sync + 'static> Coalescer<T> {
    /// The object with `id`, fetched together with concurrent requests for others.
    /// `fetch` returns the objects found among the IDs it is given (missing ones omitted).
    pub async fn get<F, Fut>(&self, id: &str, fetch: F) -> Result<Option<T>, AwsError>
    where
        F: Fn(Vec<String>) -> Fut,
        Fut: Future<Output = Result<Vec<(String, T)>, AwsError>>,
    {
        let (mut done, leader) = {
            let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
            match open.as_mut().filter(|b| b.ids.len() < MAX_BATCH) {
                Some(batch) => {
                    batch.ids.push(id.to_string());
                    (batch.done.clone(), None)
                }
                None => {
                    let (tx, rx) = watch::channel(None);
                    *open = Some(Batch { ids: vec![id.to_string()], done: rx.clone() });
                    (rx, Some(tx))
                }
            }
        };
        if let Some(tx) = leader {
            tokio::time::sleep(WINDOW).await;
            let ids = {
                let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
                open.take().map(|b| b.ids).unwrap_or_else(|| vec![id.to_string()])
            };
            let result = fetch(ids).await;
            let shared = result.as_ref().ok().map(|found| Arc::new(found.iter().cloned().collect::<HashMap<_, _>>()));
            let _ = tx.send(Some(shared.clone()));
            return match shared {
                Some(found) => Ok(found.get(id).cloned()),
                None => result.map(|_| None),
            };
        }
        let outcome = done.wait_for(Option::is_some).await.ok().and_then(|o| o.clone()).flatten();
        match outcome {
            Some(found) => Ok(found.get(id).cloned()),
            None => Ok(fetch(vec![id.to_string()]).await?.into_iter().find(|(k, _)| k == id).map(|(_, v)| v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_gets_share_one_fetch() {
        let coalescer = Arc::new(Coalescer::<String>::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let mut tasks = vec![];
        for i in 0..8 {
            let (c, calls) = (coalescer.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                c.get(&format!("id-{i}"), |ids| {
                    calls.fetch_add(1, Ordering::SeqCst);
                    async move {
                        Ok(ids.into_iter().filter(|i| i != "id-3").map(|i| (i.clone(), format!("v-{i}"))).collect())
                    }
                })
                .await
            }));
        }
        for (i, t) in tasks.into_iter().enumerate() {
            let got = t.await.unwrap().unwrap();
            assert_eq!(got, (i != 3).then(|| format!("v-id-{i}")));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
