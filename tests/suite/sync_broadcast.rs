//! `rt::sync::broadcast`: every receiver sees every value in order; a
//! receiver that falls behind gets `Lagged(k)` and continues from the
//! oldest value kept; the channel ends for receivers after the last
//! sender, once they have read everything; values are dropped as soon as
//! every receiver has read them; a receive loop lets its neighbours run.

use crate::support;

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use rt::sync::broadcast::{self, error::RecvError, error::TryRecvError};
use rt::task::yield_now;
use support::{one_worker, runtime, watchdog};

const LIMIT: Duration = Duration::from_secs(30);
const MESSAGES: usize = 5_000;
const BUDGET: usize = 128;

/// Counts its drops (clones count too).
struct Tracked(Arc<AtomicUsize>);

impl Clone for Tracked {
    fn clone(&self) -> Self {
        Tracked(self.0.clone())
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

#[test]
fn every_receiver_sees_every_value_in_order() {
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let (tx, rx) = broadcast::channel(16);
            let mut readers = Vec::new();
            for mut rx in [rx, tx.subscribe(), tx.subscribe()] {
                readers.push(rt::spawn(async move {
                    let mut expected = 0;
                    loop {
                        match rx.recv().await {
                            Ok(v) => {
                                assert_eq!(v, expected);
                                expected += 1;
                            }
                            Err(RecvError::Closed) => return expected,
                            Err(RecvError::Lagged(n)) => panic!("lagged by {n}"),
                        }
                    }
                }));
            }
            for i in 0..MESSAGES {
                // Stay within the capacity: wait for slow readers.
                while tx.len() >= 16 {
                    yield_now().await;
                }
                tx.send(i).unwrap();
            }
            drop(tx);
            for reader in readers {
                assert_eq!(reader.await.unwrap(), MESSAGES);
            }
        })
    });
}

#[test]
fn a_slow_receiver_lags_then_continues_from_the_oldest_kept() {
    let (tx, mut rx) = broadcast::channel(3); // rounded up to 4
    for i in 0..10 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(6)));
    for i in 6..10 {
        assert_eq!(rx.try_recv(), Ok(i));
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    tx.send(10).unwrap();
    assert_eq!(rx.try_recv(), Ok(10));

    // The same through `recv`.
    watchdog(LIMIT, || {
        one_worker().block_on(async {
            let (tx, mut rx) = broadcast::channel(2);
            for i in 0..5 {
                tx.send(i).unwrap();
            }
            assert_eq!(rx.recv().await, Err(RecvError::Lagged(3)));
            assert_eq!(rx.recv().await, Ok(3));
            assert_eq!(rx.recv().await, Ok(4));
        })
    });
}

#[test]
fn the_channel_closes_after_the_last_sender_once_everything_is_read() {
    let (tx, mut rx) = broadcast::channel(4);
    let tx2 = tx.clone();
    tx.send(1).unwrap();
    drop(tx);
    assert!(!rx.is_closed());
    tx2.send(2).unwrap();
    drop(tx2);
    assert!(rx.is_closed());
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));

    // A receiver waiting in `recv` is woken by the last sender's drop.
    let (tx, mut rx) = broadcast::channel::<u8>(4);
    let wakes = Arc::new(AtomicBool::new(false));
    struct Flag(Arc<AtomicBool>);
    impl std::task::Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, SeqCst);
        }
    }
    let waker = Waker::from(Arc::new(Flag(wakes.clone())));
    let mut cx = Context::from_waker(&waker);
    let mut recv = Box::pin(rx.recv());
    assert!(recv.as_mut().poll(&mut cx).is_pending());
    drop(tx);
    assert!(wakes.load(SeqCst));
    assert_eq!(
        recv.as_mut().poll(&mut cx),
        Poll::Ready(Err(RecvError::Closed))
    );
}

#[test]
fn send_without_receivers_fails_and_a_subscriber_sees_only_later_values() {
    let (tx, rx) = broadcast::channel(4);
    drop(rx);
    assert_eq!(tx.send(1).unwrap_err().0, 1);
    let mut late = tx.subscribe();
    assert_eq!(tx.send(2), Ok(1));
    let mut again = late.resubscribe();
    assert_eq!(tx.receiver_count(), 2);
    tx.send(3).unwrap();
    assert_eq!(late.try_recv(), Ok(2));
    assert_eq!(
        again.try_recv(),
        Ok(3),
        "a resubscribed receiver starts at the tail"
    );
    assert_eq!(late.try_recv(), Ok(3));
    assert!(late.same_channel(&again));
}

#[test]
fn values_are_dropped_once_every_receiver_has_read_them() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, mut a) = broadcast::channel(8);
    let mut b = tx.subscribe();
    tx.send(Tracked(drops.clone())).unwrap();
    assert_eq!(tx.len(), 1);
    drop(a.try_recv().unwrap()); // a clone
    assert_eq!(drops.load(SeqCst), 1);
    assert_eq!(tx.len(), 1, "b has yet to read it");
    drop(b.try_recv().unwrap());
    assert_eq!(drops.load(SeqCst), 3, "the clone and the kept value");
    assert!(tx.is_empty());

    // A receiver that drops gives up its claim on unread values.
    tx.send(Tracked(drops.clone())).unwrap();
    drop(a);
    drop(b);
    assert_eq!(drops.load(SeqCst), 4);
    assert!(tx.is_empty());
}

#[test]
fn closed_completes_when_the_last_receiver_drops() {
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let (tx, rx) = broadcast::channel::<u8>(4);
            let rx2 = rx.resubscribe();
            rt::spawn(async move {
                drop(rx);
                yield_now().await;
                drop(rx2);
            });
            tx.closed().await;
            assert_eq!(tx.receiver_count(), 0);
        })
    });
}

#[test]
fn weak_senders_do_not_keep_the_channel_open() {
    let (tx, mut rx) = broadcast::channel::<u8>(4);
    let weak = tx.downgrade();
    assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
    drop(tx);
    assert!(weak.upgrade().is_none());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
#[should_panic(expected = "capacity cannot be zero")]
fn a_channel_of_zero_capacity_panics() {
    let _ = broadcast::channel::<u8>(0);
}

#[test]
fn a_recv_loop_on_an_always_full_channel_lets_its_neighbour_run() {
    let count = watchdog(LIMIT, || {
        let rt = one_worker();
        let task = rt.spawn(async {
            let (tx, mut rx) = broadcast::channel(1024);
            for i in 0..1024 {
                tx.send(i).unwrap();
            }
            yield_now().await;
            let flag = Arc::new(AtomicBool::new(false));
            let set = flag.clone();
            drop(rt::spawn(async move { set.store(true, SeqCst) }));
            let mut count = 0;
            while count < 1024 && !flag.load(SeqCst) {
                rx.recv().await.unwrap();
                count += 1;
            }
            count
        });
        rt.block_on(task).unwrap()
    });
    assert_eq!(count, BUDGET + 1);
}
