//! A runtime thread that cannot start fails the call that wanted it, and
//! nothing waits for it: `build` returns the spawn's error (a stack the
//! system cannot map), or panics on the caller when the thread's name does
//! (a panicking `thread_name_fn`, as tokio's build does), and shutting the
//! half-built runtime down does not wait forever for the workers that
//! never ran. The same holds for a blocking-pool thread: `spawn_blocking`
//! panics on its caller (a task's panic comes back as its `JoinError`) and
//! the runtime still shuts down.

use crate::support;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use rt::runtime::Builder;
use support::{panic_message, watchdog};

/// A stack no system maps (1 PiB): `pthread_create` fails.
const HUGE_STACK: usize = 1 << 50;
/// Bound on each test: a hang fails it instead.
const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn build_returns_the_error_when_no_worker_thread_can_start() {
    watchdog(LIMIT, || {
        let built = Builder::new_multi_thread()
            .worker_threads(2)
            .thread_stack_size(HUGE_STACK)
            .build();
        assert!(built.is_err(), "a 1 PiB stack cannot be mapped");
    });
}

#[test]
fn a_thread_name_fn_panicking_for_the_second_worker_panics_build_on_the_caller() {
    watchdog(LIMIT, || {
        let names = AtomicUsize::new(0);
        let built = catch_unwind(AssertUnwindSafe(|| {
            Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name_fn(move || {
                    // SeqCst: a test counter.
                    if names.fetch_add(1, SeqCst) == 1 {
                        panic!("no name for the second worker");
                    }
                    "named".to_string()
                })
                .build()
        }));
        let panic = built.expect_err("build panics with the name function");
        assert_eq!(panic_message(panic), "no name for the second worker");
    });
}

#[test]
fn a_thread_name_fn_panicking_for_a_blocking_thread_panics_spawn_blocking_and_shutdown_ends() {
    watchdog(LIMIT, || {
        let names = AtomicUsize::new(0);
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name_fn(move || {
                // SeqCst: a test counter. The worker is named first.
                if names.fetch_add(1, SeqCst) >= 1 {
                    panic!("no name for a blocking thread");
                }
                "named".to_string()
            })
            .build()
            .unwrap();
        let in_task = rt.block_on(rt.spawn(async { rt::task::spawn_blocking(|| 1).await }));
        assert!(in_task.unwrap_err().is_panic(), "the spawning task panics");
        let outside = catch_unwind(AssertUnwindSafe(|| rt.spawn_blocking(|| 2)));
        let panic = outside.expect_err("spawn_blocking panics on its caller");
        assert_eq!(panic_message(panic), "no name for a blocking thread");
        // The workers still run tasks, and the drop below returns.
        assert_eq!(rt.block_on(rt.spawn(async { 3 })).unwrap(), 3);
        drop(rt);
    });
}
