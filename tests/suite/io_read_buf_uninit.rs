//! tokio's `ReadBuf` contract on rt's sockets: a read goes straight into
//! the caller's unfilled memory, without zeroing it first. A buffer marked
//! uninitialised but holding a known pattern keeps that pattern past the
//! bytes read, and only those bytes are counted as initialised.

use crate::support;

use std::future::poll_fn;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::time::Duration;

use rt::io::{AsyncRead, AsyncWriteExt, ReadBuf};
use rt::net::{TcpListener, TcpStream, UnixStream};
use support::{runtime, watchdog};

const POISON: u8 = 0xA5;

/// Reads once from `reader` into 64 poisoned bytes handed over as
/// uninitialised; returns (bytes read, bytes counted initialised, the
/// whole buffer).
async fn read_into_poison<R: AsyncRead + Unpin>(reader: &mut R) -> (Vec<u8>, usize, Vec<u8>) {
    let mut storage = [MaybeUninit::new(POISON); 64];
    let mut buf = ReadBuf::uninit(&mut storage);
    poll_fn(|cx| Pin::new(&mut *reader).poll_read(cx, &mut buf))
        .await
        .unwrap();
    let (filled, initialized) = (buf.filled().to_vec(), buf.initialized().len());
    let all = storage
        .iter()
        // SAFETY: every byte of `storage` (alive on this frame) was written
        // with POISON before the read, and a read only writes bytes, so
        // all of it is initialised whatever `ReadBuf` counts.
        .map(|b| unsafe { b.assume_init() })
        .collect();
    (filled, initialized, all)
}

fn check((filled, initialized, all): (Vec<u8>, usize, Vec<u8>)) {
    assert_eq!(filled, b"hello");
    assert_eq!(initialized, 5, "the read initialised more than it read");
    assert!(
        all[5..].iter().all(|&b| b == POISON),
        "the bytes past the read were overwritten (zeroed?): {:?}",
        &all[5..]
    );
}

#[test]
fn tcp_and_unix_reads_do_not_zero_the_buffer() {
    watchdog(Duration::from_secs(60), || {
        runtime(1).block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let mut client = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let (mut server, _) = listener.accept().await.unwrap();
            client.write_all(b"hello").await.unwrap();
            check(read_into_poison(&mut server).await);

            let (mut a, mut b) = UnixStream::pair().unwrap();
            a.write_all(b"hello").await.unwrap();
            check(read_into_poison(&mut b).await);

            // The borrowed and owned read halves too.
            client.write_all(b"hello").await.unwrap();
            let (mut reader, _writer) = server.split();
            check(read_into_poison(&mut reader).await);
            client.write_all(b"hello").await.unwrap();
            let (mut reader, _writer) = server.into_split();
            check(read_into_poison(&mut reader).await);
        })
    });
}
