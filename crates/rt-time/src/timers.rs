//! [`Timers`]: the timer driver — wheels behind locks, one per shard, the
//! millisecond clock (a tick is 1 ms, epoll's resolution), and the
//! owner-notification rule (see "Threads" in the crate docs).
//!
//! # Shards
//!
//! A server arms and cancels a timer per request (hyper's header-read
//! timeout), from every worker at once: one lock for all of them is
//! contended (measured on the HTTP demo with 2 workers: about 450 lock
//! waits a second, each a `sched_yield` in parking_lot's spin). So the
//! driver keeps one wheel per shard, as many shards as the runtime has
//! workers (tokio's time driver is sharded the same way), each behind its
//! own lock. A timer is armed in the shard of the thread arming it (a
//! worker's own, by `rt_core::context::worker_index`; other threads are
//! spread over the shards) and stays there: its [`TimerKey`] names the
//! shard, so a cancel or a reset from any thread finds it.
//!
//! The driver's holder reads every shard: [`Timers::next_timeout`] is the
//! earliest over the shards, and [`Timers::process`] collects the due
//! timers of all of them and wakes them in deadline order (a stable sort
//! of the ticks, when more than one shard had some).
//!
//! The owner-notification rule holds per shard: `next_timeout` records in
//! each shard the deadline the owner plans to wake by for that shard
//! (`owner_deadline`); a timer armed earlier than its shard's record
//! notifies the owner and lowers the record. That is enough: the owner
//! waits until the earliest record of all, which is no later than any
//! single shard's, so a timer at or after its shard's record is served by
//! the wait already planned.
//!
//! # The lock-free look
//!
//! The driver's holder calls `next_timeout` and `process` on every turn,
//! and most turns find no timer due (a server's timers are its requests'
//! header-read timeouts, 30 s away, armed and cancelled long before they
//! are due). So each shard keeps, beside its lock, two words that the
//! holder reads without taking it:
//!
//! - `earliest`: a lower bound of every tick armed in the shard
//!   (`NO_DEADLINE`: none). Lowered by an arm or a reset to an earlier
//!   tick; set to the wheel's exact next expiration whenever a turn takes
//!   the lock (`process` of a shard with something due, or the locked
//!   look of `next_tick`). A cancel leaves it as it was: too early is
//!   allowed, and costs one wake-up at the old tick, whose `process` then
//!   sets it exact.
//! - `owner_deadline`: the record of the notification rule above.
//!
//! Both are written only under the shard's lock. `process` skips a shard
//! whose `earliest` is still ahead of now; `next_tick` uses a shard's
//! `earliest` without the lock when it equals the shard's `owner_deadline`
//! (the record the locked look would write is then already in place, or
//! later than the exact next expiration, which only makes the owner wake
//! earlier). Otherwise it takes the lock, reads the wheel, and writes both.
//! A timer armed meanwhile either lowers `earliest` before the look reads
//! it (and the owner plans for it), or finds the record at or after the
//! tick it read and notifies the owner (a notification sent before the
//! owner's wait makes the wait return at once). `Timers::next_tick_exact`
//! always takes the locks: auto-advance moves the paused clock to the
//! tick it returns, which must be a real timer's.

use std::fmt;
use std::mem;
use std::sync::atomic::AtomicBool;

use rt_core::loom::{AtomicU64, Mutex, Ordering::Acquire, Ordering::Relaxed, Ordering::Release};
use std::task::Waker;
use std::time::Duration;

use crossbeam_utils::CachePadded;

use super::clock::Clock;
use super::wheel::{Key, Reset, Wheel};
use crate::Instant;

/// Longest wait handed to the owner when a deadline overflows `Instant`.
const FAR_WAIT: Duration = Duration::from_secs(365 * 24 * 3600);

/// `owner_deadline` when the owner waits with no timeout.
const NO_DEADLINE: u64 = u64::MAX;

/// The timer driver of one runtime: a hierarchical wheel of wakers behind
/// a short-held lock. `Send + Sync`.
///
/// The runtime shares it as `Arc<Timers>` and makes it current on its
/// threads with [`enter`](crate::enter), which is where [`sleep`](crate::sleep)
/// finds it. The thread that blocks for the runtime (the worker that owns
/// the reactor) asks [`Timers::next_timeout`] how long it may block, and
/// calls [`Timers::process`] after; a timer armed earlier than that calls
/// the `unpark` function given to [`Timers::new`] to cut the wait short.
///
/// # Examples
///
/// A driver thread of its own, as a test would run one:
///
/// ```
/// use std::sync::Arc;
/// use std::time::{Duration, Instant};
/// use rt_time::Timers;
///
/// let driver = std::thread::current(); // parks below; `unpark` wakes it
/// let timers = Arc::new(Timers::new(move || driver.unpark()));
/// let _guard = rt_time::enter(&timers);
///
/// let start = Instant::now();
/// let mut sleep = std::pin::pin!(rt_time::sleep(Duration::from_millis(5)));
/// let waker = std::task::Waker::noop();
/// let mut cx = std::task::Context::from_waker(&waker);
/// while sleep.as_mut().poll(&mut cx).is_pending() {
///     // The driver's loop: block until the nearest timer, then fire it.
///     if let Some(timeout) = timers.next_timeout() {
///         std::thread::park_timeout(timeout);
///     }
///     timers.process_and_wake();
/// }
/// assert!(start.elapsed() >= Duration::from_millis(5));
/// # use std::future::Future;
/// ```
pub struct Timers {
    /// Tick 0; tick `t` is `origin + t ms` on `clock`.
    origin: Instant,
    /// The runtime's clock: the system's, or paused (see `clock`).
    pub(crate) clock: Clock,
    /// One wheel per shard (see "Shards"); padded so two workers' locks
    /// never share a cache line.
    shards: Box<[CachePadded<Shard>]>,
    /// Set by `shutdown`: nothing will process timers again.
    shut_down: AtomicBool,
    /// Cuts the driver's wait short: a timer was armed before the tick the
    /// driver waits for.
    unpark: Box<dyn Fn() + Send + Sync>,
}

/// One shard: its wheel behind its lock, and the two words the driver's
/// holder reads without the lock (see "The lock-free look" in the module
/// docs). Both words are written only while `state` is locked.
struct Shard {
    state: Mutex<State>,
    /// At most the tick of every timer armed here; `NO_DEADLINE` if none.
    earliest: AtomicU64,
    /// The tick the driver waits for (set by `next_tick`), or
    /// `NO_DEADLINE`. A timer armed earlier than this notifies the owner and
    /// lowers it, so a burst of early timers notifies once.
    owner_deadline: AtomicU64,
}

struct State {
    wheel: Wheel<Waker>,
}

/// An armed timer's name: its shard and its key in that shard's wheel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TimerKey {
    shard: usize,
    key: Key,
}

/// What [`Timers::arm`] did.
#[derive(Debug)]
pub(super) enum Armed {
    /// The timer waits in the wheel; when `notify`, the caller must call
    /// `Timers::unpark` (the owner sleeps past the new deadline).
    Pending { key: TimerKey, notify: bool },
    /// The deadline has already passed; nothing was armed.
    Due,
    /// The driver was shut down (its runtime stopped): nothing was armed,
    /// and nothing would ever fire it.
    ShutDown,
}

/// What [`Timers::reset`] did.
#[derive(Debug)]
pub(super) enum Moved {
    /// The timer waits for its new deadline; `notify` as in [`Armed`].
    Pending { notify: bool },
    /// The new deadline has already passed: the timer left the wheel; here
    /// is its waker, for the caller to wake.
    Due(Waker),
    /// The timer had fired or been cancelled; nothing changed.
    Gone,
}

impl Timers {
    /// An empty driver whose tick 0 is now. `unpark` wakes the thread
    /// blocked for the runtime (the reactor's owner): it is called, from any
    /// thread, when a timer is armed earlier than the deadline
    /// [`Timers::next_timeout`] last reported. A burst of earlier timers
    /// calls it once.
    pub fn new(unpark: impl Fn() + Send + Sync + 'static) -> Timers {
        Timers::with_shards(1, unpark)
    }

    /// [`Timers::new`] with `shards` wheels (see "Shards" in the module
    /// docs): a runtime asks for one per worker. At least one.
    pub fn with_shards(shards: usize, unpark: impl Fn() + Send + Sync + 'static) -> Timers {
        let origin = std::time::Instant::now();
        Timers {
            unpark: Box::new(unpark),
            origin: Instant::from_std(origin),
            clock: Clock::new(origin),
            shards: (0..shards.max(1))
                .map(|_| {
                    CachePadded::new(Shard {
                        state: Mutex::new(State {
                            wheel: Wheel::new(),
                        }),
                        earliest: AtomicU64::new(NO_DEADLINE),
                        owner_deadline: AtomicU64::new(NO_DEADLINE),
                    })
                })
                .collect(),
            shut_down: AtomicBool::new(false),
        }
    }

    /// The shard a timer armed on this thread goes to: a worker's own,
    /// else one chosen per thread, round robin.
    #[inline(always)]
    fn home_shard(&self) -> usize {
        let n = self.shards.len();
        if n == 1 {
            return 0;
        }
        rt_core::context::worker_index().unwrap_or_else(other_thread_shard) % n
    }

    /// The runtime is shutting down: nothing will process timers again.
    /// Refuses every later `arm` and wakes every armed timer's task, which
    /// polls its timer again and finds it shut down (a `Sleep` then panics,
    /// as tokio's does). The wheel's memory goes too. Idempotent.
    pub fn shutdown(&self) {
        let mut wakers = Vec::new();
        self.shutdown_into(&mut wakers);
        rt_core::wake_all_contained(wakers.into_iter());
    }

    /// `shutdown`, moving the wakers into `wakers` for the caller to wake.
    fn shutdown_into(&self, wakers: &mut Vec<Waker>) {
        // Before any shard's lock is released below: an `arm` that takes a
        // shard's lock after this drain sees the flag (the store precedes
        // the unlock that its lock follows) and arms nothing. Relaxed
        // suffices for the lock-free reads in `is_shut_down`: they run
        // after a wake that happened after this store, or find the
        // wheel's answer under the lock.
        self.shut_down.store(true, Relaxed);
        for shard in self.shards.iter() {
            let mut state = shard.state.lock();
            let old = mem::replace(&mut state.wheel, Wheel::new());
            shard.set_earliest(&state);
            drop(state);
            old.into_values(wakers);
        }
    }

    /// Whether [`Timers::shutdown`] was called.
    pub fn is_shut_down(&self) -> bool {
        // Relaxed: see `shutdown`.
        self.shut_down.load(Relaxed)
    }

    /// How long the driver may block before the nearest timer is due
    /// (`None`: no timer armed; zero: one is due now). Records the deadline
    /// the owner now waits for, so that a timer armed earlier notifies it.
    pub fn next_timeout(&self) -> Option<Duration> {
        let next = self.next_tick()?;
        let now = self.now();
        Some(match self.instant_of(next) {
            Some(at) => at.saturating_duration_since(now),
            // Beyond what `Instant` can hold (centuries away): look again in
            // a year rather than hand the poller an overflowing timeout.
            None => FAR_WAIT,
        })
    }

    /// The tick the owner may wait until (a lower bound of every armed
    /// timer's, `None`: no timer armed), recording in each shard the
    /// deadline the owner now waits for (see `next_timeout`). Takes a
    /// shard's lock only when its lock-free words disagree (see "The
    /// lock-free look").
    pub(crate) fn next_tick(&self) -> Option<u64> {
        let next = self
            .shards
            .iter()
            .map(|shard| {
                // Acquire: pairs with the Release stores under the lock,
                // so a tick read here was armed before this look.
                let earliest = shard.earliest.load(Acquire);
                if shard.owner_deadline.load(Acquire) == earliest {
                    earliest
                } else {
                    shard.look_locked()
                }
            })
            .min()?;
        (next != NO_DEADLINE).then_some(next)
    }

    /// [`Timers::next_tick`], exact: the earliest armed timer's tick, read
    /// from every wheel under its lock (auto-advance jumps the clock to it).
    pub(crate) fn next_tick_exact(&self) -> Option<u64> {
        let next = self.shards.iter().map(|shard| shard.look_locked()).min()?;
        (next != NO_DEADLINE).then_some(next)
    }

    /// This driver's clock reading (paused or not).
    pub fn now(&self) -> Instant {
        Instant::from_std(self.clock.now())
    }

    /// Moves the wakers of every timer due now into `wakers`, in deadline
    /// order. The caller wakes them after releasing its locks.
    pub fn process(&self, wakers: &mut Vec<Waker>) {
        // Acquire: see `next_tick`. No timer armed: no clock read either.
        let earliest = self.shards.iter().map(|shard| shard.earliest.load(Acquire));
        if earliest.min() == Some(NO_DEADLINE) {
            return;
        }
        let now = self.now_tick();
        // A shard whose `earliest` is still ahead has nothing due: its lock
        // is not taken (see "The lock-free look").
        let due_in = |shard: &Shard| shard.earliest.load(Acquire) <= now;
        if let [shard] = &*self.shards {
            if due_in(shard) {
                let mut state = shard.state.lock();
                state.wheel.process(now, wakers);
                shard.set_earliest(&state);
            }
            return;
        }
        let mut due = Vec::new();
        let mut shards_with_due = 0;
        for shard in self.shards.iter().filter(|shard| due_in(shard)) {
            let before = due.len();
            let mut state = shard.state.lock();
            state.wheel.process_ticked(now, &mut due);
            shard.set_earliest(&state);
            drop(state);
            shards_with_due += usize::from(due.len() > before);
        }
        if shards_with_due > 1 {
            // Stable: each shard's timers are in deadline order already.
            due.sort_by_key(|&(tick, _)| tick);
        }
        wakers.extend(due.into_iter().map(|(_, waker)| waker));
    }

    /// [`Timers::process`], then wakes them (containing a panic raised by
    /// a waker). Returns how many it woke.
    pub fn process_and_wake(&self) -> usize {
        let mut wakers = Vec::new();
        self.process(&mut wakers);
        let woken = wakers.len();
        rt_core::wake_all_contained(wakers.into_iter());
        woken
    }

    /// Cuts the driver's wait short (see [`Timers::new`]).
    pub(crate) fn unpark(&self) {
        (self.unpark)();
    }

    /// The tick of `deadline`, rounded up so a timer never fires early.
    #[inline(always)]
    pub(super) fn tick_of(&self, deadline: Instant) -> u64 {
        let since = deadline.saturating_duration_since(self.origin);
        // In u64 (`as_millis` is u128), saturating where that overflowed.
        let part = u64::from(since.subsec_nanos().div_ceil(1_000_000));
        since.as_secs().saturating_mul(1000).saturating_add(part)
    }

    /// Arms a timer waking `waker` at `tick`. O(1).
    ///
    /// `arm`, `cancel` and their helpers are `#[inline(always)]`, down to
    /// the wheel's (see "Inlining" in `wheel.rs`): the per-request
    /// arm + cancel of a header-read timer is a chain of small calls.
    #[inline(always)]
    pub(super) fn arm(&self, tick: u64, waker: Waker) -> Armed {
        let shard = self.home_shard();
        let mut state = self.shards[shard].state.lock();
        if self.is_shut_down() {
            drop(state);
            drop(waker); // Outside the lock, as below.
            return Armed::ShutDown;
        }
        match state.wheel.insert(tick, waker) {
            Ok(key) => Armed::Pending {
                key: TimerKey { shard, key },
                notify: self.shards[shard].armed_at(tick, &state),
            },
            Err(waker) => {
                drop(state);
                drop(waker); // Outside the lock: a drop may run task code.
                Armed::Due
            }
        }
    }

    /// Cancels a timer: returns its waker (drop it after this returns, not
    /// under the lock) or `None` if the key is stale. O(1).
    #[inline(always)]
    pub(super) fn cancel(&self, key: TimerKey) -> Option<Waker> {
        self.shards[key.shard].state.lock().wheel.remove(key.key)
    }

    /// Swaps an armed timer's waker for `waker` without re-arming it.
    /// `Ok(old)` on success; `Err(waker)` gives it back if the key is stale.
    pub(super) fn replace_waker(&self, key: TimerKey, waker: Waker) -> Result<Waker, Waker> {
        match self.shards[key.shard].state.lock().wheel.get_mut(key.key) {
            Some(slot) => Ok(mem::replace(slot, waker)),
            None => Err(waker),
        }
    }

    /// Moves an armed timer to `tick`, in its own shard. O(1).
    pub(super) fn reset(&self, key: TimerKey, tick: u64) -> Moved {
        let shard = &self.shards[key.shard];
        let mut state = shard.state.lock();
        match state.wheel.reset(key.key, tick) {
            Reset::Moved => Moved::Pending {
                notify: shard.armed_at(tick, &state),
            },
            Reset::Due(waker) => Moved::Due(waker),
            Reset::Gone => Moved::Gone,
        }
    }

    /// How many timers are armed.
    #[cfg(all(test, not(loom)))]
    pub(super) fn armed(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| shard.state.lock().wheel.len())
            .sum()
    }

    /// The current tick, rounded down (a tick is due once it has fully begun).
    fn now_tick(&self) -> u64 {
        let ms = self.now().duration_since(self.origin).as_millis();
        u64::try_from(ms).unwrap_or(u64::MAX)
    }

    pub(crate) fn instant_of(&self, tick: u64) -> Option<Instant> {
        self.origin.checked_add(Duration::from_millis(tick))
    }
}

/// A shard for a thread that is no runtime's worker (a `block_on` caller,
/// a blocking-pool thread): chosen once per thread, round robin, so such
/// threads spread over the shards.
fn other_thread_shard() -> usize {
    use std::sync::atomic::AtomicUsize;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    rt_core::loom::thread_local! {
        static SHARD: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
    }
    SHARD
        .try_with(|shard| {
            if shard.get() == usize::MAX {
                // Relaxed: only the counter's atomicity matters.
                shard.set(NEXT.fetch_add(1, Relaxed));
            }
            shard.get()
        })
        .unwrap_or(0)
}

impl Shard {
    /// A timer was armed (or moved) at `tick`; `_locked` is this shard's
    /// locked state, held by the caller (the words are written under it).
    /// Lowers `earliest` to `tick` if it is earlier, and returns whether
    /// the owner must be notified; if so, records that the owner will now
    /// wake by `tick`.
    #[inline(always)]
    fn armed_at(&self, tick: u64, _locked: &State) -> bool {
        // Relaxed loads: only lock holders write these words, and the
        // caller holds the lock. Release stores: pair with the owner's
        // Acquire loads (`next_tick`, `process`).
        if tick < self.earliest.load(Relaxed) {
            self.earliest.store(tick, Release);
        }
        let notify = tick < self.owner_deadline.load(Relaxed);
        if notify {
            self.owner_deadline.store(tick, Release);
        }
        notify
    }

    /// Sets `earliest` to the wheel's exact next expiration; the caller
    /// holds the lock (`state`).
    fn set_earliest(&self, state: &State) -> u64 {
        let next = state.wheel.next_expiration().unwrap_or(NO_DEADLINE);
        // Release: see `armed_at`.
        self.earliest.store(next, Release);
        next
    }

    /// The locked look of `next_tick`: the exact next expiration, written
    /// to both words (the owner now waits for it).
    fn look_locked(&self) -> u64 {
        let state = self.state.lock();
        let next = self.set_earliest(&state);
        // Release: see `armed_at`.
        self.owner_deadline.store(next, Release);
        next
    }
}

impl fmt::Debug for Timers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Timers");
        d.field("origin", &self.origin);
        d.field("shards", &self.shards.len());
        // No lock taken: `Debug` may run while the caller holds one.
        let shard = &self.shards[0];
        d.field("earliest_in_shard_0", &shard.earliest.load(Relaxed))
            .field(
                "owner_deadline_in_shard_0",
                &shard.owner_deadline.load(Relaxed),
            );
        d.finish()
    }
}

// Not under loom: these build drivers outside a model (the lock-free look
// has its models below).
#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::Wake;

    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            // Relaxed: only the test thread reads the count, after the wake.
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn waker() -> Waker {
        Waker::from(Arc::new(Count(AtomicUsize::new(0))))
    }

    fn _assert_send_sync() {
        fn is<T: Send + Sync>() {}
        is::<Timers>();
    }

    #[test]
    fn deadlines_round_up_to_the_next_tick() {
        let timers = Timers::new(|| {});
        let o = timers.origin;
        assert_eq!(timers.tick_of(o - Duration::from_secs(1)), 0);
        assert_eq!(timers.tick_of(o), 0);
        assert_eq!(timers.tick_of(o + Duration::from_nanos(1)), 1);
        assert_eq!(timers.tick_of(o + Duration::from_millis(1)), 1);
        assert_eq!(timers.tick_of(o + Duration::from_micros(1001)), 2);
        assert_eq!(timers.instant_of(2), Some(o + Duration::from_millis(2)));
    }

    #[test]
    fn owner_is_notified_once_per_earlier_deadline() {
        let timers = Timers::new(|| {});
        // No timer: the owner waits forever, so the first timer notifies.
        assert_eq!(timers.next_timeout(), None);
        let notify = |armed| matches!(armed, Armed::Pending { notify: true, .. });
        assert!(notify(timers.arm(1000, waker())));
        // Not earlier than what the owner will now wake for.
        assert!(!notify(timers.arm(2000, waker())));
        assert!(!notify(timers.arm(1000, waker())));
        assert!(notify(timers.arm(500, waker())));
        // The owner looked again: it waits for tick 500 now.
        let timeout = timers.next_timeout().unwrap();
        assert!(timeout <= Duration::from_millis(500), "{timeout:?}");
        assert!(!notify(timers.arm(600, waker())));
        assert!(notify(timers.arm(400, waker())));
    }

    #[test]
    fn reset_earlier_notifies_and_past_gives_the_waker_back() {
        let timers = Timers::new(|| {});
        let Armed::Pending { key, .. } = timers.arm(10_000, waker()) else {
            panic!("not armed")
        };
        timers.next_timeout();
        assert!(matches!(
            timers.reset(key, 20_000),
            Moved::Pending { notify: false }
        ));
        assert!(matches!(
            timers.reset(key, 5_000),
            Moved::Pending { notify: true }
        ));
        assert!(matches!(timers.reset(key, 0), Moved::Due(_)));
        assert!(matches!(timers.reset(key, 5_000), Moved::Gone));
        assert!(timers.cancel(key).is_none());
    }

    /// Records the order it is woken in.
    #[cfg(not(loom))]
    struct Log(usize, Arc<std::sync::Mutex<Vec<usize>>>);

    #[cfg(not(loom))]
    impl Wake for Log {
        fn wake(self: Arc<Self>) {
            self.1.lock().unwrap().push(self.0);
        }
    }

    /// Arms `tick` as worker `worker` would, logging `label` when woken.
    #[cfg(not(loom))]
    fn arm_as(
        timers: &Timers,
        worker: usize,
        tick: u64,
        label: usize,
        log: &Arc<std::sync::Mutex<Vec<usize>>>,
    ) -> TimerKey {
        rt_core::context::set_worker_index(Some(worker));
        let armed = timers.arm(tick, Waker::from(Arc::new(Log(label, log.clone()))));
        rt_core::context::set_worker_index(None);
        match armed {
            Armed::Pending { key, .. } => key,
            other => panic!("not armed: {other:?}"),
        }
    }

    // (Not under loom: the worker index is a loom thread-local there,
    // usable only inside a model.)
    #[cfg(not(loom))]
    #[test]
    fn shards_fire_in_deadline_order_and_cancel_from_anywhere() {
        let timers = Timers::with_shards(2, || {});
        let log = Arc::default();
        let now = timers.now_tick();
        // Interleaved over the two workers' shards.
        let keys: Vec<TimerKey> = [(0, 4), (1, 1), (0, 2), (1, 3), (1, 5)]
            .into_iter()
            .map(|(worker, label)| arm_as(&timers, worker, now + 2 + label as u64, label, &log))
            .collect();
        assert_eq!(keys[0].shard, 0);
        assert_eq!(keys[1].shard, 1);
        // The earliest over both shards.
        let timeout = timers.next_timeout().unwrap();
        assert!(timeout <= Duration::from_millis(3), "{timeout:?}");
        // Cancelled from this thread, which is neither worker.
        assert!(timers.cancel(keys[4]).is_some());
        std::thread::sleep(Duration::from_millis(12));
        let mut wakers = Vec::new();
        timers.process(&mut wakers);
        wakers.into_iter().for_each(Waker::wake);
        assert_eq!(*log.lock().unwrap(), vec![1, 2, 3, 4]);
        assert_eq!(timers.armed(), 0);
    }

    #[cfg(not(loom))]
    #[test]
    fn each_shard_notifies_for_a_timer_earlier_than_its_own_next() {
        let timers = Timers::with_shards(2, || {});
        let log = Arc::default();
        let notify = |armed| matches!(armed, Armed::Pending { notify: true, .. });
        arm_as(&timers, 0, 1000, 0, &log);
        arm_as(&timers, 1, 3000, 0, &log);
        // The owner waits for tick 1000; shard 1 recorded 3000.
        timers.next_timeout();
        rt_core::context::set_worker_index(Some(1));
        assert!(
            !notify(timers.arm(3000, waker())),
            "no earlier than shard 1's next"
        );
        assert!(
            notify(timers.arm(500, waker())),
            "earlier than what the owner waits for"
        );
        rt_core::context::set_worker_index(Some(0));
        assert!(!notify(timers.arm(1000, waker())));
        assert!(notify(timers.arm(400, waker())));
        rt_core::context::set_worker_index(None);
    }

    /// A cancel leaves the lock-free `earliest` early (see "The lock-free
    /// look"): the owner may wake once at the cancelled tick, and that
    /// turn's `process` makes the plan exact again, so it never spins.
    #[test]
    fn a_cancelled_timer_costs_at_most_one_early_wake() {
        let timers = Timers::new(|| {});
        let tick = timers.now_tick() + 3;
        let Armed::Pending { key, .. } = timers.arm(tick, waker()) else {
            panic!("not armed")
        };
        assert!(timers.next_timeout().is_some());
        assert!(timers.cancel(key).is_some());
        if let Some(early) = timers.next_timeout() {
            std::thread::sleep(early + Duration::from_millis(1));
        }
        let mut wakers = Vec::new();
        timers.process(&mut wakers);
        assert!(wakers.is_empty());
        assert_eq!(timers.next_timeout(), None, "no timer is armed");
        // A timer armed after that is planned for as usual.
        let later = timers.now_tick() + 1_000;
        assert!(matches!(
            timers.arm(later, waker()),
            Armed::Pending { notify: true, .. }
        ));
        let timeout = timers.next_timeout().unwrap();
        assert!(timeout > Duration::from_millis(900), "{timeout:?}");
    }

    #[test]
    fn due_timers_fire_on_process() {
        let timers = Timers::new(|| {});
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let tick = timers.tick_of(Instant::now() + Duration::from_millis(3));
        let Armed::Pending { key, .. } = timers.arm(tick, Waker::from(count.clone())) else {
            panic!("not armed")
        };
        let mut wakers = Vec::new();
        timers.process(&mut wakers);
        assert!(wakers.is_empty(), "fired early");
        std::thread::sleep(timers.next_timeout().unwrap());
        timers.process(&mut wakers);
        assert_eq!(wakers.len(), 1);
        assert!(Instant::now() >= timers.instant_of(tick).unwrap());
        wakers.drain(..).for_each(Waker::wake);
        assert_eq!(count.0.load(Ordering::Relaxed), 1);
        assert!(timers.cancel(key).is_none(), "a fired key is stale");
        assert_eq!(timers.next_timeout(), None);
    }
}

/// The lock-free look of `next_tick` against arms and resets on other
/// threads (see "The lock-free look"): whatever the interleaving, a timer
/// armed or moved while the owner looks is either planned for (the owner
/// waits no later than its tick) or notifies the owner.
#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use rt_core::loom::Arc;

    /// Arms `tick` in worker `worker`'s shard.
    fn arm_in(timers: &Timers, worker: usize, tick: u64) -> Armed {
        rt_core::context::set_worker_index(Some(worker));
        let armed = timers.arm(tick, Waker::noop().clone());
        rt_core::context::set_worker_index(None);
        armed
    }

    fn notified(armed: &Armed) -> bool {
        matches!(armed, Armed::Pending { notify: true, .. })
    }

    #[test]
    fn an_earlier_timer_is_planned_for_or_notifies() {
        loom::model(|| {
            let timers = Arc::new(Timers::with_shards(2, || {}));
            // Shard 0 holds a timer at 1000, shard 1 one at 2000; the owner
            // looked once (both shards' words now agree: the lock-free path).
            arm_in(&timers, 0, 1000);
            let Armed::Pending { key, .. } = arm_in(&timers, 1, 2000) else {
                panic!("not armed")
            };
            assert!(timers.next_tick().is_some_and(|p| p <= 1000));
            let armer = {
                let timers = timers.clone();
                loom::thread::spawn(move || notified(&arm_in(&timers, 0, 500)))
            };
            let mover = {
                let timers = timers.clone();
                loom::thread::spawn(move || {
                    matches!(timers.reset(key, 300), Moved::Pending { notify: true })
                })
            };
            let planned = timers.next_tick().expect("timers are armed");
            let (armed_notified, moved_notified) = (armer.join().unwrap(), mover.join().unwrap());
            assert!(armed_notified || planned <= 500, "planned {planned}");
            assert!(moved_notified || planned <= 300, "planned {planned}");
        });
    }

    #[test]
    fn a_cancelled_timer_leaves_an_early_plan_never_a_late_one() {
        loom::model(|| {
            let timers = Arc::new(Timers::with_shards(1, || {}));
            let Armed::Pending { key, .. } = arm_in(&timers, 0, 1000) else {
                panic!("not armed")
            };
            assert!(timers.next_tick().is_some_and(|p| p <= 1000));
            // Cancelled: `earliest` stays where it was (a lower bound still).
            assert!(timers.cancel(key).is_some());
            let armer = {
                let timers = timers.clone();
                loom::thread::spawn(move || notified(&arm_in(&timers, 0, 1500)))
            };
            let planned = timers.next_tick();
            let notified = armer.join().unwrap();
            // Never later than the timer at 1500 unless told; the
            // cancelled one's tick is an early wake-up, allowed.
            assert!(
                notified || planned.is_some_and(|p| p <= 1500),
                "{planned:?}"
            );
            // The exact look finds only the live timer (the start of its
            // wheel slot, at most its tick, past the cancelled one's).
            let exact = timers.next_tick_exact().expect("a timer is armed");
            assert!((1001..=1500).contains(&exact), "{exact}");
        });
    }
}
