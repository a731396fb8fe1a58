//! Socket options of a connected [`TcpStream`] and of a [`TcpListener`]
//! (those set before connecting live on [`TcpSocket`](super::TcpSocket)).
//! Each one is a `getsockopt`/`setsockopt` through socket2 on the
//! registered descriptor: nothing here touches the reactor.

use std::io;
use std::time::Duration;

use socket2::SockRef;

use super::{TcpListener, TcpStream};

impl TcpStream {
    /// The `SO_LINGER` setting: `None` when off (the default).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.linger()?, None);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        SockRef::from(self).linger()
    }

    /// Sets `SO_LINGER`. A non-zero duration makes the drop of the stream
    /// block its thread (a worker) until unsent data leaves or the time
    /// runs out: deprecated, as on tokio. For an abortive close use
    /// [`set_zero_linger`](TcpStream::set_zero_linger).
    ///
    /// # Examples
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_linger(None)?;
    /// assert_eq!(stream.linger()?, None);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[deprecated = "`SO_LINGER` with a non-zero duration blocks the thread that drops the socket"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        SockRef::from(self).set_linger(dur)
    }

    /// Sets `SO_LINGER` to zero: dropping the stream resets the connection
    /// (unsent data is discarded, the peer reads `ConnectionReset`, no
    /// `TIME_WAIT`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_zero_linger()?;
    /// assert_eq!(stream.linger()?, Some(Duration::ZERO));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_zero_linger(&self) -> io::Result<()> {
        SockRef::from(self).set_linger(Some(Duration::ZERO))
    }

    /// Whether `TCP_QUICKACK` is on: ACKs are sent at once rather than
    /// delayed (Linux; the kernel turns it off again by itself, so it is a
    /// hint to set again after reads).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let _on: bool = stream.quickack()?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "fuchsia"))]
    pub fn quickack(&self) -> io::Result<bool> {
        SockRef::from(self).tcp_quickack()
    }

    /// Sets `TCP_QUICKACK` (Linux): send ACKs at once rather than delaying
    /// them, for request/response traffic where the delay shows.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_quickack(true)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "fuchsia"))]
    pub fn set_quickack(&self, quickack: bool) -> io::Result<()> {
        SockRef::from(self).set_tcp_quickack(quickack)
    }

    /// The `IP_TTL` of outgoing packets.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert!(stream.ttl()? > 0);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }

    /// Sets `IP_TTL`, the hop limit of outgoing packets.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_ttl(123)?;
    /// assert_eq!(stream.ttl()?, 123);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// Takes the pending socket error (`SO_ERROR`), clearing it.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// # let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = rt::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert!(stream.take_error()?.is_none());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }
}

impl TcpListener {
    /// The `IP_TTL` of the packets of accepted connections.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// assert!(listener.ttl()? > 0);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        SockRef::from(self).ttl_v4()
    }

    /// Sets `IP_TTL` on the listening socket.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
    /// listener.set_ttl(100)?;
    /// assert_eq!(listener.ttl()?, 100);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        SockRef::from(self).set_ttl_v4(ttl)
    }
}
