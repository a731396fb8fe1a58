//! Spawning a program that does not exist is an `io::Error` of kind
//! `NotFound`, from `spawn`, `output` and `status` alike.

use std::io::ErrorKind;
use std::time::Duration;

use crate::support::{runtime, watchdog};
use rt::process::Command;

#[test]
fn missing_program_is_not_found() {
    watchdog(Duration::from_secs(60), || {
        runtime(1).block_on(async {
            let missing = "rt-no-such-program-anywhere";
            assert_eq!(
                Command::new(missing).spawn().unwrap_err().kind(),
                ErrorKind::NotFound
            );
            assert_eq!(
                Command::new(missing).output().await.unwrap_err().kind(),
                ErrorKind::NotFound
            );
            assert_eq!(
                Command::new(missing).status().await.unwrap_err().kind(),
                ErrorKind::NotFound
            );
        })
    });
}
