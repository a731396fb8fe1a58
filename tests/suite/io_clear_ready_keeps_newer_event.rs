//! A readiness event that arrives between a guard's observation and its
//! `clear_ready` is not lost: `clear_ready` forgets only the event it
//! observed (the readiness word's tick moved), so the next `readable()`
//! returns at once and finds the new byte. The poller is edge-triggered:
//! an edge cleared away would never be reported again, and the reader
//! would sleep forever with data queued.
//!
//! Deterministic on a current-thread runtime: the second byte is written
//! before the runtime parks, so the sleep's park in the driver collects
//! its event (moving the tick) before `clear_ready` runs.

use std::io::{ErrorKind, Read, Write};
use std::time::Duration;

use crate::io_support::{pipe, watchdog};
use rt::io::unix::AsyncFd;

#[test]
fn an_event_after_the_observation_survives_clear_ready() {
    watchdog(Duration::from_secs(60), || {
        let runtime = crate::support::current_thread();
        runtime.block_on(async {
            let (read_end, write_end) = pipe();
            let reader = AsyncFd::new(read_end).unwrap();

            (&write_end).write_all(b"1").unwrap();
            let mut guard = reader.readable().await.unwrap(); // observes byte 1's event
            let mut buf = [0; 8];
            assert_eq!(reader.get_ref().read(&mut buf).unwrap(), 1);

            // Byte 2 arrives after the observation; the reactor records
            // its edge while this task sleeps.
            (&write_end).write_all(b"2").unwrap();
            rt::time::sleep(Duration::from_millis(5)).await;

            // The reader's view is stale (it read before byte 2): it clears.
            guard.clear_ready();
            drop(guard);

            let guard = reader.readable().await.unwrap(); // must not hang
            assert!(guard.ready().is_readable());
            assert_eq!(reader.get_ref().read(&mut buf).unwrap(), 1);
            assert_eq!(buf[0], b'2');
            let err = reader.get_ref().read(&mut buf).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WouldBlock);
        })
    });
}
