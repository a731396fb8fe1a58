//! What the Unix socket types have beyond their core operations: binding
//! and connecting by [`SocketAddr`] (a path or an abstract name),
//! `take_error`, and `UnixDatagram::shutdown`.

use std::ffi::OsString;
use std::io;
use std::net::Shutdown;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

use socket2::SockRef;

use super::SocketAddr;
use crate::{UnixDatagram, UnixListener, UnixStream};

/// The path `bind`/`connect` take for `addr`: its path, or for an abstract
/// name the name behind a NUL byte (how socket2 spells an abstract
/// address).
fn to_path(addr: &SocketAddr) -> io::Result<PathBuf> {
    if let Some(path) = addr.as_pathname() {
        return Ok(path.to_path_buf());
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Some(name) = addr.as_abstract_name() {
        let mut bytes = Vec::with_capacity(name.len() + 1);
        bytes.push(0);
        bytes.extend_from_slice(name);
        return Ok(PathBuf::from(OsString::from_vec(bytes)));
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "an unnamed Unix socket address names no socket",
    ))
}

impl UnixListener {
    /// Creates a listener bound to `socket_addr`, as
    /// [`bind`](UnixListener::bind) does for a path.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for an unnamed address; else as `bind`.
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
    /// let first = UnixListener::bind(format!("\0rt-doc-{}-bind-addr", std::process::id()))?;
    /// let addr = first.local_addr()?;
    /// drop(first); // the abstract name is free again
    /// let second = UnixListener::bind_addr(&addr)?;
    /// assert_eq!(second.local_addr()?.as_abstract_name(), addr.as_abstract_name());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn bind_addr(socket_addr: &SocketAddr) -> io::Result<UnixListener> {
        UnixListener::bind(to_path(socket_addr)?)
    }

    /// Takes the pending socket error (`SO_ERROR`), clearing it.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = rt::net::UnixListener::bind(format!("\0rt-doc-{}-take-error", std::process::id()))?;
    /// assert!(listener.take_error()?.is_none());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        SockRef::from(self).take_error()
    }
}

impl UnixStream {
    /// Connects to the socket at `socket_addr`, as
    /// [`connect`](UnixStream::connect) does for a path.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for an unnamed address; else as `connect`.
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
    /// let listener = UnixListener::bind(format!("\0rt-doc-{}-connect-addr", std::process::id()))?;
    /// let client = UnixStream::connect_addr(&listener.local_addr()?).await?;
    /// let (_server, _) = listener.accept().await?;
    /// # drop(client);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn connect_addr(socket_addr: &SocketAddr) -> io::Result<UnixStream> {
        UnixStream::connect(to_path(socket_addr)?).await
    }

    /// Takes the pending socket error (`SO_ERROR`), clearing it.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = rt::net::UnixStream::pair()?;
    /// assert!(a.take_error()?.is_none());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        SockRef::from(self).take_error()
    }
}

impl UnixDatagram {
    /// Takes the pending socket error (`SO_ERROR`), clearing it.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = rt::net::UnixDatagram::pair()?;
    /// assert!(a.take_error()?.is_none());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        SockRef::from(self).take_error()
    }

    /// Shuts the reading, writing or both directions down (`shutdown(2)`):
    /// after `Shutdown::Read`, `recv` returns 0 at once; after
    /// `Shutdown::Write`, `send` fails with `BrokenPipe`.
    ///
    /// # Errors
    ///
    /// `NotConnected` if the socket is not connected.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Shutdown;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = rt::net::UnixDatagram::pair()?;
    /// a.shutdown(Shutdown::Write)?;
    /// let err = a.send(b"late").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        SockRef::from(self).shutdown(how)
    }
}
