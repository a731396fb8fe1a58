//! `UnixDatagram`.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::path::Path;

use socket2::{Domain, SockAddr, SockRef, Socket, Type};

use super::SocketAddr;
use rt_reactor::Async;

mod ready;

/// A Unix domain datagram socket.
///
/// Every method takes `&self`; any number of tasks may wait on one socket.
///
/// # Examples
///
/// ```
/// use rt::net::UnixDatagram;
/// # rt::Runtime::new()?.block_on(async {
///
/// let (a, b) = UnixDatagram::pair()?;
/// a.send(b"ping").await?;
/// let mut buf = [0; 8];
/// let n = b.recv(&mut buf).await?;
/// assert_eq!(&buf[..n], b"ping");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct UnixDatagram {
    io: Async<std::os::unix::net::UnixDatagram>,
}

impl UnixDatagram {
    /// Creates a socket bound to `path`.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixDatagram;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir();
    /// let path = dir.join(format!("rt-doc-{}-dgram-bind.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::unbound()?;
    /// client.send_to(b"hello", &path).await?;
    /// let mut buf = [0; 8];
    /// let (n, _) = server.recv_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hello");
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixDatagram> {
        let addr = SockAddr::unix(path)?;
        let socket = Socket::new(Domain::UNIX, Type::DGRAM.nonblocking(), None)?;
        socket.bind(&addr)?;
        UnixDatagram::from_socket(socket)
    }

    /// Creates a socket bound to no address.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixDatagram;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let socket = UnixDatagram::unbound()?;
    /// assert!(socket.local_addr()?.is_unnamed());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::from_socket(Socket::new(Domain::UNIX, Type::DGRAM.nonblocking(), None)?)
    }

    /// Creates a pair of connected sockets.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixDatagram;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = UnixDatagram::pair()?;
    /// a.send(b"one").await?;
    /// let mut buf = [0; 8];
    /// assert_eq!(b.recv(&mut buf).await?, 3);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = Socket::pair(Domain::UNIX, Type::DGRAM.nonblocking(), None)?;
        Ok((UnixDatagram::from_socket(a)?, UnixDatagram::from_socket(b)?))
    }

    /// Registers a non-blocking socket (`UnixSocket::datagram` too).
    #[track_caller]
    pub(super) fn from_socket(socket: Socket) -> io::Result<UnixDatagram> {
        let io = Async::new_nonblocking_with(
            std::os::unix::net::UnixDatagram::from(socket),
            rt_reactor::Ready::WRITABLE,
        )?;
        Ok(UnixDatagram { io })
    }

    /// Connects the socket to the socket at `path`: [`send`](UnixDatagram::send)
    /// goes there and [`recv`](UnixDatagram::recv) only receives from there.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixDatagram;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir();
    /// let path = dir.join(format!("rt-doc-{}-dgram-connect.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::unbound()?;
    /// client.connect(&path)?;
    /// client.send(b"hello").await?; // to `path`
    /// let mut buf = [0; 8];
    /// assert_eq!(server.recv(&mut buf).await?, 5);
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn connect(&self, path: impl AsRef<Path>) -> io::Result<()> {
        // Through socket2's address, which spells an abstract name with a
        // leading NUL (std's refuses one).
        SockRef::from(self.io.get_ref()).connect(&SockAddr::unix(path)?)
    }

    /// Sends `buf` to the socket at `path`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixDatagram;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir();
    /// let path = dir.join(format!("rt-doc-{}-dgram-send-to.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::unbound()?;
    /// assert_eq!(client.send_to(b"hello", &path).await?, 5);
    /// # drop(server);
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn send_to(&self, buf: &[u8], path: impl AsRef<Path>) -> io::Result<usize> {
        // As `connect`: socket2's address takes an abstract name.
        let addr = SockAddr::unix(path)?;
        self.io
            .write_with(|socket| SockRef::from(socket).send_to(buf, &addr))
            .await
    }

    /// Receives one datagram into `buf`; returns its length and sender.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixDatagram;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir();
    /// let path = dir.join(format!("rt-doc-{}-dgram-recv-from.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// # let client_path = dir.join(format!("rt-doc-{}-dgram-recv-from-client.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&client_path);
    /// let server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::bind(&client_path)?;
    /// client.send_to(b"hello", &path).await?;
    /// let mut buf = [0; 8];
    /// let (n, from) = server.recv_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hello");
    /// assert_eq!(from.as_pathname(), Some(client_path.as_path())); // the sender's path
    /// # std::fs::remove_file(&path)?;
    /// # std::fs::remove_file(&client_path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self.io.read_with(|socket| socket.recv_from(buf)).await?;
        Ok((n, SocketAddr::from(addr)))
    }

    /// Sends `buf` to the connected peer.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixDatagram;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixDatagram::pair()?;
    /// assert_eq!(a.send(b"hello").await?, 5);
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
    /// use rt::net::UnixDatagram;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = UnixDatagram::pair()?;
    /// a.send(b"hello").await?;
    /// let mut buf = [0; 8];
    /// let n = b.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hello");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.read_with(|socket| socket.recv(buf)).await
    }

    /// The local address of this socket.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixDatagram;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir();
    /// let path = dir.join(format!("rt-doc-{}-dgram-local.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let socket = UnixDatagram::bind(&path)?;
    /// assert_eq!(socket.local_addr()?.as_pathname(), Some(path.as_path()));
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr().map(SocketAddr::from)
    }

    /// The address of the connected peer.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixDatagram;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir();
    /// let path = dir.join(format!("rt-doc-{}-dgram-peer.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let _server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::unbound()?;
    /// client.connect(&path)?;
    /// assert_eq!(client.peer_addr()?.as_pathname(), Some(path.as_path()));
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr().map(SocketAddr::from)
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
    /// use rt::net::UnixDatagram;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = std::os::unix::net::UnixDatagram::pair()?;
    /// let (a, b) = (UnixDatagram::from_std(a)?, UnixDatagram::from_std(b)?);
    /// a.send(b"x").await?;
    /// assert_eq!(b.recv(&mut [0; 1]).await?, 1);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_std(socket: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram {
            io: Async::new(socket)?,
        })
    }

    /// Deregisters the socket and returns the std socket, still in
    /// non-blocking mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixDatagram;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixDatagram::pair()?;
    /// let std_socket = a.into_std()?;
    /// std_socket.set_nonblocking(false)?; // blocking again, for std code
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
        self.io.into_inner()
    }
}

impl AsRawFd for UnixDatagram {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixDatagram {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for UnixDatagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}
