//! `read_exact` fills the buffer and resolves to its length; a reader that
//! ends first is an `UnexpectedEof` error (tokio's contract, which ported
//! code matches on), over a socket as over memory.

use crate::support;

use std::io::ErrorKind;
use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::UnixStream;
use support::{runtime, watchdog};

#[test]
fn read_exact_resolves_to_the_length_then_fails_on_early_eof() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let (mut a, mut b) = UnixStream::pair().unwrap();
            let writer = rt::spawn(async move {
                // Two writes, so the reader sees the bytes in pieces.
                a.write_all(b"0123").await.unwrap();
                rt::task::yield_now().await;
                a.write_all(b"456").await.unwrap();
                a.shutdown().await.unwrap(); // end of file after 7 bytes
            });
            let mut four = [0; 4];
            assert_eq!(b.read_exact(&mut four).await.unwrap(), 4);
            assert_eq!(&four, b"0123");
            // Three bytes are left: asking for four is UnexpectedEof.
            let err = b.read_exact(&mut four).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
            writer.await.unwrap();
        })
    });
}

#[test]
fn read_exact_on_memory_fails_the_same_way() {
    runtime(1).block_on(async {
        let mut reader: &[u8] = b"abc";
        let mut buf = [0; 8];
        let err = reader.read_exact(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    });
}
