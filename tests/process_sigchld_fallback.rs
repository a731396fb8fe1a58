//! Without pidfd (forced here with `RT_PROCESS_PIDFD=0`, as on kernels
//! before 5.3) a child's exit is observed through SIGCHLD: `wait` still
//! resolves, and a child killed on drop is still reaped. Its own binary:
//! the switch is process-wide.

#[path = "suite/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::Duration;

use rt::process::Command;
use rt::time::{sleep, Instant};
use support::{runtime, watchdog};

#[test]
fn sigchld_path_waits_and_reaps() {
    // Edition-neutral: `set_var` is unsafe in edition 2024 only.
    #[allow(unused_unsafe)]
    // SAFETY: set before any thread of this test reads the environment.
    unsafe {
        std::env::set_var("RT_PROCESS_PIDFD", "0");
    }
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let status = Command::new("sh")
                .args(["-c", "sleep 0.1; exit 5"])
                .status()
                .await
                .unwrap();
            assert_eq!(status.code(), Some(5));

            let child = Command::new("sleep")
                .arg("600")
                .kill_on_drop(true)
                .spawn()
                .unwrap();
            let proc_dir = format!("/proc/{}", child.id().unwrap());
            drop(child);
            let start = Instant::now();
            while Path::new(&proc_dir).exists() {
                assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "{proc_dir}: never reaped"
                );
                sleep(Duration::from_millis(5)).await;
            }
        })
    });
}
