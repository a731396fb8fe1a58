//! `fs::File` as `AsyncSeek`: a seek moves the cursor the next read starts
//! from, and bytes the file read ahead (for a larger read that was
//! abandoned) do not shift where a later seek or write lands.

use crate::io_support;

use std::future::poll_fn;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use io_support::{runtime, watchdog, TempDir};
use rt::fs::File;
use rt::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, ReadBuf, SeekFrom};

#[test]
fn seek_then_read() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let dir = TempDir::new("fs");
            std::fs::write(dir.join("f"), b"0123456789").unwrap();
            let mut file = File::open(dir.join("f")).await.unwrap();
            assert_eq!(file.seek(SeekFrom::Start(6)).await.unwrap(), 6);
            let mut two = [0; 2];
            file.read_exact(&mut two).await.unwrap();
            assert_eq!(&two, b"67");
            assert_eq!(file.seek(SeekFrom::Current(-5)).await.unwrap(), 3);
            file.read_exact(&mut two).await.unwrap();
            assert_eq!(&two, b"34");
            assert_eq!(file.seek(SeekFrom::End(-1)).await.unwrap(), 9);
            let mut rest = Vec::new();
            file.read_to_end(&mut rest).await.unwrap();
            assert_eq!(rest, b"9");
            assert_eq!(file.stream_position().await.unwrap(), 10);
        })
    });
}

/// Starts a read of 8 bytes, abandons it while it runs on the pool, then
/// reads 2: the file holds 6 bytes read ahead that the caller never saw.
async fn read_two_with_six_ahead(file: &mut File) {
    // The blocking read may finish before its first poll returns (then the
    // 8 bytes were handed out): start again until one is left in flight.
    let mut in_flight = false;
    for _ in 0..1000 {
        file.seek(SeekFrom::Start(0)).await.unwrap();
        let mut eight = [0; 8];
        in_flight = poll_fn(|cx| {
            let mut buf = ReadBuf::new(&mut eight);
            let polled = Pin::new(&mut *file).poll_read(cx, &mut buf);
            Poll::Ready(polled.is_pending())
        })
        .await;
        if in_flight {
            break;
        }
    }
    assert!(in_flight, "every read finished within its first poll");
    let mut two = [0; 2];
    file.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"01");
}

#[test]
fn read_ahead_does_not_shift_a_relative_seek() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let dir = TempDir::new("fs");
            std::fs::write(dir.join("f"), b"0123456789").unwrap();
            let mut file = File::open(dir.join("f")).await.unwrap();
            read_two_with_six_ahead(&mut file).await;
            // The caller's cursor is at 2, whatever the std file's is.
            assert_eq!(file.seek(SeekFrom::Current(1)).await.unwrap(), 3);
            let mut two = [0; 2];
            file.read_exact(&mut two).await.unwrap();
            assert_eq!(&two, b"34");
        })
    });
}

#[test]
fn read_ahead_does_not_shift_a_write() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let dir = TempDir::new("fs");
            std::fs::write(dir.join("f"), b"0123456789").unwrap();
            let mut file = rt::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(dir.join("f"))
                .await
                .unwrap();
            read_two_with_six_ahead(&mut file).await;
            file.write_all(b"ab").await.unwrap();
            file.flush().await.unwrap();
            assert_eq!(std::fs::read(dir.join("f")).unwrap(), b"01ab456789");
        })
    });
}
