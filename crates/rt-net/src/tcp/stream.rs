//! `TcpStream`.

use std::fmt;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::sync::Arc;

use socket2::{Domain, Protocol, Socket, Type};

use super::split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::addr::{no_addresses, resolve, ToSocketAddrs};
use crate::connect_in_progress;
use crate::io_impls::{impl_async_read, impl_async_write};
use rt_reactor::Async;

/// A TCP connection.
///
/// Implements futures-io's [`AsyncRead`](futures_io::AsyncRead) and
/// [`AsyncWrite`](futures_io::AsyncWrite), as does `&TcpStream`; closing
/// shuts the write half down (the peer reads end-of-file). Through these
/// traits one task reads and one task writes at a time (only the last task
/// to poll a direction is woken): to read and write from two tasks, split
/// the stream ([`split`](TcpStream::split),
/// [`into_split`](TcpStream::into_split)).
///
/// Dropping the stream closes the connection.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
/// use rt::net::{TcpListener, TcpStream};
/// # rt::Runtime::new()?.block_on(async {
///
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let mut client = TcpStream::connect(listener.local_addr()?).await?;
/// client.set_nodelay(true)?;
/// client.write_all(b"bye").await?;
/// client.shutdown().await?; // the write half: the server reads end of file
///
/// let (mut server, _) = listener.accept().await?;
/// let mut received = Vec::new();
/// server.read_to_end(&mut received).await?;
/// assert_eq!(received, b"bye");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct TcpStream {
    pub(super) io: Async<std::net::TcpStream>,
}

impl TcpStream {
    /// Opens a connection to `addr`, trying each address it resolves to in
    /// turn until one connects.
    ///
    /// # Errors
    ///
    /// `ConnectionRefused` if nothing listens there, `TimedOut`,
    /// `NetworkUnreachable`, ... With several addresses, the last one's
    /// error; `InvalidInput` if `addr` resolves to no address.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    ///
    /// // Nothing listens on a port just freed: refused.
    /// let free = TcpListener::bind("127.0.0.1:0").await?.local_addr()?;
    /// let err = TcpStream::connect(free).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        let mut last_err = None;
        for addr in resolve(&addr).await? {
            match TcpStream::connect_addr(addr).await {
                Ok(stream) => return Ok(stream),
                Err(err) => last_err = Some(err),
            }
        }
        Err(last_err.unwrap_or_else(no_addresses))
    }

    /// Connects to one address: a non-blocking `connect`, then a wait for
    /// the socket to become writable, then `SO_ERROR`.
    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        let socket = Socket::new(
            Domain::for_address(addr),
            Type::STREAM.nonblocking(),
            Some(Protocol::TCP),
        )?;
        let in_progress = connect_in_progress(socket.connect(&addr.into()))?;
        let assume_ready = !in_progress;
        let io = Async::new_nonblocking(std::net::TcpStream::from(socket), assume_ready)?;
        if in_progress {
            io.wait_connected().await?;
        }
        Ok(TcpStream { io })
    }

    /// Registers a connected socket that is already non-blocking.
    pub(crate) fn from_nonblocking(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            io: Async::new_nonblocking(stream, true)?,
        })
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
    /// use rt::net::TcpStream;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// let stream = TcpStream::from_std(std_stream)?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            io: Async::new(stream)?,
        })
    }

    /// Deregisters the stream and returns the std stream, still in
    /// non-blocking mode (call `set_nonblocking(false)` to block on it).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// let std_stream: std::net::TcpStream = client.into_std()?;
    /// std_stream.set_nonblocking(false)?; // blocking again, for std code
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        self.io.into_inner()
    }

    /// The local address of this end of the connection.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// assert_eq!(client.local_addr()?, server.peer_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The address of the peer.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// assert_eq!(client.peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Sets `TCP_NODELAY`: when `true`, small writes are sent at once
    /// instead of being coalesced (Nagle's algorithm). Off by default.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// client.set_nodelay(true)?; // for small request/response messages
    /// assert!(client.nodelay()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.get_ref().set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// assert!(!client.nodelay()?); // off by default
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.get_ref().nodelay()
    }

    /// `shutdown(2)`, for the halves (the write half's drop). Not public:
    /// an inherent `shutdown` would be found before `AsyncWriteExt`'s, so
    /// `stream.shutdown().await` would not compile; users half-close with
    /// `AsyncWriteExt::shutdown`, as on tokio.
    pub(crate) fn shutdown_std(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }

    /// Splits the stream into a reading and a writing half, borrowed: one
    /// task may read while another writes (in `join`/`select` of one task,
    /// or in scoped tasks).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// # server.write_all(b"hello").await?;
    /// let (mut reader, mut writer) = client.split();
    /// // Read and write at once, within one task (any `join` will do).
    /// let (read, written) = futures_lite::future::zip(
    ///     async {
    ///         let mut buf = [0; 5];
    ///         reader.read_exact(&mut buf).await.map(|_| buf)
    ///     },
    ///     writer.write_all(b"world"),
    /// )
    /// .await;
    /// assert_eq!(&read?, b"hello");
    /// written?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        (ReadHalf::new(self), WriteHalf::new(self))
    }

    /// Splits the stream into owned reading and writing halves, which can
    /// move to two tasks. Dropping the write half shuts the write direction
    /// down, as tokio does; [`OwnedReadHalf::reunite`] puts them back together.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// let (mut reader, mut writer) = client.into_split();
    /// // Each half moves to its own task.
    /// let writing = rt::spawn(async move { writer.write_all(b"ping").await });
    /// let reading = rt::spawn(async move {
    ///     let mut buf = [0; 4];
    ///     reader.read_exact(&mut buf).await.map(|_| buf)
    /// });
    /// let mut buf = [0; 4];
    /// server.read_exact(&mut buf).await?;
    /// server.write_all(&buf).await?;
    /// writing.await??;
    /// assert_eq!(&reading.await??, b"ping");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        let shared = Arc::new(self);
        (
            OwnedReadHalf::new(shared.clone()),
            OwnedWriteHalf::new(shared),
        )
    }
}

impl_async_read!([] TcpStream, |this| this.io);
impl_async_write!([] TcpStream, |this| this.io);
impl_async_read!(['a] &'a TcpStream, |this| this.io);
impl_async_write!(['a] &'a TcpStream, |this| this.io);

impl AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for TcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}
