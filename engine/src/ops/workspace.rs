//! A working directory: its configuration, its state, and the providers of this build.

use crate::config::{load_module, Module};
use crate::diag::{Diagnostic, Diagnostics, Sources};
use crate::eval::EvalEnv;
use crate::registry::Registry;
use meshplan_state::{LockGuard, LockInfo, Snapshot, StateBackend, StateError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub struct Workspace {
    /// The root module directory.
    pub dir: PathBuf,
    /// Where the state lives (`<dir>/.meshplan` unless the backend block says otherwise; a
    /// workspace other than `default` under its `workspaces/NAME`).
    pub state_dir: PathBuf,
    /// The selected workspace (see [`crate::ops::workspaces`]).
    pub name: String,
    pub sources: Sources,
    pub registry: Registry,
    /// -var / -var-file of this run (the encryption configuration may read variables).
    pub vars: Vec<crate::ops::VarSource>,
    /// How the state and plan files are encrypted (none until [`Workspace::configure_encryption`]).
    pub encryption: crate::ops::encryption::EncryptionSetup,
    /// The `backend` block (none until the configuration is loaded: the local default).
    pub backend_config: Option<crate::config::Backend>,
}

impl Workspace {
    pub fn new(dir: &Path, mut registry: Registry) -> Self {
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        // Relative `config.path`s of terraform_remote_state resolve against the root module.
        let remote_state = crate::remote_state::RemoteState { base_dir: dir.clone() };
        registry.data_sources.insert("terraform_remote_state".into(), std::sync::Arc::new(remote_state));
        let base = dir.join(".meshplan");
        let name = crate::ops::workspaces::selected(&base);
        Workspace {
            state_dir: crate::ops::workspaces::state_dir(&base, &name),
            name,
            dir,
            sources: Sources::default(),
            registry,
            vars: Vec::new(),
            encryption: Default::default(),
            backend_config: None,
        }
    }

    /// Loads and checks the configuration, and that its backend is the one `init` set up.
    pub fn load(&mut self) -> Result<Arc<Module>, Diagnostics> {
        let module = self.load_for_init()?;
        crate::ops::state_store::check_initialized(&self.dir, self.backend_config.as_ref())?;
        Ok(module)
    }

    /// [`Workspace::load`] without the backend check (`init` sets the backend up).
    pub fn load_for_init(&mut self) -> Result<Arc<Module>, Diagnostics> {
        let (module, diags) = load_module(&self.dir, &self.sources);
        if diags.has_errors() {
            return Err(diags);
        }
        self.take_backend(&module);
        Ok(Arc::new(module))
    }

    /// Takes the backend block of `module`, checked against what `init` set up.
    fn use_backend(&mut self, module: &Module) -> Result<(), Diagnostics> {
        self.take_backend(module);
        crate::ops::state_store::check_initialized(&self.dir, self.backend_config.as_ref())
    }

    /// Takes the backend block of `module`, with `init -backend-config` settings filled in.
    fn take_backend(&mut self, module: &Module) {
        let backend = crate::ops::state_store::with_saved_settings(&self.dir, module.backend.as_ref())
            .or_else(|| module.backend.clone());
        self.set_backend(backend);
    }

    /// Uses `backend` (the configuration's block, with any extra settings) for the state.
    pub fn set_backend(&mut self, backend: Option<crate::config::Backend>) {
        if let Some(p) = backend.as_ref().and_then(|b| b.path.clone()) {
            self.state_dir = crate::ops::workspaces::state_dir(&self.dir.join(p), &self.name);
        }
        self.backend_config = backend;
    }

    /// Evaluates the root module's `encryption` block (before anything else reads the state).
    pub fn configure_encryption(&mut self, root: &Module) -> Result<(), Diagnostics> {
        let env = self.env(String::new());
        if let Some(setup) = crate::ops::encryption::evaluate(root, &self.dir, &self.sources, &self.vars, &env)? {
            self.encryption = setup;
        }
        Ok(())
    }

    /// For commands that use the state without the rest of the configuration (`state`,
    /// `show`, `output`, `workspace`, `force-unlock`): the backend and encryption settings
    /// only. Configuration errors matter only when there is a `backend` or `encryption` block.
    pub fn load_state_settings(&mut self) -> Result<(), Diagnostics> {
        let (module, diags) = load_module(&self.dir, &self.sources);
        if module.encryption.is_none() && module.backend.is_none() {
            return crate::ops::state_store::check_initialized(&self.dir, None);
        }
        if diags.has_errors() {
            return Err(diags);
        }
        self.use_backend(&module)?;
        if module.encryption.is_none() {
            return Ok(());
        }
        self.configure_encryption(&module)
    }

    pub fn env(&self, plan_timestamp: String) -> EvalEnv {
        EvalEnv {
            root_dir: self.dir.clone(),
            plan_timestamp,
            functions: Arc::new(self.registry.functions.clone()),
            workspace: self.name.clone(),
            timestamp_known: false,
        }
    }

    /// Where this directory's states live (the backend block, once loaded).
    pub fn store(&self) -> Result<crate::ops::state_store::StateStore, Diagnostics> {
        crate::ops::state_store::StateStore::from_config(&self.dir, self.backend_config.as_ref())
    }

    /// The selected workspace's state.
    pub fn backend(&self) -> Result<Arc<dyn StateBackend>, Diagnostics> {
        self.store()?.backend(&self.name, &self.encryption.state)
    }

    /// Takes the state lock for `operation`, waiting up to `timeout`.
    pub fn lock(
        &self,
        backend: &dyn StateBackend,
        operation: &str,
        timeout: Duration,
    ) -> Result<LockGuard, Diagnostics> {
        backend.lock(LockInfo::for_this_process(operation), timeout).map_err(|e| state_diag(e).into())
    }

    pub fn read_state(&self, backend: &dyn StateBackend) -> Result<Snapshot, Diagnostics> {
        backend.read().map_err(|e| state_diag(e).into())
    }
}

pub fn state_diag(e: StateError) -> Diagnostic {
    let hint = match &e {
        StateError::Locked(i) | StateError::LockedByDeadProcess(i) => {
            Some(format!("wait for it to finish, or if it is gone: meshplan force-unlock {}", i.id))
        }
        StateError::Cipher(meshplan_state::CipherError::WrongKey(_)) => Some("check the passphrase (and the variable it comes from); during a key rotation, configure the old key as the `fallback` method".into()),
        StateError::Cipher(_) => Some("see `terraform { encryption { state { ... } } }` in the README's Encryption section".into()),
        StateError::Corrupt { .. } => Some("the state was not changed; restore .meshplan/ from a backup or inspect it with `meshplan state list`".into()),
        _ => None,
    };
    Diagnostic::error("state error").detail(e.to_string()).maybe_hint(hint)
}

/// Now, RFC 3339 UTC.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// Now, RFC 3339 UTC with microseconds (the machine-readable UI's `@timestamp`).
pub fn now_rfc3339_micros() -> String {
    humantime::format_rfc3339_micros(std::time::SystemTime::now()).to_string()
}
