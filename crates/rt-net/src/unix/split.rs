//! The halves of a `UnixStream`, for reading and writing from two tasks,
//! as for TCP (`tcp/split.rs`): the stream has one waker slot per
//! direction, and each half polls only its own.
//!
//! The borrowed halves ([`UnixStream::split`]) are two references to the
//! stream; the owned halves ([`UnixStream::into_split`]) share it through an
//! `Arc`, and dropping the write half shuts the write direction down (the
//! peer reads end-of-file), unless the halves are reunited.

use std::error::Error;
use std::fmt;
use std::io;
use std::net::Shutdown;
use std::sync::Arc;

use super::SocketAddr;
use crate::io_impls::{impl_async_read, impl_async_write};
use crate::UnixStream;

/// The reading half of a [`UnixStream`], borrowed, from
/// [`UnixStream::split`].
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # rt::Runtime::new()?.block_on(async {
/// let (mut a, mut b) = rt::net::UnixStream::pair()?;
/// b.write_all(b"ping").await?;
/// let (mut read, _write) = a.split(); // read: a ReadHalf
/// let mut buf = [0; 4];
/// read.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct ReadHalf<'a>(&'a UnixStream);

/// The writing half of a [`UnixStream`], borrowed, from
/// [`UnixStream::split`]. `shutdown` shuts the stream's write direction
/// down.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # rt::Runtime::new()?.block_on(async {
/// let (mut a, mut b) = rt::net::UnixStream::pair()?;
/// let (_read, mut write) = a.split(); // write: a WriteHalf
/// write.write_all(b"ping").await?;
/// write.shutdown().await?; // b reads end of file after the bytes
/// let mut all = Vec::new();
/// b.read_to_end(&mut all).await?;
/// assert_eq!(all, b"ping");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct WriteHalf<'a>(&'a UnixStream);

/// The reading half of a [`UnixStream`], owned, from
/// [`UnixStream::into_split`].
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # rt::Runtime::new()?.block_on(async {
/// let (a, mut b) = rt::net::UnixStream::pair()?;
/// let (mut read, _write) = a.into_split(); // read: an OwnedReadHalf
/// let reader = rt::spawn(async move {
///     let mut buf = [0; 4];
///     read.read_exact(&mut buf).await.map(|_| buf)
/// });
/// b.write_all(b"ping").await?;
/// assert_eq!(&reader.await??, b"ping");
/// # std::io::Result::Ok(()) })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct OwnedReadHalf {
    inner: Arc<UnixStream>,
}

/// The writing half of a [`UnixStream`], owned, from
/// [`UnixStream::into_split`]. Dropping it (or `shutdown`) shuts the write
/// direction down.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # rt::Runtime::new()?.block_on(async {
/// let (a, mut b) = rt::net::UnixStream::pair()?;
/// let (_read, mut write) = a.into_split(); // write: an OwnedWriteHalf
/// write.write_all(b"ping").await?;
/// drop(write); // shuts the write direction down: b sees end of file
/// let mut all = Vec::new();
/// b.read_to_end(&mut all).await?;
/// assert_eq!(all, b"ping");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct OwnedWriteHalf {
    inner: Arc<UnixStream>,
    shutdown_on_drop: bool,
}

/// The halves given to [`OwnedReadHalf::reunite`] came from two different
/// streams; both are handed back.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let (a, b) = rt::net::UnixStream::pair()?;
/// let (a_read, _a_write) = a.into_split();
/// let (_b_read, b_write) = b.into_split();
/// let err: rt::net::unix::ReuniteError = a_read.reunite(b_write).unwrap_err();
/// let (_a_read, _b_write) = (err.0, err.1);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

impl UnixStream {
    /// Splits the stream into a reading and a writing half, borrowed: one
    /// may read while the other writes (in `join`/`select` of one task).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, mut b) = rt::net::UnixStream::pair()?;
    /// b.write_all(b"hello").await?;
    /// let (mut reader, mut writer) = a.split();
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
        (ReadHalf(self), WriteHalf(self))
    }

    /// Splits the stream into owned reading and writing halves, which can
    /// move to two tasks. Dropping the write half shuts the write direction
    /// down; [`OwnedReadHalf::reunite`] puts them back together.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, mut b) = rt::net::UnixStream::pair()?;
    /// let (mut reader, mut writer) = a.into_split();
    /// let writing = rt::spawn(async move { writer.write_all(b"ping").await });
    /// let mut buf = [0; 4];
    /// b.read_exact(&mut buf).await?;
    /// b.write_all(&buf).await?;
    /// reader.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"ping");
    /// writing.await??;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        let shared = Arc::new(self);
        (
            OwnedReadHalf {
                inner: shared.clone(),
            },
            OwnedWriteHalf {
                inner: shared,
                shutdown_on_drop: true,
            },
        )
    }
}

/// `local_addr` and `peer_addr` of a half, from its stream.
macro_rules! addresses {
    ([$($gen:tt)*] $half:ty, |$this:ident| $stream:expr) => {
        impl<$($gen)*> $half {
            /// The stream's local address.
            ///
            /// # Examples
            ///
            /// ```
            /// # rt::Runtime::new()?.block_on(async {
            /// let (a, _b) = rt::net::UnixStream::pair()?;
            /// let (read, write) = a.into_split();
            /// assert!(read.local_addr()?.is_unnamed());
            /// assert!(write.local_addr()?.is_unnamed());
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn local_addr(&self) -> io::Result<SocketAddr> {
                let $this = self;
                $stream.local_addr()
            }

            /// The stream's peer address.
            ///
            /// # Examples
            ///
            /// ```
            /// # rt::Runtime::new()?.block_on(async {
            /// let (a, _b) = rt::net::UnixStream::pair()?;
            /// let (read, _write) = a.into_split();
            /// assert!(read.peer_addr()?.is_unnamed());
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn peer_addr(&self) -> io::Result<SocketAddr> {
                let $this = self;
                $stream.peer_addr()
            }

        }
    };
}

addresses!(['a] ReadHalf<'a>, |this| this.0);
addresses!(['a] WriteHalf<'a>, |this| this.0);
addresses!([] OwnedReadHalf, |this| this.inner);
addresses!([] OwnedWriteHalf, |this| this.inner);

impl OwnedReadHalf {
    /// Puts the stream back together from its two halves, if they came
    /// from the same [`UnixStream::into_split`]; the write direction stays
    /// open.
    ///
    /// # Errors
    ///
    /// [`ReuniteError`], holding both halves, if they are from different
    /// streams.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = rt::net::UnixStream::pair()?;
    /// let (read, write) = a.into_split();
    /// let a: rt::net::UnixStream = read.reunite(write).unwrap();
    /// # drop(a);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<UnixStream, ReuniteError> {
        if !Arc::ptr_eq(&self.inner, &other.inner) {
            return Err(ReuniteError(self, other));
        }
        let mut write = other;
        write.shutdown_on_drop = false;
        drop(write);
        // The two halves held the only references, and the write half's is
        // gone: this is the last one.
        Ok(Arc::into_inner(self.inner).expect("the two halves held the only references"))
    }
}

impl OwnedWriteHalf {
    /// [`OwnedReadHalf::reunite`], from this side.
    ///
    /// # Errors
    ///
    /// [`ReuniteError`] if the halves are from different streams.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = rt::net::UnixStream::pair()?;
    /// let (read, write) = a.into_split();
    /// let _a = write.reunite(read).unwrap();
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reunite(self, other: OwnedReadHalf) -> Result<UnixStream, ReuniteError> {
        other.reunite(self)
    }

    /// Drops the write half without shutting the write direction down: the
    /// peer reads end-of-file only when the read half drops too.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, mut b) = rt::net::UnixStream::pair()?;
    /// let (read, write) = a.into_split();
    /// write.forget();
    /// drop(read); // the last reference: the stream closes now
    /// let mut rest = Vec::new();
    /// b.read_to_end(&mut rest).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
    }
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            // Already shut down or reset by the peer: nothing left to do.
            let _ = self.inner.io.shutdown_socket(Shutdown::Write);
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
