//! Group commit: changes from concurrent operations are committed together, one atomic,
//! durable write per batch, instead of one fsync per change. Each caller still waits until
//! its own change is durable before going on.

use meshplan_state::{Commit, StateBackend, StateError};
use std::sync::mpsc;
use std::sync::Arc;
use tokio::sync::oneshot;

type Request = (Vec<Commit>, oneshot::Sender<Result<(), String>>);

pub struct Committer {
    tx: Option<mpsc::Sender<Request>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Committer {
    pub fn start(backend: Arc<dyn StateBackend>) -> Self {
        let (tx, rx) = mpsc::channel::<Request>();
        let thread = std::thread::spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut batch = vec![first];
                while let Ok(more) = rx.try_recv() {
                    batch.push(more);
                }
                let all: Vec<Commit> = batch.iter().flat_map(|(c, _)| c.clone()).collect();
                match backend.commit(all) {
                    Ok(_) => batch.into_iter().for_each(|(_, done)| {
                        let _ = done.send(Ok(()));
                    }),
                    // One bad change must not fail its neighbours: retry them one by one.
                    Err(_) => batch.into_iter().for_each(|(c, done)| {
                        let _ = done.send(backend.commit(c).map(|_| ()).map_err(|e: StateError| e.to_string()));
                    }),
                }
            }
        });
        Committer { tx: Some(tx), thread: Some(thread) }
    }

    /// Commits `changes`, returning once they are durable.
    pub async fn commit(&self, changes: Vec<Commit>) -> Result<(), String> {
        let (done, wait) = oneshot::channel();
        self.tx
            .as_ref()
            .ok_or("the state writer has stopped")?
            .send((changes, done))
            .map_err(|_| "the state writer has stopped".to_string())?;
        wait.await.map_err(|_| "the state writer has stopped".to_string())?
    }
}

impl Drop for Committer {
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
