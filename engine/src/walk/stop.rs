//! A graceful stop (the first Ctrl-C / SIGTERM): the walk starts nothing new, lets the
//! operations in flight finish for a grace period, commits, and returns. Creates are safe to
//! abandon after that: their intent records are durable, so the next run adopts whatever
//! the provider had made.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How long operations already in flight may run on after a stop was requested.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(30);

#[derive(Clone, Debug, Default)]
pub struct Stop {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    requested: AtomicBool,
    notify: Notify,
}

impl Stop {
    pub fn new() -> Self {
        Stop::default()
    }
    /// Asks the walk to stop: nothing new starts from now on.
    pub fn request(&self) {
        self.inner.requested.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }
    pub fn requested(&self) -> bool {
        self.inner.requested.load(Ordering::SeqCst)
    }
    /// Resolves once a stop has been requested.
    pub async fn wait(&self) {
        loop {
            let notified = self.inner.notify.notified();
            if self.requested() {
                return;
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn wait_returns_once_requested() {
        let stop = Stop::new();
        assert!(!stop.requested());
        let s2 = stop.clone();
        let waiter = tokio::spawn(async move { s2.wait().await });
        tokio::task::yield_now().await;
        stop.request();
        tokio::time::timeout(Duration::from_secs(5), waiter).await.expect("wait() returned").unwrap();
        assert!(stop.requested());
        // Already requested: returns at once.
        tokio::time::timeout(Duration::from_secs(1), stop.wait()).await.unwrap();
    }
}
