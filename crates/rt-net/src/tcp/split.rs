//! The halves of a `TcpStream`, for reading and writing from two tasks.
//!
//! A stream has one waker slot per direction, so a reader and a writer never
//! take each other's place: each half only polls its own direction.

use std::error::Error;
use std::fmt;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::sync::Arc;

use super::TcpStream;
use crate::io_impls::{impl_async_read, impl_async_write};

mod ready;

/// The reading half of a [`TcpStream`], borrowed; from [`TcpStream::split`].
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
/// use rt::net::ReadHalf;
///
/// # rt::Runtime::new()?.block_on(async {
/// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
/// # let (mut server, _) = listener.accept().await?;
/// server.write_all(b"hi").await?;
/// let (mut reader, _writer): (ReadHalf<'_>, _) = client.split();
/// let mut buf = [0; 2];
/// reader.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hi");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct ReadHalf<'a>(&'a TcpStream);

/// The writing half of a [`TcpStream`], borrowed; from [`TcpStream::split`].
///
/// Closing it shuts the stream's write direction down.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
/// use rt::net::WriteHalf;
///
/// # rt::Runtime::new()?.block_on(async {
/// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
/// # let (mut server, _) = listener.accept().await?;
/// let (_reader, mut writer): (_, WriteHalf<'_>) = client.split();
/// writer.write_all(b"bye").await?;
/// writer.shutdown().await?; // the server reads end-of-file
/// let mut received = Vec::new();
/// server.read_to_end(&mut received).await?;
/// assert_eq!(received, b"bye");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct WriteHalf<'a>(&'a TcpStream);

/// The reading half of a [`TcpStream`], owned; from [`TcpStream::into_split`].
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
/// use rt::net::OwnedReadHalf;
///
/// # rt::Runtime::new()?.block_on(async {
/// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
/// # let (mut server, _) = listener.accept().await?;
/// let (reader, _writer) = client.into_split();
/// let reading = rt::spawn(async move {
///     let mut reader: OwnedReadHalf = reader;
///     let mut buf = [0; 2];
///     reader.read_exact(&mut buf).await.map(|_| buf)
/// });
/// server.write_all(b"hi").await?;
/// assert_eq!(&reading.await??, b"hi");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct OwnedReadHalf {
    inner: Arc<TcpStream>,
}

/// The writing half of a [`TcpStream`], owned; from [`TcpStream::into_split`].
///
/// Closing or dropping it shuts the stream's write direction down (the peer
/// reads end-of-file); the read half keeps working.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
/// use rt::net::OwnedWriteHalf;
///
/// # rt::Runtime::new()?.block_on(async {
/// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
/// # let (mut server, _) = listener.accept().await?;
/// let (_reader, writer) = client.into_split();
/// rt::spawn(async move {
///     let mut writer: OwnedWriteHalf = writer;
///     writer.write_all(b"bye").await
///     // `writer` drops here: the server reads end-of-file
/// })
/// .await??;
/// let mut received = Vec::new();
/// server.read_to_end(&mut received).await?;
/// assert_eq!(received, b"bye");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct OwnedWriteHalf {
    inner: Arc<TcpStream>,
    shutdown_on_drop: bool,
}

/// The error of [`OwnedReadHalf::reunite`]: the halves came from two
/// different streams. Holds them, unchanged.
///
/// # Examples
///
/// ```
/// use rt::net::ReuniteError;
///
/// # rt::Runtime::new()?.block_on(async {
/// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
/// # let (mut server, _) = listener.accept().await?;
/// let (read_a, write_a) = client.into_split();
/// let (read_b, write_b) = server.into_split();
/// let err: ReuniteError = read_a.reunite(write_b).unwrap_err(); // two streams
/// let ReuniteError(read_a, write_b) = err; // the halves come back
/// assert!(read_a.reunite(write_a).is_ok());
/// assert!(read_b.reunite(write_b).is_ok());
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

impl<'a> ReadHalf<'a> {
    pub(super) fn new(stream: &'a TcpStream) -> ReadHalf<'a> {
        ReadHalf(stream)
    }

    /// The local address of the stream.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// let (reader, _writer) = client.split();
    /// assert_eq!(reader.local_addr()?, server.peer_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// The peer's address.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// let (reader, _writer) = client.split();
    /// assert_eq!(reader.peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }
}

impl<'a> WriteHalf<'a> {
    pub(super) fn new(stream: &'a TcpStream) -> WriteHalf<'a> {
        WriteHalf(stream)
    }

    /// The local address of the stream.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// let (_reader, writer) = client.split();
    /// assert_eq!(writer.local_addr()?, server.peer_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// The peer's address.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// let (_reader, writer) = client.split();
    /// assert_eq!(writer.peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }
}

impl OwnedReadHalf {
    pub(super) fn new(inner: Arc<TcpStream>) -> OwnedReadHalf {
        OwnedReadHalf { inner }
    }

    /// Puts the stream back together from its two halves.
    ///
    /// # Errors
    ///
    /// [`ReuniteError`] (holding both halves) if they come from different streams.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// let addr = client.local_addr()?;
    /// let (reader, writer) = client.into_split();
    /// let client = reader.reunite(writer).expect("halves of one stream");
    /// assert_eq!(client.local_addr()?, addr);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<TcpStream, ReuniteError> {
        if !Arc::ptr_eq(&self.inner, &other.inner) {
            return Err(ReuniteError(self, other));
        }
        let mut write = other;
        write.shutdown_on_drop = false;
        drop(write);
        let inner = self.inner;
        Ok(Arc::into_inner(inner).expect("the two halves held the only references"))
    }

    /// The local address of the stream.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// let (reader, _writer) = client.into_split();
    /// assert_eq!(reader.local_addr()?, server.peer_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    /// The peer's address.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// let (reader, _writer) = client.into_split();
    /// assert_eq!(reader.peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }
}

impl OwnedWriteHalf {
    pub(super) fn new(inner: Arc<TcpStream>) -> OwnedWriteHalf {
        OwnedWriteHalf {
            inner,
            shutdown_on_drop: true,
        }
    }

    /// Puts the stream back together, see [`OwnedReadHalf::reunite`].
    ///
    /// # Errors
    ///
    /// [`ReuniteError`] if the halves come from different streams.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// let (reader, writer) = client.into_split();
    /// let client = writer.reunite(reader).expect("halves of one stream");
    /// # drop(client);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reunite(self, other: OwnedReadHalf) -> Result<TcpStream, ReuniteError> {
        other.reunite(self)
    }

    /// The local address of the stream.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// let (_reader, writer) = client.into_split();
    /// assert_eq!(writer.local_addr()?, server.peer_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    /// The peer's address.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// let (_reader, writer) = client.into_split();
    /// assert_eq!(writer.peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            // Already shut down or reset by the peer: nothing left to do.
            let _ = self.inner.shutdown_std(Shutdown::Write);
        }
    }
}

impl fmt::Display for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same socket")
    }
}

impl Error for ReuniteError {}

impl_async_read!(['a] ReadHalf<'a>, |this| this.0.io);
impl_async_write!(['a] WriteHalf<'a>, |this| this.0.io);
impl_async_read!([] OwnedReadHalf, |this| this.inner.io);
impl_async_write!([] OwnedWriteHalf, |this| this.inner.io);
