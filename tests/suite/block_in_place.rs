//! `rt::task::block_in_place`: on a multi-thread worker the worker's queue
//! moves to another thread while the closure blocks, so the tasks behind
//! it keep running; inside, blocking on a runtime is allowed and the task's
//! id stays visible; on the current-thread runtime and in a `LocalSet` it
//! panics; outside a runtime it just runs; the threads stay bounded, and
//! shutdown during the closure does not hang.

use crate::support;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use rt::runtime::{Builder, Handle};
use rt::task;

const LIMIT: Duration = Duration::from_secs(30);

/// One worker: the task that must send runs only if the blocked worker's
/// queue (where it was spawned) went to another thread.
#[test]
fn the_workers_other_tasks_run_while_the_closure_blocks() {
    support::watchdog(LIMIT, || {
        for workers in [1, 2] {
            let rt = support::runtime(workers);
            rt.block_on(async {
                rt::spawn(async {
                    let (tx, rx) = mpsc::channel();
                    // Spawned from this worker: on its own queue, behind us.
                    let sender = rt::spawn(async move { tx.send(7).unwrap() });
                    let got = task::block_in_place(|| rx.recv().unwrap());
                    sender.await.unwrap();
                    got
                })
                .await
                .map(|got| assert_eq!(got, 7))
                .unwrap();
            });
        }
    });
}

/// The thread that takes the core over is that worker: same index, same
/// counters; the thread inside the closure is no worker meanwhile.
#[test]
fn the_thread_taking_over_carries_the_workers_index_and_counters() {
    support::watchdog(LIMIT, || {
        let rt = support::runtime(1);
        let metrics = rt.metrics();
        let (inside, taken_over, polls_before) = rt.block_on(async {
            rt::spawn(async {
                let (tx, rx) = mpsc::channel();
                let polls_before = rt::runtime::Handle::current()
                    .metrics()
                    .worker_poll_count(0);
                let other = rt::spawn(async move {
                    tx.send(()).unwrap();
                    (rt::runtime::worker_index(), std::thread::current().id())
                });
                let inside = task::block_in_place(|| {
                    rx.recv().unwrap();
                    (rt::runtime::worker_index(), std::thread::current().id())
                });
                (inside, other.await.unwrap(), polls_before)
            })
            .await
            .unwrap()
        });
        assert_eq!(inside.0, None, "the blocked thread is no worker");
        assert_eq!(taken_over.0, Some(0), "the new thread is worker 0");
        assert_ne!(inside.1, taken_over.1);
        assert!(metrics.worker_poll_count(0) > polls_before);
    });
}

#[test]
fn handle_block_on_and_a_runtime_of_its_own_work_inside() {
    support::watchdog(LIMIT, || {
        let rt = support::runtime(2);
        let out = rt.block_on(async {
            rt::spawn(async {
                task::block_in_place(|| {
                    let a = Handle::current().block_on(async {
                        rt::time::sleep(Duration::from_millis(1)).await;
                        rt::spawn(async { 40 }).await.unwrap()
                    });
                    let inner = Builder::new_current_thread().build().unwrap();
                    a + inner.block_on(async { 2 })
                })
            })
            .await
            .unwrap()
        });
        assert_eq!(out, 42);
    });
}

#[test]
fn in_multi_thread_block_on_it_just_runs_and_may_block() {
    let rt = support::runtime(1);
    let handle = rt.handle().clone();
    let out = rt.block_on(async move {
        task::block_in_place(move || handle.block_on(async { rt::spawn(async { 5 }).await }))
    });
    assert_eq!(out.unwrap(), 5);
}

#[test]
fn outside_a_runtime_and_in_a_blocking_closure_it_just_runs() {
    assert_eq!(task::block_in_place(|| 3), 3);
    let rt = support::runtime(1);
    let out = rt.block_on(async {
        task::spawn_blocking(|| task::block_in_place(|| task::block_in_place(|| 4)))
            .await
            .unwrap()
    });
    assert_eq!(out, 4);
}

#[test]
fn on_the_current_thread_runtime_it_panics() {
    let rt = Builder::new_current_thread().build().unwrap();
    let err = rt
        .block_on(async { rt::spawn(async { task::block_in_place(|| ()) }).await })
        .unwrap_err();
    let msg = support::panic_message(err.into_panic());
    assert!(msg.contains("multi-thread runtime"), "{msg}");

    let caught = std::panic::catch_unwind(|| {
        let rt = Builder::new_current_thread().build().unwrap();
        rt.block_on(async { task::block_in_place(|| ()) })
    });
    assert!(caught.is_err());
}

#[test]
fn in_a_local_set_on_the_multi_thread_runtime_it_panics() {
    let rt = support::runtime(2);
    let local = task::LocalSet::new();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(local.run_until(async { task::block_in_place(|| ()) }))
    }));
    let msg = support::panic_message(caught.unwrap_err());
    assert!(msg.contains("multi-thread runtime"), "{msg}");
}

#[test]
fn the_task_id_and_task_locals_are_visible_inside() {
    rt::task_local! {
        static NAME: &'static str;
    }
    let rt = support::runtime(2);
    rt.block_on(async {
        let handle = rt::spawn(NAME.scope("outer", async {
            task::block_in_place(|| (task::id(), NAME.get()))
        }));
        let id = handle.id();
        assert_eq!(handle.await.unwrap(), (id, "outer"));
    });
}

/// Nested calls, and a panic in the closure: the core is handed back or
/// retired either way, and the runtime keeps working and shuts down.
#[test]
fn nested_and_panicking_closures_leave_the_runtime_working() {
    support::watchdog(LIMIT, || {
        let rt = support::runtime(2);
        rt.block_on(async {
            for _ in 0..20 {
                let nested =
                    rt::spawn(async { task::block_in_place(|| task::block_in_place(|| 1)) + 1 });
                assert_eq!(nested.await.unwrap(), 2);
                let panicked = rt::spawn(async {
                    task::block_in_place(|| panic!("inside block_in_place"));
                });
                let msg = support::panic_message(panicked.await.unwrap_err().into_panic());
                assert_eq!(msg, "inside block_in_place");
            }
            // Every worker still runs tasks.
            let tasks: Vec<_> = (0..64).map(|i| rt::spawn(async move { i })).collect();
            let mut sum = 0;
            for t in tasks {
                sum += t.await.unwrap();
            }
            assert_eq!(sum, (0..64).sum::<i32>());
        });
    });
}

/// Each call may move a core to a blocking thread; the thread left behind
/// retires. However many calls, the runtime's threads stay within its
/// workers plus its blocking pool's cap, and all are gone after the drop.
#[test]
fn threads_stay_bounded_after_many_calls() {
    if !support::run_isolated(
        module_path!(),
        "threads_stay_bounded_after_many_calls",
        LIMIT,
    ) {
        return;
    }
    let before = support::thread_count();
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(3)
        .thread_name("bip-bounded")
        .build()
        .unwrap();
    let most = rt.block_on(async {
        let mut most = 0;
        for i in 0..200 {
            let t = rt::spawn(async move {
                task::block_in_place(move || {
                    std::thread::sleep(Duration::from_micros(200));
                    i
                })
            });
            assert_eq!(t.await.unwrap(), i);
            most = most.max(support::threads_named("bip-bounded"));
        }
        most
    });
    assert!(
        most <= 2 + 3,
        "{most} runtime threads at once (2 workers, 3 blocking)"
    );
    drop(rt);
    assert!(
        support::wait_until(Duration::from_secs(10), || support::thread_count()
            <= before),
        "threads left after the runtime dropped: {} (before: {before})",
        support::thread_count()
    );
}

/// The runtime drops while a task is inside the closure: the drop ends the
/// closure's wait (the timers shut down), and returns.
#[test]
fn shutdown_while_inside_does_not_hang() {
    support::watchdog(LIMIT, || {
        let rt = support::runtime(2);
        let (started_tx, started_rx) = mpsc::channel();
        rt.spawn(async move {
            task::block_in_place(move || {
                started_tx.send(()).unwrap();
                // Ends when the runtime's timers shut down (in error, or
                // with a panic): 60 s would fail the watchdog.
                Handle::current().block_on(async {
                    rt::time::sleep(Duration::from_secs(60)).await;
                });
            });
        });
        started_rx.recv().unwrap();
        let start = Instant::now();
        drop(rt);
        assert!(start.elapsed() < Duration::from_secs(20));
    });
}

/// `shutdown_timeout` returns by its deadline even if the closure never
/// ends on its own.
#[test]
fn shutdown_timeout_returns_while_a_closure_blocks() {
    support::watchdog(LIMIT, || {
        let rt = support::runtime(2);
        let (started_tx, started_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        rt.spawn(async move {
            task::block_in_place(move || {
                started_tx.send(()).unwrap();
                let _ = release_rx.recv();
            });
        });
        started_rx.recv().unwrap();
        let start = Instant::now();
        rt.shutdown_timeout(Duration::from_millis(200));
        assert!(start.elapsed() < Duration::from_secs(20));
        drop(release_tx);
    });
}
