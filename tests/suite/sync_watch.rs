//! `rt::sync::watch`: receivers see the latest value and wait for
//! changes; a receiver subscribed after a send sees no change until the
//! next one; `changed` fails once the senders are gone (after any unseen
//! value); a wait for changes lets its neighbours run. Receivers parked
//! from many threads (which park in different shards of the channel) are
//! all woken by one send, only through their latest waker, and a dropped
//! wait leaves no waker behind; a waker may send again from `wake`.

use crate::support;

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use rt::sync::watch;
use rt::task::yield_now;
use support::{one_worker, runtime, watchdog};

const LIMIT: Duration = Duration::from_secs(30);
const SENDS: usize = 5_000;
const BUDGET: usize = 128;

#[derive(Default)]
struct WakeCount(AtomicUsize);

impl Wake for WakeCount {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

#[test]
fn a_receiver_subscribed_after_a_send_sees_no_change_until_the_next() {
    let (tx, _rx) = watch::channel(0);
    tx.send(1).unwrap();
    let mut late = tx.subscribe();
    assert_eq!(late.has_changed(), Ok(false));
    assert_eq!(*late.borrow(), 1);
    let wakes = Arc::new(WakeCount::default());
    let waker = Waker::from(wakes.clone());
    let mut cx = Context::from_waker(&waker);
    {
        let mut changed = Box::pin(late.changed());
        assert!(changed.as_mut().poll(&mut cx).is_pending());
        tx.send(2).unwrap();
        assert_eq!(wakes.0.load(SeqCst), 1);
        assert_eq!(changed.as_mut().poll(&mut cx), Poll::Ready(Ok(())));
    }
    assert_eq!(*late.borrow(), 2);
    assert_eq!(
        late.has_changed(),
        Ok(false),
        "changed marks the value seen"
    );
}

#[test]
fn changed_fails_once_the_senders_are_gone_after_any_unseen_value() {
    watchdog(LIMIT, || {
        one_worker().block_on(async {
            let (tx, mut rx) = watch::channel(0);
            let tx2 = tx.clone();
            tx.send(1).unwrap();
            drop(tx);
            drop(tx2);
            assert!(rx.has_changed().is_err());
            assert!(rx.changed().await.is_ok(), "the unseen value first");
            assert_eq!(*rx.borrow(), 1);
            assert!(rx.changed().await.is_err());

            // A receiver parked in `changed` is woken by the drop.
            let (tx, mut rx) = watch::channel(0);
            rt::spawn(async move {
                yield_now().await;
                drop(tx);
            });
            assert!(rx.changed().await.is_err());
        })
    });
}

#[test]
fn borrow_does_not_mark_seen_and_borrow_and_update_does() {
    let (tx, mut rx) = watch::channel(String::from("a"));
    tx.send("b".into()).unwrap();
    assert!(rx.borrow().has_changed());
    assert!(rx.has_changed().unwrap());
    let seen = rx.borrow_and_update();
    assert!(seen.has_changed());
    assert_eq!(*seen, "b");
    drop(seen);
    assert!(!rx.borrow().has_changed());
    rx.mark_changed();
    assert!(rx.has_changed().unwrap());
    rx.mark_unchanged();
    assert!(!rx.has_changed().unwrap());
}

#[test]
fn send_needs_a_receiver_but_send_replace_and_modify_do_not() {
    let (tx, rx) = watch::channel(0);
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(1).unwrap_err().0, 1);
    assert_eq!(*tx.borrow(), 0, "a failed send stores nothing");
    assert_eq!(tx.send_replace(2), 0);
    tx.send_modify(|v| *v += 1);
    assert_eq!(*tx.borrow(), 3);
    let rx = tx.subscribe();
    assert!(!tx.send_if_modified(|_| false));
    assert_eq!(rx.has_changed(), Ok(false), "unmodified: no notification");
    assert!(tx.send_if_modified(|v| {
        *v = 4;
        true
    }));
    assert_eq!(rx.has_changed(), Ok(true));
}

#[test]
fn a_receiver_eventually_sees_the_last_of_many_sends() {
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let (tx, mut rx) = watch::channel(0);
            rt::spawn(async move {
                for i in 1..=SENDS {
                    tx.send(i).unwrap();
                    if i % 64 == 0 {
                        yield_now().await;
                    }
                }
            });
            let mut last = 0;
            while rx.changed().await.is_ok() {
                let now = *rx.borrow_and_update();
                assert!(now > last, "values only move forward");
                last = now;
            }
            assert_eq!(last, SENDS);
        })
    });
}

#[test]
fn wait_for_checks_the_current_value_then_waits() {
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let (tx, mut rx) = watch::channel(5);
            assert_eq!(*rx.wait_for(|v| *v == 5).await.unwrap(), 5);
            let sender = rt::spawn(async move {
                for i in 6..=10 {
                    tx.send(i).unwrap();
                    yield_now().await;
                }
            });
            assert!(*rx.wait_for(|v| *v >= 8).await.unwrap() >= 8);
            sender.await.unwrap();
            assert!(rx.wait_for(|v| *v == 100).await.is_err());
        })
    });
}

#[test]
fn closed_completes_when_the_last_receiver_drops() {
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let (tx, rx) = watch::channel(0);
            let rx2 = rx.clone();
            assert_eq!(tx.receiver_count(), 2);
            rt::spawn(async move {
                drop(rx);
                yield_now().await;
                drop(rx2);
            });
            tx.closed().await;
            assert!(tx.is_closed());
        })
    });
}

#[test]
fn a_changed_loop_that_is_always_ready_lets_its_neighbour_run() {
    assert_eq!(steps_before_the_neighbour_runs(Step::Changed), BUDGET + 1);
}

/// What the always-ready loop of `steps_before_the_neighbour_runs` awaits.
#[derive(Clone, Copy)]
enum Step {
    /// A send, then `changed` (ready at once).
    Changed,
    /// `wait_for` on a value that is already there.
    WaitFor,
    /// `Sender::closed` on a channel whose receivers are gone.
    Closed,
}

/// Loops on `step` (always ready at once) in a task on a one-worker
/// runtime beside a task that sets a flag; returns how many steps ran
/// before the flag's task did (at most 1,000).
fn steps_before_the_neighbour_runs(step: Step) -> usize {
    watchdog(LIMIT, move || {
        let rt = one_worker();
        let task = rt.spawn(async move {
            let (tx, mut rx) = watch::channel(1);
            let closed = watch::channel(0).0; // its receiver is gone
            yield_now().await;
            let flag = Arc::new(AtomicBool::new(false));
            let set = flag.clone();
            drop(rt::spawn(async move { set.store(true, SeqCst) }));
            let mut count = 0;
            while count < 1_000 && !flag.load(SeqCst) {
                match step {
                    Step::Changed => {
                        tx.send(count).unwrap();
                        rx.changed().await.unwrap();
                    }
                    Step::WaitFor => {
                        tx.send(1).unwrap();
                        assert_eq!(*rx.wait_for(|v| *v == 1).await.unwrap(), 1);
                    }
                    Step::Closed => closed.closed().await,
                }
                count += 1;
            }
            count
        });
        rt.block_on(task).unwrap()
    })
}

#[test]
fn a_wait_for_loop_whose_value_is_always_there_lets_its_neighbour_run() {
    assert_eq!(steps_before_the_neighbour_runs(Step::WaitFor), BUDGET + 1);
}

#[test]
fn a_closed_loop_on_a_closed_channel_lets_its_neighbour_run() {
    assert_eq!(steps_before_the_neighbour_runs(Step::Closed), BUDGET + 1);
}

/// A parked `changed` future.
type Changed<'a> =
    std::pin::Pin<Box<dyn Future<Output = Result<(), watch::error::RecvError>> + Send + 'a>>;

/// Parks one `changed` of each receiver of `rxs`, each on a fresh thread
/// of its own with a waker of its own; returns the futures and the
/// wakers' counts.
fn park_on_threads(rxs: &mut [watch::Receiver<usize>]) -> (Vec<Changed<'_>>, Vec<Arc<WakeCount>>) {
    std::thread::scope(|scope| {
        let parked: Vec<_> = rxs
            .iter_mut()
            .map(|rx| {
                scope.spawn(move || {
                    let wakes = Arc::new(WakeCount::default());
                    let waker = Waker::from(wakes.clone());
                    let mut changed: Changed<'_> = Box::pin(rx.changed());
                    let first = changed.as_mut().poll(&mut Context::from_waker(&waker));
                    assert!(first.is_pending(), "nothing was sent yet");
                    (changed, wakes)
                })
            })
            .collect();
        parked.into_iter().map(|t| t.join().unwrap()).unzip()
    })
}

#[test]
fn one_send_wakes_receivers_parked_from_many_threads() {
    // More threads than the channel has shards: every shard holds some.
    let (tx, rx) = watch::channel(0);
    let mut rxs: Vec<_> = (0..16).map(|_| rx.clone()).collect();
    let (mut parked, wakes) = park_on_threads(&mut rxs);
    assert!(wakes.iter().all(|w| w.0.load(SeqCst) == 0));
    tx.send(1).unwrap();
    for (i, w) in wakes.iter().enumerate() {
        assert_eq!(w.0.load(SeqCst), 1, "receiver {i} woken once");
    }
    let waker = Waker::noop();
    for changed in &mut parked {
        let ready = changed.as_mut().poll(&mut Context::from_waker(waker));
        assert_eq!(ready, Poll::Ready(Ok(())));
    }
    drop(parked);
    // The channel kept no clone of any waker.
    assert!(wakes.iter().all(|w| Arc::strong_count(w) == 1));
}

#[test]
fn a_dropped_wait_leaves_no_waker_behind_on_any_thread() {
    let (tx, rx) = watch::channel(0);
    let mut rxs: Vec<_> = (0..16).map(|_| rx.clone()).collect();
    let (parked, wakes) = park_on_threads(&mut rxs);
    assert!(
        wakes.iter().all(|w| Arc::strong_count(w) == 2),
        "each parked"
    );
    drop(parked);
    for (i, w) in wakes.iter().enumerate() {
        assert_eq!(Arc::strong_count(w), 1, "receiver {i}'s waker released");
    }
    tx.send(1).unwrap();
    assert!(wakes.iter().all(|w| w.0.load(SeqCst) == 0));
}

#[test]
fn a_wait_polled_again_on_another_thread_is_woken_through_its_new_waker() {
    let (tx, mut rx) = watch::channel(0);
    let first = Arc::new(WakeCount::default());
    let second = Arc::new(WakeCount::default());
    let mut changed = Box::pin(rx.changed());
    // Each poll on a thread of its own (threads park in different shards).
    for wakes in [&first, &second] {
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let waker = Waker::from(wakes.clone());
                let poll = changed.as_mut().poll(&mut Context::from_waker(&waker));
                assert!(poll.is_pending());
            });
        });
    }
    assert_eq!(
        Arc::strong_count(&first),
        1,
        "the replaced waker is released"
    );
    tx.send(1).unwrap();
    assert_eq!(first.0.load(SeqCst), 0, "the replaced waker is not woken");
    assert_eq!(second.0.load(SeqCst), 1);
    let ready = changed
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()));
    assert_eq!(ready, Poll::Ready(Ok(())));
}

/// A waker that sends the next value on the channel when woken.
struct SendsAgain {
    tx: watch::Sender<usize>,
    wakes: AtomicUsize,
}

impl Wake for SendsAgain {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, SeqCst);
        self.tx.send_modify(|v| *v += 1);
    }
}

#[test]
fn a_waker_may_send_on_the_channel_from_wake() {
    watchdog(LIMIT, || {
        let (tx, mut rx) = watch::channel(0);
        let again = Arc::new(SendsAgain {
            tx: tx.clone(),
            wakes: AtomicUsize::new(0),
        });
        let waker = Waker::from(again.clone());
        let mut other = rx.clone();
        let other_wakes = Arc::new(WakeCount::default());
        let other_waker = Waker::from(other_wakes.clone());
        let mut changed = Box::pin(rx.changed());
        let mut other_changed = Box::pin(other.changed());
        assert!(changed
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending());
        let pending = other_changed
            .as_mut()
            .poll(&mut Context::from_waker(&other_waker));
        assert!(pending.is_pending());
        // Woken by this send, `again` sends from inside its wake: no lock
        // of the channel may be held then (this would deadlock).
        tx.send(1).unwrap();
        assert_eq!(again.wakes.load(SeqCst), 1);
        assert_eq!(other_wakes.0.load(SeqCst), 1);
        assert_eq!(*tx.borrow(), 2, "the waker's own send went through");
        let ready = changed.as_mut().poll(&mut Context::from_waker(&waker));
        assert_eq!(ready, Poll::Ready(Ok(())));
        let ready = other_changed
            .as_mut()
            .poll(&mut Context::from_waker(&other_waker));
        assert_eq!(ready, Poll::Ready(Ok(())));
    })
}
