//! `JoinHandle::abort` cancels a task that has not finished — its future is
//! dropped (destructor run) and the handle yields a cancelled `JoinError` —
//! and does nothing to a task that has already finished.

use crate::support;

use std::future::pending;
use std::sync::mpsc;
use std::time::Duration;

use rt::runtime::{Builder, Runtime};
use rt::task::{yield_now, JoinHandle};
use support::{channel, wait_until, watchdog, Counted, Counter};

/// Bound on each test (they take milliseconds when the runtime is right).
const LIMIT: Duration = Duration::from_secs(30);
/// How long to wait for a task to reach a state the test needs.
const SETTLE: Duration = Duration::from_secs(10);
/// Rounds of the abort-versus-wake race.
const RACE_ROUNDS: usize = 1_000;
/// Wakes another thread fires at the task in each round.
const RACE_WAKES: usize = 50;

fn runtime(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .expect("build the runtime")
}

/// Spawn a never-ending future that counts its polls and drops.
fn spawn_pending(rt: &Runtime, polls: &Counter, drops: &Counter) -> JoinHandle<()> {
    rt.spawn(Counted::new(pending::<()>(), polls, drops))
}

#[test]
fn aborting_a_pending_task_cancels_it_and_drops_its_future() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let (polls, drops) = (Counter::new(), Counter::new());
        let handle = spawn_pending(&rt, &polls, &drops);
        assert!(
            wait_until(SETTLE, || polls.get() >= 1),
            "the task was never polled"
        );
        assert!(!handle.is_finished());
        assert_eq!(drops.get(), 0, "the future is alive before the abort");

        handle.abort();
        let err = rt
            .block_on(handle)
            .expect_err("an aborted task has no output");
        assert!(err.is_cancelled(), "expected cancelled, got {err:?}");
        assert!(!err.is_panic());
        assert_eq!(drops.get(), 1, "the future's destructor ran exactly once");
        assert_eq!(polls.get(), 1, "an aborted future is not polled again");
    });
}

#[test]
fn aborting_a_task_before_its_first_poll_drops_it_unpolled() {
    watchdog(LIMIT, || {
        let rt = runtime(1);
        let (polls, drops) = (Counter::new(), Counter::new());
        let err = rt.block_on(async {
            let (p, d) = (polls.clone(), drops.clone());
            // On the only worker, the outer task spawns the inner one onto
            // its own queue and aborts it before yielding the thread, so
            // the inner task is still queued, never polled.
            rt::spawn(async move {
                let inner = rt::spawn(Counted::new(pending::<()>(), &p, &d));
                inner.abort();
                inner.await
            })
            .await
            .expect("the outer task completes")
            .expect_err("the aborted task has no output")
        });
        assert!(err.is_cancelled(), "expected cancelled, got {err:?}");
        assert_eq!(polls.get(), 0, "the aborted task was polled");
        assert_eq!(drops.get(), 1, "the unpolled future was dropped once");
    });
}

#[test]
fn a_task_aborting_itself_is_dropped_after_its_current_poll() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let (polls, drops) = (Counter::new(), Counter::new());
        let (tx, rx) = mpsc::channel::<rt::task::AbortHandle>();
        let after_yield = Counter::new();
        let a = after_yield.clone();
        let body = async move {
            let me = rx.recv().expect("the test sends the abort handle");
            me.abort();
            // Still running: the abort takes effect when this poll ends.
            yield_now().await;
            a.incr();
        };
        let handle = rt.spawn(Counted::new(body, &polls, &drops));
        tx.send(handle.abort_handle()).unwrap();
        let err = rt.block_on(handle).expect_err("the task aborted itself");
        assert!(err.is_cancelled(), "expected cancelled, got {err:?}");
        assert_eq!(polls.get(), 1, "polled once, then dropped");
        assert_eq!(after_yield.get(), 0, "the code after the yield never ran");
        assert_eq!(drops.get(), 1);
    });
}

#[test]
fn aborting_a_finished_task_changes_nothing() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let (polls, drops) = (Counter::new(), Counter::new());
        let handle = rt.spawn(Counted::new(async { 6 * 7 }, &polls, &drops));
        assert!(
            wait_until(SETTLE, || handle.is_finished()),
            "the task never finished"
        );
        handle.abort();
        handle.abort_handle().abort();
        assert!(handle.is_finished());
        let out = rt.block_on(handle);
        assert_eq!(out.expect("a finished task keeps its output"), 42);
        assert_eq!(polls.get(), 1);
        assert_eq!(drops.get(), 1);
    });
}

#[test]
fn aborting_from_another_thread_wakes_the_joiner_with_cancelled() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let (polls, drops) = (Counter::new(), Counter::new());
        let handle = spawn_pending(&rt, &polls, &drops);
        assert!(wait_until(SETTLE, || polls.get() >= 1));

        let abort = handle.abort_handle();
        let joiner_waiting = Counter::new();
        let waiting = joiner_waiting.clone();
        let aborter = std::thread::spawn(move || {
            // Abort while the main thread is parked awaiting the handle, so
            // the abort must also wake the joiner.
            assert!(wait_until(SETTLE, || waiting.get() >= 1));
            std::thread::sleep(Duration::from_millis(20));
            abort.abort();
        });
        let err = rt
            .block_on(async {
                joiner_waiting.incr();
                handle.await
            })
            .expect_err("the aborted task has no output");
        aborter.join().unwrap();
        assert!(err.is_cancelled(), "expected cancelled, got {err:?}");
        assert_eq!(drops.get(), 1);
        assert_eq!(polls.get(), 1);
    });
}

#[test]
fn abort_racing_wakes_from_another_thread_drops_the_future_exactly_once() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let (polls, drops) = (Counter::new(), Counter::new());
        for round in 0..RACE_ROUNDS {
            let (tx, mut rx) = channel::<()>();
            let handle = rt.spawn(Counted::new(
                async move {
                    // Wakes keep coming; it never finishes on its own.
                    while rx.recv().await.is_some() {}
                    pending::<()>().await;
                },
                &polls,
                &drops,
            ));
            let abort = handle.abort_handle();
            let waker = std::thread::spawn(move || {
                for _ in 0..RACE_WAKES {
                    tx.send(());
                }
            });
            // Abort at a different moment of the wake storm each round.
            for _ in 0..(round % 64) * 16 {
                std::hint::spin_loop();
            }
            abort.abort();
            let result = rt.block_on(handle);
            waker.join().unwrap();
            let err = result.expect_err("the task never finishes on its own");
            assert!(
                err.is_cancelled(),
                "round {round}: expected cancelled, got {err:?}"
            );
            assert_eq!(drops.get(), round + 1, "round {round}: futures dropped");
        }
        // Some rounds aborted before the first poll, most raced the wakes.
        assert!(polls.get() > 0, "no round ever polled the task");
    });
}
