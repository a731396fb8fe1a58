//! loom models of the delivery protocol (`slot.rs`; the crate docs,
//! "Delivery"): no lost wake-up between a listener going to sleep and a
//! dispatcher delivering, and one delivery per mark when dispatchers race.
//!
//! ```text
//! RUSTFLAGS="--cfg loom" cargo test -p rt-signal --release --lib
//! ```

use std::sync::Arc as StdArc;
use std::task::{Context, Poll, Wake, Waker};

use loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use loom::sync::Arc;
use loom::thread;

use crate::slot::Slot;

/// A waker that counts its wakes.
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: StdArc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// A listener polls while the handler marks and a dispatcher delivers:
/// it either sees the delivery at once or is woken for it, and sees it
/// exactly once.
#[test]
fn listener_never_misses_a_delivery() {
    loom::model(|| {
        let slot = Arc::new(Slot::new());
        let (key, mut seen) = slot.listen();
        let dispatcher = {
            let slot = slot.clone();
            thread::spawn(move || {
                slot.mark_pending();
                slot.deliver_if_pending();
            })
        };
        let count = StdArc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(count.clone());
        let mut cx = Context::from_waker(&waker);
        let first = slot.poll_delivery(key, &mut seen, &mut cx);
        dispatcher.join().unwrap();
        if first.is_pending() {
            assert_eq!(count.0.load(SeqCst), 1, "a delivery without a wake-up");
            assert_eq!(slot.poll_delivery(key, &mut seen, &mut cx), Poll::Ready(()));
        }
        // One mark, one delivery.
        assert_eq!(slot.poll_delivery(key, &mut seen, &mut cx), Poll::Pending);
        slot.unlisten(key);
    });
}

/// Two dispatchers (two runtimes) race for one mark: one delivers it, and
/// both of two listeners receive it once.
#[test]
fn racing_dispatchers_deliver_once_to_every_listener() {
    loom::model(|| {
        let slot = Arc::new(Slot::new());
        let (a, mut seen_a) = slot.listen();
        let (b, mut seen_b) = slot.listen();
        slot.mark_pending();
        let other = {
            let slot = slot.clone();
            thread::spawn(move || slot.deliver_if_pending())
        };
        slot.deliver_if_pending();
        other.join().unwrap();
        let count = StdArc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(count);
        let mut cx = Context::from_waker(&waker);
        for (key, seen) in [(a, &mut seen_a), (b, &mut seen_b)] {
            assert_eq!(slot.poll_delivery(key, seen, &mut cx), Poll::Ready(()));
            assert_eq!(slot.poll_delivery(key, seen, &mut cx), Poll::Pending);
        }
    });
}
