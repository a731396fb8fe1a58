//! Work from outside the workers is not starved by local work: on a single
//! worker kept busy forever by a task that re-spawns itself (or loops on
//! `yield_now`), a task spawned — or woken — from another thread still runs
//! within a bound, because every `global_queue_interval`-th tick the worker
//! takes from the injector first.

use crate::support;

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use rt::runtime::{Builder, Handle, Runtime};
use rt::task::yield_now;
use support::{channel, wait_until, watchdog, Counter};

/// How long a task from another thread may wait for the busy worker.
const BOUND: Duration = Duration::from_secs(1);
/// Tasks sent from another thread, one after the other, per test.
const REMOTE: usize = 20;
/// Hog iterations to see before sending: the hog is surely running.
const WARM_UP: usize = 1_000;
/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, Debug)]
enum Hog {
    /// Each generation spawns the next onto the worker's queue and exits.
    SpawnChain,
    /// One task loops on `yield_now` forever.
    YieldLoop,
}

fn one_worker(interval: Option<u32>) -> Runtime {
    let mut b = Builder::new_multi_thread();
    b.worker_threads(1);
    if let Some(n) = interval {
        b.global_queue_interval(n);
    }
    b.build().expect("build the runtime")
}

/// One generation of the spawn chain: count, spawn the next, exit.
fn generation(gens: Counter, stop: Arc<AtomicBool>) {
    if stop.load(SeqCst) {
        return;
    }
    gens.incr();
    drop(rt::spawn(async move { generation(gens, stop) }));
}

/// Start `hog` on the runtime's only worker and wait until it is running.
fn start_hog(rt: &Runtime, hog: Hog, gens: &Counter, stop: &Arc<AtomicBool>) {
    let (gens2, stop2) = (gens.clone(), stop.clone());
    drop(rt.spawn(async move {
        match hog {
            Hog::SpawnChain => generation(gens2, stop2),
            Hog::YieldLoop => {
                while !stop2.load(SeqCst) {
                    gens2.incr();
                    yield_now().await;
                }
            }
        }
    }));
    assert!(
        wait_until(Duration::from_secs(10), || gens.get() >= WARM_UP),
        "the hog never got going"
    );
}

/// The hog is still running (it advances after `since`).
fn assert_hog_alive(gens: &Counter, hog: Hog) {
    let since = gens.get();
    assert!(
        wait_until(Duration::from_secs(10), || gens.get() > since),
        "{hog:?} stopped running: the test no longer shows fairness"
    );
}

/// From a plain thread, spawn `REMOTE` tasks through the handle, one after
/// the other; each must run within `BOUND`. Returns the slowest latency.
fn remote_spawns_are_served(handle: Handle) -> Duration {
    std::thread::spawn(move || {
        let mut slowest = Duration::ZERO;
        for i in 0..REMOTE {
            let (tx, rx) = mpsc::channel();
            let start = Instant::now();
            drop(handle.spawn(async move { tx.send(i).unwrap() }));
            match rx.recv_timeout(BOUND) {
                Ok(got) => assert_eq!(got, i),
                Err(_) => panic!("remote task {i} did not run within {BOUND:?}"),
            }
            slowest = slowest.max(start.elapsed());
        }
        slowest
    })
    .join()
    .expect("every remote task ran in time")
}

fn check_remote_spawn(hog: Hog, interval: Option<u32>) {
    watchdog(LIMIT, move || {
        let rt = one_worker(interval);
        let (gens, stop) = (Counter::new(), Arc::new(AtomicBool::new(false)));
        start_hog(&rt, hog, &gens, &stop);
        let slowest = remote_spawns_are_served(rt.handle().clone());
        assert!(slowest < BOUND);
        assert_hog_alive(&gens, hog);
        stop.store(true, SeqCst);
    });
}

fn check_remote_wake(hog: Hog, interval: Option<u32>) {
    watchdog(LIMIT, move || {
        let rt = one_worker(interval);
        // A task parked on a channel before the hog starts; another thread
        // wakes it, which queues it on the injector.
        let (wake_tx, mut wake_rx) = channel::<usize>();
        let (done_tx, done_rx) = mpsc::channel();
        drop(rt.spawn(async move {
            while let Some(i) = wake_rx.recv().await {
                done_tx.send(i).unwrap();
            }
        }));
        let (gens, stop) = (Counter::new(), Arc::new(AtomicBool::new(false)));
        start_hog(&rt, hog, &gens, &stop);
        std::thread::spawn(move || {
            for i in 0..REMOTE {
                wake_tx.send(i);
                match done_rx.recv_timeout(BOUND) {
                    Ok(got) => assert_eq!(got, i),
                    Err(_) => {
                        panic!("the task woken from outside ({i}) did not run within {BOUND:?}")
                    }
                }
            }
        })
        .join()
        .expect("every remote wake was served in time");
        assert_hog_alive(&gens, hog);
        stop.store(true, SeqCst);
    });
}

#[test]
fn remote_spawn_runs_despite_a_self_respawning_task() {
    check_remote_spawn(Hog::SpawnChain, None);
}

#[test]
fn remote_spawn_runs_despite_a_yield_loop() {
    check_remote_spawn(Hog::YieldLoop, None);
}

#[test]
fn remote_spawn_runs_despite_a_self_respawning_task_with_interval_61() {
    check_remote_spawn(Hog::SpawnChain, Some(61));
}

#[test]
fn remote_spawn_runs_despite_a_yield_loop_with_interval_61() {
    check_remote_spawn(Hog::YieldLoop, Some(61));
}

#[test]
fn remote_wake_runs_despite_a_self_respawning_task() {
    check_remote_wake(Hog::SpawnChain, None);
}

#[test]
fn remote_wake_runs_despite_a_yield_loop() {
    check_remote_wake(Hog::YieldLoop, None);
}
