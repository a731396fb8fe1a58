//! A signal listener made on one runtime keeps receiving when it is
//! polled on another after the first shut down, even if the second never
//! made a listener of its own (so has no signal dispatcher yet). Its own
//! binary: signal handlers and rt's dispatchers are process-wide, and
//! another test's live runtime would deliver for this one.

#[path = "suite/support/mod.rs"]
mod support;

use std::time::Duration;

use rt::signal::unix::{signal, SignalKind};
use support::{runtime, watchdog};

fn raise(signum: i32) {
    // SAFETY: `kill` with our own pid and a valid signal number.
    assert_eq!(unsafe { libc::kill(libc::getpid(), signum) }, 0);
}

#[test]
fn listener_made_on_a_dead_runtime_receives_on_the_next() {
    watchdog(Duration::from_secs(60), || {
        let first = runtime(1);
        let mut usr2 = first.block_on(async { signal(SignalKind::user_defined2()).unwrap() });
        drop(first);
        let second = runtime(1);
        second.block_on(async {
            // Raised from a task of this runtime after the listener parked.
            rt::spawn(async {
                rt::time::sleep(Duration::from_millis(50)).await;
                raise(libc::SIGUSR2);
            });
            assert_eq!(usr2.recv().await, Some(()));
        });
    });
}
