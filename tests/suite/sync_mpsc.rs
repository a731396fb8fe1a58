//! `rt::sync::mpsc`: messages arrive in order, waiting senders are served
//! first come first served, a dropped permit or cancelled reservation gives
//! its slot back, `recv` is cancel-safe, closing and dropping end the
//! channel the way tokio's do, and a receive loop on a channel that is
//! always full still lets its neighbours run.

use crate::support;

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use rt::sync::mpsc::error::{SendTimeoutError, TryRecvError, TrySendError};
use rt::sync::mpsc::{self, channel, unbounded_channel};
use rt::task::yield_now;
use support::{one_worker, panic_message, runtime, watchdog};

/// Bound on each test that runs a runtime.
const LIMIT: Duration = Duration::from_secs(30);
/// Messages of the ordering and stress tests.
const MESSAGES: usize = 10_000;
/// Units per poll (tokio's budget, `rt::task::coop`).
const BUDGET: usize = 128;

/// A waker that counts its wakes.
#[derive(Default)]
struct WakeCount(AtomicUsize);

impl Wake for WakeCount {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn counting_waker() -> (Arc<WakeCount>, Waker) {
    let count = Arc::new(WakeCount::default());
    (count.clone(), Waker::from(count))
}

fn poll_once<F: Future>(future: std::pin::Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(waker))
}

#[test]
fn messages_arrive_in_send_order_through_a_small_buffer() {
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let (tx, mut rx) = channel(4);
            let producer = rt::spawn(async move {
                for i in 0..MESSAGES {
                    tx.send(i).await.unwrap();
                }
            });
            for i in 0..MESSAGES {
                assert_eq!(rx.recv().await, Some(i));
            }
            assert_eq!(rx.recv().await, None, "the only sender is gone");
            producer.await.unwrap();
        })
    });
}

#[test]
fn each_senders_messages_keep_their_order_and_none_is_lost() {
    const SENDERS: usize = 4;
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let (tx, mut rx) = channel(8);
            for s in 0..SENDERS {
                let tx = tx.clone();
                rt::spawn(async move {
                    for i in 0..MESSAGES / SENDERS {
                        tx.send((s, i)).await.unwrap();
                    }
                });
            }
            drop(tx);
            let mut next = [0; SENDERS];
            while let Some((s, i)) = rx.recv().await {
                assert_eq!(i, next[s], "sender {s}'s messages out of order");
                next[s] += 1;
            }
            assert_eq!(next, [MESSAGES / SENDERS; SENDERS]);
        })
    });
}

#[test]
fn waiting_senders_are_served_in_the_order_they_started_waiting() {
    let (tx, mut rx) = channel(1);
    tx.try_send(0).unwrap();
    let (wakes, waker) = counting_waker();
    let mut a = pin!(tx.send(1));
    let mut b = pin!(tx.send(2));
    let mut c = pin!(tx.send(3));
    for f in [a.as_mut(), b.as_mut()] {
        assert!(poll_once(f, &waker).is_pending());
    }
    assert!(poll_once(c.as_mut(), &waker).is_pending());
    // A newcomer does not overtake the waiters, even when a slot frees.
    assert_eq!(rx.try_recv(), Ok(0));
    assert_eq!(wakes.0.load(SeqCst), 1, "only the first waiter is woken");
    assert!(matches!(tx.try_send(9), Err(TrySendError::Full(9))));
    // The last waiter, polled first, still waits; the first completes.
    assert!(poll_once(c.as_mut(), &waker).is_pending());
    assert!(poll_once(b.as_mut(), &waker).is_pending());
    assert!(poll_once(a.as_mut(), &waker).is_ready());
    assert_eq!(rx.try_recv(), Ok(1));
    assert!(poll_once(c.as_mut(), &waker).is_pending());
    assert!(poll_once(b.as_mut(), &waker).is_ready());
    assert_eq!(rx.try_recv(), Ok(2));
    assert!(poll_once(c.as_mut(), &waker).is_ready());
    assert_eq!(rx.try_recv(), Ok(3));
}

#[test]
fn a_dropped_permit_frees_its_slot_and_wakes_a_waiting_sender() {
    let (tx, mut rx) = channel::<u32>(1);
    let permit = tx.try_reserve().unwrap();
    assert_eq!(tx.capacity(), 0);
    let (wakes, waker) = counting_waker();
    {
        let mut waiting = pin!(tx.send(7));
        assert!(poll_once(waiting.as_mut(), &waker).is_pending());
        drop(permit);
        assert_eq!(wakes.0.load(SeqCst), 1, "the waiting sender is woken");
        assert!(poll_once(waiting.as_mut(), &waker).is_ready());
    }
    assert_eq!(rx.try_recv(), Ok(7));
    assert_eq!(tx.capacity(), 1);

    // The same for a permit iterator: the permits not taken go back.
    let mut permits = tx.try_reserve_many(1).unwrap();
    assert_eq!(tx.capacity(), 0);
    assert_eq!(permits.len(), 1);
    let one = permits.next().unwrap();
    drop(permits);
    assert_eq!(
        tx.capacity(),
        0,
        "the permit taken out still holds its slot"
    );
    drop(one);
    assert_eq!(tx.capacity(), 1);

    // And for an owned permit, released or dropped.
    let tx = tx.try_reserve_owned().unwrap().release();
    assert_eq!(tx.capacity(), 1);
    drop(tx.clone().try_reserve_owned().unwrap());
    assert_eq!(tx.capacity(), 1);
}

#[test]
fn a_cancelled_reservation_passes_its_slots_to_the_next_waiter() {
    let (tx, mut rx) = channel::<u32>(2);
    tx.try_send(0).unwrap();
    tx.try_send(1).unwrap();
    let (_, waker) = counting_waker();
    let mut two = Box::pin(tx.reserve_many(2));
    let mut one = pin!(tx.reserve());
    assert!(poll_once(two.as_mut(), &waker).is_pending());
    assert!(poll_once(one.as_mut(), &waker).is_pending());
    assert_eq!(rx.try_recv(), Ok(0)); // one slot, set aside for `two`
    assert!(poll_once(one.as_mut(), &waker).is_pending());
    drop(two); // cancelled holding one of its two slots
    match poll_once(one.as_mut(), &waker) {
        Poll::Ready(Ok(permit)) => permit.send(5),
        other => panic!("the slot was not passed on: {:?}", other.is_ready()),
    }
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Ok(5));
    assert_eq!(tx.capacity(), 2, "no slot was lost");
}

#[test]
fn a_recv_dropped_before_completing_loses_no_message() {
    let (tx, mut rx) = channel(4);
    let (wakes, waker) = counting_waker();
    {
        let mut recv = pin!(rx.recv());
        assert!(poll_once(recv.as_mut(), &waker).is_pending());
        tx.try_send(1).unwrap();
        assert_eq!(wakes.0.load(SeqCst), 1);
        // Dropped: the branch of a select that lost the race.
    }
    assert_eq!(rx.try_recv(), Ok(1));
}

#[test]
fn recv_raced_against_a_yield_in_a_loop_receives_every_message_in_order() {
    use futures_lite::future::or;
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let (tx, mut rx) = channel(2);
            rt::spawn(async move {
                for i in 0..MESSAGES {
                    tx.send(i).await.unwrap();
                }
            });
            let mut expected = 0;
            let mut lost_races = 0;
            loop {
                // `or` polls `recv` first, then the yield; whichever loses
                // is dropped: the select pattern.
                let got = or(async { Some(rx.recv().await) }, async {
                    yield_now().await;
                    None
                })
                .await;
                match got {
                    Some(Some(i)) => {
                        assert_eq!(i, expected);
                        expected += 1;
                    }
                    Some(None) => break,
                    None => lost_races += 1,
                }
            }
            assert_eq!(expected, MESSAGES);
            let _ = lost_races; // how often the recv was cancelled: varies
        })
    });
}

#[test]
fn close_fails_new_and_waiting_sends_but_keeps_queued_messages() {
    let (tx, mut rx) = channel(1);
    tx.try_send(1).unwrap();
    let (wakes, waker) = counting_waker();
    let mut waiting = pin!(tx.send(2));
    assert!(poll_once(waiting.as_mut(), &waker).is_pending());
    rx.close();
    assert_eq!(wakes.0.load(SeqCst), 1, "the waiting sender is woken");
    match poll_once(waiting.as_mut(), &waker) {
        Poll::Ready(Err(err)) => assert_eq!(err.0, 2, "the value comes back"),
        _ => panic!("a waiting send must fail on close"),
    }
    assert!(tx.is_closed());
    assert!(matches!(tx.try_send(3), Err(TrySendError::Closed(3))));
    assert!(rx.is_closed());
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
fn after_close_recv_waits_for_a_permit_granted_before() {
    let (tx, mut rx) = channel(2);
    let permit = tx.try_reserve().unwrap();
    rx.close();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty), "a permit is out");
    let (wakes, waker) = counting_waker();
    {
        let mut recv = pin!(rx.recv());
        assert!(poll_once(recv.as_mut(), &waker).is_pending());
        permit.send(4);
        assert!(wakes.0.load(SeqCst) >= 1);
        assert_eq!(poll_once(recv.as_mut(), &waker), Poll::Ready(Some(4)));
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    // A permit dropped unused after close ends the channel too.
    let (tx, mut rx) = channel::<u8>(2);
    let permit = tx.try_reserve().unwrap();
    rx.close();
    let mut recv = pin!(rx.recv());
    assert!(poll_once(recv.as_mut(), &waker).is_pending());
    drop(permit);
    assert_eq!(poll_once(recv.as_mut(), &waker), Poll::Ready(None));
}

#[test]
fn messages_sent_before_the_last_sender_drops_are_received_before_none() {
    let (tx, mut rx) = unbounded_channel();
    let tx2 = tx.clone();
    tx.send(1).unwrap();
    drop(tx);
    tx2.send(2).unwrap();
    assert!(!rx.is_closed());
    drop(tx2);
    assert!(rx.is_closed());
    let mut buf = Vec::new();
    let (_, waker) = counting_waker();
    assert_eq!(
        poll_once(pin!(rx.recv_many(&mut buf, 10)), &waker),
        Poll::Ready(2)
    );
    assert_eq!(buf, [1, 2]);
    assert_eq!(poll_once(pin!(rx.recv()), &waker), Poll::Ready(None));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
fn the_last_sender_dropping_wakes_a_waiting_receiver() {
    let (tx, mut rx) = channel::<u8>(1);
    let (wakes, waker) = counting_waker();
    let mut recv = pin!(rx.recv());
    assert!(poll_once(recv.as_mut(), &waker).is_pending());
    let weak = tx.downgrade();
    drop(tx);
    assert_eq!(wakes.0.load(SeqCst), 1);
    assert_eq!(poll_once(recv.as_mut(), &waker), Poll::Ready(None));
    assert!(weak.upgrade().is_none(), "a closed channel stays closed");
}

#[test]
fn a_weak_sender_does_not_keep_the_channel_open() {
    let (tx, rx) = channel::<u8>(1);
    let weak = tx.downgrade();
    assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
    assert_eq!(rx.sender_strong_count(), 1);
    let tx2 = weak.upgrade().unwrap();
    drop(tx);
    assert!(!rx.is_closed());
    drop(tx2);
    assert!(rx.is_closed());
    assert!(weak.upgrade().is_none());
}

#[test]
fn dropping_the_receiver_fails_sends_and_drops_queued_messages() {
    struct Tracked(Arc<AtomicUsize>);
    impl Drop for Tracked {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = channel(4);
    for _ in 0..3 {
        tx.try_send(Tracked(drops.clone())).unwrap();
    }
    drop(rx);
    assert_eq!(
        drops.load(SeqCst),
        3,
        "queued messages dropped with the receiver"
    );
    let err = tx.try_send(Tracked(drops.clone())).unwrap_err();
    assert!(err.is_closed());
    drop(err);
    assert_eq!(drops.load(SeqCst), 4);
    let (utx, urx) = unbounded_channel::<u8>();
    drop(urx);
    assert_eq!(utx.send(1).unwrap_err().0, 1);
}

#[test]
fn an_unbounded_receiver_behind_its_senders_keeps_order_count_close_and_drops() {
    struct Tracked(u32, Arc<AtomicUsize>);
    impl Drop for Tracked {
        fn drop(&mut self) {
            self.1.fetch_add(1, SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, mut rx) = unbounded_channel();
    for i in 0..3 {
        tx.send(Tracked(i, drops.clone())).ok().unwrap();
    }
    // The first receive finds three queued: the two left still count.
    assert_eq!(rx.try_recv().ok().unwrap().0, 0);
    assert_eq!(rx.len(), 2);
    tx.send(Tracked(3, drops.clone())).ok().unwrap();
    assert_eq!(rx.len(), 3);
    rx.close();
    assert!(tx.send(Tracked(9, drops.clone())).is_err());
    // Queued before the close, older ones first.
    assert_eq!(rx.try_recv().ok().unwrap().0, 1);
    let mut rest = Vec::new();
    let taken = rt::Runtime::new()
        .unwrap()
        .block_on(rx.recv_many(&mut rest, 1));
    assert_eq!((taken, rest[0].0), (1, 2));
    drop(rest);
    assert_eq!(drops.load(SeqCst), 4, "0, 1, 2 and the refused 9 dropped");
    // One still queued: the receiver's drop drops it.
    drop(rx);
    assert_eq!(drops.load(SeqCst), 5);
}

#[test]
fn send_timeout_gives_the_value_back_on_timeout_and_on_close() {
    watchdog(LIMIT, || {
        runtime(1).block_on(async {
            let (tx, rx) = channel(1);
            tx.send(1).await.unwrap();
            assert_eq!(
                tx.send_timeout(2, Duration::from_millis(10)).await,
                Err(SendTimeoutError::Timeout(2))
            );
            drop(rx);
            assert_eq!(
                tx.send_timeout(3, Duration::from_secs(10)).await,
                Err(SendTimeoutError::Closed(3))
            );
        })
    });
}

#[test]
fn closed_completes_when_the_receiver_goes() {
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let (tx, mut rx) = channel::<u8>(1);
            let waiter = rt::spawn(async move { tx.closed().await });
            yield_now().await;
            rx.close();
            waiter.await.unwrap();
            let (tx, rx) = unbounded_channel::<u8>();
            let waiter = rt::spawn(async move { tx.closed().await });
            drop(rx);
            waiter.await.unwrap();
        })
    });
}

#[test]
fn blocking_methods_work_from_plain_threads_and_panic_in_async_code() {
    watchdog(LIMIT, blocking_methods_body);
}

fn blocking_methods_body() {
    let (tx, mut rx) = channel(1);
    let feeder = std::thread::spawn(move || {
        for i in 0..100 {
            tx.blocking_send(i).unwrap();
        }
    });
    for i in 0..100 {
        assert_eq!(rx.blocking_recv(), Some(i));
    }
    feeder.join().unwrap();
    assert_eq!(rx.blocking_recv(), None);

    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        one_worker().block_on(async {
            let (_tx, mut rx) = channel::<u8>(1);
            rx.blocking_recv()
        })
    }))
    .unwrap_err();
    assert!(
        panic_message(panic).contains("blocking_recv"),
        "the panic names the method"
    );
}

#[test]
#[should_panic(expected = "buffer > 0")]
fn a_channel_of_zero_slots_panics() {
    let _ = channel::<u8>(0);
}

#[test]
fn reserve_many_beyond_the_capacity_fails_at_once() {
    let (tx, _rx) = channel::<u8>(2);
    let (_, waker) = counting_waker();
    assert!(matches!(
        poll_once(pin!(tx.reserve_many(3)), &waker),
        Poll::Ready(Err(_))
    ));
    assert_eq!(tx.max_capacity(), 2);
}

/// Runs `body` as a task on a one-worker runtime.
fn run_task<T, F>(body: impl FnOnce() -> F + Send + 'static) -> T
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    watchdog(LIMIT, move || {
        let rt = one_worker();
        let task = rt.spawn(body());
        rt.block_on(task).expect("the task completes")
    })
}

/// Yield once (a fresh budget for the next poll), then spawn a neighbour
/// that sets the returned flag.
async fn fresh_poll_and_neighbour() -> Arc<AtomicBool> {
    yield_now().await;
    let flag = Arc::new(AtomicBool::new(false));
    let set = flag.clone();
    drop(rt::spawn(async move { set.store(true, SeqCst) }));
    flag
}

#[test]
fn a_recv_loop_on_an_always_full_channel_lets_its_neighbour_run() {
    let count = run_task(|| async {
        let (tx, mut rx) = channel(MESSAGES);
        for i in 0..MESSAGES {
            tx.try_send(i).unwrap();
        }
        let flag = fresh_poll_and_neighbour().await;
        let mut count = 0;
        while count < MESSAGES && !flag.load(SeqCst) {
            // A yield forced by the budget must lose no message.
            assert_eq!(rx.recv().await, Some(count));
            count += 1;
        }
        count
    });
    assert_eq!(
        count,
        BUDGET + 1,
        "recv must consume budget and yield at 128"
    );
}

#[test]
fn a_send_loop_on_a_never_full_channel_lets_its_neighbour_run() {
    let count = run_task(|| async {
        let (tx, _rx) = mpsc::channel(MESSAGES);
        let flag = fresh_poll_and_neighbour().await;
        let mut count = 0;
        while count < MESSAGES && !flag.load(SeqCst) {
            tx.send(count).await.unwrap();
            count += 1;
        }
        count
    });
    assert_eq!(
        count,
        BUDGET + 1,
        "send must consume budget and yield at 128"
    );
}

/// The handles and the futures of every channel can move into spawned
/// tasks and be shared between threads, as tokio's can.
#[allow(dead_code)]
fn _assert_send_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let (tx, mut rx) = channel::<String>(1);
    send_sync(&tx);
    send_sync(&rx);
    send_sync(&tx.downgrade());
    send(&tx.send(String::new()));
    send(&tx.reserve());
    send(&tx.reserve_many(2));
    send(&tx.closed());
    send(&rx.recv());
    let (utx, urx) = unbounded_channel::<String>();
    send_sync(&utx);
    send_sync(&urx);
    // Values that may move between threads but not be shared: the
    // receivers are still `Sync`, as tokio's are.
    send_sync(&channel::<std::cell::Cell<u8>>(1).1);
    send_sync(&unbounded_channel::<std::cell::Cell<u8>>().1);
    // And `Unpin` whatever the values are (`poll_recv` through
    // `Pin::into_inner` in a `Stream` wrapper needs it).
    fn unpin<T: Unpin>(_: &T) {}
    unpin(&channel::<std::marker::PhantomPinned>(1).1);
    unpin(&unbounded_channel::<std::marker::PhantomPinned>().1);
    let (otx, orx) = rt::sync::oneshot::channel::<String>();
    send_sync(&otx);
    send_sync(&orx);
    let (btx, mut brx) = rt::sync::broadcast::channel::<String>(1);
    send_sync(&btx);
    send_sync(&brx);
    send(&brx.recv());
    send(&btx.closed());
    let (wtx, mut wrx) = rt::sync::watch::channel(String::new());
    send_sync(&wtx);
    send_sync(&wrx);
    send(&wrx.changed());
    send(&wrx.wait_for(|s| s.is_empty()));
    send(&wtx.closed());
}
