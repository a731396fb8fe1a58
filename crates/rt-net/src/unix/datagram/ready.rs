//! tokio's readiness methods on `UnixDatagram` (see `crate::ready`): the
//! ones datagram sockets share, then the addressed ones.

use std::io;
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::task::{Context, Poll};

use bytes::BufMut;
use rt_reactor::Interest;
use tokio::io::ReadBuf;

use super::UnixDatagram;
use crate::ready::impl_datagram_ready;

impl_datagram_ready!(UnixDatagram, "let (a, b) = rt::net::UnixDatagram::pair()?;");

/// `recvfrom(2)` into `buf`'s spare capacity. std gives the sender's
/// address only for an initialised buffer, so the capacity is zeroed
/// first (the UDP socket reads into it as it is).
fn recv_buf_from(
    socket: &std::os::unix::net::UnixDatagram,
    buf: &mut impl BufMut,
) -> io::Result<(usize, SocketAddr)> {
    let chunk = buf.chunk_mut();
    let len = chunk.len();
    // SAFETY: `chunk` is `len` writable bytes of `buf`'s spare capacity,
    // borrowed from `buf` for this call; zeroing initialises them, after
    // which a `&mut [u8]` over them is sound.
    let spare = unsafe {
        std::ptr::write_bytes(chunk.as_mut_ptr(), 0, len);
        std::slice::from_raw_parts_mut(chunk.as_mut_ptr(), len)
    };
    let (n, addr) = socket.recv_from(spare)?;
    // SAFETY: the first `n` bytes of the spare capacity are initialised
    // (zeroed, then written by the kernel).
    unsafe { buf.advance_mut(n) };
    Ok((n, addr))
}

impl UnixDatagram {
    /// Sends `buf` to the socket bound at `target` now, or `WouldBlock`
    /// (which clears the cached readiness).
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or the socket's error (nothing bound there, ...).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixDatagram;
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir().join(format!("rt-doc-try-send-to-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("b.sock");
    /// # let _ = std::fs::remove_file(&path);
    /// let b = UnixDatagram::bind(&path)?;
    /// let a = UnixDatagram::unbound()?;
    /// assert_eq!(a.try_send_to(b"hi", &path)?, 2);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # drop(b);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        let target = target.as_ref();
        self.io
            .try_io(Interest::WRITABLE, |s| s.send_to(buf, target))
    }

    /// Polls to send `buf` to the socket bound at `target`. Only the last
    /// task to poll is woken.
    ///
    /// # Errors
    ///
    /// The socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use rt::net::UnixDatagram;
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir().join(format!("rt-doc-poll-send-to-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("b.sock");
    /// # let _ = std::fs::remove_file(&path);
    /// let b = UnixDatagram::bind(&path)?;
    /// let a = UnixDatagram::unbound()?;
    /// assert_eq!(poll_fn(|cx| a.poll_send_to(cx, b"hi", &path)).await?, 2);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # drop(b);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_send_to<P: AsRef<Path>>(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: P,
    ) -> Poll<io::Result<usize>> {
        let target = target.as_ref();
        self.io.poll_write_with(cx, |s| s.send_to(buf, target))
    }

    /// Receives one datagram now into `buf`, with its sender, or
    /// `WouldBlock` (which clears the cached readiness).
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or the socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = rt::net::UnixDatagram::pair()?;
    /// let mut buf = [0; 8];
    /// assert!(b.try_recv_from(&mut buf).is_err()); // nothing queued
    /// a.send(b"hi").await?;
    /// let (n, _from) = loop {
    ///     b.readable().await?;
    ///     if let Ok(received) = b.try_recv_from(&mut buf) {
    ///         break received;
    ///     }
    /// };
    /// assert_eq!(&buf[..n], b"hi");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io.try_io(Interest::READABLE, |s| s.recv_from(buf))
    }

    /// Polls to receive one datagram into `buf`'s unfilled part; returns
    /// its sender. Only the last task to poll is woken.
    ///
    /// # Errors
    ///
    /// The socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use rt::io::ReadBuf;
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = rt::net::UnixDatagram::pair()?;
    /// a.send(b"hi").await?;
    /// let mut storage = [0; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"hi");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        self.io.poll_read_with(cx, |s| {
            let (n, addr) = s.recv_from(buf.initialize_unfilled())?;
            buf.advance(n);
            Ok(addr)
        })
    }

    /// Receives one datagram now into the spare capacity of a
    /// [`BufMut`](bytes::BufMut), with its sender, or `WouldBlock`.
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or the socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = rt::net::UnixDatagram::pair()?;
    /// a.send(b"hi").await?;
    /// let mut buf = Vec::with_capacity(16);
    /// let (n, _from) = loop {
    ///     b.readable().await?;
    ///     if let Ok(received) = b.try_recv_buf_from(&mut buf) {
    ///         break received;
    ///     }
    /// };
    /// assert_eq!(&buf[..n], b"hi");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_recv_buf_from<B: BufMut>(&self, buf: &mut B) -> io::Result<(usize, SocketAddr)> {
        self.io
            .try_io(Interest::READABLE, |s| recv_buf_from(s, buf))
    }

    /// Waits for one datagram and receives it into the spare capacity of a
    /// [`BufMut`](bytes::BufMut), with its sender.
    ///
    /// # Errors
    ///
    /// The socket's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = rt::net::UnixDatagram::pair()?;
    /// a.send(b"hi").await?;
    /// let mut buf = Vec::with_capacity(16);
    /// let (n, _from) = b.recv_buf_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hi");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv_buf_from<B: BufMut>(&self, buf: &mut B) -> io::Result<(usize, SocketAddr)> {
        self.io
            .async_io(Interest::READABLE, |s| recv_buf_from(s, buf))
            .await
    }
}
