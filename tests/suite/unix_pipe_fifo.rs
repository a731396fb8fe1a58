//! A named FIFO opened with `rt::net::unix::pipe::OpenOptions` carries
//! bytes from the `Sender` to the `Receiver`, which waits for a writer
//! when opened first and reads end-of-file once the sender is dropped; opening a sender with no reader fails with
//! `ENXIO`; a file that is not a FIFO is refused; an anonymous `pipe()`
//! carries bytes between two tasks.

use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::Duration;

use crate::io_support::{pattern, runtime, watchdog, TempDir};
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::unix::pipe;

/// Bound on each test (they take milliseconds when rt is right).
const LIMIT: Duration = Duration::from_secs(60);
/// Chunks written through the pipe: enough to fill its 64 KiB buffer
/// several times, so the writer waits for the reader.
const CHUNKS: u32 = 2_000;

fn mkfifo(path: &Path) {
    let c_path = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c_path` is a NUL-terminated string alive across the call.
    let ret = unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) };
    assert_eq!(ret, 0, "mkfifo: {}", io::Error::last_os_error());
}

#[test]
fn fifo_carries_bytes_then_end_of_file_when_the_sender_drops() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let dir = TempDir::new("fifo");
        let path = dir.join("fifo");
        mkfifo(&path);
        rt.block_on(async {
            // No reader yet: the sender cannot open.
            let err = pipe::OpenOptions::new().open_sender(&path).unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::ENXIO), "{err}");

            let mut rx = pipe::OpenOptions::new().open_receiver(&path).unwrap();
            // No writer yet: a read waits for one, it does not see
            // end-of-file (a timeout is the expected outcome here).
            let mut first = [0; 1];
            let early = rt::time::timeout(Duration::from_millis(50), rx.read(&mut first)).await;
            assert!(early.is_err(), "read before any writer: {early:?}");
            let mut tx = pipe::OpenOptions::new().open_sender(&path).unwrap();

            let writer = rt::spawn(async move {
                let mut sent = Vec::new();
                for seq in 0..CHUNKS {
                    let chunk = pattern(0, seq);
                    tx.write_all(&chunk).await.unwrap();
                    sent.extend_from_slice(&chunk);
                }
                sent // `tx` drops here: the receiver sees end-of-file
            });

            let mut received = Vec::new();
            rx.read_to_end(&mut received).await.unwrap();
            let sent = writer.await.unwrap();
            assert_eq!(received.len(), sent.len());
            assert!(received == sent, "the bytes arrive in order, unchanged");
        });
    });
}

#[test]
fn a_file_that_is_not_a_fifo_is_refused() {
    watchdog(LIMIT, || {
        let rt = runtime(1);
        let dir = TempDir::new("fifo-not");
        let path = dir.join("plain");
        std::fs::write(&path, b"not a pipe").unwrap();
        rt.block_on(async {
            let err = pipe::OpenOptions::new().open_receiver(&path).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
            let file = std::fs::File::open(&path).unwrap();
            let err = pipe::Receiver::from_file(file).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
        });
    });
}

#[test]
fn anonymous_pipe_between_two_tasks() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let (mut tx, mut rx) = pipe::pipe().unwrap();
            let writer = rt::spawn(async move {
                for seq in 0..CHUNKS {
                    tx.write_all(&pattern(1, seq)).await.unwrap();
                }
            });
            for seq in 0..CHUNKS {
                let expected = pattern(1, seq);
                let mut buf = vec![0; expected.len()];
                rx.read_exact(&mut buf).await.unwrap();
                assert!(buf == expected, "chunk {seq}");
            }
            writer.await.unwrap();
            let mut rest = Vec::new();
            rx.read_to_end(&mut rest).await.unwrap();
            assert!(rest.is_empty());
        });
    });
}
