//! `UnixSocket`: a Unix domain socket not yet listening, connected or
//! used for datagrams, so that it can be bound to a chosen path first
//! (a client that binds before connecting gives its peer a named address).
//!
//! The socket is a `socket2::Socket` created non-blocking and
//! close-on-exec, of the stream or the datagram type. It is registered with
//! the reactor only when it becomes a [`UnixListener`]
//! ([`listen`](UnixSocket::listen)), a [`UnixStream`]
//! ([`connect`](UnixSocket::connect)) or a [`UnixDatagram`]
//! ([`datagram`](UnixSocket::datagram)), so creating and binding one works
//! outside a runtime. Asking a socket for what its type cannot do
//! (`listen` or `connect` on a datagram socket, `datagram` on a stream
//! socket) is an error, not a panic.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, RawFd};
use std::path::Path;

use socket2::{Domain, SockAddr, Socket, Type};

use crate::{UnixDatagram, UnixListener, UnixStream};

/// A Unix domain socket before it listens, connects or sends datagrams.
///
/// Made with [`new_stream`](UnixSocket::new_stream) (then
/// [`listen`](UnixSocket::listen) or [`connect`](UnixSocket::connect)) or
/// [`new_datagram`](UnixSocket::new_datagram) (then
/// [`datagram`](UnixSocket::datagram)), optionally
/// [`bind`](UnixSocket::bind)ed to a path in between.
///
/// # Examples
///
/// A client bound to a path of its own, so the server sees its address:
///
/// ```
/// use rt::net::UnixSocket;
///
/// # rt::Runtime::new()?.block_on(async {
/// let dir = std::env::temp_dir().join(format!("rt-doc-{}-unix-socket", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// std::fs::create_dir(&dir)?;
/// let server = UnixSocket::new_stream()?;
/// server.bind(dir.join("server.sock"))?;
/// let listener = server.listen(128)?;
///
/// let client = UnixSocket::new_stream()?;
/// client.bind(dir.join("client.sock"))?;
/// let _stream = client.connect(dir.join("server.sock")).await?;
/// let (_accepted, peer) = listener.accept().await?;
/// assert_eq!(peer.as_pathname(), Some(dir.join("client.sock").as_path()));
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct UnixSocket {
    inner: Socket,
}

impl UnixSocket {
    /// Creates a datagram socket (`SOCK_DGRAM`), for
    /// [`datagram`](UnixSocket::datagram).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let socket = rt::net::UnixSocket::new_datagram()?;
    /// let datagram = socket.datagram()?;
    /// assert!(datagram.local_addr()?.is_unnamed());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new_datagram() -> io::Result<UnixSocket> {
        UnixSocket::new(Type::DGRAM)
    }

    /// Creates a stream socket (`SOCK_STREAM`), for
    /// [`listen`](UnixSocket::listen) or [`connect`](UnixSocket::connect).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = rt::net::UnixSocket::new_stream()?;
    /// # drop(socket);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new_stream() -> io::Result<UnixSocket> {
        UnixSocket::new(Type::STREAM)
    }

    fn new(ty: Type) -> io::Result<UnixSocket> {
        // socket2 adds SOCK_CLOEXEC itself.
        let inner = Socket::new(Domain::UNIX, ty.nonblocking(), None)?;
        Ok(UnixSocket { inner })
    }

    /// Whether this is a datagram socket (asked of the kernel, so that a
    /// socket made from a raw descriptor answers too).
    fn is_datagram(&self) -> io::Result<bool> {
        Ok(self.inner.r#type()? == Type::DGRAM)
    }

    /// Binds the socket to `path` (a file is created there; a path that
    /// starts with a NUL byte is a name in Linux's abstract namespace).
    ///
    /// # Errors
    ///
    /// `AddrInUse` if something exists at the path already.
    ///
    /// # Examples
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("rt-doc-{}-unix-socket-bind.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let socket = rt::net::UnixSocket::new_datagram()?;
    /// socket.bind(&path)?;
    /// assert!(path.exists());
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn bind(&self, path: impl AsRef<Path>) -> io::Result<()> {
        self.inner.bind(&SockAddr::unix(path)?)
    }

    /// Starts listening with a queue of `backlog` pending connections (the
    /// kernel caps it at `somaxconn`) and returns the listener.
    ///
    /// # Errors
    ///
    /// On a datagram socket, an error whose text is "listen cannot be
    /// called on a datagram socket"; else `listen(2)`'s.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{UnixSocket, UnixStream};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let name = format!("\0rt-doc-{}-unix-socket-listen", std::process::id());
    /// let socket = UnixSocket::new_stream()?;
    /// socket.bind(&name)?;
    /// let listener = socket.listen(16)?;
    /// let _client = UnixStream::connect(&name).await?;
    /// let _accepted = listener.accept().await?;
    ///
    /// let err = UnixSocket::new_datagram()?.listen(16).unwrap_err();
    /// assert_eq!(err.to_string(), "listen cannot be called on a datagram socket");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn listen(self, backlog: u32) -> io::Result<UnixListener> {
        if self.is_datagram()? {
            return Err(io::Error::other(
                "listen cannot be called on a datagram socket",
            ));
        }
        self.inner
            .listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
        UnixListener::from_listening(self.inner)
    }

    /// Connects to the socket at `path` and returns the stream.
    ///
    /// # Errors
    ///
    /// On a datagram socket, an error whose text is "connect cannot be
    /// called on a datagram socket"; `NotFound` if there is no socket at
    /// `path`, `ConnectionRefused` if nobody listens on it.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    /// use rt::net::{UnixListener, UnixSocket};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let name = format!("\0rt-doc-{}-unix-socket-connect", std::process::id());
    /// let listener = UnixListener::bind(&name)?;
    /// let mut client = UnixSocket::new_stream()?.connect(&name).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// client.write_all(b"hi").await?;
    /// let mut buf = [0; 2];
    /// server.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"hi");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn connect(self, path: impl AsRef<Path>) -> io::Result<UnixStream> {
        if self.is_datagram()? {
            return Err(io::Error::other(
                "connect cannot be called on a datagram socket",
            ));
        }
        let addr = SockAddr::unix(path)?;
        UnixStream::connect_socket(self.inner, &addr).await
    }

    /// Turns a datagram socket into a [`UnixDatagram`].
    ///
    /// # Errors
    ///
    /// On a stream socket, an error whose text is "datagram cannot be
    /// called on a stream socket".
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixSocket;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let name = format!("\0rt-doc-{}-unix-socket-datagram", std::process::id());
    /// let server = UnixSocket::new_datagram()?;
    /// server.bind(&name)?;
    /// let server = server.datagram()?;
    /// let client = UnixSocket::new_datagram()?.datagram()?;
    /// client.send_to(b"ping", &name).await?;
    /// let mut buf = [0; 4];
    /// assert_eq!(server.recv(&mut buf).await?, 4);
    ///
    /// let err = UnixSocket::new_stream()?.datagram().unwrap_err();
    /// assert_eq!(err.to_string(), "datagram cannot be called on a stream socket");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn datagram(self) -> io::Result<UnixDatagram> {
        if !self.is_datagram()? {
            return Err(io::Error::other(
                "datagram cannot be called on a stream socket",
            ));
        }
        UnixDatagram::from_socket(self.inner)
    }
}

impl AsRawFd for UnixSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for UnixSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl FromRawFd for UnixSocket {
    /// Takes ownership of a Unix domain socket's descriptor.
    ///
    /// # Safety
    ///
    /// - `fd` is an open socket descriptor that nothing else owns (it is
    ///   closed when the `UnixSocket` drops).
    unsafe fn from_raw_fd(fd: RawFd) -> UnixSocket {
        // SAFETY: our caller hands us sole ownership of the open descriptor
        // `fd` (this function's contract), which is what
        // `Socket::from_raw_fd` asks.
        let inner = unsafe { Socket::from_raw_fd(fd) };
        UnixSocket { inner }
    }
}

impl IntoRawFd for UnixSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}

impl fmt::Debug for UnixSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixSocket")
            .field("fd", &self.inner.as_raw_fd())
            .finish()
    }
}
