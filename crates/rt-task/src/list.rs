//! `OwnedTasks`: the list of every live task of a runtime, so shutdown can
//! reach (and drop) futures that no queue or waker holds.
//!
//! Sharded by task id, each shard a `Mutex<Slab<Task>>`: insert on spawn and
//! remove on completion are O(1) under a lock few threads contend for.

use std::future::Future;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

use crossbeam_utils::CachePadded;
use parking_lot::Mutex;
use slab::Slab;

use crate::raw::{Cell, TaskRef};
use crate::{Id, JoinHandle, Schedule, Task};

/// Shards: a power of two, enough that 2–64 workers rarely meet on one lock.
const SHARDS: usize = 64;

/// The set of a runtime's live tasks. See the module docs.
pub struct OwnedTasks {
    shards: Box<[CachePadded<Mutex<Shard>>]>,
    closed: AtomicBool,
}

struct Shard {
    tasks: Slab<Task>,
    closed: bool,
}

impl OwnedTasks {
    /// An empty, open list.
    pub fn new() -> OwnedTasks {
        OwnedTasks {
            shards: (0..SHARDS)
                .map(|_| {
                    CachePadded::new(Mutex::new(Shard {
                        tasks: Slab::new(),
                        closed: false,
                    }))
                })
                .collect(),
            closed: AtomicBool::new(false),
        }
    }

    /// Create a task for `future` and add it to the list. Returns the task
    /// to queue (the first "notified" reference) and its `JoinHandle`.
    ///
    /// If the list is closed (the runtime shut down), the task is cancelled
    /// at once and `None` is returned: its handle yields a cancelled error.
    pub fn bind<F, S>(&self, future: F, scheduler: S) -> (Option<Task>, JoinHandle<F::Output>)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
        S: Schedule,
    {
        self.bind_inner(future, scheduler)
    }

    /// [`bind`](OwnedTasks::bind) for a future (and output) that need not
    /// be `Send`: `LocalSet`'s tasks. The task's handles are still `Send`
    /// (a waker or an `AbortHandle` may be used on any thread: they only
    /// queue the task through `scheduler`), so nothing in the types stops
    /// another thread from running it; the caller does.
    ///
    /// # Safety
    /// The future is polled and dropped, and its output made, only on the
    /// thread that owns the scheduler (the *owner*):
    /// - this call is made on the owner (the future is there already, and
    ///   the returned handle stays there if the output is not `Send`);
    /// - every `Task` of this task — the one returned and each one
    ///   `scheduler` receives through [`Schedule::schedule`] — is run or
    ///   shut down only on the owner (it may be queued, moved and dropped
    ///   anywhere: without `run` or `shutdown` it touches no future);
    /// - this list's last reference to the task is given up on the owner:
    ///   `close_and_shutdown_all` is called there before the list is
    ///   dropped (or the list is dropped there), so no other thread's
    ///   waker can be the future's last owner.
    pub unsafe fn bind_local<F, S>(
        &self,
        future: F,
        scheduler: S,
    ) -> (Option<Task>, JoinHandle<F::Output>)
    where
        F: Future + 'static,
        F::Output: 'static,
        S: Schedule,
    {
        self.bind_inner(future, scheduler)
    }

    /// `bind`'s body, with no `Send` bound: the public callers choose which
    /// promise (`Send`, or `bind_local`'s contract) makes it sound.
    fn bind_inner<F, S>(&self, future: F, scheduler: S) -> (Option<Task>, JoinHandle<F::Output>)
    where
        F: Future + 'static,
        F::Output: 'static,
        S: Schedule,
    {
        let id = Id::next();
        let cell = Cell::new(future, scheduler, id);
        let handle = JoinHandle::new(&cell);
        let task = Task::from_raw(TaskRef::new(cell));
        let shard = &self.shards[id.as_u64() as usize % SHARDS];
        let mut guard = shard.lock();
        if guard.closed {
            drop(guard);
            task.shutdown();
            return (None, handle);
        }
        let entry = guard.tasks.vacant_entry();
        // Relaxed: read only under this shard's lock.
        task.raw.header().owner_key.store(entry.key(), Relaxed);
        entry.insert(task.clone_ref());
        (Some(task), handle)
    }

    /// Remove a completed task; returns the list's reference, for the
    /// caller to drop outside the lock.
    pub fn remove(&self, task: &Task) -> Option<Task> {
        let header = task.raw.header();
        let key = header.owner_key.load(Relaxed);
        let mut guard = self.shards[header.id.as_u64() as usize % SHARDS].lock();
        match guard.tasks.get(key) {
            Some(t) if t.ptr_eq(task) => Some(guard.tasks.remove(key)),
            _ => None,
        }
    }

    /// Whether the list refuses new tasks.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Acquire)
    }

    /// How many tasks are live.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().tasks.len()).sum()
    }

    /// Whether no task is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Close the list (later `bind`s are cancelled at once) and shut down
    /// every task in it: each future that no thread is polling is dropped
    /// here, on the calling thread; a running one is marked cancelled and
    /// dropped by its worker after the poll.
    pub fn close_and_shutdown_all(&self) {
        // Release: pairs with `is_closed`.
        self.closed.store(true, Release);
        for shard in self.shards.iter() {
            shard.lock().closed = true;
        }
        for shard in self.shards.iter() {
            // Take the shard's tasks out, then drop futures with no lock held:
            // a destructor may wake or spawn (which must not deadlock).
            loop {
                let tasks: Vec<Task> = shard.lock().tasks.drain().collect();
                if tasks.is_empty() {
                    break;
                }
                for task in tasks {
                    task.shutdown();
                }
            }
        }
    }
}

impl Default for OwnedTasks {
    fn default() -> Self {
        OwnedTasks::new()
    }
}

impl std::fmt::Debug for OwnedTasks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnedTasks")
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}
