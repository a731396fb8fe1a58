//! `wait` after `kill` (or `start_kill`) resolves with the status of a
//! process ended by `SIGKILL`, and later waits return the same status.

use std::os::unix::process::ExitStatusExt;
use std::time::Duration;

use crate::support::{runtime, watchdog};
use rt::process::Command;

#[test]
fn wait_after_kill_reports_the_signal() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let mut child = Command::new("sleep").arg("600").spawn().unwrap();
            child.kill().await.unwrap();
            let status = child.wait().await.unwrap();
            assert_eq!(status.signal(), Some(libc::SIGKILL));
            assert!(!status.success());
            assert_eq!(child.id(), None, "reaped: no id any more");
            assert_eq!(child.try_wait().unwrap(), Some(status));

            let mut child = Command::new("sleep").arg("600").spawn().unwrap();
            child.start_kill().unwrap();
            assert_eq!(child.wait().await.unwrap().signal(), Some(libc::SIGKILL));
        })
    });
}
