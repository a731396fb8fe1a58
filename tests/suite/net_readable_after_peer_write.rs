//! A task waiting in `readable()` (or `ready(READABLE)`) on a drained
//! socket sleeps until the peer writes, then wakes; several tasks may
//! wait on one socket at once and all wake.

use std::io::ErrorKind;
use std::sync::Arc;
use std::time::Duration;

use crate::io_support::{runtime, watchdog};
use rt::io::{AsyncWriteExt, Interest};
use rt::net::UnixStream;

#[test]
fn waiting_readers_wake_when_the_peer_writes() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let (reader, mut writer) = UnixStream::pair().unwrap();
            // Drain the optimistic readiness of a new socket.
            let err = reader.try_read(&mut [0; 4]).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WouldBlock);

            let reader = Arc::new(reader);
            let first = rt::spawn({
                let reader = reader.clone();
                async move { reader.readable().await }
            });
            let second = rt::spawn({
                let reader = reader.clone();
                async move { reader.ready(Interest::READABLE).await }
            });
            rt::time::sleep(Duration::from_millis(30)).await;
            assert!(
                !first.is_finished(),
                "readable() returned with nothing to read"
            );
            assert!(
                !second.is_finished(),
                "ready() returned with nothing to read"
            );

            writer.write_all(b"ping").await.unwrap();
            first.await.unwrap().unwrap();
            let ready = second.await.unwrap().unwrap();
            assert!(ready.is_readable());
            let mut buf = [0; 8];
            assert_eq!(reader.try_read(&mut buf).unwrap(), 4);
        })
    });
}
