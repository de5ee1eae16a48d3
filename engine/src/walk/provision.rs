//! `provisioner "local-exec"`: run a command after create (or before destroy).

use super::expand::InstanceCtx;
use super::resource::NodeCtx;
use super::{Event, Walker};
use crate::config::Provisioner;
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::eval;
use crate::graph::Node;
use meshplan_provider::Value;

impl Walker<'_> {
    pub(crate) async fn run_create_provisioners(
        &self,
        nc: &NodeCtx<'_>,
        c: &InstanceCtx,
        addr: &str,
        state: &Value,
    ) -> Result<(), Diagnostics> {
        let ps: Vec<&Provisioner> = nc.res.provisioners.iter().filter(|p| !p.when_destroy).collect();
        self.run_provisioners(&nc.path, Some(c), &c.module, &ps, addr, state).await
    }

    /// `when = destroy` provisioners of an instance about to be deleted, when its resource
    /// block is still in the configuration (its only source, as in Terraform).
    pub(crate) async fn run_destroy_provisioners(
        &self,
        addr: &str,
        type_name: &str,
        before: &Option<Value>,
    ) -> Result<(), Diagnostics> {
        let cfg = crate::graph::config_address(addr);
        let Some(ni) = self.resource_by_config.get(&cfg).copied() else { return Ok(()) };
        let Node::Resource { module, key } = self.graph.node(ni).clone() else { return Ok(()) };
        if key.type_name != type_name {
            return Ok(());
        }
        let res = &self.module(&module).resources[&key];
        let ps: Vec<&Provisioner> = res.provisioners.iter().filter(|p| p.when_destroy).collect();
        if ps.is_empty() {
            return Ok(());
        }
        let mi = self.module_instances(&module).into_iter().next().unwrap_or_default();
        let state = before.clone().unwrap_or(Value::Null);
        self.run_provisioners(&module, None, &mi, &ps, addr, &state).await
    }

    async fn run_provisioners(
        &self,
        path: &crate::graph::ModulePath,
        c: Option<&InstanceCtx>,
        mi: &crate::graph::ModuleInstanceAddr,
        ps: &[&Provisioner],
        addr: &str,
        state: &Value,
    ) -> Result<(), Diagnostics> {
        for p in ps {
            let lookup = self.lookup(path, mi);
            let mut scope = self.scope(&lookup, path, c);
            scope.self_value = Some(state.clone());
            let cmd = eval(&p.command.inner, p.command.file, &scope)?;
            let env = match &p.environment {
                Some(e) => eval(&e.inner, e.file, &scope)?,
                None => Value::Null,
            };
            let sensitive = cmd.contains_sensitive() || env.contains_sensitive();
            let Some(cmd) = cmd.unmarked().as_str().map(str::to_string) else {
                return Err(Diagnostic::error(format!("{addr}: local-exec `command` must be a string"))
                    .at(p.command.span())
                    .into());
            };
            let mut command = tokio::process::Command::new("sh");
            command.arg("-c").arg(&cmd).current_dir(&self.module(path).dir);
            if let Some(m) = env.unmarked().as_object() {
                for (k, v) in m {
                    if let Some(s) = v.as_str() {
                        command.env(k, s);
                    }
                }
            }
            let out = command
                .output()
                .await
                .map_err(|e| Diagnostic::error(format!("{addr}: local-exec could not start")).detail(e.to_string()))?;
            // Output that may carry secrets is suppressed, as Terraform does.
            let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
            for line in text.lines() {
                let line = if sensitive { "(output suppressed due to sensitive value in config)" } else { line };
                self.hook.event(Event::ProvisionerOutput { address: addr, line });
                if sensitive {
                    break;
                }
            }
            if !out.status.success() {
                return Err(Diagnostic::error(format!("{addr}: local-exec provisioner failed ({})", out.status))
                    .at(p.span.clone())
                    .hint("the object was created and is marked tainted; it will be replaced on the next apply")
                    .into());
            }
        }
        Ok(())
    }
}
