//! The futures of `Command::status` and `Command::output` do not borrow the
//! `Command`: the process is spawned when the method is called, so the
//! future may outlive a temporary builder (`Command::new(..).status()`
//! kept in a variable and awaited later, as tokio's signature allows), be
//! spawned as a task, and the builder be reused while it runs.

use std::time::Duration;

use crate::support::{runtime, watchdog};
use rt::process::Command;

#[test]
fn status_and_output_futures_outlive_their_builder() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            // A temporary builder: only compiles if the future owns its state.
            let status = Command::new("sh").args(["-c", "exit 3"]).status();
            let output = Command::new("echo").arg("kept").output();
            assert_eq!(status.await.unwrap().code(), Some(3));
            assert_eq!(output.await.unwrap().stdout, b"kept\n");

            // Spawned as a task ('static), and the builder used again meanwhile.
            let mut cmd = Command::new("true");
            let first = rt::spawn(cmd.status());
            let second = cmd.status();
            assert!(first.await.unwrap().unwrap().success());
            assert!(second.await.unwrap().success());
        });
    });
}
