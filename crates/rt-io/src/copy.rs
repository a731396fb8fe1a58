//! `copy`, `copy_buf` and `copy_bidirectional`: moving bytes from a reader
//! to a writer, on rt's cooperative budget.
//!
//! The protocol, written once here: a copy owns a buffer ([`CopyBuffer`])
//! holding the bytes read and not yet written (`buf[start..end]`). Each
//! poll of a copy takes one unit of the task's budget
//! (`rt_core::coop::poll_proceed`) and spends it as soon as a read, write
//! or flush returns `Ready`; with no budget left the copy returns `Pending`
//! (the task is deferred), so a copy between two never-blocking ends (an
//! in-memory reader, [`sink`](crate::sink)) still lets its worker's other
//! tasks run. Within a poll it reads while the buffer has room (a larger
//! write next), writes out what it holds, and when the reader has nothing
//! and everything read was written, flushes the writer before waiting (a
//! buffered writer must not sit on bytes the peer waits for). At end of
//! file it writes out the rest, flushes, and resolves to the byte count.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use rt_core::coop;
use tokio::io::{AsyncBufRead, AsyncRead, AsyncWrite, ReadBuf};

/// The buffer size of [`copy`] and [`copy_bidirectional`] (tokio's).
pub(crate) const DEFAULT_BUF_SIZE: usize = 8 * 1024;

/// One direction of a copy: the bytes read and not yet written, and what
/// has been seen so far (see the module docs).
#[derive(Debug)]
pub(crate) struct CopyBuffer {
    buf: Box<[u8]>,
    /// The next byte to write.
    start: usize,
    /// One past the last byte read.
    end: usize,
    /// The reader returned end of file.
    eof: bool,
    /// Bytes were written since the last flush.
    unflushed: bool,
    /// Bytes written so far.
    total: u64,
}

impl CopyBuffer {
    pub(crate) fn new(size: usize) -> Self {
        CopyBuffer {
            buf: vec![0; size].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            unflushed: false,
            total: 0,
        }
    }

    /// Reads once more into the room after `end`; `Ready(Ok)` either added
    /// bytes or saw end of file.
    fn poll_read_more<R>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
    ) -> Poll<io::Result<()>>
    where
        R: AsyncRead + ?Sized,
    {
        let mut buf = ReadBuf::new(&mut self.buf);
        buf.set_filled(self.end);
        loop {
            match ready!(reader.as_mut().poll_read(cx, &mut buf)) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Poll::Ready(Err(e)),
                Ok(()) => break,
            }
        }
        let end = buf.filled().len();
        self.eof = end == self.end;
        self.end = end;
        Poll::Ready(Ok(()))
    }

    /// Copies until end of file (then flushes), spending the budget as the
    /// module docs say; resolves to the bytes written in all.
    pub(crate) fn poll_copy<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        let unit = ready!(coop::poll_proceed(cx));
        loop {
            if !self.eof && self.end < self.buf.len() {
                match self.poll_read_more(cx, reader.as_mut()) {
                    Poll::Ready(result) => {
                        unit.made_progress();
                        result?;
                    }
                    // Nothing to read: write what is held, or wait.
                    Poll::Pending if self.start == self.end => {
                        if self.unflushed {
                            ready!(writer.as_mut().poll_flush(cx))?;
                            unit.made_progress();
                            self.unflushed = false;
                        }
                        return Poll::Pending;
                    }
                    Poll::Pending => {}
                }
            }

            while self.start < self.end {
                let written = match writer
                    .as_mut()
                    .poll_write(cx, &self.buf[self.start..self.end])
                {
                    Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Poll::Ready(result) => result?,
                    Poll::Pending => {
                        // The writer is full: meanwhile fill the buffer's
                        // room, for a larger write when it drains.
                        if !self.eof && self.end < self.buf.len() {
                            ready!(self.poll_read_more(cx, reader.as_mut()))?;
                            unit.made_progress();
                        }
                        return Poll::Pending;
                    }
                };
                unit.made_progress();
                if written == 0 {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "the writer accepted zero bytes",
                    )));
                }
                assert!(
                    written <= self.end - self.start,
                    "the writer claims to have written more bytes than it was given"
                );
                self.start += written;
                self.total += written as u64;
                self.unflushed = true;
            }
            self.start = 0;
            self.end = 0;

            if self.eof {
                ready!(writer.as_mut().poll_flush(cx))?;
                unit.made_progress();
                self.unflushed = false;
                return Poll::Ready(Ok(self.total));
            }
        }
    }
}

/// Copies `reader` into `writer` until end of file, then flushes `writer`;
/// resolves to the number of bytes copied.
///
/// Reads go through a buffer of 8 KiB; [`copy_buf`] uses the reader's own
/// buffer instead. An error of either side ends the copy (`Interrupted` is
/// retried); a writer that accepts zero bytes is a `WriteZero` error. Each
/// poll takes a unit of the task's cooperative budget, so a copy between
/// two ends that never wait still yields to the worker's other tasks.
///
/// Not cancel-safe: bytes read but not yet written are lost if the future
/// is dropped.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let mut reader: &[u8] = b"hello";
/// let mut writer: Vec<u8> = Vec::new();
/// let copied = rt::io::copy(&mut reader, &mut writer).await?;
/// assert_eq!((copied, &writer[..]), (5, &b"hello"[..]));
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn copy<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> io::Result<u64>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut buf = CopyBuffer::new(DEFAULT_BUF_SIZE);
    poll_fn(|cx| buf.poll_copy(cx, Pin::new(&mut *reader), Pin::new(&mut *writer))).await
}

/// Copies a buffered `reader` into `writer` until end of file, through the
/// reader's own buffer (no buffer of its own), then flushes `writer`;
/// resolves to the number of bytes copied.
///
/// Errors, zero-byte writes and the budget as [`copy`]'s.
///
/// # Examples
///
/// ```
/// use rt::io::BufReader;
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut reader = BufReader::new(&b"buffered"[..]);
/// let mut writer: Vec<u8> = Vec::new();
/// assert_eq!(rt::io::copy_buf(&mut reader, &mut writer).await?, 8);
/// assert_eq!(writer, b"buffered");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn copy_buf<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> io::Result<u64>
where
    R: AsyncBufRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut total = 0u64;
    let mut unflushed = false;
    poll_fn(|cx| {
        let unit = ready!(coop::poll_proceed(cx));
        loop {
            let mut reader = Pin::new(&mut *reader);
            let chunk = match reader.as_mut().poll_fill_buf(cx) {
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Poll::Ready(result) => {
                    unit.made_progress();
                    result?
                }
                Poll::Pending => {
                    // Nothing to read: what was written must not sit in a
                    // buffered writer while we wait (see `copy`).
                    if unflushed {
                        ready!(Pin::new(&mut *writer).poll_flush(cx))?;
                        unflushed = false;
                    }
                    return Poll::Pending;
                }
            };
            if chunk.is_empty() {
                ready!(Pin::new(&mut *writer).poll_flush(cx))?;
                return Poll::Ready(Ok(total));
            }
            let written = match ready!(Pin::new(&mut *writer).poll_write(cx, chunk)) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                result => result?,
            };
            unit.made_progress();
            if written == 0 {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "the writer accepted zero bytes",
                )));
            }
            reader.consume(written);
            total += written as u64;
            unflushed = true;
        }
    })
    .await
}

/// Where one direction of [`copy_bidirectional`] is.
#[derive(Debug)]
enum Transfer {
    Copying(CopyBuffer),
    /// The reader ended and everything was written: shutting the writer
    /// down, so its peer reads end of file in turn.
    ShuttingDown(u64),
    Done(u64),
}

impl Transfer {
    fn poll<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        loop {
            match self {
                Transfer::Copying(buf) => {
                    let n = ready!(buf.poll_copy(cx, reader.as_mut(), writer.as_mut()))?;
                    *self = Transfer::ShuttingDown(n);
                }
                Transfer::ShuttingDown(n) => {
                    ready!(writer.as_mut().poll_shutdown(cx))?;
                    *self = Transfer::Done(*n);
                }
                Transfer::Done(n) => return Poll::Ready(Ok(*n)),
            }
        }
    }
}

/// Copies `a` into `b` and `b` into `a` at once, until both have reached
/// end of file; resolves to the bytes copied `(a to b, b to a)`.
///
/// When one side's reader ends, the other side's writer is flushed and
/// shut down (a half-close: its peer reads end of file) while the other
/// direction goes on. The first error of either direction ends both. The
/// buffers are 8 KiB each; [`copy_bidirectional_with_sizes`] sets them.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # rt::Runtime::new()?.block_on(async {
/// let (mut client, mut proxy_front) = rt::io::duplex(64);
/// let (mut proxy_back, mut server) = rt::io::duplex(64);
/// let proxy = rt::spawn(async move {
///     rt::io::copy_bidirectional(&mut proxy_front, &mut proxy_back).await
/// });
///
/// client.write_all(b"ping").await?;
/// client.shutdown().await?; // the server reads end of file
/// let mut request = Vec::new();
/// server.read_to_end(&mut request).await?;
/// server.write_all(b"pong").await?;
/// drop(server);
/// let mut reply = Vec::new();
/// client.read_to_end(&mut reply).await?;
///
/// assert_eq!((&request[..], &reply[..]), (&b"ping"[..], &b"pong"[..]));
/// assert_eq!(proxy.await??, (4, 4));
/// # std::io::Result::Ok(()) })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn copy_bidirectional<A, B>(a: &mut A, b: &mut B) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    copy_bidirectional_with_sizes(a, b, DEFAULT_BUF_SIZE, DEFAULT_BUF_SIZE).await
}

/// [`copy_bidirectional`] with the size of each direction's buffer.
///
/// # Panics
///
/// If either size is 0.
///
/// # Examples
///
/// ```
/// use rt::io::AsyncWriteExt;
///
/// # rt::Runtime::new()?.block_on(async {
/// let (mut a, mut a_peer) = rt::io::duplex(16);
/// let (mut b, mut b_peer) = rt::io::duplex(16);
/// a_peer.shutdown().await?;
/// b_peer.shutdown().await?;
/// let copied = rt::io::copy_bidirectional_with_sizes(&mut a, &mut b, 1024, 1024).await?;
/// assert_eq!(copied, (0, 0)); // both ended at once
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn copy_bidirectional_with_sizes<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b_buf_size: usize,
    b_to_a_buf_size: usize,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    assert!(
        a_to_b_buf_size > 0,
        "`a_to_b_buf_size` must be greater than 0"
    );
    assert!(
        b_to_a_buf_size > 0,
        "`b_to_a_buf_size` must be greater than 0"
    );
    let mut a_to_b = Transfer::Copying(CopyBuffer::new(a_to_b_buf_size));
    let mut b_to_a = Transfer::Copying(CopyBuffer::new(b_to_a_buf_size));
    poll_fn(|cx| {
        let forward = a_to_b.poll(cx, Pin::new(&mut *a), Pin::new(&mut *b))?;
        let backward = b_to_a.poll(cx, Pin::new(&mut *b), Pin::new(&mut *a))?;
        let forward = ready!(forward);
        let backward = ready!(backward);
        Poll::Ready(Ok((forward, backward)))
    })
    .await
}
