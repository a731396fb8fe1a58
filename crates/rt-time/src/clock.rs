//! The runtime's clock: the system's, or paused for tests ([`pause`],
//! [`resume`], [`advance`]), and what holds auto-advance off.
//!
//! # Protocol
//!
//! Each [`Timers`] owns one `Clock`. It reads `base + (now - unfrozen)`
//! while running and `base` while paused: `pause` folds the time run since
//! `unfrozen` into `base` and clears `unfrozen`; `resume` sets `unfrozen`
//! to the system's now; `advance` adds to `base`. A clock never paused has
//! `base == unfrozen`, so it reads the system clock: `Clock::now` skips the
//! lock until its clock is first paused (`ever_paused`), and [`now`] skips
//! the thread-local too while no clock in the process has ever been paused
//! (`ANY_PAUSED`).
//!
//! **Auto-advance.** When the runtime is idle and time is paused, the
//! thread parked in the drivers moves the clock to the next timer's
//! deadline instead of sleeping ([`Timers::auto_advance`]). Idle means: no
//! task runnable, no I/O ready (the driver's part, in `rt-pool`), and no
//! *hold*: a hold is taken by whatever may make progress the driver cannot
//! see — a queued or running `spawn_blocking` job, a `block_on` thread
//! polling its future. [`Timers::hold_auto_advance`] counts one up;
//! [`Timers::release_auto_advance`] counts it down and, when it reaches
//! zero while paused, unparks the driver so it looks again. A hold must be
//! taken *before* the work it covers can be seen as idle (a job is held
//! when queued; a `block_on` thread's waker takes the hold before it
//! unparks the thread), so the count never reads zero while work is due.

use std::sync::atomic::{
    AtomicBool, AtomicUsize, Ordering::Acquire, Ordering::Release, Ordering::SeqCst,
};
use std::time::Duration;

use parking_lot::Mutex;

use crate::Timers;

/// Set once any clock of the process is paused: until then [`now`] is
/// `std::time::Instant::now()`, with no thread-local read.
static ANY_PAUSED: AtomicBool = AtomicBool::new(false);

/// One runtime's clock (see the module docs).
#[derive(Debug)]
pub(crate) struct Clock {
    inner: Mutex<Inner>,
    /// Mirrors `inner.unfrozen.is_none()`, written under the lock, read
    /// without it by the driver on every park.
    paused: AtomicBool,
    /// Set by the first `pause`: until then this clock is the system's.
    ever_paused: AtomicBool,
    /// Holds on auto-advance (see "Auto-advance").
    holds: AtomicUsize,
    /// Whether this runtime may pause at all (its flavor; set by the
    /// runtime, `rt-pool`'s check).
    pause_allowed: AtomicBool,
}

#[derive(Debug)]
struct Inner {
    /// The timer driver's tick 0 (see `pause`).
    origin: std::time::Instant,
    base: std::time::Instant,
    /// When the clock last started running; `None` while paused.
    unfrozen: Option<std::time::Instant>,
}

impl Clock {
    pub(crate) fn new(origin: std::time::Instant) -> Clock {
        Clock {
            inner: Mutex::new(Inner {
                origin,
                base: origin,
                unfrozen: Some(origin),
            }),
            paused: AtomicBool::new(false),
            ever_paused: AtomicBool::new(false),
            holds: AtomicUsize::new(0),
            pause_allowed: AtomicBool::new(true),
        }
    }

    pub(crate) fn now(&self) -> std::time::Instant {
        if !self.ever_paused.load(Acquire) {
            // Acquire: pairs with the Release store in `pause`; a clock
            // never paused reads the system's.
            return std::time::Instant::now();
        }
        let inner = self.inner.lock();
        match inner.unfrozen {
            Some(unfrozen) => inner.base + unfrozen.elapsed(),
            None => inner.base,
        }
    }

    pub(crate) fn is_paused(&self) -> bool {
        // Acquire: pairs with the Release stores in `pause`/`resume`.
        self.paused.load(Acquire)
    }

    /// Freezes the clock; `Err` if it is frozen already.
    pub(crate) fn pause(&self) -> Result<(), &'static str> {
        let mut inner = self.inner.lock();
        let Some(unfrozen) = inner.unfrozen.take() else {
            return Err("rt::time::pause: time is already paused");
        };
        // Frozen on a tick (a whole millisecond since the driver's tick 0),
        // a jump forward of under 1 ms: then a deadline a whole number of
        // milliseconds away falls on a tick too, and `advance` by that much
        // fires it (deadlines round up to ticks).
        let since = (inner.base + unfrozen.elapsed()).saturating_duration_since(inner.origin);
        let ms = since.as_millis() + u128::from(!since.subsec_nanos().is_multiple_of(1_000_000));
        let ms = u64::try_from(ms).unwrap_or(u64::MAX);
        inner.base = inner.origin + Duration::from_millis(ms);
        // Release: pairs with the Acquire loads in `now` (both) and
        // `is_paused`.
        ANY_PAUSED.store(true, Release);
        self.ever_paused.store(true, Release);
        self.paused.store(true, Release);
        Ok(())
    }

    /// Lets the clock run again from where it stands.
    pub(crate) fn resume(&self) -> Result<(), &'static str> {
        let mut inner = self.inner.lock();
        if inner.unfrozen.is_some() {
            return Err("rt::time::resume: time is not paused");
        }
        inner.unfrozen = Some(std::time::Instant::now());
        // Release: pairs with the Acquire load in `is_paused`.
        self.paused.store(false, Release);
        Ok(())
    }

    /// Moves a paused clock forward by `by`.
    pub(crate) fn advance(&self, by: Duration) -> Result<(), &'static str> {
        let mut inner = self.inner.lock();
        if inner.unfrozen.is_some() {
            return Err("rt::time::advance: time is not paused (call rt::time::pause first)");
        }
        inner.base = inner
            .base
            .checked_add(by)
            .ok_or("rt::time::advance: the clock would overflow")?;
        Ok(())
    }

    pub(crate) fn set_pause_allowed(&self, allowed: bool) {
        // Relaxed: set once by the runtime before any task runs.
        self.pause_allowed
            .store(allowed, std::sync::atomic::Ordering::Relaxed);
    }

    pub(crate) fn pause_allowed(&self) -> bool {
        // Relaxed: see `set_pause_allowed`.
        self.pause_allowed
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn hold(&self) {
        // SeqCst: the driver's load in `Timers::auto_advance` must see a
        // hold taken before the work it covers was published (the queue
        // push, the unpark), which are SeqCst or lock-ordered after it.
        self.holds.fetch_add(1, SeqCst);
    }

    /// Drops a hold; true if it was the last one.
    pub(crate) fn release(&self) -> bool {
        // SeqCst: as in `hold`.
        self.holds.fetch_sub(1, SeqCst) == 1
    }

    pub(crate) fn is_held(&self) -> bool {
        // SeqCst: as in `hold`.
        self.holds.load(SeqCst) > 0
    }
}

/// The current thread's runtime's clock reading, or the system's outside
/// a runtime. What [`Instant::now`](crate::Instant::now) returns.
pub(crate) fn now() -> std::time::Instant {
    if !ANY_PAUSED.load(Acquire) {
        // Acquire: pairs with the Release store in `Clock::pause`.
        return std::time::Instant::now();
    }
    crate::context::with_current(|timers| match timers {
        Some(timers) => timers.clock.now(),
        None => std::time::Instant::now(),
    })
}

#[track_caller]
fn current() -> std::sync::Arc<Timers> {
    match Timers::try_current() {
        Some(timers) => timers,
        None => panic!(
            "rt::time: time cannot be paused, resumed or advanced from outside an rt runtime"
        ),
    }
}

/// Pauses time: the runtime's clock stands still.
///
/// From then on [`Instant::now`](crate::Instant::now) returns the frozen
/// reading plus whatever [`advance`] (or auto-advance) added. When no task
/// can run, no I/O is ready and no `spawn_blocking` job is queued or running,
/// the runtime jumps the clock to the next timer's deadline instead of
/// waiting for it (auto-advance), so a test of an hour-long timeout runs
/// at once. Timers then fire in deadline order.
///
/// # Panics
///
/// If time is already paused, if called outside a runtime, or on a runtime
/// that cannot pause: tokio allows it only on the current-thread runtime;
/// rt, until it has one, allows it on a multi-thread runtime with exactly
/// one worker.
///
/// # Examples
///
/// ```
/// use rt::time::{pause, sleep, Duration, Instant};
///
/// # let rt = rt::runtime::Builder::new_current_thread().enable_all().build()?;
/// # rt.block_on(async {
/// pause();
/// let real = std::time::Instant::now();
/// let start = Instant::now();
/// sleep(Duration::from_secs(3600)).await; // auto-advance: no real wait
/// assert!(start.elapsed() >= Duration::from_secs(3600));
/// assert!(real.elapsed() < Duration::from_secs(10));
/// # });
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn pause() {
    let timers = current();
    if !timers.clock.pause_allowed() {
        panic!(
            "rt::time::pause needs the current-thread runtime \
             (Builder::new_current_thread), as in tokio"
        );
    }
    if let Err(msg) = timers.clock.pause() {
        panic!("{msg}");
    }
}

/// Resumes time: the clock runs again from where it stood, with the
/// system's pace.
///
/// # Panics
///
/// If time is not paused, or if called outside a runtime.
///
/// # Examples
///
/// ```
/// use rt::time::{advance, pause, resume, Duration, Instant};
///
/// # let rt = rt::runtime::Builder::new_current_thread().enable_all().build()?;
/// # rt.block_on(async {
/// pause();
/// let start = Instant::now();
/// advance(Duration::from_secs(60)).await;
/// resume();
/// assert!(start.elapsed() >= Duration::from_secs(60)); // from the advanced clock
/// # });
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn resume() {
    if let Err(msg) = current().clock.resume() {
        panic!("{msg}");
    }
}

/// Moves paused time forward by `duration` at once.
///
/// Every timer due by the new clock reading fires before this returns (its
/// task is woken); this does not wait for the tasks woken to run. To let
/// a task run to its next timer instead, sleep and let auto-advance move
/// the clock.
///
/// # Panics
///
/// When first polled: if time is not paused, or outside a runtime.
///
/// # Examples
///
/// ```
/// use rt::time::{advance, pause, Duration, Instant};
///
/// # let rt = rt::runtime::Builder::new_current_thread().enable_all().build()?;
/// # rt.block_on(async {
/// pause();
/// let start = Instant::now();
/// advance(Duration::from_secs(10)).await;
/// assert!(start.elapsed() >= Duration::from_secs(10));
/// # });
/// # std::io::Result::Ok(())
/// ```
pub async fn advance(duration: Duration) {
    let timers = current();
    if let Err(msg) = timers.clock.advance(duration) {
        panic!("{msg}");
    }
    // What is now due fires here, before this returns, as the driver's
    // holder would on its next turn (the wheel's locks make that safe from
    // any thread; the holder then finds those timers gone). The holder is
    // told too, so that it waits for the right timer next.
    timers.process_and_wake();
    timers.unpark();
    YieldOnce(false).await;
}

/// Returns `Pending` once (waking itself), so the runtime turns its
/// drivers before the task goes on.
struct YieldOnce(bool);

impl std::future::Future for YieldOnce {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            return std::task::Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

impl Timers {
    /// Whether this driver's clock is paused.
    pub fn is_paused(&self) -> bool {
        self.clock.is_paused()
    }

    /// Pauses the clock from the runtime itself (`Builder::start_paused`),
    /// whatever `set_pause_allowed` says.
    ///
    /// # Panics
    ///
    /// If the clock is paused already.
    pub fn pause_clock(&self) {
        if let Err(msg) = self.clock.pause() {
            panic!("{msg}");
        }
    }

    /// Whether [`pause`] may be called on this driver's runtime (set by the
    /// runtime from its flavor; true for a driver made alone).
    pub fn set_pause_allowed(&self, allowed: bool) {
        self.clock.set_pause_allowed(allowed);
    }

    /// Holds auto-advance off until the matching
    /// [`Timers::release_auto_advance`] (see the module docs of `clock`:
    /// work the driver cannot see is under way).
    pub fn hold_auto_advance(&self) {
        self.clock.hold();
    }

    /// Releases a hold taken by [`Timers::hold_auto_advance`]; the last one,
    /// while paused, unparks the driver so it may auto-advance.
    pub fn release_auto_advance(&self) {
        if self.clock.release() && self.clock.is_paused() {
            self.unpark();
        }
    }

    /// The driver's holder found the runtime idle: if time is paused and
    /// nothing holds auto-advance off, moves the clock to the next timer's
    /// deadline and returns true (the caller then processes the timers
    /// instead of waiting). False otherwise, or if no timer is armed.
    pub fn auto_advance(&self) -> bool {
        if !self.clock.is_paused() || self.clock.is_held() {
            return false;
        }
        let Some(tick) = self.next_tick_exact() else {
            return false;
        };
        let Some(at) = self.instant_of(tick) else {
            return false;
        };
        let now = self.now();
        if at > now {
            // Paused, so `now` is `base`: this lands exactly on the tick.
            // (A concurrent `resume` makes this a no-op jump.)
            let _ = self.clock.advance(at - now);
        }
        true
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    use std::sync::Arc;
    use std::task::Waker;
    use std::time::Duration;

    use super::super::timers::Armed;
    use crate::Timers;

    /// A driver that counts its `unpark` calls.
    fn counted() -> (Timers, Arc<AtomicUsize>) {
        let unparks = Arc::new(AtomicUsize::new(0));
        let count = unparks.clone();
        // Relaxed: read by this thread only, after the calls.
        let timers = Timers::new(move || {
            count.fetch_add(1, Relaxed);
        });
        (timers, unparks)
    }

    #[test]
    fn paused_clock_stands_still_on_a_tick_and_moves_by_advance() {
        let (timers, _) = counted();
        std::thread::sleep(Duration::from_micros(1500));
        timers.pause_clock();
        let frozen = timers.now();
        // On a whole millisecond since tick 0, at or after the system clock.
        assert_eq!(
            frozen
                .duration_since(timers.instant_of(0).unwrap())
                .subsec_nanos()
                % 1_000_000,
            0
        );
        std::thread::sleep(Duration::from_millis(3));
        assert_eq!(timers.now(), frozen);
        timers.clock.advance(Duration::from_secs(7)).unwrap();
        assert_eq!(timers.now() - frozen, Duration::from_secs(7));
        timers.clock.resume().unwrap();
        std::thread::sleep(Duration::from_millis(2));
        assert!(timers.now() - frozen >= Duration::from_secs(7) + Duration::from_millis(2));
    }

    #[test]
    fn misuse_is_refused() {
        let (timers, _) = counted();
        assert!(timers.clock.resume().is_err());
        assert!(timers.clock.advance(Duration::from_secs(1)).is_err());
        timers.pause_clock();
        assert!(timers.clock.pause().is_err());
        assert!(timers.clock.advance(Duration::MAX).is_err());
    }

    #[test]
    fn auto_advance_jumps_to_the_next_timer_unless_held() {
        let (timers, unparks) = counted();
        let tick = timers.tick_of(timers.now()) + 60_000;
        assert!(matches!(
            timers.arm(tick, Waker::noop().clone()),
            Armed::Pending { .. }
        ));
        assert!(!timers.auto_advance(), "running clocks never jump");
        timers.pause_clock();
        timers.hold_auto_advance();
        timers.hold_auto_advance();
        assert!(!timers.auto_advance(), "held");
        let before = unparks.load(Relaxed);
        timers.release_auto_advance();
        assert_eq!(unparks.load(Relaxed), before, "still held once");
        timers.release_auto_advance();
        assert_eq!(
            unparks.load(Relaxed),
            before + 1,
            "the last release unparks"
        );
        // Each jump reaches the start of the next busy slot of the wheel,
        // and cascading moves the timer down a level: at most one jump per
        // level, never past the deadline.
        let mut jumps = 0;
        loop {
            assert!(timers.auto_advance());
            jumps += 1;
            assert!(timers.now() <= timers.instant_of(tick).unwrap());
            if timers.process_and_wake() == 1 {
                break;
            }
            assert!(jumps < 6, "{jumps} jumps");
        }
        assert_eq!(timers.now(), timers.instant_of(tick).unwrap());
        assert!(!timers.auto_advance(), "no timer left");
    }
}
