//! tokio's readiness methods on the stream sockets and their halves
//! (`ready`, `readable`, `writable`, `try_read`, `try_write`, their
//! vectored and `BufMut` forms, `try_io`, `async_io`,
//! `poll_read_ready`/`poll_write_ready`), written once as macros over an
//! expression giving the socket's `&Async<S>`, and invoked beside each type
//! (`tcp/ready.rs`, `unix/stream/ready.rs`, ...). The datagram sockets'
//! methods differ per type and live in their own modules.
//!
//! All of them work on the reactor's cached readiness through
//! `rt_reactor::Async`'s `ready`/`try_io`/`async_io` (see its module
//! `async_ready.rs`): a wait returns once a readiness of its interest is
//! cached, and a `try_*` that returns `WouldBlock` clears it, for the tick
//! it observed only, so an event that arrived meanwhile is not lost.

use std::io;
use std::mem::MaybeUninit;
use std::os::fd::RawFd;

/// One `recv(2)` (or `read(2)` where `recv` is refused) into `buf`, which
/// may be uninitialised; on `Ok(n)` the kernel wrote `buf[..n]`.
pub(crate) fn read_uninit(fd: RawFd, buf: &mut [MaybeUninit<u8>]) -> io::Result<usize> {
    // SAFETY: `buf` is a live, exclusively borrowed region of `buf.len()`
    // bytes for the whole call, which `read(2)` only writes into; `fd` is
    // open: the socket that owns it is borrowed by our caller.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    // `read(2)` returns at most `buf.len()`, which fits in `usize`.
    Ok(n as usize)
}

/// Reads once into `buf`'s spare capacity (no zeroing) and advances it.
pub(crate) fn read_buf<B: bytes::BufMut + ?Sized>(fd: RawFd, buf: &mut B) -> io::Result<usize> {
    let chunk = buf.chunk_mut();
    // SAFETY: the slice is `chunk`'s memory, borrowed from `buf` for this
    // call only; we only let the kernel write into it (never read it, never
    // write uninitialised bytes), as `as_uninit_slice_mut` requires.
    let spare = unsafe { chunk.as_uninit_slice_mut() };
    let n = read_uninit(fd, spare)?;
    // SAFETY: the kernel initialised the first `n` bytes of the chunk,
    // which is `buf`'s spare capacity, so they may be counted as filled.
    unsafe { buf.advance_mut(n) };
    Ok(n)
}

/// `impl_read_ready!([generics] Type, |this| &Async<S>, "example setup")`:
/// `ready`, `readable`, `try_read`, `try_read_vectored`, `try_read_buf` for
/// a type that reads. The setup defines `reader` (this type) and `writer`
/// (something `AsyncWriteExt` writes to the other end).
macro_rules! impl_read_ready {
    ([$($gen:tt)*] $ty:ty, |$this:ident| $io:expr, $setup:literal) => {
        impl<$($gen)*> $ty {
            /// Waits until the socket is readable (data, or the peer's
            /// end-of-file, or an error), without reading. Cancel-safe;
            /// any number of tasks may wait. The readiness can be stale
            /// (a `try_read` then returns `WouldBlock` and clears it).
            ///
            /// # Errors
            ///
            /// The runtime's shutdown error.
            ///
            /// # Examples
            ///
            /// ```
            /// use rt::io::AsyncWriteExt;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// writer.write_all(b"hi").await?;
            /// let mut buf = [0; 8];
            /// let n = loop {
            ///     reader.readable().await?;
            ///     match reader.try_read(&mut buf) {
            ///         Ok(n) => break n,
            ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            ///         Err(e) => return Err(e),
            ///     }
            /// };
            /// assert_eq!(&buf[..n], b"hi");
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub async fn readable(&self) -> std::io::Result<()> {
                let $this = self;
                $io.ready(rt_reactor::Interest::READABLE).await.map(drop)
            }

            /// Reads what is there now into `buf`, without waiting:
            /// `WouldBlock` if nothing is (which clears the cached
            /// readiness), `Ok(0)` at end-of-file.
            ///
            /// # Errors
            ///
            /// `WouldBlock`, or the socket's error.
            ///
            /// # Examples
            ///
            /// ```
            /// use rt::io::AsyncWriteExt;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// let mut buf = [0; 8];
            /// let err = reader.try_read(&mut buf).unwrap_err();
            /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
            /// writer.write_all(b"hi").await?;
            /// let n = loop {
            ///     reader.readable().await?;
            ///     if let Ok(n) = reader.try_read(&mut buf) {
            ///         break n;
            ///     }
            /// };
            /// assert_eq!(&buf[..n], b"hi");
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn try_read(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                let $this = self;
                $io.try_io(rt_reactor::Interest::READABLE, |mut s| {
                    std::io::Read::read(&mut s, buf)
                })
            }

            /// [`try_read`](Self::try_read) into several buffers
            /// (`readv(2)`).
            ///
            /// # Errors
            ///
            /// `WouldBlock`, or the socket's error.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::io::IoSliceMut;
            /// use rt::io::AsyncWriteExt;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// writer.write_all(b"headbody").await?;
            /// let (mut head, mut body) = ([0; 4], [0; 4]);
            /// let n = loop {
            ///     reader.readable().await?;
            ///     let mut bufs = [IoSliceMut::new(&mut head), IoSliceMut::new(&mut body)];
            ///     match reader.try_read_vectored(&mut bufs) {
            ///         Ok(n) => break n,
            ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            ///         Err(e) => return Err(e),
            ///     }
            /// };
            /// assert!(n > 0);
            /// assert_eq!(head[..n.min(4)], b"head"[..n.min(4)]);
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn try_read_vectored(
                &self,
                bufs: &mut [std::io::IoSliceMut<'_>],
            ) -> std::io::Result<usize> {
                let $this = self;
                $io.try_io(rt_reactor::Interest::READABLE, |mut s| {
                    std::io::Read::read_vectored(&mut s, bufs)
                })
            }

            /// [`try_read`](Self::try_read) into the spare capacity of a
            /// [`BufMut`](bytes::BufMut) (a `Vec<u8>`, a `BytesMut`),
            /// without zeroing it first; advances the buffer.
            ///
            /// # Errors
            ///
            /// `WouldBlock`, or the socket's error.
            ///
            /// # Examples
            ///
            /// ```
            /// use rt::io::AsyncWriteExt;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// writer.write_all(b"hi").await?;
            /// let mut buf = Vec::with_capacity(64);
            /// while buf.is_empty() {
            ///     reader.readable().await?;
            ///     match reader.try_read_buf(&mut buf) {
            ///         Ok(_) => {}
            ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            ///         Err(e) => return Err(e),
            ///     }
            /// }
            /// assert_eq!(buf, b"hi");
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> std::io::Result<usize> {
                let $this = self;
                let io = &$io;
                let fd = std::os::fd::AsRawFd::as_raw_fd(io);
                io.try_io(rt_reactor::Interest::READABLE, |_| {
                    crate::ready::read_buf(fd, buf)
                })
            }
        }
    };
}

/// `impl_write_ready!([generics] Type, |this| &Async<S>, "example setup")`:
/// `writable`, `try_write`, `try_write_vectored` for a type that writes.
/// The setup defines `writer` (this type) and `reader` (the other end, on
/// which `AsyncReadExt` reads).
macro_rules! impl_write_ready {
    ([$($gen:tt)*] $ty:ty, |$this:ident| $io:expr, $setup:literal) => {
        impl<$($gen)*> $ty {
            /// Waits until the socket is writable (room in the send
            /// buffer, or the connection closed), without writing.
            /// Cancel-safe; any number of tasks may wait.
            ///
            /// # Errors
            ///
            /// The runtime's shutdown error.
            ///
            /// # Examples
            ///
            /// ```
            /// use rt::io::AsyncReadExt;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// writer.writable().await?;
            /// assert_eq!(writer.try_write(b"hi")?, 2);
            /// let mut buf = [0; 2];
            /// reader.read_exact(&mut buf).await?;
            /// assert_eq!(&buf, b"hi");
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub async fn writable(&self) -> std::io::Result<()> {
                let $this = self;
                $io.ready(rt_reactor::Interest::WRITABLE).await.map(drop)
            }

            /// Writes what fits now from `buf`, without waiting:
            /// `WouldBlock` if nothing does (which clears the cached
            /// readiness).
            ///
            /// # Errors
            ///
            /// `WouldBlock`, or the socket's error (`BrokenPipe` once the
            /// peer is gone).
            ///
            /// # Examples
            ///
            /// ```
            /// use rt::io::AsyncReadExt;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// let n = writer.try_write(b"hello")?;
            /// let mut buf = vec![0; n];
            /// reader.read_exact(&mut buf).await?;
            /// assert_eq!(buf, &b"hello"[..n]);
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn try_write(&self, buf: &[u8]) -> std::io::Result<usize> {
                let $this = self;
                $io.try_io(rt_reactor::Interest::WRITABLE, |mut s| {
                    std::io::Write::write(&mut s, buf)
                })
            }

            /// [`try_write`](Self::try_write) from several buffers
            /// (`writev(2)`).
            ///
            /// # Errors
            ///
            /// `WouldBlock`, or the socket's error.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::io::IoSlice;
            /// use rt::io::AsyncReadExt;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// let bufs = [IoSlice::new(b"head"), IoSlice::new(b"body")];
            /// let n = writer.try_write_vectored(&bufs)?;
            /// assert_eq!(n, 8);
            /// let mut buf = [0; 8];
            /// reader.read_exact(&mut buf).await?;
            /// assert_eq!(&buf, b"headbody");
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn try_write_vectored(
                &self,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::io::Result<usize> {
                let $this = self;
                $io.try_io(rt_reactor::Interest::WRITABLE, |mut s| {
                    std::io::Write::write_vectored(&mut s, bufs)
                })
            }
        }
    };
}

/// `impl_ready!([generics] Type, |this| &Async<S>, "example setup")`:
/// `ready(Interest)` for any socket type; the setup defines `socket`.
macro_rules! impl_ready {
    ([$($gen:tt)*] $ty:ty, |$this:ident| $io:expr, $setup:expr) => {
        impl<$($gen)*> $ty {
            /// Waits until the socket is ready for any of `interest`, and
            /// returns the readiness found. Cancel-safe; any number of
            /// tasks may wait. The readiness can be stale: the operation
            /// may still return `WouldBlock`, which clears it.
            ///
            /// # Errors
            ///
            /// The runtime's shutdown error.
            ///
            /// # Examples
            ///
            /// ```
            /// use rt::io::Interest;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// let ready = socket.ready(Interest::WRITABLE).await?;
            /// assert!(ready.is_writable());
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub async fn ready(
                &self,
                interest: rt_reactor::Interest,
            ) -> std::io::Result<rt_reactor::Ready> {
                let $this = self;
                $io.ready(interest).await
            }
        }
    };
}

/// `impl_io_ready!([generics] Type, |this| &Async<S>, "example setup")`:
/// `poll_read_ready`, `poll_write_ready`, and `impl_try_io!`'s `try_io`,
/// `async_io`, for a whole stream socket (not its halves); the setup
/// defines `socket`, whose peer has written a byte to it.
macro_rules! impl_io_ready {
    ([$($gen:tt)*] $ty:ty, |$this:ident| $io:expr, $setup:literal) => {
        impl<$($gen)*> $ty {
            /// Polls for read readiness (cached; the socket's `poll_read`
            /// clears it on `WouldBlock`). Only the last task to poll is
            /// woken: use `readable` for several.
            ///
            /// # Errors
            ///
            /// The runtime's shutdown error.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::future::poll_fn;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// // The peer has written: the socket becomes readable.
            /// poll_fn(|cx| socket.poll_read_ready(cx)).await?;
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn poll_read_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                let $this = self;
                $io.poll_ready(cx, rt_reactor::Interest::READABLE)
                    .map(|ready| ready.map(drop))
            }

            /// Polls for write readiness; as `poll_read_ready`.
            ///
            /// # Errors
            ///
            /// The runtime's shutdown error.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::future::poll_fn;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// poll_fn(|cx| socket.poll_write_ready(cx)).await?;
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn poll_write_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                let $this = self;
                $io.poll_ready(cx, rt_reactor::Interest::WRITABLE)
                    .map(|ready| ready.map(drop))
            }
        }

        $crate::ready::impl_try_io!([$($gen)*] $ty, |$this| $io, $setup);
    };
}

/// `impl_try_io!([generics] Type, |this| &Async<S>, "example setup")`:
/// `try_io` and `async_io`, for any socket; the setup defines `socket`.
macro_rules! impl_try_io {
    ([$($gen:tt)*] $ty:ty, |$this:ident| $io:expr, $setup:expr) => {
        impl<$($gen)*> $ty {
            /// Runs `f` (a non-blocking operation on the socket's
            /// descriptor, say through `socket2::SockRef`) once if the
            /// socket is cached as ready for `interest`, else returns
            /// `WouldBlock` without running it. A `WouldBlock` from `f`
            /// clears the readiness (only `f` may return it, and only if
            /// the socket really would block). Never waits.
            ///
            /// # Errors
            ///
            /// `WouldBlock`, or `f`'s error.
            ///
            /// # Examples
            ///
            /// ```
            /// use rt::io::Interest;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// let sock = socket2::SockRef::from(&socket);
            /// let n = socket.try_io(Interest::WRITABLE, || sock.send(b"x"))?;
            /// assert_eq!(n, 1);
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn try_io<R>(
                &self,
                interest: rt_reactor::Interest,
                f: impl FnOnce() -> std::io::Result<R>,
            ) -> std::io::Result<R> {
                let $this = self;
                $io.try_io(interest, |_| f())
            }

            /// Runs `f` whenever the socket is ready for `interest`, until
            /// it returns something other than `WouldBlock` (which clears
            /// the readiness). Any number of tasks may wait.
            ///
            /// # Errors
            ///
            /// `f`'s error, or the runtime's shutdown error.
            ///
            /// # Examples
            ///
            /// ```
            /// use rt::io::Interest;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// let sock = socket2::SockRef::from(&socket);
            /// let n = socket.async_io(Interest::WRITABLE, || sock.send(b"x")).await?;
            /// assert_eq!(n, 1);
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub async fn async_io<R>(
                &self,
                interest: rt_reactor::Interest,
                mut f: impl FnMut() -> std::io::Result<R>,
            ) -> std::io::Result<R> {
                let $this = self;
                $io.async_io(interest, |_| f()).await
            }
        }
    };
}

/// `impl_peek!([generics] Type, |this| &Async<std::net::TcpStream>, "setup")`:
/// `peek` and `poll_peek` (TCP: `recv(2)` with `MSG_PEEK`). The setup
/// defines `reader` and `writer`, as for `impl_read_ready!`.
macro_rules! impl_peek {
    ([$($gen:tt)*] $ty:ty, |$this:ident| $io:expr, $setup:literal) => {
        impl<$($gen)*> $ty {
            /// Receives data into `buf` without taking it from the queue:
            /// the next read returns it again. Waits until there is data
            /// (or end-of-file, `Ok(0)`).
            ///
            /// # Errors
            ///
            /// The socket's error, or the runtime's shutdown error.
            ///
            /// # Examples
            ///
            /// ```
            /// use rt::io::{AsyncReadExt, AsyncWriteExt};
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// writer.write_all(b"hi").await?;
            /// let mut buf = [0; 2];
            /// let n = reader.peek(&mut buf).await?;
            /// assert_eq!(&buf[..n], &b"hi"[..n]);
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub async fn peek(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                let $this = self;
                $io.async_io(rt_reactor::Interest::READABLE, |s| s.peek(buf))
                    .await
            }

            /// Polls to peek at the queued data into `buf`'s unfilled part,
            /// leaving it queued; returns how many bytes were peeked.
            /// Only the last task to poll is woken.
            ///
            /// # Errors
            ///
            /// The socket's error, or the runtime's shutdown error.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::future::poll_fn;
            /// use rt::io::{AsyncWriteExt, ReadBuf};
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// writer.write_all(b"hi").await?;
            /// let mut storage = [0; 2];
            /// let mut buf = ReadBuf::new(&mut storage);
            /// let n = poll_fn(|cx| reader.poll_peek(cx, &mut buf)).await?;
            /// assert_eq!(buf.filled(), &b"hi"[..n]);
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn poll_peek(
                &self,
                cx: &mut std::task::Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $this = self;
                let n = std::task::ready!($io.poll_read_with(cx, |s| {
                    s.peek(buf.initialize_unfilled())
                }))?;
                buf.advance(n);
                std::task::Poll::Ready(Ok(n))
            }
        }
    };
}

/// `impl_datagram_ready!(Type, "setup")`: the readiness methods tokio's
/// `UdpSocket` and `UnixDatagram` share, for a type whose `io` field is an
/// `Async<S>` with `S::send`/`S::recv`. The setup defines `a` and `b`, two
/// sockets connected to each other.
macro_rules! impl_datagram_ready {
    ($ty:ty, $setup:literal) => {
        crate::ready::impl_ready!([] $ty, |this| this.io, concat!($setup, "\nlet socket = a;"));
        crate::ready::impl_try_io!([] $ty, |this| this.io, concat!($setup, "\nlet socket = a;"));

        impl $ty {
            /// Waits until the socket is writable (room for a datagram),
            /// without sending. Cancel-safe; any number of tasks may wait.
            ///
            /// # Errors
            ///
            /// The runtime's shutdown error.
            ///
            /// # Examples
            ///
            /// ```
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// a.writable().await?;
            /// assert_eq!(a.try_send(b"hi")?, 2);
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub async fn writable(&self) -> std::io::Result<()> {
                self.io.ready(rt_reactor::Interest::WRITABLE).await.map(drop)
            }

            /// Waits until a datagram is queued (or an error), without
            /// receiving. Cancel-safe; any number of tasks may wait.
            ///
            /// # Errors
            ///
            /// The runtime's shutdown error.
            ///
            /// # Examples
            ///
            /// ```
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// a.send(b"hi").await?;
            /// let mut buf = [0; 8];
            /// let n = loop {
            ///     b.readable().await?;
            ///     if let Ok(n) = b.try_recv(&mut buf) {
            ///         break n;
            ///     }
            /// };
            /// assert_eq!(&buf[..n], b"hi");
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub async fn readable(&self) -> std::io::Result<()> {
                self.io.ready(rt_reactor::Interest::READABLE).await.map(drop)
            }

            /// Polls for write readiness (cached). Only the last task to
            /// poll is woken.
            ///
            /// # Errors
            ///
            /// The runtime's shutdown error.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::future::poll_fn;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// poll_fn(|cx| a.poll_send_ready(cx)).await?;
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn poll_send_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.io
                    .poll_ready(cx, rt_reactor::Interest::WRITABLE)
                    .map(|ready| ready.map(drop))
            }

            /// Polls for read readiness (cached). Only the last task to
            /// poll is woken.
            ///
            /// # Errors
            ///
            /// The runtime's shutdown error.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::future::poll_fn;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// a.send(b"hi").await?;
            /// poll_fn(|cx| b.poll_recv_ready(cx)).await?;
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn poll_recv_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.io
                    .poll_ready(cx, rt_reactor::Interest::READABLE)
                    .map(|ready| ready.map(drop))
            }

            /// Polls to send `buf` to the connected peer. Only the last
            /// task to poll is woken.
            ///
            /// # Errors
            ///
            /// The socket's error (not connected, ...).
            ///
            /// # Examples
            ///
            /// ```
            /// use std::future::poll_fn;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// assert_eq!(poll_fn(|cx| a.poll_send(cx, b"hi")).await?, 2);
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn poll_send(
                &self,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.io.poll_write_with(cx, |s| s.send(buf))
            }

            /// Sends `buf` to the connected peer now, or `WouldBlock`
            /// (which clears the cached readiness).
            ///
            /// # Errors
            ///
            /// `WouldBlock`, or the socket's error.
            ///
            /// # Examples
            ///
            /// ```
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// assert_eq!(a.try_send(b"hi")?, 2);
            /// let mut buf = [0; 8];
            /// assert_eq!(b.recv(&mut buf).await?, 2);
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn try_send(&self, buf: &[u8]) -> std::io::Result<usize> {
                self.io
                    .try_io(rt_reactor::Interest::WRITABLE, |s| s.send(buf))
            }

            /// Polls to receive one datagram from the connected peer into
            /// `buf`'s unfilled part (the rest of a longer datagram is
            /// lost). Only the last task to poll is woken.
            ///
            /// # Errors
            ///
            /// The socket's error.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::future::poll_fn;
            /// use rt::io::ReadBuf;
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// a.send(b"hi").await?;
            /// let mut storage = [0; 8];
            /// let mut buf = ReadBuf::new(&mut storage);
            /// poll_fn(|cx| b.poll_recv(cx, &mut buf)).await?;
            /// assert_eq!(buf.filled(), b"hi");
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn poll_recv(
                &self,
                cx: &mut std::task::Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                let fd = std::os::fd::AsRawFd::as_raw_fd(&self.io);
                // SAFETY: the kernel only writes into the unfilled part
                // (never de-initialises it), and the slice borrows `buf`.
                let unfilled = unsafe { buf.unfilled_mut() };
                let n = std::task::ready!(self.io.poll_read_with(cx, |_| {
                    crate::ready::read_uninit(fd, unfilled)
                }))?;
                // SAFETY: the kernel wrote the first `n` unfilled bytes.
                unsafe { buf.assume_init(n) };
                buf.advance(n);
                std::task::Poll::Ready(Ok(()))
            }

            /// Receives one datagram now into `buf`, or `WouldBlock` (which
            /// clears the cached readiness).
            ///
            /// # Errors
            ///
            /// `WouldBlock`, or the socket's error.
            ///
            /// # Examples
            ///
            /// ```
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// let mut buf = [0; 8];
            /// let err = b.try_recv(&mut buf).unwrap_err();
            /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn try_recv(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.io
                    .try_io(rt_reactor::Interest::READABLE, |s| s.recv(buf))
            }

            /// Receives one datagram now into the spare capacity of a
            /// [`BufMut`](bytes::BufMut), not zeroed first; advances it.
            ///
            /// # Errors
            ///
            /// `WouldBlock`, or the socket's error.
            ///
            /// # Examples
            ///
            /// ```
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// a.send(b"hi").await?;
            /// let mut buf = Vec::with_capacity(16);
            /// loop {
            ///     b.readable().await?;
            ///     if b.try_recv_buf(&mut buf).is_ok() {
            ///         break;
            ///     }
            /// }
            /// assert_eq!(buf, b"hi");
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn try_recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> std::io::Result<usize> {
                let fd = std::os::fd::AsRawFd::as_raw_fd(&self.io);
                self.io.try_io(rt_reactor::Interest::READABLE, |_| {
                    crate::ready::read_buf(fd, buf)
                })
            }

            /// Waits for one datagram and receives it into the spare
            /// capacity of a [`BufMut`](bytes::BufMut), not zeroed first.
            ///
            /// # Errors
            ///
            /// The socket's error.
            ///
            /// # Examples
            ///
            /// ```
            /// # rt::Runtime::new()?.block_on(async {
            #[doc = $setup]
            /// a.send(b"hi").await?;
            /// let mut buf = Vec::with_capacity(16);
            /// assert_eq!(b.recv_buf(&mut buf).await?, 2);
            /// assert_eq!(buf, b"hi");
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub async fn recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> std::io::Result<usize> {
                let fd = std::os::fd::AsRawFd::as_raw_fd(&self.io);
                self.io
                    .async_io(rt_reactor::Interest::READABLE, |_| {
                        crate::ready::read_buf(fd, buf)
                    })
                    .await
            }
        }
    };
}

pub(crate) use {
    impl_datagram_ready, impl_io_ready, impl_peek, impl_read_ready, impl_ready, impl_try_io,
    impl_write_ready,
};
