//! A child with `kill_on_drop` is killed when its `Child` drops, and the
//! runtime reaps it in the background: it does not stay a zombie
//! (`/proc/<pid>` disappears only once it is reaped).

use std::path::Path;
use std::time::Duration;

use crate::support::{runtime, watchdog};
use rt::process::Command;
use rt::time::{sleep, Instant};

#[test]
fn a_child_killed_on_drop_is_reaped() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let child = Command::new("sleep")
                .arg("600")
                .kill_on_drop(true)
                .spawn()
                .unwrap();
            let proc_dir = format!("/proc/{}", child.id().unwrap());
            assert!(Path::new(&proc_dir).exists());
            drop(child);
            let start = Instant::now();
            while Path::new(&proc_dir).exists() {
                assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "{proc_dir} is still there: not killed, or a zombie never reaped"
                );
                sleep(Duration::from_millis(5)).await;
            }
        })
    });
}
