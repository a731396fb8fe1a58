//! `Async<T>`: any file descriptor, awaitable.

mod support;

use std::future::Future;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::pin::pin;
use std::task::{Context, Waker};

use futures_lite::future;
use rt_io::{AsyncReadExt, AsyncWriteExt};
use rt_reactor::Async;
use support::Driver;

#[test]
fn read_and_write_through_the_traits() {
    let driver = Driver::new();
    driver.block_on(async {
        let (a, b) = std::io::pipe().unwrap();
        let (mut reader, mut writer) = (Async::new(a).unwrap(), Async::new(b).unwrap());
        let data = vec![9; 1024 * 1024];
        let write = async {
            writer.write_all(&data).await.unwrap();
            drop(writer);
        };
        let read = async {
            let mut received = Vec::new();
            reader.read_to_end(&mut received).await.unwrap();
            received
        };
        let ((), received) = future::zip(write, read).await;
        assert!(received == data);
    });
}

#[test]
fn readable_is_not_stale_after_a_direct_would_block() {
    let driver = Driver::new();
    driver.block_on(async {
        let (a, b) = UnixStream::pair().unwrap();
        let a = Async::new(a).unwrap();
        let mut b = b;
        b.write_all(b"x").unwrap();
        a.readable().await.unwrap();
        let mut buf = [0; 8];
        assert_eq!(a.get_ref().read(&mut buf).unwrap(), 1);
        // A direct read drains the socket: the readiness cache still says
        // readable, but `readable` checks and waits.
        assert_eq!(
            a.get_ref().read(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        let mut readable = pin!(a.readable());
        assert!(readable
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_pending());
        b.write_all(b"y").unwrap();
        readable.await.unwrap();
        assert_eq!(a.get_ref().read(&mut buf).unwrap(), 1);
        a.writable().await.unwrap();
    });
}

#[test]
fn read_with_from_several_tasks_at_once() {
    let driver = Driver::new();
    driver.block_on(async {
        let (a, b) = std::os::unix::net::UnixDatagram::pair().unwrap();
        let a = Async::new(a).unwrap();
        let receive = || async {
            let mut buf = [0; 8];
            a.read_with(|a| a.recv(&mut buf)).await.unwrap()
        };
        let send = async {
            future::yield_now().await;
            for _ in 0..3 {
                b.send(b"abc").unwrap();
            }
        };
        let ((x, y), (z, ())) = future::zip(
            future::zip(receive(), receive()),
            future::zip(receive(), send),
        )
        .await;
        assert_eq!((x, y, z), (3, 3, 3));
    });
}

#[test]
fn write_with_waits_for_room() {
    let driver = Driver::new();
    driver.block_on(async {
        let (a, b) = UnixStream::pair().unwrap();
        let (a, b) = (Async::new(a).unwrap(), Async::new(b).unwrap());
        // Fill the socket buffer, then let a reader drain it.
        let chunk = [5; 4096];
        let mut sent = 0;
        while let Ok(n) = a.get_ref().write(&chunk) {
            sent += n;
        }
        let write = async { a.write_with(|mut a| a.write(&chunk)).await.unwrap() };
        let drain = async {
            let mut buf = vec![0; sent];
            (&b).read_exact(&mut buf).await.unwrap();
        };
        let (n, ()) = future::zip(write, drain).await;
        assert!(n > 0);
    });
}

#[test]
fn new_on_a_regular_file_is_an_error() {
    let driver = Driver::new();
    driver.block_on(async {
        let file = std::fs::File::open("/proc/self/status").unwrap();
        let err = Async::new(file).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EPERM), "{err:?}");
    });
}

#[test]
fn into_inner_returns_the_object() {
    let driver = Driver::new();
    driver.block_on(async {
        let (a, mut b) = UnixStream::pair().unwrap();
        let a = Async::new(a).unwrap();
        let mut a = a.into_inner().unwrap();
        b.write_all(b"z").unwrap();
        let mut buf = [0; 1];
        a.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"z");
    });
}

/// `poll_read_stream_uninit` through `poll_fn`, returning the bytes read.
async fn read_uninit(reader: &Async<UnixStream>, capacity: usize) -> Vec<u8> {
    let mut buf = vec![std::mem::MaybeUninit::<u8>::uninit(); capacity];
    let n = std::future::poll_fn(|cx| reader.poll_read_stream_uninit(cx, &mut buf))
        .await
        .unwrap();
    assert!(n <= capacity);
    // SAFETY: `poll_read_stream_uninit` reports that the kernel wrote the
    // first `n` bytes of `buf`, which is alive until this function returns.
    unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) }.to_vec()
}

#[test]
fn read_into_uninit_reads_exactly_what_was_written_then_eof() {
    let driver = Driver::new();
    driver.block_on(async {
        let (mut a, b) = UnixStream::pair().unwrap();
        let b = Async::new(b).unwrap();
        // Fewer bytes than the buffer: a short read of exactly those.
        a.write_all(b"hello").unwrap();
        assert_eq!(read_uninit(&b, 64).await, b"hello");
        // More than the buffer: full reads, then the short remainder.
        let data: Vec<u8> = (0..100u8).collect();
        a.write_all(&data).unwrap();
        let mut got = Vec::new();
        for want in [30, 30, 30, 10] {
            let chunk = read_uninit(&b, 30).await;
            assert_eq!(chunk.len(), want);
            got.extend(chunk);
        }
        assert_eq!(got, data);
        // Data then end of file: the short read of the data must not hide
        // the end of file that arrived with it.
        a.write_all(b"tail").unwrap();
        drop(a);
        assert_eq!(read_uninit(&b, 64).await, b"tail");
        assert_eq!(read_uninit(&b, 64).await, b"");
    });
}

#[test]
fn read_into_uninit_waits_for_a_writer_and_loses_nothing() {
    let driver = Driver::new();
    driver.block_on(async {
        let (a, b) = UnixStream::pair().unwrap();
        let (mut a, b) = (Async::new(a).unwrap(), Async::new(b).unwrap());
        let data: Vec<u8> = (0..1024 * 1024u32)
            .map(|i| (i * 7 + i / 509) as u8)
            .collect();
        let write = async {
            a.write_all(&data).await.unwrap();
            drop(a);
        };
        let read = async {
            let mut received = Vec::new();
            loop {
                // An odd size, so reads end mid-way through the writes.
                let chunk = read_uninit(&b, 4093).await;
                if chunk.is_empty() {
                    return received;
                }
                received.extend(chunk);
            }
        };
        let ((), received) = future::zip(write, read).await;
        assert!(received == data);
    });
}
