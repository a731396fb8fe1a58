//! The streams implement tokio's I/O traits (the ones `rt::io` exports),
//! driven here by hand through `poll_read`/`poll_write`/`poll_shutdown`.

#[path = "../../rt-reactor/tests/support/mod.rs"]
mod support;

use std::future::poll_fn;
use std::pin::Pin;

use rt_net::{TcpListener, TcpStream, UnixStream};
use rt_reactor::Async;
use support::Driver;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Writes all of `data` through tokio's `AsyncWrite`, then shuts down.
async fn write_all<W: AsyncWrite + Unpin>(writer: &mut W, mut data: &[u8]) {
    while !data.is_empty() {
        let n = poll_fn(|cx| Pin::new(&mut *writer).poll_write(cx, data))
            .await
            .unwrap();
        data = &data[n..];
    }
    poll_fn(|cx| Pin::new(&mut *writer).poll_flush(cx))
        .await
        .unwrap();
    poll_fn(|cx| Pin::new(&mut *writer).poll_shutdown(cx))
        .await
        .unwrap();
}

/// Reads to end of file through tokio's `AsyncRead`.
async fn read_to_end<R: AsyncRead + Unpin>(reader: &mut R) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chunk = [0; 1000];
    loop {
        let mut buf = ReadBuf::new(&mut chunk);
        poll_fn(|cx| Pin::new(&mut *reader).poll_read(cx, &mut buf))
            .await
            .unwrap();
        if buf.filled().is_empty() {
            return out;
        }
        out.extend_from_slice(buf.filled());
    }
}

#[test]
fn tcp_halves_and_unix_streams_are_tokio_io() {
    let driver = Driver::new();
    driver.block_on(async {
        let data: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();

        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let (mut reader, mut writer) = client.into_split();
        let (received, ()) =
            futures_lite::future::zip(read_to_end(&mut server), write_all(&mut writer, &data))
                .await;
        assert!(received == data);
        write_all(&mut server, b"back").await;
        assert_eq!(read_to_end(&mut reader).await, b"back");

        let (mut a, mut b) = UnixStream::pair().unwrap();
        let (received, ()) =
            futures_lite::future::zip(read_to_end(&mut b), write_all(&mut a, &data)).await;
        assert!(received == data);

        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        let (mut a, mut b) = (Async::new(a).unwrap(), Async::new(b).unwrap());
        write_all(&mut a, b"async").await;
        drop(a);
        assert_eq!(read_to_end(&mut b).await, b"async");
    });
}

/// tokio's `AsyncRead` reads into the unfilled part of a `ReadBuf` as it
/// is: a read over uninitialised memory initialises exactly the bytes read,
/// so a large buffer is not zeroed on every read.
#[test]
fn tokio_reads_do_not_zero_the_unfilled_buffer() {
    let driver = Driver::new();
    driver.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let (mut a, mut b) = UnixStream::pair().unwrap();
        let mut storage = vec![std::mem::MaybeUninit::<u8>::uninit(); 1 << 20];
        for (reader, writer) in [
            (
                &mut server as &mut (dyn AsyncRead + Unpin),
                &mut client as &mut (dyn AsyncWrite + Unpin),
            ),
            (&mut b, &mut a),
        ] {
            poll_fn(|cx| Pin::new(&mut *writer).poll_write(cx, b"hello"))
                .await
                .unwrap();
            let mut buf = ReadBuf::uninit(&mut storage);
            poll_fn(|cx| Pin::new(&mut *reader).poll_read(cx, &mut buf))
                .await
                .unwrap();
            assert_eq!(buf.filled(), b"hello");
            // Only what was read is initialised: nothing was zeroed.
            assert_eq!(buf.initialized().len(), 5);
        }
    });
}
