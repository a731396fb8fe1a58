//! Behaviour of `rt::sync` that tokio's own test suite checks
//! (scripts/tokio-tests.sh) and that users of tokio's API rely on: panic
//! messages a `#[should_panic(expected = ..)]` may match, counts a receiver
//! can read, and handles that may cross `catch_unwind`.

use std::panic::{RefUnwindSafe, UnwindSafe};

use rt::sync::{broadcast, mpsc, RwLock, Semaphore};

fn unwind_safe<T: UnwindSafe + RefUnwindSafe>() {}

#[test]
fn mpsc_handles_may_cross_catch_unwind() {
    unwind_safe::<mpsc::Sender<std::cell::Cell<u8>>>();
    unwind_safe::<mpsc::Receiver<std::cell::Cell<u8>>>();
    unwind_safe::<mpsc::UnboundedSender<std::cell::Cell<u8>>>();
    unwind_safe::<mpsc::UnboundedReceiver<std::cell::Cell<u8>>>();
    unwind_safe::<mpsc::WeakSender<u8>>();
    unwind_safe::<mpsc::OwnedPermit<u8>>();
}

#[test]
fn broadcast_receiver_sees_sender_counts() {
    let (tx, rx) = broadcast::channel::<u8>(2);
    assert_eq!((rx.sender_strong_count(), rx.sender_weak_count()), (1, 0));
    let tx2 = tx.clone();
    let weak = tx.downgrade();
    assert_eq!((rx.sender_strong_count(), rx.sender_weak_count()), (2, 1));
    drop(tx);
    drop(weak);
    assert_eq!((rx.sender_strong_count(), rx.sender_weak_count()), (1, 0));
    drop(tx2);
    assert_eq!(rx.sender_strong_count(), 0);
}

#[test]
#[should_panic(expected = "a RwLock may not be created with 0 readers")]
fn rwlock_with_zero_readers_panics() {
    let _ = RwLock::with_max_readers((), 0);
}

#[test]
#[should_panic(expected = "a RwLock may not be created with 0 readers")]
fn const_rwlock_with_zero_readers_panics() {
    let _ = RwLock::const_with_max_readers((), 0);
}

#[rt::test]
#[should_panic(expected = "Cannot block the current thread from within a runtime")]
async fn blocking_acquire_in_a_task_panics() {
    let sem = Semaphore::new(1);
    let _permit = sem.blocking_acquire();
}

/// A waker that sends on a broadcast channel when its last clone drops.
struct SendsWhenDropped(broadcast::Sender<u8>);

impl std::task::Wake for SendsWhenDropped {
    fn wake(self: std::sync::Arc<Self>) {}
}

impl Drop for SendsWhenDropped {
    fn drop(&mut self) {
        let _ = self.0.send(7);
    }
}

#[test]
fn broadcast_drops_a_replaced_waker_outside_its_lock() {
    use std::future::Future;
    use std::sync::Arc;
    use std::task::{Context, Waker};

    let (tx, mut rx) = broadcast::channel::<u8>(4);
    let mut recv = Box::pin(rx.recv());
    // Park the receiver with a waker that sends when dropped, then let go
    // of every other clone of it: the channel holds the last one.
    let waker = Waker::from(Arc::new(SendsWhenDropped(tx.clone())));
    assert!(recv
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    drop(waker);
    // Polling with another waker replaces it; its drop sends, which takes
    // the channel's lock: this must not deadlock (the test would hang).
    let _ = recv.as_mut().poll(&mut Context::from_waker(Waker::noop()));
    drop(recv);

    // The same when the receiver is dropped while parked.
    let mut rx2 = tx.subscribe();
    let mut recv = Box::pin(rx2.recv());
    let waker = Waker::from(Arc::new(SendsWhenDropped(tx.clone())));
    assert!(recv
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    drop(waker);
    drop(recv);
    drop(rx2);
    assert_eq!(tx.send(1).unwrap(), 1);
}

#[test]
fn notify_last_passes_on_to_the_newest_waiter() {
    use std::future::Future;
    use std::task::{Context, Waker};

    let notify = rt::sync::Notify::new();
    let mut cx = Context::from_waker(Waker::noop());
    let mut first = Box::pin(notify.notified());
    let mut second = Box::pin(notify.notified());
    let mut third = Box::pin(notify.notified());
    for n in [&mut first, &mut second, &mut third] {
        assert!(n.as_mut().poll(&mut cx).is_pending());
    }
    notify.notify_last();
    // The newest waiter got it but goes away without returning it: the
    // notification goes to the newest waiter left, not the oldest.
    drop(third);
    assert!(second.as_mut().poll(&mut cx).is_ready());
    assert!(first.as_mut().poll(&mut cx).is_pending());
}

#[test]
fn broadcast_receiver_moves_past_a_value_whose_clone_panicked() {
    #[derive(Debug, PartialEq)]
    struct Fragile(u8);
    impl Clone for Fragile {
        fn clone(&self) -> Fragile {
            assert_ne!(self.0, 0, "cloning Fragile(0)");
            Fragile(self.0)
        }
    }

    let (tx, mut rx) = broadcast::channel(4);
    tx.send(Fragile(0)).unwrap();
    tx.send(Fragile(1)).unwrap();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rx.try_recv()));
    assert!(panicked.is_err());
    assert_eq!(rx.try_recv(), Ok(Fragile(1)));
    assert_eq!(rx.try_recv(), Err(broadcast::error::TryRecvError::Empty));
}
