//! A registered file descriptor, its cached readiness and its wakers.
//!
//! The protocol below is model-checked with loom: `src/loom_tests.rs`.
//!
//! # The readiness word
//!
//! `Source::state` is one `AtomicUsize`:
//!
//! ```text
//!  usize::BITS-1            3   2   1   0
//! +--------------------------+---+---+---+
//! |          tick            | C | W | R |
//! +--------------------------+---+---+---+
//! ```
//!
//! - `R`/`W` (`READABLE`/`WRITABLE`): the cached readiness. Set by the
//!   reactor when the poller reports the direction (an error or hang-up
//!   reports both); cleared by a task whose operation returned `WouldBlock`
//!   or came back short (below). A new source starts with both set (the
//!   first operation is tried optimistically) or with none (a socket still
//!   connecting).
//! - `C` (`READ_CLOSED`): the poller reported the read half closed (the
//!   peer's FIN, `EPOLLRDHUP`), a hang-up or an error. Sticky: from then on
//!   every read returns at once, so `R` is never cleared again.
//! - `tick`: counts the poller's events for this source (wrapping).
//!
//! Who writes what:
//!
//! 1. The reactor (`set_ready`, in `ReactorLock::turn`): one read-modify-write
//!    that increments the tick and sets the reported bits.
//! 2. A task (`clear`), after its operation returned `WouldBlock`, clears its
//!    direction's bit only if the tick is still the one it read before the
//!    operation (a compare-and-swap). If the tick moved, an event came in
//!    between — possibly the very edge that makes the operation succeed now —
//!    and, the poller being edge-triggered, it will not be reported again:
//!    clearing would lose it. So the bit stays and the operation is retried.
//!
//! # Short operations
//!
//! On a stream socket a write that takes fewer bytes than offered means the
//! send buffer is full, and a read that fills less than the buffer means the
//! receive queue is empty: either clears its bit as `WouldBlock` would,
//! saving the system call that would only have said so (tokio does the
//! same). For reads there is one catch: data and the peer's FIN can arrive
//! under one edge, and the read returns the data short with the FIN still
//! queued; no further edge comes, and a cleared bit would wait forever for
//! the end-of-file. So a short read clears only where the poller reports
//! the read half closing (Linux, `EPOLLRDHUP`: that edge then sets `C`, and
//! `C` keeps `R`); elsewhere only `WouldBlock` clears it.
//!
//! # Wakers
//!
//! Per direction, under the per-source mutex: one `waker` slot for the
//! `poll_read`/`poll_write` style (the last task to poll is woken, as in
//! tokio and smol), and a slab of `waiters` for futures (`readable()`,
//! `read_with()`, `accept()`, `recv_from()`), so that any number of tasks can
//! wait on one direction of a shared socket. The reactor takes (not removes)
//! each waiter's waker; a waiter's slot is removed when its future drops.
//!
//! No lost wake-up: a task stores its waker and re-reads the state word while
//! holding the mutex; the reactor writes the state word, then takes the wakers
//! under the same mutex. Whichever locks second sees the other's write.
//!
//! # Oneshot mode
//!
//! `armed` (under the mutex) holds the directions the poller is armed for. A
//! task that stores a waker for an unarmed direction re-arms the descriptor;
//! the poller disarms the whole descriptor when it reports it, so the reactor
//! re-arms it for the directions that still have wakers. Unused in edge mode.
//!
//! # Budget
//!
//! Every operation goes through `Source::poll_ready`, which consumes one
//! unit of the task's cooperative budget (`rt_core::coop`) when it finds the
//! direction ready: a task whose socket is always ready yields every 128
//! operations. The check comes after the readiness check, so a source that
//! is not ready costs nothing and an exhausted task with nothing ready just
//! waits for the reactor. Exhausted, `poll_ready` returns `Pending` before
//! the operation runs (nothing is read and lost) and defers the task. The
//! unit travels in the [`ReadyEvent`]: the operation calls
//! `made_progress` when it returns `Ready` (data, end of file or an error);
//! an event dropped without it — the cached readiness was stale and the
//! operation got `WouldBlock` — gives the unit back (tokio's
//! `RestoreOnPending`).

use std::future::poll_fn;
use std::io;
use std::os::fd::RawFd;
use std::sync::Arc;
use std::task::{ready, Context, Poll, Waker};

use rt_core::coop::{self, RestoreOnPending};
use slab::Slab;

use super::Reactor;
use rt_core::loom::{AtomicUsize, Mutex, Ordering};

/// Cached readiness bit: a read may not block.
pub(crate) const READABLE: usize = 0b01;
/// Cached readiness bit: a write may not block.
pub(crate) const WRITABLE: usize = 0b10;
/// Cached: the read half closed (FIN, hang-up or error); sticky.
pub(crate) const READ_CLOSED: usize = 0b100;
/// The bits below the tick.
const FLAGS: usize = READABLE | WRITABLE | READ_CLOSED;
/// One tick, in place in the state word.
const TICK_ONE: usize = 0b1000;

/// Which half of a source a task waits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Reading, accepting, receiving.
    Read = 0,
    /// Writing, connecting, sending.
    Write = 1,
}

impl Direction {
    /// This direction's readiness bit.
    fn bit(self) -> usize {
        match self {
            Direction::Read => READABLE,
            Direction::Write => WRITABLE,
        }
    }
}

/// A readiness observed by a task: the direction, the tick it was read at,
/// and the unit of budget it took (see the module docs, "Budget").
#[derive(Debug)]
pub(crate) struct ReadyEvent {
    dir: Direction,
    /// The state word's tick bits (readiness bits masked off).
    tick: usize,
    /// Given back on drop unless `made_progress` is called.
    unit: RestoreOnPending,
}

impl ReadyEvent {
    /// The operation made progress (its result is returned as `Ready`): keep
    /// the unit of budget consumed. Without this call, dropping the event
    /// gives it back.
    pub(crate) fn made_progress(&self) {
        self.unit.made_progress();
    }
}

/// A file descriptor registered with a reactor.
pub(crate) struct Source {
    /// The descriptor; open for as long as the source is registered.
    pub(super) fd: RawFd,
    /// Generation-tagged slab key given to the poller.
    pub(super) key: usize,
    /// Tick and readiness bits; see the module docs.
    state: AtomicUsize,
    /// Wakers per direction, and `armed` for oneshot mode.
    wakers: Mutex<Wakers>,
}

/// What the per-source mutex protects.
#[derive(Default)]
struct Wakers {
    /// Indexed by `Direction as usize`.
    dirs: [DirWakers; 2],
    /// Directions the poller is armed for (oneshot mode only).
    armed: usize,
}

/// The wakers waiting on one direction.
#[derive(Default)]
struct DirWakers {
    /// For `poll_read`/`poll_write`: only the last task is woken.
    waker: Option<Waker>,
    /// For futures: one slot per live future; `None` once woken.
    waiters: Slab<Option<Waker>>,
}

impl DirWakers {
    /// Moves every stored waker into `out`.
    fn take_into(&mut self, out: &mut Vec<Waker>) {
        out.extend(self.waker.take());
        for (_, waiter) in self.waiters.iter_mut() {
            out.extend(waiter.take());
        }
    }

    /// Whether a task waits on this direction.
    fn is_waiting(&self) -> bool {
        self.waker.is_some() || self.waiters.iter().any(|(_, waiter)| waiter.is_some())
    }
}

/// Where a task leaves its waker.
enum Slot<'a> {
    /// The direction's single `poll_*` slot.
    Single,
    /// A waiter slot, allocated on first use (the index is stored back).
    Waiter(&'a mut Option<usize>),
}

/// Stores `cx`'s waker in `slot` unless it already holds an equivalent one.
fn store(slot: &mut Option<Waker>, cx: &Context<'_>) {
    match slot {
        Some(waker) if waker.will_wake(cx.waker()) => {}
        _ => *slot = Some(cx.waker().clone()),
    }
}

impl Source {
    /// A source with `ready` as its initial readiness bits.
    pub(super) fn new(fd: RawFd, key: usize, ready: usize) -> Source {
        Source {
            fd,
            key,
            state: AtomicUsize::new(ready & FLAGS),
            wakers: Mutex::new(Wakers::default()),
        }
    }

    /// The tick of the cached readiness of `dir`, if it is set.
    fn ready_tick(&self, dir: Direction) -> Option<usize> {
        // Acquire: pairs with the AcqRel update in `set_ready`/`clear`; the
        // readiness itself lives in the kernel, this only orders our reads.
        let state = self.state.load(Ordering::Acquire);
        (state & dir.bit() != 0).then_some(state & !FLAGS)
    }

    /// Reactor side: records that the poller reported `ready` and moves the
    /// wakers of those directions into `wakers`. `reactor` re-arms the
    /// descriptor in oneshot mode; `None` is edge mode with no reactor at
    /// all (the loom models).
    pub(super) fn set_ready(
        &self,
        ready: usize,
        reactor: Option<&Reactor>,
        wakers: &mut Vec<Waker>,
    ) {
        // AcqRel: the tick must be ordered with the `clear` CAS of a task
        // (which fails if it sees this increment). Ordering with the waker
        // hand-over comes from the mutex below.
        let _ = self
            .state
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |state| {
                Some((state & !FLAGS).wrapping_add(TICK_ONE) | (state & FLAGS) | ready)
            });

        let mut guard = self.wakers.lock();
        if ready & READABLE != 0 {
            guard.dirs[Direction::Read as usize].take_into(wakers);
        }
        if ready & WRITABLE != 0 {
            guard.dirs[Direction::Write as usize].take_into(wakers);
        }
        if let Some(reactor) = reactor.filter(|reactor| reactor.is_oneshot()) {
            // The poller disarmed the whole descriptor when it reported it.
            let mut interest = 0;
            for dir in [Direction::Read, Direction::Write] {
                if guard.dirs[dir as usize].is_waiting() {
                    interest |= dir.bit();
                }
            }
            guard.armed = interest;
            if interest != 0 && reactor.rearm(self, interest).is_err() {
                // Cannot wait any more: wake everyone, their operation will
                // run and report the error (or retry and re-arm).
                guard.armed = 0;
                for dir in &mut guard.dirs {
                    dir.take_into(wakers);
                }
            }
        }
    }

    /// Moves every waker of both directions into `out` (the reactor is
    /// shutting down: each task polls again and finds it so).
    pub(super) fn take_all_wakers(&self, out: &mut Vec<Waker>) {
        let mut guard = self.wakers.lock();
        for dir in &mut guard.dirs {
            dir.take_into(out);
        }
    }

    /// Task side: ready if `dir`'s bit is cached and the task has budget
    /// left; otherwise leaves the waker in `slot` (not ready) or defers the
    /// task (no budget), and returns `Pending`. `reactor` as in `set_ready`.
    fn poll_ready(
        &self,
        dir: Direction,
        cx: &mut Context<'_>,
        slot: Slot<'_>,
        reactor: Option<&Reactor>,
    ) -> Poll<io::Result<ReadyEvent>> {
        if reactor.is_some_and(Reactor::is_shut_down) {
            return Poll::Ready(Err(super::shutdown_error()));
        }
        let tick = match self.ready_tick(dir) {
            Some(tick) => tick,
            None => ready!(self.poll_wait(dir, cx, slot, reactor))?,
        };
        // Budget last: only a ready source consumes (see "Budget").
        let unit = ready!(coop::poll_proceed(cx));
        Poll::Ready(Ok(ReadyEvent { dir, tick, unit }))
    }

    /// `poll_ready`'s slow path: leaves the waker in `slot`, then checks the
    /// cached readiness again; ready with its tick, else `Pending`.
    fn poll_wait(
        &self,
        dir: Direction,
        cx: &mut Context<'_>,
        slot: Slot<'_>,
        reactor: Option<&Reactor>,
    ) -> Poll<io::Result<usize>> {
        let mut guard = self.wakers.lock();
        let wakers = &mut guard.dirs[dir as usize];
        match slot {
            Slot::Single => store(&mut wakers.waker, cx),
            Slot::Waiter(index) => match *index {
                Some(i) => store(&mut wakers.waiters[i], cx),
                None => *index = Some(wakers.waiters.insert(Some(cx.waker().clone()))),
            },
        }
        // Re-check under the lock (no lost wake-up, see the module docs);
        // the shutdown flag likewise (see `Reactor::shutdown`).
        if reactor.is_some_and(Reactor::is_shut_down) {
            return Poll::Ready(Err(super::shutdown_error()));
        }
        if let Some(tick) = self.ready_tick(dir) {
            return Poll::Ready(Ok(tick));
        }
        if let Some(reactor) = reactor.filter(|reactor| reactor.is_oneshot())
            && guard.armed & dir.bit() == 0
        {
            guard.armed |= dir.bit();
            if let Err(err) = reactor.rearm(self, guard.armed) {
                guard.armed &= !dir.bit();
                return Poll::Ready(Err(err));
            }
        }
        Poll::Pending
    }

    /// Task side: forgets the cached readiness observed as `event`, unless
    /// the reactor reported a newer event since, or (reading) the read half
    /// closed (see the module docs). Drops the event: its unit of budget
    /// goes back unless the caller said `made_progress`.
    fn clear(&self, event: ReadyEvent) {
        let mut state = self.state.load(Ordering::Acquire);
        let keep = match event.dir {
            Direction::Read => READ_CLOSED,
            Direction::Write => 0,
        };
        while state & !FLAGS == event.tick && state & keep == 0 {
            // AcqRel/Acquire: pairs with the update in `set_ready`.
            match self.state.compare_exchange_weak(
                state,
                state & !event.dir.bit(),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return,
                Err(actual) => state = actual,
            }
        }
    }
}

/// A source's registration, owned by the handle of its file descriptor.
///
/// Dropping it deregisters the descriptor; the owner must close the
/// descriptor only after that (declare the registration before the I/O
/// object, so that it drops first).
pub(crate) struct Registration {
    reactor: Arc<Reactor>,
    source: Arc<Source>,
}

impl Registration {
    /// Registers `fd` with the current thread's reactor, with `ready` as its
    /// initial readiness (`READABLE | WRITABLE`, or 0 for a connecting socket).
    ///
    /// # Panics
    ///
    /// Panics outside the context of a runtime (see [`Reactor::current`]).
    ///
    /// # Safety
    ///
    /// - `fd` must stay open until the returned registration drops.
    #[track_caller]
    pub(crate) unsafe fn new(fd: RawFd, ready: usize) -> io::Result<Registration> {
        let reactor = Reactor::current();
        // SAFETY: our caller keeps `fd` open until this registration drops,
        // and `Drop` deregisters the source.
        let source = unsafe { reactor.register(fd, ready)? };
        Ok(Registration { reactor, source })
    }

    /// Ready if `dir` is cached as ready; otherwise stores the waker in the
    /// direction's single `poll_*` slot.
    pub(crate) fn poll_ready(
        &self,
        dir: Direction,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<ReadyEvent>> {
        self.source
            .poll_ready(dir, cx, Slot::Single, Some(&self.reactor))
    }

    /// Forgets the cached readiness observed as `event` (after `WouldBlock`),
    /// giving its unit of budget back unless the caller `made_progress`.
    pub(crate) fn clear(&self, event: ReadyEvent) {
        self.source.clear(event);
    }

    /// Like [`Registration::poll_io`], for a read or write of `len` bytes on
    /// a stream socket: an operation shorter than asked also clears the
    /// cached readiness — the receive queue is empty, the send buffer full —
    /// so the next call waits for an event instead of making a system call
    /// that would return `WouldBlock`. Sound with edge-triggered readiness:
    /// data or space arriving later raises a new event, and `clear` keeps
    /// readiness set by an event newer than the one this operation used.
    /// Reads clear so only where the poller reports the read half closing
    /// (see the module docs, "Short operations").
    pub(crate) fn poll_io_stream(
        &self,
        dir: Direction,
        cx: &mut Context<'_>,
        len: usize,
        mut op: impl FnMut() -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        let short_clears = dir == Direction::Write || self.reactor.reports_read_closed();
        loop {
            let event = ready!(self.poll_ready(dir, cx))?;
            if let Some(result) =
                self.attempt(event, &mut op, |&n| short_clears && n > 0 && n < len)
            {
                return Poll::Ready(result);
            }
        }
    }

    /// Runs `op` when `dir` is ready, until it does not return `WouldBlock`.
    /// The waker goes in the direction's single slot (for `poll_read` and
    /// friends: only the last task to poll is woken).
    pub(crate) fn poll_io<R>(
        &self,
        dir: Direction,
        cx: &mut Context<'_>,
        mut op: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let event = ready!(self.poll_ready(dir, cx))?;
            if let Some(result) = self.attempt(event, &mut op, |_| false) {
                return Poll::Ready(result);
            }
        }
    }

    /// Like [`Registration::poll_io`] as a future, with its own waiter slot:
    /// any number of tasks may wait on the same direction at once.
    pub(crate) async fn io<R>(
        &self,
        dir: Direction,
        mut op: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        let mut waiter = Waiter::new(self, dir);
        poll_fn(|cx| loop {
            let event = ready!(waiter.poll_ready(cx))?;
            if let Some(result) = self.attempt(event, &mut op, |_| false) {
                return Poll::Ready(result);
            }
        })
        .await
    }

    /// Waits until `dir` is ready now: the cached readiness is confirmed
    /// with a zero-timeout `poll(2)`, so this never returns for a stale
    /// readiness (a caller whose own operation got `WouldBlock` does not spin).
    pub(crate) async fn ready(&self, dir: Direction) -> io::Result<()> {
        let mut waiter = Waiter::new(self, dir);
        let now = || match probe(self.source.fd, dir) {
            Ok(false) => Err(io::ErrorKind::WouldBlock.into()),
            result => result.map(drop),
        };
        poll_fn(|cx| loop {
            let event = ready!(waiter.poll_ready(cx))?;
            if let Some(result) = self.attempt(event, now, |_| false) {
                return Poll::Ready(result);
            }
        })
        .await
    }

    /// One try of `op` on the readiness `event`. `WouldBlock`: the cached
    /// readiness is cleared (unless newer, see `Source::clear`) and the unit
    /// of budget given back; `None`, the caller waits again. Anything else
    /// is the result, the unit kept; if `drained` says the result emptied
    /// the socket (a short stream operation), the readiness is cleared too.
    #[inline]
    fn attempt<R>(
        &self,
        event: ReadyEvent,
        op: impl FnOnce() -> io::Result<R>,
        drained: impl FnOnce(&R) -> bool,
    ) -> Option<io::Result<R>> {
        match op() {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.clear(event);
                None
            }
            result => {
                event.made_progress();
                if result.as_ref().is_ok_and(drained) {
                    self.clear(event);
                }
                Some(result)
            }
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.reactor.deregister(&self.source);
    }
}

/// A future's waiter slot on one direction of a source; removed on drop.
pub(crate) struct Waiter<'a> {
    registration: &'a Registration,
    dir: Direction,
    index: Option<usize>,
}

impl<'a> Waiter<'a> {
    /// A waiter on `dir`; its slot is allocated when it first waits.
    pub(crate) fn new(registration: &'a Registration, dir: Direction) -> Waiter<'a> {
        Waiter {
            registration,
            dir,
            index: None,
        }
    }

    /// Ready if the direction is cached as ready; otherwise stores the waker
    /// in this waiter's slot.
    pub(crate) fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        let registration = self.registration;
        registration.source.poll_ready(
            self.dir,
            cx,
            Slot::Waiter(&mut self.index),
            Some(&registration.reactor),
        )
    }
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        if let Some(index) = self.index {
            let mut guard = self.registration.source.wakers.lock();
            guard.dirs[self.dir as usize].waiters.try_remove(index);
        }
    }
}

/// Whether `fd` is ready for `dir` right now (`poll(2)`, zero timeout).
/// An error or hang-up counts as ready: the operation will report it.
fn probe(fd: RawFd, dir: Direction) -> io::Result<bool> {
    let events = match dir {
        Direction::Read => libc::POLLIN,
        Direction::Write => libc::POLLOUT,
    };
    let mut pollfd = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    loop {
        // SAFETY: `pollfd` is a valid array of one `pollfd`, borrowed mutably
        // for the duration of the call only; `fd` is open (registered).
        let n = unsafe { libc::poll(&mut pollfd, 1, 0) };
        if n >= 0 {
            return Ok(n > 0);
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

#[cfg(all(test, loom))]
#[path = "../loom_tests.rs"]
mod loom_tests;
