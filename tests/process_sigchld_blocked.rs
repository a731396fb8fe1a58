//! A program that blocks SIGCHLD in every thread (to take its signals with
//! `sigwait` or a signalfd, say) still sees its children exit on
//! rt::process's SIGCHLD path (pidfd switched off by `RT_PROCESS_PIDFD=0`,
//! as on kernels before 5.3): `wait` resolves (also in a second runtime
//! after the first shut down) and a dropped child is reaped, through the
//! path's timer that looks again when no SIGCHLD comes (crates/rt-process/src/recheck.rs),
//! on the multi-thread and the current-thread runtime; and that timer costs
//! no descriptor per waiting child (it is a sleep on the timer wheel).
//!
//! Its own binary, without libtest's harness (`harness = false`): the mask
//! must be set in the main thread before any other thread exists, so that
//! every thread inherits it; one thread not blocking SIGCHLD (libtest's
//! main thread) would get the signal, and rt's handler would run there.

#[path = "suite/support/mod.rs"]
mod support;

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use rt::process::{Child, Command};
use rt::runtime::Runtime;
use support::{current_thread, exit_code_then_reaped_on_drop, runtime, watchdog};

/// How many children wait at once in the descriptor count.
const WAITERS: usize = 16;

fn main() {
    // Edition-neutral: `set_var` is unsafe in edition 2024 only.
    #[allow(unused_unsafe)]
    // SAFETY: no other thread exists yet.
    unsafe {
        std::env::set_var("RT_PROCESS_PIDFD", "0");
    }
    block_sigchld();
    let multi_thread: fn() -> Runtime = || runtime(2);
    for (flavour, make) in [
        ("multi-thread", multi_thread),
        ("current-thread", current_thread),
    ] {
        println!("process_sigchld_blocked: {flavour}");
        watchdog(Duration::from_secs(60), move || {
            make().block_on(exit_code_then_reaped_on_drop(7))
        });
        // A child awaited in one runtime, then in another after the first
        // shut down: the net's timer, made on the first runtime's wheel,
        // is made again on the second's.
        watchdog(Duration::from_secs(60), move || {
            let first = make();
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
            let status = make().block_on(child.wait()).unwrap();
            assert_eq!(status.code(), Some(3));
        });
        watchdog(Duration::from_secs(60), move || {
            make().block_on(no_descriptor_per_waiting_child())
        });
    }
    // The signal is still waiting, blocked: rt's handler never ran, so the
    // exits above were seen without it.
    assert!(sigchld_pending(), "SIGCHLD was not blocked after all");
    println!("process_sigchld_blocked: ok");
}

/// `WAITERS` children, each with a wait polled once (which makes its net):
/// the process holds no more descriptors than before them; then all of
/// them, killed, are seen to exit through the net.
async fn no_descriptor_per_waiting_child() {
    // Whatever a first child sets up once (the SIGCHLD listener's pipe and
    // its dispatcher on this runtime) is counted in `before`.
    let status = Command::new("true").status().await.unwrap();
    assert!(status.success());
    let before = open_descriptors();
    let mut children: Vec<Child> = (0..WAITERS)
        .map(|_| {
            Command::new("sleep")
                .arg("600")
                .kill_on_drop(true)
                .spawn()
                .unwrap()
        })
        .collect();
    for child in &mut children {
        // One poll of `wait`, leaving a waker: the net is made, and stays
        // with the child when the future is dropped.
        let mut wait = pin!(child.wait());
        poll_fn(|cx| {
            assert!(wait.as_mut().poll(cx).is_pending(), "`sleep 600` exited");
            Poll::Ready(())
        })
        .await;
    }
    let during = open_descriptors();
    assert!(
        during < before + WAITERS / 2,
        "{before} descriptors open before {WAITERS} children waited, {during} while they wait: \
         one per waiting child?"
    );
    for child in &mut children {
        child.start_kill().unwrap();
    }
    for child in &mut children {
        assert!(!child.wait().await.unwrap().success());
    }
}

/// How many descriptors this process has open (`/proc/self/fd`'s entries,
/// less the one reading it).
fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count() - 1
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
