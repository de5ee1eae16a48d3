//! Times RSA key generation (the slow part of `tls_private_key`); run with
//! `cargo run --release -p meshplan-provider-tls --example keygen_timing`.

use meshplan_provider_tls::keys::{generate, KeyAlgorithm};
use std::time::Instant;

fn main() {
    for (bits, rounds) in [(2048u32, 5u32), (4096, 3)] {
        let mut times = Vec::new();
        for _ in 0..rounds {
            let start = Instant::now();
            if let Err(e) = generate(&KeyAlgorithm::Rsa { bits }) {
                eprintln!("RSA {bits}: {e}");
                return;
            }
            times.push(start.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        println!(
            "RSA {bits}: {rounds} keys, min {:.3}s, mean {mean:.3}s, max {:.3}s",
            times[0],
            times[times.len() - 1]
        );
    }
}
