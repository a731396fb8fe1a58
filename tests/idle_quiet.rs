//! An idle runtime makes no periodic wake-ups: its workers sleep until
//! there is work (the reactor's owner in the kernel, the others on their
//! condvars), instead of each looking at the reactor every few
//! milliseconds. Counted as the voluntary context switches of the worker
//! threads, read from `/proc/self/task/*/status`, while nothing happens.
//! (Before the reactor hand-off, 4 idle workers made about 300 per second.)
//!
//! (An executable of its own, not a module of tests/suite: it counts the
//! context switches of every thread named rt-worker, the default name of every
//! other test's workers.)

use std::time::Duration;

/// Worker threads of the idle runtime.
const WORKERS: usize = 4;
/// How long the runtime sits idle while its switches are counted.
const IDLE: Duration = Duration::from_secs(1);
/// Allowed switches in that time: a handful for stray signals or the
/// kernel's own reasons, far below one per worker per 10 ms (400).
const MOST: u64 = 20;

/// The voluntary context switches of this process's threads named
/// `rt-worker`.
fn worker_switches() -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir("/proc/self/task").expect("/proc/self/task") {
        let path = entry.expect("a task").path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if name.trim() != "rt-worker" {
            continue;
        }
        let status = std::fs::read_to_string(path.join("status")).unwrap_or_default();
        total += status
            .lines()
            .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
            .and_then(|n| n.trim().parse::<u64>().ok())
            .unwrap_or(0);
    }
    total
}

#[test]
fn idle_workers_do_not_wake_up() {
    let rt = rt::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .thread_name("rt-worker")
        .build()
        .unwrap();
    // Some work first, so every worker has run and parked since.
    rt.block_on(async {
        let tasks: Vec<_> = (0..64).map(|i| rt::spawn(async move { i })).collect();
        for task in tasks {
            task.await.unwrap();
        }
        rt::time::sleep(Duration::from_millis(100)).await;
    });
    let before = worker_switches();
    std::thread::sleep(IDLE);
    let woke = worker_switches() - before;
    assert!(
        woke <= MOST,
        "{WORKERS} idle workers switched {woke} times in {IDLE:?} (at most {MOST} allowed)"
    );
}
