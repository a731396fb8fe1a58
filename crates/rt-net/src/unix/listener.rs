//! `UnixListener`.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::path::Path;

use socket2::{Domain, SockAddr, Socket, Type};

use super::SocketAddr;
use super::UnixStream;
use crate::BACKLOG;
use rt_reactor::Async;

/// A Unix domain socket server, listening for connections.
///
/// # Examples
///
/// ```
/// use rt::net::{UnixListener, UnixStream};
/// # rt::Runtime::new()?.block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-doc-{}.sock", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
///
/// let listener = UnixListener::bind(&path)?;
/// let _client = UnixStream::connect(&path).await?;
/// let (_server, _peer) = listener.accept().await?;
/// # std::fs::remove_file(&path)?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct UnixListener {
    io: Async<std::os::unix::net::UnixListener>,
}

impl UnixListener {
    /// Creates a listener bound to `path`, with a listen backlog of 4096.
    ///
    /// The socket file is not removed on drop.
    ///
    /// # Errors
    ///
    /// `AddrInUse` if the file exists, `NotFound` if its directory does not.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixListener;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir();
    /// let path = dir.join(format!("rt-doc-{}-listener-bind.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = UnixListener::bind(&path)?;
    /// // The file stays after the listener: binding again needs it removed.
    /// drop(listener);
    /// assert!(UnixListener::bind(&path).is_err());
    /// std::fs::remove_file(&path)?;
    /// let _listener = UnixListener::bind(&path)?;
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixListener> {
        let addr = SockAddr::unix(path)?;
        let socket = Socket::new(Domain::UNIX, Type::STREAM.nonblocking(), None)?;
        socket.bind(&addr)?;
        socket.listen(BACKLOG)?;
        UnixListener::from_listening(socket)
    }

    /// Registers a non-blocking socket that listens (`UnixSocket::listen`
    /// too).
    #[track_caller]
    pub(super) fn from_listening(socket: Socket) -> io::Result<UnixListener> {
        let io = Async::new_nonblocking_with(
            std::os::unix::net::UnixListener::from(socket),
            rt_reactor::Ready::WRITABLE,
        )?;
        Ok(UnixListener { io })
    }

    /// Accepts a new connection: the stream and the peer's address (usually
    /// unnamed).
    ///
    /// Any number of tasks may wait in `accept` on one listener.
    ///
    /// # Errors
    ///
    /// Errors of `accept4(2)` come back as they are (`EMFILE`, ...) and leave
    /// the listener usable.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    /// use rt::net::{UnixListener, UnixStream};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir();
    /// let path = dir.join(format!("rt-doc-{}-listener-accept.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = UnixListener::bind(&path)?;
    /// let mut client = UnixStream::connect(&path).await?;
    /// let (mut server, peer) = listener.accept().await?;
    /// assert!(peer.is_unnamed()); // the client did not bind
    /// client.write_all(b"hi").await?;
    /// let mut buf = [0; 2];
    /// server.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"hi");
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (stream, addr) = self.io.read_with(|listener| listener.accept()).await?;
        Ok((UnixStream::from_std(stream)?, SocketAddr::from(addr)))
    }

    /// The local address this listener is bound to.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixListener;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir();
    /// let path = dir.join(format!("rt-doc-{}-listener-local.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = UnixListener::bind(&path)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr().map(SocketAddr::from)
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
    /// use rt::net::{UnixListener, UnixStream};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir();
    /// let path = dir.join(format!("rt-doc-{}-listener-from-std.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = UnixListener::from_std(std::os::unix::net::UnixListener::bind(&path)?)?;
    /// let _client = UnixStream::connect(&path).await?;
    /// let _accepted = listener.accept().await?;
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        Ok(UnixListener {
            io: Async::new(listener)?,
        })
    }

    /// Deregisters the listener and returns the std listener, still in
    /// non-blocking mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixListener;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir();
    /// let path = dir.join(format!("rt-doc-{}-listener-into-std.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = UnixListener::bind(&path)?;
    /// let std_listener = listener.into_std()?;
    /// std_listener.set_nonblocking(false)?; // blocking again, for std code
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        self.io.into_inner()
    }
}

impl AsRawFd for UnixListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}
