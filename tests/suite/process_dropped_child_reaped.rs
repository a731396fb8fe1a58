//! A running child dropped without `kill_on_drop` keeps running, and once
//! it exits the runtime reaps it: no zombie is left while the runtime
//! lives.

use std::path::Path;
use std::time::Duration;

use crate::support::{runtime, watchdog};
use rt::process::Command;
use rt::time::{sleep, Instant};

#[test]
fn a_dropped_child_is_reaped_after_it_exits() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let child = Command::new("sleep").arg("0.3").spawn().unwrap();
            let proc_dir = format!("/proc/{}", child.id().unwrap());
            drop(child);
            // Not killed: still there right after the drop.
            assert!(Path::new(&proc_dir).exists(), "killed without kill_on_drop");
            let start = Instant::now();
            while Path::new(&proc_dir).exists() {
                assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "{proc_dir} is still there: a zombie never reaped"
                );
                sleep(Duration::from_millis(5)).await;
            }
        })
    });
}
