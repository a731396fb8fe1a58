//! `lookup_host`: name resolution as a function of its own, for a program
//! that wants the addresses rather than a socket.

use std::io;
use std::net::SocketAddr;

use crate::addr::{resolve, ToSocketAddrs};

/// Resolves `host` to the socket addresses it names.
///
/// Anything [`ToSocketAddrs`] is taken: a `"host:port"` string, a
/// `("host", port)` pair, an IP literal, a [`SocketAddr`]. A host name is
/// looked up with the system resolver (`getaddrinfo`) on the runtime's
/// blocking pool, so a slow DNS answer never stalls a worker; an address
/// that is already an IP literal comes back at once, without the pool.
///
/// # Errors
///
/// The resolver's error for a name it cannot resolve, `InvalidInput` for a
/// string that is not `host:port`. Never a panic.
///
/// # Examples
///
/// ```
/// use std::net::{Ipv4Addr, SocketAddr};
///
/// # rt::Runtime::new()?.block_on(async {
/// for addr in rt::net::lookup_host("localhost:8080").await? {
///     assert!(addr.ip().is_loopback());
///     assert_eq!(addr.port(), 8080);
/// }
///
/// // An IP literal resolves to itself.
/// let addrs: Vec<SocketAddr> = rt::net::lookup_host("10.0.0.1:53").await?.collect();
/// assert_eq!(addrs, [SocketAddr::from((Ipv4Addr::new(10, 0, 0, 1), 53))]);
///
/// // A bad name is an error.
/// assert!(rt::net::lookup_host("no port here").await.is_err());
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn lookup_host<T>(host: T) -> io::Result<impl Iterator<Item = SocketAddr>>
where
    T: ToSocketAddrs,
{
    resolve(&host).await.map(Vec::into_iter)
}
