//! Vectored writes on stream sockets deliver exactly the bytes of the
//! caller's buffers, in order, whichever way rt hands them to the kernel
//! (small writes are gathered into one buffer and sent with one plain
//! write; one non-empty buffer is written alone; large ones go to
//! `writev(2)`): empty buffers anywhere are skipped, the count returned is
//! what the peer receives, and a write around the gathering limit is
//! neither cut nor padded.

use std::io::IoSlice;
use std::time::Duration;

use crate::io_support::watchdog;
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream, UnixStream};

/// Buffers of these sizes, each filled with its own byte value, so a
/// misplaced or repeated buffer changes what the peer reads.
fn buffers(sizes: &[usize]) -> Vec<Vec<u8>> {
    sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| vec![b'a' + i as u8; n])
        .collect()
}

/// Writes `sizes`' buffers with `write_vectored` until all of it is out,
/// dropping what each call reports written, and returns the calls' counts.
async fn write_all_vectored<W: AsyncWriteExt + Unpin>(w: &mut W, bufs: &[Vec<u8>]) -> Vec<usize> {
    let total: usize = bufs.iter().map(Vec::len).sum();
    let mut sent = 0;
    let mut counts = Vec::new();
    while sent < total {
        // Rebuild the slices past what was written so far.
        let mut skip = sent;
        let mut slices = Vec::new();
        for b in bufs {
            if skip >= b.len() {
                skip -= b.len();
                slices.push(IoSlice::new(&[]));
            } else {
                slices.push(IoSlice::new(&b[skip..]));
                skip = 0;
            }
        }
        let n = w.write_vectored(&slices).await.unwrap();
        assert!(
            n > 0,
            "a vectored write of {} bytes wrote none",
            total - sent
        );
        counts.push(n);
        sent += n;
    }
    counts
}

/// The size lists: small with empties around and between, one non-empty
/// among empties, the gathering limit (1,024 bytes) exactly and one past
/// it, and large.
const CASES: &[&[usize]] = &[
    &[0, 5, 0, 0, 7, 0],
    &[110, 13],
    &[0, 0, 300, 0],
    &[1, 1, 1, 1, 1, 1, 1, 1],
    &[1000, 24],
    &[1000, 25],
    &[512, 0, 512],
    &[4096, 3, 70_000, 9],
];

async fn check_all<W, R>(writer: &mut W, reader: &mut R)
where
    W: AsyncWriteExt + Unpin,
    R: AsyncReadExt + Unpin,
{
    for sizes in CASES {
        let bufs = buffers(sizes);
        let expected: Vec<u8> = bufs.concat();
        let (counts, got) = rt::join!(write_all_vectored(writer, &bufs), async {
            let mut got = vec![0u8; expected.len()];
            reader.read_exact(&mut got).await.unwrap();
            got
        });
        assert_eq!(counts.iter().sum::<usize>(), expected.len(), "{sizes:?}");
        assert!(got == expected, "the peer read other bytes for {sizes:?}");
    }
    // All empty: nothing written, nothing to read.
    assert_eq!(
        writer
            .write_vectored(&[IoSlice::new(&[]), IoSlice::new(&[])])
            .await
            .unwrap(),
        0
    );
}

#[test]
fn tcp_vectored_writes_deliver_the_buffers_in_order() {
    watchdog(Duration::from_secs(60), || {
        crate::support::runtime(2).block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let (mut client, accepted) = rt::join!(TcpStream::connect(addr), listener.accept());
            let (mut server, _) = accepted.unwrap();
            check_all(client.as_mut().unwrap(), &mut server).await;
        })
    })
}

#[test]
fn unix_vectored_writes_deliver_the_buffers_in_order() {
    watchdog(Duration::from_secs(60), || {
        crate::support::current_thread().block_on(async {
            let (mut a, mut b) = UnixStream::pair().unwrap();
            check_all(&mut a, &mut b).await;
        })
    })
}
