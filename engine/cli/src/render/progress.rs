//! Apply progress, Terraform style: `x: Creating...`, `Still creating... [10s elapsed]`,
//! `Creation complete after 2s [id=...]`; or the same events as machine-readable UI
//! messages ([`JsonUi`]) under `-json`.

use super::{JsonUi, Shell};
use meshplan_engine::hooks::{Event, Hook};
use meshplan_engine::plan::Action;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Progress {
    shell: Shell,
    running: Arc<Mutex<HashMap<String, (Action, Instant)>>>,
    /// The latest provider message per running operation.
    notes: Arc<Mutex<HashMap<String, String>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    /// Print refresh lines (plan) or not (apply, where refresh already happened).
    pub show_refresh: bool,
    /// Set under `-json`: every event is a UI message.
    json: Option<JsonUi>,
}

fn verbs(a: Action) -> (&'static str, &'static str, &'static str) {
    match a {
        Action::Delete => ("Destroying...", "Still destroying...", "Destruction complete"),
        Action::Update => ("Modifying...", "Still modifying...", "Modifications complete"),
        Action::Read => ("Reading...", "Still reading...", "Read complete"),
        _ => ("Creating...", "Still creating...", "Creation complete"),
    }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

impl Progress {
    /// Starts the ticker that reports long-running operations every 10 seconds.
    pub fn start(shell: &Shell, show_refresh: bool) -> Self {
        Self::spawn(shell, show_refresh, None)
    }
    /// The same, writing machine-readable UI messages.
    pub fn start_json(ui: &JsonUi, shell: &Shell, show_refresh: bool) -> Self {
        Self::spawn(shell, show_refresh, Some(ui.clone()))
    }

    fn spawn(shell: &Shell, show_refresh: bool, json: Option<JsonUi>) -> Self {
        let shell = shell.clone();
        let running: Arc<Mutex<HashMap<String, (Action, Instant)>>> = Arc::default();
        let notes: Arc<Mutex<HashMap<String, String>>> = Arc::default();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (r, s, n, sh, ui) = (running.clone(), stop.clone(), notes.clone(), shell.clone(), json.clone());
        std::thread::spawn(move || {
            let mut last = Instant::now();
            while !s.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(250));
                if last.elapsed() < Duration::from_secs(10) {
                    continue;
                }
                last = Instant::now();
                let now: Vec<(String, Action, Duration)> = r
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .iter()
                    .map(|(k, (a, t))| (k.clone(), *a, t.elapsed()))
                    .collect();
                let notes = n.lock().unwrap_or_else(|e| e.into_inner()).clone();
                for (addr, a, el) in now {
                    if let (Some(ui), true) = (&ui, el >= Duration::from_secs(10)) {
                        ui.apply_progress(&addr, a, el);
                    } else if el >= Duration::from_secs(10) {
                        let note = notes.get(&addr).map(|m| format!(" ({m})")).unwrap_or_default();
                        sh.line(&format!("{addr}: {} [{} elapsed]{note}", verbs(a).1, secs(el)));
                    }
                }
            }
        });
        Progress { shell, running, notes, stop, show_refresh, json }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Progress {
    fn json_event(&self, ui: &JsonUi, e: Event<'_>) {
        match e {
            Event::Refreshing { address } if self.show_refresh => ui.refresh_start(address),
            Event::Reading { address } if self.show_refresh => ui.apply_start(address, Action::Read, None),
            Event::Refreshing { .. } | Event::Reading { .. } | Event::Progress { .. } => {}
            Event::ApplyStart { address, action, id } => ui.apply_start(address, action, id),
            Event::ApplyDone { address, action, elapsed, id } => ui.apply_complete(address, action, elapsed, id),
            Event::ApplyFailed { address, action, elapsed } => ui.apply_errored(address, action, elapsed),
            Event::ProviderConfigured { provider, .. } => {
                ui.log("info", &format!("{provider}: configured during apply; planning its deferred resources"))
            }
            Event::ProvisionerOutput { address, line } => ui.provision_progress(address, line),
        }
    }
}

impl Hook for Progress {
    fn event(&self, e: Event<'_>) {
        // The ticker's bookkeeping is the same in both forms.
        match &e {
            Event::ApplyStart { address, action, .. } => {
                let started = (*action, Instant::now());
                self.running.lock().unwrap_or_else(|e| e.into_inner()).insert(address.to_string(), started);
            }
            Event::ApplyDone { address, .. } | Event::ApplyFailed { address, .. } => {
                self.running.lock().unwrap_or_else(|e| e.into_inner()).remove(*address);
                self.notes.lock().unwrap_or_else(|e| e.into_inner()).remove(*address);
            }
            Event::Progress { address, message } => {
                self.notes.lock().unwrap_or_else(|e| e.into_inner()).insert(address.to_string(), message.to_string());
            }
            _ => {}
        }
        if let Some(ui) = &self.json {
            return self.json_event(ui, e);
        }
        match e {
            Event::Refreshing { address } if self.show_refresh => {
                self.shell.line(&format!("{address}: Refreshing state..."))
            }
            Event::Reading { address } if self.show_refresh => self.shell.line(&format!("{address}: Reading...")),
            Event::Refreshing { .. } | Event::Reading { .. } => {}
            Event::ApplyStart { address, action, id } => {
                let id = id.map(|i| format!(" [id={i}]")).unwrap_or_default();
                self.shell.line(&format!("{address}: {}{id}", verbs(action).0))
            }
            Event::ApplyDone { address, action, elapsed, id } => {
                let id = id.map(|i| format!(" [id={i}]")).unwrap_or_default();
                self.shell.line(&format!("{address}: {} after {}{id}", verbs(action).2, secs(elapsed)));
            }
            Event::ApplyFailed { .. } | Event::Progress { .. } => {}
            Event::ProviderConfigured { provider, .. } => {
                self.shell.line(&format!("{provider}: configured during apply; planning its deferred resources"));
            }
            Event::ProvisionerOutput { address, line } => self.shell.line(&format!("{address} (local-exec): {line}")),
        }
    }
}
