//! Mutation fuzzing of the configuration path through the real binary: 100 configurations
//! derived from the local examples and the malformed corpus by deterministic byte-level
//! mutations (cut, duplicate, splice in tokens, huge numbers, stray bytes) are each run
//! through `validate` and `plan`. Every run must end on its own within the time limit, by a
//! normal exit (0, 1 or 2): never a panic, an abort, a signal or a hang.
//!
//! `FUZZ_CASES=N` runs more cases; a failure prints the seed and the configuration.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_meshplan");
const LIMIT: Duration = Duration::from_secs(60);

/// Fragments spliced in: syntax that opens or closes constructs, meta-arguments with extreme
/// values, references to things that do not exist, and text that is not ASCII.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "${",
    "%{",
    "}}",
    "=",
    "==",
    "?",
    ":",
    ",",
    ".",
    "..",
    "...",
    "*",
    "[*]",
    "<<EOT\n",
    "\nEOT\n",
    "#",
    "/*",
    "*/",
    "//",
    "\\",
    "\n",
    "null",
    "true",
    "-",
    "!",
    "=>",
    "for x in",
    "count = 1e308\n",
    "count = -1\n",
    "count = 18446744073709551616\n",
    "for_each = { a = 1 }\n",
    "for_each = 7\n",
    "depends_on = [nope.x]\n",
    "lifecycle { ignore_changes = all }\n",
    "1e308",
    "-1e308",
    "0x",
    "9999999999999999999999",
    "var.",
    "local.",
    "each.key",
    "count.index",
    "self",
    "module.",
    "data.",
    "ß",
    "🦀",
    "\u{202e}",
    "\t",
    "resource \"meshplan_data\" \"z\" {\n",
    "variable \"v\" {\n",
    "output \"o\" { value = ",
    "locals {\n",
    "range(1e9)",
    "format(\"%999999999d\", 1)",
    "cidrsubnet(\"10.0.0.0/8\", 200, 1)",
    "jsondecode(\"[[[[[[\")",
    "templatefile(\"/nonexistent\", {})",
    "tolist(toset([1,2,3]))[9]",
    "element([], 0)",
    "split(\"\", \"\")",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic per seed, enough to spread mutations.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let root: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", ".."].iter().collect();
    let mut out = vec![
        std::fs::read(root.join("examples/hello/main.mp.hcl")).unwrap(),
        std::fs::read(root.join("examples/pki/main.mp.hcl")).unwrap(),
    ];
    let mut malformed: Vec<_> = std::fs::read_dir(root.join("engine/cli/tests/malformed"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "hcl"))
        .collect();
    malformed.sort();
    out.extend(malformed.iter().map(|p| std::fs::read(p).unwrap()));
    out
}

/// One to four mutations of a seed.
fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut text = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(text.len() + 1);
        match rng.below(6) {
            0 => {
                let end = (at + 1 + rng.below(40)).min(text.len());
                text.drain(at.min(end)..end);
            }
            1 => {
                let end = (at + 1 + rng.below(80)).min(text.len());
                let piece = text[at.min(end)..end].to_vec();
                text.splice(end..end, piece);
            }
            2 => {
                // Cut at a random place: an unterminated configuration.
                text.truncate(at);
            }
            3 => {
                let byte = [0u8, 0xff, 0xc3, b'\r', 0x7f][rng.below(5)];
                text.insert(at, byte);
            }
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                text.splice(at..at, token.iter().copied());
            }
        }
    }
    text
}

/// Runs the binary with a time limit; `Err` says why the run was not a normal exit.
fn run(dir: &Path, args: &[&str]) -> Result<i32, String> {
    let mut child = Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("hung for more than {LIMIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    match status.code() {
        Some(code @ 0..=2) if !text.contains("panicked") => Ok(code),
        Some(code) => Err(format!("exit {code}:\n{text}")),
        None => Err(format!("killed by a signal ({status}):\n{text}")),
    }
}

#[test]
fn mutated_configurations_never_panic_crash_or_hang() {
    let cases: usize = std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let seeds = seeds();
    let mut rng = Rng(0x6d65_7368_706c_616e);
    let mut failures = Vec::new();
    let mut codes = [0usize; 3];
    for case in 0..cases {
        let seed = &seeds[rng.below(seeds.len())];
        let config = mutate(seed, &mut rng);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.mp.hcl"), &config).unwrap();
        for args in [&["validate", "-no-color"][..], &["plan", "-no-color", "-input=false"][..]] {
            match run(dir.path(), args) {
                Ok(code) => codes[code as usize] += 1,
                Err(why) => failures.push(format!(
                    "case {case} `meshplan {}`: {why}\n--- configuration ---\n{}",
                    args.join(" "),
                    String::from_utf8_lossy(&config)
                )),
            }
        }
    }
    eprintln!("{cases} mutated configurations: exit 0: {}, exit 1: {}, exit 2: {}", codes[0], codes[1], codes[2]);
    assert!(
        failures.is_empty(),
        "{} of {} runs ended abnormally:\n{}",
        failures.len(),
        cases * 2,
        failures.join("\n\n")
    );
    // A fuzzer whose mutations never break anything tests nothing.
    assert!(codes[1] > cases / 4, "too few mutations were rejected: {codes:?}");
}
