//! `TcpListener`.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{Context, Poll};

use socket2::{Domain, Protocol, SockRef, Socket, Type};

use super::TcpStream;
use crate::addr::{each_addr, resolve, ToSocketAddrs};
use crate::BACKLOG;
use rt_reactor::Async;

/// A TCP socket server, listening for connections.
///
/// # Examples
///
/// ```
/// use rt::net::{TcpListener, TcpStream};
/// # rt::Runtime::new()?.block_on(async {
///
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let client = TcpStream::connect(listener.local_addr()?).await?;
/// let (stream, peer) = listener.accept().await?;
/// assert_eq!(peer, client.local_addr()?);
/// # drop(stream);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct TcpListener {
    io: Async<std::net::TcpListener>,
}

impl TcpListener {
    /// Creates a listener bound to `addr`, trying each address it resolves
    /// to until one binds.
    ///
    /// The socket has `SO_REUSEADDR` set (as std does) and a listen backlog
    /// of 4096. Bind to port 0 to get a free port, then ask
    /// [`local_addr`](TcpListener::local_addr).
    ///
    /// # Errors
    ///
    /// `AddrInUse` if the address is taken, `AddrNotAvailable`,
    /// `PermissionDenied`, or a resolution error. With several addresses,
    /// the last one's error.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::TcpListener;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?; // any free port
    /// let addr = listener.local_addr()?;
    /// assert_ne!(addr.port(), 0);
    ///
    /// // The address is taken now.
    /// let err = TcpListener::bind(addr).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        let addrs = resolve(&addr).await?;
        each_addr(addrs, TcpListener::bind_addr)
    }

    /// Binds and listens on one address.
    fn bind_addr(addr: SocketAddr) -> io::Result<TcpListener> {
        let socket = Socket::new(
            Domain::for_address(addr),
            Type::STREAM.nonblocking(),
            Some(Protocol::TCP),
        )?;
        socket.set_reuse_address(true)?;
        socket.bind(&addr.into())?;
        socket.listen(BACKLOG)?;
        let io = Async::new_nonblocking_with(
            std::net::TcpListener::from(socket),
            rt_reactor::Ready::WRITABLE,
        )?;
        Ok(TcpListener { io })
    }

    /// Accepts a new connection: the stream and the peer's address.
    ///
    /// Any number of tasks may wait in `accept` on one listener.
    ///
    /// # Errors
    ///
    /// Errors of `accept4(2)` come back as they are and leave the listener
    /// usable: `EMFILE`/`ENFILE` when out of file descriptors (the pending
    /// connection stays queued; calling `accept` again retries at once, so
    /// back off first), `ECONNABORTED`, ...
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let addr = listener.local_addr()?;
    /// // A server: one task per connection, echoing.
    /// rt::spawn(async move {
    ///     while let Ok((mut stream, _peer)) = listener.accept().await {
    ///         rt::spawn(async move {
    ///             let mut buf = [0; 64];
    ///             let n = stream.read(&mut buf).await?;
    ///             stream.write_all(&buf[..n]).await
    ///         });
    ///     }
    /// });
    ///
    /// let mut client = TcpStream::connect(addr).await?;
    /// client.write_all(b"echo").await?;
    /// let mut buf = [0; 4];
    /// client.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"echo");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let accepted = self.io.read_with(accept).await?;
        finish_accept(accepted)
    }

    /// Polls for a new connection, as [`accept`](TcpListener::accept).
    ///
    /// Only the last task to call `poll_accept` is woken when a connection
    /// arrives; use `accept` to wait from several tasks.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_stream, peer) = poll_fn(|cx| listener.poll_accept(cx)).await?;
    /// assert_eq!(peer, client.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        self.io
            .poll_read_with(cx, accept)
            .map(|r| r.and_then(finish_accept))
    }

    /// The local address this listener is bound to.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::{Ipv4Addr, SocketAddr};
    /// use rt::net::TcpListener;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    /// let addr: SocketAddr = listener.local_addr()?;
    /// assert_eq!(addr.ip(), Ipv4Addr::LOCALHOST);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Wraps a std listener: puts it in non-blocking mode and registers it.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::TcpListener;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let listener = TcpListener::from_std(std_listener)?;
    /// let client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_stream, peer) = listener.accept().await?;
    /// assert_eq!(peer, client.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener {
            io: Async::new(listener)?,
        })
    }

    /// Deregisters the listener and returns the std listener, still in
    /// non-blocking mode (call `set_nonblocking(false)` to block on it).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::TcpListener;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let addr = listener.local_addr()?;
    /// let std_listener = listener.into_std()?;
    /// assert_eq!(std_listener.local_addr()?, addr);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        self.io.into_inner()
    }
}

/// One `accept4(2)`: the new socket is non-blocking and close-on-exec from
/// the start (one syscall, where std's `accept` + `set_nonblocking` is two).
fn accept(listener: &std::net::TcpListener) -> io::Result<(Socket, socket2::SockAddr)> {
    SockRef::from(listener).accept4(libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC)
}

/// Registers an accepted socket.
fn finish_accept(
    (socket, addr): (Socket, socket2::SockAddr),
) -> io::Result<(TcpStream, SocketAddr)> {
    let addr = addr
        .as_socket()
        .ok_or_else(|| io::Error::other("accepted a connection without an IP address"))?;
    let stream = TcpStream::from_nonblocking(std::net::TcpStream::from(socket))?;
    Ok((stream, addr))
}

impl AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for TcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}
