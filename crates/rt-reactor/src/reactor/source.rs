//! A registered file descriptor, its cached readiness and its wakers.
//!
//! The protocol below is model-checked with loom: `src/loom_tests.rs`.
//!
//! # The readiness word
//!
//! `Source::state` is one `AtomicUsize`:
//!
//! ```text
//!  usize::BITS-1     6    5     4    3    2   1   0
//! +-----------------+-----+-----+----+---+---+---+
//! |      tick       | ERR | PRI | WC | C | W | R |
//! +-----------------+-----+-----+----+---+---+---+
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
//! - `WC` (`WRITE_CLOSED`): a hang-up or an error on the write side, as
//!   mio reports it. Sticky, like `C`.
//! - `PRI` (`PRIORITY`, `EPOLLPRI`, which also sets `R`) and `ERR`
//!   (`ERROR`, `EPOLLERR`): for `AsyncFd` and the `ready(Interest)`
//!   methods; cleared like `R`/`W`.
//! - `tick`: counts the poller's events for this source (wrapping).
//!
//! A task waits for a *mask* of these bits (any one will do): reading is
//! `R | C` (so `C` keeps reads ready whatever clears `R`), the sockets'
//! own writes `W`, and an [`Interest`](crate::Interest) its
//! `Interest::mask` (tokio's: writable is `W | WC`, priority `PRI | C`).
//!
//! Who writes what:
//!
//! 1. The reactor (`set_ready`, in `ReactorLock::turn`): one read-modify-write
//!    that increments the tick and sets the reported bits.
//! 2. A task (`clear`), after its operation returned `WouldBlock` (or an
//!    `AsyncFd` guard's `clear_ready`), clears the bits it observed —
//!    never `C` or `WC` — only if the tick is still the one it read with
//!    them (a compare-and-swap). If the tick moved, an event came in
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
//! Three lists, under the per-source mutex: reading (woken by `R`/`C`),
//! writing (`W`/`WC`), and "any" for masks that are neither (an
//! `Interest` of several directions, priority, error), whose waiters
//! keep their mask and are woken by an event that meets it. Each list has
//! one `waker` slot for the `poll_read`/`poll_write` style (the last task
//! to poll is woken, as in tokio and smol), and a slab of `waiters` for
//! futures (`readable()`, `read_with()`, `accept()`, `recv_from()`), so
//! that any number of tasks can wait on one direction of a shared socket.
//! The reactor takes (not removes) each waiter's waker; a waiter's slot is
//! removed when its future drops.
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
//! operations. The plain readiness waits (`Registration::readiness`: the
//! sockets' `ready`/`readable`/`writable`, `AsyncFd`'s guards) take no
//! budget, as tokio's: they do no I/O themselves (the `try_*` that
//! follows takes none either, while the io traits' operations and
//! `async_io` take theirs); a wait that finds nothing ready yields. The
//! check comes after the readiness check, so a source that is not ready
//! costs nothing and an exhausted task with nothing ready just
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
/// Cached: the write half closed (hang-up, error); sticky.
pub(crate) const WRITE_CLOSED: usize = 0b1000;
/// Cached: priority data (`EPOLLPRI`).
pub(crate) const PRIORITY: usize = 0b1_0000;
/// Cached: an error is pending (`EPOLLERR`).
pub(crate) const ERROR: usize = 0b10_0000;
/// The bits below the tick.
const FLAGS: usize = READABLE | WRITABLE | READ_CLOSED | WRITE_CLOSED | PRIORITY | ERROR;
/// The sticky bits, which `clear` never clears.
const CLOSED: usize = READ_CLOSED | WRITE_CLOSED;
/// One tick, in place in the state word.
const TICK_ONE: usize = 0b100_0000;

/// The waker lists (see the module docs, "Wakers").
const LIST_READ: usize = 0;
const LIST_WRITE: usize = 1;
const LIST_ANY: usize = 2;

/// Which half of a source a task waits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Reading, accepting, receiving.
    Read = 0,
    /// Writing, connecting, sending.
    Write = 1,
}

/// What a task waits for: a mask of readiness bits, any of which will do,
/// and the waker list it waits in (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Wait {
    mask: usize,
    list: usize,
}

impl Wait {
    /// A wait for any bit of `mask` (an `Interest`'s mask), in the list
    /// whose events can satisfy it.
    pub(crate) fn mask(mask: usize) -> Wait {
        let list = if mask & !(READABLE | READ_CLOSED) == 0 {
            LIST_READ
        } else if mask & !(WRITABLE | WRITE_CLOSED) == 0 {
            LIST_WRITE
        } else {
            LIST_ANY
        };
        Wait { mask, list }
    }
}

impl From<Direction> for Wait {
    fn from(dir: Direction) -> Wait {
        match dir {
            Direction::Read => Wait {
                mask: READABLE | READ_CLOSED,
                list: LIST_READ,
            },
            // Not `WRITE_CLOSED`: it is sticky, and the sockets' own writes
            // loop on `WouldBlock` (a UDP socket flagged by an ICMP error
            // would spin while its send buffer is full).
            Direction::Write => Wait {
                mask: WRITABLE,
                list: LIST_WRITE,
            },
        }
    }
}

/// Which events wake a list's waiters: `bits` the reactor reported,
/// `mask` the waiter's (only the "any" list keeps one per waiter).
fn wakes(list: usize, mask: usize, bits: usize) -> bool {
    match list {
        LIST_READ => bits & (READABLE | READ_CLOSED) != 0,
        LIST_WRITE => bits & (WRITABLE | WRITE_CLOSED) != 0,
        _ => bits & mask != 0,
    }
}

/// The directions the poller must be armed for (oneshot mode) so that an
/// event can meet `mask`.
fn arming(mask: usize) -> usize {
    let mut interest = 0;
    if mask & (READABLE | READ_CLOSED | PRIORITY | ERROR) != 0 {
        interest |= READABLE;
    }
    if mask & (WRITABLE | WRITE_CLOSED) != 0 {
        interest |= WRITABLE;
    }
    interest
}

/// A readiness observed by a task: the bits of its mask that were set,
/// the tick they were read at, and the unit of budget it took (see the
/// module docs, "Budget").
#[derive(Debug)]
pub(crate) struct ReadyEvent {
    /// The bits of the task's mask set in the state word.
    ready: usize,
    /// The state word's tick bits (readiness bits masked off).
    tick: usize,
    /// Given back on drop unless `made_progress` is called.
    unit: RestoreOnPending,
}

/// A readiness observed, without its unit of budget: what an `AsyncFd`
/// guard keeps to clear it later.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Observed {
    /// The bits observed (readiness-word bits).
    pub(crate) ready: usize,
    /// The tick they were observed at.
    pub(crate) tick: usize,
}

impl ReadyEvent {
    /// Keeps the unit of budget and returns what was observed.
    pub(crate) fn into_observed(self) -> Observed {
        self.unit.made_progress();
        Observed {
            ready: self.ready,
            tick: self.tick,
        }
    }

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
    /// Indexed by `LIST_READ`, `LIST_WRITE`, `LIST_ANY`.
    dirs: [DirWakers; 3],
    /// Directions the poller is armed for (oneshot mode only).
    armed: usize,
}

/// The wakers waiting on one direction.
#[derive(Default)]
struct DirWakers {
    /// For `poll_read`/`poll_write`: only the last task is woken.
    waker: Option<Waker>,
    /// For futures: one slot per live future, with its mask; the waker is
    /// `None` once woken.
    waiters: Slab<(usize, Option<Waker>)>,
}

impl DirWakers {
    /// Moves every stored waker into `out`.
    fn take_into(&mut self, out: &mut Vec<Waker>) {
        out.extend(self.waker.take());
        for (_, (_, waiter)) in self.waiters.iter_mut() {
            out.extend(waiter.take());
        }
    }

    /// Moves the wakers that the reported `bits` concern into `out`.
    fn take_matching(&mut self, list: usize, bits: usize, out: &mut Vec<Waker>) {
        if list != LIST_ANY {
            if wakes(list, 0, bits) {
                self.take_into(out);
            }
            return;
        }
        for (_, (mask, waiter)) in self.waiters.iter_mut() {
            if wakes(list, *mask, bits) {
                out.extend(waiter.take());
            }
        }
    }

    /// The directions tasks wait on in this list (`READABLE`/`WRITABLE`
    /// bits), for oneshot re-arming.
    fn waiting(&self, list: usize) -> usize {
        match list {
            LIST_READ | LIST_WRITE => {
                let waiting = self.waker.is_some()
                    || self.waiters.iter().any(|(_, (_, waiter))| waiter.is_some());
                match (waiting, list) {
                    (false, _) => 0,
                    (true, LIST_READ) => READABLE,
                    (true, _) => WRITABLE,
                }
            }
            _ => self
                .waiters
                .iter()
                .filter(|(_, (_, waiter))| waiter.is_some())
                .fold(0, |interest, (_, (mask, _))| interest | arming(*mask)),
        }
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

    /// The bits of `mask` cached as ready and their tick, if any is set.
    fn ready_tick(&self, mask: usize) -> Option<(usize, usize)> {
        // Acquire: pairs with the AcqRel update in `set_ready`/`clear`; the
        // readiness itself lives in the kernel, this only orders our reads.
        let state = self.state.load(Ordering::Acquire);
        (state & mask != 0).then_some((state & mask, state & !FLAGS))
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
        for (list, dir) in guard.dirs.iter_mut().enumerate() {
            dir.take_matching(list, ready, wakers);
        }
        if let Some(reactor) = reactor.filter(|reactor| reactor.is_oneshot()) {
            // The poller disarmed the whole descriptor when it reported it.
            let mut interest = 0;
            for (list, dir) in guard.dirs.iter().enumerate() {
                interest |= dir.waiting(list);
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
        wait: impl Into<Wait>,
        cx: &mut Context<'_>,
        slot: Slot<'_>,
        reactor: Option<&Reactor>,
    ) -> Poll<io::Result<ReadyEvent>> {
        let (ready, tick) = ready!(self.poll_observe(wait, cx, slot, reactor))?;
        // Budget last: only a ready source consumes (see "Budget").
        let unit = ready!(coop::poll_proceed(cx));
        Poll::Ready(Ok(ReadyEvent { ready, tick, unit }))
    }

    /// `poll_ready` without the budget: ready with the bits and tick of
    /// `wait` if cached, else the waker is left in `slot`. For the plain
    /// readiness waits, which take no budget (see "Budget").
    fn poll_observe(
        &self,
        wait: impl Into<Wait>,
        cx: &mut Context<'_>,
        slot: Slot<'_>,
        reactor: Option<&Reactor>,
    ) -> Poll<io::Result<(usize, usize)>> {
        let wait = wait.into();
        if reactor.is_some_and(Reactor::is_shut_down) {
            return Poll::Ready(Err(super::shutdown_error()));
        }
        match self.ready_tick(wait.mask) {
            Some(observed) => Poll::Ready(Ok(observed)),
            None => self.poll_wait(wait, cx, slot, reactor),
        }
    }

    /// `poll_ready`'s slow path: leaves the waker in `slot`, then checks the
    /// cached readiness again; ready with its bits and tick, else `Pending`.
    fn poll_wait(
        &self,
        wait: Wait,
        cx: &mut Context<'_>,
        slot: Slot<'_>,
        reactor: Option<&Reactor>,
    ) -> Poll<io::Result<(usize, usize)>> {
        let mut guard = self.wakers.lock();
        let wakers = &mut guard.dirs[wait.list];
        match slot {
            Slot::Single => store(&mut wakers.waker, cx),
            Slot::Waiter(index) => match *index {
                Some(i) => store(&mut wakers.waiters[i].1, cx),
                None => {
                    let waiter = (wait.mask, Some(cx.waker().clone()));
                    *index = Some(wakers.waiters.insert(waiter));
                }
            },
        }
        // Re-check under the lock (no lost wake-up, see the module docs);
        // the shutdown flag likewise (see `Reactor::shutdown`).
        if reactor.is_some_and(Reactor::is_shut_down) {
            return Poll::Ready(Err(super::shutdown_error()));
        }
        if let Some(observed) = self.ready_tick(wait.mask) {
            return Poll::Ready(Ok(observed));
        }
        if let Some(reactor) = reactor.filter(|reactor| reactor.is_oneshot()) {
            let want = arming(wait.mask);
            if guard.armed & want != want {
                let before = guard.armed;
                guard.armed |= want;
                if let Err(err) = reactor.rearm(self, guard.armed) {
                    guard.armed = before;
                    return Poll::Ready(Err(err));
                }
            }
        }
        Poll::Pending
    }

    /// Task side: forgets the cached readiness observed as `event`, unless
    /// the reactor reported a newer event since (see the module docs).
    /// Drops the event: its unit of budget goes back unless the caller said
    /// `made_progress`.
    fn clear(&self, event: ReadyEvent) {
        self.clear_at(event.tick, event.ready);
    }

    /// Clears `bits` (never the sticky closed ones) if the tick is still
    /// `tick`: an event reported after the observation keeps them.
    fn clear_at(&self, tick: usize, bits: usize) {
        let bits = bits & FLAGS & !CLOSED;
        if bits == 0 {
            return;
        }
        let mut state = self.state.load(Ordering::Acquire);
        while state & !FLAGS == tick {
            // AcqRel/Acquire: pairs with the update in `set_ready`.
            match self.state.compare_exchange_weak(
                state,
                state & !bits,
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

    /// Ready if `wait` (a direction or an interest's mask) is cached as
    /// ready; otherwise stores the waker in its list's single `poll_*` slot.
    pub(crate) fn poll_ready(
        &self,
        wait: impl Into<Wait>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<ReadyEvent>> {
        self.source
            .poll_ready(wait, cx, Slot::Single, Some(&self.reactor))
    }

    /// Forgets the cached readiness observed as `event` (after `WouldBlock`),
    /// giving its unit of budget back unless the caller `made_progress`.
    pub(crate) fn clear(&self, event: ReadyEvent) {
        self.source.clear(event);
    }

    /// Forgets the readiness `observed` (an `AsyncFd` guard's
    /// `clear_ready`), unless an event came after it.
    pub(crate) fn clear_observed(&self, observed: Observed) {
        self.source.clear_at(observed.tick, observed.ready);
    }

    /// Runs `op` now if any bit of `mask` is cached as ready, else returns
    /// `WouldBlock` without running it; a `WouldBlock` from `op` clears the
    /// bits it ran on (unless newer). No waker is stored, no budget used.
    /// Once the reactor is shut down nothing updates the cached readiness
    /// any more: `op` just runs (what is queued can still be read, as on
    /// tokio), and only the waits fail with the shutdown error.
    pub(crate) fn try_io<R>(
        &self,
        mask: usize,
        op: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        if self.reactor.is_shut_down() {
            return op();
        }
        let Some((ready, tick)) = self.source.ready_tick(mask) else {
            return Err(io::ErrorKind::WouldBlock.into());
        };
        let result = op();
        if matches!(&result, Err(err) if err.kind() == io::ErrorKind::WouldBlock) {
            self.source.clear_at(tick, ready);
        }
        result
    }

    /// Waits until a bit of `wait`'s mask is cached as ready (no probe),
    /// in a waiter slot of its own. Takes no budget (see "Budget"): the
    /// operation that follows does, or clears the readiness.
    pub(crate) async fn readiness(&self, wait: impl Into<Wait>) -> io::Result<Observed> {
        let mut waiter = Waiter::new(self, wait);
        let (ready, tick) = poll_fn(|cx| waiter.poll_observe(cx)).await?;
        Ok(Observed { ready, tick })
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
        wait: impl Into<Wait>,
        mut op: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        let mut waiter = Waiter::new(self, wait);
        poll_fn(|cx| loop {
            let event = ready!(waiter.poll_ready(cx))?;
            if let Some(result) = self.attempt(event, &mut op, |_| false) {
                return Poll::Ready(result);
            }
        })
        .await
    }

    /// Waits until `wait` is ready now: the cached readiness is confirmed
    /// with a zero-timeout `poll(2)`, so this never returns for a stale
    /// readiness (a caller whose own operation got `WouldBlock` does not
    /// spin). Returns the readiness bits of `wait`'s mask `poll(2)` found.
    pub(crate) async fn ready(&self, wait: impl Into<Wait>) -> io::Result<usize> {
        let wait = wait.into();
        let mut waiter = Waiter::new(self, wait);
        poll_fn(|cx| loop {
            let event = ready!(waiter.poll_ready(cx))?;
            if let Some(result) =
                self.attempt(event, || probe(self.source.fd, wait.mask), |_| false)
            {
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
    wait: Wait,
    index: Option<usize>,
}

impl<'a> Waiter<'a> {
    /// A waiter on `wait`; its slot is allocated when it first waits.
    pub(crate) fn new(registration: &'a Registration, wait: impl Into<Wait>) -> Waiter<'a> {
        Waiter {
            registration,
            wait: wait.into(),
            index: None,
        }
    }

    /// Ready if the direction is cached as ready; otherwise stores the waker
    /// in this waiter's slot.
    pub(crate) fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        let registration = self.registration;
        registration.source.poll_ready(
            self.wait,
            cx,
            Slot::Waiter(&mut self.index),
            Some(&registration.reactor),
        )
    }

    /// [`poll_ready`](Waiter::poll_ready) without the budget.
    pub(crate) fn poll_observe(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<(usize, usize)>> {
        let registration = self.registration;
        registration.source.poll_observe(
            self.wait,
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
            guard.dirs[self.wait.list].waiters.try_remove(index);
        }
    }
}

/// The readiness of `fd` right now among `mask`'s bits (`poll(2)`, zero
/// timeout), mapped as the epoll backend maps events; `WouldBlock` if none.
/// A hang-up or an error counts as ready: the operation will report it.
fn probe(fd: RawFd, mask: usize) -> io::Result<usize> {
    let mut events = 0;
    if mask & (READABLE | READ_CLOSED | PRIORITY | ERROR) != 0 {
        events |= libc::POLLIN;
    }
    if mask & PRIORITY != 0 {
        events |= libc::POLLPRI;
    }
    if mask & (WRITABLE | WRITE_CLOSED) != 0 {
        events |= libc::POLLOUT;
    }
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
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    let revents = pollfd.revents;
    let mut bits = 0;
    if revents & libc::POLLIN != 0 {
        bits |= READABLE;
    }
    if revents & libc::POLLPRI != 0 {
        bits |= READABLE | PRIORITY;
    }
    if revents & libc::POLLOUT != 0 {
        bits |= WRITABLE;
    }
    if revents & libc::POLLHUP != 0 {
        bits |= READABLE | READ_CLOSED | WRITABLE | WRITE_CLOSED;
    }
    if revents & libc::POLLERR != 0 {
        bits |= READABLE | WRITABLE | ERROR;
    }
    match bits & mask {
        0 => Err(io::ErrorKind::WouldBlock.into()),
        ready => Ok(ready),
    }
}

#[cfg(all(test, loom))]
#[path = "../loom_tests.rs"]
mod loom_tests;
