//! `AsyncFd` on a pipe: the write end is writable; the read end becomes
//! readable once a byte is written; after the reader drains it and calls
//! `clear_ready`, a new wait is pending until the next write, then wakes.

use std::future::Future;
use std::io::{ErrorKind, Read, Write};
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::io_support::{pipe, runtime, watchdog};
use rt::io::unix::AsyncFd;

#[test]
fn pipe_ends_report_readiness_and_clear_ready_waits_for_the_next_write() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let (read_end, write_end) = pipe();
            let reader = AsyncFd::new(read_end).unwrap();
            let writer = AsyncFd::new(write_end).unwrap();

            // The write end: room in the pipe.
            let guard = writer.writable().await.unwrap();
            assert!(guard.ready().is_writable());
            drop(guard);

            writer.get_ref().write_all(b"a").unwrap();
            let mut guard = reader.readable().await.unwrap();
            assert!(guard.ready().is_readable());
            let mut buf = [0; 8];
            assert_eq!(reader.get_ref().read(&mut buf).unwrap(), 1);
            let err = reader.get_ref().read(&mut buf).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WouldBlock);
            guard.clear_ready();
            assert!(guard.ready().is_empty());
            drop(guard);

            // Drained and cleared: a wait is pending (one poll, by hand).
            {
                let mut wait = pin!(reader.readable());
                let mut cx = Context::from_waker(Waker::noop());
                assert!(
                    wait.as_mut().poll(&mut cx).is_pending(),
                    "readable() after clear_ready returned before any new write"
                );
            }

            // The next write wakes a waiting task.
            let waiting = rt::spawn(async move {
                let guard = reader.readable().await.unwrap();
                assert!(guard.ready().is_readable());
                let mut buf = [0; 8];
                reader.get_ref().read(&mut buf).unwrap()
            });
            rt::time::sleep(Duration::from_millis(20)).await;
            writer.get_ref().write_all(b"bc").unwrap();
            assert_eq!(waiting.await.unwrap(), 2);
        })
    });
}

#[test]
fn try_io_on_the_guard_clears_on_would_block() {
    watchdog(Duration::from_secs(60), || {
        runtime(1).block_on(async {
            let (read_end, write_end) = pipe();
            let reader = AsyncFd::new(read_end).unwrap();
            (&write_end).write_all(b"xy").unwrap();

            let mut buf = [0; 8];
            let mut guard = reader.readable().await.unwrap();
            let n = guard
                .try_io(|fd| fd.get_ref().read(&mut buf))
                .unwrap()
                .unwrap();
            assert_eq!(n, 2);
            // Empty now: `try_io` sees WouldBlock, clears, says so.
            assert!(guard.try_io(|fd| fd.get_ref().read(&mut buf)).is_err());
            assert!(guard.ready().is_empty());
            drop(guard);

            let mut wait = pin!(reader.readable());
            let mut cx = Context::from_waker(Waker::noop());
            assert!(matches!(wait.as_mut().poll(&mut cx), Poll::Pending));
        })
    });
}
