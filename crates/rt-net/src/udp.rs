//! `UdpSocket`.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use socket2::{Domain, Protocol, Socket, Type};

use crate::addr::{each_addr, no_addresses, resolve, ToSocketAddrs};
use rt_reactor::Async;

mod ready;

/// A UDP socket.
///
/// Every method takes `&self`: share the socket (in an `Arc`) between tasks
/// that send and receive at once; any number of tasks may wait on it.
///
/// # Examples
///
/// ```
/// use rt::net::UdpSocket;
/// # rt::Runtime::new()?.block_on(async {
///
/// let a = UdpSocket::bind("127.0.0.1:0").await?;
/// let b = UdpSocket::bind("127.0.0.1:0").await?;
/// a.send_to(b"ping", b.local_addr()?).await?;
/// let mut buf = [0; 16];
/// let (n, from) = b.recv_from(&mut buf).await?;
/// assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct UdpSocket {
    io: Async<std::net::UdpSocket>,
}

impl UdpSocket {
    /// Creates a socket bound to `addr`, trying each address it resolves to
    /// until one binds.
    ///
    /// # Errors
    ///
    /// `AddrInUse`, `AddrNotAvailable`, a resolution error...
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let socket = UdpSocket::bind("127.0.0.1:0").await?; // any free port
    /// assert_ne!(socket.local_addr()?.port(), 0);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        let addrs = resolve(&addr).await?;
        each_addr(addrs, |addr| {
            let socket = Socket::new(
                Domain::for_address(addr),
                Type::DGRAM.nonblocking(),
                Some(Protocol::UDP),
            )?;
            socket.bind(&addr.into())?;
            let io = Async::new_nonblocking_with(
                std::net::UdpSocket::from(socket),
                rt_reactor::Ready::WRITABLE,
            )?;
            Ok(UdpSocket { io })
        })
    }

    /// Connects the socket to `addr`: [`send`](UdpSocket::send) goes there
    /// and [`recv`](UdpSocket::recv) only receives from there. Tries each
    /// address `addr` resolves to until one works.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let a = rt::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// # let b = rt::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// b.connect(a.local_addr()?).await?;
    /// a.send(b"ping").await?; // no address: the connected peer
    /// let mut buf = [0; 4];
    /// assert_eq!(b.recv(&mut buf).await?, 4);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        let addrs = resolve(&addr).await?;
        each_addr(addrs, |addr| self.io.get_ref().connect(addr))
    }

    /// Sends `buf` to `target` (its first address); returns the number of
    /// bytes sent.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let a = rt::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// # let b = rt::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let sent = a.send_to(b"ping", b.local_addr()?).await?;
    /// assert_eq!(sent, 4);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        let target = *resolve(&target).await?.first().ok_or_else(no_addresses)?;
        self.io
            .write_with(|socket| socket.send_to(buf, target))
            .await
    }

    /// Receives one datagram into `buf`; returns its length and sender. A
    /// datagram longer than `buf` is truncated.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let a = rt::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// # let b = rt::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"ping", b.local_addr()?).await?;
    /// let mut buf = [0; 16];
    /// let (n, from) = b.recv_from(&mut buf).await?;
    /// assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
    /// b.send_to(b"pong", from).await?; // answer the sender
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io.read_with(|socket| socket.recv_from(buf)).await
    }

    /// Sends `buf` to the connected peer.
    ///
    /// # Errors
    ///
    /// `NotConnected` (`EDESTADDRREQ`) without [`connect`](UdpSocket::connect);
    /// `ConnectionRefused` if an earlier datagram was refused.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let a = rt::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// # let b = rt::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// assert_eq!(a.send(b"ping").await?, 4);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.write_with(|socket| socket.send(buf)).await
    }

    /// Receives one datagram from the connected peer into `buf`.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let a = rt::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// # let b = rt::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// b.connect(a.local_addr()?).await?; // receive from `a` only
    /// a.send_to(b"ping", b.local_addr()?).await?;
    /// let mut buf = [0; 16];
    /// let n = b.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"ping");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.read_with(|socket| socket.recv(buf)).await
    }

    /// The local address this socket is bound to.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let socket = UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(socket.local_addr()?.ip().is_loopback());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The address of the connected peer.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let a = rt::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// # let b = rt::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(a.peer_addr().is_err()); // not connected yet
    /// a.connect(b.local_addr()?).await?;
    /// assert_eq!(a.peer_addr()?, b.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Wraps a std socket: puts it in non-blocking mode and registers it.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let socket = UdpSocket::from_std(std::net::UdpSocket::bind("127.0.0.1:0")?)?;
    /// assert!(socket.local_addr()?.ip().is_loopback());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        Ok(UdpSocket {
            io: Async::new(socket)?,
        })
    }

    /// Deregisters the socket and returns the std socket, still in
    /// non-blocking mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let socket = UdpSocket::bind("127.0.0.1:0").await?;
    /// let std_socket = socket.into_std()?;
    /// std_socket.set_nonblocking(false)?; // blocking again, for std code
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        self.io.into_inner()
    }
}

impl AsRawFd for UdpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UdpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}
