//! `Async<T>`: any file descriptor, awaitable.

use std::fmt;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::mem::MaybeUninit;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use std::future::poll_fn;
use std::task::ready;

use crate::reactor::{Direction, Registration, Waiter, READABLE, WRITABLE};

/// An I/O object registered with the reactor: its operations wait for
/// readiness instead of blocking.
///
/// [`Async::new`] puts the descriptor in non-blocking mode and registers it
/// with the current thread's reactor; dropping the `Async` deregisters it,
/// then closes the descriptor (drops `T`).
///
/// - [`read_with`](Async::read_with) / [`write_with`](Async::write_with) run
///   a non-blocking operation, waiting whenever it returns `WouldBlock`. Any
///   number of tasks may wait on one `Async` at once.
/// - [`readable`](Async::readable) / [`writable`](Async::writable) wait until
///   an operation would not block.
/// - `Async<T>` implements [`AsyncRead`](futures_io::AsyncRead) /
///   [`AsyncWrite`](futures_io::AsyncWrite) when `T: Read`/`T: Write`, and
///   `&Async<T>` does when `&T: Read`/`&T: Write` (sockets). Through these
///   `poll_*` methods, only the last task to poll a direction is woken: one
///   reader and one writer at a time. Closing only flushes: it cannot know
///   how to shut `T` down.
///
/// The readiness is cached (the reactor is edge-triggered), so an operation
/// done directly on [`get_ref`](Async::get_ref) that returns `WouldBlock`
/// does not reset it; `read_with`/`write_with` do. `readable`/`writable`
/// confirm the cached readiness with a zero-timeout `poll(2)`, so a loop of
/// `readable().await` and a direct read does not spin.
///
/// # Examples
///
/// A std socket made awaitable; its own operations run through
/// `read_with`/`write_with`:
///
/// ```
/// use std::os::unix::net::UnixDatagram;
/// use rt::io::Async;
///
/// # rt::Runtime::new()?.block_on(async {
/// let (a, b) = UnixDatagram::pair()?;
/// let (a, b) = (Async::new(a)?, Async::new(b)?);
/// a.write_with(|a| a.send(b"hello")).await?;
/// let mut buf = [0; 16];
/// let n = b.read_with(|b| b.recv(&mut buf)).await?;
/// assert_eq!(&buf[..n], b"hello");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
///
/// A stream through the io traits:
///
/// ```
/// use std::os::unix::net::UnixStream;
/// use rt::io::{Async, AsyncReadExt, AsyncWriteExt};
///
/// # rt::Runtime::new()?.block_on(async {
/// let (a, b) = UnixStream::pair()?;
/// let (mut a, mut b) = (Async::new(a)?, Async::new(b)?);
/// a.write_all(b"ping").await?;
/// let mut buf = [0; 4];
/// b.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Async<T> {
    // Declared before `io`, so it drops first: the descriptor is deregistered
    // while still open (`Registration::new`'s contract).
    registration: Registration,
    io: T,
}

// No field is ever pinned: `T` is only reached through `&T`/`&mut T`.
impl<T> Unpin for Async<T> {}

impl<T: AsFd> Async<T> {
    /// Puts `io` in non-blocking mode and registers it with the current
    /// thread's reactor.
    ///
    /// # Errors
    ///
    /// Fails if the descriptor cannot be made non-blocking or registered
    /// (for instance a regular file, which epoll refuses with `EPERM`).
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime (see
    /// [`Reactor::current`](crate::Reactor::current)).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = Async::new(a)?; // now non-blocking, and registered
    /// assert!(a.get_ref().peer_addr().is_ok());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn new(io: T) -> io::Result<Async<T>> {
        set_nonblocking(io.as_fd())?;
        Self::new_nonblocking(io, true)
    }

    /// Registers `io`, which the caller has already put in non-blocking
    /// mode (a socket made with `SOCK_NONBLOCK` saves the `fcntl`s of
    /// [`Async::new`]).
    ///
    /// `assume_ready` is the initial cached readiness: `true` for a new
    /// socket, so that the first operation is tried at once; `false` for a
    /// socket whose non-blocking `connect` is in progress, whose first
    /// writable event is the connection's outcome (see
    /// [`Async::wait_connected`]).
    ///
    /// # Errors
    ///
    /// As [`Async::new`].
    ///
    /// # Panics
    ///
    /// As [`Async::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let a = Async::new_nonblocking(a, true)?;
    /// # drop(a);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn new_nonblocking(io: T, assume_ready: bool) -> io::Result<Async<T>> {
        let ready = if assume_ready { READABLE | WRITABLE } else { 0 };
        Self::register(io, ready)
    }

    /// Registers `io`, already non-blocking, with `ready` as its initial
    /// cached readiness. A socket nothing can have been sent to yet (just
    /// bound, listening, one end of a new pair) starts [`Ready::WRITABLE`](crate::Ready::WRITABLE):
    /// its first receive or accept waits for the reactor's report instead
    /// of trying a call that can only fail, as tokio's sockets, whose
    /// readiness starts empty, wait for their first event. Nothing that
    /// arrives meanwhile is missed: registering reports the current
    /// readiness.
    ///
    /// # Errors
    ///
    /// As [`Async::new`].
    ///
    /// # Panics
    ///
    /// As [`Async::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixDatagram;
    /// use rt::io::{Async, Interest, Ready};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixDatagram::pair()?;
    /// a.set_nonblocking(true)?;
    /// let a = Async::new_nonblocking_with(a, Ready::WRITABLE)?;
    /// assert!(a.ready(Interest::WRITABLE).await?.is_writable());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn new_nonblocking_with(io: T, ready: crate::Ready) -> io::Result<Async<T>> {
        Self::register(io, ready.bits())
    }

    /// Registers `io` with `ready` (readiness-word bits) cached.
    #[track_caller]
    fn register(io: T, ready: usize) -> io::Result<Async<T>> {
        let fd = io.as_fd().as_raw_fd();
        // SAFETY: `io` owns the descriptor (I/O safety of `AsFd`) and lives
        // in the returned `Async` next to the registration, which is declared
        // first and so drops — deregistering — before `io` closes it;
        // `into_inner` drops the registration before handing `io` out.
        let registration = unsafe { Registration::new(fd, ready)? };
        Ok(Async { registration, io })
    }
}

impl<T> Async<T> {
    /// The registration, for the readiness methods (`async_ready.rs`).
    pub(crate) fn registration(&self) -> &Registration {
        &self.registration
    }

    /// The inner I/O object.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::TcpListener;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = Async::new(TcpListener::bind("127.0.0.1:0")?)?;
    /// assert!(listener.get_ref().local_addr()?.ip().is_loopback());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_ref(&self) -> &T {
        &self.io
    }

    /// The inner I/O object, mutably.
    ///
    /// # Safety
    ///
    /// - The caller must not replace or close the inner object's file
    ///   descriptor (for instance with `std::mem::swap`): it stays registered
    ///   with the reactor under its number until this `Async` drops, and a
    ///   new descriptor with that number would be deregistered by mistake.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Read, Write};
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, b) = UnixStream::pair()?;
    /// let mut b = Async::new(b)?;
    /// a.write_all(b"hi")?;
    /// b.readable().await?;
    /// // SAFETY: the descriptor is only read from, neither replaced nor closed.
    /// let inner: &mut UnixStream = unsafe { b.get_mut() };
    /// let mut buf = [0; 2];
    /// inner.read_exact(&mut buf)?;
    /// assert_eq!(&buf, b"hi");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub unsafe fn get_mut(&mut self) -> &mut T {
        &mut self.io
    }

    /// Deregisters the I/O object and returns it. It stays in non-blocking
    /// mode.
    ///
    /// # Errors
    ///
    /// None at present; the `Result` leaves room for a deregistration error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = Async::new(a)?;
    /// let std_stream: UnixStream = a.into_inner()?;
    /// std_stream.set_nonblocking(false)?; // blocking again, for std code
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_inner(self) -> io::Result<T> {
        let Async { registration, io } = self;
        drop(registration); // deregisters while `io` keeps the descriptor open
        Ok(io)
    }

    /// Waits until the I/O object is readable: a read would not block now.
    ///
    /// Any number of tasks may wait at once. Readiness can be lost again
    /// before the read (another reader), so a read may still `WouldBlock`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixDatagram;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = UnixDatagram::pair()?;
    /// let b = Async::new(b)?;
    /// a.send(b"x")?;
    /// b.readable().await?; // a datagram is waiting: `recv` will not block
    /// let mut buf = [0; 1];
    /// assert_eq!(b.get_ref().recv(&mut buf)?, 1);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.registration.ready(Direction::Read).await.map(drop)
    }

    /// Waits until the I/O object is writable: a write would not block now.
    ///
    /// Any number of tasks may wait at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixDatagram;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = UnixDatagram::pair()?;
    /// let a = Async::new(a)?;
    /// a.writable().await?; // room in the socket buffer: `send` will not block
    /// a.get_ref().send(b"x")?;
    /// let mut buf = [0; 1];
    /// assert_eq!(b.recv(&mut buf)?, 1);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.registration.ready(Direction::Write).await.map(drop)
    }

    /// Runs the non-blocking read operation `op` until it does not return
    /// `WouldBlock`, waiting for readability in between.
    ///
    /// `op` should read (or accept, or receive): a `WouldBlock` from it marks
    /// the object not readable until the reactor reports it again. Any number
    /// of tasks may wait at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::{TcpListener, TcpStream};
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = Async::new(TcpListener::bind("127.0.0.1:0")?)?;
    /// let addr = listener.get_ref().local_addr()?;
    /// let client = rt::spawn(async move { rt::net::TcpStream::connect(addr).await });
    /// // `accept` would block: run it when the listener is readable.
    /// let (_server, peer) = listener.read_with(|l| l.accept()).await?;
    /// assert_eq!(peer, client.await??.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn read_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        let io = &self.io;
        self.registration.io(Direction::Read, || op(io)).await
    }

    /// Runs the non-blocking write operation `op` until it does not return
    /// `WouldBlock`, waiting for writability in between.
    ///
    /// Any number of tasks may wait at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = Async::new(a)?;
    /// let n = a.write_with(|mut s| s.write(b"hello")).await?;
    /// assert_eq!(n, 5);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn write_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        let io = &self.io;
        self.registration.io(Direction::Write, || op(io)).await
    }

    /// Polls the non-blocking read operation `op` until it does not return
    /// `WouldBlock`, registering `cx`'s waker for readability in between.
    ///
    /// The `poll_*` methods keep one waker per direction: only the last
    /// task to poll a direction is woken (the `AsyncRead` contract). For
    /// several waiting tasks, use [`Async::read_with`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::os::unix::net::UnixDatagram;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = UnixDatagram::pair()?;
    /// let b = Async::new(b)?;
    /// a.send(b"polled")?;
    /// let mut buf = [0; 8];
    /// // What a hand-written `poll_*` method does.
    /// let n = poll_fn(|cx| b.poll_read_with(cx, |s| s.recv(&mut buf))).await?;
    /// assert_eq!(&buf[..n], b"polled");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_read_with<R>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = &self.io;
        self.registration.poll_io(Direction::Read, cx, || op(io))
    }

    /// Polls the non-blocking write operation `op` until it does not return
    /// `WouldBlock`, registering `cx`'s waker for writability in between.
    /// One waker per direction, as [`Async::poll_read_with`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::os::unix::net::UnixDatagram;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = UnixDatagram::pair()?;
    /// let a = Async::new(a)?;
    /// let n = poll_fn(|cx| a.poll_write_with(cx, |s| s.send(b"polled"))).await?;
    /// assert_eq!(n, 6);
    /// let mut buf = [0; 8];
    /// assert_eq!(b.recv(&mut buf)?, 6);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_write_with<R>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = &self.io;
        self.registration.poll_io(Direction::Write, cx, || op(io))
    }
}

/// Stream reads and writes through `&T`, for stream sockets (TCP, Unix
/// streams): the socket types of `rt-net` are built on these.
///
/// Unlike the `AsyncRead`/`AsyncWrite` impls, a *short* read or write (fewer
/// bytes than asked for) clears the cached readiness at once, where that
/// is sound: a stream socket that returns less than asked has nothing more
/// now, so the next operation waits for the reactor instead of making a
/// system call that would return `WouldBlock`. Reads do so only where the
/// reactor reports the peer's FIN apart from readability (epoll's
/// `EPOLLRDHUP`), or an end-of-file arriving with the last data would be
/// missed.
impl<T> Async<T>
where
    for<'a> &'a T: Read + Write,
{
    /// Reads into `buf` (one `read(2)`), waiting for readability while it
    /// would block. One waker per direction.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, b) = UnixStream::pair()?;
    /// let b = Async::new(b)?;
    /// a.write_all(b"stream")?;
    /// let mut buf = [0; 16];
    /// let n = poll_fn(|cx| b.poll_read_stream(cx, &mut buf)).await?;
    /// assert_eq!(&buf[..n], b"stream");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_read_stream(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        // A short read clears read readiness where that is sound (see
        // `Registration::poll_io_stream`).
        let len = buf.len();
        let io = &self.io;
        self.registration
            .poll_io_stream(Direction::Read, cx, len, || (&*io).read(buf))
    }

    /// [`Async::poll_read_stream`] into several buffers (`readv(2)`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::io::{IoSliceMut, Write};
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, b) = UnixStream::pair()?;
    /// let b = Async::new(b)?;
    /// a.write_all(b"headbody")?;
    /// let (mut head, mut body) = ([0; 4], [0; 4]);
    /// let mut bufs = [IoSliceMut::new(&mut head), IoSliceMut::new(&mut body)];
    /// let n = poll_fn(|cx| b.poll_read_vectored_stream(cx, &mut bufs)).await?;
    /// assert_eq!(n, 8);
    /// assert_eq!((&head, &body), (b"head", b"body"));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_read_vectored_stream(
        &self,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        let len = bufs.iter().map(|b| b.len()).sum();
        let io = &self.io;
        self.registration
            .poll_io_stream(Direction::Read, cx, len, || (&*io).read_vectored(bufs))
    }

    /// [`Async::poll_read_stream`] into memory that may be uninitialised:
    /// one `read(2)` on the descriptor straight into `buf`, so a caller
    /// with a buffer of `MaybeUninit<u8>` (hyper's `ReadBufCursor`, tokio's
    /// `ReadBuf`) neither zeroes it first nor copies out of a buffer of its
    /// own. On `Ok(n)` the first `n` bytes of `buf` are initialised (the
    /// kernel wrote them); `Ok(0)` is end of file (or an empty `buf`).
    ///
    /// This reads the descriptor itself, not through `&T`'s `Read`: for
    /// the stream sockets this impl block is for, the two are the same
    /// `read(2)`. A short read clears readiness as
    /// [`Async::poll_read_stream`]'s does.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::io::Write;
    /// use std::mem::MaybeUninit;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, b) = UnixStream::pair()?;
    /// let b = Async::new(b)?;
    /// a.write_all(b"uninit")?;
    /// let mut buf = [MaybeUninit::<u8>::uninit(); 16];
    /// let n = poll_fn(|cx| b.poll_read_stream_uninit(cx, &mut buf)).await?;
    /// // SAFETY: `poll_read_stream_uninit` initialised the first `n` bytes.
    /// let read = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) };
    /// assert_eq!(read, b"uninit");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_read_stream_uninit(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [MaybeUninit<u8>],
    ) -> Poll<io::Result<usize>>
    where
        T: AsFd,
    {
        self.poll_read_uninit_with(cx, buf, read_uninit)
    }

    /// [`Async::poll_read_stream_uninit`] for a stream socket: one
    /// `recv(2)` instead of `read(2)`, which takes the kernel's socket path
    /// directly (no file-position handling: measured 1.2% of the HTTP
    /// demo's server profile in `fdget_pos` with `read`, as std's and
    /// tokio's sockets use `recv` too). On a descriptor that is not a
    /// socket it fails with `ENOTSOCK`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::io::Write;
    /// use std::mem::MaybeUninit;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, b) = UnixStream::pair()?;
    /// let b = Async::new(b)?;
    /// a.write_all(b"recv")?;
    /// let mut buf = [MaybeUninit::<u8>::uninit(); 16];
    /// let n = poll_fn(|cx| b.poll_recv_stream_uninit(cx, &mut buf)).await?;
    /// // SAFETY: `poll_recv_stream_uninit` initialised the first `n` bytes.
    /// let read = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) };
    /// assert_eq!(read, b"recv");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_recv_stream_uninit(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [MaybeUninit<u8>],
    ) -> Poll<io::Result<usize>>
    where
        T: AsFd,
    {
        self.poll_read_uninit_with(cx, buf, recv_uninit)
    }

    /// The two above: `syscall` reads from the descriptor into `buf`.
    fn poll_read_uninit_with(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [MaybeUninit<u8>],
        syscall: fn(RawFd, &mut [MaybeUninit<u8>]) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>>
    where
        T: AsFd,
    {
        let len = buf.len();
        let fd = self.io.as_fd().as_raw_fd();
        self.registration
            .poll_io_stream(Direction::Read, cx, len, || syscall(fd, buf))
    }

    /// Writes from `buf` (one `write(2)`), waiting for writability while it
    /// would block. One waker per direction.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::io::Read;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, mut b) = UnixStream::pair()?;
    /// let a = Async::new(a)?;
    /// let n = poll_fn(|cx| a.poll_write_stream(cx, b"stream")).await?;
    /// let mut buf = [0; 6];
    /// b.read_exact(&mut buf[..n])?;
    /// assert_eq!(&buf, b"stream");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_write_stream(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let io = &self.io;
        self.registration
            .poll_io_stream(Direction::Write, cx, buf.len(), || (&*io).write(buf))
    }

    /// [`Async::poll_write_stream`] from several buffers (`writev(2)`; a
    /// single non-empty buffer, or small ones gathered into one, go with one
    /// plain write: the same bytes, one cheaper system call).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::io::{IoSlice, Read};
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, mut b) = UnixStream::pair()?;
    /// let a = Async::new(a)?;
    /// let bufs = [IoSlice::new(b"head"), IoSlice::new(b"body")];
    /// let n = poll_fn(|cx| a.poll_write_vectored_stream(cx, &bufs)).await?;
    /// assert_eq!(n, 8);
    /// let mut buf = [0; 8];
    /// b.read_exact(&mut buf)?;
    /// assert_eq!(&buf, b"headbody");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_write_vectored_stream(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let len = bufs.iter().map(|b| b.len()).sum();
        let io = &self.io;
        let mut filled = bufs.iter().filter(|b| !b.is_empty());
        match (filled.next(), filled.next()) {
            // One buffer with bytes: a plain write of it.
            (Some(only), None) => {
                self.registration
                    .poll_io_stream(Direction::Write, cx, len, || (&*io).write(only))
            }
            // A few small buffers (an HTTP head and a short body): gathered
            // and written with one plain write, the same bytes in the same
            // order as `writev(2)` would send.
            (Some(_), Some(_)) if len <= GATHER_MAX => {
                // Not zeroed first: only the bytes copied in are read.
                let mut gathered = [std::mem::MaybeUninit::<u8>::uninit(); GATHER_MAX];
                let mut at = 0;
                for b in bufs {
                    gathered[at..at + b.len()].write_copy_of_slice(b);
                    at += b.len();
                }
                debug_assert_eq!(at, len);
                // SAFETY: the loop above wrote every byte of `..len` (the
                // buffers' lengths add up to `len`, and each was copied to
                // where the previous one ended); `gathered` lives on this
                // stack frame for the whole poll below.
                let gathered: &[u8] = unsafe { gathered[..len].assume_init_ref() };
                self.registration
                    .poll_io_stream(Direction::Write, cx, len, || (&*io).write(gathered))
            }
            _ => self
                .registration
                .poll_io_stream(Direction::Write, cx, len, || (&*io).write_vectored(bufs)),
        }
    }
}

/// The most bytes [`Async::poll_write_vectored_stream`] gathers into one
/// buffer on the stack rather than passing the caller's slices to
/// `writev(2)`. The kernel's vectored write path costs more per call than a
/// plain `send`/`write` of one buffer (about 90 ns more per small write on
/// loopback TCP here); copying up to this much costs less than that.
const GATHER_MAX: usize = 1024;

/// Sockets.
impl<T: AsFd> Async<T> {
    /// Shuts the socket down (`shutdown(2)`): what the socket types' `close`
    /// (futures-io) and `shutdown` (tokio) do with [`Shutdown::Write`].
    ///
    /// # Errors
    ///
    /// `shutdown(2)`'s: `ENOTCONN` on a socket that is not connected,
    /// `ENOTSOCK` if `T` is not a socket.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Shutdown;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::{Async, AsyncReadExt};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = UnixStream::pair()?;
    /// let (a, mut b) = (Async::new(a)?, Async::new(b)?);
    /// a.shutdown_socket(Shutdown::Write)?;
    /// let mut rest = Vec::new();
    /// assert_eq!(b.read_to_end(&mut rest).await?, 0); // end of file at once
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn shutdown_socket(&self, how: Shutdown) -> io::Result<()> {
        socket2::SockRef::from(&self.io).shutdown(how)
    }

    /// Waits until the socket's non-blocking `connect(2)` completes, and
    /// returns its error if it failed (`SO_ERROR`).
    ///
    /// The socket must have been registered with `assume_ready == false`
    /// ([`Async::new_nonblocking`]), so that the first writable event is the
    /// connection's outcome.
    ///
    /// # Errors
    ///
    /// The connection's error (`ECONNREFUSED`, `ETIMEDOUT`, ...), or the
    /// reactor's shutdown error if the runtime stopped meanwhile.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::{TcpListener, TcpStream};
    /// use socket2::{Domain, Socket, Type};
    /// use rt::io::Async;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// let socket = Socket::new(Domain::IPV4, Type::STREAM.nonblocking(), None)?;
    /// match socket.connect(&listener.local_addr()?.into()) {
    ///     Ok(()) => {}
    ///     Err(err) if err.raw_os_error() == Some(libc::EINPROGRESS) => {}
    ///     Err(err) => return Err(err),
    /// }
    /// // Not ready until the connection's outcome is known.
    /// let stream = Async::new_nonblocking(TcpStream::from(socket), false)?;
    /// stream.wait_connected().await?;
    /// assert_eq!(stream.get_ref().peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn wait_connected(&self) -> io::Result<()> {
        let registration = &self.registration;
        let mut waiter = Waiter::new(registration, Direction::Write);
        poll_fn(|cx| loop {
            let event = ready!(waiter.poll_ready(cx))?;
            let socket = socket2::SockRef::from(&self.io);
            let result = match socket.take_error() {
                Ok(None) => match socket.peer_addr() {
                    Ok(_) => Ok(()),
                    // Writable but not connected: a spurious event, wait again
                    // (the unit of budget goes back with the event).
                    Err(err) if err.raw_os_error() == Some(libc::ENOTCONN) => {
                        registration.clear(event);
                        continue;
                    }
                    Err(err) => Err(err),
                },
                Ok(Some(err)) | Err(err) => Err(err),
            };
            event.made_progress();
            return Poll::Ready(result);
        })
        .await
    }
}

impl<T: Read> futures_io::AsyncRead for Async<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let Async { registration, io } = self.get_mut();
        registration.poll_io(Direction::Read, cx, || io.read(buf))
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        let Async { registration, io } = self.get_mut();
        registration.poll_io(Direction::Read, cx, || io.read_vectored(bufs))
    }
}

impl<T> futures_io::AsyncRead for &Async<T>
where
    for<'a> &'a T: Read,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_with(cx, |mut io| io.read(buf))
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_with(cx, |mut io| io.read_vectored(bufs))
    }
}

impl<T: Write> futures_io::AsyncWrite for Async<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let Async { registration, io } = self.get_mut();
        registration.poll_io(Direction::Write, cx, || io.write(buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let Async { registration, io } = self.get_mut();
        registration.poll_io(Direction::Write, cx, || io.write_vectored(bufs))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let Async { registration, io } = self.get_mut();
        registration.poll_io(Direction::Write, cx, || io.flush())
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl<T> futures_io::AsyncWrite for &Async<T>
where
    for<'a> &'a T: Write,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_with(cx, |mut io| io.write(buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_with(cx, |mut io| io.write_vectored(bufs))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_write_with(cx, |mut io| io.flush())
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

// tokio's traits (the ones `rt::io` exports), for `Async<T>` and
// `&Async<T>` alike, through the futures-io impls above. `T`'s own `Read`
// may be any code (a decoder, a buffer of its own), and std's `Read::read`
// must not be given uninitialised memory, so these generic impls initialise
// the part of the `ReadBuf` not yet initialised (once per `ReadBuf`: its
// initialised mark persists across reads). rt-net's stream sockets read
// into the uninitialised part directly (`Async::poll_recv_stream_uninit`).
macro_rules! impl_tokio_io {
    ([$($bounds:tt)*] $ty:ty) => {
        impl<T> tokio::io::AsyncRead for $ty
        where
            $($bounds)*: Read,
        {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                let n = std::task::ready!(futures_io::AsyncRead::poll_read(
                    self,
                    cx,
                    buf.initialize_unfilled()
                ))?;
                buf.advance(n);
                Poll::Ready(Ok(()))
            }
        }

        impl<T> tokio::io::AsyncWrite for $ty
        where
            $($bounds)*: Write,
        {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                futures_io::AsyncWrite::poll_write(self, cx, buf)
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                futures_io::AsyncWrite::poll_write_vectored(self, cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                futures_io::AsyncWrite::poll_flush(self, cx)
            }

            fn poll_shutdown(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
            ) -> Poll<io::Result<()>> {
                futures_io::AsyncWrite::poll_flush(self, cx)
            }
        }
    };
}

impl_tokio_io!([T] Async<T>);
impl_tokio_io!([for<'a> &'a T] &Async<T>);

impl<T: AsRawFd> AsRawFd for Async<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl<T: AsFd> AsFd for Async<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl<T: fmt::Debug> fmt::Debug for Async<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Async")
            .field("io", &self.io)
            .finish_non_exhaustive()
    }
}

/// Puts `fd` in non-blocking mode (`ioctl(FIONBIO)`: one syscall, any kind
/// of descriptor).
fn set_nonblocking(fd: BorrowedFd<'_>) -> io::Result<()> {
    let mut on: libc::c_int = 1;
    // SAFETY: FIONBIO reads one `c_int` through the pointer, which points to
    // a live local for the duration of the call; `fd` is open (borrowed).
    let result = unsafe { libc::ioctl(fd.as_raw_fd(), libc::FIONBIO, &mut on) };
    if result == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// One `recv(2)` (no flags) on the socket `fd` into `buf`, which may be
/// uninitialised; on `Ok(n)` the kernel has written `buf[..n]`.
fn recv_uninit(fd: RawFd, buf: &mut [MaybeUninit<u8>]) -> io::Result<usize> {
    // SAFETY: as in `read_uninit`: `buf` is a live, exclusively borrowed
    // region of `buf.len()` bytes for the whole call, which `recv(2)` only
    // writes; `fd` is open, its `Async` borrowed by our caller.
    let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    // `recv(2)` returns at most `buf.len()`, which fits in `usize`.
    Ok(n as usize)
}

/// One `read(2)` on `fd` into `buf`, which may be uninitialised; on
/// `Ok(n)` the kernel has written `buf[..n]`.
fn read_uninit(fd: RawFd, buf: &mut [MaybeUninit<u8>]) -> io::Result<usize> {
    // SAFETY: `buf` is a live, exclusively borrowed region of `buf.len()`
    // bytes for the whole call (the caller's borrow), and `read(2)` only
    // writes into it, never reads, so its being uninitialised is fine;
    // `fd` is open: the `Async` that owns it is borrowed by our caller.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    // `read(2)` returns at most `buf.len()`, which fits in `usize`.
    Ok(n as usize)
}
