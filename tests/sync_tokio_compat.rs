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
