//! Scale benchmarks (`cargo bench --bench scale`): a cluster of 100 nodes running a Deployment of
//! 10,000 replicas. Plain timing loops; prints time per operation, the process's resident memory,
//! and the load average (the machine is shared, so numbers move with it).

use kubedojo::session::{ClockMode, Session};
use kubedojo::world::{ClusterSpec, World};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The system allocator, counting the bytes it holds live, so the bench can tell how much of the
/// resident size is the World's heap and how much each kind of object takes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above, for `dealloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above, for `realloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live_mb() -> f64 {
    LIVE.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0)
}

/// Heap bytes of each kind's stored objects, measured as what a deep copy of them allocates.
fn heap_by_kind(s: &Session) {
    let mut rows = Vec::new();
    let mut events = 0;
    for c in s.world.clusters.values() {
        for rt in kubedojo::cluster::schema::RESOURCES {
            // Events are stored as their fields, not trees: reading them here would build and
            // keep a tree for each. What they take is in the rest of the live heap.
            if rt.plural == "events" {
                events += c.count(rt.plural);
                continue;
            }
            let objs = c.list_all(rt.plural);
            if objs.is_empty() {
                continue;
            }
            let before = LIVE.load(Ordering::Relaxed);
            let copies: Vec<serde_json::Value> = objs.iter().map(|o| (*o).clone()).collect();
            let bytes = LIVE.load(Ordering::Relaxed).saturating_sub(before);
            drop(copies);
            rows.push((bytes, rt.plural, objs.len()));
        }
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mb = |b: usize| b as f64 / (1024.0 * 1024.0);
    for (bytes, plural, n) in rows.iter().take(8) {
        println!(
            "  {plural:<28} {n:>7} objects {:>8.1} MB heap, {:>6} B each",
            mb(*bytes),
            bytes / n.max(&1)
        );
    }
    let rest = LIVE
        .load(Ordering::Relaxed)
        .saturating_sub(rows.iter().map(|r| r.0).sum());
    println!(
        "  the rest: {events} events as fields, their recorder's caches, indexes, memo: {:.1} MB",
        mb(rest)
    );
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn bench(name: &str, iters: u32, mut f: impl FnMut()) -> Duration {
    f();
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    let per = start.elapsed() / iters;
    println!("{name:<60} {per:>12.2?} per op ({iters} runs)");
    per
}

/// The budgets of issue #3 and #4, checked against what was measured.
fn budget(what: &str, measured: f64, limit: f64, unit: &str) {
    let verdict = if measured <= limit { "ok" } else { "OVER" };
    println!("budget: {what:<52} {measured:>10.1} {unit} (limit {limit} {unit}) {verdict}");
}

fn kib(key: &str) -> f64 {
    proc_status(key)
        .trim_end_matches("kB")
        .trim()
        .parse::<f64>()
        .unwrap_or(f64::NAN)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn proc_status(key: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .map(|l| l[key.len()..].trim().to_string())
        })
        .unwrap_or_else(|| "?".into())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn big_session() -> Session {
    let mut s = Session::sandbox(ClockMode::Manual);
    let mut w = World::empty(s.world.clock.clone());
    w.add_cluster(&ClusterSpec {
        workers: (1..100).map(|i| format!("node{i:03}")).collect(),
        ..ClusterSpec::default()
    });
    w.advance(0);
    s.world = w;
    s
}

fn manifest_of(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        match i % 4 {
            0 => out.push_str(&format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-{i}\ndata:\n  key: value-{i}\n---\n"
            )),
            1 => out.push_str(&format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  selector:\n    app: app-{i}\n  ports:\n  - port: 80\n    targetPort: 8080\n---\n"
            )),
            2 => out.push_str(&format!(
                "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-{i}\n---\n"
            )),
            _ => out.push_str(&format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: app-{i}\n  template:\n    metadata:\n      labels:\n        app: app-{i}\n    spec:\n      containers:\n      - name: main\n        image: nginx:1.27\n        ports:\n        - containerPort: 8080\n---\n"
            )),
        }
    }
    out
}

fn main() {
    println!("load average at start: {}", load_average());
    let base = big_session();
    println!(
        "World with 100 nodes built; VmRSS {}",
        proc_status("VmRSS:")
    );

    let mut s = base.clone();
    let (_, first) = time(|| {
        s.run("kubectl create deployment big --image=nginx --replicas=10000");
    });
    println!(
        "{:<60} {first:>12.2?} (once)",
        "create deployment --replicas=10000 (first settle)"
    );
    let (_, t) = time(|| s.world.advance(10));
    println!(
        "{:<60} {t:>12.2?} (once)",
        "10 simulated seconds until 10,000 pods run"
    );
    let rss_10k = kib("VmRSS:") / 1024.0;
    let running = s
        .world
        .clusters
        .values()
        .map(|c| c.count("pods"))
        .sum::<usize>();
    println!(
        "pods stored: {running}; VmRSS {} VmHWM {}",
        proc_status("VmRSS:"),
        proc_status("VmHWM:")
    );
    println!("live heap {:.1} MB; by kind:", live_mb());
    heap_by_kind(&s);

    // Profiling aid: `KUBEDOJO_SCALE_LOOP="kubectl get pods -A" cargo bench --bench scale` runs that
    // command line in a loop on the settled 10,000-pod session (attach `perf record -p PID`);
    // KUBEDOJO_SCALE_RUNS sets how many times (200).
    if let Ok(line) = std::env::var("KUBEDOJO_SCALE_LOOP") {
        println!("looping {line:?} in pid {}", std::process::id());
        let runs = std::env::var("KUBEDOJO_SCALE_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(200);
        let mut last = String::new();
        bench(&line, runs, || {
            last = s.run(&line).stdout;
        });
        let head: String = last.chars().take(400).collect();
        println!("its last output ({} bytes) begins:\n{head}", last.len());
        return;
    }
    let tick = bench(
        "settle of a steady 10,000-pod cluster (one second tick)",
        10,
        || {
            s.world.advance(1);
        },
    );
    let scale = bench(
        "kubectl scale deployment big --replicas=10001 (settled)",
        5,
        || {
            let mut t = s.clone();
            t.run("kubectl scale deployment big --replicas=10001");
        },
    );
    let clone = bench("clone of the 10,000-pod session", 5, || {
        let _ = s.clone();
    });
    let get = bench("kubectl get pods -A on 10,000 pods", 5, || {
        let out = s.run("kubectl get pods -A");
        assert!(out.stdout.len() > 10_000 * 40);
    });
    bench("kubectl get pods -A -o name on 10,000 pods", 5, || {
        let _ = s.run("kubectl get pods -A -o name");
    });

    let manifest = manifest_of(200);
    let apply = bench(
        "kubectl apply -f of a 200-object manifest (fresh World)",
        5,
        || {
            let mut t = Session::sandbox(ClockMode::Manual);
            let _ = t.run(&format!("kubectl apply -f - <<EOF\n{manifest}EOF"));
        },
    );
    let fresh = bench(
        "fresh World alone (subtract from the line above)",
        5,
        || {
            let _ = Session::sandbox(ClockMode::Manual);
        },
    );
    println!(
        "VmRSS {} VmHWM {}; load average at end: {}",
        proc_status("VmRSS:"),
        proc_status("VmHWM:"),
        load_average()
    );
    // The scale step and the listing each include one command line's settle (a one-second tick);
    // the scale step also clones the session so every run starts from the same state.
    budget(
        "#3 first settle of 10,000 replicas on 100 nodes",
        ms(first),
        50.0,
        "ms",
    );
    budget(
        "#3 scale to 10,001 on a settled 10,000 (minus clone)",
        ms(scale.saturating_sub(clone)),
        50.0,
        "ms",
    );
    budget("#3 kubectl get pods -A on 10,000 pods", ms(get), 50.0, "ms");
    budget(
        "#3 apply of a 200-object manifest (minus fresh World)",
        ms(apply.saturating_sub(fresh)),
        50.0,
        "ms",
    );
    budget("#3 World of 10,000 pods resident", rss_10k, 100.0, "MB");
    budget(
        "#4 one command line on 10,000 pods (get -A)",
        ms(get),
        20.0,
        "ms",
    );
    budget(
        "#4 steady one-second tick on 10,000 pods",
        ms(tick),
        20.0,
        "ms",
    );
}
