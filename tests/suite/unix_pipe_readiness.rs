//! The readiness methods of `rt::net::unix::pipe`'s ends: `try_read` on an
//! empty pipe is `WouldBlock`; `readable()` waits until another task
//! writes, then `try_read_buf` takes the bytes; once a `try_io` closure
//! returns `WouldBlock`, `try_io` does not call its closure again until a
//! readiness wait returns; a full pipe is not writable until the reader
//! drains it; `ready` waits for data, then reports read-closed once the
//! writer is gone.

use std::io;
use std::time::Duration;

use crate::io_support::{runtime, watchdog};
use rt::net::unix::pipe;

/// Bound on each test (they take milliseconds when rt is right).
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn readable_waits_for_a_writer_then_try_read_buf_takes_the_bytes() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let (tx, rx) = pipe::pipe().unwrap();
            let mut buf = [0; 16];
            let err = rx.try_read(&mut buf).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);

            let writer = rt::spawn(async move {
                rt::time::sleep(Duration::from_millis(20)).await;
                tx.writable().await.unwrap();
                tx.try_write(b"ready").unwrap();
                tx
            });
            rx.readable().await.unwrap();
            let mut got = Vec::with_capacity(16);
            assert_eq!(rx.try_read_buf(&mut got).unwrap(), 5);
            assert_eq!(got, b"ready");
            let _tx = writer.await.unwrap();
        });
    });
}

#[test]
fn try_io_refuses_after_would_block_until_readiness_returns() {
    watchdog(LIMIT, || {
        let rt = runtime(1);
        rt.block_on(async {
            let (tx, rx) = pipe::pipe().unwrap();
            // Empty: the closure is not called.
            let mut called = false;
            let _ = rx.try_io(|| {
                called = true;
                Ok(())
            });
            assert!(!called, "called on an empty pipe");

            tx.try_write(b"x").unwrap();
            rx.readable().await.unwrap();
            // The closure says WouldBlock: readiness is cleared...
            let err = rx
                .try_io(|| Err::<(), _>(io::ErrorKind::WouldBlock.into()))
                .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
            let mut called = false;
            let _ = rx.try_io(|| {
                called = true;
                Ok(())
            });
            assert!(!called, "called although readiness was cleared");
            // ...until a readiness wait returns.
            rx.readable().await.unwrap();
            let mut one = [0; 1];
            assert_eq!(rx.try_io(|| rx.try_read(&mut one)).unwrap(), 1);
        });
    });
}

#[test]
fn a_full_pipe_is_writable_again_after_a_read() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let (tx, rx) = pipe::pipe().unwrap();
            let chunk = [7u8; 4096];
            let mut written = 0;
            loop {
                match tx.try_write(&chunk) {
                    Ok(n) => written += n,
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
                    Err(err) => panic!("{err}"),
                }
            }
            assert!(written > 0);
            let waiting = rt::spawn(async move {
                tx.writable().await.unwrap();
                tx.try_write(b"more").unwrap()
            });
            // Drain it from here.
            let mut buf = vec![0; 64 * 1024];
            let mut drained = 0;
            while drained < written {
                rx.readable().await.unwrap();
                match rx.try_read(&mut buf) {
                    Ok(n) => drained += n,
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(err) => panic!("{err}"),
                }
            }
            assert!(waiting.await.unwrap() > 0);
        });
    });
}

#[test]
fn ready_waits_for_data_then_reports_read_closed_once_the_writer_is_gone() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            use rt::io::Interest;

            let (tx, rx) = pipe::pipe().unwrap();
            let ready = tx.ready(Interest::WRITABLE).await.unwrap();
            assert!(ready.is_writable());

            let writer = rt::spawn(async move {
                rt::time::sleep(Duration::from_millis(20)).await;
                tx.try_write(b"x").unwrap();
                tx
            });
            let ready = rx.ready(Interest::READABLE).await.unwrap();
            assert!(ready.is_readable());
            let mut buf = [0; 4];
            assert_eq!(rx.try_read(&mut buf).unwrap(), 1);
            drop(writer.await.unwrap());

            // Every writer gone: read-closed is reported (waiting for it if
            // the reactor has not seen the hang-up yet).
            let closed = loop {
                let ready = rx.ready(Interest::READABLE).await.unwrap();
                if ready.is_read_closed() {
                    break ready;
                }
                rt::task::yield_now().await;
            };
            assert!(closed.is_read_closed());
            assert_eq!(rx.try_read(&mut buf).unwrap(), 0);
        });
    });
}
