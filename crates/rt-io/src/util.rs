//! [`empty`], [`repeat`] and [`sink`]: readers and writers that never wait.
//!
//! Because they never return `Pending` on their own, each operation takes
//! one unit of the task's cooperative budget (`rt_core::coop`) and spends
//! it: a loop over them returns `Pending` once the budget is spent, and
//! the task runs again after its worker's other tasks.

use std::fmt;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use rt_core::coop;
use tokio::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

/// Takes one unit of the budget and spends it (the operation is done).
fn spend_unit(cx: &mut Context<'_>) -> Poll<()> {
    ready!(coop::poll_proceed(cx)).made_progress();
    Poll::Ready(())
}

/// A reader at end of file and a writer that discards: see [`empty`].
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, Empty};
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut nothing: Empty = rt::io::empty();
/// assert_eq!(nothing.read(&mut [0; 8]).await?, 0);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Empty {
    _private: (),
}

/// A reader always at end of file (also an empty [`AsyncBufRead`]), a
/// writer that accepts and discards every byte, and a seek that always
/// lands at 0.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut buf = Vec::new();
/// assert_eq!(rt::io::empty().read_to_end(&mut buf).await?, 0);
/// assert_eq!(rt::io::empty().write(b"gone").await?, 4);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub fn empty() -> Empty {
    Empty { _private: () }
}

impl AsyncRead for Empty {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        _: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        ready!(spend_unit(cx));
        Poll::Ready(Ok(()))
    }
}

impl AsyncBufRead for Empty {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        ready!(spend_unit(cx));
        Poll::Ready(Ok(&[]))
    }

    fn consume(self: Pin<&mut Self>, _: usize) {}
}

/// Written to, `Empty` is a [`Sink`]: every byte accepted and dropped, one
/// budget unit per call.
impl AsyncWrite for Empty {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut sink()).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut sink()).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        sink().is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut sink()).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut sink()).poll_shutdown(cx)
    }
}

impl AsyncSeek for Empty {
    fn start_seek(self: Pin<&mut Self>, _: SeekFrom) -> io::Result<()> {
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        ready!(spend_unit(cx));
        Poll::Ready(Ok(0))
    }
}

impl fmt::Debug for Empty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("Empty { .. }")
    }
}

/// A reader that yields one byte forever: see [`repeat`].
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, Repeat};
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut sevens: Repeat = rt::io::repeat(7);
/// let mut buf = [0; 3];
/// sevens.read_exact(&mut buf).await?;
/// assert_eq!(buf, [7, 7, 7]);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct Repeat {
    byte: u8,
}

/// A reader that fills every buffer with `byte`, never reaching end of
/// file.
///
/// # Examples
///
/// ```
/// use rt::io::AsyncReadExt;
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut buf = Vec::new();
/// rt::io::repeat(b'z').take(4).read_to_end(&mut buf).await?;
/// assert_eq!(buf, b"zzzz");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub fn repeat(byte: u8) -> Repeat {
    Repeat { byte }
}

impl AsyncRead for Repeat {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        ready!(spend_unit(cx));
        let n = buf.remaining();
        buf.initialize_unfilled().fill(self.byte);
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

/// A writer that discards every byte: see [`sink`].
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncWriteExt, Sink};
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut nowhere: Sink = rt::io::sink();
/// nowhere.write_all(b"discarded").await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Sink {
    _private: (),
}

/// A writer that accepts every byte and discards it.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let mut reader: &[u8] = b"counted, then dropped";
/// let n = rt::io::copy(&mut reader, &mut rt::io::sink()).await?;
/// assert_eq!(n, 21);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub fn sink() -> Sink {
    Sink { _private: () }
}

impl AsyncWrite for Sink {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(spend_unit(cx));
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(spend_unit(cx));
        Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(spend_unit(cx));
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(spend_unit(cx));
        Poll::Ready(Ok(()))
    }
}

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("Sink { .. }")
    }
}
