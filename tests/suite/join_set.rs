//! `JoinSet` collects the outputs of the tasks spawned into it as they
//! finish, tracks how many it holds, cancels them on `abort_all`, and
//! aborts whatever it still holds when dropped.

use crate::support;

use std::future::pending;
use std::time::Duration;

use rt::runtime::{Builder, Runtime};
use rt::task::{yield_now, JoinSet};
use support::{channel, wait_until, watchdog, Counted, Counter};

/// Tasks per set.
const TASKS: usize = 1_000;
/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(30);

fn runtime() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("build the runtime")
}

#[test]
fn join_next_returns_every_output_and_len_counts_down() {
    watchdog(LIMIT, || {
        let rt = runtime();
        rt.block_on(async {
            let mut set = JoinSet::new();
            assert!(set.is_empty());
            for i in 0..TASKS {
                set.spawn(async move {
                    if i % 2 == 0 {
                        yield_now().await;
                    }
                    i
                });
            }
            assert_eq!(set.len(), TASKS);
            let mut seen = vec![false; TASKS];
            for left in (0..TASKS).rev() {
                let i = set
                    .join_next()
                    .await
                    .expect("the set is not empty yet")
                    .expect("the task completes");
                assert!(!seen[i], "output {i} returned twice");
                seen[i] = true;
                assert_eq!(set.len(), left);
            }
            assert!(seen.iter().all(|s| *s), "every output came back");
            assert!(set.is_empty());
            assert!(set.join_next().await.is_none(), "an empty set yields None");
        });
    });
}

#[test]
fn join_next_returns_outputs_in_the_order_tasks_finish() {
    watchdog(LIMIT, || {
        let rt = runtime();
        rt.block_on(async {
            let (go_tx, mut go_rx) = channel::<()>();
            let mut set = JoinSet::new();
            set.spawn(async move {
                go_rx.recv().await;
                "slow"
            });
            set.spawn(async { "fast" });
            assert_eq!(set.join_next().await.unwrap().unwrap(), "fast");
            go_tx.send(());
            assert_eq!(set.join_next().await.unwrap().unwrap(), "slow");
        });
    });
}

#[test]
fn spawn_on_a_handle_from_outside_the_runtime() {
    watchdog(LIMIT, || {
        let rt = runtime();
        let mut set = JoinSet::new();
        for i in 0..TASKS {
            set.spawn_on(async move { i }, rt.handle());
        }
        let sum = rt.block_on(async {
            let mut sum = 0;
            while let Some(r) = set.join_next().await {
                sum += r.unwrap();
            }
            sum
        });
        assert_eq!(sum, TASKS * (TASKS - 1) / 2);
    });
}

#[test]
fn abort_all_gives_cancelled_results_and_drops_the_futures() {
    watchdog(LIMIT, || {
        let rt = runtime();
        let (polls, drops) = (Counter::new(), Counter::new());
        let mut set = JoinSet::new();
        for _ in 0..TASKS {
            set.spawn_on(Counted::new(pending::<()>(), &polls, &drops), rt.handle());
        }
        assert!(
            wait_until(Duration::from_secs(10), || polls.get() == TASKS),
            "every task was polled"
        );
        set.abort_all();
        assert_eq!(
            set.len(),
            TASKS,
            "aborted tasks stay in the set until joined"
        );
        let cancelled = rt.block_on(async {
            let mut cancelled = 0;
            while let Some(r) = set.join_next().await {
                let err = r.expect_err("an aborted pending task has no output");
                assert!(err.is_cancelled(), "expected cancelled, got {err:?}");
                cancelled += 1;
            }
            cancelled
        });
        assert_eq!(cancelled, TASKS);
        assert_eq!(drops.get(), TASKS, "every future was dropped once");
        assert_eq!(polls.get(), TASKS, "no future was polled after the abort");
    });
}

#[test]
fn shutdown_aborts_and_waits_for_every_task() {
    watchdog(LIMIT, || {
        let rt = runtime();
        let drops = Counter::new();
        rt.block_on(async {
            let mut set = JoinSet::new();
            for _ in 0..TASKS {
                set.spawn(Counted::new(pending::<()>(), &Counter::new(), &drops));
            }
            set.shutdown().await;
            assert!(set.is_empty());
        });
        assert_eq!(drops.get(), TASKS);
    });
}

#[test]
fn dropping_the_set_aborts_its_tasks() {
    watchdog(LIMIT, || {
        let rt = runtime();
        let (polls, drops) = (Counter::new(), Counter::new());
        let mut set = JoinSet::new();
        for _ in 0..TASKS {
            set.spawn_on(Counted::new(pending::<()>(), &polls, &drops), rt.handle());
        }
        assert!(wait_until(Duration::from_secs(10), || polls.get() == TASKS));
        assert_eq!(drops.get(), 0);
        drop(set);
        // The workers drop the aborted futures; the runtime is still up.
        assert!(
            wait_until(Duration::from_secs(10), || drops.get() == TASKS),
            "{} of {TASKS} futures dropped after the set was",
            drops.get()
        );
        // A task leaves the runtime's list just after its future is dropped.
        assert!(
            wait_until(Duration::from_secs(10), || rt.handle().num_alive_tasks()
                == 0),
            "{} tasks still alive",
            rt.handle().num_alive_tasks()
        );
    });
}
