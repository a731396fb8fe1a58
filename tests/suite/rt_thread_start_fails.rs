//! A runtime thread that cannot start fails the call that wanted it, and
//! nothing waits for it: `build` returns the spawn's error (a stack the
//! system cannot map), or panics on the caller when the thread's name does
//! (a panicking `thread_name_fn`, as tokio's build does), and shutting the
//! half-built runtime down does not wait forever for the workers that
//! never ran.

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
