//! End-to-end tests of sleep, timeout and interval on a real driver.
//!
//! A [`Harness`] stands in for the runtime: the test thread enters the
//! timer driver and runs futures with `futures_lite::future::block_on`,
//! while a background thread drives the timers. The owner waits
//! with a long cap ([`OWNER_WAIT_CAP`]), so a missed `notify` shows up as a
//! timer that is seconds late instead of being hidden by a short poll.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;

use futures_lite::future::block_on;
use futures_util::stream::{FuturesUnordered, StreamExt};

use super::*;

/// Timers in the many-timers test.
const MANY_TIMERS: usize = 100_000;
/// Their deadlines are spread over this much time...
const MANY_SPREAD_MS: u64 = 2_000;
/// ... starting this late, once the test thread has armed them all (100k
/// first polls take ~100 ms in a debug build, several times that on a
/// loaded machine; a timer due before its first poll never enters the
/// wheel, so it says nothing about the wheel's order).
const MANY_SETTLE_MS: u64 = 1_000;
/// Hang guards, not latency bounds: load makes a timer late by a fraction
/// of a second at worst (a stalled VM, other builds), while a lost wake-up
/// costs the harness owner's whole `OWNER_WAIT_CAP` or forever. Latency is
/// measured and printed, not asserted: under load it is the machine's.
const LOST_AFTER: Duration = Duration::from_secs(10);
/// Bound on the many-timers test's wait for all its timers (about 3 s with
/// both cores busy elsewhere), and on a whole test run under [`watchdog`].
const MANY_WAIT: Duration = Duration::from_secs(60);
const LIMIT: Duration = Duration::from_secs(120);
/// Timers per thread in the concurrent arm/cancel test.
const CHURN_PER_THREAD: usize = 20_000;
/// Longest wait of the harness's owner when no timer is nearer.
const OWNER_WAIT_CAP: Duration = Duration::from_secs(30);
/// Lateness tolerated in single-timer tests: generous, as this 2-core machine
/// is shared with compilers; measured figures are printed.
const SLACK: Duration = Duration::from_millis(50);

/// A driver thread's parker: `unpark` sets a flag the driver's wait sees,
/// so an unpark between its `next_timeout` and its wait is not lost.
#[derive(Default)]
struct Parker {
    unparked: Mutex<bool>,
    cvar: Condvar,
}

impl Parker {
    fn park_timeout(&self, timeout: Duration) {
        let mut unparked = self.unparked.lock().unwrap();
        if !*unparked {
            unparked = self.cvar.wait_timeout(unparked, timeout).unwrap().0;
        }
        *unparked = false;
    }

    fn unpark(&self) {
        *self.unparked.lock().unwrap() = true;
        self.cvar.notify_one();
    }
}

/// A timer driver entered on this thread and driven by a background thread.
struct Harness {
    timers: Arc<Timers>,
    parker: Arc<Parker>,
    stop: Arc<AtomicBool>,
    owner: Option<thread::JoinHandle<()>>,
    _guard: EnterGuard,
}

impl Harness {
    fn new() -> Harness {
        let parker = Arc::new(Parker::default());
        let timers = {
            let parker = parker.clone();
            Arc::new(Timers::new(move || parker.unpark()))
        };
        let guard = enter(&timers);
        let stop = Arc::new(AtomicBool::new(false));
        let owner = {
            let (timers, parker, stop) = (timers.clone(), parker.clone(), stop.clone());
            thread::spawn(move || {
                // Relaxed: `unpark` after the store ends the wait, and a
                // stale read only costs one more turn.
                while !stop.load(Ordering::Relaxed) {
                    let timeout = timers
                        .next_timeout()
                        .map_or(OWNER_WAIT_CAP, |t| t.min(OWNER_WAIT_CAP));
                    parker.park_timeout(timeout);
                    timers.process_and_wake();
                }
            })
        };
        Harness {
            timers,
            parker,
            stop,
            owner: Some(owner),
            _guard: guard,
        }
    }

    fn timers(&self) -> &Timers {
        &self.timers
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.parker.unpark();
        if let Some(owner) = self.owner.take() {
            owner.join().unwrap();
        }
    }
}

/// A waker that counts its wakes.
#[derive(Default)]
struct Count(AtomicUsize);

impl Count {
    fn get(&self) -> usize {
        // Relaxed: read after the thread that woke has been observed to.
        self.0.load(Ordering::Relaxed)
    }
}

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

fn counting_waker() -> (Arc<Count>, Waker) {
    let count = Arc::new(Count::default());
    (count.clone(), Waker::from(count))
}

fn poll_with<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

/// A wake-up that unparks the thread in [`block_on_within`].
struct Unpark(thread::Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// `block_on`, but a future not done within `limit` fails the test (a lost
/// wake-up) instead of hanging it.
fn block_on_within<F: Future>(limit: Duration, future: F) -> F::Output {
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    let deadline = Instant::now() + limit;
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "not done within {limit:?}: a lost wake-up?"
        );
        // Woken, timed out or spuriously unparked: poll again and see.
        thread::park_timeout(left);
    }
}

/// Runs `body` on its own thread and fails the test if it takes longer than
/// `limit`: a wheel stuck in a loop under its lock hangs every thread that
/// arms a timer, beyond the reach of any bounded wait. (The stuck thread is
/// left behind; the test binary exits when its tests are done.)
fn watchdog(limit: Duration, body: impl FnOnce() + Send + 'static) {
    let (done, finished) = std::sync::mpsc::channel();
    let thread = thread::spawn(move || {
        body();
        let _ = done.send(());
    });
    match finished.recv_timeout(limit) {
        Ok(()) => thread.join().expect("the body returned"),
        // The body panicked (dropping `done`): fail with its panic.
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("the test did not finish within {limit:?}: hung")
        }
    }
}

/// Waits (really) until `count` reaches `n`, or panics after `limit`.
fn wait_for(count: &Count, n: usize, limit: Duration) {
    let start = Instant::now();
    while count.get() < n {
        assert!(start.elapsed() < limit, "no wake after {limit:?}");
        thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn sleep_waits_its_duration_and_not_much_more() {
    let _h = Harness::new();
    for ms in [1, 2, 10, 30] {
        let duration = Duration::from_millis(ms);
        let start = Instant::now();
        block_on(sleep(duration));
        let took = start.elapsed();
        assert!(took >= duration, "{ms} ms sleep took {took:?}");
        assert!(took < duration + SLACK, "{ms} ms sleep took {took:?}");
    }
}

#[test]
fn elapsed_deadlines_complete_without_arming() {
    let h = Harness::new();
    let (count, waker) = counting_waker();
    let mut zero = sleep(Duration::ZERO);
    assert!(!zero.is_elapsed(), "not elapsed before its first poll");
    assert_eq!(poll_with(&mut zero, &waker), Poll::Ready(()));
    assert!(zero.is_elapsed());
    let mut past = sleep_until(Instant::now() - Duration::from_secs(1));
    assert_eq!(poll_with(&mut past, &waker), Poll::Ready(()));
    assert_eq!(h.timers().armed(), 0);
    assert_eq!(count.get(), 0);
}

#[test]
fn by_wheel_sleeps_arm_on_the_first_poll_and_complete_even_if_due() {
    let h = Harness::new();
    let (_, waker) = counting_waker();
    // Ahead: the first poll arms it; it completes at its deadline.
    let deadline = Instant::now() + Duration::from_millis(10);
    let mut ahead = sleep_until_by_wheel(deadline);
    assert!(!ahead.is_elapsed(), "not elapsed before its first poll");
    assert_eq!(poll_with(&mut ahead, &waker), Poll::Pending);
    assert_eq!(h.timers().armed(), 1);
    block_on_within(LOST_AFTER, ahead);
    assert!(Instant::now() >= deadline);
    assert_eq!(h.timers().armed(), 0);
    // Already due, by a little or before the driver's origin: completes at
    // the first poll or on the driver's next turn, never hangs.
    for ago in [0, 1, 3, 1000] {
        let past = Instant::now() - Duration::from_millis(ago);
        block_on_within(LOST_AFTER, sleep_until_by_wheel(past));
    }
    assert_eq!(h.timers().armed(), 0);
}

#[test]
#[should_panic(expected = "timers need a runtime")]
fn sleep_outside_a_runtime_panics() {
    drop(sleep(Duration::from_millis(1)));
}

#[test]
#[should_panic(expected = "`period` must be non-zero.")]
fn zero_period_panics() {
    let _h = Harness::new();
    let _ = interval(Duration::ZERO);
}

#[test]
fn an_earlier_timer_wakes_the_waiting_owner() {
    let h = Harness::new();
    // The owner waits with no timer at all (up to OWNER_WAIT_CAP)...
    thread::sleep(Duration::from_millis(20));
    let start = Instant::now();
    block_on(sleep(Duration::from_millis(10)));
    assert!(
        start.elapsed() < Duration::from_millis(10) + SLACK,
        "{:?}",
        start.elapsed()
    );

    // ... and waits for a far timer: a nearer one must still be on time.
    let mut far = sleep(Duration::from_secs(10));
    assert!(poll_with(&mut far, &counting_waker().1).is_pending());
    thread::sleep(Duration::from_millis(20));
    let start = Instant::now();
    block_on(sleep(Duration::from_millis(10)));
    assert!(
        start.elapsed() < Duration::from_millis(10) + SLACK,
        "{:?}",
        start.elapsed()
    );
    drop(far);
    assert_eq!(h.timers().armed(), 0);
}

#[test]
fn dropping_an_armed_sleep_cancels_its_timer() {
    let h = Harness::new();
    let (count, waker) = counting_waker();
    let mut sleeps: Vec<Sleep> = (0..100).map(|_| sleep(Duration::from_millis(20))).collect();
    for sleep in &mut sleeps {
        assert!(poll_with(sleep, &waker).is_pending());
    }
    assert_eq!(h.timers().armed(), 100);
    drop(sleeps);
    assert_eq!(h.timers().armed(), 0);
    thread::sleep(Duration::from_millis(40));
    assert_eq!(count.get(), 0, "a cancelled timer woke its task");
}

#[test]
fn repolling_updates_the_waker_without_rearming() {
    let h = Harness::new();
    let (first, first_waker) = counting_waker();
    let (second, second_waker) = counting_waker();
    let mut sleep = sleep(Duration::from_millis(20));
    assert!(poll_with(&mut sleep, &first_waker).is_pending());
    let key = sleep.timer_key().unwrap();
    // Same waker: nothing changes.
    assert!(poll_with(&mut sleep, &first_waker.clone()).is_pending());
    // Another waker: swapped in place, same entry.
    assert!(poll_with(&mut sleep, &second_waker).is_pending());
    assert_eq!(sleep.timer_key(), Some(key));
    assert_eq!(h.timers().armed(), 1);
    wait_for(&second, 1, Duration::from_millis(20) + SLACK);
    assert_eq!(first.get(), 0, "the replaced waker was woken");
    assert!(sleep.is_elapsed());
    assert_eq!(poll_with(&mut sleep, &second_waker), Poll::Ready(()));
    assert_eq!(h.timers().armed(), 0);
}

#[test]
fn reset_moves_the_deadline_and_keeps_the_waker() {
    let h = Harness::new();
    let (count, waker) = counting_waker();
    let mut sleep = Box::pin(sleep(Duration::from_secs(10)));
    assert!(poll_with(&mut sleep, &waker).is_pending());
    // Earlier: the armed timer moves and wakes the same waker, unpolled.
    let start = Instant::now();
    sleep.as_mut().reset(start + Duration::from_millis(15));
    assert_eq!(sleep.deadline(), start + Duration::from_millis(15));
    wait_for(&count, 1, Duration::from_millis(15) + SLACK);
    assert!(start.elapsed() >= Duration::from_millis(15));
    assert_eq!(poll_with(&mut sleep, &waker), Poll::Ready(()));

    // After completion: pending again until the new deadline.
    let start = Instant::now();
    sleep.as_mut().reset(start + Duration::from_millis(10));
    assert!(!sleep.is_elapsed());
    block_on(sleep.as_mut());
    assert!(start.elapsed() >= Duration::from_millis(10));

    // Fired but not yet polled: armed again with the same waker.
    let (count, waker) = counting_waker();
    sleep
        .as_mut()
        .reset(Instant::now() + Duration::from_millis(5));
    assert!(poll_with(&mut sleep, &waker).is_pending());
    wait_for(&count, 1, Duration::from_millis(5) + SLACK);
    let start = Instant::now();
    sleep.as_mut().reset(start + Duration::from_millis(10));
    assert_eq!(h.timers().armed(), 1);
    wait_for(&count, 2, Duration::from_millis(10) + SLACK);
    assert!(start.elapsed() >= Duration::from_millis(10));
    assert_eq!(poll_with(&mut sleep, &waker), Poll::Ready(()));

    // Into the past while armed: woken at once.
    let (count, waker) = counting_waker();
    sleep
        .as_mut()
        .reset(Instant::now() + Duration::from_secs(10));
    assert!(poll_with(&mut sleep, &waker).is_pending());
    sleep
        .as_mut()
        .reset(Instant::now() - Duration::from_millis(1));
    assert_eq!(count.get(), 1);
    assert_eq!(h.timers().armed(), 0);
    assert_eq!(poll_with(&mut sleep, &waker), Poll::Ready(()));
}

#[test]
fn timeout_returns_the_output_or_elapsed() {
    let h = Harness::new();
    assert_eq!(
        block_on(timeout(Duration::from_millis(10), async { 5 })),
        Ok(5)
    );
    // A ready future never arms the timer.
    assert_eq!(h.timers().armed(), 0);
    assert_eq!(block_on(timeout(Duration::ZERO, async { 6 })), Ok(6));

    let start = Instant::now();
    let slow = sleep(Duration::from_secs(10));
    let result = block_on(timeout(Duration::from_millis(20), slow));
    assert_eq!(result, Err(Elapsed::new()));
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(20) && took < Duration::from_millis(20) + SLACK);
    // Both timers were cancelled: the inner one with the dropped future.
    assert_eq!(h.timers().armed(), 0);

    let deadline = Instant::now() + Duration::from_millis(10);
    let fast = sleep(Duration::from_millis(1));
    assert_eq!(block_on(timeout_at(deadline, fast)), Ok(()));
    let never = std::future::pending::<()>();
    assert!(block_on(timeout_at(deadline, never)).is_err());
    assert!(Instant::now() >= deadline);
    // An overflowing duration means "never", not a panic.
    assert_eq!(block_on(timeout(Duration::MAX, async { 7 })), Ok(7));
}

#[test]
fn interval_keeps_its_period() {
    let _h = Harness::new();
    let period = Duration::from_millis(10);
    let mut interval = interval(period);
    assert_eq!(interval.period(), period);
    let start = Instant::now();
    let first = block_on(interval.tick());
    assert!(
        start.elapsed() < Duration::from_millis(5),
        "first tick is at once"
    );
    for k in 1..=5 {
        // Work between ticks does not push the schedule back.
        thread::sleep(Duration::from_millis(3));
        let due = block_on(interval.tick());
        assert_eq!(due, first + period * k);
        assert!(Instant::now() >= due);
    }
    let late = Instant::now().saturating_duration_since(first + period * 5);
    assert!(late < SLACK, "last tick {late:?} late");
}

#[test]
fn interval_at_starts_at_start() {
    let _h = Harness::new();
    let start = Instant::now() + Duration::from_millis(15);
    let mut interval = interval_at(start, Duration::from_millis(5));
    assert_eq!(block_on(interval.tick()), start);
    assert!(Instant::now() >= start);
    assert_eq!(block_on(interval.tick()), start + Duration::from_millis(5));
}

/// Sleeps this thread until `at` has passed (a sleep is never short).
fn sleep_past(at: Instant) {
    let now = Instant::now();
    if at > now {
        thread::sleep(at - now);
    }
}

/// Takes a tick whose deadline has passed: it is ready on the first poll,
/// by the clock (no timer has to fire). Returns it with the instants just
/// before and just after that poll, between which the interval read the
/// clock that chose its next deadline.
fn overdue_tick(interval: &mut Interval) -> (Instant, Instant, Instant) {
    let before = Instant::now();
    let due = match interval.poll_tick(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(due) => due,
        Poll::Pending => panic!("a tick whose deadline has passed was not ready at once"),
    };
    assert!(due <= before, "a tick came before its deadline");
    (due, before, Instant::now())
}

/// Waits for the next tick; returns it and when the wait returned (after
/// the interval read the clock that chose its next deadline).
fn waited_tick(interval: &mut Interval) -> (Instant, Instant) {
    let due = block_on_within(LOST_AFTER, interval.tick());
    let taken = Instant::now();
    assert!(taken >= due, "a tick completed {:?} early", due - taken);
    (due, taken)
}

/// The three behaviours after the ticks due at 10, 20 and 30 ms were
/// missed (the test thread comes back at 35 ms or later: load only makes
/// it later, so they are missed on any machine). Each assertion holds
/// however late any tick is taken: the expected deadlines are computed
/// from clock readings that bracket the interval's own.
#[test]
fn missed_ticks_burst_delay_or_skip() {
    watchdog(LIMIT, || {
        let _h = Harness::new();
        let period = Duration::from_millis(10);
        let ms = Duration::from_millis;
        for behavior in [
            MissedTickBehavior::Burst,
            MissedTickBehavior::Delay,
            MissedTickBehavior::Skip,
        ] {
            let mut interval = interval(period);
            interval.set_missed_tick_behavior(behavior);
            assert_eq!(interval.missed_tick_behavior(), behavior);
            // The first tick is due when the interval is made.
            let (t0, _, _) = overdue_tick(&mut interval);
            let on_schedule = |t: Instant| (t - t0).as_nanos().is_multiple_of(period.as_nanos());
            sleep_past(t0 + ms(35));
            // Whatever the behaviour, the first missed tick comes, late.
            let (late, before, after) = overdue_tick(&mut interval);
            assert_eq!(late, t0 + ms(10), "{behavior:?}: the late tick");
            match behavior {
                MissedTickBehavior::Burst => {
                    // The other missed ticks are due: they come at once...
                    assert_eq!(overdue_tick(&mut interval).0, t0 + ms(20));
                    assert_eq!(overdue_tick(&mut interval).0, t0 + ms(30));
                    // ... and the schedule goes on where it was.
                    assert_eq!(waited_tick(&mut interval).0, t0 + ms(40));
                    assert_eq!(waited_tick(&mut interval).0, t0 + ms(50));
                }
                MissedTickBehavior::Delay => {
                    // The schedule restarts one period after the late tick was
                    // taken (the missed ticks at 20 and 30 ms never come)...
                    let (next, next_taken) = waited_tick(&mut interval);
                    assert!(
                        next >= before + period && next <= after + period,
                        "Delay: the tick after the late one is {:?} after it was taken",
                        next.saturating_duration_since(before)
                    );
                    // ... and goes on from there: one period after that tick,
                    // or after it was taken if that was late as well.
                    let (following, _) = waited_tick(&mut interval);
                    assert!(
                        following >= next + period && following <= next_taken + period,
                        "Delay: the next tick is {:?} after the previous one",
                        following.saturating_duration_since(next)
                    );
                }
                MissedTickBehavior::Skip => {
                    // The missed ticks are dropped; the next one is the first
                    // on the schedule after the late one was taken...
                    let (next, next_taken) = waited_tick(&mut interval);
                    assert!(on_schedule(next), "Skip: {next:?} is off the schedule");
                    assert!(next >= t0 + ms(40), "Skip: a missed tick came");
                    assert!(
                        next > before && next - period <= after,
                        "Skip: not the first tick on the schedule after the late one"
                    );
                    // ... and the schedule stays: the next tick on it after the
                    // previous one, or after it was taken if that was late.
                    let (following, _) = waited_tick(&mut interval);
                    assert!(on_schedule(following), "Skip: off the schedule");
                    assert!(
                        following > next && following - period <= next_taken,
                        "Skip: not the first tick on the schedule after the previous one"
                    );
                }
            }
        }
    });
}

#[test]
fn interval_reset() {
    let _h = Harness::new();
    let period = Duration::from_millis(10);
    let mut interval = interval(period);
    block_on(interval.tick());
    let before = Instant::now();
    interval.reset();
    let due = block_on(interval.tick());
    assert!(due >= before + period);
    interval.reset_immediately();
    let start = Instant::now();
    block_on(interval.tick());
    assert!(start.elapsed() < Duration::from_millis(5));
    let at = Instant::now() + Duration::from_millis(3);
    interval.reset_at(at);
    assert_eq!(block_on(interval.tick()), at);
    interval.reset_after(Duration::from_millis(4));
    assert!(block_on(interval.tick()) > at);
}

/// One timer of the many-timers test, as it completed.
struct Fired {
    deadline: Instant,
    /// When the test thread saw it complete.
    at: Instant,
    /// Its first poll armed it (`Pending`), so the wheel fired it.
    by_the_wheel: bool,
}

/// What a user relies on, with 100,000 timers at random deadlines: every
/// one fires (none is lost), none before its deadline, and the wheel fires
/// them in deadline order — a timer due a whole tick (1 ms) before another
/// completes before it, however late a loaded machine turns the wheel (a
/// late turn fires every due timer, still in order). Being in order also
/// shows that no timer waited for a coarser slot than its own. How late
/// they are is printed: a figure of the machine, not a property.
#[test]
fn many_random_timers_all_fire_none_early_in_deadline_order() {
    watchdog(LIMIT, || {
        let h = Harness::new();
        let tick = Duration::from_millis(1);
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        let start = Instant::now();
        let mut sleeps: FuturesUnordered<_> = (0..MANY_TIMERS)
            .map(|_| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let offset = MANY_SETTLE_MS * 1000 + rng % (MANY_SPREAD_MS * 1000);
                let deadline = start + Duration::from_micros(offset);
                async move {
                    let mut sleep = std::pin::pin!(sleep_until(deadline));
                    let mut polls = 0;
                    std::future::poll_fn(|cx| {
                        polls += 1;
                        sleep.as_mut().poll(cx)
                    })
                    .await;
                    // `FuturesUnordered` polls a future only when woken, in the
                    // order the wakes came: this is the order the wheel fired.
                    Fired {
                        deadline,
                        at: Instant::now(),
                        by_the_wheel: polls > 1,
                    }
                }
            })
            .collect();
        let fired: Vec<Fired> = block_on_within(MANY_WAIT, async {
            let mut out = Vec::with_capacity(MANY_TIMERS);
            while let Some(fired) = sleeps.next().await {
                out.push(fired);
            }
            out
        });
        assert_eq!(fired.len(), MANY_TIMERS, "timers were lost");

        let mut lateness = Vec::with_capacity(MANY_TIMERS);
        let mut latest_deadline = start;
        let mut by_the_wheel = 0;
        for (n, f) in fired.iter().enumerate() {
            let late = f.at.checked_duration_since(f.deadline);
            let late = late.unwrap_or_else(|| panic!("timer {n} fired before its deadline"));
            assert!(late < LOST_AFTER, "timer {n} fired {late:?} late: lost?");
            lateness.push(late);
            if f.by_the_wheel {
                by_the_wheel += 1;
                assert!(
                    f.deadline + tick > latest_deadline,
                    "timer {n} fired after one due {:?} later",
                    latest_deadline - f.deadline
                );
                latest_deadline = latest_deadline.max(f.deadline);
            }
        }
        // Only timers first polled after their deadline bypass the wheel.
        assert!(by_the_wheel > 0, "no timer was fired by the wheel");
        assert_eq!(h.timers().armed(), 0);

        lateness.sort();
        let pct = |p: usize| lateness[(lateness.len() - 1) * p / 100];
        eprintln!(
            "{MANY_TIMERS} timers over {MANY_SPREAD_MS} ms, {by_the_wheel} fired by the wheel: \
             late p50 {:?} p99 {:?} max {:?}, took {:?}",
            pct(50),
            pct(99),
            pct(100),
            start.elapsed()
        );
    });
}

#[test]
fn concurrent_arming_and_cancelling() {
    let h = Harness::new();
    let timers = h.timers.clone();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let timers = timers.clone();
            thread::spawn(move || {
                let _guard = enter(&timers);
                let (count, waker) = counting_waker();
                let mut fired = 0;
                for i in 0..CHURN_PER_THREAD {
                    // Most are cancelled (dropped armed), a few fire.
                    let ms = if i % 100 == t { 1 } else { 1_000 + i as u64 };
                    let mut sleep = sleep(Duration::from_millis(ms));
                    let first = poll_with(&mut sleep, &waker);
                    // A 1 ms sleep may already be due at its first poll on
                    // a slow machine (seen under ThreadSanitizer); the long
                    // ones never are.
                    assert!(ms == 1 || first.is_pending());
                    if ms == 1 && first.is_pending() {
                        block_on(&mut sleep);
                        fired += 1;
                    }
                }
                (count, fired)
            })
        })
        .collect();
    for thread in threads {
        let (count, fired) = thread.join().unwrap();
        // Only the timers that fired may have woken the counting waker.
        assert!(count.get() <= fired);
    }
    assert_eq!(h.timers().armed(), 0);
}

#[test]
fn types_are_send_and_sync() {
    fn is<T: Send + Sync>() {}
    is::<Sleep>();
    is::<Timeout<Sleep>>();
    is::<Interval>();
    is::<Elapsed>();
    is::<Timers>();
}
