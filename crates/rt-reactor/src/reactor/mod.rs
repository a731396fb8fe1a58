//! The reactor: one poller per runtime, owned in turns by idle workers.
//!
//! # Ownership protocol
//!
//! There is no reactor thread. The reactor is a passive object shared by the
//! workers of one runtime (`Arc<Reactor>`):
//!
//! 1. A worker with nothing to run calls [`Reactor::try_lock`]. The first one
//!    gets a [`ReactorLock`]; the others get `None` and park on their own
//!    parker. The poller has one waiter at a time, the lock's owner (the
//!    `polling` crate allows no more: a second concurrent `Poller::wait`
//!    returns at once with no events).
//! 2. The owner calls [`ReactorLock::turn`], which blocks in the poller's
//!    wait (below, "Backends") until an I/O event, the caller's timeout (the
//!    runtime passes its nearest timer's, see `rt-time`), or a
//!    [`Reactor::notify`] from another thread (new work for the owner, an
//!    earlier timer).
//! 3. `turn` records readiness on each [`Source`], moves the wakers of ready
//!    sources into a vector, releases every internal lock (source slab,
//!    per-source waker lists) and only then wakes them: a waker may
//!    re-enter the reactor (register a socket).
//! 4. `turn` never polls a task. The owner drops the lock and goes back to
//!    its queue, so a task that blocks its thread cannot stall anyone else's
//!    I/O: the next idle worker takes the reactor.
//!
//! # Backends
//!
//! The poller is one of two backends (`sys/`: `epoll.rs`, `polling.rs`,
//! one interface in `sys/mod.rs`), chosen once by [`Reactor::new`] from the
//! environment and named by [`Reactor::backend`]:
//!
//! - `epoll`, Linux's default: an epoll instance, an eventfd and a key
//!   space of the reactor's own. A wait is one `epoll_wait(2)`; sources are
//!   added with `EPOLLRDHUP`, so events report the peer's FIN and a short
//!   read may clear read readiness (see `source.rs`).
//! - `polling`, the only one elsewhere and on Linux with
//!   `RT_REACTOR_BACKEND=polling`: the `polling` crate through its
//!   documented API. Its `Poller::wait` costs five system calls on Linux
//!   (it re-arms a timerfd and its eventfd around `epoll_pwait`), and it
//!   reports no FIN apart from readability, so only `WouldBlock` clears
//!   read readiness.
//!
//! The epoll backend exists for those two differences: README.md
//! ("Figures") has the system calls per echo round trip and the `recvfrom`s
//! per echo of each backend, with the commands that measure them.
//!
//! # Sources and keys
//!
//! Each registered file descriptor is a [`Source`] stored as `Arc<Source>` in
//! a slab. The key handed to the poller is the slab index tagged with a
//! generation (`generation << INDEX_BITS | index`), so an event still queued
//! for a deregistered key, or for a slab slot that was since reused, matches
//! no entry and is ignored. No key equals `usize::MAX`, which `polling`
//! reserves and the epoll backend keys its eventfd with. A source is deleted
//! from the poller when its owning handle drops, before the file descriptor
//! is closed.
//!
//! # Poll mode
//!
//! Sources are registered edge-triggered for both directions, once; each
//! source caches its readiness (see `source.rs`), and an operation that
//! returns `WouldBlock` clears the cached bit. Oneshot mode re-arms the
//! descriptor (one `epoll_ctl` on Linux) every time a read or write blocks,
//! which costs about two more system calls per echo round trip (README.md).
//! Oneshot is kept as the fallback for a `polling` platform
//! without edge support, and can be forced on either backend with
//! `RT_REACTOR_POLL_MODE=oneshot` (read once, by [`Reactor::new`]) to
//! reproduce the measurement.

mod context;
mod source;
mod sys;

pub use context::{enter, EnterGuard};
pub(crate) use source::{
    Direction, Observed, Registration, Wait, Waiter, ERROR, PRIORITY, READABLE, READ_CLOSED,
    WRITABLE, WRITE_CLOSED,
};

use std::fmt;
use std::io;
use std::os::fd::{BorrowedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;

use parking_lot::{Mutex, MutexGuard};
use slab::Slab;

use source::Source;
use sys::{Backend, Mode, Poller};

/// Bits of a poller key that hold the slab index; the rest hold the generation.
const INDEX_BITS: u32 = 24;
/// Most sources one reactor holds at once (2^24 - 1: the highest index is
/// excluded so that no key equals `sys::RESERVED_KEY`, `usize::MAX`).
const MAX_SOURCES: usize = (1 << INDEX_BITS) - 1;
/// Mask of the index part of a key.
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
/// Events taken from the poller per `turn` (polling's default).
const EVENTS_CAPACITY: usize = 1024;

/// The I/O driver of one runtime.
///
/// Workers share it as `Arc<Reactor>`; see the module docs for who may wait
/// on it when. Sockets find it through [`Reactor::current`], set by [`enter`].
pub struct Reactor {
    /// The one poller of this runtime, of the backend chosen by `new`.
    poller: Poller,
    /// `Edge` (default) or `Oneshot`, fixed at construction.
    mode: Mode,
    /// Whether a short read may clear read readiness, fixed at construction
    /// (see [`Reactor::reports_read_closed`]).
    reports_read_closed: bool,
    /// Registered sources, by key index.
    sources: Mutex<Sources>,
    /// The owner's state; `try_lock` on it is the reactor's try-lock.
    owner: Mutex<OwnerState>,
    /// Set once by [`Reactor::shutdown`]: nothing will drive this reactor
    /// again, so every operation that would wait on it fails instead.
    shut_down: AtomicBool,
}

/// The slab of sources and the generation counter, behind one lock.
struct Sources {
    slab: Slab<Arc<Source>>,
    /// Generation of the last registration; wraps within `usize::BITS - INDEX_BITS` bits.
    generation: usize,
}

/// What only the owner touches: the event buffer and the waker vector, both
/// kept to reuse their allocations.
struct OwnerState {
    events: sys::Events,
    /// (key, readiness bits) of the last wait's events.
    ready: Vec<(usize, usize)>,
    wakers: Vec<Waker>,
}

/// The right to wait on the reactor, held by one thread at a time.
///
/// Obtained from [`Reactor::try_lock`]; released on drop. Not `Send`: it is
/// released by the thread that took it.
pub struct ReactorLock<'a> {
    reactor: &'a Reactor,
    owner: MutexGuard<'a, OwnerState>,
}

impl Reactor {
    /// Creates a reactor: a new poller with no sources.
    ///
    /// The backend and the poll mode are read from the environment, once:
    ///
    /// - `RT_REACTOR_BACKEND=polling` selects the portable backend (the
    ///   `polling` crate); anything else, or nothing, the platform's default:
    ///   `epoll` on Linux (an epoll instance of the reactor's own), `polling`
    ///   elsewhere. See [`Reactor::backend`].
    /// - `RT_REACTOR_POLL_MODE=oneshot` registers sources oneshot instead
    ///   of edge-triggered (also the fallback where the backend has no edge
    ///   mode).
    ///
    /// # Errors
    ///
    /// Fails if the poller cannot be created (on Linux `epoll_create1`,
    /// `eventfd`).
    ///
    /// # Examples
    ///
    /// ```
    /// let reactor = rt_reactor::Reactor::new()?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new() -> io::Result<Reactor> {
        let backend = std::env::var("RT_REACTOR_BACKEND")
            .ok()
            .and_then(|name| Backend::from_name(&name))
            .unwrap_or(Backend::DEFAULT);
        let oneshot =
            std::env::var_os("RT_REACTOR_POLL_MODE").is_some_and(|mode| mode == "oneshot");
        let poller = Poller::new(backend, oneshot)?;
        let mode = poller.mode();
        Ok(Reactor {
            mode,
            reports_read_closed: poller.reports_read_closed() && mode == Mode::Edge,
            sources: Mutex::new(Sources {
                slab: Slab::new(),
                generation: 0,
            }),
            owner: Mutex::new(OwnerState {
                events: poller.events(EVENTS_CAPACITY),
                ready: Vec::with_capacity(EVENTS_CAPACITY),
                wakers: Vec::new(),
            }),
            poller,
            shut_down: AtomicBool::new(false),
        })
    }

    /// The backend this reactor polls with: `"epoll"` (Linux's default: an
    /// epoll instance of the reactor's own) or `"polling"` (the `polling`
    /// crate; the only one elsewhere, and on Linux with
    /// `RT_REACTOR_BACKEND=polling`). See [`Reactor::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// let reactor = rt_reactor::Reactor::new()?;
    /// assert!(["epoll", "polling"].contains(&reactor.backend()));
    /// # std::io::Result::Ok(())
    /// ```
    pub fn backend(&self) -> &'static str {
        match self.poller.backend() {
            #[cfg(target_os = "linux")]
            Backend::Epoll => "epoll",
            Backend::Polling => "polling",
        }
    }

    /// Shuts the reactor down: its runtime stopped, and nothing will turn
    /// it again. Every task waiting on one of its sources is
    /// woken, and from now on every I/O operation on its sources that
    /// would wait for readiness fails with [`shutdown_error`]'s error and
    /// registering a new source fails likewise (as tokio's do); the
    /// `try_*` operations, which never wait, still make their system call.
    /// Idempotent.
    ///
    /// Nothing is missed: the flag is set before the sources are swept,
    /// and a task re-checks it under the source's lock after leaving its
    /// waker (or, registering, under the slab lock), so either the sweep
    /// takes its waker or the task sees the flag.
    pub fn shutdown(&self) {
        // SeqCst: pairs with the loads in `is_shut_down` made under the
        // slab or a source's lock (see above); the locks order the rest.
        self.shut_down.store(true, SeqCst);
        let sources: Vec<Arc<Source>> = {
            let sources = self.sources.lock();
            sources.slab.iter().map(|(_, s)| s.clone()).collect()
        };
        let mut wakers = Vec::new();
        for source in &sources {
            source.take_all_wakers(&mut wakers);
        }
        // An owner still blocked in a wait (a thread outside the pool)
        // looks again and finds the flag.
        self.notify();
        rt_core::wake_all_contained(wakers.into_iter());
    }

    /// Whether [`Reactor::shutdown`] was called.
    pub fn is_shut_down(&self) -> bool {
        // SeqCst: see `shutdown`.
        self.shut_down.load(SeqCst)
    }

    /// Tries to become the owner of the reactor.
    ///
    /// Returns `None` if another thread owns it now. Only the owner may wait
    /// for events (see [`ReactorLock::turn`]); the lock is released when the
    /// returned guard drops.
    pub fn try_lock(&self) -> Option<ReactorLock<'_>> {
        self.owner.try_lock().map(|owner| ReactorLock {
            reactor: self,
            owner,
        })
    }

    /// Wakes the owner if it is blocked in [`ReactorLock::turn`].
    ///
    /// If nobody is blocked, the next `turn` returns at once. Cheap (one
    /// atomic read-modify-write when a wake-up is already pending, on
    /// either backend) and callable from any thread at any time.
    pub fn notify(&self) {
        self.poller.notify();
    }

    /// Returns the current thread's reactor, set by [`enter`].
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime, with the message "there is no
    /// reactor running, must be called from the context of an rt runtime".
    #[track_caller]
    pub fn current() -> Arc<Reactor> {
        match Self::try_current() {
            Some(reactor) => reactor,
            None => panic!(
                "there is no reactor running, must be called from the context of an rt runtime"
            ),
        }
    }

    /// Returns the current thread's reactor, or `None` outside a runtime.
    pub fn try_current() -> Option<Arc<Reactor>> {
        context::current()
    }

    /// Registers `fd` and returns its source, with `ready` as the initial
    /// cached readiness (`source::READABLE | source::WRITABLE`, or 0).
    ///
    /// # Safety
    ///
    /// - `fd` must stay open until [`Reactor::deregister`] is called for the
    ///   returned source.
    pub(crate) unsafe fn register(&self, fd: RawFd, ready: usize) -> io::Result<Arc<Source>> {
        let source = {
            let mut sources = self.sources.lock();
            // Under the slab lock: either `shutdown`'s sweep finds this
            // source or this finds the flag.
            if self.is_shut_down() {
                return Err(shutdown_error());
            }
            let index = sources.slab.vacant_key();
            if index >= MAX_SOURCES {
                return Err(io::Error::other(
                    "too many I/O sources registered with the reactor",
                ));
            }
            sources.generation = sources.generation.wrapping_add(1) & (usize::MAX >> INDEX_BITS);
            let key = (sources.generation << INDEX_BITS) | index;
            let source = Arc::new(Source::new(fd, key, ready));
            sources.slab.insert(source.clone());
            source
        };
        // The slab lock is released: `epoll_ctl` is a syscall, and `turn`
        // holds that lock while it dispatches events. No event can name this
        // key before the `add` below.
        // SAFETY: the caller keeps `fd` open until `deregister`, which
        // deletes it from the poller first (this function's contract).
        let added = unsafe { self.poller.add(fd, source.key) };
        if let Err(err) = added {
            self.remove(&source);
            return Err(err);
        }
        Ok(source)
    }

    /// Deletes `source` from the poller and the slab. Called before its file
    /// descriptor is closed.
    pub(crate) fn deregister(&self, source: &Source) {
        // SAFETY: `register`'s contract keeps the descriptor open until this
        // call returns.
        let fd = unsafe { BorrowedFd::borrow_raw(source.fd) };
        // An error (ENOENT if the fd was registered elsewhere, EBADF) leaves
        // nothing to undo: the slab entry goes anyway.
        let _ = self.poller.delete(fd);
        self.remove(source);
    }

    /// Removes `source` from the slab if its key still names it.
    fn remove(&self, source: &Source) {
        let mut sources = self.sources.lock();
        let index = source.key & INDEX_MASK;
        if sources.slab.get(index).is_some_and(|s| s.key == source.key) {
            sources.slab.remove(index);
        }
    }

    /// Re-arms a oneshot source with `interest` (bits of `source::READABLE`
    /// and `source::WRITABLE`). No-op in edge mode.
    pub(crate) fn rearm(&self, source: &Source, interest: usize) -> io::Result<()> {
        if self.mode != Mode::Oneshot {
            return Ok(());
        }
        // SAFETY: a source is only reachable while registered, and
        // `register`'s contract keeps its descriptor open until then.
        let fd = unsafe { BorrowedFd::borrow_raw(source.fd) };
        self.poller.rearm(fd, source.key, interest)
    }

    /// Whether sources must be re-armed after each event.
    pub(crate) fn is_oneshot(&self) -> bool {
        self.mode == Mode::Oneshot
    }

    /// Whether a source's events report the read half closing (the peer's
    /// FIN) apart from readability, so a short read may clear read
    /// readiness: the epoll backend in edge mode (`EPOLLRDHUP`).
    pub(crate) fn reports_read_closed(&self) -> bool {
        self.reports_read_closed
    }
}

impl ReactorLock<'_> {
    /// Waits for I/O events, then wakes the wakers of the ready sources.
    ///
    /// Blocks in the poller's wait for at most `timeout`: `None` waits
    /// until an event or a notify (the runtime passes its nearest timer's
    /// deadline, see `rt-time`); `Some(ZERO)`
    /// does not block. A [`Reactor::notify`] ends the wait early. Wakers are
    /// collected under the internal locks and woken after those are released.
    ///
    /// Returns how many wakers it woke.
    pub fn turn(&mut self, timeout: Option<Duration>) -> usize {
        let reactor = self.reactor;

        let owner = &mut *self.owner;
        owner.ready.clear();
        let ready = &mut owner.ready;
        reactor
            .poller
            .wait(&mut owner.events, timeout, |key, bits| {
                ready.push((key, bits))
            });

        let mut wakers = std::mem::take(&mut owner.wakers);
        if !owner.ready.is_empty() {
            let sources = reactor.sources.lock();
            for &(key, bits) in &owner.ready {
                let Some(source) = sources.slab.get(key & INDEX_MASK) else {
                    continue; // deregistered since the event was queued
                };
                if source.key != key {
                    continue; // slot reused by a newer registration
                }
                source.set_ready(bits, Some(reactor), &mut wakers);
            }
        }

        // Every internal lock is released here: wake.
        let woken = wakers.len();
        // A waker is user code: a panic in it must not unwind out of the
        // turn (the owner would die holding the reactor's role).
        rt_core::wake_all_contained(wakers.drain(..));
        owner.wakers = wakers;
        woken
    }
}

impl fmt::Debug for Reactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reactor")
            .field("backend", &self.backend())
            .field("mode", &self.mode)
            .field("sources", &self.sources.try_lock().map(|s| s.slab.len()))
            .field("owned", &self.owner.is_locked())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ReactorLock<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReactorLock")
            .field("reactor", self.reactor)
            .finish_non_exhaustive()
    }
}

/// The error of an I/O operation on a source whose reactor was shut down
/// (its runtime stopped): kind `Other`, recognised by
/// [`is_shutdown_error`].
pub fn shutdown_error() -> io::Error {
    io::Error::other(RuntimeShutDown)
}

/// Whether `err` is the error an I/O resource returns because the runtime
/// that drove it has shut down (a socket used after its runtime was
/// dropped), as opposed to an error of the operating system or of the
/// peer. Any other error, even one with the same text, is not.
///
/// # Examples
///
/// ```
/// use rt::net::TcpListener;
/// use rt::runtime::is_rt_shutdown_err;
///
/// let first = rt::Runtime::new()?;
/// let listener = first.block_on(TcpListener::bind("127.0.0.1:0"))?;
/// drop(first); // the listener's reactor is gone
///
/// rt::Runtime::new()?.block_on(async {
///     let err = listener.accept().await.unwrap_err();
///     assert!(is_rt_shutdown_err(&err));
/// });
/// assert!(!is_rt_shutdown_err(&std::io::Error::other("something else")));
/// # std::io::Result::Ok(())
/// ```
pub fn is_shutdown_error(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::Other
        && err
            .get_ref()
            .is_some_and(|inner| inner.is::<RuntimeShutDown>())
}

/// The payload of [`shutdown_error`]: a type of its own, so that
/// [`is_shutdown_error`] tells it from any other error by type, not text.
#[derive(Debug)]
struct RuntimeShutDown;

impl fmt::Display for RuntimeShutDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the rt runtime that drives this I/O resource has shut down \
             (it was registered with a runtime that has since been dropped)",
        )
    }
}

impl std::error::Error for RuntimeShutDown {}
