//! Without pidfd (forced here with `RT_PROCESS_PIDFD=0`, as on kernels
//! before 5.3) a child's exit is observed through SIGCHLD: `wait` still
//! resolves, and a child killed on drop is still reaped. The path's safety
//! net (a timer on the runtime's wheel, crates/rt-process/src/recheck.rs)
//! never panics a wait polled where no timer can serve it (outside a
//! runtime, after the runtime shut down), and leaves a paused clock alone.
//! Its own binary: the switch is process-wide.

#[path = "suite/support/mod.rs"]
mod support;

use std::future::Future;
use std::pin::pin;
use std::sync::Once;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use rt::process::{Child, Command};
use rt::runtime::Runtime;
use support::{current_thread, exit_code_then_reaped_on_drop, runtime, watchdog};

/// Switches pidfd off, once for all the tests of this binary; each test
/// calls it before anything else (so before any thread reads the
/// environment but through this `Once`, which makes them wait).
fn sigchld_path() {
    static SWITCH: Once = Once::new();
    SWITCH.call_once(|| {
        // Edition-neutral: `set_var` is unsafe in edition 2024 only.
        #[allow(unused_unsafe)]
        // SAFETY: libtest read its settings before starting the tests, and
        // every test reaches the environment (a spawn, a runtime) only
        // after this `Once` completed.
        unsafe {
            std::env::set_var("RT_PROCESS_PIDFD", "0");
        }
    });
}

#[test]
fn sigchld_path_waits_and_reaps() {
    sigchld_path();
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(exit_code_then_reaped_on_drop(5))
    });
}

/// Polls `child.wait()` once, with a waker that does nothing.
fn poll_wait_once(child: &mut Child) -> Poll<std::io::Result<std::process::ExitStatus>> {
    let mut cx = Context::from_waker(Waker::noop());
    pin!(child.wait()).poll(&mut cx)
}

#[test]
fn wait_polled_without_a_timer_driver_does_not_panic() {
    sigchld_path();
    let flavours: [fn() -> Runtime; 2] = [|| runtime(2), current_thread];
    for make in flavours {
        watchdog(Duration::from_secs(60), move || {
            let first = make();
            let mut child = first
                .block_on(async {
                    // Killed on drop: a failed assertion leaves nothing behind.
                    Command::new("sleep").arg("600").kill_on_drop(true).spawn()
                })
                .unwrap();
            // Outside any runtime: no timer driver to make the net on.
            assert!(poll_wait_once(&mut child).is_pending());
            first.block_on(async {
                // The net is made on `first`'s wheel.
                let waited = rt::time::timeout(Duration::from_millis(1), child.wait()).await;
                assert!(waited.is_err(), "`sleep 600` exited");
            });
            drop(first);
            // Its timer's runtime shut down, and none here to make another.
            assert!(poll_wait_once(&mut child).is_pending());
            child.start_kill().unwrap();
            let status = make().block_on(child.wait()).unwrap();
            assert!(!status.success());
        });
    }
}

#[test]
fn paused_clock_is_not_moved_by_a_waiting_child() {
    sigchld_path();
    watchdog(Duration::from_secs(60), || {
        let paused = rt::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        paused.block_on(async {
            let start = rt::time::Instant::now();
            let status = Command::new("sh")
                .args(["-c", "sleep 0.2; exit 6"])
                .status()
                .await
                .unwrap();
            assert_eq!(status.code(), Some(6));
            // No timer of the user's: auto-advance has nothing to jump to,
            // unless the net's timer was on the paused wheel.
            let moved = start.elapsed();
            assert!(
                moved < Duration::from_secs(1),
                "the paused clock moved {moved:?} while the child ran"
            );
        });
    });
}

/// A dropped child still running (an orphan, its waker polling it inline)
/// is woken by every SIGCHLD the dispatcher delivers, including other
/// children's: it polls its own exit again from inside that delivery,
/// which may reach the signal dispatchers' list. Waiting on other children
/// meanwhile completes (the delivery once ran under the dispatcher's own
/// pipe lock, which that poll then took again: every such wait hung).
#[test]
fn other_children_exit_while_an_orphan_runs() {
    sigchld_path();
    let flavours: [fn() -> Runtime; 2] = [|| runtime(2), current_thread];
    for make in flavours {
        watchdog(Duration::from_secs(60), move || {
            make().block_on(async {
                // Not killed on drop: it keeps running, an orphan.
                let orphan = Command::new("sleep").arg("2").spawn().unwrap();
                drop(orphan);
                for _ in 0..5 {
                    let status = Command::new("true").status().await.unwrap();
                    assert!(status.success());
                }
            })
        });
    }
}

/// A child made on a runtime that has since shut down, dropped (still
/// running) inside another runtime that has no signal dispatcher yet: its
/// orphan's first poll makes that runtime's dispatcher, whose first
/// delivery (a SIGCHLD that came while no dispatcher was alive) wakes the
/// orphan from inside its own poll. The wake is noted, not waited for
/// (it once waited for the poll's own lock: the drop hung).
#[test]
fn an_orphan_woken_from_inside_its_own_poll_does_not_hang() {
    sigchld_path();
    watchdog(Duration::from_secs(60), || {
        let first = runtime(2);
        let (running, exited) = first.block_on(async {
            let running = Command::new("sleep").arg("2").spawn().unwrap();
            // Exits after `first` is gone.
            let exited = Command::new("sleep").arg("0.2").spawn().unwrap();
            (running, exited)
        });
        drop(first);
        // `exited`'s SIGCHLD arrives with no dispatcher alive.
        std::thread::sleep(Duration::from_millis(500));
        current_thread().block_on(async move {
            drop(running);
            drop(exited);
        });
    });
}
