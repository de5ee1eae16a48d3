//! A counting semaphore that hands free permits to the highest-priority waiter, so the
//! operations on the critical path start first when `-parallelism` is the bottleneck.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

pub struct PriorityPermits {
    inner: Mutex<Inner>,
}

struct Inner {
    available: usize,
    seq: u64,
    waiters: BinaryHeap<Waiter>,
}

struct Waiter {
    priority: u64,
    seq: u64,
    wake: oneshot::Sender<()>,
}

impl PartialEq for Waiter {
    fn eq(&self, o: &Self) -> bool {
        self.priority == o.priority && self.seq == o.seq
    }
}
impl Eq for Waiter {}
impl PartialOrd for Waiter {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Waiter {
    /// Higher priority first; among equals, first come first served.
    fn cmp(&self, o: &Self) -> Ordering {
        self.priority.cmp(&o.priority).then(o.seq.cmp(&self.seq))
    }
}

/// Returns its permit when dropped.
pub struct Permit {
    permits: Arc<PriorityPermits>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.permits.release();
    }
}

impl PriorityPermits {
    pub fn new(n: usize) -> Arc<Self> {
        Arc::new(PriorityPermits {
            inner: Mutex::new(Inner { available: n.max(1), seq: 0, waiters: BinaryHeap::new() }),
        })
    }

    pub async fn acquire(self: &Arc<Self>, priority: u64) -> Permit {
        let rx = {
            let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            if g.available > 0 && g.waiters.is_empty() {
                g.available -= 1;
                return Permit { permits: self.clone() };
            }
            let (tx, rx) = oneshot::channel();
            g.seq += 1;
            let seq = g.seq;
            g.waiters.push(Waiter { priority, seq, wake: tx });
            rx
        };
        // The sender is only dropped after sending (see release), so this cannot fail;
        // if it ever did, proceeding is safer than deadlocking.
        let _ = rx.await;
        Permit { permits: self.clone() }
    }

    fn release(&self) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(w) = g.waiters.pop() {
            // A waiter whose future was dropped no longer wants the permit.
            if w.wake.send(()).is_ok() {
                return;
            }
        }
        g.available += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn highest_priority_waiter_goes_first() {
        let p = PriorityPermits::new(1);
        let held = p.acquire(0).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for prio in [1u64, 5, 3] {
            let (p, order) = (p.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = p.acquire(prio).await;
                order.lock().unwrap().push(prio);
            }));
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        drop(held);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![5, 3, 1]);
    }
}
