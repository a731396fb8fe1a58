//! `rt::sync::Semaphore`: permits are handed out in arrival order (a big
//! `acquire_many` is not starved by small requests), a cancelled acquire
//! passes on what it had been given, `close` fails waiters and later
//! acquires, the permit arithmetic is exact, and a loop on an uncontended
//! semaphore still yields to its neighbours (the cooperative budget).

use crate::support;
use crate::sync_support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use rt::sync::{AcquireError, Semaphore, TryAcquireError};
use rt::task::yield_now;
use support::{one_worker, runtime, watchdog};
use sync_support::Manual;

/// Bound on each test that runs a runtime.
const LIMIT: Duration = Duration::from_secs(30);
/// Tasks and rounds of the stress test.
const TASKS: usize = 8;
const ROUNDS: usize = 300;

#[test]
fn a_big_acquire_many_is_not_starved_by_small_ones() {
    let semaphore = Semaphore::new(1);
    let held = semaphore.try_acquire().unwrap();
    let mut big = Manual::new(semaphore.acquire_many(3));
    big.pending();
    let mut small = Manual::new(semaphore.acquire());
    small.pending();
    // Permits trickle back one at a time: each goes to the big waiter,
    // which keeps it, and neither the queued small waiter nor a newcomer
    // gets one.
    for _ in 0..2 {
        semaphore.add_permits(1);
        assert_eq!(semaphore.available_permits(), 0);
        assert_eq!(
            semaphore.try_acquire().unwrap_err(),
            TryAcquireError::NoPermits,
            "a waiter is queued: nobody may overtake it"
        );
        assert_eq!(
            small.wakes(),
            0,
            "the small request waits behind the big one"
        );
        big.pending();
    }
    drop(held); // the third
    assert_eq!(big.wakes(), 1);
    assert_eq!(small.wakes(), 0);
    let big_permit = big.ready().unwrap();
    assert_eq!(big_permit.num_permits(), 3);
    small.pending();
    drop(big_permit);
    assert_eq!(small.wakes(), 1);
    assert_eq!(small.ready().unwrap().num_permits(), 1);
    assert_eq!(semaphore.available_permits(), 3);
}

#[test]
fn waiters_are_served_in_arrival_order() {
    let semaphore = Semaphore::new(0);
    let mut waiters: Vec<_> = (0..4).map(|_| Manual::new(semaphore.acquire())).collect();
    for waiter in &mut waiters {
        waiter.pending();
    }
    for served in 0..waiters.len() {
        semaphore.add_permits(1);
        for (i, waiter) in waiters.iter().enumerate() {
            let expected = usize::from(i <= served);
            assert_eq!(waiter.wakes(), expected, "after {served}: waiter {i}");
        }
        waiters[served].ready().unwrap().forget();
    }
}

#[test]
fn a_dropped_acquire_passes_its_partial_permits_on() {
    let semaphore = Semaphore::new(1);
    let held = semaphore.try_acquire().unwrap();
    let mut big = Manual::new(semaphore.acquire_many(2));
    big.pending();
    let mut small = Manual::new(semaphore.acquire());
    small.pending();
    drop(held); // the big waiter now holds one of its two permits
    assert_eq!(semaphore.available_permits(), 0);
    assert_eq!(small.wakes(), 0);
    drop(big); // cancelled: its permit goes to the next waiter
    assert_eq!(small.wakes(), 1);
    let permit = small.ready().unwrap();
    drop(permit);
    assert_eq!(semaphore.available_permits(), 1, "no permit lost or made");
}

#[test]
fn a_granted_but_dropped_acquire_passes_its_permits_on() {
    let semaphore = Semaphore::new(1);
    let held = semaphore.try_acquire().unwrap();
    let mut first = Manual::new(semaphore.acquire());
    first.pending();
    let mut second = Manual::new(semaphore.acquire());
    second.pending();
    drop(held); // granted to `first`, which is never polled again
    assert_eq!(first.wakes(), 1);
    drop(first);
    assert_eq!(second.wakes(), 1);
    drop(second.ready().unwrap());
    assert_eq!(semaphore.available_permits(), 1);
}

#[test]
fn close_fails_waiters_and_later_acquires_but_held_permits_come_back() {
    let semaphore = Semaphore::new(1);
    let held = semaphore.try_acquire().unwrap();
    let mut waiter = Manual::new(semaphore.acquire());
    waiter.pending();
    semaphore.close();
    assert!(semaphore.is_closed());
    assert_eq!(waiter.wakes(), 1, "close wakes the waiters");
    let error: AcquireError = waiter.ready().unwrap_err();
    assert_eq!(error.to_string(), "semaphore closed");
    assert_eq!(
        semaphore.try_acquire().unwrap_err(),
        TryAcquireError::Closed
    );
    assert!(Manual::new(semaphore.acquire_many(0)).ready().is_err());
    drop(held);
    assert_eq!(
        semaphore.available_permits(),
        1,
        "held permits still return"
    );
    assert_eq!(
        semaphore.try_acquire().unwrap_err(),
        TryAcquireError::Closed
    );
}

#[test]
fn forget_add_split_and_merge_keep_exact_counts() {
    let semaphore = Semaphore::new(5);
    assert_eq!(semaphore.forget_permits(2), 2);
    assert_eq!(semaphore.available_permits(), 3);
    semaphore.try_acquire_many(2).unwrap().forget();
    assert_eq!(semaphore.available_permits(), 1);
    semaphore.add_permits(4);
    assert_eq!(semaphore.available_permits(), 5);
    let mut permit = semaphore.try_acquire_many(4).unwrap();
    assert_eq!(semaphore.forget_permits(10), 1, "only the free ones");
    let part = permit.split(3).unwrap();
    assert!(permit.split(2).is_none());
    assert_eq!((permit.num_permits(), part.num_permits()), (1, 3));
    drop(part);
    assert_eq!(semaphore.available_permits(), 3);
    permit.merge(semaphore.try_acquire_many(3).unwrap());
    assert_eq!(permit.num_permits(), 4);
    drop(permit);
    assert_eq!(semaphore.available_permits(), 4);
}

#[test]
fn permits_of_an_arc_semaphore_are_owned() {
    let semaphore = Arc::new(Semaphore::new(2));
    let mut owned = semaphore.clone().try_acquire_owned().unwrap();
    owned.merge(semaphore.clone().try_acquire_many_owned(1).unwrap());
    assert!(semaphore.clone().try_acquire_owned().is_err());
    let part = owned.split(1).unwrap();
    drop(owned);
    assert_eq!(semaphore.available_permits(), 1);
    part.forget();
    assert_eq!(semaphore.available_permits(), 1);
    let permit = Manual::new(semaphore.clone().acquire_many_owned(1))
        .ready()
        .unwrap();
    assert!(Arc::ptr_eq(permit.semaphore(), &semaphore));
}

#[test]
#[should_panic(expected = "permits")]
fn adding_beyond_max_permits_panics() {
    let semaphore = Semaphore::new(Semaphore::MAX_PERMITS);
    semaphore.add_permits(1);
}

#[test]
fn a_static_semaphore_works() {
    static LIMIT: Semaphore = Semaphore::const_new(1);
    let permit = LIMIT.try_acquire().unwrap();
    assert!(LIMIT.try_acquire().is_err());
    drop(permit);
    assert_eq!(LIMIT.available_permits(), 1);
}

#[test]
fn tasks_never_hold_more_permits_than_exist() {
    const PERMITS: usize = 3;
    let leftover = watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let semaphore = Arc::new(Semaphore::new(PERMITS));
            let in_use = Arc::new(AtomicUsize::new(0));
            let tasks: Vec<_> = (0..TASKS)
                .map(|t| {
                    let (semaphore, in_use) = (semaphore.clone(), in_use.clone());
                    rt::spawn(async move {
                        for round in 0..ROUNDS {
                            let n = 1 + (t + round) % PERMITS;
                            let permit = semaphore.acquire_many(n as u32).await.unwrap();
                            let now = in_use.fetch_add(n, SeqCst) + n;
                            assert!(now <= PERMITS, "{now} permits in use");
                            yield_now().await;
                            in_use.fetch_sub(n, SeqCst);
                            drop(permit);
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            semaphore.available_permits()
        })
    });
    assert_eq!(leftover, PERMITS);
}

/// The cooperative budget: a task looping on `acquire` of a semaphore that
/// always has permits yields after 128 acquires, so the neighbour task
/// queued behind it on the only worker runs.
#[test]
fn a_loop_on_an_uncontended_acquire_lets_its_neighbour_run() {
    const BUDGET: usize = 128;
    const CAP: usize = 1_000;
    let count = watchdog(LIMIT, || {
        let rt = one_worker();
        let task = rt.spawn(async {
            yield_now().await; // the next poll starts with a full budget
            let flag = Arc::new(AtomicBool::new(false));
            let set = flag.clone();
            drop(rt::spawn(async move { set.store(true, SeqCst) }));
            let semaphore = Semaphore::new(1);
            let mut count = 0;
            while count < CAP && !flag.load(SeqCst) {
                drop(semaphore.acquire().await.unwrap());
                count += 1;
            }
            count
        });
        rt.block_on(task).unwrap()
    });
    assert_eq!(
        count,
        BUDGET + 1,
        "the neighbour ran only after {count} acquires: the loop did not yield at the budget"
    );
}

#[test]
fn blocking_acquire_waits_on_a_plain_thread_and_panics_on_a_worker() {
    let semaphore = Arc::new(Semaphore::new(1));
    let held = semaphore.try_acquire().unwrap();
    let waiter = std::thread::spawn({
        let semaphore = semaphore.clone();
        move || semaphore.blocking_acquire().unwrap().forget()
    });
    drop(held);
    waiter.join().unwrap();
    assert_eq!(semaphore.available_permits(), 0);
    semaphore.add_permits(1);
    let rt = one_worker();
    let task = rt.spawn(async move { drop(semaphore.blocking_acquire()) });
    assert!(rt.block_on(task).unwrap_err().is_panic());
}
