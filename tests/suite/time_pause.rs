//! Paused time (`rt::time::{pause, resume, advance}`, `start_paused`):
//! with the clock paused, an idle runtime jumps it to the next timer
//! (auto-advance), so an hour-long sleep completes at once; `advance`
//! fires exactly the timers it passes; timers fire in deadline order;
//! a running `spawn_blocking` job or a busy `block_on` thread holds the
//! jump off; `resume` runs on from the advanced reading; and misuse
//! panics as tokio's does.
//!
//! Until rt has a current-thread runtime, pausing needs a multi-thread
//! runtime with one worker (the thread that parks in the drivers).

use crate::support;

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rt::runtime::{Builder, Runtime};
use rt::time::{advance, pause, resume, sleep, Instant};

const HOUR: Duration = Duration::from_secs(3600);
/// A bound on real time for what must not wait at all: generous, for a
/// loaded 2-core machine.
const AT_ONCE: Duration = Duration::from_secs(10);

fn paused() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

/// Runs `body` on a paused runtime, failing instead of hanging (a broken
/// auto-advance waits for an hour-long timer in real time).
fn on_paused<F: Future<Output = ()> + 'static>(body: fn() -> F) {
    support::watchdog(Duration::from_secs(60), move || paused().block_on(body()));
}

/// Yields (on the `block_on` thread, which keeps its hold on auto-advance
/// since it never blocks) until `done`, for at most `AT_ONCE` of real time.
async fn spin_until(mut done: impl FnMut() -> bool) -> bool {
    let real = std::time::Instant::now();
    while !done() {
        if real.elapsed() > AT_ONCE {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
        rt::task::yield_now().await;
    }
    true
}

#[test]
fn an_hour_long_sleep_completes_at_once() {
    on_paused(|| async {
        let real = std::time::Instant::now();
        let start = Instant::now();
        sleep(HOUR).await;
        assert!(start.elapsed() >= HOUR, "{:?}", start.elapsed());
        assert!(real.elapsed() < AT_ONCE, "{:?}", real.elapsed());
        // On a task too, and through a timeout that elapses.
        let task = rt::spawn(async {
            let start = Instant::now();
            let out = rt::time::timeout(HOUR, sleep(2 * HOUR)).await;
            (out.is_err(), start.elapsed())
        });
        let (elapsed, took) = task.await.unwrap();
        assert!(elapsed);
        assert_eq!(took, HOUR);
        assert!(real.elapsed() < AT_ONCE, "{:?}", real.elapsed());
    });
}

#[rt::test(flavor = "current_thread", start_paused = true)]
async fn the_test_attribute_starts_paused() {
    let real = std::time::Instant::now();
    let start = Instant::now();
    sleep(24 * HOUR).await;
    assert!(start.elapsed() >= 24 * HOUR);
    assert!(real.elapsed() < AT_ONCE);
}

#[test]
fn advance_fires_exactly_the_timers_it_passes() {
    on_paused(|| async {
        let armed = Arc::new(AtomicUsize::new(0));
        let fired = Arc::new(Mutex::new(Vec::new()));
        let start = Instant::now();
        for ms in [10u64, 20, 30] {
            let (armed, fired) = (armed.clone(), fired.clone());
            rt::spawn(async move {
                let nap = sleep(Duration::from_millis(ms));
                armed.fetch_add(1, SeqCst);
                nap.await;
                fired.lock().unwrap().push((ms, start.elapsed()));
            });
        }
        assert!(spin_until(|| armed.load(SeqCst) == 3).await);
        // Let the worker arm all three (it polls right after the count).
        assert!(spin_until(|| true).await);
        advance(Duration::from_millis(25)).await;
        assert_eq!(start.elapsed(), Duration::from_millis(25));
        assert!(spin_until(|| fired.lock().unwrap().len() == 2).await);
        // The 30 ms timer stays armed while this thread works: real time
        // passes, the clock does not.
        std::thread::sleep(Duration::from_millis(50));
        rt::task::yield_now().await;
        assert_eq!(
            fired
                .lock()
                .unwrap()
                .iter()
                .map(|f| f.0)
                .collect::<Vec<_>>(),
            [10, 20]
        );
        assert_eq!(start.elapsed(), Duration::from_millis(25));
        advance(Duration::from_millis(5)).await;
        assert!(spin_until(|| fired.lock().unwrap().len() == 3).await);
        assert_eq!(fired.lock().unwrap()[2].0, 30);
    });
}

/// Counts its wakes.
struct Flag(AtomicUsize);

impl std::task::Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

#[test]
fn advance_wakes_what_it_passes_before_it_returns() {
    on_paused(|| async {
        let flag = Arc::new(Flag(AtomicUsize::new(0)));
        let waker = std::task::Waker::from(flag.clone());
        let mut cx = std::task::Context::from_waker(&waker);
        let mut nap = std::pin::pin!(sleep(Duration::from_millis(1)));
        assert!(nap.as_mut().poll(&mut cx).is_pending());
        // Sub-tick steps: nothing until the whole millisecond has passed.
        for _ in 0..3 {
            advance(Duration::from_micros(250)).await;
            assert_eq!(flag.0.load(SeqCst), 0);
        }
        advance(Duration::from_micros(250)).await;
        assert_eq!(flag.0.load(SeqCst), 1, "not woken by advance");
        assert!(nap.as_mut().poll(&mut cx).is_ready());
    });
}

#[test]
fn auto_advance_fires_timers_in_deadline_order() {
    on_paused(|| async {
        let order = Arc::new(Mutex::new(Vec::new()));
        let start = Instant::now();
        let tasks: Vec<_> = [300u64, 100, 3_600_000, 200, 100_000]
            .into_iter()
            .map(|ms| {
                let order = order.clone();
                rt::spawn(async move {
                    sleep(Duration::from_millis(ms)).await;
                    let woke = start.elapsed();
                    order.lock().unwrap().push(ms);
                    woke.checked_sub(Duration::from_millis(ms))
                })
            })
            .collect();
        for task in tasks {
            // The clock jumps to each deadline, exactly (a paused clock
            // stands on a whole millisecond, the wheel's tick).
            let late = task.await.unwrap().expect("woke before its deadline");
            assert_eq!(late, Duration::ZERO);
        }
        assert_eq!(*order.lock().unwrap(), [100, 200, 300, 100_000, 3_600_000]);
    });
}

#[test]
fn a_running_blocking_job_holds_auto_advance_off() {
    on_paused(|| async {
        let start = Instant::now();
        let woke = rt::spawn(async move {
            sleep(HOUR).await;
            start.elapsed()
        });
        // This thread waits on the job: only the job's hold keeps the
        // runtime from jumping an hour meanwhile.
        let seen = rt::task::spawn_blocking(move || {
            std::thread::sleep(Duration::from_millis(100));
            start.elapsed()
        })
        .await
        .unwrap();
        assert!(seen < HOUR, "the clock jumped during the job: {seen:?}");
        assert!(start.elapsed() < HOUR, "{:?}", start.elapsed());
        assert!(!woke.is_finished());
        // Once it is done, the hour passes at once.
        assert!(woke.await.unwrap() >= HOUR);
    });
}

#[test]
fn resume_runs_on_from_the_advanced_clock() {
    on_paused(|| async {
        let start = Instant::now();
        advance(HOUR).await;
        resume();
        let real = std::time::Instant::now();
        sleep(Duration::from_millis(20)).await;
        let elapsed = start.elapsed();
        assert!(elapsed >= HOUR + Duration::from_millis(20), "{elapsed:?}");
        // Real time again: the sleep took real time.
        assert!(real.elapsed() >= Duration::from_millis(20));
        // And it pauses again.
        pause();
        let frozen = Instant::now();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(Instant::now(), frozen);
    });
}

#[test]
fn a_runtime_that_never_paused_reads_the_system_clock() {
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    rt.block_on(async {
        let std_before = std::time::Instant::now();
        let now = Instant::now().into_std();
        assert!(now >= std_before && now <= std::time::Instant::now());
    });
}

fn panic_message(f: impl FnOnce()) -> String {
    let err = catch_unwind(AssertUnwindSafe(f)).expect_err("did not panic");
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn misuse_panics() {
    let rt = paused();
    let msg = panic_message(|| rt.block_on(async { pause() }));
    assert!(msg.contains("already paused"), "{msg}");
    rt.block_on(async { resume() });
    let msg = panic_message(|| rt.block_on(async { resume() }));
    assert!(msg.contains("not paused"), "{msg}");
    let msg = panic_message(|| rt.block_on(advance(Duration::from_secs(1))));
    assert!(msg.contains("not paused"), "{msg}");

    let msg = panic_message(pause);
    assert!(msg.contains("outside an rt runtime"), "{msg}");
    let msg = panic_message(resume);
    assert!(msg.contains("outside an rt runtime"), "{msg}");

    // The flavor check: a multi-thread runtime cannot pause, even with
    // one worker (as in tokio).
    let one = Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let msg = panic_message(|| one.block_on(async { pause() }));
    assert!(msg.contains("current-thread runtime"), "{msg}");
    let msg = panic_message(|| {
        let _ = Builder::new_multi_thread()
            .worker_threads(1)
            .start_paused(true)
            .build();
    });
    assert!(msg.contains("current-thread runtime"), "{msg}");
}
