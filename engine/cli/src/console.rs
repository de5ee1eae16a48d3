//! `meshplan console`: reads expressions from stdin, one a line, and prints their values as
//! Terraform does; `exit` (or the end of input) ends it.

use super::common::{Ctx, RunFlags};
use meshplan_engine::ops::console::Console;
use std::io::BufRead;

#[derive(clap::Args, Debug)]
pub struct ConsoleArgs {
    /// -var, -var-file, -lock and -lock-timeout as plan takes them.
    #[command(flatten)]
    pub flags: RunFlags,
}

pub fn run(ctx: &Ctx, a: ConsoleArgs) -> i32 {
    let mut ws = ctx.workspace();
    ws.vars = a.flags.var_sources();
    let session = match ctx.open(&mut ws, "console", a.flags.lock()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (root, snapshot) = (session.root.clone(), session.snapshot.clone());
    // The state is read: the lock is not held while waiting for input.
    session.close();
    let console = match Console::new(&ws, &root, &snapshot) {
        Ok(c) => c,
        Err(d) => return ctx.report(&ws, &d),
    };
    let mut code = 0;
    for (n, line) in std::io::stdin().lock().lines().map_while(Result::ok).enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line == "exit" {
            break;
        }
        match console.eval_line(&ws, line, n + 1) {
            Ok(v) if v.contains_sensitive() => ctx.shell.line("(sensitive value)"),
            Ok(v) => ctx.shell.line(&crate::render::output_text(&v)),
            Err(d) => code = code.max(ctx.report(&ws, &d)),
        }
    }
    code
}
