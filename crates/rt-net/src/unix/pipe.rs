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
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::Relaxed;
use std::task::{ready, Context, Poll};

use bytes::BufMut;
use rt_reactor::{Async, Interest, Ready};

use crate::io_impls::{impl_futures_read, impl_tokio_read, impl_write};

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
pub struct Sender(PipeEnd);

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
pub struct Receiver(PipeEnd);

/// What both ends are: the registered descriptor, and the hint of
/// `try_io` (set when its closure returned `WouldBlock`, cleared when a
/// readiness wait returns; see the module doc).
///
/// The pipe's readiness is the kernel's, confirmed with `poll(2)`: the
/// waits are `Async::readable`/`writable` (the reactor's cached readiness,
/// then a zero-timeout `poll(2)`) or `probe` for their `poll_*` forms, and
/// `try_io` probes before it runs its closure. It does not use the cached
/// readiness word alone, as the sockets' `try_io` (`Async::try_io`) does,
/// for a concrete reason: the sockets' `try_*` methods clear that word on
/// `WouldBlock`, and their waits then wait for the reactor's next edge;
/// the pipe's `try_read`/`try_write` are plain syscalls that leave it
/// alone, and its waits re-check the kernel, so a readiness wait after a
/// `try_io` closure returned `WouldBlock` returns at once if the pipe is
/// ready after all (the suite's `unix_pipe_readiness` pins this; with
/// the word cleared, that wait would hang until data or room came again).
struct PipeEnd {
    io: Async<File>,
    /// Set when a `try_io` closure returned `WouldBlock`; cleared when a
    /// readiness wait returns.
    cleared: AtomicBool,
}

impl End {
    /// The `poll(2)` events of this end's direction.
    fn events(self) -> libc::c_short {
        match self {
            End::Sender => libc::POLLOUT,
            End::Receiver => libc::POLLIN,
        }
    }
}

impl PipeEnd {
    #[track_caller]
    fn register(fd: OwnedFd) -> io::Result<PipeEnd> {
        Ok(PipeEnd {
            io: register(fd)?,
            cleared: AtomicBool::new(false),
        })
    }

    /// `readable`/`writable`: waits until `end`'s direction is ready.
    async fn ready(&self, end: End) -> io::Result<()> {
        match end {
            End::Sender => self.io.writable().await?,
            End::Receiver => self.io.readable().await?,
        }
        self.cleared.store(false, Relaxed); // Relaxed: a hint, see `try_io` below.
        Ok(())
    }

    /// `Sender::ready`/`Receiver::ready`: waits for any readiness of
    /// `interest` and returns what was seen.
    async fn ready_for(&self, interest: Interest) -> io::Result<Ready> {
        let ready = self.io.ready(interest).await?;
        self.cleared.store(false, Relaxed); // Relaxed: a hint, see `try_io` below.
        Ok(ready)
    }

    /// `poll_write_ready`/`poll_read_ready`: `ready` as a poll, in the
    /// direction's single waker slot.
    fn poll_ready(&self, cx: &mut Context<'_>, end: End) -> Poll<io::Result<()>> {
        let events = end.events();
        ready!(match end {
            End::Sender => self.io.poll_write_with(cx, |file| probe(file, events)),
            End::Receiver => self.io.poll_read_with(cx, |file| probe(file, events)),
        })?;
        self.cleared.store(false, Relaxed); // Relaxed: a hint, see `try_io` below.
        Poll::Ready(Ok(()))
    }

    /// `try_io`: `f` runs only if `end`'s direction is ready (`poll(2)`)
    /// and no earlier `f` returned `WouldBlock` since the last readiness
    /// wait.
    fn try_io<R>(&self, end: End, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        // Relaxed: `cleared` publishes no memory; it only gates whether `f`
        // is tried, and a stale value costs one extra `WouldBlock` or one
        // extra try, both of which callers handle.
        if self.cleared.load(Relaxed) {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        probe(self.io.get_ref(), end.events())?;
        let result = f();
        if matches!(&result, Err(err) if err.kind() == io::ErrorKind::WouldBlock) {
            self.cleared.store(true, Relaxed); // Relaxed: see the load above.
        }
        result
    }

    fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        self.io.into_inner().map(OwnedFd::from)
    }

    fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        let fd = self.into_nonblocking_fd()?;
        set_blocking(&fd)?;
        Ok(fd)
    }
}

/// `impl_end!(Type, End::X, "write", "writing", "let (tx, _rx) = ...;", "tx",
/// "example of into_blocking_fd")`: what [`Sender`] and [`Receiver`] have
/// alike — the constructors from a descriptor or a file, the conversions
/// back to a descriptor, `AsRawFd`, `AsFd` and `Debug` — for `Type`, a
/// tuple struct around a [`PipeEnd`] for the direction `End::X`. The
/// setup of the examples makes a pipe and names this end `$var`.
macro_rules! impl_end {
    (
        $ty:ident,
        $end:expr,
        $rw:literal,
        $rwing:literal,
        $setup:literal,
        $var:literal,
        $blocking_example:literal
    ) => {
        impl $ty {
            #[track_caller]
            fn register(fd: OwnedFd) -> io::Result<$ty> {
                PipeEnd::register(fd).map($ty)
            }

            #[doc = concat!("Wraps an open pipe or FIFO ", $rw, " end, putting it in non-blocking")]
            /// mode.
            ///
            /// # Errors
            ///
            /// `InvalidInput` if the file is not a pipe or FIFO, or is not open for
            #[doc = concat!($rwing, ".")]
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
            #[doc = $setup]
            #[doc = concat!("let fd = ", $var, ".into_blocking_fd()?; // say, from another library")]
            #[doc = concat!("let ", $var, " = pipe::", stringify!($ty), "::from_owned_fd(fd)?;")]
            #[doc = concat!("# drop(", $var, ");")]
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            #[track_caller]
            pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<$ty> {
                check_end(&owned_fd, $end)?;
                $ty::register(owned_fd)
            }

            #[doc = concat!("[`from_owned_fd`](", stringify!($ty), "::from_owned_fd) for a [`File`].")]
            ///
            /// # Errors
            ///
            #[doc = concat!("As [`from_owned_fd`](", stringify!($ty), "::from_owned_fd).")]
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
            #[doc = concat!("assert!(rt::net::unix::pipe::", stringify!($ty), "::from_file(file).is_err());")]
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            #[track_caller]
            pub fn from_file(file: File) -> io::Result<$ty> {
                $ty::from_owned_fd(file.into())
            }

            /// Wraps a descriptor without checking that it is a pipe open for
            #[doc = concat!($rwing, " (it is still made non-blocking).")]
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
            /// use rt::net::unix::pipe;
            ///
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            #[doc = concat!("let fd = ", $var, ".into_nonblocking_fd()?;")]
            #[doc = concat!("let _", $var, " = pipe::", stringify!($ty), "::from_owned_fd_unchecked(fd)?;")]
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            #[track_caller]
            pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<$ty> {
                $ty::register(owned_fd)
            }

            #[doc = concat!(
                "[`from_owned_fd_unchecked`](", stringify!($ty),
                "::from_owned_fd_unchecked) for a\n[`File`]."
            )]
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
            /// use rt::net::unix::pipe;
            ///
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            #[doc = concat!("let file = std::fs::File::from(", $var, ".into_nonblocking_fd()?);")]
            #[doc = concat!("let _", $var, " = pipe::", stringify!($ty), "::from_file_unchecked(file)?;")]
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            #[track_caller]
            pub fn from_file_unchecked(file: File) -> io::Result<$ty> {
                $ty::register(file.into())
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
            #[doc = $blocking_example]
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
                self.0.into_blocking_fd()
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
            /// use rt::net::unix::pipe;
            ///
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            #[doc = concat!("let fd: std::os::fd::OwnedFd = ", $var, ".into_nonblocking_fd()?;")]
            /// # drop(fd);
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
                self.0.into_nonblocking_fd()
            }
        }

        impl AsRawFd for $ty {
            fn as_raw_fd(&self) -> RawFd {
                self.0.io.as_raw_fd()
            }
        }

        impl AsFd for $ty {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.0.io.as_fd()
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("fd", &self.as_raw_fd())
                    .finish()
            }
        }
    };
}

impl_end!(
    Sender,
    End::Sender,
    "write",
    "writing",
    "let (tx, _rx) = pipe::pipe()?;",
    "tx",
    "let (tx, _rx) = rt::net::unix::pipe::pipe()?;\n\
     let mut file = std::fs::File::from(tx.into_blocking_fd()?);\n\
     std::io::Write::write_all(&mut file, b\"blocking write\")?;"
);

impl_end!(
    Receiver,
    End::Receiver,
    "read",
    "reading",
    "let (_tx, rx) = pipe::pipe()?;",
    "rx",
    "let (tx, rx) = rt::net::unix::pipe::pipe()?;\n\
     tx.try_write(b\"x\")?;\n\
     drop(tx);\n\
     let mut file = std::fs::File::from(rx.into_blocking_fd()?);\n\
     let mut got = String::new();\n\
     std::io::Read::read_to_string(&mut file, &mut got)?;\n\
     assert_eq!(got, \"x\");"
);

impl Sender {
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
        self.0.ready_for(interest).await
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
        self.0.ready(End::Sender).await
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
        self.0.poll_ready(cx, End::Sender)
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
        self.0.io.get_ref().write(buf)
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
        self.0.io.get_ref().write_vectored(bufs)
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
        self.0.try_io(End::Sender, f)
    }
}

impl Receiver {
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
        self.0.ready_for(interest).await
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
        self.0.ready(End::Receiver).await
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
        self.0.poll_ready(cx, End::Receiver)
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
        self.0.io.get_ref().read(buf)
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
        self.0.io.get_ref().read_vectored(bufs)
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
        crate::ready::read_buf(self.as_raw_fd(), buf)
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
        self.0.try_io(End::Receiver, f)
    }
}

// A pipe has no half-close: closing does nothing (dropping the sender is
// the end-of-file).
impl_write!(
    futures_io::AsyncWrite, poll_close, {},
    [] Sender, |this| this.0.io, Ok(())
);
impl_write!(
    tokio::io::AsyncWrite, poll_shutdown, { fn is_write_vectored(&self) -> bool { true } },
    [] Sender, |this| this.0.io, Ok(())
);
impl_futures_read!([] Receiver, |this| this.0.io);
// `read(2)`: `recv(2)` refuses a pipe.
impl_tokio_read!([] Receiver, |this| this.0.io, poll_read_stream_uninit);

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
