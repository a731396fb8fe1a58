//! `#[rt::test]` runs the test's body to completion on a real runtime.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const TASKS: usize = 100;

#[rt::test]
async fn spawn_returns_the_value_through_its_join_handle() {
    let handle = rt::spawn(async { 6 * 7 });
    assert_eq!(handle.await.unwrap(), 42);
}

#[rt::test]
async fn every_spawned_task_runs_before_the_body_returns() {
    let ran = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..TASKS)
        .map(|i| {
            let ran = Arc::clone(&ran);
            rt::spawn(async move {
                // Relaxed: the count is read after joining every task, and
                // each join synchronizes with its task's completion.
                ran.fetch_add(1, Ordering::Relaxed);
                i
            })
        })
        .collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.unwrap();
    }
    assert_eq!(sum, TASKS * (TASKS - 1) / 2);
    assert_eq!(ran.load(Ordering::Relaxed), TASKS);
}

#[rt::test(worker_threads = 1)]
async fn one_worker_thread_still_has_a_current_handle() {
    let _handle = rt::runtime::Handle::current();
    // A task spawned from a task, on the only worker.
    let nested = rt::spawn(async {
        let _handle = rt::runtime::Handle::current();
        rt::spawn(async { "inner" }).await.unwrap()
    });
    assert_eq!(nested.await.unwrap(), "inner");
}

#[rt::test(flavor = "current_thread")]
async fn current_thread_flavor_runs_tasks() {
    assert!(rt::spawn(async { true }).await.unwrap());
}

#[rt::test]
async fn a_test_may_return_a_result() -> Result<(), rt::task::JoinError> {
    let value = rt::spawn(async { 1 }).await?;
    assert_eq!(value, 1);
    Ok(())
}

#[rt::test]
#[should_panic(expected = "boom")]
async fn a_panic_in_the_body_fails_the_test() {
    panic!("boom");
}

// The user's own `#[test]` is kept and no second one is added: a duplicate
// would run this test twice or fail to compile.
#[rt::test]
#[test]
async fn an_explicit_test_attribute_is_not_duplicated() {
    assert_eq!(rt::spawn(async { 2 }).await.unwrap(), 2);
}
