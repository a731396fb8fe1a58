//! `signal(SignalKind::user_defined1())` receives a SIGUSR1 raised after
//! it was made, again for a second one; a listener for a forbidden signal
//! is refused. Its own binary: signal handlers are process-wide.

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
fn usr1_is_received_after_raise() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
            raise(libc::SIGUSR1);
            assert_eq!(usr1.recv().await, Some(()));
            raise(libc::SIGUSR1);
            assert_eq!(usr1.recv().await, Some(()));
            for forbidden in [libc::SIGKILL, libc::SIGSTOP, libc::SIGSEGV, 0, -1] {
                assert!(signal(SignalKind::from_raw(forbidden)).is_err());
            }
        })
    });
}
