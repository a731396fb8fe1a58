//! `lines()` over a reader whose bytes arrive in pieces: a line split
//! across reads (and across the `BufReader`'s refills, and a `\r\n` split
//! between its two bytes) comes back whole, without its line ending; the
//! last line without a newline is returned too, then `None`.

use crate::support;

use std::time::Duration;

use rt::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use support::{runtime, watchdog};

#[test]
fn lines_are_whole_across_chunk_boundaries() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let (reader, mut writer) = rt::io::simplex(64);
            let chunks: [&[u8]; 6] = [
                b"hel",
                b"lo\nwor",
                b"ld\r",
                b"\nlast line, ",
                b"no ",
                b"newline",
            ];
            let producer = rt::spawn(async move {
                for chunk in chunks {
                    writer.write_all(chunk).await.unwrap();
                    // Let the reader run between pieces, so each is its own read.
                    rt::time::sleep(Duration::from_millis(5)).await;
                }
                writer.shutdown().await.unwrap();
            });
            // A 4-byte buffer: every line spans several refills.
            let mut lines = BufReader::with_capacity(4, reader).lines();
            let mut got = Vec::new();
            while let Some(line) = lines.next_line().await.unwrap() {
                got.push(line);
            }
            assert_eq!(got, ["hello", "world", "last line, no newline"]);
            producer.await.unwrap();
        })
    });
}
