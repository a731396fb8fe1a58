//! A child with `kill_on_drop` is killed when its `Child` drops, and the
//! runtime reaps it in the background: it does not stay a zombie
//! (`/proc/<pid>` disappears only once it is reaped).

use std::path::Path;
use std::time::Duration;

use crate::support::{runtime, wait_until_reaped, watchdog};
use rt::process::Command;

#[test]
fn a_child_killed_on_drop_is_reaped() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let child = Command::new("sleep")
                .arg("600")
                .kill_on_drop(true)
                .spawn()
                .unwrap();
            let pid = child.id().unwrap();
            assert!(Path::new(&format!("/proc/{pid}")).exists());
            drop(child);
            wait_until_reaped(pid).await;
        })
    });
}
