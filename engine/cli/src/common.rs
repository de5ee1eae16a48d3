//! What every subcommand shares: the working directory, the shell, and state access.

use crate::render::{render_diagnostics, JsonUi, Shell};
use meshplan_engine::diag::Diagnostics;
use meshplan_engine::ops::{Session, VarSource, Workspace};
use meshplan_engine::registry::Registry;
use std::path::PathBuf;
use std::time::Duration;

pub struct Ctx {
    pub dir: PathBuf,
    pub registry: Registry,
    pub shell: Shell,
    pub color: bool,
    /// Set once a command switches to machine-readable UI messages (`-json`): diagnostics
    /// are then UI messages on stdout.
    ui: std::cell::OnceCell<JsonUi>,
}

impl Ctx {
    pub fn new(dir: PathBuf, registry: Registry, color: bool) -> Self {
        let shell = Shell::new(color);
        let color = shell.style.color;
        Ctx { dir, registry, shell, color, ui: std::cell::OnceCell::new() }
    }
    /// Switches this run to machine-readable UI messages; the first call writes the first
    /// message (`version`), later calls return the same stream.
    pub fn json_ui(&self) -> JsonUi {
        self.ui
            .get_or_init(|| {
                let ui = JsonUi::new(&self.shell);
                ui.version();
                ui
            })
            .clone()
    }
    pub fn workspace(&self) -> Workspace {
        Workspace::new(&self.dir, self.registry.clone())
    }
    /// Loads the configuration and opens, locks and reads the state (`Workspace::open`),
    /// warning about a dead holder's lock taken over. On failure, diagnostics are printed and
    /// the exit code returned. `lock_timeout` None is `-lock=false`.
    pub fn open(&self, ws: &mut Workspace, operation: &str, lock_timeout: Option<Duration>) -> Result<Session, i32> {
        let session = ws.open(operation, lock_timeout).map_err(|d| self.report(ws, &d))?;
        self.warn_taken_over(&session);
        Ok(session)
    }

    /// Opens, locks and reads the state alone (`Workspace::open_state`).
    pub fn open_state(
        &self,
        ws: &mut Workspace,
        operation: &str,
        lock_timeout: Option<Duration>,
        tolerate_unreadable: bool,
    ) -> Result<Session, i32> {
        let session = ws.open_state(operation, lock_timeout, tolerate_unreadable).map_err(|d| self.report(ws, &d))?;
        self.warn_taken_over(&session);
        Ok(session)
    }

    fn warn_taken_over(&self, session: &Session) {
        if let Some(dead) = session.taken_over() {
            self.shell.err(&format!(
                "Warning: took over the state lock of {} (pid {}, `{}` since {}), which ended without releasing it.\n",
                dead.who, dead.pid, dead.operation, dead.since
            ));
        }
    }

    /// Reports a run's warnings now, or, under `-compact-warnings` (and when there are no
    /// errors), keeps them for `finish_warnings` at the end.
    pub fn warnings(&self, ws: &Workspace, diags: &Diagnostics, compact: bool, later: &mut Diagnostics) -> i32 {
        if compact && !diags.has_errors() && self.ui.get().is_none() {
            later.extend(diags.clone());
            0
        } else {
            self.report(ws, diags)
        }
    }
    /// Prints the warnings kept by `warnings` in Terraform's compact form.
    pub fn finish_warnings(&self, ws: &Workspace, later: &Diagnostics) {
        self.shell.err(&crate::render::render_compact_warnings(later, &ws.sources));
    }

    /// Prints diagnostics to stderr; returns exit code 1 when any is an error.
    pub fn report(&self, ws: &Workspace, diags: &Diagnostics) -> i32 {
        if let Some(ui) = self.ui.get() {
            ui.diagnostics(diags, &ws.sources);
        } else if !diags.is_empty() {
            self.shell.err(&render_diagnostics(diags, &ws.sources, self.color));
        }
        i32::from(diags.has_errors())
    }
}

/// Flags shared by plan, apply and destroy.
#[derive(clap::Args, Debug, Clone)]
pub struct RunFlags {
    /// Set a root variable: -var 'name=value' (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = in_order(VarSource::Arg))]
    pub var: Vec<(usize, VarSource)>,
    /// Load variables from a file (repeatable).
    #[arg(long = "var-file", value_name = "FILE", value_parser = in_order(|s| VarSource::File(PathBuf::from(s))))]
    pub var_file: Vec<(usize, VarSource)>,
    /// Limit the run to these resources and their dependencies (repeatable).
    #[arg(long = "target", value_name = "ADDRESS")]
    pub target: Vec<String>,
    /// Plan to replace this resource instance (repeatable).
    #[arg(long = "replace", value_name = "ADDRESS")]
    pub replace: Vec<String>,
    /// Whether to refresh from providers first (default true).
    #[arg(long = "refresh", value_name = "BOOL", default_value = "true", action = clap::ArgAction::Set)]
    pub refresh: bool,
    /// Operations in flight at once.
    #[arg(long = "parallelism", default_value_t = 10)]
    pub parallelism: usize,
    /// How long to wait for the state lock (e.g. 30s).
    #[arg(long = "lock-timeout", default_value = "0s", value_parser = parse_duration)]
    pub lock_timeout: Duration,
    /// Only refresh: show (plan) or record in the state (apply) what changed outside meshplan.
    #[arg(long = "refresh-only")]
    pub refresh_only: bool,
    /// Show warnings as one line each, after the run (errors still show in full).
    #[arg(long = "compact-warnings")]
    pub compact_warnings: bool,
    /// Take the state lock (default true); `-lock=false` skips it, as Terraform.
    #[arg(long = "lock", value_name = "BOOL", default_value = "true", action = clap::ArgAction::Set)]
    pub lock: bool,
    /// Ask for input (variables, approval); meshplan never prompts for variables.
    #[arg(long = "input", value_name = "BOOL", default_value = "true", action = clap::ArgAction::Set)]
    pub input: bool,
    /// Requested by the first interrupt (not a flag: set by the signal listener).
    #[arg(skip)]
    pub stop: meshplan_engine::walk::Stop,
}

impl RunFlags {
    /// -var and -var-file in their command-line order (later wins, Terraform's rule).
    pub fn var_sources(&self) -> Vec<VarSource> {
        let mut v: Vec<&(usize, VarSource)> = self.var.iter().chain(self.var_file.iter()).collect();
        v.sort_by_key(|(seq, _)| *seq);
        v.into_iter().map(|(_, s)| s.clone()).collect()
    }
    /// The lock timeout for `Ctx::open`, None under `-lock=false`.
    pub fn lock(&self) -> Option<Duration> {
        self.lock.then_some(self.lock_timeout)
    }
}

/// Clap parses the command line left to right and calls value parsers as it goes, so a
/// shared counter numbers -var and -var-file values in command-line order.
fn in_order(
    make: fn(String) -> VarSource,
) -> impl Fn(&str) -> Result<(usize, VarSource), String> + Clone + Send + Sync + 'static {
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    move |s: &str| Ok((SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst), make(s.to_string())))
}

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    // Go duration syntax (`30s`, `1m30s`), as Terraform reads -lock-timeout.
    meshplan_provider::duration::parse_duration(s)
}

/// `-lock` and `-lock-timeout` for commands without the other run flags (state, taint).
#[derive(clap::Args, Debug, Clone)]
pub struct LockFlags {
    /// Take the state lock (default true).
    #[arg(long = "lock", value_name = "BOOL", default_value = "true", action = clap::ArgAction::Set)]
    pub lock: bool,
    /// How long to wait for the state lock (e.g. 30s).
    #[arg(long = "lock-timeout", default_value = "0s", value_parser = parse_duration)]
    pub lock_timeout: Duration,
}

impl LockFlags {
    /// The lock timeout for `Ctx::open`, None under `-lock=false`.
    pub fn timeout(&self) -> Option<Duration> {
        self.lock.then_some(self.lock_timeout)
    }
}
