//! `TcpSocket`: a TCP socket not yet connected or listening, so that its
//! options can be set before `connect`/`listen` (the ones that only count
//! then: `SO_REUSEADDR`, `SO_REUSEPORT`, buffer sizes, `bind` to a chosen
//! local address or device).
//!
//! The socket is a `socket2::Socket` created non-blocking and close-on-exec;
//! it is registered with the reactor only when it becomes a [`TcpStream`]
//! (`connect`) or a [`TcpListener`] (`listen`), so creating and configuring
//! one works outside a runtime.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, RawFd};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use super::{TcpListener, TcpStream};
use crate::connect_in_progress;
use rt_reactor::Async;

/// A TCP socket before it connects or listens, to set options first.
///
/// [`connect`](TcpSocket::connect) turns it into a [`TcpStream`],
/// [`listen`](TcpSocket::listen) into a [`TcpListener`]. Unlike
/// [`TcpListener::bind`], nothing is set by default: a listener that should
/// rebind a port in `TIME_WAIT` asks for
/// [`set_reuseaddr`](TcpSocket::set_reuseaddr).
///
/// # Examples
///
/// A listener with a chosen backlog and `SO_REUSEADDR`:
///
/// ```
/// use rt::net::{TcpSocket, TcpStream};
///
/// # rt::Runtime::new()?.block_on(async {
/// let socket = TcpSocket::new_v4()?;
/// socket.set_reuseaddr(true)?;
/// socket.bind("127.0.0.1:0".parse().unwrap())?;
/// let listener = socket.listen(1024)?;
///
/// let client = TcpStream::connect(listener.local_addr()?).await?;
/// let (_server, peer) = listener.accept().await?;
/// assert_eq!(peer, client.local_addr()?);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct TcpSocket {
    inner: Socket,
}

impl TcpSocket {
    /// Creates an IPv4 TCP socket (`socket(2)` with `AF_INET`,
    /// `SOCK_STREAM`).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// assert!(socket.local_addr()?.is_ipv4());
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::IPV4)
    }

    /// Creates an IPv6 TCP socket (`socket(2)` with `AF_INET6`,
    /// `SOCK_STREAM`).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v6()?;
    /// # if socket.bind("[::1]:0".parse().unwrap()).is_err() { return Ok(()); } // no IPv6 here
    /// assert!(socket.local_addr()?.is_ipv6());
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::IPV6)
    }

    fn new(domain: Domain) -> io::Result<TcpSocket> {
        // socket2 adds SOCK_CLOEXEC itself.
        let inner = Socket::new(domain, Type::STREAM.nonblocking(), Some(Protocol::TCP))?;
        Ok(TcpSocket { inner })
    }

    /// Sets `SO_KEEPALIVE`: the kernel probes an idle connection.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// socket.set_keepalive(true)?;
    /// assert!(socket.keepalive()?);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        self.inner.set_keepalive(keepalive)
    }

    /// Whether `SO_KEEPALIVE` is set.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// assert!(!socket.keepalive()?); // off by default
    /// # std::io::Result::Ok(())
    /// ```
    pub fn keepalive(&self) -> io::Result<bool> {
        self.inner.keepalive()
    }

    /// Sets `SO_REUSEADDR`: `bind` succeeds on a port whose old connections
    /// are still in `TIME_WAIT` (a restarted server gets its port back at
    /// once). Set it before [`bind`](TcpSocket::bind).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// socket.set_reuseaddr(true)?;
    /// assert!(socket.reuseaddr()?);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_reuseaddr(&self, reuseaddr: bool) -> io::Result<()> {
        self.inner.set_reuse_address(reuseaddr)
    }

    /// Whether `SO_REUSEADDR` is set.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// assert!(!socket.reuseaddr()?); // off by default
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reuseaddr(&self) -> io::Result<bool> {
        self.inner.reuse_address()
    }

    /// Sets `SO_REUSEPORT`: several sockets of the same user, each with the
    /// option set, may listen on one address; the kernel spreads incoming
    /// connections among them. Set it before [`bind`](TcpSocket::bind).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// socket.set_reuseport(true)?;
    /// assert!(socket.reuseport()?);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_reuseport(&self, reuseport: bool) -> io::Result<()> {
        self.inner.set_reuse_port(reuseport)
    }

    /// Whether `SO_REUSEPORT` is set.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// assert!(!socket.reuseport()?); // off by default
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reuseport(&self) -> io::Result<bool> {
        self.inner.reuse_port()
    }

    /// Sets `SO_SNDBUF`, the size of the kernel's send buffer. Linux doubles
    /// the value asked for (for its bookkeeping) and clamps it to its
    /// limits, so [`send_buffer_size`](TcpSocket::send_buffer_size) reads
    /// back a different number.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// socket.set_send_buffer_size(64 * 1024)?;
    /// assert!(socket.send_buffer_size()? >= 64 * 1024);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_send_buffer_size(to_usize(size))
    }

    /// The size of the kernel's send buffer (`SO_SNDBUF`).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// assert!(socket.send_buffer_size()? > 0);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        self.inner.send_buffer_size().map(to_u32)
    }

    /// Sets `SO_RCVBUF`, the size of the kernel's receive buffer (doubled
    /// and clamped by Linux, as for
    /// [`set_send_buffer_size`](TcpSocket::set_send_buffer_size)). Set it
    /// before `connect`/`listen` for it to shape the TCP window.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// socket.set_recv_buffer_size(64 * 1024)?;
    /// assert!(socket.recv_buffer_size()? >= 64 * 1024);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_recv_buffer_size(to_usize(size))
    }

    /// The size of the kernel's receive buffer (`SO_RCVBUF`).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// assert!(socket.recv_buffer_size()? > 0);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        self.inner.recv_buffer_size().map(to_u32)
    }

    /// Sets `SO_LINGER`. With `Some(duration)`, closing the socket waits up
    /// to `duration` for unsent data to leave, and that wait blocks the
    /// thread that drops it (a worker thread, in a runtime): hence the
    /// deprecation, as on tokio. `Some(Duration::ZERO)` does not block; use
    /// [`set_zero_linger`](TcpSocket::set_zero_linger) for it.
    ///
    /// # Examples
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// socket.set_linger(None)?; // the default: close in the background
    /// assert_eq!(socket.linger()?, None);
    /// # std::io::Result::Ok(())
    /// ```
    #[deprecated = "`SO_LINGER` with a non-zero duration blocks the thread that drops the socket"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        self.inner.set_linger(dur)
    }

    /// Sets `SO_LINGER` to zero: closing the socket aborts the connection
    /// (the peer gets a reset, unsent data is dropped, no `TIME_WAIT`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// socket.set_zero_linger()?;
    /// assert_eq!(socket.linger()?, Some(Duration::ZERO));
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_zero_linger(&self) -> io::Result<()> {
        self.inner.set_linger(Some(Duration::ZERO))
    }

    /// The `SO_LINGER` setting: `None` when off.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.linger()?, None); // off by default
    /// # std::io::Result::Ok(())
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        self.inner.linger()
    }

    /// Sets `TCP_NODELAY`: small writes leave at once instead of being
    /// coalesced (Nagle's algorithm). The stream from
    /// [`connect`](TcpSocket::connect) keeps it.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// socket.set_nodelay(true)?;
    /// assert!(socket.nodelay()?);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_tcp_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// assert!(!socket.nodelay()?); // off by default
    /// # std::io::Result::Ok(())
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.tcp_nodelay()
    }

    /// Sets `IP_TOS`, the type-of-service byte of outgoing IPv4 packets.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// socket.set_tos_v4(0x10)?; // "low delay"
    /// assert_eq!(socket.tos_v4()?, 0x10);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.inner.set_tos_v4(tos)
    }

    /// The `IP_TOS` byte of outgoing IPv4 packets.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.tos_v4()?, 0);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn tos_v4(&self) -> io::Result<u32> {
        self.inner.tos_v4()
    }

    /// The old name of [`set_tos_v4`](TcpSocket::set_tos_v4), kept as
    /// tokio keeps it.
    #[deprecated = "renamed `set_tos_v4`: the option is IPv4's"]
    #[doc(hidden)]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// The old name of [`tos_v4`](TcpSocket::tos_v4), kept as tokio keeps
    /// it.
    #[deprecated = "renamed `tos_v4`: the option is IPv4's"]
    #[doc(hidden)]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets `IPV6_TCLASS`, the traffic class of outgoing IPv6 packets.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v6()?;
    /// socket.set_tclass_v6(0x10)?;
    /// assert_eq!(socket.tclass_v6()?, 0x10);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.inner.set_tclass_v6(tclass)
    }

    /// The `IPV6_TCLASS` of outgoing IPv6 packets.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v6()?;
    /// assert_eq!(socket.tclass_v6()?, 0);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn tclass_v6(&self) -> io::Result<u32> {
        self.inner.tclass_v6()
    }

    /// Binds the socket to a network device (`SO_BINDTODEVICE`, Linux),
    /// such as `b"eth0"`; `None` removes the binding. Needs `CAP_NET_RAW`
    /// on kernels older than 5.7.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// if socket.bind_device(Some(b"lo")).is_ok() {
    ///     assert_eq!(socket.device()?.as_deref(), Some(&b"lo"[..]));
    /// }
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        self.inner.bind_device(interface)
    }

    /// The device the socket is bound to (`SO_BINDTODEVICE`), if any.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.device()?, None);
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        self.inner.device()
    }

    /// The local address the socket is bound to.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if the socket's address is not an IP address.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// let addr = socket.local_addr()?;
    /// assert!(addr.ip().is_loopback());
    /// assert_ne!(addr.port(), 0); // the kernel chose a free port
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()?.as_socket().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the socket's address is not an IP address",
            )
        })
    }

    /// Takes the pending socket error (`SO_ERROR`), clearing it.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::TcpSocket::new_v4()?;
    /// assert!(socket.take_error()?.is_none());
    /// # std::io::Result::Ok(())
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }

    /// Binds the socket to `addr` (port 0: a free port, see
    /// [`local_addr`](TcpSocket::local_addr)).
    ///
    /// # Errors
    ///
    /// `AddrInUse` if the address is taken (and not shareable through
    /// `SO_REUSEADDR`/`SO_REUSEPORT`), `AddrNotAvailable`,
    /// `PermissionDenied`, `InvalidInput` for an address of the other family.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::TcpSocket;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let first = TcpSocket::new_v4()?;
    /// first.bind("127.0.0.1:0".parse().unwrap())?;
    /// let listener = first.listen(16)?;
    ///
    /// // The address is taken now.
    /// let second = TcpSocket::new_v4()?;
    /// let err = second.bind(listener.local_addr()?).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        self.inner.bind(&addr.into())
    }

    /// Connects to `addr` and returns the stream, with the options set on
    /// this socket.
    ///
    /// # Errors
    ///
    /// `ConnectionRefused` if nothing listens there, `TimedOut`,
    /// `NetworkUnreachable`, ...
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{TcpListener, TcpSocket};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_nodelay(true)?;
    /// let stream = socket.connect(listener.local_addr()?).await?;
    /// assert!(stream.nodelay()?);
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        let in_progress = connect_in_progress(self.inner.connect(&addr.into()))?;
        let io = Async::new_nonblocking(std::net::TcpStream::from(self.inner), !in_progress)?;
        if in_progress {
            io.wait_connected().await?;
        }
        Ok(TcpStream { io })
    }

    /// Starts listening with a queue of `backlog` pending connections (the
    /// kernel caps it at `somaxconn`) and returns the listener.
    ///
    /// # Errors
    ///
    /// `AddrInUse` if the socket is unbound (an ephemeral port is chosen)
    /// and none is free, or another socket listens on the address.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{TcpSocket, TcpStream};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let socket = TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// let listener = socket.listen(128)?;
    /// let _client = TcpStream::connect(listener.local_addr()?).await?;
    /// let _accepted = listener.accept().await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        self.inner
            .listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
        TcpListener::from_std(std::net::TcpListener::from(self.inner))
    }

    /// Turns a std stream back into a socket, to read or set its options
    /// through this type. The descriptor is taken as it is (no mode change).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::TcpSocket;
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// let socket = TcpSocket::from_std_stream(stream);
    /// socket.set_keepalive(true)?;
    /// assert!(socket.keepalive()?);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn from_std_stream(std_stream: std::net::TcpStream) -> TcpSocket {
        TcpSocket {
            inner: Socket::from(std_stream),
        }
    }
}

/// A `u32` size as socket2's `usize` (lossless on the 32- and 64-bit
/// targets rt supports; saturates elsewhere).
fn to_usize(size: u32) -> usize {
    usize::try_from(size).unwrap_or(usize::MAX)
}

/// A kernel buffer size as tokio's `u32` (saturating: the kernel's own
/// limit is an `int`).
fn to_u32(size: usize) -> u32 {
    u32::try_from(size).unwrap_or(u32::MAX)
}

impl AsRawFd for TcpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for TcpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl FromRawFd for TcpSocket {
    /// Takes ownership of a TCP socket descriptor.
    ///
    /// # Safety
    ///
    /// - `fd` is an open socket descriptor that nothing else owns (it is
    ///   closed when the `TcpSocket` drops).
    unsafe fn from_raw_fd(fd: RawFd) -> TcpSocket {
        // SAFETY: the caller hands over sole ownership of the open
        // descriptor `fd` (this function's contract), which is socket2's.
        let inner = unsafe { Socket::from_raw_fd(fd) };
        TcpSocket { inner }
    }
}

impl IntoRawFd for TcpSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}
