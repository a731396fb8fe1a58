//! Which task this thread is running: the id behind `rt::task::id()`.
//!
//! One thread-local slot holds the [`Id`] of the task whose code runs on
//! this thread right now, or `None`. The task cell sets it (through
//! [`enter`]) for as long as it runs user code of its own: the poll, the
//! drop of its future (completion, abort, shutdown) and the drop of an
//! output nobody will take (in the task, or in the `JoinHandle`'s drop).
//! The guard puts the previous value back when dropped, so a task polled
//! inside another task's poll (a scheduler that runs tasks inline, a
//! `block_on` nested in a blocking closure) leaves its parent's id in
//! place when it returns. The slot is this thread's alone: no other thread
//! reads or writes it, so no ordering is involved.

use std::cell::Cell;

use crate::Id;

rt_core::loom::thread_local! {
    /// The id of the task running on this thread, if any.
    static CURRENT: Cell<Option<Id>> = const { Cell::new(None) };
}

/// Makes `id` this thread's current task until the guard drops; the guard
/// then restores what was current before.
///
/// For schedulers that run tasks outside `rt-task`'s cell; the tasks of
/// this crate set it themselves.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let id = rt::spawn(async {}).id();
/// assert_eq!(rt::task::try_id(), None); // `block_on`'s future is no task
/// {
///     let _running = rt_task::enter(Some(id));
///     assert_eq!(rt::task::try_id(), Some(id));
/// }
/// assert_eq!(rt::task::try_id(), None);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub fn enter(id: Option<Id>) -> CurrentGuard {
    // During thread-local destruction the slot is gone: nothing to set or
    // restore (`try_id` answers `None` there).
    let prev = CURRENT.try_with(|c| c.replace(id)).ok().flatten();
    CurrentGuard { prev }
}

/// Restores the previously current task id when dropped; returned by
/// [`enter`].
#[derive(Debug)]
#[must_use = "the id is current only while the guard lives"]
pub struct CurrentGuard {
    prev: Option<Id>,
}

impl Drop for CurrentGuard {
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|c| c.set(self.prev));
    }
}

/// The id of the task running this code.
///
/// Inside a task's future, and in the destructors of its future and
/// output when the task drops them, this is the task's [`Id`], the same
/// its `JoinHandle::id` gives. A closure on the blocking pool
/// (`spawn_blocking`) is a task too and has one.
///
/// # Panics
///
/// Outside a task: on a thread that runs no task, and in the future given
/// to `Runtime::block_on` itself (it is not a task). [`try_id`] does not
/// panic.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let handle = rt::spawn(async { rt::task::id() });
/// let id = handle.id();
/// assert_eq!(handle.await?, id);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn id() -> Id {
    match try_id() {
        Some(id) => id,
        None => panic!(
            "`rt::task::id()` called outside of a task: use `rt::task::try_id()` where there \
             may be none (the future given to `block_on` is not a task)"
        ),
    }
}

/// The id of the task running this code, or `None` outside a task (see
/// [`id`]).
///
/// # Examples
///
/// ```
/// assert_eq!(rt::task::try_id(), None);
///
/// # rt::Runtime::new()?.block_on(async {
/// let inside = rt::spawn(async { rt::task::try_id() }).await?;
/// assert!(inside.is_some());
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub fn try_id() -> Option<Id> {
    CURRENT.try_with(Cell::get).ok().flatten()
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll, Waker};

    use crate::{Schedule, Task};

    /// A scheduler that keeps what is woken.
    #[derive(Clone, Default)]
    struct Queue(Arc<Mutex<Vec<Task>>>);
    impl Schedule for Queue {
        fn schedule(&self, task: Task, _yielded: bool) {
            self.0.lock().unwrap().push(task);
        }
    }

    fn output<T>(mut handle: crate::JoinHandle<T>) -> T {
        let mut cx = Context::from_waker(Waker::noop());
        match Pin::new(&mut handle).poll(&mut cx) {
            Poll::Ready(out) => out.unwrap(),
            Poll::Pending => panic!("not finished"),
        }
    }

    #[test]
    fn a_task_run_inside_another_restores_the_outer_id() {
        let queue = Queue::default();
        let (inner, inner_handle) = crate::unowned(async { super::id() }, queue.clone());
        let (outer, outer_handle) = crate::unowned(
            async move {
                let before = super::id();
                inner.run(); // polled inline, inside this poll
                (before, super::id())
            },
            queue,
        );
        assert_eq!(super::try_id(), None);
        outer.run();
        assert_eq!(super::try_id(), None);
        let inner_id = inner_handle.id();
        let outer_id = outer_handle.id();
        assert_eq!(output(inner_handle), inner_id);
        assert_eq!(output(outer_handle), (outer_id, outer_id));
    }
}
