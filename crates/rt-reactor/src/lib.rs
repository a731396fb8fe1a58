//! rt's reactor: the I/O driver. Readiness of file descriptors from the
//! operating system's poller, and [`Async`], which makes any descriptor
//! awaitable.
//!
//! # Design
//!
//! **No reactor thread.** Each runtime has one [`Reactor`]: one poller
//! (below, "Two backends"). An idle worker takes it with
//! [`Reactor::try_lock`] — one thread waits at a time — and blocks in
//! [`ReactorLock::turn`] until an I/O event, its timeout (the runtime
//! passes the nearest timer's, see `rt-time`), or a [`Reactor::notify`]
//! from a thread that has work for it. The other idle
//! workers park on their own parkers. `turn` only wakes: it moves the wakers
//! of ready sources out under the internal locks, releases
//! them, then wakes. It never runs a task, so a task that blocks its thread
//! cannot stall anyone else's I/O; the worker drops the lock before polling
//! tasks and the next idle worker takes the reactor. Sockets find the
//! reactor through [`Reactor::current`], set per thread by [`enter`].
//!
//! **Sources.** Each registered descriptor is a source in a slab, keyed by
//! its index tagged with a generation, so a stale event for a deregistered
//! or reused key is ignored. It has a waker for reading and one for writing
//! (plus a list of waiting futures per direction, so several tasks can
//! `accept` or `recv_from` on one socket), and is deregistered on drop,
//! before its descriptor is closed.
//!
//! **Edge-triggered, with a readiness cache.** A source is registered once,
//! edge-triggered, for both directions; the reactor caches the reported
//! readiness in the source, and an operation that gets `WouldBlock` clears
//! it (unless a newer event arrived meanwhile — a tick guards against losing
//! an edge). Oneshot registration, which re-arms the descriptor each time
//! an operation blocks, costs more system calls;
//! `RT_REACTOR_POLL_MODE=oneshot` in the environment forces it, to
//! reproduce the measurement, and it is the fallback where the poller has
//! no edge mode.
//!
//! **Two backends.** On Linux the reactor by default owns an epoll instance
//! and an eventfd outright and waits with one `epoll_wait` (`polling`'s
//! `Poller::wait` costs five system calls there); its sources report the
//! peer's FIN (`EPOLLRDHUP`), so a short read may clear read readiness
//! instead of making the system call that would only say `WouldBlock`.
//! Elsewhere, or on Linux with `RT_REACTOR_BACKEND=polling`, it uses the
//! `polling` crate's documented API. [`Reactor::backend`] says which one a
//! reactor uses; README.md ("Figures") has the measured cost of each.
//!
//! **Layers.** Timers are `rt-time`'s, sockets `rt-net`'s (built on
//! [`Async`]), the io traits `rt-io`'s; the runtime (`rt-pool`) composes
//! the reactor with the timer driver.
//!
//! # Examples
//!
//! Driving the reactor by hand, as a worker pool does:
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use std::io::{Read, Write};
//! use std::os::unix::net::UnixStream;
//! use rt_reactor::{enter, Async, Reactor};
//!
//! let reactor = Arc::new(Reactor::new()?);
//! let _guard = enter(&reactor); // sockets register with this reactor
//!
//! // The idle "worker": owns the reactor while it waits.
//! let driver = reactor.clone();
//! std::thread::spawn(move || loop {
//!     if let Some(mut lock) = driver.try_lock() {
//!         lock.turn(None); // until an event, a timer, or notify()
//!     }
//! });
//!
//! futures_lite::future::block_on(async {
//!     let (a, b) = UnixStream::pair()?;
//!     let (a, b) = (Async::new(a)?, Async::new(b)?);
//!     a.write_with(|mut a| a.write(b"ping")).await?;
//!     let mut buf = [0; 4];
//!     let n = b.read_with(|mut b| b.read(&mut buf)).await?;
//!     assert_eq!(&buf[..n], b"ping");
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```

mod async_fd;
mod async_ready;
mod interest;
mod reactor;
pub mod unix;

pub use async_fd::Async;
pub use interest::{Interest, Ready};
pub use reactor::{enter, is_shutdown_error, shutdown_error, EnterGuard, Reactor, ReactorLock};
