//! tokio's `benches/rt_multi_threaded.rs` workloads, each written once and
//! run on rt, tokio and smol's async-executor with the same worker count.
//!
//! One criterion group per workload, one function per runtime, so the
//! report reads `spawn_many_local/rt`, `spawn_many_local/tokio`, … Counts
//! are tokio's; the worker count is [`common::WORKERS`] (tokio uses 4).
//! Completion is signalled with std's `mpsc`, as in tokio's bench; the
//! message-passing workload uses [`common::oneshot`] on every runtime.
//!
//! ```text
//! cargo bench --bench rt_multi_threaded
//! cargo bench --bench rt_multi_threaded -- ping_pong    # one workload
//! ```

mod common;

use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};

use common::{chained_spawn_once, ping_pong_once, BenchRuntime, Group, Smol, WORKERS};

/// Tasks per iteration of the `spawn_many_*` workloads (tokio's figure).
const NUM_SPAWN: usize = 10_000;
/// Tasks per iteration of `spawn_many_remote_busy2` (tokio's figure).
const NUM_SPAWN_BUSY2: usize = 1_000;
/// How long a busy task burns CPU between yields or spawns (tokio's 10 µs).
const STALL_DUR: Duration = Duration::from_micros(10);
/// `yield_many`: tasks, and yields each (tokio's figures).
const YIELD_TASKS: usize = 200;
const NUM_YIELD: usize = 1_000;
/// `ping_pong`: round trips per iteration (tokio's figure).
const NUM_PINGS: usize = 1_000;
/// `chained_spawn`: length of the chain (tokio's figure).
const CHAIN_LEN: usize = 1_000;

/// Criterion settings: the whole bench (7 workloads × 3 runtimes) runs in
/// about two minutes on 2 cores. Flat sampling: the slowest workloads take
/// milliseconds per iteration, too long for criterion's linear ramp.
const SAMPLE_SIZE: usize = 30;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASUREMENT: Duration = Duration::from_secs(3);

/// Run `workload` on each runtime, in one group named `name`. Each runtime
/// is built and dropped inside the workload, so at most one runs at a time.
macro_rules! compare {
    ($c:expr_2021, $name:literal, $workload:ident) => {{
        let mut group = $c.benchmark_group($name);
        group.sampling_mode(SamplingMode::Flat);
        $workload::<rt::Runtime>(&mut group);
        $workload::<tokio::runtime::Runtime>(&mut group);
        $workload::<Smol>(&mut group);
        group.finish();
    }};
}

/// 10,000 empty tasks spawned from `block_on` (outside the workers); the
/// last one to run signals completion.
fn spawn_many_local<R: BenchRuntime>(group: &mut Group<'_>) {
    let rt = R::new(WORKERS);
    let (tx, rx) = mpsc::sync_channel(1000);
    let rem = Arc::new(AtomicUsize::new(0));
    group.bench_function(R::NAME, |b| {
        b.iter(|| {
            rem.store(NUM_SPAWN, Relaxed);
            rt.block_on(async {
                for _ in 0..NUM_SPAWN {
                    let tx = tx.clone();
                    let rem = rem.clone();
                    drop(R::spawn_current(async move {
                        if 1 == rem.fetch_sub(1, Relaxed) {
                            tx.send(()).unwrap();
                        }
                    }));
                }
                rx.recv().unwrap();
            });
        })
    });
}

/// The measured step of the remote-spawn workloads: `n` empty tasks
/// spawned from the bench thread, then joined in `block_on`. `handles`
/// keeps its capacity from one iteration to the next.
fn spawn_remote_and_join<R: BenchRuntime>(rt: &R, handles: &mut Vec<R::JoinHandle<()>>, n: usize) {
    for _ in 0..n {
        handles.push(rt.spawn(async {}));
    }
    rt.block_on(async {
        for handle in handles.drain(..) {
            handle.await;
        }
    });
}

/// 10,000 empty tasks spawned through the runtime from the bench thread
/// while the workers are idle, then joined.
fn spawn_many_remote_idle<R: BenchRuntime>(group: &mut Group<'_>) {
    let rt = R::new(WORKERS);
    let mut handles = Vec::with_capacity(NUM_SPAWN);
    group.bench_function(R::NAME, |b| {
        b.iter(|| spawn_remote_and_join(&rt, &mut handles, NUM_SPAWN))
    });
}

/// As `spawn_many_remote_idle`, while `2 × WORKERS` tasks keep every worker
/// busy, each alternating a yield and a 10 µs stall. Yielding is a lower
/// priority than a remote spawn.
fn spawn_many_remote_busy1<R: BenchRuntime>(group: &mut Group<'_>) {
    let rt = R::new(WORKERS);
    let mut handles = Vec::with_capacity(NUM_SPAWN);
    let flag = Arc::new(AtomicBool::new(true));
    for _ in 0..2 * WORKERS {
        let flag = flag.clone();
        drop(rt.spawn(async move {
            while flag.load(Relaxed) {
                R::yield_now().await;
                stall();
            }
        }));
    }
    group.bench_function(R::NAME, |b| {
        b.iter(|| spawn_remote_and_join(&rt, &mut handles, NUM_SPAWN))
    });
    flag.store(false, Relaxed);
}

/// 1,000 remote spawns while `WORKERS` chains of tasks keep the workers
/// busy, each link stalling 10 µs and spawning the next. Spawning is a
/// higher priority than yielding.
fn spawn_many_remote_busy2<R: BenchRuntime>(group: &mut Group<'_>) {
    fn busy_chain<R: BenchRuntime>(flag: Arc<AtomicBool>) {
        drop(R::spawn_current(async move {
            if flag.load(Relaxed) {
                stall();
                busy_chain::<R>(flag);
            }
        }));
    }

    let rt = R::new(WORKERS);
    let mut handles = Vec::with_capacity(NUM_SPAWN_BUSY2);
    let flag = Arc::new(AtomicBool::new(true));
    for _ in 0..WORKERS {
        let flag = flag.clone();
        drop(rt.spawn(async move { busy_chain::<R>(flag) }));
    }
    group.bench_function(R::NAME, |b| {
        b.iter(|| spawn_remote_and_join(&rt, &mut handles, NUM_SPAWN_BUSY2))
    });
    flag.store(false, Relaxed);
}

/// 200 tasks spawned from the bench thread, each yielding 1,000 times.
fn yield_many<R: BenchRuntime>(group: &mut Group<'_>) {
    let rt = R::new(WORKERS);
    let (tx, rx) = mpsc::sync_channel(YIELD_TASKS);
    group.bench_function(R::NAME, |b| {
        b.iter(|| {
            for _ in 0..YIELD_TASKS {
                let tx = tx.clone();
                drop(rt.spawn(async move {
                    for _ in 0..NUM_YIELD {
                        R::yield_now().await;
                    }
                    tx.send(()).unwrap();
                }));
            }
            for _ in 0..YIELD_TASKS {
                rx.recv().unwrap();
            }
        })
    });
}

/// 1,000 rounds, each a task that spawns a partner, sends it a oneshot
/// message and awaits the answer on another: 2,001 spawns and 2,000
/// cross-task wakes per iteration.
fn ping_pong<R: BenchRuntime>(group: &mut Group<'_>) {
    let rt = R::new(WORKERS);
    let (done_tx, done_rx) = mpsc::sync_channel(1000);
    let rem = Arc::new(AtomicUsize::new(0));
    group.bench_function(R::NAME, |b| {
        b.iter(|| ping_pong_once(&rt, NUM_PINGS, (&done_tx, &done_rx), &rem))
    });
}

/// A chain of 1,000 tasks, each spawning the next from its worker.
fn chained_spawn<R: BenchRuntime>(group: &mut Group<'_>) {
    let rt = R::new(WORKERS);
    let (done_tx, done_rx) = mpsc::sync_channel(1000);
    group.bench_function(R::NAME, |b| {
        b.iter(|| chained_spawn_once(&rt, CHAIN_LEN, (&done_tx, &done_rx)))
    });
}

/// Burn `STALL_DUR` of CPU, yielding the thread to the OS in between.
fn stall() {
    let now = Instant::now();
    while now.elapsed() < STALL_DUR {
        std::thread::yield_now();
    }
}

fn rt_multi_threaded(c: &mut Criterion) {
    compare!(c, "spawn_many_local", spawn_many_local);
    compare!(c, "spawn_many_remote_idle", spawn_many_remote_idle);
    compare!(c, "spawn_many_remote_busy1", spawn_many_remote_busy1);
    compare!(c, "spawn_many_remote_busy2", spawn_many_remote_busy2);
    compare!(c, "yield_many", yield_many);
    compare!(c, "ping_pong", ping_pong);
    compare!(c, "chained_spawn", chained_spawn);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(SAMPLE_SIZE)
        .warm_up_time(WARM_UP)
        .measurement_time(MEASUREMENT);
    targets = rt_multi_threaded
}
criterion_main!(benches);
