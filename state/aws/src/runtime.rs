//! A runtime of the backend's own: the state traits are synchronous, and callers run both on
//! plain threads (the group-commit writer) and inside the engine's tokio runtime, where
//! `block_on` would panic. Futures are spawned here and waited for on a std channel.

use meshplan_state::StateError;
use std::future::Future;

pub(crate) struct Runtime {
    rt: Option<tokio::runtime::Runtime>,
}

impl Runtime {
    pub(crate) fn new() -> Result<Self, StateError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("meshplan-s3")
            .enable_all()
            .build()
            .map_err(|e| StateError::Io(format!("cannot start the S3 client's runtime: {e}")))?;
        Ok(Runtime { rt: Some(rt) })
    }

    /// Runs `fut` to completion on this runtime, blocking the calling thread.
    pub(crate) fn run<F>(&self, fut: F) -> Result<F::Output, StateError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let rt = self.rt.as_ref().ok_or_else(|| StateError::Io("the S3 client has stopped".into()))?;
        let (tx, rx) = std::sync::mpsc::channel();
        rt.spawn(async move {
            let _ = tx.send(fut.await);
        });
        rx.recv().map_err(|_| StateError::Io("the S3 request was abandoned".into()))
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // Dropping a runtime inside another one's context panics; this never blocks.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}
