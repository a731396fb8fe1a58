//! `output()` captures stdout and stderr at once (a child filling one pipe
//! while the other is read must not deadlock) and returns the exit code.

use std::time::Duration;

use crate::support::{runtime, watchdog};
use rt::process::Command;

#[test]
fn output_captures_both_streams() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            // 200 KB to stderr first: more than a pipe holds, so stdout's
            // reader alone would deadlock.
            let out = Command::new("sh")
                .args(["-c", "head -c 200000 /dev/zero >&2; echo out; exit 7"])
                .output()
                .await
                .unwrap();
            assert_eq!(out.stdout, b"out\n");
            assert_eq!(out.stderr.len(), 200_000);
            assert_eq!(out.status.code(), Some(7));
        })
    });
}
