//! `rt::sync::oneshot`: the value arrives, or an error says it never will;
//! closing and dropping either side are seen by the other; the receiver
//! can be raced and re-awaited; every value is dropped exactly once.

use crate::support;

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use rt::sync::oneshot::{self, error::TryRecvError};
use support::{one_worker, panic_message, runtime, watchdog};

const LIMIT: Duration = Duration::from_secs(30);
/// Channels of the cross-thread stress test.
const ROUNDS: usize = 2_000;

#[derive(Default)]
struct WakeCount(AtomicUsize);

impl Wake for WakeCount {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// Counts its drops.
struct Tracked(Arc<AtomicUsize>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

#[test]
fn the_value_sent_is_received_across_tasks() {
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let (tx, rx) = oneshot::channel();
            rt::spawn(async move { tx.send(String::from("hi")).unwrap() });
            assert_eq!(rx.await.unwrap(), "hi");
        })
    });
}

#[test]
fn a_waiting_receiver_is_woken_by_the_send_and_by_the_sender_drop() {
    let wakes = Arc::new(WakeCount::default());
    let waker = Waker::from(wakes.clone());
    let mut cx = Context::from_waker(&waker);

    let (tx, mut rx) = oneshot::channel();
    assert!(pin!(&mut rx).poll(&mut cx).is_pending());
    tx.send(1).unwrap();
    assert_eq!(wakes.0.load(SeqCst), 1);
    assert_eq!(pin!(&mut rx).poll(&mut cx), Poll::Ready(Ok(1)));
    assert!(rx.is_terminated());

    let (tx, mut rx) = oneshot::channel::<u8>();
    assert!(pin!(&mut rx).poll(&mut cx).is_pending());
    drop(tx);
    assert_eq!(wakes.0.load(SeqCst), 2);
    assert!(matches!(pin!(&mut rx).poll(&mut cx), Poll::Ready(Err(_))));
}

#[test]
fn the_receiver_can_lose_a_race_and_be_awaited_again() {
    let (tx, mut rx) = oneshot::channel();
    let waker = Waker::noop();
    let mut cx = Context::from_waker(waker);
    // Polled in a select that another branch won: nothing is consumed.
    assert!(pin!(&mut rx).poll(&mut cx).is_pending());
    assert!(!rx.is_terminated());
    tx.send(5).unwrap();
    assert!(!rx.is_empty());
    assert_eq!(pin!(&mut rx).poll(&mut cx), Poll::Ready(Ok(5)));
    assert!(rx.is_empty() && rx.is_terminated());
}

#[test]
fn dropping_the_receiver_fails_the_send_and_wakes_closed() {
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let (mut tx, rx) = oneshot::channel::<u8>();
            assert!(!tx.is_closed());
            let dropper = rt::spawn(async move {
                rt::task::yield_now().await;
                drop(rx);
            });
            tx.closed().await;
            assert!(tx.is_closed());
            assert_eq!(tx.send(1), Err(1), "the value comes back");
            dropper.await.unwrap();
        })
    });
}

#[test]
fn close_refuses_later_sends_but_keeps_a_value_sent_before() {
    let (tx, mut rx) = oneshot::channel::<u8>();
    rx.close();
    assert_eq!(tx.send(1), Err(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));

    let (tx, mut rx) = oneshot::channel();
    tx.send(2).unwrap();
    rx.close();
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed), "taken once");

    let (mut tx, mut rx) = oneshot::channel::<u8>();
    let mut closed = pin!(poll_fn(|cx| tx.poll_closed(cx)));
    let wakes = Arc::new(WakeCount::default());
    let waker = Waker::from(wakes.clone());
    assert!(closed
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    rx.close();
    assert_eq!(wakes.0.load(SeqCst), 1, "close wakes `closed`");
}

#[test]
fn try_recv_reports_empty_then_the_value_then_closed() {
    let (tx, mut rx) = oneshot::channel();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert!(rx.is_empty());
    tx.send(9).unwrap();
    assert_eq!(rx.try_recv(), Ok(9));
    assert!(rx.is_terminated());
    let (tx, mut rx) = oneshot::channel::<u8>();
    drop(tx);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
#[should_panic(expected = "after it completed")]
fn polling_a_completed_receiver_panics() {
    let (tx, mut rx) = oneshot::channel();
    tx.send(1).unwrap();
    let mut cx = Context::from_waker(Waker::noop());
    let _ = pin!(&mut rx).poll(&mut cx);
    let _ = pin!(&mut rx).poll(&mut cx);
}

#[test]
fn every_value_is_dropped_exactly_once_whoever_finishes_first() {
    watchdog(LIMIT, drop_race_body);
}

fn drop_race_body() {
    let drops = Arc::new(AtomicUsize::new(0));
    let mut received = 0;
    for round in 0..ROUNDS {
        let (tx, rx) = oneshot::channel();
        let value = Tracked(drops.clone());
        let sender = std::thread::spawn(move || tx.send(value).is_ok());
        if round % 2 == 0 {
            drop(rx); // races the send
        } else if rx.blocking_recv().is_ok() {
            received += 1;
        }
        sender.join().unwrap();
    }
    assert_eq!(
        drops.load(SeqCst),
        ROUNDS,
        "a value leaked or dropped twice"
    );
    assert_eq!(received, ROUNDS / 2);
}

#[test]
fn blocking_recv_panics_inside_the_runtime() {
    let panic = std::panic::catch_unwind(|| {
        one_worker().block_on(async {
            let (_tx, rx) = oneshot::channel::<u8>();
            rx.blocking_recv()
        })
    })
    .unwrap_err();
    assert!(panic_message(panic).contains("blocking_recv"));
}
