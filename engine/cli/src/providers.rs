//! `providers` (the tree of providers the configuration and state need) and
//! `providers schema -json` (the built-in providers' schemas in Terraform's format).

use super::common::Ctx;
use crate::render::render_providers;
use meshplan_engine::ops::providers::{providers, providers_schema};
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct ProvidersArgs {
    #[command(subcommand)]
    pub command: Option<ProvidersCommand>,
}

#[derive(clap::Subcommand, Debug)]
pub enum ProvidersCommand {
    /// Print the providers' schemas as JSON (Terraform's `providers schema -json` format).
    Schema(SchemaArgs),
}

#[derive(clap::Args, Debug)]
pub struct SchemaArgs {
    /// Required: the only output format, as in Terraform.
    #[arg(long = "json")]
    pub json: bool,
}

pub fn run(ctx: &Ctx, a: ProvidersArgs) -> i32 {
    match a.command {
        Some(ProvidersCommand::Schema(s)) => schema(ctx, s),
        None => tree(ctx),
    }
}

fn schema(ctx: &Ctx, a: SchemaArgs) -> i32 {
    if !a.json {
        ctx.shell.err("Error: The `meshplan providers schema` command requires the `-json` flag.\n");
        return 1;
    }
    ctx.shell.line(&providers_schema(&ctx.registry).to_string());
    0
}

fn tree(ctx: &Ctx) -> i32 {
    let mut ws = ctx.workspace();
    let root = match ws.load() {
        Ok(r) => r,
        Err(d) => return ctx.report(&ws, &d),
    };
    // A directory never applied has no state: don't create one just to list nothing.
    let snapshot = if ws.state_dir.exists() {
        match ctx.open(&mut ws, "providers", Some(Duration::from_secs(5))) {
            Ok(session) => {
                let snap = session.snapshot.clone();
                session.close();
                Some(snap)
            }
            Err(code) => return code,
        }
    } else {
        None
    };
    ctx.shell.out(&render_providers(&providers(&root, snapshot.as_ref())));
    0
}
