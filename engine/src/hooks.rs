//! Events a walk reports as it goes; the renderer implements [`Hook`] to show progress.
//! Below both: the walk emits, render shows, and neither imports the other.

use crate::plan::Action;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Event<'a> {
    Refreshing {
        address: &'a str,
    },
    Reading {
        address: &'a str,
    },
    ApplyStart {
        address: &'a str,
        action: Action,
        /// The existing object's id (updates and deletes), shown as `[id=...]`.
        id: Option<&'a str>,
    },
    ApplyDone {
        address: &'a str,
        action: Action,
        elapsed: Duration,
        id: Option<&'a str>,
    },
    ApplyFailed {
        address: &'a str,
        action: Action,
        elapsed: Duration,
    },
    /// A deferred provider was configured during apply and its resources re-planned.
    ProviderConfigured {
        provider: &'a str,
        deferred: bool,
    },
    ProvisionerOutput {
        address: &'a str,
        line: &'a str,
    },
    /// A provider's word on a long operation ("waiting for EKS cluster to become ACTIVE: CREATING").
    Progress {
        address: &'a str,
        message: &'a str,
    },
}

pub trait Hook: Send + Sync {
    fn event(&self, e: Event<'_>);
}

/// Discards events (tests, `validate`).
pub struct NoHook;
impl Hook for NoHook {
    fn event(&self, _: Event<'_>) {}
}
