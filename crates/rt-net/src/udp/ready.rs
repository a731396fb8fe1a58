//! tokio's readiness methods on `UdpSocket` (see `crate::ready`): the
//! ones datagram sockets share, then the addressed and peeking ones.

use std::io;
use std::mem::MaybeUninit;
use std::net::SocketAddr;
use std::task::{ready, Context, Poll};

use bytes::BufMut;
use rt_reactor::Interest;
use socket2::{SockAddr, SockRef};
use tokio::io::ReadBuf;

use super::UdpSocket;
use crate::ready::impl_datagram_ready;

impl_datagram_ready!(
    UdpSocket,
    "let a = rt::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n\
     let b = rt::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n\
     a.connect(b.local_addr()?).await?;\n\
     b.connect(a.local_addr()?).await?;"
);

/// The sender's address as an IP socket address (a UDP socket's peers
/// always have one).
fn ip_addr(addr: SockAddr) -> io::Result<SocketAddr> {
    addr.as_socket()
        .ok_or_else(|| io::Error::other("a UDP datagram came from a non-IP address"))
}

/// `recvfrom(2)` with `flags` into `buf`'s spare capacity, not zeroed.
fn recv_buf_from(
    socket: &std::net::UdpSocket,
    buf: &mut impl BufMut,
) -> io::Result<(usize, SocketAddr)> {
    let chunk = buf.chunk_mut();
    // SAFETY: the slice is `chunk`'s memory, borrowed from `buf` for this
    // call only; only the kernel writes into it (initialised bytes).
    let spare = unsafe { chunk.as_uninit_slice_mut() };
    let (n, addr) = SockRef::from(socket).recv_from(spare)?;
    // SAFETY: the kernel initialised the first `n` bytes of the spare
    // capacity.
    unsafe { buf.advance_mut(n) };
    Ok((n, ip_addr(addr)?))
}

/// `recvfrom(2)` (peeking or not) into `buf`'s unfilled part; advances it.
fn recv_into(
    socket: &std::net::UdpSocket,
    buf: &mut ReadBuf<'_>,
    peek: bool,
) -> io::Result<SocketAddr> {
    // SAFETY: the kernel only writes initialised bytes into the unfilled
    // part, and the slice borrows `buf`, alive for the whole call.
    let unfilled: &mut [MaybeUninit<u8>] = unsafe { buf.unfilled_mut() };
    let socket = SockRef::from(socket);
    let (n, addr) = if peek {
        socket.peek_from(unfilled)?
    } else {
        socket.recv_from(unfilled)?
    };
    // SAFETY: the kernel wrote the first `n` unfilled bytes.
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    ip_addr(addr)
}

impl UdpSocket {
    /// Receives one datagram now into the spare capacity of a
    /// [`BufMut`](bytes::BufMut), with its sender; `WouldBlock` if none is
    /// queued (which clears the cached readiness).
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or the socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = (UdpSocket::bind("127.0.0.1:0").await?, UdpSocket::bind("127.0.0.1:0").await?);
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut buf = Vec::with_capacity(16);
    /// let (n, from) = loop {
    ///     b.readable().await?;
    ///     if let Ok(received) = b.try_recv_buf_from(&mut buf) {
    ///         break received;
    ///     }
    /// };
    /// assert_eq!((&buf[..n], from), (&b"hi"[..], a.local_addr()?));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_recv_buf_from<B: BufMut>(&self, buf: &mut B) -> io::Result<(usize, SocketAddr)> {
        self.io
            .try_io(Interest::READABLE, |s| recv_buf_from(s, buf))
    }

    /// Waits for one datagram and receives it into the spare capacity of a
    /// [`BufMut`](bytes::BufMut), with its sender.
    ///
    /// # Errors
    ///
    /// The socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = (UdpSocket::bind("127.0.0.1:0").await?, UdpSocket::bind("127.0.0.1:0").await?);
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut buf = Vec::with_capacity(16);
    /// let (n, from) = b.recv_buf_from(&mut buf).await?;
    /// assert_eq!((&buf[..n], from), (&b"hi"[..], a.local_addr()?));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv_buf_from<B: BufMut>(&self, buf: &mut B) -> io::Result<(usize, SocketAddr)> {
        self.io
            .async_io(Interest::READABLE, |s| recv_buf_from(s, buf))
            .await
    }

    /// Polls to send `buf` to `target`. Only the last task to poll is
    /// woken.
    ///
    /// # Errors
    ///
    /// The socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = (UdpSocket::bind("127.0.0.1:0").await?, UdpSocket::bind("127.0.0.1:0").await?);
    /// let to = b.local_addr()?;
    /// assert_eq!(poll_fn(|cx| a.poll_send_to(cx, b"hi", to)).await?, 2);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_with(cx, |s| s.send_to(buf, target))
    }

    /// Sends `buf` to `target` now, or `WouldBlock` (which clears the
    /// cached readiness).
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or the socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = (UdpSocket::bind("127.0.0.1:0").await?, UdpSocket::bind("127.0.0.1:0").await?);
    /// assert_eq!(a.try_send_to(b"hi", b.local_addr()?)?, 2);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.io
            .try_io(Interest::WRITABLE, |s| s.send_to(buf, target))
    }

    /// Polls to receive one datagram into `buf`'s unfilled part; returns
    /// its sender. Only the last task to poll is woken.
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
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = (UdpSocket::bind("127.0.0.1:0").await?, UdpSocket::bind("127.0.0.1:0").await?);
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut storage = [0; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let from = poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await?;
    /// assert_eq!((buf.filled(), from), (&b"hi"[..], a.local_addr()?));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        self.io.poll_read_with(cx, |s| recv_into(s, buf, false))
    }

    /// Receives one datagram now into `buf`, with its sender, or
    /// `WouldBlock` (which clears the cached readiness).
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or the socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// let mut buf = [0; 8];
    /// let err = b.try_recv_from(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io.try_io(Interest::READABLE, |s| s.recv_from(buf))
    }

    /// Waits for a datagram from the connected peer and copies it into
    /// `buf` without taking it from the queue.
    ///
    /// # Errors
    ///
    /// The socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = (UdpSocket::bind("127.0.0.1:0").await?, UdpSocket::bind("127.0.0.1:0").await?);
    /// b.connect(a.local_addr()?).await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut buf = [0; 8];
    /// assert_eq!(b.peek(&mut buf).await?, 2);
    /// assert_eq!(b.recv(&mut buf).await?, 2); // still there
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.async_io(Interest::READABLE, |s| s.peek(buf)).await
    }

    /// Polls to peek at the next datagram into `buf`'s unfilled part,
    /// leaving it queued. Only the last task to poll is woken.
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
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = (UdpSocket::bind("127.0.0.1:0").await?, UdpSocket::bind("127.0.0.1:0").await?);
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut storage = [0; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// poll_fn(|cx| b.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"hi");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        ready!(self.io.poll_read_with(cx, |s| recv_into(s, buf, true)))?;
        Poll::Ready(Ok(()))
    }

    /// Peeks at the next datagram now, or `WouldBlock` (which clears the
    /// cached readiness).
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or the socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// let mut buf = [0; 8];
    /// assert!(b.try_peek(&mut buf).is_err()); // nothing queued
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_io(Interest::READABLE, |s| s.peek(buf))
    }

    /// Waits for a datagram and copies it into `buf` without taking it
    /// from the queue; returns its length and sender.
    ///
    /// # Errors
    ///
    /// The socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = (UdpSocket::bind("127.0.0.1:0").await?, UdpSocket::bind("127.0.0.1:0").await?);
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut buf = [0; 8];
    /// let (n, from) = b.peek_from(&mut buf).await?;
    /// assert_eq!((n, from), (2, a.local_addr()?));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .async_io(Interest::READABLE, |s| s.peek_from(buf))
            .await
    }

    /// Polls to peek at the next datagram into `buf`'s unfilled part;
    /// returns its sender. Only the last task to poll is woken.
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
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = (UdpSocket::bind("127.0.0.1:0").await?, UdpSocket::bind("127.0.0.1:0").await?);
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut storage = [0; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let from = poll_fn(|cx| b.poll_peek_from(cx, &mut buf)).await?;
    /// assert_eq!(from, a.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_peek_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        self.io.poll_read_with(cx, |s| recv_into(s, buf, true))
    }

    /// Peeks at the next datagram now, with its sender, or `WouldBlock`
    /// (which clears the cached readiness).
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or the socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// let mut buf = [0; 8];
    /// assert!(b.try_peek_from(&mut buf).is_err()); // nothing queued
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io.try_io(Interest::READABLE, |s| s.peek_from(buf))
    }

    /// Waits for a datagram and returns its sender, leaving it queued.
    ///
    /// # Errors
    ///
    /// The socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = (UdpSocket::bind("127.0.0.1:0").await?, UdpSocket::bind("127.0.0.1:0").await?);
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// assert_eq!(b.peek_sender().await?, a.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        self.io.async_io(Interest::READABLE, peek_sender).await
    }

    /// Polls for the sender of the next datagram, leaving it queued. Only
    /// the last task to poll is woken.
    ///
    /// # Errors
    ///
    /// The socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = (UdpSocket::bind("127.0.0.1:0").await?, UdpSocket::bind("127.0.0.1:0").await?);
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// assert_eq!(poll_fn(|cx| b.poll_peek_sender(cx)).await?, a.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        self.io.poll_read_with(cx, peek_sender)
    }

    /// The sender of the next datagram now, leaving it queued, or
    /// `WouldBlock` (which clears the cached readiness).
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or the socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    /// # rt::Runtime::new()?.block_on(async {
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(b.try_peek_sender().is_err()); // nothing queued
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        self.io.try_io(Interest::READABLE, peek_sender)
    }
}

/// The sender of the next datagram: a zero-length peek (`MSG_PEEK`), which
/// leaves the datagram queued whole.
fn peek_sender(socket: &std::net::UdpSocket) -> io::Result<SocketAddr> {
    let (_, addr) = SockRef::from(socket).peek_from(&mut [])?;
    ip_addr(addr)
}
