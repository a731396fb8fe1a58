//! tokio's readiness methods on [`Async<T>`], which the sockets of
//! `rt-net` expose under tokio's names (`ready`, `readable`, `try_read`,
//! `try_io`, `async_io`, `poll_read_ready`...).
//!
//! They work on the cached readiness of the source (`reactor/source.rs`),
//! as tokio's do: a wait returns as soon as a bit of its interest is
//! cached (a new socket is cached as ready: its first wait returns at
//! once), and only an operation that returns `WouldBlock` — through
//! `try_io`, `async_io` or the socket's own methods — clears it, for the
//! tick it observed. Unlike [`Async::readable`], nothing here asks the
//! kernel with `poll(2)`.

use std::io;
use std::task::{ready, Context, Poll};

use crate::interest::{Interest, Ready};
use crate::reactor::Wait;
use crate::Async;

impl<T> Async<T> {
    /// Waits until a readiness of `interest` is cached, and returns the
    /// readiness found (a subset of `interest`'s states). Any number of
    /// tasks may wait at once; cancel-safe. The readiness may be stale:
    /// the next operation may still return `WouldBlock`, which clears it.
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixDatagram;
    /// use rt::io::{Async, Interest};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixDatagram::pair()?;
    /// let a = Async::new(a)?;
    /// let ready = a.ready(Interest::WRITABLE).await?;
    /// assert!(ready.is_writable());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        let observed = self
            .registration()
            .readiness(Wait::mask(interest.mask()))
            .await?;
        Ok(Ready::from_bits(observed.ready))
    }

    /// Polls until a readiness of `interest` is cached; only the last task
    /// to poll a direction is woken (the slot `poll_read`/`poll_write`
    /// use). tokio's sockets' `poll_read_ready`/`poll_write_ready`.
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::os::unix::net::UnixDatagram;
    /// use rt::io::{Async, Interest};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixDatagram::pair()?;
    /// let a = Async::new(a)?;
    /// let ready = poll_fn(|cx| a.poll_ready(cx, Interest::WRITABLE)).await?;
    /// assert!(ready.is_writable());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_ready(&self, cx: &mut Context<'_>, interest: Interest) -> Poll<io::Result<Ready>> {
        let event = ready!(self
            .registration()
            .poll_ready(Wait::mask(interest.mask()), cx))?;
        Poll::Ready(Ok(Ready::from_bits(event.into_observed().ready)))
    }

    /// Runs `f` once if a readiness of `interest` is cached, else returns
    /// `WouldBlock` without running it. A `WouldBlock` from `f` clears the
    /// readiness it ran on (unless the reactor reported a newer event
    /// meanwhile). Never waits; uses no budget.
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or `f`'s error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixDatagram;
    /// use rt::io::{Async, Interest};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = UnixDatagram::pair()?;
    /// let b = Async::new(b)?;
    /// let mut buf = [0; 8];
    /// // Nothing queued: WouldBlock, and the readiness is cleared.
    /// let err = b.try_io(Interest::READABLE, |s| s.recv(&mut buf)).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// a.send(b"hi")?;
    /// b.readable().await?;
    /// assert_eq!(b.try_io(Interest::READABLE, |s| s.recv(&mut buf))?, 2);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        let io = self.get_ref();
        self.registration().try_io(interest.mask(), || f(io))
    }

    /// Runs `f` whenever a readiness of `interest` is cached, until it
    /// returns something other than `WouldBlock` (which clears the
    /// readiness it ran on). Any number of tasks may wait at once.
    ///
    /// # Errors
    ///
    /// `f`'s error, or the runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixDatagram;
    /// use rt::io::{Async, Interest};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, b) = UnixDatagram::pair()?;
    /// let b = Async::new(b)?;
    /// let reader = async {
    ///     let mut buf = [0; 8];
    ///     b.async_io(Interest::READABLE, |s| s.recv(&mut buf)).await
    /// };
    /// a.send(b"hello")?;
    /// assert_eq!(reader.await?, 5);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        let io = self.get_ref();
        self.registration()
            .io(Wait::mask(interest.mask()), || f(io))
            .await
    }
}
