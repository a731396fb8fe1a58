//! Unix domain sockets (listener, stream, datagram, and the unconnected
//! [`UnixSocket`] to bind before listening or connecting), their addresses
//! ([`SocketAddr`]: a path, an abstract name on Linux, or unnamed), pipes
//! and FIFOs ([`pipe`]), and the credentials of a socket's peer
//! ([`UCred`]).
//!
//! A path that starts with a NUL byte (`"\0name"`) names a socket in
//! Linux's abstract namespace, for `bind` and `connect` alike: no file is
//! created, and the name disappears with the last socket.
//!
//! The socket types are exported from `rt::net` itself
//! ([`UnixStream`], ...); this module holds what
//! tokio keeps under `tokio::net::unix`.
//!
//! # Examples
//!
//! ```
//! use rt::net::unix::{pipe, UCred};
//!
//! # rt::Runtime::new()?.block_on(async {
//! let (a, _b) = rt::net::UnixStream::pair()?;
//! let cred: UCred = a.peer_cred()?;
//! assert_eq!(cred.pid(), Some(std::process::id() as i32));
//! let (_tx, _rx) = pipe::pipe()?;
//! # std::io::Result::Ok(()) })?;
//! # std::io::Result::Ok(())
//! ```

mod datagram;
mod listener;
mod options;
pub mod pipe;
mod socket;
mod socketaddr;
mod split;
mod stream;
mod ucred;

pub use datagram::UnixDatagram;
pub use listener::UnixListener;
pub use socket::UnixSocket;
pub use socketaddr::SocketAddr;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use stream::UnixStream;
pub use ucred::UCred;

/// A user id, as [`UCred::uid`] returns it.
///
/// # Examples
///
/// ```
/// use rt::net::unix::uid_t;
///
/// # rt::Runtime::new()?.block_on(async {
/// let (a, _b) = rt::net::UnixStream::pair()?;
/// let cred = a.peer_cred()?;
/// let uid: uid_t = cred.uid();
/// # let _ = uid;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[allow(non_camel_case_types)] // reason: the C type's name, as tokio spells it
pub type uid_t = u32;

/// A group id, as [`UCred::gid`] returns it.
///
/// # Examples
///
/// ```
/// use rt::net::unix::gid_t;
///
/// # rt::Runtime::new()?.block_on(async {
/// let (a, _b) = rt::net::UnixStream::pair()?;
/// let cred = a.peer_cred()?;
/// let gid: gid_t = cred.gid();
/// # let _ = gid;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[allow(non_camel_case_types)] // reason: the C type's name, as tokio spells it
pub type gid_t = u32;

/// A process id, as [`UCred::pid`] returns it.
///
/// # Examples
///
/// ```
/// use rt::net::unix::pid_t;
///
/// # rt::Runtime::new()?.block_on(async {
/// let (a, _b) = rt::net::UnixStream::pair()?;
/// let cred = a.peer_cred()?;
/// let pid: Option<pid_t> = cred.pid();
/// # let _ = pid;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[allow(non_camel_case_types)] // reason: the C type's name, as tokio spells it
pub type pid_t = i32;
