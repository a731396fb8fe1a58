//! A `UnixStream` split into halves reads and writes from two tasks at
//! once; dropping the owned write half shuts the write direction down (the
//! peer reads end-of-file while the read half still receives); the halves
//! reunite into the stream, and halves of two streams do not.

use std::time::Duration;

use crate::io_support::{pattern, runtime, watchdog};
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::UnixStream;

/// Bound on each test (they take milliseconds when rt is right).
const LIMIT: Duration = Duration::from_secs(60);
/// Messages each way.
const MESSAGES: u32 = 200;

#[test]
fn owned_halves_in_two_tasks_and_drop_of_the_writer_half_closes() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let (a, mut b) = UnixStream::pair().unwrap();
            let (mut read, mut write) = a.into_split();

            let writer = rt::spawn(async move {
                for seq in 0..MESSAGES {
                    write.write_all(&pattern(0, seq)).await.unwrap();
                }
                // `write` drops: the peer reads end-of-file.
            });
            let reader = rt::spawn(async move {
                for seq in 0..MESSAGES {
                    let expected = pattern(1, seq);
                    let mut buf = vec![0; expected.len()];
                    read.read_exact(&mut buf).await.unwrap();
                    assert!(buf == expected, "message {seq}");
                }
                read
            });

            // The peer: write its messages, then read until end-of-file.
            for seq in 0..MESSAGES {
                b.write_all(&pattern(1, seq)).await.unwrap();
            }
            let mut received = Vec::new();
            b.read_to_end(&mut received).await.unwrap();
            let expected: Vec<u8> = (0..MESSAGES).flat_map(|seq| pattern(0, seq)).collect();
            assert!(received == expected, "all of a's bytes, then end-of-file");
            writer.await.unwrap();

            // The read half still works after the write half is gone.
            let mut read = reader.await.unwrap();
            b.write_all(b"late").await.unwrap();
            let mut buf = [0; 4];
            read.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"late");
        });
    });
}

#[test]
fn halves_reunite_only_with_their_own() {
    watchdog(LIMIT, || {
        let rt = runtime(1);
        rt.block_on(async {
            let (a, mut peer) = UnixStream::pair().unwrap();
            let (c, _d) = UnixStream::pair().unwrap();
            let (a_read, a_write) = a.into_split();
            let (c_read, c_write) = c.into_split();
            let err = a_read.reunite(c_write).unwrap_err();
            let (a_read, _c_write) = (err.0, err.1);
            drop(c_read);
            let mut a = a_read.reunite(a_write).unwrap();
            // Reunited: the write direction was not shut down.
            a.write_all(b"still open").await.unwrap();
            let mut buf = [0; 10];
            peer.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"still open");

            // Borrowed halves: a join of a read and a write.
            let (mut read, mut write) = a.split();
            let (got, sent) = futures_lite::future::zip(
                async {
                    let mut buf = [0; 2];
                    read.read_exact(&mut buf).await.map(|_| buf)
                },
                async {
                    write.write_all(b"hi").await?;
                    peer.write_all(b"yo").await
                },
            )
            .await;
            sent.unwrap();
            assert_eq!(&got.unwrap(), b"yo");
        });
    });
}
