//! In-memory pipes: [`simplex`] (one direction) and [`duplex`] (two).
//!
//! The protocol, written once here: a pipe is a [`SimplexStream`], a
//! bounded byte queue with a `closed` mark and at most one waiting reader
//! and one waiting writer (their wakers), behind a mutex when shared. A
//! read takes what is queued (`Pending`, its waker stored, if nothing is
//! and the pipe is open; end of file if it is closed and drained) and
//! wakes the waiting writer; a write queues what fits under the bound
//! (`Pending` if nothing does; `BrokenPipe` once closed) and wakes the
//! waiting reader. Closing (the writer's shutdown, either end's drop)
//! wakes both. Wakers are woken, and replaced ones dropped, after the lock is
//! released (dropping a waker may drop the other end, which locks). Every read
//! and write takes one unit of the task's cooperative budget
//! (`rt_core::coop`) and spends it if it returns `Ready`, so a loop over a
//! pipe that never fills still yields to the worker's other tasks.

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

use rt_core::coop;
use rt_core::loom::{Arc, Mutex};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf, ReadHalf, WriteHalf};

/// One direction of an in-memory pipe: a bounded byte queue. Made by
/// [`simplex`] (split in a reading and a writing half), by
/// [`SimplexStream::new_unsplit`], or, two of them, inside [`duplex`].
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt, SimplexStream};
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut pipe = SimplexStream::new_unsplit(16);
/// pipe.write_all(b"loop").await?;
/// let mut buf = [0; 4];
/// pipe.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"loop");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct SimplexStream {
    queue: VecDeque<u8>,
    max_buf_size: usize,
    closed: bool,
    reader: Option<Waker>,
    writer: Option<Waker>,
}

/// The wakers a pipe operation releases, woken or dropped only after the
/// lock is released: a woken task on another worker would contend for it,
/// and dropping a waker runs arbitrary code (it may own the other end of
/// this very pipe, whose drop takes the lock).
#[derive(Default)]
struct Released {
    wake: [Option<Waker>; 2],
    /// A waker replaced by a newer one of the same end: dropped, not woken.
    stale: Option<Waker>,
}

impl Released {
    fn waking(waker: Option<Waker>) -> Released {
        Released {
            wake: [waker, None],
            stale: None,
        }
    }

    fn stale(waker: Option<Waker>) -> Released {
        Released {
            wake: [None, None],
            stale: waker,
        }
    }

    /// Called with the lock released.
    fn finish(self) {
        for waker in self.wake.into_iter().flatten() {
            waker.wake();
        }
        drop(self.stale);
    }
}

impl SimplexStream {
    /// A pipe holding at most `max_buf_size` bytes, not split: reading
    /// and writing go through the one value.
    ///
    /// # Panics
    ///
    /// If `max_buf_size` is 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{split, SimplexStream};
    ///
    /// let (reader, writer) = split(SimplexStream::new_unsplit(1024));
    /// # drop((reader, writer));
    /// ```
    #[track_caller]
    pub fn new_unsplit(max_buf_size: usize) -> SimplexStream {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        SimplexStream {
            queue: VecDeque::new(),
            max_buf_size,
            closed: false,
            reader: None,
            writer: None,
        }
    }

    /// Marks the pipe closed; releases both waiting wakers.
    fn close(&mut self) -> Released {
        self.closed = true;
        Released {
            wake: [self.reader.take(), self.writer.take()],
            stale: None,
        }
    }

    fn read_queued(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> (Poll<io::Result<()>>, Released) {
        if buf.remaining() == 0 {
            return (Poll::Ready(Ok(())), Released::default());
        }
        if self.queue.is_empty() {
            if self.closed {
                return (Poll::Ready(Ok(())), Released::default()); // end of file
            }
            return (Poll::Pending, Released::stale(store(&mut self.reader, cx)));
        }
        let n = self.queue.len().min(buf.remaining());
        let (front, back) = self.queue.as_slices();
        let from_front = n.min(front.len());
        buf.put_slice(&front[..from_front]);
        buf.put_slice(&back[..n - from_front]);
        self.queue.drain(..n);
        (Poll::Ready(Ok(())), Released::waking(self.writer.take()))
    }

    fn write_queued(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[&[u8]],
    ) -> (Poll<io::Result<usize>>, Released) {
        if self.closed {
            return (
                Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
                Released::default(),
            );
        }
        if bufs.iter().all(|b| b.is_empty()) {
            return (Poll::Ready(Ok(0)), Released::default());
        }
        let room = self.max_buf_size - self.queue.len();
        if room == 0 {
            return (Poll::Pending, Released::stale(store(&mut self.writer, cx)));
        }
        let mut left = room;
        for b in bufs {
            let n = b.len().min(left);
            self.queue.extend(&b[..n]);
            left -= n;
            if left == 0 {
                break;
            }
        }
        (
            Poll::Ready(Ok(room - left)),
            Released::waking(self.reader.take()),
        )
    }
}

/// Stores `cx`'s waker in `slot` unless the same task's is already there;
/// returns the one it replaced (to be dropped outside the lock).
fn store(slot: &mut Option<Waker>, cx: &Context<'_>) -> Option<Waker> {
    match slot {
        Some(waker) if waker.will_wake(cx.waker()) => None,
        _ => slot.replace(cx.waker().clone()),
    }
}

/// A pipe operation under the budget: `op` runs only with a unit taken,
/// which it spends if it returns `Ready`; the wakers it released are woken
/// or dropped once `op` (and any lock it held) is done.
fn budgeted<T>(
    cx: &mut Context<'_>,
    op: impl FnOnce(&mut Context<'_>) -> (Poll<T>, Released),
) -> Poll<T> {
    let unit = ready!(coop::poll_proceed(cx));
    let (result, released) = op(cx);
    if result.is_ready() {
        unit.made_progress();
    }
    released.finish();
    result
}

fn slices<'a>(bufs: &'a [IoSlice<'a>]) -> Vec<&'a [u8]> {
    bufs.iter().map(|b| &**b).collect()
}

impl AsyncRead for SimplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        budgeted(cx, |cx| this.read_queued(cx, buf))
    }
}

impl AsyncWrite for SimplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        budgeted(cx, |cx| this.write_queued(cx, &[buf]))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        budgeted(cx, |cx| this.write_queued(cx, &slices(bufs)))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().close().finish();
        Poll::Ready(Ok(()))
    }
}

/// A one-way in-memory pipe holding at most `max_buf_size` bytes, as a
/// reading and a writing half. The reader reads end of file once the
/// writer is shut down or dropped and the bytes queued are read; the
/// writer gets `BrokenPipe` once the reader is dropped.
///
/// # Panics
///
/// If `max_buf_size` is 0.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # rt::Runtime::new()?.block_on(async {
/// let (mut reader, mut writer) = rt::io::simplex(8);
/// let producer = rt::spawn(async move {
///     writer.write_all(b"more than eight bytes").await?;
///     writer.shutdown().await
/// });
/// let mut all = String::new();
/// reader.read_to_string(&mut all).await?;
/// assert_eq!(all, "more than eight bytes");
/// producer.await??;
/// # std::io::Result::Ok(()) })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[track_caller]
pub fn simplex(max_buf_size: usize) -> (ReadHalf<SimplexStream>, WriteHalf<SimplexStream>) {
    tokio::io::split(SimplexStream::new_unsplit(max_buf_size))
}

/// One end of an in-memory two-way pipe made by [`duplex`]: it reads what
/// the other end writes and writes what the other end reads.
///
/// Shutting it down makes the other end read end of file (after what was
/// queued); dropping it does that too, and makes the other end's writes
/// fail with `BrokenPipe`.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncWriteExt, DuplexStream};
///
/// # rt::Runtime::new()?.block_on(async {
/// let (mut a, _b): (DuplexStream, DuplexStream) = rt::io::duplex(64);
/// a.write_all(b"queued for b").await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct DuplexStream {
    /// The pipe this end reads from (the other end's `write`).
    read: Arc<Mutex<SimplexStream>>,
    /// The pipe this end writes to (the other end's `read`).
    write: Arc<Mutex<SimplexStream>>,
}

/// Two connected ends of an in-memory two-way pipe; each direction holds
/// at most `max_buf_size` bytes (a write waits for the reader when full).
///
/// # Panics
///
/// If `max_buf_size` is 0.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # rt::Runtime::new()?.block_on(async {
/// let (mut client, mut server) = rt::io::duplex(64);
/// client.write_all(b"ping").await?;
/// let mut buf = [0; 4];
/// server.read_exact(&mut buf).await?;
/// server.write_all(b"pong").await?;
/// client.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"pong");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn duplex(max_buf_size: usize) -> (DuplexStream, DuplexStream) {
    let one = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));
    let two = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));
    (
        DuplexStream {
            read: one.clone(),
            write: two.clone(),
        },
        DuplexStream {
            read: two,
            write: one,
        },
    )
}

impl AsyncRead for DuplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        budgeted(cx, |cx| self.read.lock().read_queued(cx, buf))
    }
}

impl AsyncWrite for DuplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        budgeted(cx, |cx| self.write.lock().write_queued(cx, &[buf]))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let bufs = slices(bufs);
        budgeted(cx, |cx| self.write.lock().write_queued(cx, &bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        let released = self.write.lock().close();
        released.finish();
        Poll::Ready(Ok(()))
    }
}

impl Drop for DuplexStream {
    fn drop(&mut self) {
        // Both directions end: the other end reads end of file after what
        // is queued, and its writes fail.
        let released = self.write.lock().close();
        released.finish();
        let released = self.read.lock().close();
        released.finish();
    }
}
