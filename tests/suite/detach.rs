//! Dropping a `JoinHandle` detaches its task: the task still runs to the
//! end (its output is then dropped by the runtime).

use crate::support;

use std::sync::mpsc;
use std::time::Duration;

use rt::runtime::{Builder, Runtime};
use rt::task::yield_now;
use support::{channel, wait_until, watchdog, Counted, Counter};

/// How long the test waits for a detached task's signal.
const SIGNAL: Duration = Duration::from_secs(10);
/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(30);
/// Steps a detached task takes after its handle is gone (each an await).
const STEPS: usize = 50;
/// Tasks whose handles are dropped while they complete.
const RACING: usize = 10_000;

fn runtime(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .expect("build the runtime")
}

#[test]
fn a_task_whose_handle_was_dropped_still_runs_to_the_end() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let (go_tx, mut go_rx) = channel::<()>();
        let (done_tx, done_rx) = mpsc::channel();
        let (polls, drops) = (Counter::new(), Counter::new());
        let output_drops = Counter::new();
        let out_guard = output_drops.drop_guard();
        let handle = rt.spawn(Counted::new(
            async move {
                // Waits for a message sent only after its handle is dropped.
                go_rx.recv().await.expect("the test sends go");
                for _ in 0..STEPS {
                    yield_now().await;
                }
                done_tx.send(STEPS).unwrap();
                out_guard // the output: dropped by the runtime
            },
            &polls,
            &drops,
        ));
        drop(handle);
        go_tx.send(());
        let steps = done_rx
            .recv_timeout(SIGNAL)
            .expect("the detached task ran to the end");
        assert_eq!(steps, STEPS);
        assert!(
            wait_until(SIGNAL, || drops.get() == 1 && output_drops.get() == 1),
            "the detached task's future and output were dropped (future {}, output {})",
            drops.get(),
            output_drops.get()
        );
        // At least one poll per yield, plus the one that finishes.
        assert!(polls.get() > STEPS, "polled {} times", polls.get());
    });
}

#[test]
fn a_task_detached_by_a_finished_parent_task_still_runs_to_the_end() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let (go_tx, mut go_rx) = channel::<()>();
        let (done_tx, done_rx) = mpsc::channel();
        let parent = rt.spawn(async move {
            // The child's handle is dropped when the parent returns.
            let _child = rt::spawn(async move {
                go_rx.recv().await.expect("the test sends go");
                done_tx.send(()).unwrap();
            });
        });
        rt.block_on(parent).expect("the parent completes");
        go_tx.send(());
        done_rx
            .recv_timeout(SIGNAL)
            .expect("the child outlived its parent and its handle");
    });
}

#[test]
fn a_detached_task_runs_on_a_single_worker_too() {
    watchdog(LIMIT, || {
        let rt = runtime(1);
        let (done_tx, done_rx) = mpsc::channel();
        // Detached before it ever ran, from outside the runtime.
        drop(rt.spawn(async move {
            for _ in 0..STEPS {
                yield_now().await;
            }
            done_tx.send(()).unwrap();
        }));
        done_rx
            .recv_timeout(SIGNAL)
            .expect("the detached task ran to the end");
    });
}

#[test]
fn dropping_handles_as_tasks_complete_drops_each_output_exactly_once() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let (future_drops, output_drops) = (Counter::new(), Counter::new());
        let handles: Vec<_> = (0..RACING)
            .map(|i| {
                let out = output_drops.drop_guard();
                rt.spawn(Counted::new(
                    async move {
                        if i % 3 == 0 {
                            yield_now().await;
                        }
                        out
                    },
                    &Counter::new(),
                    &future_drops,
                ))
            })
            .collect();
        // Some handles go while their task runs, some after it completed:
        // either way the output is dropped once, by whoever comes second.
        for (i, h) in handles.into_iter().enumerate() {
            if i % 2 == 0 {
                drop(h);
            } else {
                drop(rt.block_on(h).expect("the task completes"));
            }
        }
        assert!(
            wait_until(SIGNAL, || output_drops.get() == RACING
                && future_drops.get() == RACING),
            "outputs dropped {} and futures dropped {} of {RACING}",
            output_drops.get(),
            future_drops.get()
        );
        // And not more than once (a double drop would overshoot).
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(output_drops.get(), RACING);
        assert_eq!(future_drops.get(), RACING);
    });
}
