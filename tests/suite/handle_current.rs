//! `Handle::current()` finds the runtime from inside `block_on` and from
//! inside its tasks; outside any runtime it, and `rt::spawn`, panic with a
//! message that says a runtime is missing.

use crate::support;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use rt::runtime::{Builder, Handle, Runtime};
use support::watchdog;

/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(30);
/// Workers: a distinctive count, to tell this runtime's handle apart.
const WORKERS: usize = 3;

fn runtime() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .build()
        .expect("build the runtime")
}

/// The panic message of `f`, which must panic.
fn panic_message<R>(f: impl FnOnce() -> R) -> String {
    let payload = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(_) => panic!("expected a panic"),
        Err(payload) => payload,
    };
    payload
        .downcast_ref::<&'static str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .expect("a string panic message")
}

#[test]
fn handle_current_inside_block_on_is_this_runtime() {
    watchdog(LIMIT, || {
        let rt = runtime();
        let out = rt.block_on(async {
            let handle = Handle::current();
            assert_eq!(handle.num_workers(), WORKERS);
            // Spawning through it runs on this runtime.
            handle.spawn(async { 5 }).await.unwrap()
        });
        assert_eq!(out, 5);
    });
}

#[test]
fn handle_current_inside_a_task_is_its_runtime() {
    watchdog(LIMIT, || {
        let rt = runtime();
        let other = Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .expect("build a second runtime");
        // A task of `other`, awaited from `rt`'s block_on: the task still
        // sees its own runtime.
        let join = other.spawn(async {
            let h = Handle::current();
            let nested = rt::spawn(async { Handle::current().num_workers() })
                .await
                .unwrap();
            (h.num_workers(), nested)
        });
        let (outer, nested) = rt.block_on(join).unwrap();
        assert_eq!((outer, nested), (1, 1));
        let in_rt = rt.block_on(rt.spawn(async { Handle::current().num_workers() }));
        assert_eq!(in_rt.unwrap(), WORKERS);
    });
}

#[test]
fn handle_current_after_enter_and_none_after_leaving() {
    watchdog(LIMIT, || {
        let rt = runtime();
        {
            let _guard = rt.enter();
            assert_eq!(Handle::current().num_workers(), WORKERS);
        }
        assert!(Handle::try_current().is_err(), "left the runtime context");
    });
}

#[test]
fn handle_current_outside_a_runtime_panics_saying_so() {
    watchdog(LIMIT, || {
        assert!(Handle::try_current().is_err());
        let msg = panic_message(Handle::current);
        assert!(
            msg.contains("runtime"),
            "the panic message does not mention the runtime: {msg:?}"
        );
        // After a runtime was used on this thread and dropped, too.
        let rt = runtime();
        rt.block_on(async {});
        drop(rt);
        let msg = panic_message(Handle::current);
        assert!(msg.contains("runtime"), "{msg:?}");
    });
}

#[test]
fn spawn_outside_a_runtime_panics_saying_so() {
    watchdog(LIMIT, || {
        let msg = panic_message(|| rt::spawn(async {}));
        assert!(
            msg.contains("runtime"),
            "the panic message does not mention the runtime: {msg:?}"
        );
        let msg = panic_message(|| rt::task::spawn(async {}));
        assert!(msg.contains("runtime"), "{msg:?}");
        let msg = panic_message(|| rt::task::spawn_blocking(|| {}));
        assert!(msg.contains("runtime"), "{msg:?}");
    });
}

/// In a task on one runtime's worker, after `Handle::enter` of another
/// runtime, `rt::spawn` spawns on the entered runtime, not on the
/// worker's own.
#[test]
fn spawn_in_a_task_after_entering_another_runtime_goes_there() {
    watchdog(LIMIT, || {
        let rt = runtime();
        let other = Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .expect("build the other runtime");
        let other_handle = other.handle().clone();
        let workers = rt
            .block_on(rt.spawn(async move {
                // Spawned before and after entering: the worker's runtime,
                // then the entered one.
                let here = rt::spawn(async { Handle::current().num_workers() });
                let there = {
                    let _guard = other_handle.enter();
                    rt::spawn(async { Handle::current().num_workers() })
                };
                (here.await.unwrap(), there.await.unwrap())
            }))
            .unwrap();
        assert_eq!(workers, (WORKERS, 1));
    });
}
