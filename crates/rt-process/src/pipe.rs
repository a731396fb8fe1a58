//! The child's standard streams: pipes registered on the reactor.

use std::fmt;
use std::fs::File;
use std::io::{self, IoSlice, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::process::Stdio;
use std::task::{ready, Context, Poll};

use rt_io::{AsyncRead, AsyncWrite, ReadBuf};
use rt_reactor::Async;

/// One end of a pipe on the reactor (a `File` only for its `&File` I/O).
struct Pipe(Async<File>);

impl Pipe {
    #[track_caller]
    fn new(fd: OwnedFd) -> io::Result<Pipe> {
        Async::new(File::from(fd)).map(Pipe)
    }

    /// Reads into the unfilled part of `buf` without initialising it.
    fn poll_read(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        // SAFETY: `unfilled_mut` is sound here: only `read(2)` writes there; the part
        // it wrote is marked initialised below, nothing is de-initialised.
        let unfilled = unsafe { buf.unfilled_mut() };
        let n = ready!(self.0.poll_read_with(cx, |file| {
            // SAFETY: `unfilled` is valid for `len` bytes of writes for the
            // whole call (borrowed from `buf`), and the descriptor is open
            // (owned by `file`).
            let n = unsafe {
                libc::read(
                    file.as_raw_fd(),
                    unfilled.as_mut_ptr().cast(),
                    unfilled.len(),
                )
            };
            if n < 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(n as usize)
            }
        }))?;
        // SAFETY: the kernel initialised the first `n` unfilled bytes.
        unsafe { buf.assume_init(n) };
        buf.advance(n);
        Poll::Ready(Ok(()))
    }

    /// Back to a blocking descriptor, off the reactor.
    fn into_owned_fd(self) -> io::Result<OwnedFd> {
        let file = self.0.into_inner()?;
        let fd = OwnedFd::from(file);
        set_blocking(fd.as_fd())?;
        Ok(fd)
    }
}

fn set_blocking(fd: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: `fd` is borrowed, so open for both calls.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    let rc = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK) };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

macro_rules! pipe_type {
    ($(#[$doc:meta])* $name:ident, $std:ty) => {
        $(#[$doc])*
        pub struct $name {
            inner: Pipe,
        }

        impl $name {
            /// Wraps std's handle: puts it in non-blocking mode and
            /// registers it with the current runtime's reactor.
            ///
            /// # Errors
            ///
            /// If the descriptor cannot be made non-blocking or registered.
            ///
            /// # Panics
            ///
            /// Outside the context of a runtime.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::process::Stdio;
            ///
            /// # rt::Runtime::new()?.block_on(async {
            /// let mut std_child = std::process::Command::new("true")
            ///     .stdin(Stdio::piped())
            ///     .stdout(Stdio::piped())
            ///     .stderr(Stdio::piped())
            ///     .spawn()?;
            #[doc = concat!(" let pipe = rt::process::", stringify!($name), "::from_std(")]
            #[doc = concat!("     std_child.", pipe_type!(@field $name), ".take().unwrap(),")]
            /// )?;
            /// # drop(pipe);
            /// std_child.wait()?;
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            #[track_caller]
            pub fn from_std(inner: $std) -> io::Result<Self> {
                Ok($name { inner: Pipe::new(OwnedFd::from(inner))? })
            }

            /// Deregisters the pipe and returns its descriptor, in
            /// blocking mode again (to hand to std or another process).
            ///
            /// # Errors
            ///
            /// If the descriptor cannot be made blocking.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::process::Stdio;
            ///
            /// # rt::Runtime::new()?.block_on(async {
            /// let mut child = rt::process::Command::new("true")
            #[doc = concat!("     .", pipe_type!(@field $name), "(Stdio::piped())")]
            ///     .spawn()?;
            #[doc = concat!(" let pipe = child.", pipe_type!(@field $name), ".take().unwrap();")]
            /// let fd: std::os::fd::OwnedFd = pipe.into_owned_fd()?;
            /// # drop(fd);
            /// child.wait().await?;
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
                self.inner.into_owned_fd()
            }
        }

        impl TryInto<Stdio> for $name {
            type Error = io::Error;

            fn try_into(self) -> Result<Stdio, io::Error> {
                self.into_owned_fd().map(Stdio::from)
            }
        }

        impl AsRawFd for $name {
            fn as_raw_fd(&self) -> RawFd {
                self.inner.0.as_raw_fd()
            }
        }

        impl AsFd for $name {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.inner.0.as_fd()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("fd", &self.as_raw_fd())
                    .finish()
            }
        }
    };
    (@field ChildStdin) => { "stdin" };
    (@field ChildStdout) => { "stdout" };
    (@field ChildStderr) => { "stderr" };
}

pipe_type!(
    /// The child's standard input, written through
    /// [`AsyncWrite`](rt_io::AsyncWrite) (a pipe on the reactor).
    ///
    /// Dropping it closes the pipe: the child reads end of file.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::process::Stdio;
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut child = rt::process::Command::new("cat")
    ///     .stdin(Stdio::piped())
    ///     .stdout(Stdio::piped())
    ///     .spawn()?;
    /// let mut stdin = child.stdin.take().unwrap();
    /// stdin.write_all(b"meow").await?;
    /// drop(stdin); // end of file for cat
    /// let mut echoed = String::new();
    /// child.stdout.take().unwrap().read_to_string(&mut echoed).await?;
    /// assert_eq!(echoed, "meow");
    /// assert!(child.wait().await?.success());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    ChildStdin,
    std::process::ChildStdin
);

pipe_type!(
    /// The child's standard output, read through
    /// [`AsyncRead`](rt_io::AsyncRead) (a pipe on the reactor).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::process::Stdio;
    /// use rt::io::AsyncReadExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut child = rt::process::Command::new("echo")
    ///     .arg("hello")
    ///     .stdout(Stdio::piped())
    ///     .spawn()?;
    /// let mut out = String::new();
    /// child.stdout.take().unwrap().read_to_string(&mut out).await?;
    /// assert_eq!(out, "hello\n");
    /// child.wait().await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    ChildStdout,
    std::process::ChildStdout
);

pipe_type!(
    /// The child's standard error, read through
    /// [`AsyncRead`](rt_io::AsyncRead) (a pipe on the reactor).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::process::Stdio;
    /// use rt::io::AsyncReadExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut child = rt::process::Command::new("sh")
    ///     .args(["-c", "echo oops >&2"])
    ///     .stderr(Stdio::piped())
    ///     .spawn()?;
    /// let mut err = String::new();
    /// child.stderr.take().unwrap().read_to_string(&mut err).await?;
    /// assert_eq!(err, "oops\n");
    /// child.wait().await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    ChildStderr,
    std::process::ChildStderr
);

impl AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.0.poll_write_with(cx, |mut file| file.write(buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner
            .0
            .poll_write_with(cx, |mut file| file.write_vectored(bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(())) // a pipe has no buffer of ours
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(())) // the pipe closes when dropped, as tokio's
    }
}

impl AsyncRead for ChildStdout {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner.poll_read(cx, buf)
    }
}

impl AsyncRead for ChildStderr {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner.poll_read(cx, buf)
    }
}
