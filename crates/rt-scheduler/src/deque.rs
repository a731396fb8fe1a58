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

    /// One queue behind a loom mutex. The injector, a worker's deque and
    /// its stealers are all this type: a stealer is a clone sharing the
    /// worker's queue.
    pub(crate) struct Queue<T>(Arc<Mutex<VecDeque<T>>>);

    pub(crate) type Injector<T> = Queue<T>;
    pub(crate) type Worker<T> = Queue<T>;
    pub(crate) type Stealer<T> = Queue<T>;

    impl<T> Queue<T> {
        pub(crate) fn new() -> Self {
            Queue(Arc::new(Mutex::new(VecDeque::new())))
        }
        pub(crate) fn new_fifo() -> Self {
            Queue::new()
        }
        pub(crate) fn stealer(&self) -> Self {
            Queue(self.0.clone())
        }
        pub(crate) fn push(&self, t: T) {
            self.0.lock().unwrap().push_back(t);
        }
        pub(crate) fn pop(&self) -> Option<T> {
            self.0.lock().unwrap().pop_front()
        }
        pub(crate) fn steal(&self) -> Steal<T> {
            self.pop().map_or(Steal::Empty, Steal::Success)
        }
        /// Moves about half of this queue (rounded up) to the back of
        /// `to`, and returns the first of them. One lock at a time (two
        /// workers may steal from each other at once).
        pub(crate) fn steal_batch_and_pop(&self, to: &Queue<T>) -> Steal<T> {
            if Arc::ptr_eq(&self.0, &to.0) {
                return Steal::Empty;
            }
            let batch: Vec<T> = {
                let mut from = self.0.lock().unwrap();
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
        pub(crate) fn len(&self) -> usize {
            self.0.lock().unwrap().len()
        }
        pub(crate) fn is_empty(&self) -> bool {
            self.0.lock().unwrap().is_empty()
        }
    }
}
