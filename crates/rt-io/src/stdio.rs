//! [`stdin`], [`stdout`] and [`stderr`]: the process's standard streams on
//! the runtime's blocking pool, as tokio's.
//!
//! The protocol, written once here: a handle ([`Blocking`]) is either
//! idle, owning the std handle and a byte buffer, or busy, having moved
//! both into one `spawn_blocking` task, whose `JoinHandle` it holds and
//! which hands them back with the result. So at most one blocking
//! operation per handle is outstanding, and nothing is shared. A read
//! sends the buffer to be filled by one `read` of the std handle (at most
//! what the caller asked for, capped at [`MAX_BUF`]) and later copies out
//! of it, keeping what the caller had no room for for the next read. A
//! write copies the caller's bytes (at most [`MAX_BUF`]) into the buffer,
//! starts a `write_all` of them and reports them written at once; an error
//! of that write is reported by the next write, flush or shutdown. A flush
//! waits for the outstanding write, then runs the std handle's `flush`.
//! Because the work is plain blocking `read`/`write` calls, the streams
//! work whatever they are: a terminal, a pipe, a regular file.
//!
//! A read of stdin cannot be cancelled: dropping the `Stdin` (or the
//! future reading it) leaves the blocking task waiting for input, which
//! keeps a blocking-pool thread (and, at shutdown, the runtime) waiting.

use std::fmt;
use std::future::Future;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use rt_pool::JoinHandle;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The most bytes one blocking read or write moves (tokio's bound).
const MAX_BUF: usize = 2 * 1024 * 1024;

/// The operation a blocking task ran, with its result.
#[derive(Debug)]
enum Done {
    Read(io::Result<()>),
    Write(io::Result<()>),
    Flush(io::Result<()>),
}

/// What the blocking task hands back: the result, the buffer, the handle.
type Returned<T> = (Done, Vec<u8>, T);

#[derive(Debug)]
enum State<T> {
    /// The handle and the buffer, here; `buf[pos..]` are bytes read and
    /// not yet handed to the caller.
    Idle { inner: T, buf: Vec<u8>, pos: usize },
    /// Both are with the blocking task.
    Busy(JoinHandle<Returned<T>>),
    /// Only while moving between the two (or if a blocking task panicked).
    Gone,
}

/// A std handle driven on the blocking pool (see the module docs).
#[derive(Debug)]
struct Blocking<T> {
    state: State<T>,
    /// A write was started since the last flush.
    need_flush: bool,
}

impl<T: Send + 'static> Blocking<T> {
    fn new(inner: T) -> Self {
        Blocking {
            state: State::Idle {
                inner,
                buf: Vec::new(),
                pos: 0,
            },
            need_flush: false,
        }
    }

    /// Waits for the outstanding blocking task, if any; back to idle.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Done>>> {
        let State::Busy(task) = &mut self.state else {
            return Poll::Ready(Ok(None));
        };
        let joined = ready!(Pin::new(task).poll(cx));
        match joined {
            Ok((done, buf, inner)) => {
                self.state = State::Idle { inner, buf, pos: 0 };
                Poll::Ready(Ok(Some(done)))
            }
            Err(err) => {
                self.state = State::Gone;
                Poll::Ready(Err(err.into()))
            }
        }
    }

    /// Moves the handle and the buffer into a blocking task running `op`.
    fn start(&mut self, op: impl FnOnce(&mut T, &mut Vec<u8>) -> Done + Send + 'static) {
        let State::Idle {
            mut inner, mut buf, ..
        } = std::mem::replace(&mut self.state, State::Gone)
        else {
            unreachable!("started a blocking operation while one was outstanding")
        };
        self.state = State::Busy(rt_pool::spawn_blocking(move || {
            let done = op(&mut inner, &mut buf);
            (done, buf, inner)
        }));
    }

    /// A write error left by an earlier write is reported now.
    fn write_error(done: Option<Done>) -> io::Result<()> {
        match done {
            Some(Done::Write(result) | Done::Flush(result)) => result,
            Some(Done::Read(_)) | None => Ok(()),
        }
    }

    fn gone() -> io::Error {
        io::Error::other("a blocking operation of this handle panicked")
    }
}

impl<T: Read + Send + 'static> Blocking<T> {
    fn poll_read(&mut self, cx: &mut Context<'_>, dst: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if let Some(Done::Read(result)) = ready!(self.poll_idle(cx))? {
            // A read just finished: its bytes, or its error, go out now.
            result?;
            return self.copy_out(dst);
        }
        match &self.state {
            State::Idle { buf, pos, .. } if *pos < buf.len() => {
                return self.copy_out(dst);
            }
            State::Idle { .. } => {}
            State::Busy(_) => unreachable!("poll_idle returned with a task outstanding"),
            State::Gone => return Poll::Ready(Err(Self::gone())),
        }
        if dst.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        let want = dst.remaining().min(MAX_BUF);
        self.start(move |inner, buf| {
            buf.clear();
            buf.resize(want, 0);
            let result = loop {
                match inner.read(buf) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    result => break result,
                }
            };
            buf.truncate(*result.as_ref().unwrap_or(&0));
            Done::Read(result.map(drop))
        });
        // Poll the task once: it registers the waker (or is done already).
        self.poll_read(cx, dst)
    }

    /// Copies buffered bytes into `dst` (none: end of file); the read is
    /// done.
    fn copy_out(&mut self, dst: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if let State::Idle { buf, pos, .. } = &mut self.state {
            let n = (buf.len() - *pos).min(dst.remaining());
            dst.put_slice(&buf[*pos..*pos + n]);
            *pos += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: Write + Send + 'static> Blocking<T> {
    fn poll_write(&mut self, cx: &mut Context<'_>, src: &[u8]) -> Poll<io::Result<usize>> {
        Self::write_error(ready!(self.poll_idle(cx))?)?;
        let State::Idle { buf, .. } = &mut self.state else {
            return Poll::Ready(Err(Self::gone()));
        };
        if src.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let n = src.len().min(MAX_BUF);
        buf.clear();
        buf.extend_from_slice(&src[..n]);
        self.start(|inner, buf| {
            let result = inner.write_all(buf);
            buf.clear();
            Done::Write(result)
        });
        self.need_flush = true;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            Self::write_error(ready!(self.poll_idle(cx))?)?;
            if let State::Gone = self.state {
                return Poll::Ready(Err(Self::gone()));
            }
            if !self.need_flush {
                return Poll::Ready(Ok(()));
            }
            self.need_flush = false;
            self.start(|inner, _| Done::Flush(inner.flush()));
        }
    }
}

macro_rules! std_stream {
    (
        $(#[$doc:meta])* $name:ident, $ctor:ident, $std:ident, $fd:expr_2021;
        $(#[$ctor_doc:meta])*
    ) => {
        $(#[$doc])*
        pub struct $name {
            inner: Blocking<io::$std>,
        }

        $(#[$ctor_doc])*
        pub fn $ctor() -> $name {
            $name {
                inner: Blocking::new(io::$ctor()),
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }

        impl AsRawFd for $name {
            fn as_raw_fd(&self) -> RawFd {
                $fd
            }
        }

        impl AsFd for $name {
            fn as_fd(&self) -> BorrowedFd<'_> {
                // SAFETY: the standard stream descriptors are open for the
                // whole process (std never closes them), so the borrow
                // outlives no descriptor.
                unsafe { BorrowedFd::borrow_raw($fd) }
            }
        }
    };
}

std_stream! {
    /// The process's standard input, read on the blocking pool: see
    /// [`stdin`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt::io::{AsyncBufReadExt, BufReader};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut lines = BufReader::new(rt::io::stdin()).lines();
    /// while let Some(line) = lines.next_line().await? {
    ///     println!("read: {line}");
    /// }
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    Stdin, stdin, Stdin, 0;
    /// The process's standard input as an [`AsyncRead`]: each read runs one
    /// blocking `read` on the runtime's blocking pool (at most one at a
    /// time per handle), so it works whether stdin is a terminal, a pipe or
    /// a file. A read cannot be cancelled once started: dropping the
    /// handle leaves it blocked until input comes. For interactive input
    /// prefer one `Stdin` for the whole program.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt::io::AsyncReadExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut input = String::new();
    /// rt::io::stdin().read_to_string(&mut input).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
}

std_stream! {
    /// The process's standard output, written on the blocking pool: see
    /// [`stdout`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut out: rt::io::Stdout = rt::io::stdout();
    /// out.write_all(b"hello\n").await?;
    /// out.flush().await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    Stdout, stdout, Stdout, 1;
    /// The process's standard output as an [`AsyncWrite`]: a write hands
    /// a copy of the bytes to one blocking `write_all` on the runtime's
    /// blocking pool and returns (an error of it comes back from the next
    /// write or flush); `flush` waits for it and flushes. Works whether
    /// stdout is a terminal, a pipe or a file. Flush before the runtime
    /// shuts down, or the last bytes may not be written.
    ///
    /// Writes of different handles (or of `println!`) may interleave.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut out = rt::io::stdout();
    /// out.write_all(b"one line\n").await?;
    /// out.flush().await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
}

std_stream! {
    /// The process's standard error, written on the blocking pool: see
    /// [`stderr`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut err: rt::io::Stderr = rt::io::stderr();
    /// err.write_all(b"warning\n").await?;
    /// err.flush().await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    Stderr, stderr, Stderr, 2;
    /// The process's standard error as an [`AsyncWrite`], as [`stdout`]
    /// does for standard output.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut err = rt::io::stderr();
    /// err.write_all(b"something went wrong\n").await?;
    /// err.flush().await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
}

impl AsyncRead for Stdin {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.get_mut().inner.poll_read(cx, buf)
    }
}

macro_rules! impl_write {
    ($name:ident) => {
        impl AsyncWrite for $name {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                self.get_mut().inner.poll_write(cx, buf)
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().inner.poll_flush(cx)
            }

            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().inner.poll_flush(cx)
            }
        }
    };
}

impl_write!(Stdout);
impl_write!(Stderr);
