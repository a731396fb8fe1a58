//! `rt::sync::Mutex`: mutual exclusion across tasks and threads, the lock
//! handed out in arrival order (a newcomer's `try_lock` does not overtake a
//! waiter), a cancelled `lock` passes the lock on, mapped and owned guards,
//! and `blocking_lock` refused on a thread that drives tasks.

use crate::support;
use crate::sync_support;

use std::sync::Arc;
use std::time::Duration;

use rt::sync::{Mutex, MutexGuard};
use support::{panic_message, runtime, watchdog};
use sync_support::Manual;

/// Bound on each test that runs a runtime.
const LIMIT: Duration = Duration::from_secs(30);
/// Tasks and increments of the counting test.
const TASKS: usize = 8;
const ROUNDS: usize = 500;

#[test]
fn tasks_on_several_workers_never_share_the_lock() {
    let total = watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let mutex = Arc::new(Mutex::new((0usize, false)));
            let tasks: Vec<_> = (0..TASKS)
                .map(|_| {
                    let mutex = mutex.clone();
                    rt::spawn(async move {
                        for _ in 0..ROUNDS {
                            let mut guard = mutex.lock().await;
                            assert!(!guard.1, "two guards at once");
                            guard.1 = true;
                            rt::task::yield_now().await; // held across an await
                            guard.0 += 1;
                            guard.1 = false;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }

            mutex.lock().await.0
        })
    });
    assert_eq!(total, TASKS * ROUNDS);
}

#[test]
fn the_lock_goes_to_waiters_in_arrival_order() {
    let mutex = Mutex::new(Vec::new());
    let held = mutex.try_lock().unwrap();
    let mut waiters: Vec<_> = (0..3).map(|_| Manual::new(mutex.lock())).collect();
    for waiter in &mut waiters {
        waiter.pending();
    }
    drop(held);
    for (i, waiter) in waiters.iter_mut().enumerate() {
        assert_eq!(waiter.wakes(), 1, "waiter {i} is next");
        assert!(mutex.try_lock().is_err(), "a newcomer does not overtake");
        waiter.ready().push(i); // the guard drops: the next one is woken
    }
    assert_eq!(*mutex.try_lock().unwrap(), [0, 1, 2]);
}

#[test]
fn a_cancelled_lock_passes_the_lock_on() {
    let mutex = Mutex::new(0);
    let held = mutex.try_lock().unwrap();
    let mut first = Manual::new(mutex.lock());
    first.pending();
    let mut second = Manual::new(mutex.lock());
    second.pending();
    drop(held); // handed to `first`
    drop(first); // cancelled before it saw it
    assert_eq!(second.wakes(), 1);
    *second.ready() = 1;
    assert_eq!(*mutex.try_lock().unwrap(), 1);
}

#[test]
fn a_lock_polled_out_of_budget_still_takes_its_turn() {
    watchdog(LIMIT, || {
        runtime(1).block_on(async {
            rt::spawn(async {
                let mutex = Mutex::new(());
                let held = mutex.try_lock().unwrap();
                let spent = (0..10_000).any(|_| {
                    Manual::new(rt::task::coop::consume_budget())
                        .poll()
                        .is_pending()
                });
                assert!(spent, "the task's budget never ran out");
                // Out of budget, it still queues: its turn is kept.
                let mut first = Manual::new(mutex.lock());
                first.pending();
                let mut later = Manual::new(mutex.lock());
                later.pending();
                drop(held);
                assert_eq!(first.wakes(), 1, "the lock went to the first waiter");
                assert_eq!(later.wakes(), 0);
                // Still out of budget: it holds the lock without completing...
                first.pending();
                assert!(mutex.try_lock().is_err());
                // ...and gives it on if dropped.
                drop(first);
                assert_eq!(later.wakes(), 1);
            })
            .await
            .unwrap();
        })
    });
}

#[test]
fn mapped_and_owned_guards_keep_the_lock() {
    let mutex = Arc::new(Mutex::new((1, vec![2, 3])));
    let guard = mutex.try_lock().unwrap();
    let guard = MutexGuard::try_map(guard, |p| p.1.get_mut(9)).unwrap_err();
    let mut third = MutexGuard::map(guard, |p| &mut p.1[1]);
    *third = 30;
    assert!(mutex.try_lock().is_err(), "a mapped guard keeps the lock");
    drop(third);
    let mut owned = mutex.clone().try_lock_owned().unwrap();
    owned.0 = 10;
    assert!(mutex.try_lock().is_err());
    let moved = std::thread::spawn(move || drop(owned));
    moved.join().unwrap();
    assert_eq!(*mutex.try_lock().unwrap(), (10, vec![2, 30]));
    let mut exclusive = Mutex::new(5);
    *exclusive.get_mut() += 1;
    assert_eq!(exclusive.into_inner(), 6);
}

#[test]
fn a_static_mutex_works() {
    static NAMES: Mutex<Vec<&str>> = Mutex::const_new(Vec::new());
    Manual::new(NAMES.lock()).ready().push("a");
    assert_eq!(NAMES.try_lock().unwrap().len(), 1);
}

#[test]
fn blocking_lock_works_on_a_plain_thread() {
    let mutex = Arc::new(Mutex::new(0));
    let held = mutex.try_lock().unwrap();
    let shared = mutex.clone();
    let blocked = std::thread::spawn(move || *shared.blocking_lock() += 1);
    std::thread::sleep(Duration::from_millis(20)); // let it block (or not yet: either is fine)
    drop(held);
    blocked.join().unwrap();
    assert_eq!(*mutex.try_lock().unwrap(), 1);
}

#[test]
fn blocking_lock_panics_inside_the_runtime() {
    let message = watchdog(LIMIT, || {
        let rt = runtime(1);
        let mutex = Arc::new(Mutex::new(0));
        // In a task on a worker...
        let in_task = {
            let mutex = mutex.clone();
            rt.block_on(rt.spawn(async move {
                drop(mutex.blocking_lock());
            }))
        };
        let panic = in_task.unwrap_err().into_panic();
        // ...and in `block_on` itself.
        let in_block_on = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt.block_on(async { drop(mutex.blocking_lock()) })
        }));
        assert!(in_block_on.is_err());
        panic_message(panic)
    });
    assert!(
        message.contains("Mutex::blocking_lock"),
        "unclear message: {message}"
    );
}

/// No runtime at all: plain threads, each driving its futures with
/// another executor (futures-lite's `block_on`), contend for the lock.
#[test]
fn works_with_no_runtime_under_another_executor() {
    const THREADS: usize = 4;
    let mutex = Arc::new(Mutex::new(0usize));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let mutex = mutex.clone();
            std::thread::spawn(move || {
                futures_lite::future::block_on(async {
                    for _ in 0..ROUNDS {
                        let mut guard = mutex.lock().await;
                        let seen = *guard;
                        futures_lite::future::yield_now().await; // held across an await
                        *guard = seen + 1;
                    }
                })
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(*mutex.try_lock().unwrap(), THREADS * ROUNDS);
}
