//! Whole-process benchmark: `kubedojo sh -c` running the exam's most common generator against the
//! real `/usr/bin/kubectl` doing the same client-side, N runs each. Prints the mean and best wall
//! time and the peak RSS of each (getrusage RUSAGE_CHILDREN's ru_maxrss is the maximum over every
//! child reaped so far, so kubedojo runs first and its figure is read before kubectl starts).
//!
//! `cargo bench --bench process` (N from KUBEDOJO_BENCH_RUNS, default 20). Target: kubedojo at
//! least 15x faster than kubectl and under 15 MB peak.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LINE: &str =
    "kubectl create deployment web --image=nginx --replicas=3 --dry-run=client -o yaml";

fn max_rss_kib() -> i64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    if rc == 0 {
        u.ru_maxrss
    } else {
        -1
    }
}

fn time_runs(n: usize, mut cmd: impl FnMut() -> Command) -> Option<(Duration, Duration)> {
    let mut total = Duration::ZERO;
    let mut best = Duration::MAX;
    for _ in 0..n {
        let start = Instant::now();
        let out = cmd()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .ok()?;
        let took = start.elapsed();
        if !out.status.success() {
            eprintln!("run failed: {}", String::from_utf8_lossy(&out.stderr));
            return None;
        }
        total += took;
        best = best.min(took);
    }
    Some((total / n.max(1) as u32, best))
}

fn main() {
    let n: usize = std::env::var("KUBEDOJO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let ours = env!("CARGO_BIN_EXE_kubedojo");
    let Some((mean, best)) = time_runs(n, || {
        let mut c = Command::new(ours);
        c.args(["sh", "-c", LINE]);
        c
    }) else {
        eprintln!("kubedojo sh -c failed");
        return;
    };
    let our_rss = max_rss_kib();
    println!(
        "kubedojo sh -c: mean {mean:?}, best {best:?}, peak RSS {:.1} MB ({n} runs)",
        our_rss as f64 / 1024.0
    );
    if !std::path::Path::new("/usr/bin/kubectl").exists() {
        println!("/usr/bin/kubectl not found: no comparison");
        return;
    }
    let args: Vec<&str> = LINE.split_whitespace().skip(1).collect();
    let Some((kmean, kbest)) = time_runs(n, || {
        let mut c = Command::new("/usr/bin/kubectl");
        c.args(&args);
        c
    }) else {
        eprintln!("/usr/bin/kubectl failed");
        return;
    };
    let k_rss = max_rss_kib();
    println!(
        "kubectl:        mean {kmean:?}, best {kbest:?}, peak RSS {:.1} MB",
        k_rss as f64 / 1024.0
    );
    let speed_up = kmean.as_secs_f64() / mean.as_secs_f64().max(1e-9);
    println!(
        "speed-up: {speed_up:.1}x mean, {:.1}x best",
        kbest.as_secs_f64() / best.as_secs_f64().max(1e-9)
    );
    let verdict = |ok: bool| if ok { "ok" } else { "OVER" };
    println!(
        "budget: #4 at least 15x faster than kubectl: {speed_up:.1}x {}",
        verdict(speed_up >= 15.0)
    );
    println!(
        "budget: #4 peak RSS under 15 MB: {:.1} MB {}",
        our_rss as f64 / 1024.0,
        verdict((our_rss as f64 / 1024.0) < 15.0)
    );
}
