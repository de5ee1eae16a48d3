//! `--state-backends`: the N-resource DAG applied (then changed in one root, then destroyed)
//! with the local state, the local state encrypted (pbkdf2 at OpenTofu's 600,000 rounds +
//! aes_gcm), and `backend "s3"` against moto, plain and encrypted. Figures only.

use crate::{cmd, layered, run, Tool};
use std::path::Path;

const ENCRYPTION: &str = r#"
  encryption {
    key_provider "pbkdf2" "k" {
      passphrase = "a bench passphrase, long enough"
    }
    method "aes_gcm" "m" {
      keys = key_provider.pbkdf2.k
    }
    state {
      method = method.aes_gcm.m
    }
  }
"#;

pub fn state_backends(meshplan: &Tool, n: usize, root: &Path) {
    let emu = match meshplan_emulators::Emulators::start(&meshplan_emulators::Options::clusters(&[])) {
        Ok(e) => Some(e),
        Err(e) => {
            eprintln!("note: moto did not start ({e}); the s3 rows are skipped");
            None
        }
    };
    let s3 = |bucket: &str| -> String {
        let Some(emu) = &emu else { return String::new() };
        let _ = emu.boto3(&format!("client('s3').create_bucket(Bucket={bucket:?})\n"));
        format!(
            "  backend \"s3\" {{\n    bucket = \"{bucket}\"\n    key = \"bench.tfstate\"\n    region = \"us-east-1\"\n    use_path_style = true\n    endpoints {{\n      s3 = \"{}\"\n    }}\n  }}\n",
            emu.moto().url()
        )
    };
    let variants: Vec<(&str, String)> = vec![
        ("local", String::new()),
        ("local + encryption", ENCRYPTION.to_string()),
        ("s3 (moto)", s3("bench-plain")),
        ("s3 (moto) + encryption", s3("bench-sealed") + ENCRYPTION),
    ];
    println!("\nstate backends: {n} resources (apply / change-one-root apply / destroy, seconds)");
    let mut base = None;
    for (name, block) in variants {
        if name.starts_with("s3") && emu.is_none() {
            continue;
        }
        let dir = root.join(format!("backend-{}", name.replace([' ', '(', ')', '+'], "")));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let config = if block.is_empty() { String::new() } else { format!("terraform {{\n{block}}}\n") }
            + &layered(n, meshplan.kind, "output");
        std::fs::write(dir.join(meshplan.file), config).expect("write config");
        let env: Vec<(String, String)> = emu.as_ref().map(|e| e.env()).unwrap_or_default();
        let with_env = |args: &[&str]| {
            let mut c = cmd(meshplan, &dir, args);
            c.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            c
        };
        if name.starts_with("s3") {
            run(with_env(&["init", "-no-color"]));
        }
        let apply = run(with_env(&["apply", "-auto-approve", "-no-color"]));
        let change = run(with_env(&["apply", "-auto-approve", "-no-color", "-var", "bump=1"]));
        let destroy = run(with_env(&["destroy", "-auto-approve", "-no-color", "-var", "bump=1"]));
        let fmt = |r: &crate::Run| if r.ok { format!("{:.3}", r.secs) } else { "failed".into() };
        let ratio = match base {
            None => {
                base = Some(apply.secs);
                "1.00x".to_string()
            }
            Some(b) => format!("{:.2}x", apply.secs / f64::max(b, 1e-9)),
        };
        println!(
            "  {name:<24} apply {:>8}  change {:>8}  destroy {:>8}  (apply {ratio} of local)",
            fmt(&apply),
            fmt(&change),
            fmt(&destroy)
        );
    }
}
