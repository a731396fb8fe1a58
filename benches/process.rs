//! Spawning processes and waiting for them, on rt and on tokio with the
//! same worker count (issue 13: "spawning `true` 1,000 times").
//!
//! One criterion group, one function per runtime:
//! `process_spawn_wait/rt`, `process_spawn_wait/tokio`. One iteration
//! spawns [`SPAWNS`] `true` processes one after the other, each awaited
//! (`Command::new("true").status()`: fork/exec, then the exit observed
//! through the runtime's pidfd or SIGCHLD path) before the next: 1,000 per
//! iteration, as the issue asks, so criterion's time per iteration is the
//! time of 1,000 spawns. Timed inside a task on the runtime
//! (`iter_custom`), so `block_on`'s hand-off is not measured. The task is
//! spawned through the runtime's own handle (`Runtime::spawn`): the bench
//! thread is outside any runtime.
//!
//! ```text
//! cargo bench --bench process
//! ```

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};

/// Worker threads of both runtimes (the machine has 2 cores).
const WORKERS: usize = 2;
/// Processes spawned and awaited per iteration.
const SPAWNS: u64 = 1_000;
/// Flat sampling: an iteration takes about a second.
const SAMPLE_SIZE: usize = 10;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASURE: Duration = Duration::from_secs(15);

fn spawn_wait(c: &mut Criterion) {
    let mut group = c.benchmark_group("process_spawn_wait");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(SAMPLE_SIZE)
        .warm_up_time(WARM_UP)
        .measurement_time(MEASURE);

    let rt_runtime = rt::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .build()
        .unwrap();
    group.bench_function("rt", |b| {
        b.iter_custom(|iters| {
            rt_runtime
                .block_on(rt_runtime.spawn(async move {
                    let start = Instant::now();
                    for _ in 0..iters * SPAWNS {
                        let status = rt::process::Command::new("true").status().await;
                        assert!(status.unwrap().success());
                    }
                    start.elapsed()
                }))
                .unwrap()
        })
    });

    let tokio_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .unwrap();
    group.bench_function("tokio", |b| {
        b.iter_custom(|iters| {
            tokio_runtime
                .block_on(tokio_runtime.spawn(async move {
                    let start = Instant::now();
                    for _ in 0..iters * SPAWNS {
                        let status = tokio::process::Command::new("true").status().await;
                        assert!(status.unwrap().success());
                    }
                    start.elapsed()
                }))
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, spawn_wait);
criterion_main!(benches);
