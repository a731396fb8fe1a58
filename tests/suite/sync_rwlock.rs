//! `rt::sync::RwLock`: readers share, a writer excludes, access is granted
//! in arrival order (a waiting writer is not overtaken by later readers,
//! and it is not starved by a stream of readers), `downgrade` lets readers
//! in but no writer, `with_max_readers` caps the readers, guards map, and
//! the `blocking_*` methods are refused on a thread that drives tasks.

use crate::support;
use crate::sync_support;

use std::sync::atomic::{AtomicIsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use rt::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use support::{runtime, watchdog};
use sync_support::Manual;

/// Bound on each test that runs a runtime.
const LIMIT: Duration = Duration::from_secs(30);
/// Tasks and rounds of the stress test.
const TASKS: usize = 8;
const ROUNDS: usize = 300;

#[test]
fn a_waiting_writer_is_not_overtaken_by_later_readers() {
    let lock = RwLock::new(0);
    let first_reader = lock.try_read().unwrap();
    let mut writer = Manual::new(lock.write());
    writer.pending();
    assert!(
        lock.try_read().is_err(),
        "a writer waits: readers queue behind"
    );
    let mut late_reader = Manual::new(lock.read());
    late_reader.pending();
    // Readers keep coming and going; the writer keeps what they give back.
    let second_reader = Manual::new(lock.read()).poll();
    assert!(second_reader.is_pending());
    drop(first_reader);
    assert_eq!(writer.wakes(), 1);
    assert_eq!(late_reader.wakes(), 0);
    let mut guard = writer.ready();
    *guard = 1;
    late_reader.pending();
    drop(guard);
    assert_eq!(late_reader.wakes(), 1);
    assert_eq!(*late_reader.ready(), 1);
}

#[test]
fn readers_share_and_a_writer_excludes() {
    let lock = RwLock::new(5);
    let a = lock.try_read().unwrap();
    let b = Manual::new(lock.read()).ready();
    assert_eq!(*a + *b, 10);
    assert!(lock.try_write().is_err());
    drop((a, b));
    let mut w = lock.try_write().unwrap();
    assert!(lock.try_read().is_err());
    assert!(lock.try_write().is_err());
    *w = 6;
    drop(w);
    assert_eq!(*lock.try_read().unwrap(), 6);
}

#[test]
fn with_max_readers_caps_the_readers() {
    let lock = RwLock::with_max_readers((), 2);
    let a = lock.try_read().unwrap();
    let b = lock.try_read().unwrap();
    assert!(lock.try_read().is_err());
    let mut third = Manual::new(lock.read());
    third.pending();
    drop(a);
    assert_eq!(third.wakes(), 1);
    let c = third.ready();
    drop((b, c));
    assert!(lock.try_write().is_ok());
}

#[test]
fn downgrade_lets_readers_in_but_no_writer() {
    let lock = RwLock::new(vec![1]);
    let mut writer = lock.try_write().unwrap();
    let mut reader = Manual::new(lock.read());
    reader.pending();
    writer.push(2);
    let read = writer.downgrade();
    assert_eq!(reader.wakes(), 1, "the queued reader is let in");
    assert_eq!(*reader.ready(), [1, 2]);
    assert!(lock.try_write().is_err());
    assert_eq!(*read, [1, 2]);
}

#[test]
fn guards_map_to_parts_and_keep_the_lock() {
    let lock = Arc::new(RwLock::new((1, String::from("one"))));
    let name = RwLockReadGuard::map(lock.try_read().unwrap(), |p| p.1.as_str());
    assert_eq!(&*name, "one");
    assert!(lock.try_write().is_err());
    drop(name);
    let mut number = RwLockWriteGuard::map(lock.try_write().unwrap(), |p| &mut p.0);
    *number = 2;
    assert!(lock.try_read().is_err());
    drop(number);
    let owned = lock.clone().try_write_owned().unwrap();
    let owned_read = owned.downgrade();
    assert!(lock.try_read().is_ok());
    assert!(lock.try_write().is_err());
    drop(owned_read);
    assert_eq!(*lock.try_read().unwrap(), (2, String::from("one")));
}

#[test]
fn a_cancelled_writer_lets_the_readers_behind_it_in() {
    let lock = RwLock::new(0);
    let reader = lock.try_read().unwrap();
    let mut writer = Manual::new(lock.write());
    writer.pending();
    let mut behind = Manual::new(lock.read());
    behind.pending();
    drop(writer); // cancelled while holding some of the permits
    assert_eq!(behind.wakes(), 1);
    let behind_guard = behind.ready();
    drop((reader, behind_guard));
    assert!(lock.try_write().is_ok(), "no permit lost");
}

#[test]
fn readers_and_writers_on_a_runtime_never_overlap() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let lock = Arc::new(RwLock::new(0usize));
            // Readers inside (> 0) or a writer inside (-1).
            let inside = Arc::new(AtomicIsize::new(0));
            let tasks: Vec<_> = (0..TASKS)
                .map(|t| {
                    let (lock, inside) = (lock.clone(), inside.clone());
                    rt::spawn(async move {
                        for round in 0..ROUNDS {
                            if (t + round) % 4 == 0 {
                                let mut guard = lock.write().await;
                                assert_eq!(inside.swap(-1, SeqCst), 0);
                                rt::task::yield_now().await;
                                *guard += 1;
                                assert_eq!(inside.swap(0, SeqCst), -1);
                            } else {
                                let _guard = lock.read().await;
                                assert!(inside.fetch_add(1, SeqCst) >= 0);
                                rt::task::yield_now().await;
                                inside.fetch_sub(1, SeqCst);
                            }
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            assert_eq!(*lock.read().await, TASKS * ROUNDS / 4);
        });
    });
}

#[test]
fn blocking_read_and_write_work_off_the_runtime_and_panic_on_it() {
    let lock = Arc::new(RwLock::new(1));
    *lock.blocking_write() = 2;
    assert_eq!(*lock.blocking_read(), 2);
    let rt = runtime(1);
    for write in [false, true] {
        let lock = lock.clone();
        let task = rt.spawn(async move {
            if write {
                drop(lock.blocking_write());
            } else {
                drop(lock.blocking_read());
            }
        });
        let error = rt.block_on(task).unwrap_err();
        assert!(
            error.is_panic(),
            "blocking (write: {write}) was not refused"
        );
    }
}
