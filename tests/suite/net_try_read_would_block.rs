//! `try_read` on an empty socket is `WouldBlock` and loses no byte: once
//! the peer writes, `readable` returns and the bytes are all there; a
//! partial `try_read` keeps the readiness (no new edge will come for the
//! rest), so the next `readable` returns at once.

use std::io::ErrorKind;
use std::time::Duration;

use crate::io_support::{runtime, watchdog};
use rt::io::AsyncWriteExt;
use rt::net::{TcpListener, TcpStream, UnixStream};

/// Reads exactly `want` bytes through `readable` + `try_read`, `chunk`
/// bytes at a time.
async fn read_by_readiness(
    readable: impl AsyncFn() -> std::io::Result<()>,
    try_read: impl Fn(&mut [u8]) -> std::io::Result<usize>,
    want: usize,
    chunk: usize,
) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < want {
        readable().await.unwrap();
        let mut buf = vec![0; chunk];
        match try_read(&mut buf) {
            Ok(0) => panic!("end of file after {} bytes", out.len()),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(err) if err.kind() == ErrorKind::WouldBlock => {}
            Err(err) => panic!("try_read: {err}"),
        }
    }
    out
}

#[test]
fn unix_try_read_on_empty_is_would_block_and_loses_nothing() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let (reader, mut writer) = UnixStream::pair().unwrap();
            let mut buf = [0; 16];
            let err = reader.try_read(&mut buf).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WouldBlock);

            writer.write_all(b"0123456789").await.unwrap();
            // Three bytes at a time: every read after the first is served
            // by the readiness the first one left in place.
            let got =
                read_by_readiness(|| reader.readable(), |buf| reader.try_read(buf), 10, 3).await;
            assert_eq!(got, b"0123456789");
            let err = reader.try_read(&mut buf).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WouldBlock);
        })
    });
}

#[test]
fn tcp_try_read_on_empty_is_would_block_and_loses_nothing() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let mut writer = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let (reader, _) = listener.accept().await.unwrap();
            let mut buf = [0; 16];
            let err = reader.try_read(&mut buf).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WouldBlock);

            writer.write_all(b"abcdefgh").await.unwrap();
            let got =
                read_by_readiness(|| reader.readable(), |buf| reader.try_read(buf), 8, 3).await;
            assert_eq!(got, b"abcdefgh");
        })
    });
}
