//! A runtime kept in a thread-local is dropped by that thread-local's
//! destructor when its thread exits, after rt's own thread-locals may be
//! gone: the drop shuts the runtime down without panicking (a panic there
//! aborts the process), on both flavors.
//!
//! (An executable of its own, not a module of tests/suite: what it checks is
//! that a thread's exit does not abort the process; a regression would take
//! every other test down with it.)

use std::cell::RefCell;
use std::time::Duration;

use rt::runtime::{Builder, Runtime};

thread_local! {
    static KEPT: RefCell<Option<Runtime>> = const { RefCell::new(None) };
}

fn keep_in_a_thread_local_and_exit(build: fn() -> Runtime) {
    let thread = std::thread::spawn(move || {
        // Stored first, so its destructor runs after those of the
        // thread-locals rt initialises below (they are destroyed in the
        // reverse order of their first use).
        KEPT.with(|kept| *kept.borrow_mut() = Some(build()));
        KEPT.with(|kept| {
            let kept = kept.borrow();
            let rt = kept.as_ref().unwrap();
            // A task still pending at shutdown, and a timer armed.
            drop(rt.spawn(async { rt::time::sleep(Duration::from_secs(3600)).await }));
            rt.block_on(async { rt::time::sleep(Duration::from_millis(1)).await });
        });
    });
    thread
        .join()
        .expect("the thread exited cleanly, the runtime dropped in its thread-local destructor");
}

#[test]
fn a_multi_thread_runtime_dropped_by_a_thread_local_destructor() {
    keep_in_a_thread_local_and_exit(|| {
        Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap()
    });
}

#[test]
fn a_current_thread_runtime_dropped_by_a_thread_local_destructor() {
    keep_in_a_thread_local_and_exit(|| Builder::new_current_thread().build().unwrap());
}
