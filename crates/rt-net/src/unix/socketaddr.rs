//! `SocketAddr`: the address of a Unix socket, as tokio names it (a thin
//! wrapper of std's, with the same accessors).

use std::fmt;
use std::path::Path;

/// The address of a Unix domain socket: a path, an abstract name (Linux),
/// or unnamed (a socket that did not bind, such as a client's).
///
/// Converts to and from [`std::os::unix::net::SocketAddr`].
///
/// # Examples
///
/// ```
/// use rt::net::{UnixListener, UnixStream};
///
/// # rt::Runtime::new()?.block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-doc-{}-socketaddr.sock", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// let listener = UnixListener::bind(&path)?;
/// let addr: rt::net::unix::SocketAddr = listener.local_addr()?;
/// assert_eq!(addr.as_pathname(), Some(path.as_path()));
///
/// let _client = UnixStream::connect(&path).await?;
/// let (_server, peer) = listener.accept().await?;
/// assert!(peer.is_unnamed()); // the client did not bind
/// # std::fs::remove_file(&path)?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone)]
pub struct SocketAddr(std::os::unix::net::SocketAddr);

impl SocketAddr {
    /// Whether the address is unnamed (the socket never bound).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = rt::net::UnixStream::pair()?;
    /// assert!(a.local_addr()?.is_unnamed());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn is_unnamed(&self) -> bool {
        self.0.is_unnamed()
    }

    /// The path, for an address in the file system.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("rt-doc-{}-pathname", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = rt::net::UnixListener::bind(&path)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// // The other end of a pair has no path.
    /// let (a, _b) = rt::net::UnixStream::pair()?;
    /// assert_eq!(a.local_addr()?.as_pathname(), None);
    /// # std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn as_pathname(&self) -> Option<&Path> {
        self.0.as_pathname()
    }

    /// The name, without its leading NUL byte, for an address in Linux's
    /// abstract namespace (bound with a path that starts with `"\0"`).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let name = format!("\0rt-doc-{}-abstract", std::process::id());
    /// let listener = rt::net::UnixListener::bind(&name)?;
    /// let addr = listener.local_addr()?;
    /// assert_eq!(addr.as_abstract_name(), Some(&name.as_bytes()[1..]));
    /// assert_eq!(addr.as_pathname(), None);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn as_abstract_name(&self) -> Option<&[u8]> {
        #[cfg(target_os = "android")]
        use std::os::android::net::SocketAddrExt;
        #[cfg(target_os = "linux")]
        use std::os::linux::net::SocketAddrExt;

        self.0.as_abstract_name()
    }
}

impl fmt::Debug for SocketAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<std::os::unix::net::SocketAddr> for SocketAddr {
    fn from(addr: std::os::unix::net::SocketAddr) -> SocketAddr {
        SocketAddr(addr)
    }
}

impl From<SocketAddr> for std::os::unix::net::SocketAddr {
    fn from(addr: SocketAddr) -> std::os::unix::net::SocketAddr {
        addr.0
    }
}
