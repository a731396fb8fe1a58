//! `fs::File`: what `write_all` hands over is in the file once `flush`
//! returns (tokio's contract: a write is reported done when it is handed
//! to the blocking pool, and `flush` waits for it), whether it is read back
//! through another handle or through the same file after a seek; a write
//! larger than the file's buffer is written whole, in order.

use crate::io_support;

use std::time::Duration;

use io_support::{runtime, watchdog, TempDir};
use rt::fs::File;
use rt::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt, SeekFrom};

#[test]
fn create_write_all_flush_then_read_back() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let dir = TempDir::new("fs");
            let path = dir.join("out");
            let mut file = File::create(&path).await.unwrap();
            file.write_all(b"hello, ").await.unwrap();
            file.write_all(b"world").await.unwrap();
            file.flush().await.unwrap();
            // Through std, with the rt file still open: all is there.
            assert_eq!(std::fs::read(&path).unwrap(), b"hello, world");
            // And through rt's own read.
            assert_eq!(rt::fs::read(&path).await.unwrap(), b"hello, world");
            drop(file);

            let mut file = File::open(&path).await.unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).await.unwrap();
            assert_eq!(text, "hello, world");
        })
    });
}

#[test]
fn a_write_larger_than_the_buffer_is_written_whole() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let dir = TempDir::new("fs");
            let path = dir.join("big");
            let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
            let mut file = File::create(&path).await.unwrap();
            // Each blocking write moves at most 4 KiB: many round trips.
            file.set_max_buf_size(4096);
            file.write_all(&data).await.unwrap();
            file.flush().await.unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), data);

            // Read back in pieces of at most 4 KiB too.
            let mut file = File::open(&path).await.unwrap();
            file.set_max_buf_size(4096);
            let mut back = Vec::new();
            file.read_to_end(&mut back).await.unwrap();
            assert_eq!(back, data);
        })
    });
}

#[test]
fn write_then_seek_back_and_read_through_the_same_file() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let dir = TempDir::new("fs");
            let mut file = rt::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(dir.join("rw"))
                .await
                .unwrap();
            file.write_all(b"0123456789").await.unwrap();
            // The seek waits for the write in flight before it runs.
            assert_eq!(file.seek(SeekFrom::Start(0)).await.unwrap(), 0);
            let mut all = Vec::new();
            file.read_to_end(&mut all).await.unwrap();
            assert_eq!(all, b"0123456789");
        })
    });
}
