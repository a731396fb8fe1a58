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

/// As in tokio, a test's runtime is a current-thread one unless it asks
/// for workers: its tasks run on the test's own thread.
#[rt::test]
async fn a_test_runs_its_tasks_on_its_own_thread_by_default() {
    let test_thread = std::thread::current().id();
    let task = rt::spawn(async { std::thread::current().id() });
    assert_eq!(task.await.unwrap(), test_thread);
}

#[rt::test(flavor = "multi_thread")]
async fn a_multi_thread_test_runs_its_tasks_on_workers() {
    let test_thread = std::thread::current().id();
    let task = rt::spawn(async { std::thread::current().id() });
    assert_ne!(task.await.unwrap(), test_thread);
}

#[rt::main(flavor = "current_thread")]
async fn main_on_the_current_thread() -> std::thread::ThreadId {
    rt::spawn(async { std::thread::current().id() })
        .await
        .unwrap()
}

#[test]
fn main_with_the_current_thread_flavor_runs_tasks_on_the_calling_thread() {
    assert_eq!(main_on_the_current_thread(), std::thread::current().id());
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
