//! `fs::File`'s writes are reported done before they run, so their errors
//! come later: a failed write is returned by the next `flush` (or write),
//! never silently lost while the file is in use.

use crate::support;

use std::time::Duration;

use rt::fs::File;
use rt::io::AsyncWriteExt;
use support::{runtime, watchdog};

#[test]
fn a_failed_write_is_returned_by_flush() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            // /dev/full: every write fails with ENOSPC.
            let mut file = match rt::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .await
            {
                Ok(file) => file,
                Err(_) => return, // not on this system
            };
            // Handed to the pool: reported written.
            assert_eq!(file.write(b"lost?").await.unwrap(), 5);
            let err = file.flush().await.unwrap_err();
            assert_eq!(err.raw_os_error(), Some(28), "ENOSPC, got {err:?}");
            // Reported once: the file is usable again.
            file.flush().await.unwrap();
        })
    });
}

#[test]
fn a_failed_write_is_returned_by_the_next_write() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let mut file = match rt::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .await
            {
                Ok(file) => file,
                Err(_) => return,
            };
            assert_eq!(file.write(b"first").await.unwrap(), 5);
            // The second write waits for the first and reports its error.
            let err = file.write(b"second").await.unwrap_err();
            assert_eq!(err.raw_os_error(), Some(28), "ENOSPC, got {err:?}");
        })
    });
}

#[test]
fn a_write_error_seen_by_sync_all_is_kept_for_flush() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let mut file: File = match rt::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .await
            {
                Ok(file) => file,
                Err(_) => return,
            };
            assert_eq!(
                file.write(b"x").await.unwrap(),
                1,
                "buffered, not yet written"
            );
            // sync_all waits for the write; its error is not swallowed.
            let _ = file.sync_all().await;
            assert!(file.flush().await.is_err());
        })
    });
}
