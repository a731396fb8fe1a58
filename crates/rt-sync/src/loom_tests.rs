//! loom models of the batch semaphore's wait list (`batch_semaphore.rs`,
//! rules 1–6): no permit lost or duplicated, no waiter left unwoken (a
//! waiter that is never woken makes loom's `block_on` report a deadlock).
//!
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p rt-sync --release --lib`

use std::future::Future;
use std::task::{Context, Waker};

use loom::future::block_on;
use loom::thread;
use rt_core::loom::Arc;

use crate::batch_semaphore::Semaphore;

/// Two acquirers (of 1 and of 2 permits) and a releaser of 2 permits: both
/// acquirers finish in every interleaving, and all permits come back.
#[test]
fn two_acquirers_and_a_releaser() {
    loom::model(|| {
        let semaphore = Arc::new(Semaphore::new(0));
        let one = {
            let semaphore = semaphore.clone();
            thread::spawn(move || {
                block_on(semaphore.acquire(1)).unwrap();
                semaphore.release(1);
            })
        };
        let two = {
            let semaphore = semaphore.clone();
            thread::spawn(move || {
                block_on(semaphore.acquire(2)).unwrap();
                semaphore.release(2);
            })
        };
        semaphore.release(2);
        one.join().unwrap();
        two.join().unwrap();
        assert_eq!(semaphore.available_permits(), 2);
    });
}

/// A waiter for 2 permits is cancelled (dropped after one poll) while a
/// releaser adds 2 and another waiter wants 1: the waiter for 1 is still
/// served, and whatever the cancelled one had been given comes back.
#[test]
fn a_cancelled_waiter_passes_its_permits_on() {
    loom::model(|| {
        let semaphore = Arc::new(Semaphore::new(0));
        let waiter = {
            let semaphore = semaphore.clone();
            thread::spawn(move || {
                block_on(semaphore.acquire(1)).unwrap();
                semaphore.release(1);
            })
        };
        let releaser = {
            let semaphore = semaphore.clone();
            thread::spawn(move || semaphore.release(2))
        };
        let mut cancelled = Box::pin(semaphore.acquire(2));
        let mut cx = Context::from_waker(Waker::noop());
        let polled = cancelled.as_mut().poll(&mut cx);
        drop(cancelled); // given back by the drop if it was queued
        if polled.is_ready() {
            semaphore.release(2); // it completed at once: ours to give back
        }
        waiter.join().unwrap();
        releaser.join().unwrap();
        assert_eq!(semaphore.available_permits(), 2);
    });
}

/// `close` racing a waiter: the waiter finishes (with an error, or with
/// the permit if it was released first), and no permit is lost.
#[test]
fn close_wakes_a_waiter() {
    loom::model(|| {
        let semaphore = Arc::new(Semaphore::new(0));
        let waiter = {
            let semaphore = semaphore.clone();
            thread::spawn(move || {
                if block_on(semaphore.acquire(2)).is_ok() {
                    semaphore.release(2);
                }
            })
        };
        let releaser = {
            let semaphore = semaphore.clone();
            thread::spawn(move || semaphore.release(1))
        };
        semaphore.close();
        waiter.join().unwrap();
        releaser.join().unwrap();
        assert!(semaphore.is_closed());
        assert_eq!(semaphore.available_permits(), 1);
    });
}

/// A release racing an acquirer that is about to queue (rules 2–4): the
/// lock-free release lands before the acquirer drains `permits` (and is
/// taken), or finds `WAITERS` set and serves the queue under the lock. The
/// acquirer never waits while a permit sits in `permits`, and once the
/// queue is empty again `WAITERS` is clear: a newcomer takes without
/// waiting.
#[test]
fn a_lock_free_release_races_a_queueing_acquirer() {
    loom::model(|| {
        let semaphore = Arc::new(Semaphore::new(1));
        let waiter = {
            let semaphore = semaphore.clone();
            thread::spawn(move || {
                block_on(semaphore.acquire(2)).unwrap();
                semaphore.release(2);
            })
        };
        semaphore.release(1);
        waiter.join().unwrap();
        assert_eq!(semaphore.available_permits(), 2);
        semaphore.try_acquire(2).unwrap();
    });
}

/// A cancel that empties the queue clears `WAITERS` (rule 5) while a
/// release races it: the permit ends in `permits` either way, and a
/// later release stays lock-free-correct.
#[test]
fn a_cancel_that_empties_the_queue_races_a_release() {
    loom::model(|| {
        let semaphore = Arc::new(Semaphore::new(0));
        let releaser = {
            let semaphore = semaphore.clone();
            thread::spawn(move || semaphore.release(1))
        };
        let mut cancelled = Box::pin(semaphore.acquire(2));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(cancelled.as_mut().poll(&mut cx).is_pending());
        drop(cancelled);
        releaser.join().unwrap();
        assert_eq!(semaphore.available_permits(), 1);
        semaphore.try_acquire(1).unwrap();
        semaphore.release(1);
        assert_eq!(semaphore.available_permits(), 1);
    });
}

/// Serve against cancel (rules 2 and 6): a queued waiter is dropped while a
/// release serves it. Either the release unlinks it first (and the drop,
/// reading the final outcome without the lock, gives the permit back) or
/// the drop unlinks it first (and the release finds the queue empty): the
/// permit ends in `permits` either way, and no entry is touched after its
/// future let go of it (loom checks the entry's cells).
#[test]
fn a_release_serves_a_waiter_that_is_being_dropped() {
    loom::model(|| {
        let semaphore = Arc::new(Semaphore::new(0));
        let mut waiter = Box::pin(semaphore.acquire(1));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(waiter.as_mut().poll(&mut cx).is_pending());
        let releaser = {
            let semaphore = semaphore.clone();
            thread::spawn(move || semaphore.release(1))
        };
        drop(waiter);
        releaser.join().unwrap();
        assert_eq!(semaphore.available_permits(), 1);
        semaphore.try_acquire(1).unwrap();
    });
}

/// Serve against poll (rules 2 and 5): a waiter for 2 permits is polled
/// over and over while two releases of 1 serve it in two parts. It
/// completes only once both have landed (a partly served entry is still
/// linked), its lock-free read of a final outcome sees the whole of it, and
/// the permits all come back.
#[test]
fn a_waiter_polls_while_it_is_served_in_parts() {
    loom::model(|| {
        let semaphore = Arc::new(Semaphore::new(0));
        let mut waiter = Box::pin(semaphore.acquire(2));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(waiter.as_mut().poll(&mut cx).is_pending());
        let releaser = {
            let semaphore = semaphore.clone();
            thread::spawn(move || {
                semaphore.release(1);
                semaphore.release(1);
            })
        };
        while waiter.as_mut().poll(&mut cx).is_pending() {
            thread::yield_now();
        }
        assert_eq!(semaphore.available_permits(), 0, "both went to the waiter");
        drop(waiter);
        releaser.join().unwrap();
        semaphore.release(2);
        assert_eq!(semaphore.available_permits(), 2);
    });
}
