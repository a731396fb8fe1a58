//! A child's piped stdout reads to its end through `rt::io`, in pieces
//! across several writes of the child, and ends with end of file.

use std::process::Stdio;
use std::time::Duration;

use crate::support::{runtime, watchdog};
use rt::io::AsyncReadExt;
use rt::process::Command;

#[test]
fn piped_stdout_reads_to_end() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let mut child = Command::new("sh")
                .args([
                    "-c",
                    "for i in 1 2 3; do echo line$i; sleep 0.05; done; head -c 100000 /dev/zero",
                ])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let mut out = Vec::new();
            let mut stdout = child.stdout.take().unwrap();
            stdout.read_to_end(&mut out).await.unwrap();
            assert!(out.starts_with(b"line1\nline2\nline3\n"));
            assert_eq!(out.len(), 18 + 100_000);
            assert!(child.wait().await.unwrap().success());
        })
    });
}
