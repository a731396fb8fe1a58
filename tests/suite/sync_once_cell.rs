//! `rt::sync::OnceCell` and `SetOnce`: concurrent `get_or_init` runs the
//! initialiser once and everyone sees its value; a failed, cancelled or
//! panicking initialiser lets the next caller's run; `set` reports an
//! initialiser in progress; `SetOnce::wait` is woken by `set`.

use crate::support;
use crate::sync_support;

use std::future::pending;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use rt::sync::{OnceCell, SetError, SetOnce, SetOnceError};
use support::{runtime, watchdog};
use sync_support::Manual;

/// Bound on each test that runs a runtime.
const LIMIT: Duration = Duration::from_secs(30);
/// Tasks racing to initialise.
const TASKS: usize = 16;

#[test]
fn concurrent_get_or_init_runs_the_initialiser_once() {
    let (runs, values) = watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let cell = Arc::new(OnceCell::new());
            let runs = Arc::new(AtomicUsize::new(0));
            let tasks: Vec<_> = (0..TASKS)
                .map(|t| {
                    let (cell, runs) = (cell.clone(), runs.clone());
                    rt::spawn(async move {
                        let value = cell
                            .get_or_init(|| async {
                                runs.fetch_add(1, SeqCst);
                                // Stay in the initialiser a while, so others queue.
                                for _ in 0..10 {
                                    rt::task::yield_now().await;
                                }
                                t
                            })
                            .await;
                        *value
                    })
                })
                .collect();
            let mut values = Vec::new();
            for task in tasks {
                values.push(task.await.unwrap());
            }
            (runs.load(SeqCst), values)
        })
    });
    assert_eq!(runs, 1, "the initialiser ran {runs} times");
    assert!(values.iter().all(|v| *v == values[0]), "{values:?}");
}

#[test]
fn a_failed_initialiser_lets_the_next_one_run() {
    let cell = OnceCell::new();
    let failed = Manual::new(cell.get_or_try_init(|| async { Err::<u8, _>("no") })).ready();
    assert_eq!(failed, Err("no"));
    assert!(!cell.initialized());
    let value = Manual::new(cell.get_or_try_init(|| async { Ok::<_, ()>(7) })).ready();
    assert_eq!(value, Ok(&7));
}

#[test]
fn a_cancelled_initialiser_lets_a_waiting_caller_initialise() {
    let cell = OnceCell::new();
    let mut running = Manual::new(cell.get_or_init(pending::<u8>));
    running.pending(); // holds the right to initialise
    assert_eq!(cell.set(1), Err(SetError::InitializingError(1)));
    let mut waiting = Manual::new(cell.get_or_init(|| async { 2 }));
    waiting.pending();
    drop(running);
    assert_eq!(waiting.wakes(), 1);
    assert_eq!(*waiting.ready(), 2);
    assert_eq!(cell.set(3), Err(SetError::AlreadyInitializedError(3)));
}

#[test]
fn a_panicking_initialiser_leaves_the_cell_empty() {
    let cell = OnceCell::new();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Manual::new(cell.get_or_init(|| async { panic!("init failed") })).poll()
    }));
    assert!(panicked.is_err());
    assert_eq!(*Manual::new(cell.get_or_init(|| async { 4 })).ready(), 4);
}

#[test]
fn set_get_take_and_into_inner() {
    let mut cell = OnceCell::new();
    assert_eq!(cell.get(), None);
    cell.set(1).unwrap();
    assert!(cell.set(2).unwrap_err().is_already_init_err());
    *cell.get_mut().unwrap() += 1;
    assert_eq!(cell.get(), Some(&2));
    assert_eq!(cell.take(), Some(2));
    assert!(!cell.initialized());
    assert_eq!(*Manual::new(cell.get_or_init(|| async { 3 })).ready(), 3);
    assert_eq!(cell.into_inner(), Some(3));
    assert_eq!(OnceCell::new_with(Some(5)).get(), Some(&5));
    static STATIC: OnceCell<u8> = OnceCell::const_new();
    assert_eq!(*Manual::new(STATIC.get_or_init(|| async { 6 })).ready(), 6);
}

#[test]
fn set_once_wait_is_woken_by_set() {
    let cell = SetOnce::new();
    let mut waiter = Manual::new(cell.wait());
    waiter.pending();
    cell.set(5).unwrap();
    assert_eq!(waiter.wakes(), 1);
    assert_eq!(*waiter.ready(), 5);
    assert_eq!(cell.set(6), Err(SetOnceError(6)));
    assert_eq!(*Manual::new(cell.wait()).ready(), 5);
    drop(waiter);
    assert_eq!(cell.into_inner(), Some(5));
}

#[test]
fn set_once_wakes_waiting_tasks_on_a_runtime() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let cell = Arc::new(SetOnce::new());
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let cell = cell.clone();
                rt.spawn(async move { *cell.wait().await })
            })
            .collect();
        std::thread::spawn({
            let cell = cell.clone();
            move || cell.set(9).unwrap()
        })
        .join()
        .unwrap();
        rt.block_on(async {
            for task in tasks {
                assert_eq!(task.await.unwrap(), 9);
            }
        });
    });
}
