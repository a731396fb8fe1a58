//! [`AsyncFd`]: tokio's readiness API for any file descriptor, and its
//! guards.
//!
//! An `AsyncFd<T>` is a `Registration` (the same one [`Async`](crate::Async)
//! and every socket use: one registration path) next to the `T` that owns
//! the descriptor. Unlike `Async`, it does not put the descriptor in
//! non-blocking mode and runs no operation itself: it reports readiness,
//! and the caller does the I/O.
//!
//! # Readiness and its tick
//!
//! A guard ([`AsyncFdReadyGuard`], [`AsyncFdReadyMutGuard`]) remembers the
//! readiness bits it observed and the tick of the source's readiness word
//! they were read at (`reactor/source.rs`). [`clear_ready`] clears those
//! bits only if the tick has not moved: an event the reactor reported
//! after the observation (which, edge-triggered, will not be reported
//! again) keeps its readiness, so the next wait returns at once instead of
//! hanging. The closed bits (`READ_CLOSED`, `WRITE_CLOSED`) are never
//! cleared.
//!
//! The descriptor is registered with no cached readiness: the poller
//! reports its state when it is added (edge mode), so a fresh `AsyncFd`
//! is readable only once the reactor has seen data, as in tokio.
//!
//! [`clear_ready`]: AsyncFdReadyGuard::clear_ready

use std::error::Error;
use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{ready, Context, Poll};

use crate::interest::{Interest, Ready};
use crate::reactor::{Observed, Registration, Wait, ERROR};

/// A file descriptor registered with the reactor, for code that does its
/// own non-blocking I/O and waits for readiness in between.
///
/// The `AsyncFd` owns `T` (which owns the descriptor). It does not make
/// the descriptor non-blocking: do that first, or the I/O calls made after
/// a readiness wait may block the worker. Dropping the `AsyncFd`
/// deregisters the descriptor, then drops `T` (which closes it, if it owns
/// it); [`into_inner`](AsyncFd::into_inner) deregisters and hands `T` back.
///
/// Waiting ([`readable`](AsyncFd::readable), [`writable`](AsyncFd::writable),
/// [`ready`](AsyncFd::ready), their `poll_*` and `_mut` forms) returns a
/// guard. If the I/O then returns `WouldBlock`, call the guard's
/// [`clear_ready`](AsyncFdReadyGuard::clear_ready) (or use its
/// [`try_io`](AsyncFdReadyGuard::try_io), which does) so that the next
/// wait waits for the reactor; the readiness is edge-triggered, so a
/// readiness left set after a `WouldBlock` makes the next wait return at
/// once, and a loop around it spins. Readiness is cleared only for the
/// event observed: one reported meanwhile is kept.
///
/// # Panics
///
/// The constructors panic outside a runtime.
///
/// # Examples
///
/// ```
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
/// use rt::io::unix::AsyncFd;
///
/// # rt::Runtime::new()?.block_on(async {
/// let (mut a, b) = UnixStream::pair()?;
/// b.set_nonblocking(true)?;
/// let b = AsyncFd::new(b)?;
/// a.write_all(b"hi")?;
///
/// let mut buf = [0; 8];
/// let n = loop {
///     let mut guard = b.readable().await?;
///     match guard.try_io(|fd| fd.get_ref().read(&mut buf)) {
///         Ok(result) => break result?,
///         Err(_would_block) => continue, // readiness cleared: wait again
///     }
/// };
/// assert_eq!(&buf[..n], b"hi");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct AsyncFd<T: AsRawFd> {
    // Declared before `inner`, so it drops first: the descriptor is
    // deregistered while `inner` still keeps it open.
    registration: Registration,
    /// The readiness bits this descriptor was registered for (an
    /// interest's mask, with errors, which the poller always reports).
    mask: usize,
    inner: T,
}

/// A readiness observed on an [`AsyncFd`] by
/// [`readable`](AsyncFd::readable), [`writable`](AsyncFd::writable),
/// [`ready`](AsyncFd::ready) or their `poll_*` forms.
///
/// Dropping it keeps the readiness (the next wait returns at once);
/// [`clear_ready`](AsyncFdReadyGuard::clear_ready) forgets it.
///
/// # Examples
///
/// ```
/// use std::os::unix::net::UnixStream;
/// use rt::io::unix::AsyncFd;
///
/// # rt::Runtime::new()?.block_on(async {
/// let (a, _b) = UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// let fd = AsyncFd::new(a)?;
/// let mut guard = fd.writable().await?; // an AsyncFdReadyGuard
/// assert!(guard.ready().is_writable());
/// guard.clear_ready(); // the next wait asks the reactor again
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[must_use = "a readiness guard does nothing unless the I/O is done and, on `WouldBlock`, `clear_ready` called"]
pub struct AsyncFdReadyGuard<'a, T: AsRawFd> {
    async_fd: &'a AsyncFd<T>,
    event: Observation,
}

/// A readiness observed on an [`AsyncFd`] borrowed mutably, by the `_mut`
/// waits. As [`AsyncFdReadyGuard`], with mutable access to the inner
/// object.
///
/// # Examples
///
/// ```
/// use std::os::unix::net::UnixStream;
/// use rt::io::unix::AsyncFd;
///
/// # rt::Runtime::new()?.block_on(async {
/// let (a, _b) = UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// let mut fd = AsyncFd::new(a)?;
/// let guard = fd.writable_mut().await?; // an AsyncFdReadyMutGuard
/// assert!(guard.ready().is_writable());
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[must_use = "a readiness guard does nothing unless the I/O is done and, on `WouldBlock`, `clear_ready` called"]
pub struct AsyncFdReadyMutGuard<'a, T: AsRawFd> {
    async_fd: &'a mut AsyncFd<T>,
    event: Observation,
}

impl<T: AsRawFd> AsyncFd<T> {
    /// Registers `inner`'s descriptor with the current runtime's reactor,
    /// for reading and writing.
    ///
    /// # Errors
    ///
    /// The reactor's refusal: `EPERM` for a descriptor epoll cannot watch
    /// (a regular file), `EEXIST` if it is already registered, the
    /// runtime's shutdown error. `inner` is dropped; see
    /// [`try_new`](AsyncFd::try_new) to get it back.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let a = AsyncFd::new(a)?;
    /// a.writable().await?.retain_ready(); // room in the send buffer
    ///
    /// // A regular file cannot be watched: an error, not a panic.
    /// let file = std::fs::File::open(std::env::current_exe()?)?;
    /// assert!(AsyncFd::new(file).is_err());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn new(inner: T) -> io::Result<AsyncFd<T>> {
        AsyncFd::with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// Registers `inner`'s descriptor for `interest` only: waits for other
    /// readiness never complete.
    ///
    /// # Errors
    ///
    /// As [`new`](AsyncFd::new).
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::{unix::AsyncFd, Interest};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, b) = UnixStream::pair()?;
    /// b.set_nonblocking(true)?;
    /// let b = AsyncFd::with_interest(b, Interest::READABLE)?;
    /// a.write_all(b"x")?;
    /// assert!(b.readable().await?.ready().is_readable());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<AsyncFd<T>> {
        AsyncFd::try_with_interest(inner, interest).map_err(io::Error::from)
    }

    /// As [`new`](AsyncFd::new), but on failure gives `inner` back with
    /// the error.
    ///
    /// # Errors
    ///
    /// As [`new`](AsyncFd::new), with `inner`.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let file = std::fs::File::open(std::env::current_exe()?)?; // a regular file
    /// let (file, err) = AsyncFd::try_new(file).unwrap_err().into_parts();
    /// assert_eq!(err.raw_os_error(), Some(libc::EPERM));
    /// drop(file); // still ours
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn try_new(inner: T) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        AsyncFd::try_with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// As [`with_interest`](AsyncFd::with_interest), but on failure gives
    /// `inner` back with the error.
    ///
    /// # Errors
    ///
    /// As [`new`](AsyncFd::new), with `inner`.
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixDatagram;
    /// use rt::io::{unix::AsyncFd, Interest};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixDatagram::pair()?;
    /// let a = AsyncFd::try_with_interest(a, Interest::WRITABLE).map_err(std::io::Error::from)?;
    /// # drop(a);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn try_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        let fd = inner.as_raw_fd();
        // SAFETY: `Registration::new` needs `fd` open until the registration
        // drops. `inner` owns it and lives in the returned `AsyncFd` beside
        // the registration, which is declared first and so drops first;
        // `into_inner` drops the registration before handing `inner` out.
        // (A `T` whose `as_raw_fd` names a descriptor it does not keep open
        // breaks `AsyncFd`'s documented contract; the worst that follows is
        // a stale epoll entry, no memory is at stake.)
        match unsafe { Registration::new(fd, 0) } {
            Ok(registration) => Ok(AsyncFd {
                registration,
                mask: interest.mask() | ERROR,
                inner,
            }),
            Err(cause) => Err(AsyncFdRegisterError { inner, cause }),
        }
    }

    /// As [`try_new`](AsyncFd::try_new) (tokio's name since 1.44).
    ///
    /// # Errors
    ///
    /// As [`try_new`](AsyncFd::try_new).
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Safety
    ///
    /// - `inner.as_raw_fd()` must name an open descriptor that stays open,
    ///   and is the one every later `as_raw_fd` returns, until the
    ///   `AsyncFd` drops or `into_inner` returns.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// // SAFETY: `a` owns its descriptor and the `AsyncFd` owns `a`.
    /// let a = unsafe { AsyncFd::register(a) }?;
    /// # drop(a);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub unsafe fn register(inner: T) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        AsyncFd::try_new(inner)
    }

    /// As [`try_with_interest`](AsyncFd::try_with_interest) (tokio's name
    /// since 1.44).
    ///
    /// # Errors
    ///
    /// As [`try_new`](AsyncFd::try_new).
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime.
    ///
    /// # Safety
    ///
    /// - As [`register`](AsyncFd::register).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::{unix::AsyncFd, Interest};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// // SAFETY: `a` owns its descriptor and the `AsyncFd` owns `a`.
    /// let a = unsafe { AsyncFd::register_with_interest(a, Interest::READABLE) }?;
    /// # drop(a);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub unsafe fn register_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        AsyncFd::try_with_interest(inner, interest)
    }

    /// The inner object.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = AsyncFd::new(a)?;
    /// assert!(a.get_ref().peer_addr().is_ok());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The inner object, mutably. Its descriptor must stay the same one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let mut a = AsyncFd::new(a)?;
    /// a.get_mut().set_nonblocking(true)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Deregisters the descriptor and returns the inner object, which
    /// keeps it open.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = AsyncFd::new(a)?;
    /// let a: UnixStream = a.into_inner();
    /// assert!(a.peer_addr().is_ok()); // still open
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_inner(self) -> T {
        let AsyncFd {
            registration,
            inner,
            ..
        } = self;
        drop(registration); // deregisters while `inner` keeps it open
        inner
    }

    /// The wait for `interest` on this descriptor: only what it was
    /// registered for can complete it.
    fn wait(&self, interest: Interest) -> Wait {
        Wait::mask(interest.mask() & self.mask)
    }

    /// The `poll_*_ready` waits of both guards: the readiness of
    /// `interest` once cached, waking only the last task to poll.
    fn poll_observe(
        &self,
        interest: Interest,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Observation>> {
        let event = ready!(self.registration.poll_ready(self.wait(interest), cx))?;
        Poll::Ready(Ok(Observation(Some(event.into_observed()))))
    }

    /// The `ready`/`readable`/`writable` waits of both guards, each in a
    /// waiter slot of its own.
    async fn observe(&self, interest: Interest) -> io::Result<Observation> {
        let event = self.registration.readiness(self.wait(interest)).await?;
        Ok(Observation(Some(event)))
    }

    /// Polls for read readiness; `Ready` with a guard once the reactor has
    /// reported it. Only the last task to poll is woken (use
    /// [`readable`](AsyncFd::readable) for several).
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, b) = UnixStream::pair()?;
    /// let b = AsyncFd::new(b)?;
    /// a.write_all(b"x")?;
    /// let guard = poll_fn(|cx| b.poll_read_ready(cx)).await?;
    /// assert!(guard.ready().is_readable());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_read_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.poll_observe(Interest::READABLE, cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event,
        }))
    }

    /// [`poll_read_ready`](AsyncFd::poll_read_ready), with a guard that
    /// lends the inner object mutably.
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, b) = UnixStream::pair()?;
    /// let mut b = AsyncFd::new(b)?;
    /// a.write_all(b"x")?;
    /// let guard = poll_fn(|cx| b.poll_read_ready_mut(cx).map_ok(|g| g.ready())).await?;
    /// assert!(guard.is_readable());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_read_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.poll_observe(Interest::READABLE, cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event,
        }))
    }

    /// Polls for write readiness; as [`poll_read_ready`](AsyncFd::poll_read_ready).
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = AsyncFd::new(a)?;
    /// let guard = poll_fn(|cx| a.poll_write_ready(cx)).await?;
    /// assert!(guard.ready().is_writable());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_write_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.poll_observe(Interest::WRITABLE, cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event,
        }))
    }

    /// [`poll_write_ready`](AsyncFd::poll_write_ready), with a guard that
    /// lends the inner object mutably.
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let mut a = AsyncFd::new(a)?;
    /// let ready = poll_fn(|cx| a.poll_write_ready_mut(cx).map_ok(|g| g.ready())).await?;
    /// assert!(ready.is_writable());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_write_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.poll_observe(Interest::WRITABLE, cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event,
        }))
    }

    /// Waits until the reactor reports any readiness of `interest`; the
    /// guard's [`ready`](AsyncFdReadyGuard::ready) says which. Any number
    /// of tasks may wait at once. Cancel-safe.
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::{unix::AsyncFd, Interest};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = AsyncFd::new(a)?;
    /// let guard = a.ready(Interest::READABLE | Interest::WRITABLE).await?;
    /// assert!(guard.ready().is_writable()); // nothing to read yet
    /// assert!(!guard.ready().is_readable());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        let event = self.observe(interest).await?;
        Ok(AsyncFdReadyGuard {
            async_fd: self,
            event,
        })
    }

    /// [`ready`](AsyncFd::ready), with a guard that lends the inner object
    /// mutably.
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::{unix::AsyncFd, Interest};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let mut a = AsyncFd::new(a)?;
    /// let mut guard = a.ready_mut(Interest::WRITABLE).await?;
    /// guard.get_inner_mut().set_nonblocking(true)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn ready_mut(
        &mut self,
        interest: Interest,
    ) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        let event = self.observe(interest).await?;
        Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event,
        })
    }

    /// Waits until the reactor reports the descriptor readable (or its
    /// read half closed). Any number of tasks may wait at once.
    /// Cancel-safe.
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, b) = UnixStream::pair()?;
    /// let b = AsyncFd::new(b)?;
    /// a.write_all(b"x")?;
    /// let guard = b.readable().await?;
    /// assert!(guard.ready().is_readable());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn readable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::READABLE).await
    }

    /// [`readable`](AsyncFd::readable), with a guard that lends the inner
    /// object mutably.
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Read, Write};
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, b) = UnixStream::pair()?;
    /// let mut b = AsyncFd::new(b)?;
    /// a.write_all(b"x")?;
    /// let mut guard = b.readable_mut().await?;
    /// let mut buf = [0; 1];
    /// assert_eq!(guard.get_inner_mut().read(&mut buf)?, 1);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn readable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::READABLE).await
    }

    /// Waits until the reactor reports the descriptor writable (or its
    /// write half closed). Any number of tasks may wait at once.
    /// Cancel-safe.
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = AsyncFd::new(a)?;
    /// assert!(a.writable().await?.ready().is_writable());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn writable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::WRITABLE).await
    }

    /// [`writable`](AsyncFd::writable), with a guard that lends the inner
    /// object mutably.
    ///
    /// # Errors
    ///
    /// The runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let mut a = AsyncFd::new(a)?;
    /// let mut guard = a.writable_mut().await?;
    /// assert_eq!(guard.get_inner_mut().write(b"x")?, 1);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn writable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::WRITABLE).await
    }

    /// Runs `f` whenever the descriptor is ready for `interest`, until it
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
    /// use std::io::{Read, Write};
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::{unix::AsyncFd, Interest};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, b) = UnixStream::pair()?;
    /// b.set_nonblocking(true)?;
    /// let b = AsyncFd::new(b)?;
    /// a.write_all(b"hello")?;
    /// let mut buf = [0; 8];
    /// let n = b.async_io(Interest::READABLE, |mut s| s.read(&mut buf)).await?;
    /// assert_eq!(&buf[..n], b"hello");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        let inner = &self.inner;
        self.registration.io(self.wait(interest), || f(inner)).await
    }

    /// [`async_io`](AsyncFd::async_io) with the inner object lent mutably.
    ///
    /// # Errors
    ///
    /// `f`'s error, or the runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Read, Write};
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::{unix::AsyncFd, Interest};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, b) = UnixStream::pair()?;
    /// b.set_nonblocking(true)?;
    /// let mut b = AsyncFd::new(b)?;
    /// a.write_all(b"hi")?;
    /// let mut buf = [0; 8];
    /// let n = b.async_io_mut(Interest::READABLE, |s| s.read(&mut buf)).await?;
    /// assert_eq!(&buf[..n], b"hi");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn async_io_mut<R>(
        &mut self,
        interest: Interest,
        mut f: impl FnMut(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let wait = self.wait(interest);
        let AsyncFd {
            registration,
            inner,
            ..
        } = self;
        registration.io(wait, || f(inner)).await
    }

    /// Runs `f` once if the descriptor is cached as ready for `interest`,
    /// else returns `WouldBlock` without running it; a `WouldBlock` from
    /// `f` clears the readiness it ran on. Never waits.
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or `f`'s error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Read;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::{unix::AsyncFd, Interest};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (_a, b) = UnixStream::pair()?;
    /// b.set_nonblocking(true)?;
    /// let b = AsyncFd::new(b)?;
    /// let mut buf = [0; 8];
    /// let err = b.try_io(Interest::READABLE, |mut s| s.read(&mut buf)).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        let inner = &self.inner;
        self.registration
            .try_io(interest.mask() & self.mask, || f(inner))
    }

    /// [`try_io`](AsyncFd::try_io) with the inner object lent mutably.
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or `f`'s error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Read;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::{unix::AsyncFd, Interest};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (_a, b) = UnixStream::pair()?;
    /// b.set_nonblocking(true)?;
    /// let mut b = AsyncFd::new(b)?;
    /// let mut buf = [0; 8];
    /// assert!(b.try_io_mut(Interest::READABLE, |s| s.read(&mut buf)).is_err());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_io_mut<R>(
        &mut self,
        interest: Interest,
        f: impl FnOnce(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let mask = interest.mask() & self.mask;
        let AsyncFd {
            registration,
            inner,
            ..
        } = self;
        registration.try_io(mask, || f(inner))
    }
}

impl<T: AsRawFd> AsRawFd for AsyncFd<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl<T: AsRawFd> AsFd for AsyncFd<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the descriptor is open for as long as `self` (the
        // `AsyncFd` contract), and the `BorrowedFd` borrows `self`.
        unsafe { BorrowedFd::borrow_raw(self.inner.as_raw_fd()) }
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFd<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFd")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

/// What both guards hold: the readiness they observed and the tick it
/// was read at (`None` once cleared). Each guard's methods are this
/// type's, given the guard's registration.
struct Observation(Option<Observed>);

impl Observation {
    /// The readiness observed (empty once cleared).
    fn ready(&self) -> Ready {
        self.0
            .map_or(Ready::EMPTY, |observed| Ready::from_bits(observed.ready))
    }

    /// Forgets all of it, in the source too unless an event came since.
    fn clear(&mut self, registration: &Registration) {
        if let Some(observed) = self.0.take() {
            registration.clear_observed(observed);
        }
    }

    /// Forgets the bits of `ready` only, as `clear` does.
    fn clear_matching(&mut self, registration: &Registration, ready: Ready) {
        if let Some(mut observed) = self.0.take() {
            registration.clear_observed(Observed {
                ready: ready.bits(),
                tick: observed.tick,
            });
            observed.ready &= !ready.bits();
            if observed.ready != 0 {
                self.0 = Some(observed);
            }
        }
    }

    /// A guard's `try_io`, once its operation returned `result`: a
    /// `WouldBlock` clears the readiness and becomes [`TryIoError`].
    fn settle<R>(
        &mut self,
        registration: &Registration,
        result: io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match result {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.clear(registration);
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }
}

/// `guard_readiness!(Guard, "let b = AsyncFd::new(b)?;", "ready")`: what
/// the two guards have alike — `clear_ready`, `clear_ready_matching`,
/// `retain_ready`, `ready` (their [`Observation`]'s) and `Debug` — for
/// `Guard`. The examples wrap `b`, one end of a socket pair, with the
/// first literal, and take a guard with the wait named by the second
/// (`b.ready(interest)` or `b.ready_mut(interest)`).
macro_rules! guard_readiness {
    ($guard:ident, $wrap:literal, $ready:literal) => {
        impl<T: AsRawFd> $guard<'_, T> {
            /// Forgets the observed readiness: the next wait waits for the
            /// reactor to report the descriptor again. Call it after the
            /// I/O returned `WouldBlock`. A readiness event the reactor
            /// reported after this guard's observation is kept, and the
            /// closed states are never cleared.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::io::{Read, Write};
            /// use std::os::unix::net::UnixStream;
            /// use rt::io::{unix::AsyncFd, Interest};
            ///
            /// # rt::Runtime::new()?.block_on(async {
            /// let (mut a, b) = UnixStream::pair()?;
            /// b.set_nonblocking(true)?;
            #[doc = $wrap]
            /// a.write_all(b"x")?;
            #[doc = concat!("let mut guard = b.", $ready, "(Interest::READABLE).await?;")]
            /// let mut buf = [0; 8];
            /// assert_eq!(guard.get_inner().read(&mut buf)?, 1);
            /// assert!(guard.get_inner().read(&mut buf).is_err()); // WouldBlock
            /// guard.clear_ready();
            /// assert!(guard.ready().is_empty());
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn clear_ready(&mut self) {
                self.event.clear(&self.async_fd.registration);
            }

            /// Forgets only the readiness in `ready` (say, writable while
            /// readable stays); as [`clear_ready`](Self::clear_ready)
            /// otherwise.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::io::Write;
            /// use std::os::unix::net::UnixStream;
            /// use rt::io::{unix::AsyncFd, Interest, Ready};
            ///
            /// # rt::Runtime::new()?.block_on(async {
            /// let (mut a, b) = UnixStream::pair()?;
            #[doc = $wrap]
            /// a.write_all(b"x")?;
            /// let both = Interest::READABLE | Interest::WRITABLE;
            #[doc = concat!("let mut guard = b.", $ready, "(both).await?;")]
            /// while !guard.ready().is_readable() {
            ///     drop(guard);
            #[doc = concat!("    guard = b.", $ready, "(both).await?;")]
            /// }
            /// guard.clear_ready_matching(Ready::WRITABLE);
            /// assert!(guard.ready().is_readable());
            /// assert!(!guard.ready().is_writable());
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn clear_ready_matching(&mut self, ready: Ready) {
                self.event.clear_matching(&self.async_fd.registration, ready);
            }

            /// Keeps the readiness (what dropping the guard does), and says
            /// so.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::os::unix::net::UnixStream;
            /// use rt::io::{unix::AsyncFd, Interest};
            ///
            /// # rt::Runtime::new()?.block_on(async {
            /// let (_a, b) = UnixStream::pair()?;
            #[doc = $wrap]
            #[doc = concat!("b.", $ready, "(Interest::WRITABLE).await?.retain_ready();")]
            #[doc = concat!("b.", $ready, "(Interest::WRITABLE).await?.retain_ready(); // still writable: at once")]
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn retain_ready(&mut self) {
                // Nothing to do: the readiness stays cached.
            }

            /// The readiness observed (empty once cleared).
            ///
            /// # Examples
            ///
            /// ```
            /// use std::os::unix::net::UnixStream;
            /// use rt::io::{unix::AsyncFd, Interest};
            ///
            /// # rt::Runtime::new()?.block_on(async {
            /// let (_a, b) = UnixStream::pair()?;
            #[doc = $wrap]
            #[doc = concat!("let guard = b.", $ready, "(Interest::WRITABLE).await?;")]
            /// assert!(guard.ready().is_writable());
            /// # std::io::Result::Ok(()) })?;
            /// # std::io::Result::Ok(())
            /// ```
            pub fn ready(&self) -> Ready {
                self.event.ready()
            }
        }

        impl<T: AsRawFd + fmt::Debug> fmt::Debug for $guard<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($guard))
                    .field("async_fd", &self.async_fd)
                    .field("ready", &self.ready())
                    .finish()
            }
        }
    };
}

guard_readiness!(AsyncFdReadyGuard, "let b = AsyncFd::new(b)?;", "ready");
guard_readiness!(
    AsyncFdReadyMutGuard,
    "let mut b = AsyncFd::new(b)?;",
    "ready_mut"
);

impl<'a, T: AsRawFd> AsyncFdReadyGuard<'a, T> {
    /// Runs `f`; if it returns `WouldBlock`, clears the readiness and
    /// returns `Err(TryIoError)` (wait again), else `Ok` with its result.
    ///
    /// # Errors
    ///
    /// [`TryIoError`] if `f` returned `WouldBlock`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Read, Write};
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut a, b) = UnixStream::pair()?;
    /// b.set_nonblocking(true)?;
    /// let b = AsyncFd::new(b)?;
    /// a.write_all(b"x")?;
    /// let mut buf = [0; 8];
    /// let mut guard = b.readable().await?;
    /// assert_eq!(guard.try_io(|fd| fd.get_ref().read(&mut buf)).unwrap()?, 1);
    /// assert!(guard.try_io(|fd| fd.get_ref().read(&mut buf)).is_err()); // now empty
    /// assert!(guard.ready().is_empty());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&'a AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        let result = f(self.async_fd);
        self.event.settle(&self.async_fd.registration, result)
    }

    /// The `AsyncFd` this guard observed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = AsyncFd::new(a)?;
    /// let guard = a.writable().await?;
    /// assert!(std::ptr::eq(guard.get_ref(), &a));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_ref(&self) -> &'a AsyncFd<T> {
        self.async_fd
    }

    /// The inner object of the `AsyncFd`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = AsyncFd::new(a)?;
    /// let guard = a.writable().await?;
    /// assert!(guard.get_inner().peer_addr().is_ok());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_inner(&self) -> &'a T {
        self.async_fd.get_ref()
    }
}

impl<T: AsRawFd> AsyncFdReadyMutGuard<'_, T> {
    /// As [`AsyncFdReadyGuard::try_io`], with the `AsyncFd` lent mutably.
    ///
    /// # Errors
    ///
    /// [`TryIoError`] if `f` returned `WouldBlock`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let mut a = AsyncFd::new(a)?;
    /// let mut guard = a.writable_mut().await?;
    /// assert_eq!(guard.try_io(|fd| fd.get_mut().write(b"x")).unwrap()?, 1);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&mut AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        let result = f(self.async_fd);
        self.event.settle(&self.async_fd.registration, result)
    }

    /// The `AsyncFd` this guard observed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let mut a = AsyncFd::new(a)?;
    /// let guard = a.writable_mut().await?;
    /// assert!(guard.get_ref().get_ref().peer_addr().is_ok());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_ref(&self) -> &AsyncFd<T> {
        self.async_fd
    }

    /// The `AsyncFd` this guard observed, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let mut a = AsyncFd::new(a)?;
    /// let mut guard = a.writable_mut().await?;
    /// guard.get_mut().get_mut().set_nonblocking(true)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_mut(&mut self) -> &mut AsyncFd<T> {
        self.async_fd
    }

    /// The inner object of the `AsyncFd`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let mut a = AsyncFd::new(a)?;
    /// let guard = a.writable_mut().await?;
    /// assert!(guard.get_inner().peer_addr().is_ok());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_inner(&self) -> &T {
        self.async_fd.get_ref()
    }

    /// The inner object of the `AsyncFd`, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let mut a = AsyncFd::new(a)?;
    /// let mut guard = a.writable_mut().await?;
    /// guard.get_inner_mut().set_nonblocking(true)?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_inner_mut(&mut self) -> &mut T {
        self.async_fd.get_mut()
    }
}

/// The error of a guard's `try_io` whose operation returned `WouldBlock`:
/// the readiness was cleared, wait again.
///
/// # Examples
///
/// ```
/// use std::io::Read;
/// use std::os::unix::net::UnixStream;
/// use rt::io::unix::{AsyncFd, TryIoError};
///
/// # rt::Runtime::new()?.block_on(async {
/// let (a, _b) = UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// let a = AsyncFd::new(a)?;
/// let mut guard = a.writable().await?; // writable, but nothing to read
/// let mut buf = [0; 1];
/// let result: Result<_, TryIoError> = guard.try_io(|fd| fd.get_ref().read(&mut buf));
/// assert!(result.is_err());
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct TryIoError(());

/// The error of [`AsyncFd::try_new`] and friends: the reason, and the
/// object that could not be registered.
///
/// # Examples
///
/// ```
/// use rt::io::unix::{AsyncFd, AsyncFdRegisterError};
///
/// # rt::Runtime::new()?.block_on(async {
/// let file = std::fs::File::open(std::env::current_exe()?)?; // a regular file
/// let err: AsyncFdRegisterError<_> = AsyncFd::try_new(file).unwrap_err();
/// let io_err: std::io::Error = err.into(); // just the reason
/// assert_eq!(io_err.raw_os_error(), Some(libc::EPERM));
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct AsyncFdRegisterError<T> {
    inner: T,
    cause: io::Error,
}

/// The older name of [`AsyncFdRegisterError`], kept as tokio keeps it.
///
/// # Examples
///
/// ```
/// use rt::io::unix::{AsyncFd, AsyncFdTryNewError};
///
/// # rt::Runtime::new()?.block_on(async {
/// let file = std::fs::File::open(std::env::current_exe()?)?; // not pollable
/// let err: AsyncFdTryNewError<std::fs::File> = AsyncFd::try_new(file).unwrap_err();
/// let (_file, cause) = err.into_parts(); // the file comes back
/// assert_eq!(cause.kind(), std::io::ErrorKind::PermissionDenied);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub type AsyncFdTryNewError<T> = AsyncFdRegisterError<T>;

impl<T> AsyncFdRegisterError<T> {
    /// The object and the reason it was refused.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let file = std::fs::File::open(std::env::current_exe()?)?; // a regular file
    /// let (_file, err) = AsyncFd::try_new(file).unwrap_err().into_parts();
    /// assert_eq!(err.raw_os_error(), Some(libc::EPERM));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_parts(self) -> (T, io::Error) {
        (self.inner, self.cause)
    }
}

impl<T> fmt::Display for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.cause, f)
    }
}

impl<T> fmt::Debug for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.cause, f)
    }
}

impl<T> Error for AsyncFdRegisterError<T> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.cause)
    }
}

impl<T> From<AsyncFdRegisterError<T>> for io::Error {
    fn from(err: AsyncFdRegisterError<T>) -> io::Error {
        err.cause
    }
}
