//! Addresses for `bind`, `connect` and `send_to`: IP literals resolve at
//! once; host names are looked up on the runtime's blocking pool
//! (`spawn_blocking`), so that a slow DNS answer never blocks a worker and
//! lookups are bounded by the pool's thread limit.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// Types that name one or more socket addresses, like
/// [`std::net::ToSocketAddrs`]: a [`SocketAddr`], `(IpAddr, u16)`, a
/// `"host:port"` string, `("host", port)`, or a slice of addresses.
///
/// Unlike the std trait, resolving a host name does not block the calling
/// thread: the lookup runs on the runtime's blocking pool while the task
/// waits. IP
/// literals (`"127.0.0.1:8080"`, `"[::1]:80"`) never leave the task.
///
/// The trait is sealed: its method is private to rt.
///
/// # Examples
///
/// ```
/// use std::net::{Ipv4Addr, SocketAddr};
/// use rt::net::{TcpListener, ToSocketAddrs, UdpSocket};
///
/// # rt::Runtime::new()?.block_on(async {
/// // All of these name 127.0.0.1, port 0 (any free port):
/// let _ = TcpListener::bind("127.0.0.1:0").await?;
/// let _ = TcpListener::bind(("127.0.0.1", 0)).await?;
/// let _ = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
/// let _ = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
/// let _ = UdpSocket::bind(String::from("127.0.0.1:0")).await?;
///
/// // A function generic over addresses, as rt's own are.
/// async fn bind_udp(addr: impl ToSocketAddrs) -> std::io::Result<UdpSocket> {
///     UdpSocket::bind(addr).await
/// }
/// let socket = bind_udp(("127.0.0.1", 0)).await?;
/// assert!(socket.local_addr()?.ip().is_loopback());
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

pub(crate) mod sealed {
    use super::*;

    /// The private half of [`ToSocketAddrs`](super::ToSocketAddrs).
    #[allow(unreachable_pub)] // reason: a supertrait of a public trait must be `pub`; it sits in a private module (sealed)
    pub trait ToSocketAddrsPriv {
        /// The addresses at once, or the name to look up.
        fn to_socket_addrs_priv(&self) -> Lookup;
    }

    /// The result of [`ToSocketAddrsPriv::to_socket_addrs_priv`].
    #[allow(unreachable_pub)] // reason: returned by the sealed trait above
    #[derive(Debug)]
    pub enum Lookup {
        /// Resolved without a lookup.
        Ready(io::Result<Vec<SocketAddr>>),
        /// A `"host:port"` string to resolve with `std::net::ToSocketAddrs`.
        HostAndPort(String),
        /// A host name and a port.
        Host(String, u16),
    }
}

use sealed::{Lookup, ToSocketAddrsPriv};

/// Resolves `addrs`, looking host names up off the workers.
pub(crate) async fn resolve<A: ToSocketAddrs + ?Sized>(addrs: &A) -> io::Result<Vec<SocketAddr>> {
    let lookup = addrs.to_socket_addrs_priv();
    match lookup {
        Lookup::Ready(result) => result,
        Lookup::HostAndPort(_) | Lookup::Host(..) => lookup_offloaded(lookup).await,
    }
}

/// Runs `f` on each address in turn until one succeeds; returns the last
/// error, or `InvalidInput` if there was no address.
pub(crate) fn each_addr<T>(
    addrs: Vec<SocketAddr>,
    mut f: impl FnMut(SocketAddr) -> io::Result<T>,
) -> io::Result<T> {
    let mut last_err = None;
    for addr in addrs {
        match f(addr) {
            Ok(value) => return Ok(value),
            Err(err) => last_err = Some(err),
        }
    }
    Err(last_err.unwrap_or_else(no_addresses))
}

/// The error for a name that resolved to no address (std's wording).
pub(crate) fn no_addresses() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "could not resolve to any addresses",
    )
}

/// Resolves a name with `std::net::ToSocketAddrs` on the current
/// runtime's blocking pool. Outside a runtime (a reactor entered by hand,
/// no pool), the lookup runs on the calling thread.
async fn lookup_offloaded(lookup: Lookup) -> io::Result<Vec<SocketAddr>> {
    let job = move || {
        match lookup {
            Lookup::HostAndPort(name) => std::net::ToSocketAddrs::to_socket_addrs(&name),
            Lookup::Host(host, port) => {
                std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))
            }
            Lookup::Ready(result) => result.map(Vec::into_iter),
        }
        .map(Iterator::collect)
    };
    let Ok(handle) = rt_pool::Handle::try_current() else {
        return job();
    };
    match handle.spawn_blocking(job).await {
        Ok(result) => result,
        // The runtime shut down before the job ran.
        Err(err) if err.is_cancelled() => Err(rt_reactor::shutdown_error()),
        Err(err) => Err(io::Error::other(format!("host name lookup failed: {err}"))),
    }
}

impl ToSocketAddrs for SocketAddr {}
impl ToSocketAddrsPriv for SocketAddr {
    fn to_socket_addrs_priv(&self) -> Lookup {
        Lookup::Ready(Ok(vec![*self]))
    }
}

impl ToSocketAddrs for SocketAddrV4 {}
impl ToSocketAddrsPriv for SocketAddrV4 {
    fn to_socket_addrs_priv(&self) -> Lookup {
        SocketAddr::V4(*self).to_socket_addrs_priv()
    }
}

impl ToSocketAddrs for SocketAddrV6 {}
impl ToSocketAddrsPriv for SocketAddrV6 {
    fn to_socket_addrs_priv(&self) -> Lookup {
        SocketAddr::V6(*self).to_socket_addrs_priv()
    }
}

impl ToSocketAddrs for (IpAddr, u16) {}
impl ToSocketAddrsPriv for (IpAddr, u16) {
    fn to_socket_addrs_priv(&self) -> Lookup {
        SocketAddr::from(*self).to_socket_addrs_priv()
    }
}

impl ToSocketAddrs for (Ipv4Addr, u16) {}
impl ToSocketAddrsPriv for (Ipv4Addr, u16) {
    fn to_socket_addrs_priv(&self) -> Lookup {
        SocketAddr::from(*self).to_socket_addrs_priv()
    }
}

impl ToSocketAddrs for (Ipv6Addr, u16) {}
impl ToSocketAddrsPriv for (Ipv6Addr, u16) {
    fn to_socket_addrs_priv(&self) -> Lookup {
        SocketAddr::from(*self).to_socket_addrs_priv()
    }
}

impl ToSocketAddrs for [SocketAddr] {}
impl ToSocketAddrsPriv for [SocketAddr] {
    fn to_socket_addrs_priv(&self) -> Lookup {
        Lookup::Ready(Ok(self.to_vec()))
    }
}

impl ToSocketAddrs for str {}
impl ToSocketAddrsPriv for str {
    fn to_socket_addrs_priv(&self) -> Lookup {
        match self.parse::<SocketAddr>() {
            Ok(addr) => addr.to_socket_addrs_priv(),
            Err(_) => Lookup::HostAndPort(self.to_owned()),
        }
    }
}

impl ToSocketAddrs for String {}
impl ToSocketAddrsPriv for String {
    fn to_socket_addrs_priv(&self) -> Lookup {
        self.as_str().to_socket_addrs_priv()
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl ToSocketAddrsPriv for (&str, u16) {
    fn to_socket_addrs_priv(&self) -> Lookup {
        match self.0.parse::<IpAddr>() {
            Ok(ip) => (ip, self.1).to_socket_addrs_priv(),
            Err(_) => Lookup::Host(self.0.to_owned(), self.1),
        }
    }
}

impl ToSocketAddrs for (String, u16) {}
impl ToSocketAddrsPriv for (String, u16) {
    fn to_socket_addrs_priv(&self) -> Lookup {
        (self.0.as_str(), self.1).to_socket_addrs_priv()
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: ToSocketAddrs + ?Sized> ToSocketAddrsPriv for &T {
    fn to_socket_addrs_priv(&self) -> Lookup {
        (**self).to_socket_addrs_priv()
    }
}
