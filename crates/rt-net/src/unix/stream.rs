//! `UnixStream`.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::path::Path;

use socket2::{Domain, SockAddr, Socket, Type};

use super::SocketAddr;
use crate::connect_in_progress;
use crate::io_impls::{impl_async_read, impl_async_write};
use rt_reactor::Async;

mod ready;

/// A Unix domain stream socket.
///
/// Implements futures-io's [`AsyncRead`](futures_io::AsyncRead) and
/// [`AsyncWrite`](futures_io::AsyncWrite), as does `&UnixStream` (read
/// through one reference and write through another from two tasks); closing
/// shuts the write half down.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
/// use rt::net::UnixStream;
/// # rt::Runtime::new()?.block_on(async {
///
/// let (mut a, mut b) = UnixStream::pair()?;
/// a.write_all(b"hi").await?;
/// let mut buf = [0; 2];
/// b.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hi");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct UnixStream {
    pub(super) io: Async<std::os::unix::net::UnixStream>,
}

impl UnixStream {
    /// Connects to the socket at `path`.
    ///
    /// # Errors
    ///
    /// `NotFound` if there is no socket there, `ConnectionRefused` if nobody
    /// listens on it, `WouldBlock` if its listen backlog is full.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{UnixListener, UnixStream};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir();
    /// let path = dir.join(format!("rt-doc-{}-stream-connect.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = UnixListener::bind(&path)?;
    /// let client = UnixStream::connect(&path).await?;
    /// assert_eq!(client.peer_addr()?.as_pathname(), Some(path.as_path()));
    /// # drop(listener);
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        let addr = SockAddr::unix(path)?;
        let socket = Socket::new(Domain::UNIX, Type::STREAM.nonblocking(), None)?;
        UnixStream::connect_socket(socket, &addr).await
    }

    /// Connects a fresh non-blocking stream socket (`UnixSocket::connect`
    /// too) and registers it. Even a connect that completed at once (the
    /// usual case: the listener's backlog had room) waits for the reactor
    /// to report the socket writable, as tokio's does, so a listener that
    /// closes before accepting fails the connect rather than the first
    /// read.
    pub(super) async fn connect_socket(socket: Socket, addr: &SockAddr) -> io::Result<UnixStream> {
        connect_in_progress(socket.connect(addr))?;
        let io = Async::new_nonblocking(std::os::unix::net::UnixStream::from(socket), false)?;
        io.wait_connected().await?;
        Ok(UnixStream { io })
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
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    /// use rt::net::UnixStream;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, mut b) = UnixStream::pair()?;
    /// a.write_all(b"ping").await?;
    /// let mut buf = [0; 4];
    /// b.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"ping");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = Socket::pair(Domain::UNIX, Type::STREAM.nonblocking(), None)?;
        let a = Async::new_nonblocking_with(
            std::os::unix::net::UnixStream::from(a),
            rt_reactor::Ready::WRITABLE,
        )?;
        let b = Async::new_nonblocking_with(
            std::os::unix::net::UnixStream::from(b),
            rt_reactor::Ready::WRITABLE,
        )?;
        Ok((UnixStream { io: a }, UnixStream { io: b }))
    }

    /// Wraps a connected std stream: puts it in non-blocking mode and
    /// registers it.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixStream;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = std::os::unix::net::UnixStream::pair()?;
    /// let (a, b) = (UnixStream::from_std(a)?, UnixStream::from_std(b)?);
    /// # drop((a, b));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream {
            io: Async::new(stream)?,
        })
    }

    /// Deregisters the stream and returns the std stream, still in
    /// non-blocking mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixStream;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let std_stream = a.into_std()?;
    /// std_stream.set_nonblocking(false)?; // blocking again, for std code
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        self.io.into_inner()
    }

    /// The local address of this end.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{UnixListener, UnixStream};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir();
    /// let path = dir.join(format!("rt-doc-{}-stream-local.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = UnixListener::bind(&path)?;
    /// let _client = UnixStream::connect(&path).await?;
    /// let (server, _) = listener.accept().await?;
    /// assert_eq!(server.local_addr()?.as_pathname(), Some(path.as_path()));
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr().map(SocketAddr::from)
    }

    /// The address of the peer.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixStream;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// assert!(a.peer_addr()?.is_unnamed()); // a pair has no paths
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr().map(SocketAddr::from)
    }
}

impl_async_read!([] UnixStream, |this| this.io);
impl_async_write!([] UnixStream, |this| this.io);
impl_async_read!(['a] &'a UnixStream, |this| this.io);
impl_async_write!(['a] &'a UnixStream, |this| this.io);

impl AsRawFd for UnixStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}
