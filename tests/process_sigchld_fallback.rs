//! Without pidfd (forced here with `RT_PROCESS_PIDFD=0`, as on kernels
//! before 5.3) a child's exit is observed through SIGCHLD: `wait` still
//! resolves, and a child killed on drop is still reaped. Its own binary:
//! the switch is process-wide.

#[path = "suite/support/mod.rs"]
mod support;

use std::time::Duration;

use support::{exit_code_then_reaped_on_drop, runtime, watchdog};

#[test]
fn sigchld_path_waits_and_reaps() {
    // Edition-neutral: `set_var` is unsafe in edition 2024 only.
    #[allow(unused_unsafe)]
    // SAFETY: set before any thread of this test reads the environment.
    unsafe {
        std::env::set_var("RT_PROCESS_PIDFD", "0");
    }
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(exit_code_then_reaped_on_drop(5))
    });
}
