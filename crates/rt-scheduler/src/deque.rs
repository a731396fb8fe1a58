//! The queues' data structures: crossbeam-deque's, or under loom a
//! mutex-and-`VecDeque` stand-in with the same operations.
//!
//! crossbeam-deque synchronises through std atomics that loom cannot see,
//! so a task handed from one modelled thread to another through it would
//! look unsynchronised to loom (a "causality violation" on the task's
//! state word). The stand-in hands tasks over under a loom mutex: the
//! models then check the worker loop and its protocols (idle set, parking,
//! shutdown) with the queues' own correctness taken from crossbeam. Only
//! the operations the scheduler uses are provided, with crossbeam's
//! semantics (FIFO worker deque; steal half, rounded up, in a batch).

#[cfg(not(loom))]
pub(crate) use crossbeam_deque::{Injector, Steal, Stealer, Worker};

#[cfg(loom)]
pub(crate) use self::model::{Injector, Steal, Stealer, Worker};

#[cfg(loom)]
mod model {
    use std::collections::VecDeque;

    use loom::sync::{Arc, Mutex};

    /// crossbeam's `Steal`, without `Retry` ever happening.
    #[allow(dead_code)] // reason: `Retry` is matched, never made, as with a lock nothing retries
    pub(crate) enum Steal<T> {
        Empty,
        Success(T),
        Retry,
    }

    type Shared<T> = Arc<Mutex<VecDeque<T>>>;

    /// Moves about half of `from` (rounded up) to the back of `to`, and
    /// returns the first of them. One lock at a time (two workers may
    /// steal from each other at once).
    fn steal_half<T>(from: &Shared<T>, to: &Worker<T>) -> Steal<T> {
        let batch: Vec<T> = {
            let mut from = from.lock().unwrap();
            let n = from.len().div_ceil(2);
            from.drain(..n).collect()
        };
        let mut batch = batch.into_iter();
        let Some(first) = batch.next() else {
            return Steal::Empty;
        };
        to.0.lock().unwrap().extend(batch);
        Steal::Success(first)
    }

    pub(crate) struct Injector<T>(Shared<T>);

    impl<T> Injector<T> {
        pub(crate) fn new() -> Self {
            Injector(Arc::new(Mutex::new(VecDeque::new())))
        }
        pub(crate) fn push(&self, t: T) {
            self.0.lock().unwrap().push_back(t);
        }
        pub(crate) fn steal(&self) -> Steal<T> {
            match self.0.lock().unwrap().pop_front() {
                Some(t) => Steal::Success(t),
                None => Steal::Empty,
            }
        }
        pub(crate) fn steal_batch_and_pop(&self, to: &Worker<T>) -> Steal<T> {
            steal_half(&self.0, to)
        }
        pub(crate) fn is_empty(&self) -> bool {
            self.0.lock().unwrap().is_empty()
        }
        pub(crate) fn len(&self) -> usize {
            self.0.lock().unwrap().len()
        }
    }

    pub(crate) struct Worker<T>(Shared<T>);

    impl<T> Worker<T> {
        pub(crate) fn new_fifo() -> Self {
            Worker(Arc::new(Mutex::new(VecDeque::new())))
        }
        pub(crate) fn push(&self, t: T) {
            self.0.lock().unwrap().push_back(t);
        }
        pub(crate) fn pop(&self) -> Option<T> {
            self.0.lock().unwrap().pop_front()
        }
        pub(crate) fn len(&self) -> usize {
            self.0.lock().unwrap().len()
        }
        pub(crate) fn is_empty(&self) -> bool {
            self.0.lock().unwrap().is_empty()
        }
        pub(crate) fn stealer(&self) -> Stealer<T> {
            Stealer(self.0.clone())
        }
    }

    pub(crate) struct Stealer<T>(Shared<T>);

    impl<T> Stealer<T> {
        pub(crate) fn steal_batch_and_pop(&self, to: &Worker<T>) -> Steal<T> {
            if Arc::ptr_eq(&self.0, &to.0) {
                return Steal::Empty;
            }
            steal_half(&self.0, to)
        }
        pub(crate) fn is_empty(&self) -> bool {
            self.0.lock().unwrap().is_empty()
        }
    }
}
