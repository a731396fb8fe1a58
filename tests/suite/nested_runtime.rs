//! A thread that drives tasks never blocks on a runtime: `block_on` inside
//! `block_on` or on a worker panics (as tokio's does: the inner call would
//! also take the outer one's wake-ups), and so does dropping a runtime
//! there — after shutting it down without waiting, so nothing is left
//! running and the caller's thread is not blocked. Guards of
//! `Runtime::enter` dropped out of order panic; `shutdown_timeout` takes
//! any duration; `block_on` on a thread that merely entered a runtime, or
//! inside a blocking job, is fine.

use crate::support;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use support::{panic_message, runtime, watchdog};

const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn block_on_inside_block_on_panics() {
    watchdog(LIMIT, || {
        let outer = runtime(2);
        let inner = runtime(2);
        let panic = catch_unwind(AssertUnwindSafe(|| {
            outer.block_on(async { inner.block_on(async { 1 }) })
        }))
        .expect_err("nested block_on");
        assert!(panic_message(panic).contains("Cannot start a runtime from within a runtime"));
        // The outer runtime still works on this thread afterwards.
        assert_eq!(outer.block_on(outer.spawn(async { 2 })).unwrap(), 2);
    });
}

#[test]
fn block_on_after_enter_and_in_a_blocking_job_is_allowed() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let _guard = rt.enter();
        assert_eq!(rt.block_on(async { 3 }), 3);
        let handle = rt.handle().clone();
        let job = rt.spawn_blocking(move || handle.block_on(async { 4 }));
        assert_eq!(rt.block_on(job).unwrap(), 4);
    });
}

#[test]
fn dropping_a_runtime_inside_block_on_panics_without_blocking() {
    watchdog(LIMIT, || {
        let outer = runtime(2);
        let inner = runtime(2);
        // A job that would keep a waiting drop busy for an hour.
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let _job = inner.spawn_blocking(move || {
            let _ = wait.recv_timeout(Duration::from_secs(3600));
        });
        let panic = catch_unwind(AssertUnwindSafe(|| {
            outer.block_on(async move { drop(inner) })
        }))
        .expect_err("a drop in async context");
        assert!(panic_message(panic).contains("asynchronous context"));
        drop(release);
    });
}

#[test]
fn dropping_a_runtime_inside_its_own_task_panics_in_the_task() {
    watchdog(LIMIT, || {
        let outer = runtime(2);
        let inner = runtime(2);
        let task = outer.spawn(async move { drop(inner) });
        let err = outer.block_on(task).expect_err("the task panicked");
        assert!(err.is_panic());
        // shutdown_background is fine anywhere.
        let inner = runtime(2);
        let task = outer.spawn(async move { inner.shutdown_background() });
        outer.block_on(task).unwrap();
    });
}

#[test]
fn enter_guards_dropped_out_of_order_panic() {
    watchdog(LIMIT, || {
        let a = runtime(2);
        let b = runtime(2);
        let panic = catch_unwind(AssertUnwindSafe(|| {
            let first = a.enter();
            let second = b.enter();
            drop(first);
            drop(second);
        }))
        .expect_err("out of order");
        assert!(panic_message(panic).contains("out of order"));
        // In order is fine.
        let first = a.enter();
        let second = b.enter();
        drop(second);
        drop(first);
    });
}

#[test]
fn shutdown_timeout_takes_any_duration() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.spawn(async { 1 });
        rt.shutdown_timeout(Duration::MAX);
    });
}
