//! `rt::task::id()` names the task whose code runs: inside its future, in
//! the destructors of its future and of its output when the task drops
//! them, and in a blocking closure; it panics (and `try_id` says `None`)
//! outside any task, including `block_on`'s own future; a task polled
//! inside another's poll leaves the outer id in place when it returns.

use crate::support;

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::task::{Context, Poll};

use rt::task::{self, Id};

#[test]
fn inside_a_task_id_is_its_handles_id() {
    support::runtime(2).block_on(async {
        let handle = rt::spawn(async {
            rt::task::yield_now().await;
            (task::id(), task::try_id())
        });
        let id = handle.id();
        assert_eq!(handle.await.unwrap(), (id, Some(id)));
    });
}

#[test]
fn distinct_tasks_have_distinct_ids() {
    support::runtime(2).block_on(async {
        let a = rt::spawn(async { task::id() });
        let b = rt::spawn(async { task::id() });
        assert_ne!(a.await.unwrap(), b.await.unwrap());
    });
}

#[test]
fn a_blocking_closure_has_the_id_of_its_handle() {
    support::runtime(2).block_on(async {
        let handle = task::spawn_blocking(task::id);
        let id = handle.id();
        assert_eq!(handle.await.unwrap(), id);
    });
}

#[test]
fn outside_a_task_there_is_none() {
    assert_eq!(task::try_id(), None);
    let rt = support::runtime(2);
    rt.block_on(async {
        assert_eq!(task::try_id(), None, "block_on's future is not a task");
        let _ = rt::spawn(async {}).await;
        assert_eq!(task::try_id(), None, "still none after a task ran");
    });
    assert!(std::panic::catch_unwind(task::id).is_err());
}

/// Sends `task::try_id()` from its destructor.
struct SendsIdOnDrop(Option<mpsc::Sender<Option<Id>>>);

impl Drop for SendsIdOnDrop {
    fn drop(&mut self) {
        let _ = self.0.take().unwrap().send(task::try_id());
    }
}

/// A future that holds a `SendsIdOnDrop` and is ready (with `output`) or
/// never ready.
struct Holder<T> {
    _probe: SendsIdOnDrop,
    output: Option<T>,
}

impl<T: Unpin> Future for Holder<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<T> {
        match self.output.take() {
            Some(out) => Poll::Ready(out),
            None => Poll::Pending,
        }
    }
}

#[test]
fn the_future_drops_under_its_id_on_completion_and_on_abort() {
    support::runtime(2).block_on(async {
        let (tx, rx) = mpsc::channel();
        let done = rt::spawn(Holder {
            _probe: SendsIdOnDrop(Some(tx)),
            output: Some(()),
        });
        let id = done.id();
        done.await.unwrap();
        assert_eq!(rx.recv().unwrap(), Some(id));

        let (tx, rx) = mpsc::channel();
        let stuck = rt::spawn(Holder::<()> {
            _probe: SendsIdOnDrop(Some(tx)),
            output: None,
        });
        let id = stuck.id();
        stuck.abort();
        assert!(stuck.await.unwrap_err().is_cancelled());
        assert_eq!(rx.recv().unwrap(), Some(id));
    });
}

#[test]
fn the_output_drops_under_its_id_when_nobody_takes_it() {
    support::runtime(2).block_on(async {
        // Handle dropped first: the task drops its output itself.
        let (tx, rx) = mpsc::channel();
        let (go_tx, go_rx) = rt::sync::oneshot::channel::<()>();
        let handle = rt::spawn(async move {
            let _ = go_rx.await;
            SendsIdOnDrop(Some(tx))
        });
        let id = handle.id();
        drop(handle);
        go_tx.send(()).unwrap();
        assert_eq!(rx.recv().unwrap(), Some(id));

        // Handle dropped after completion: its drop drops the output, on
        // the thread that drops it, under the task's id.
        let (tx, rx) = mpsc::channel();
        let handle = rt::spawn(async move { SendsIdOnDrop(Some(tx)) });
        let id = handle.id();
        while !handle.is_finished() {
            rt::task::yield_now().await;
        }
        assert!(rx.try_recv().is_err(), "kept for the handle");
        drop(handle);
        assert_eq!(rx.recv().unwrap(), Some(id));
        assert_eq!(task::try_id(), None, "and put back after");
    });
}

#[test]
fn a_nested_runtime_task_leaves_the_outer_id_in_place() {
    let rt = support::runtime(2);
    rt.block_on(async {
        let outer = rt::spawn(async {
            let mine = task::id();
            // A blocking closure of this task runs a runtime of its own.
            let inner = task::spawn_blocking(move || {
                let closure_id = task::id();
                let nested = support::runtime(2);
                let inner = nested.block_on(async { rt::spawn(async { task::id() }).await });
                (closure_id, inner.unwrap(), task::id())
            })
            .await
            .unwrap();
            (mine, inner, task::id())
        });
        let (mine, (closure_id, inner, closure_after), after) = outer.await.unwrap();
        assert_ne!(closure_id, mine);
        assert_ne!(inner, closure_id);
        assert_eq!(closure_after, closure_id);
        assert_eq!(after, mine);
    });
}
