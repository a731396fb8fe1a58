//! Unix pipes and FIFOs: [`Sender`] (the write end) and [`Receiver`] (the
//! read end), registered with the reactor like the sockets.
//!
//! An end comes from [`pipe()`] (an anonymous pair, for instance to hand one
//! end to a child process), from [`OpenOptions`] (a named FIFO made with
//! `mkfifo`), or from a descriptor the program already has
//! ([`Sender::from_file`], [`Receiver::from_owned_fd`], ...). Every end is
//! non-blocking and close-on-exec as rt creates it.
//!
//! What the kernel does with FIFOs shows through, as on tokio:
//! - opening a sender fails with `ENXIO` while no process has the FIFO open
//!   for reading (a receiver may open first: it does not wait for a
//!   writer);
//! - a receiver opened before any sender waits for one (a read is
//!   pending, not end-of-file); it reads end-of-file once every sender has
//!   closed. [`OpenOptions::read_write`] (Linux) opens the receiver for
//!   writing too, so it never sees end-of-file and keeps reading from
//!   writers that come and go.
//!
//! A new end assumes no readiness, as tokio's: `readable`/`writable` and
//! the first read or write through the io traits wait for the reactor's
//! first report (which comes at once for a ready pipe).
//!
//! Reads and writes go through `rt_reactor::Async`'s stream methods, the
//! same path as the sockets' (a short read clears the cached readiness).
//! `readable`/`writable` confirm the cached readiness with a zero-timeout
//! `poll(2)`; `try_read`/`try_write` are the plain non-blocking syscalls.
//! `try_io` runs its closure only when a `poll(2)` says the end is ready;
//! once a closure returns `WouldBlock`, later `try_io` calls return
//! `WouldBlock` without running it until a readiness wait (`readable`,
//! `writable`, `poll_*_ready`) returns, as tokio clears its readiness.
//!
//! # Examples
//!
//! ```
//! use rt::io::{AsyncReadExt, AsyncWriteExt};
//! use rt::net::unix::pipe;
//!
//! # rt::Runtime::new()?.block_on(async {
//! let (mut tx, mut rx) = pipe::pipe()?;
//! tx.write_all(b"through the pipe").await?;
//! drop(tx); // the receiver reads end-of-file after the data
//!
//! let mut got = String::new();
//! rx.read_to_string(&mut got).await?;
//! assert_eq!(got, "through the pipe");
//! # std::io::Result::Ok(()) })?;
//! # std::io::Result::Ok(())
//! ```

use std::fmt;
use std::fs::File;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::Relaxed;
use std::task::{ready, Context, Poll};

use bytes::BufMut;
use rt_reactor::{Async, Interest, Ready};

/// Creates an anonymous pipe (`pipe2(2)`, non-blocking and close-on-exec):
/// what is written to the [`Sender`] is read from the [`Receiver`].
///
/// # Errors
///
/// `EMFILE`/`ENFILE` when out of file descriptors.
///
/// # Panics
///
/// Panics outside the context of a runtime.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # rt::Runtime::new()?.block_on(async {
/// let (mut tx, mut rx) = rt::net::unix::pipe::pipe()?;
/// tx.write_all(b"ping").await?;
/// let mut buf = [0; 4];
/// rx.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn pipe() -> io::Result<(Sender, Receiver)> {
    let mut fds: [RawFd; 2] = [-1; 2];
    // SAFETY: `fds` is a local array of two descriptors, alive across the
    // call, which is what `pipe2` writes.
    let ret = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) };
    if ret != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `pipe2` succeeded, so both are open descriptors that nothing
    // else owns; each is wrapped exactly once.
    let (read_end, write_end) =
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    let sender = Sender::register(write_end)?;
    let receiver = Receiver::register(read_end)?;
    Ok((sender, receiver))
}

/// Options for opening a FIFO as a [`Sender`] or a [`Receiver`].
///
/// # Examples
///
/// ```
/// use rt::net::unix::pipe;
///
/// # rt::Runtime::new()?.block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-doc-{}-fifo-options", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// # assert!(std::process::Command::new("mkfifo").arg(&path).status()?.success());
/// // (made with `mkfifo`)
/// let rx = pipe::OpenOptions::new().open_receiver(&path)?;
/// let tx = pipe::OpenOptions::new().open_sender(&path)?;
/// # drop((rx, tx));
/// # std::fs::remove_file(&path)?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions {
    read_write: bool,
    unchecked: bool,
}

impl OpenOptions {
    /// The default options: open for one direction only, and check that
    /// the file is a FIFO.
    ///
    /// # Examples
    ///
    /// ```
    /// let options = rt::net::unix::pipe::OpenOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> OpenOptions {
        OpenOptions {
            read_write: false,
            unchecked: false,
        }
    }

    /// Opens the FIFO for reading and writing (`O_RDWR`, Linux). A
    /// receiver opened so never reads end-of-file (it is a writer itself)
    /// and a sender opened so never fails with `ENXIO` (it is a reader
    /// itself). Off by default.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::unix::pipe;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("rt-doc-{}-fifo-rw", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// # assert!(std::process::Command::new("mkfifo").arg(&path).status()?.success());
    /// // No reader yet, but the sender reads too: it opens.
    /// let tx = pipe::OpenOptions::new().read_write(true).open_sender(&path)?;
    /// # drop(tx);
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn read_write(&mut self, value: bool) -> &mut Self {
        self.read_write = value;
        self
    }

    /// Skips the check that the opened file is a FIFO (one `fstat` less;
    /// registering something else, such as a regular file, then fails or
    /// misbehaves). Off by default.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = rt::net::unix::pipe::OpenOptions::new();
    /// options.unchecked(true);
    /// ```
    pub fn unchecked(&mut self, value: bool) -> &mut Self {
        self.unchecked = value;
        self
    }

    /// Opens the FIFO at `path` as a [`Receiver`].
    ///
    /// # Errors
    ///
    /// `InvalidInput` if the file is not a FIFO (unless
    /// [`unchecked`](OpenOptions::unchecked)), or the error of `open(2)`.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    /// use rt::net::unix::pipe;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("rt-doc-{}-fifo-open-receiver", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// # assert!(std::process::Command::new("mkfifo").arg(&path).status()?.success());
    /// // (made with `mkfifo`)
    /// // A receiver may open before any sender: it waits for one.
    /// let rx = pipe::OpenOptions::new().open_receiver(&path)?;
    /// let mut tx = pipe::OpenOptions::new().open_sender(&path)?;
    /// tx.write_all(b"hi").await?;
    /// # drop(rx);
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn open_receiver<P: AsRef<Path>>(&self, path: P) -> io::Result<Receiver> {
        let file = self.open(path.as_ref(), End::Receiver)?;
        Receiver::register(file.into())
    }

    /// Opens the FIFO at `path` as a [`Sender`].
    ///
    /// # Errors
    ///
    /// `ENXIO` (`raw_os_error`) if no process has it open for reading,
    /// `InvalidInput` if the file is not a FIFO (unless
    /// [`unchecked`](OpenOptions::unchecked)), or the error of `open(2)`.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    /// use rt::net::unix::pipe;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("rt-doc-{}-fifo-open-sender", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// # assert!(std::process::Command::new("mkfifo").arg(&path).status()?.success());
    /// // (made with `mkfifo`)
    /// // No reader yet: a sender cannot open (ENXIO).
    /// assert!(pipe::OpenOptions::new().open_sender(&path).is_err());
    /// let _rx = pipe::OpenOptions::new().open_receiver(&path)?;
    /// let mut tx = pipe::OpenOptions::new().open_sender(&path)?;
    /// tx.write_all(b"hi").await?;
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn open_sender<P: AsRef<Path>>(&self, path: P) -> io::Result<Sender> {
        let file = self.open(path.as_ref(), End::Sender)?;
        Sender::register(file.into())
    }

    fn open(&self, path: &Path, end: End) -> io::Result<File> {
        let mut options = std::fs::OpenOptions::new();
        options
            .read(end == End::Receiver || self.read_write)
            .write(end == End::Sender || self.read_write)
            .custom_flags(libc::O_NONBLOCK);
        let file = options.open(path)?;
        if !self.unchecked && !is_fifo(&file)? {
            return Err(not_a_pipe());
        }
        Ok(file)
    }
}

impl Default for OpenOptions {
    fn default() -> OpenOptions {
        OpenOptions::new()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Sender,
    Receiver,
}

/// The write end of a pipe or FIFO.
///
/// Implements tokio's `AsyncWrite` (what `rt::io` exports) and futures-io's;
/// `shutdown`/`close` do nothing (drop the sender to close the pipe).
///
/// # Examples
///
/// ```
/// use rt::io::AsyncWriteExt;
///
/// # rt::Runtime::new()?.block_on(async {
/// let (mut tx, _rx) = rt::net::unix::pipe::pipe()?;
/// tx.write_all(b"hello").await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Sender {
    io: Async<File>,
    /// Set when a `try_io` closure returned `WouldBlock`; cleared when a
    /// readiness wait returns (see the module doc).
    cleared: AtomicBool,
}

/// The read end of a pipe or FIFO.
///
/// Implements tokio's `AsyncRead` (what `rt::io` exports) and futures-io's.
/// A read returns 0 (end-of-file) once no writer has the pipe open.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # rt::Runtime::new()?.block_on(async {
/// let (mut tx, mut rx) = rt::net::unix::pipe::pipe()?;
/// tx.write_all(b"hi").await?;
/// drop(tx);
/// let mut got = Vec::new();
/// rx.read_to_end(&mut got).await?;
/// assert_eq!(got, b"hi");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Receiver {
    io: Async<File>,
    /// Set when a `try_io` closure returned `WouldBlock`; cleared when a
    /// readiness wait returns (see the module doc).
    cleared: AtomicBool,
}

impl Sender {
    #[track_caller]
    fn register(fd: OwnedFd) -> io::Result<Sender> {
        Ok(Sender {
            io: register(fd)?,
            cleared: AtomicBool::new(false),
        })
    }

    /// Wraps an open pipe or FIFO write end, putting it in non-blocking
    /// mode.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if the file is not a pipe or FIFO, or is not open for
    /// writing.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::unix::pipe;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, _rx) = pipe::pipe()?;
    /// let fd = tx.into_blocking_fd()?; // say, from another library
    /// let tx = pipe::Sender::from_owned_fd(fd)?;
    /// # drop(tx);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<Sender> {
        check_end(&owned_fd, End::Sender)?;
        Sender::register(owned_fd)
    }

    /// [`from_owned_fd`](Sender::from_owned_fd) for a [`File`].
    ///
    /// # Errors
    ///
    /// As [`from_owned_fd`](Sender::from_owned_fd).
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let file = std::fs::File::open("/dev/null")?;
    /// // Not a pipe:
    /// assert!(rt::net::unix::pipe::Sender::from_file(file).is_err());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_file(file: File) -> io::Result<Sender> {
        Sender::from_owned_fd(file.into())
    }

    /// Wraps a descriptor without checking that it is a pipe open for
    /// writing (it is still made non-blocking).
    ///
    /// # Errors
    ///
    /// If the descriptor cannot be registered with the reactor.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, _rx) = rt::net::unix::pipe::pipe()?;
    /// let fd = tx.into_nonblocking_fd()?;
    /// let _tx = rt::net::unix::pipe::Sender::from_owned_fd_unchecked(fd)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<Sender> {
        Sender::register(owned_fd)
    }

    /// [`from_owned_fd_unchecked`](Sender::from_owned_fd_unchecked) for a
    /// [`File`].
    ///
    /// # Errors
    ///
    /// If the descriptor cannot be registered with the reactor.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, _rx) = rt::net::unix::pipe::pipe()?;
    /// let file = std::fs::File::from(tx.into_nonblocking_fd()?);
    /// let _tx = rt::net::unix::pipe::Sender::from_file_unchecked(file)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_file_unchecked(file: File) -> io::Result<Sender> {
        Sender::register(file.into())
    }

    /// Waits until any readiness of `interest` is cached for this end
    /// (for a sender: writable, or write-closed once the reader is gone)
    /// and returns the readiness seen. It may be stale: a `try_write` then
    /// returns `WouldBlock`. Cancel-safe.
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, _rx) = rt::net::unix::pipe::pipe()?;
    /// let ready = tx.ready(Interest::WRITABLE).await?;
    /// assert!(ready.is_writable());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        let ready = self.io.ready(interest).await?;
        self.cleared.store(false, Relaxed); // Relaxed: a hint, see `try_io` below.
        Ok(ready)
    }

    /// Waits until the pipe has room for a write (or the reader is gone:
    /// the write then fails with `BrokenPipe`).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, _rx) = rt::net::unix::pipe::pipe()?;
    /// tx.writable().await?;
    /// assert_eq!(tx.try_write(b"now")?, 3);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.io.writable().await?;
        self.cleared.store(false, Relaxed); // Relaxed: a hint, see `try_io` below.
        Ok(())
    }

    /// Polls for room to write, as [`writable`](Sender::writable); only the
    /// last task to poll is woken.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, _rx) = rt::net::unix::pipe::pipe()?;
    /// poll_fn(|cx| tx.poll_write_ready(cx)).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self
            .io
            .poll_write_with(cx, |file| probe(file, libc::POLLOUT)))?;
        self.cleared.store(false, Relaxed); // Relaxed: a hint, see `try_io` below.
        Poll::Ready(Ok(()))
    }

    /// Writes what fits in the pipe now, without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the pipe is full, `BrokenPipe` if no reader is left.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, rx) = rt::net::unix::pipe::pipe()?;
    /// assert_eq!(tx.try_write(b"abc")?, 3);
    /// let mut buf = [0; 3];
    /// rx.readable().await?;
    /// assert_eq!(rx.try_read(&mut buf)?, 3);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.get_ref().write(buf)
    }

    /// Writes from several buffers in turn, what fits now, without waiting.
    ///
    /// # Errors
    ///
    /// As [`try_write`](Sender::try_write).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::IoSlice;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, _rx) = rt::net::unix::pipe::pipe()?;
    /// let n = tx.try_write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])?;
    /// assert_eq!(n, 4);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.io.get_ref().write_vectored(bufs)
    }

    /// Runs `f`, an operation on the descriptor (through
    /// [`AsRawFd`]), if the pipe has room now; `WouldBlock` without calling
    /// it if not.
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or `f`'s error.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, _rx) = rt::net::unix::pipe::pipe()?;
    /// tx.writable().await?;
    /// // Any non-blocking operation on the descriptor; here none.
    /// let answer = tx.try_io(|| Ok(42))?;
    /// assert_eq!(answer, 42);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        try_io(&self.io, &self.cleared, libc::POLLOUT, f)
    }

    /// Deregisters the pipe end and returns its descriptor, in blocking
    /// mode (for std code or a child process).
    ///
    /// # Errors
    ///
    /// If the mode cannot be changed (`fcntl`).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, _rx) = rt::net::unix::pipe::pipe()?;
    /// let mut file = std::fs::File::from(tx.into_blocking_fd()?);
    /// std::io::Write::write_all(&mut file, b"blocking write")?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        let fd = self.into_nonblocking_fd()?;
        set_blocking(&fd)?;
        Ok(fd)
    }

    /// Deregisters the pipe end and returns its descriptor, still in
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// None today; `Result` for the deregistration's sake, as tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, _rx) = rt::net::unix::pipe::pipe()?;
    /// let fd: std::os::fd::OwnedFd = tx.into_nonblocking_fd()?;
    /// # drop(fd);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        self.io.into_inner().map(OwnedFd::from)
    }
}

impl Receiver {
    #[track_caller]
    fn register(fd: OwnedFd) -> io::Result<Receiver> {
        Ok(Receiver {
            io: register(fd)?,
            cleared: AtomicBool::new(false),
        })
    }

    /// Wraps an open pipe or FIFO read end, putting it in non-blocking
    /// mode.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if the file is not a pipe or FIFO, or is not open for
    /// reading.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::unix::pipe;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (_tx, rx) = pipe::pipe()?;
    /// let fd = rx.into_blocking_fd()?;
    /// let rx = pipe::Receiver::from_owned_fd(fd)?;
    /// # drop(rx);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<Receiver> {
        check_end(&owned_fd, End::Receiver)?;
        Receiver::register(owned_fd)
    }

    /// [`from_owned_fd`](Receiver::from_owned_fd) for a [`File`].
    ///
    /// # Errors
    ///
    /// As [`from_owned_fd`](Receiver::from_owned_fd).
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let file = std::fs::File::open("/dev/null")?;
    /// // Not a pipe:
    /// assert!(rt::net::unix::pipe::Receiver::from_file(file).is_err());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_file(file: File) -> io::Result<Receiver> {
        Receiver::from_owned_fd(file.into())
    }

    /// Wraps a descriptor without checking that it is a pipe open for
    /// reading (it is still made non-blocking).
    ///
    /// # Errors
    ///
    /// If the descriptor cannot be registered with the reactor.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (_tx, rx) = rt::net::unix::pipe::pipe()?;
    /// let fd = rx.into_nonblocking_fd()?;
    /// let _rx = rt::net::unix::pipe::Receiver::from_owned_fd_unchecked(fd)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<Receiver> {
        Receiver::register(owned_fd)
    }

    /// [`from_owned_fd_unchecked`](Receiver::from_owned_fd_unchecked) for a
    /// [`File`].
    ///
    /// # Errors
    ///
    /// If the descriptor cannot be registered with the reactor.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (_tx, rx) = rt::net::unix::pipe::pipe()?;
    /// let file = std::fs::File::from(rx.into_nonblocking_fd()?);
    /// let _rx = rt::net::unix::pipe::Receiver::from_file_unchecked(file)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_file_unchecked(file: File) -> io::Result<Receiver> {
        Receiver::register(file.into())
    }

    /// Waits until any readiness of `interest` is cached for this end
    /// (for a receiver: readable, or read-closed once every writer is
    /// gone) and returns the readiness seen. It may be stale: a `try_read`
    /// then returns `WouldBlock`. Cancel-safe.
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, rx) = rt::net::unix::pipe::pipe()?;
    /// tx.try_write(b"x")?;
    /// let ready = rx.ready(Interest::READABLE).await?;
    /// assert!(ready.is_readable());
    /// let mut buf = [0; 1];
    /// assert_eq!(rx.try_read(&mut buf)?, 1);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        let ready = self.io.ready(interest).await?;
        self.cleared.store(false, Relaxed); // Relaxed: a hint, see `try_io` below.
        Ok(ready)
    }

    /// Waits until a read would not block: data is there, or end-of-file.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, rx) = rt::net::unix::pipe::pipe()?;
    /// tx.try_write(b"x")?;
    /// rx.readable().await?;
    /// let mut buf = [0; 1];
    /// assert_eq!(rx.try_read(&mut buf)?, 1);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.io.readable().await?;
        self.cleared.store(false, Relaxed); // Relaxed: a hint, see `try_io` below.
        Ok(())
    }

    /// Polls for something to read, as [`readable`](Receiver::readable);
    /// only the last task to poll is woken.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, rx) = rt::net::unix::pipe::pipe()?;
    /// tx.try_write(b"x")?;
    /// poll_fn(|cx| rx.poll_read_ready(cx)).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.io.poll_read_with(cx, |file| probe(file, libc::POLLIN)))?;
        self.cleared.store(false, Relaxed); // Relaxed: a hint, see `try_io` below.
        Poll::Ready(Ok(()))
    }

    /// Reads what is in the pipe now, without waiting; `Ok(0)` is
    /// end-of-file (or an empty `buf`).
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the pipe is empty and a writer still has it open.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (_tx, rx) = rt::net::unix::pipe::pipe()?;
    /// let mut buf = [0; 8];
    /// let err = rx.try_read(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.get_ref().read(buf)
    }

    /// Reads into several buffers in turn, what is there now, without
    /// waiting.
    ///
    /// # Errors
    ///
    /// As [`try_read`](Receiver::try_read).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::IoSliceMut;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, rx) = rt::net::unix::pipe::pipe()?;
    /// tx.try_write(b"abcd")?;
    /// rx.readable().await?;
    /// let (mut a, mut b) = ([0; 2], [0; 2]);
    /// let n = rx.try_read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])?;
    /// assert_eq!((n, &a, &b), (4, b"ab", b"cd"));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.io.get_ref().read_vectored(bufs)
    }

    /// Reads what is in the pipe now into `buf`'s spare capacity, without
    /// waiting, and advances `buf` by the bytes read; `Ok(0)` is end-of-file
    /// (or no spare capacity).
    ///
    /// # Errors
    ///
    /// As [`try_read`](Receiver::try_read).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, rx) = rt::net::unix::pipe::pipe()?;
    /// tx.try_write(b"abc")?;
    /// rx.readable().await?;
    /// let mut buf = Vec::with_capacity(16);
    /// assert_eq!(rx.try_read_buf(&mut buf)?, 3);
    /// assert_eq!(buf, b"abc");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_read_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        let spare = buf.chunk_mut();
        // SAFETY: `read(2)` below only writes initialised bytes into the
        // spare capacity, never de-initialising any; the slice borrows
        // `buf`, alive for the whole call.
        let spare = unsafe { spare.as_uninit_slice_mut() };
        let fd = self.io.get_ref().as_raw_fd();
        // SAFETY: the pointer and length describe `spare`, writable memory
        // that `buf` keeps alive across the call; the descriptor is open
        // (owned by `self.io`).
        let n = unsafe { libc::read(fd, spare.as_mut_ptr().cast(), spare.len()) };
        let n = usize::try_from(n).map_err(|_| io::Error::last_os_error())?;
        // SAFETY: the kernel wrote the first `n` bytes of the spare
        // capacity, so they are initialised.
        unsafe { buf.advance_mut(n) };
        Ok(n)
    }

    /// Runs `f`, an operation on the descriptor (through [`AsRawFd`]), if
    /// the pipe has something to read now; `WouldBlock` without calling it
    /// if not.
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or `f`'s error.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, rx) = rt::net::unix::pipe::pipe()?;
    /// let err = rx.try_io(|| Ok(())).unwrap_err(); // nothing to read
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// tx.try_write(b"x")?;
    /// rx.readable().await?;
    /// rx.try_io(|| Ok(()))?; // called now
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        try_io(&self.io, &self.cleared, libc::POLLIN, f)
    }

    /// Deregisters the pipe end and returns its descriptor, in blocking
    /// mode (for std code or a child process).
    ///
    /// # Errors
    ///
    /// If the mode cannot be changed (`fcntl`).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, rx) = rt::net::unix::pipe::pipe()?;
    /// tx.try_write(b"x")?;
    /// drop(tx);
    /// let mut file = std::fs::File::from(rx.into_blocking_fd()?);
    /// let mut got = String::new();
    /// std::io::Read::read_to_string(&mut file, &mut got)?;
    /// assert_eq!(got, "x");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        let fd = self.into_nonblocking_fd()?;
        set_blocking(&fd)?;
        Ok(fd)
    }

    /// Deregisters the pipe end and returns its descriptor, still in
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// None today; `Result` for the deregistration's sake, as tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (_tx, rx) = rt::net::unix::pipe::pipe()?;
    /// let fd: std::os::fd::OwnedFd = rx.into_nonblocking_fd()?;
    /// # drop(fd);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        self.io.into_inner().map(OwnedFd::from)
    }
}

impl tokio::io::AsyncWrite for Sender {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_stream(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored_stream(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // No user-space buffer.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // A pipe has no half-close: dropping the sender is the end-of-file.
        Poll::Ready(Ok(()))
    }
}

impl futures_io::AsyncWrite for Sender {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_stream(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored_stream(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl tokio::io::AsyncRead for Receiver {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // SAFETY: `unfilled_mut` hands out the unfilled part, whose
        // initialised prefix must stay initialised: `read(2)` only writes
        // bytes into it; the slice borrows `buf`, which the caller keeps
        // alive for the whole call.
        let unfilled = unsafe { buf.unfilled_mut() };
        let n = ready!(self.io.poll_read_stream_uninit(cx, unfilled))?;
        // SAFETY: the kernel wrote the first `n` bytes of the unfilled part
        // (`poll_read_stream_uninit`'s contract), so they are initialised.
        unsafe { buf.assume_init(n) };
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

impl futures_io::AsyncRead for Receiver {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_read_stream(cx, buf)
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_read_vectored_stream(cx, bufs)
    }
}

impl AsRawFd for Sender {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for Sender {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl AsRawFd for Receiver {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for Receiver {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}

fn not_a_pipe() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a pipe or FIFO")
}

/// Whether the open file is a pipe or a FIFO.
fn is_fifo(file: &File) -> io::Result<bool> {
    Ok(file.metadata()?.file_type().is_fifo())
}

/// Checks that `fd` is a pipe open in the direction of `end`.
fn check_end(fd: &OwnedFd, end: End) -> io::Result<()> {
    // `metadata` through a duplicate, so that `fd` stays as it is.
    if !is_fifo(&File::from(fd.try_clone()?))? {
        return Err(not_a_pipe());
    }
    // SAFETY: `fcntl(F_GETFL)` only reads the flags of the descriptor,
    // which `fd` keeps open for the call.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    let mode = flags & libc::O_ACCMODE;
    let ok = match end {
        End::Sender => mode == libc::O_WRONLY || mode == libc::O_RDWR,
        End::Receiver => mode == libc::O_RDONLY || mode == libc::O_RDWR,
    };
    if ok {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            match end {
                End::Sender => "the pipe is not open for writing",
                End::Receiver => "the pipe is not open for reading",
            },
        ))
    }
}

/// `try_io` of both ends: `f` runs only if the end is ready (`poll(2)`)
/// and no earlier `f` returned `WouldBlock` since the last readiness wait.
fn try_io<R>(
    io: &Async<File>,
    cleared: &AtomicBool,
    events: libc::c_short,
    f: impl FnOnce() -> io::Result<R>,
) -> io::Result<R> {
    // Relaxed: `cleared` publishes no memory; it only gates whether `f` is
    // tried, and a stale value costs one extra `WouldBlock` or one extra
    // try, both of which callers handle.
    if cleared.load(Relaxed) {
        return Err(io::ErrorKind::WouldBlock.into());
    }
    probe(io.get_ref(), events)?;
    let result = f();
    if matches!(&result, Err(err) if err.kind() == io::ErrorKind::WouldBlock) {
        cleared.store(true, Relaxed); // Relaxed: see the load above.
    }
    result
}

/// A zero-timeout `poll(2)` for `events`: `Ok` if ready (or hung up, or in
/// error: the operation then reports it), `WouldBlock` if not.
fn probe(file: &File, events: libc::c_short) -> io::Result<()> {
    let mut pollfd = libc::pollfd {
        fd: file.as_raw_fd(),
        events,
        revents: 0,
    };
    // SAFETY: one `pollfd`, a local alive across the call; `file` keeps
    // the descriptor open.
    let ret = unsafe { libc::poll(&mut pollfd, 1, 0) };
    match ret {
        n if n < 0 => Err(io::Error::last_os_error()),
        0 => Err(io::ErrorKind::WouldBlock.into()),
        _ => Ok(()),
    }
}

/// Puts `fd` in non-blocking mode and registers it with no readiness
/// assumed: the first operation waits for the reactor's first report
/// (epoll reports the state at registration at once). A FIFO receiver
/// opened before any writer must not try a read up front: it would read
/// end-of-file, where it should wait for a writer.
#[track_caller]
fn register(fd: OwnedFd) -> io::Result<Async<File>> {
    // SAFETY: `fcntl(F_GETFL)` reads the flags of a descriptor `fd` keeps
    // open.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    if flags & libc::O_NONBLOCK == 0 {
        // SAFETY: `fcntl(F_SETFL)` changes the status flags of the same
        // open descriptor; no memory is passed.
        let ret = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) };
        if ret < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Async::new_nonblocking(File::from(fd), false)
}

/// Clears `O_NONBLOCK`.
fn set_blocking(fd: &OwnedFd) -> io::Result<()> {
    // SAFETY: `fcntl(F_GETFL)` reads the flags of a descriptor `fd` keeps
    // open.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fcntl(F_SETFL)` changes the status flags of the same open
    // descriptor; no memory is passed.
    let ret = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK) };
    if ret < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
