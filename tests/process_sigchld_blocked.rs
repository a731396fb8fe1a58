//! A program that blocks SIGCHLD in every thread (to take its signals with
//! `sigwait` or a signalfd, say) still sees its children exit on
//! rt::process's SIGCHLD path (pidfd switched off by `RT_PROCESS_PIDFD=0`,
//! as on kernels before 5.3): `wait` resolves (also in a second runtime
//! after the first shut down) and a dropped child is reaped, through the
//! path's timer that looks again when no SIGCHLD comes (crates/rt-process/src/recheck.rs).
//!
//! Its own binary, without libtest's harness (`harness = false`): the mask
//! must be set in the main thread before any other thread exists, so that
//! every thread inherits it; one thread not blocking SIGCHLD (libtest's
//! main thread) would get the signal, and rt's handler would run there.

#[path = "suite/support/mod.rs"]
mod support;

use std::time::Duration;

use rt::process::Command;
use support::{exit_code_then_reaped_on_drop, runtime, watchdog};

fn main() {
    // Edition-neutral: `set_var` is unsafe in edition 2024 only.
    #[allow(unused_unsafe)]
    // SAFETY: no other thread exists yet.
    unsafe {
        std::env::set_var("RT_PROCESS_PIDFD", "0");
    }
    block_sigchld();
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(exit_code_then_reaped_on_drop(7))
    });
    // A child awaited in one runtime, then in another after the first
    // shut down: the net's timer, made on the first runtime's reactor, is
    // made again on the second's.
    watchdog(Duration::from_secs(60), || {
        let first = runtime(1);
        let mut child = first.block_on(async {
            let mut child = Command::new("sh")
                .args(["-c", "sleep 0.3; exit 3"])
                .spawn()
                .unwrap();
            // One poll that leaves a waker: the timer is made here.
            let waited = rt::time::timeout(Duration::from_millis(1), child.wait()).await;
            assert!(waited.is_err(), "the child exited within 1 ms");
            child
        });
        drop(first);
        let status = runtime(2).block_on(child.wait()).unwrap();
        assert_eq!(status.code(), Some(3));
    });
    // The signal is still waiting, blocked: rt's handler never ran, so the
    // exits above were seen without it.
    assert!(sigchld_pending(), "SIGCHLD was not blocked after all");
    println!("process_sigchld_blocked: ok");
}

/// Blocks SIGCHLD in this thread, and so in every thread it starts later.
fn block_sigchld() {
    // SAFETY: `set` is a local `sigset_t`, initialised by `sigemptyset`
    // before `sigaddset` and `pthread_sigmask` read it; a null old set asks
    // for nothing back.
    unsafe {
        let mut set = std::mem::zeroed::<libc::sigset_t>();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGCHLD);
        assert_eq!(
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()),
            0
        );
    }
}

/// Whether a SIGCHLD is pending (blocked, not yet handled) for the process.
fn sigchld_pending() -> bool {
    // SAFETY: `set` is a local `sigset_t` that `sigpending` fills before
    // `sigismember` reads it.
    unsafe {
        let mut set = std::mem::zeroed::<libc::sigset_t>();
        assert_eq!(libc::sigpending(&mut set), 0);
        libc::sigismember(&set, libc::SIGCHLD) == 1
    }
}
