//! Every spawned task hands its own output back through its `JoinHandle`,
//! at scale: 100,000 tasks, spawned from outside the workers (the injector
//! path) and from inside a task (the local-queue and stealing path).

use crate::support;

use std::time::Duration;

use rt::runtime::{Builder, Runtime};
use support::{watchdog, Counter};

/// Tasks per test.
const TASKS: u64 = 100_000;
/// Generous bound for a debug build on a loaded 2-core machine.
const LIMIT: Duration = Duration::from_secs(120);

fn runtime() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("build the runtime")
}

/// A value per task that differs from every other task's (so a handle
/// returning another task's output is caught, not just a wrong sum).
fn value(i: u64) -> u64 {
    i * 3 + 1
}

fn expected_sum() -> u64 {
    (0..TASKS).map(value).sum()
}

/// Spawn `TASKS` tasks with `spawn`, await each handle, check each output
/// and the sum; every task ran exactly once.
async fn spawn_and_join_all(spawn: impl Fn(u64, Counter) -> rt::task::JoinHandle<u64>) -> u64 {
    let ran = Counter::new();
    let handles: Vec<_> = (0..TASKS).map(|i| (i, spawn(i, ran.clone()))).collect();
    let mut sum = 0;
    for (i, handle) in handles {
        let out = handle.await.expect("the task completes");
        assert_eq!(out, value(i), "task {i} returned another task's output");
        sum += out;
    }
    assert_eq!(ran.get() as u64, TASKS, "each task runs exactly once");
    sum
}

#[test]
fn outputs_of_tasks_spawned_from_block_on_all_come_back() {
    let sum = watchdog(LIMIT, || {
        let rt = runtime();
        rt.block_on(spawn_and_join_all(|i, ran| {
            rt::spawn(async move {
                ran.incr();
                value(i)
            })
        }))
    });
    assert_eq!(sum, expected_sum());
}

#[test]
fn outputs_of_tasks_spawned_from_a_task_all_come_back() {
    let sum = watchdog(LIMIT, || {
        let rt = runtime();
        rt.block_on(async {
            // Spawned from a worker: the tasks go to its local queue and the
            // other worker steals.
            rt::spawn(spawn_and_join_all(|i, ran| {
                rt::spawn(async move {
                    ran.incr();
                    value(i)
                })
            }))
            .await
            .expect("the spawning task completes")
        })
    });
    assert_eq!(sum, expected_sum());
}
