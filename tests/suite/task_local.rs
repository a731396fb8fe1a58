//! `rt::task_local!`: a scope's value is visible exactly while its future
//! runs — across `.await` points and worker threads, not to other tasks or
//! futures polled in between — nested scopes restore the outer value, a
//! panic restores it too, and outside any scope `with` panics and
//! `try_with` errs.

use crate::support;

use std::collections::HashSet;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Waker};
use std::time::Duration;

use support::runtime;

rt::task_local! {
    static NUMBER: u32;
    /// Attributes and visibility are accepted.
    #[allow(dead_code)]
    pub(crate) static NAME: String;
}

rt::task_local!(static ONE_MORE: u8);

#[rt::test]
async fn the_value_lasts_across_await_points() {
    let seen = NUMBER
        .scope(7, async {
            let mut seen = vec![NUMBER.get()];
            rt::task::yield_now().await;
            seen.push(NUMBER.get());
            rt::time::sleep(Duration::from_millis(2)).await;
            seen.push(NUMBER.with(|n| *n));
            seen
        })
        .await;
    assert_eq!(seen, [7, 7, 7]);
}

#[test]
fn each_task_sees_its_own_value_on_whichever_worker_runs_it() {
    const TASKS: u32 = 8;
    const ROUNDS: usize = 300;
    let rt = runtime(2);
    let threads = rt.block_on(async {
        let mut handles = Vec::new();
        for id in 0..TASKS {
            handles.push(rt::spawn(NUMBER.scope(id, async move {
                let mut threads = HashSet::new();
                for round in 0..ROUNDS {
                    if round % 10 == 0 {
                        rt::time::sleep(Duration::from_millis(1)).await;
                    } else {
                        rt::task::yield_now().await;
                    }
                    assert_eq!(NUMBER.get(), id, "another task's value leaked in");
                    threads.insert(std::thread::current().id());
                }
                threads
            })));
        }
        // A task without a scope, running beside them on the same workers.
        let bystander = rt::spawn(async {
            for _ in 0..ROUNDS {
                assert!(NUMBER.try_with(|_| ()).is_err(), "a scope leaked out");
                rt::task::yield_now().await;
            }
        });
        let mut threads = Vec::new();
        for handle in handles {
            threads.push(handle.await.unwrap());
        }
        bystander.await.unwrap();
        threads
    });
    // Some task was polled by both workers while its scope held (with 8
    // tasks, 30 timer wake-ups each and 2 workers, this always happens).
    assert!(
        threads.iter().any(|seen| seen.len() == 2),
        "no scoped task moved between workers: {threads:?}"
    );
}

#[rt::test]
async fn the_value_is_not_visible_to_a_future_polled_beside_the_scope() {
    let (inside, beside) = rt::join!(
        NUMBER.scope(1, async {
            rt::task::yield_now().await;
            NUMBER.try_get()
        }),
        async {
            rt::task::yield_now().await;
            NUMBER.try_get()
        },
    );
    assert_eq!(inside, Ok(1));
    assert!(beside.is_err());
}

#[rt::test]
async fn nested_scopes_restore_the_outer_value() {
    let seen = NUMBER
        .scope(1, async {
            let inner = NUMBER
                .scope(2, async {
                    rt::task::yield_now().await;
                    let innermost = NUMBER.sync_scope(3, || NUMBER.get());
                    (NUMBER.get(), innermost)
                })
                .await;
            (NUMBER.get(), inner)
        })
        .await;
    assert_eq!(seen, (1, (2, 3)));
    assert!(NUMBER.try_get().is_err());
}

#[test]
fn sync_scope_sets_the_value_for_one_call() {
    let name = NAME.sync_scope("ada".to_string(), || NAME.with(|n| n.to_uppercase()));
    assert_eq!(name, "ADA");
    assert!(NAME.try_with(|_| ()).is_err());
    assert_eq!(ONE_MORE.sync_scope(5, || ONE_MORE.get()), 5);
}

#[test]
fn a_panic_in_a_sync_scope_restores_the_outer_value() {
    NUMBER.sync_scope(1, || {
        let caught = catch_unwind(|| NUMBER.sync_scope(2, || panic!("inner")));
        assert!(caught.is_err());
        assert_eq!(NUMBER.get(), 1);
    });
    assert!(NUMBER.try_get().is_err());
}

#[test]
fn a_panic_in_a_scoped_poll_removes_the_value() {
    let mut scoped = pin!(NUMBER.scope(1, async { panic!("in the poll") }));
    let mut cx = Context::from_waker(Waker::noop());
    let caught = catch_unwind(AssertUnwindSafe(|| scoped.as_mut().poll(&mut cx)));
    assert!(caught.is_err());
    assert!(NUMBER.try_get().is_err(), "the value left with the poll");
}

#[test]
#[should_panic(expected = "cannot access a task-local storage value without setting it first")]
fn with_outside_a_scope_panics() {
    NUMBER.with(|_| ());
}

#[test]
fn try_with_outside_a_scope_is_an_access_error() {
    let error: rt::task::AccessError = NUMBER.try_with(|n| *n).unwrap_err();
    assert_eq!(error.to_string(), "task-local value not set");
}

#[test]
fn a_scope_dropped_unfinished_drops_its_future_with_the_value_set() {
    /// Records the task-local's value when dropped.
    struct Probe(Arc<Mutex<Option<Result<u32, rt::task::AccessError>>>>);
    impl Drop for Probe {
        fn drop(&mut self) {
            *self.0.lock().unwrap() = Some(NUMBER.try_get());
        }
    }
    let seen = Arc::new(Mutex::new(None));
    let probe = Probe(seen.clone());
    let scoped = NUMBER.scope(4, async move {
        let _probe = probe;
        std::future::pending::<()>().await;
    });
    {
        let mut scoped = pin!(scoped);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(scoped.as_mut().poll(&mut cx).is_pending());
    } // dropped here, unfinished
    assert_eq!(*seen.lock().unwrap(), Some(Ok(4)));
}

#[rt::test]
async fn take_value_gives_the_value_back() {
    let mut scoped = pin!(NAME.scope("kept".to_string(), async { NAME.get().len() }));
    assert_eq!(scoped.as_mut().await, 4);
    assert_eq!(scoped.as_mut().take_value().as_deref(), Some("kept"));
    assert_eq!(scoped.take_value(), None);
}

#[test]
#[should_panic(
    expected = "cannot enter a task-local scope while the task-local storage is borrowed"
)]
fn entering_a_scope_inside_with_panics() {
    NUMBER.sync_scope(1, || NUMBER.with(|_| NUMBER.sync_scope(2, || ())));
}
