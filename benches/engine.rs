//! Engine benchmarks (`cargo bench`): plain timing loops, numbers printed per operation.
//! Budgets live in the issues; this prints what this machine measures.

use kubedojo::session::{ClockMode, Session};
use std::time::Instant;

fn bench(name: &str, iters: u32, mut f: impl FnMut()) {
    f();
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    let per = start.elapsed() / iters;
    println!("{name:<55} {per:>12.2?} per op ({iters} runs)");
}

fn main() {
    bench("standard World (3 nodes, system pods) built", 50, || {
        let _ = Session::sandbox(ClockMode::Manual);
    });
    let base = Session::sandbox(ClockMode::Manual);
    bench(
        "kubectl create deployment --dry-run=client -o yaml",
        200,
        || {
            let mut s = base.clone();
            let _ = s.run(
                "kubectl create deployment web --image=nginx --replicas=3 --dry-run=client -o yaml",
            );
        },
    );
    bench("kubectl get pods -A (system pods)", 200, || {
        let mut s = base.clone();
        let _ = s.run("kubectl get pods -A");
    });
    bench("deployment of 100 replicas created and settled", 5, || {
        let mut s = base.clone();
        let _ = s.run("kubectl create deployment web --image=nginx --replicas=100");
        s.world.advance(10);
    });
    let mut big = base.clone();
    big.run("kubectl create deployment web --image=nginx --replicas=300");
    big.world.advance(10);
    bench("kubectl get pods on 300 pods", 20, || {
        let mut s = big.clone();
        let _ = s.run("kubectl get pods");
    });
}
