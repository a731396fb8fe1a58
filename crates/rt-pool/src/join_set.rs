//! `JoinSet`: a set of tasks whose outputs are awaited as they complete.
//!
//! Each task's future is wrapped with a guard that, when the future is done
//! (completed, panicked, or dropped by an abort — even before its first
//! poll), pushes the task's key onto the set's ready list and wakes the
//! set. `join_next` then polls only the handles on that list, so draining
//! n tasks costs O(n), not O(n²).

use std::collections::{HashMap, VecDeque};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use parking_lot::Mutex;
use rt_core::coop;
use rt_core::loom::AtomicWaker;
use rt_task::{Id, JoinError, JoinHandle};

use crate::{Handle, LocalSet};

/// A collection of spawned tasks, awaited in the order they finish.
/// Dropping the set aborts every task still in it.
///
/// # Examples
///
/// ```
/// use rt::task::JoinSet;
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut set = JoinSet::new();
/// for i in 0..10u64 {
///     set.spawn(async move { i * i });
/// }
/// let mut sum = 0;
/// while let Some(res) = set.join_next().await {
///     sum += res?;
/// }
/// assert_eq!(sum, 285);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct JoinSet<T> {
    handles: HashMap<u64, JoinHandle<T>>,
    next_key: u64,
    ready: Arc<Ready>,
    /// Keys whose future finished but whose handle was not ready yet (the
    /// guard fires just before the task completes), in the order they
    /// finished.
    waiting: VecDeque<u64>,
}

#[derive(Default)]
struct Ready {
    keys: Mutex<VecDeque<u64>>,
    waker: AtomicWaker,
}

/// Reports its task's key to the set when the wrapped future is done.
struct DoneGuard {
    ready: Arc<Ready>,
    key: u64,
}

impl Drop for DoneGuard {
    fn drop(&mut self) {
        self.ready.keys.lock().push_back(self.key);
        self.ready.waker.wake();
    }
}

impl<T: 'static> JoinSet<T> {
    /// An empty set.
    ///
    /// # Examples
    ///
    /// ```
    /// let set: rt::task::JoinSet<u32> = rt::task::JoinSet::new();
    /// assert!(set.is_empty());
    /// ```
    pub fn new() -> JoinSet<T> {
        JoinSet {
            handles: HashMap::new(),
            next_key: 0,
            ready: Arc::default(),
            waiting: VecDeque::new(),
        }
    }

    /// How many tasks are in the set: spawned and not yet joined (a task
    /// that finished stays in the set until [`join_next`](JoinSet::join_next)
    /// returns it).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut set = rt::task::JoinSet::new();
    /// set.spawn(async { 1 });
    /// set.spawn(async { 2 });
    /// assert_eq!(set.len(), 2);
    /// set.join_next().await;
    /// assert_eq!(set.len(), 1);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn len(&self) -> usize {
        self.handles.len()
    }

    /// Whether the set holds no task.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut set = rt::task::JoinSet::new();
    /// assert!(set.is_empty());
    /// set.spawn(async {});
    /// assert!(!set.is_empty());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.handles.is_empty()
    }

    /// Spawns `future` on the current runtime and adds it to the set;
    /// returns a handle that aborts that one task.
    ///
    /// # Panics
    /// Outside a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut set = rt::task::JoinSet::new();
    /// set.spawn(async { "quick" });
    /// let slow = set.spawn(std::future::pending());
    /// slow.abort();
    ///
    /// let mut outputs = Vec::new();
    /// while let Some(res) = set.join_next().await {
    ///     outputs.push(res.map_err(|err| err.is_cancelled()));
    /// }
    /// outputs.sort();
    /// assert_eq!(outputs, [Ok("quick"), Err(true)]);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn spawn<F>(&mut self, future: F) -> rt_task::AbortHandle
    where
        T: Send,
        F: Future<Output = T> + Send + 'static,
    {
        self.spawn_on(future, &Handle::current())
    }

    /// Spawns `future` on `handle`'s runtime and adds it to the set; usable
    /// outside the runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::task::JoinSet;
    ///
    /// let rt = rt::Runtime::new()?;
    /// let mut set = JoinSet::new();
    /// set.spawn_on(async { 7 }, rt.handle()); // not inside the runtime
    /// let output = rt.block_on(set.join_next());
    /// assert_eq!(output.unwrap()?, 7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn_on<F>(&mut self, future: F, handle: &Handle) -> rt_task::AbortHandle
    where
        T: Send,
        F: Future<Output = T> + Send + 'static,
    {
        let (key, guard) = self.next_guard();
        let handle = handle.spawn(async move {
            let _guard = guard;
            future.await
        });
        self.insert(key, handle)
    }

    /// Spawns a `!Send` `future` into the current [`LocalSet`] (see
    /// [`spawn_local`](crate::spawn_local)) and adds it to the set; returns
    /// a handle that aborts that one task.
    ///
    /// # Panics
    /// Outside a `LocalSet`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use rt::task::{JoinSet, LocalSet};
    ///
    /// let rt = rt::Runtime::new()?;
    /// let local = LocalSet::new();
    /// let total = local.block_on(&rt, async {
    ///     let mut set = JoinSet::new();
    ///     for i in 1..=3 {
    ///         let i = Rc::new(i); // not Send
    ///         set.spawn_local(async move { *i });
    ///     }
    ///     let mut total = 0;
    ///     while let Some(out) = set.join_next().await {
    ///         total += out.unwrap();
    ///     }
    ///     total
    /// });
    /// assert_eq!(total, 6);
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&mut self, future: F) -> rt_task::AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        let (key, guard) = self.next_guard();
        let handle = crate::spawn_local(async move {
            let _guard = guard;
            future.await
        });
        self.insert(key, handle)
    }

    /// Spawns a `!Send` `future` into `local` (see
    /// [`LocalSet::spawn_local`]) and adds it to the set; the task runs
    /// when `local` is driven.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use rt::task::{JoinSet, LocalSet};
    ///
    /// let rt = rt::Runtime::new()?;
    /// let local = LocalSet::new();
    /// let mut set = JoinSet::new();
    /// let word = Rc::new("local"); // not Send
    /// set.spawn_local_on(async move { word.len() }, &local);
    /// let out = local.block_on(&rt, set.join_next());
    /// assert_eq!(out.unwrap()?, 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn_local_on<F>(&mut self, future: F, local: &LocalSet) -> rt_task::AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        let (key, guard) = self.next_guard();
        let handle = local.spawn_local(async move {
            let _guard = guard;
            future.await
        });
        self.insert(key, handle)
    }

    /// Runs the blocking closure `f` on the current runtime's blocking pool
    /// (see [`spawn_blocking`](crate::spawn_blocking)) and adds it to the
    /// set. Aborting it cancels it only if it has not started.
    ///
    /// # Panics
    /// Outside a runtime (use [`JoinSet::spawn_blocking_on`] there).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut set = rt::task::JoinSet::new();
    /// for i in 1..=3u64 {
    ///     set.spawn_blocking(move || {
    ///         std::thread::sleep(std::time::Duration::from_millis(i)); // may block
    ///         i * 10
    ///     });
    /// }
    /// let mut outputs = set.join_all().await;
    /// outputs.sort();
    /// assert_eq!(outputs, [10, 20, 30]);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> rt_task::AbortHandle
    where
        T: Send,
        F: FnOnce() -> T + Send + 'static,
    {
        self.spawn_blocking_on(f, &Handle::current())
    }

    /// Runs the blocking closure `f` on `handle`'s runtime's blocking pool
    /// and adds it to the set; usable outside the runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::Runtime::new()?;
    /// let mut set = rt::task::JoinSet::new();
    /// set.spawn_blocking_on(|| "done", rt.handle());
    /// assert_eq!(rt.block_on(set.join_next()).unwrap()?, "done");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn_blocking_on<F>(&mut self, f: F, handle: &Handle) -> rt_task::AbortHandle
    where
        T: Send,
        F: FnOnce() -> T + Send + 'static,
    {
        let (key, guard) = self.next_guard();
        // The guard goes with the closure: it reports when the closure has
        // run, or when it is dropped unrun (aborted, or the runtime shut
        // down).
        let handle = handle.spawn_blocking(move || {
            let _guard = guard;
            f()
        });
        self.insert(key, handle)
    }

    /// A fresh key and the guard that reports it.
    fn next_guard(&mut self) -> (u64, DoneGuard) {
        let key = self.next_key;
        self.next_key += 1;
        let guard = DoneGuard {
            ready: self.ready.clone(),
            key,
        };
        (key, guard)
    }

    fn insert(&mut self, key: u64, handle: JoinHandle<T>) -> rt_task::AbortHandle {
        let abort = handle.abort_handle();
        self.handles.insert(key, handle);
        abort
    }

    /// Waits for the next task to finish and returns its output (or its
    /// [`JoinError`]); `None` if the set is empty. Cancel-safe: dropping
    /// the future loses no output.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut set = rt::task::JoinSet::new();
    /// set.spawn(async {
    ///     rt::time::sleep(Duration::from_millis(50)).await;
    ///     "slow"
    /// });
    /// set.spawn(async { "fast" });
    /// // In the order they finish, not the order they were spawned.
    /// assert_eq!(set.join_next().await.unwrap()?, "fast");
    /// assert_eq!(set.join_next().await.unwrap()?, "slow");
    /// assert!(set.join_next().await.is_none());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// [`JoinSet::join_next`], with the [`Id`] of the task that finished
    /// (an error carries it: [`JoinError::id`]). Cancel-safe.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut set = rt::task::JoinSet::new();
    /// let id = set.spawn(async { "out" }).id();
    /// let (finished, output) = set.join_next_with_id().await.unwrap()?;
    /// assert_eq!((finished, output), (id, "out"));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        poll_fn(|cx| self.poll_join_next_with_id(cx)).await
    }

    /// Waits for every task and returns their outputs, in the order they
    /// finished.
    ///
    /// # Panics
    /// If a task panicked, this panics with its payload (the other tasks
    /// are aborted as the set drops); if a task was aborted, this panics
    /// with the [`JoinError`]. Use [`JoinSet::join_next`] in a loop to
    /// handle failures.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::task::JoinSet;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let set: JoinSet<u32> = (1..=4).map(|i| async move { i * i }).collect();
    /// let mut squares = set.join_all().await;
    /// squares.sort();
    /// assert_eq!(squares, [1, 4, 9, 16]);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn join_all(mut self) -> Vec<T> {
        let mut outputs = Vec::with_capacity(self.len());
        while let Some(output) = self.join_next().await {
            match output {
                Ok(value) => outputs.push(value),
                Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
                Err(err) => panic!("a task of `JoinSet::join_all` failed: {err}"),
            }
        }
        outputs
    }

    /// The output of a task that already finished, without waiting.
    ///
    /// It cannot yield, so it ignores the cooperative budget (as tokio's).
    /// `None` both when the set is empty and when no task has finished.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut set = rt::task::JoinSet::new();
    /// set.spawn(async { 1 });
    /// let output = loop {
    ///     match set.try_join_next() {
    ///         Some(output) => break output?,
    ///         None => rt::task::yield_now().await, // not finished yet
    ///     }
    /// };
    /// assert_eq!(output, 1);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.try_join_next_with_id()
            .map(|out| out.map(|(_, value)| value))
    }

    /// [`JoinSet::try_join_next`], with the [`Id`] of the task that
    /// finished.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut set = rt::task::JoinSet::new();
    /// let id = set.spawn(async { 1 }).id();
    /// let finished = loop {
    ///     match set.try_join_next_with_id() {
    ///         Some(output) => break output?,
    ///         None => rt::task::yield_now().await,
    ///     }
    /// };
    /// assert_eq!(finished, (id, 1));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        let waker = std::task::Waker::noop();
        let polled = coop::with_unconstrained(|| {
            self.poll_join_next_with_id(&mut Context::from_waker(waker))
        });
        match polled {
            Poll::Ready(out) => out,
            Poll::Pending => None,
        }
    }

    /// Poll for the next finished task (see [`JoinSet::join_next`]).
    ///
    /// Returning a task's output consumes one unit of the cooperative
    /// budget (`rt::task::coop`); with none left it returns `Pending` and
    /// the task is polled again later.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut set = rt::task::JoinSet::new();
    /// set.spawn(async { 5 });
    /// // What `join_next` does, for a hand-written `Future` or `Stream`.
    /// let output = poll_fn(|cx| set.poll_join_next(cx)).await;
    /// assert_eq!(output.unwrap()?, 5);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.poll_join_next_with_id(cx)
            .map(|out| out.map(|out| out.map(|(_, value)| value)))
    }

    /// Poll for the next finished task, with its [`Id`] (see
    /// [`JoinSet::join_next_with_id`]); budgeted as
    /// [`JoinSet::poll_join_next`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut set = rt::task::JoinSet::new();
    /// let id = set.spawn(async { 5 }).id();
    /// let output = poll_fn(|cx| set.poll_join_next_with_id(cx)).await;
    /// assert_eq!(output.unwrap()?, (id, 5));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_join_next_with_id(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(Id, T), JoinError>>> {
        if self.handles.is_empty() {
            return Poll::Ready(None);
        }
        self.ready.waker.register(cx.waker());
        self.waiting.extend(self.ready.keys.lock().drain(..));
        if self.waiting.is_empty() {
            return Poll::Pending;
        }
        // One unit for the set, taken once, rather than one per handle:
        // exhausted, every finished handle would defer the task again.
        let unit = ready!(coop::poll_proceed(cx));
        let polled = coop::with_unconstrained(|| self.poll_waiting(cx));
        if polled.is_ready() {
            unit.made_progress();
        }
        polled
    }

    /// Poll the handles of tasks that finished, returning the first output.
    fn poll_waiting(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<(Id, T), JoinError>>> {
        let mut i = 0;
        while i < self.waiting.len() {
            let key = self.waiting[i];
            let Some(handle) = self.handles.get_mut(&key) else {
                self.waiting.remove(i);
                continue;
            };
            if let Poll::Ready(out) = Pin::new(&mut *handle).poll(cx) {
                let id = handle.id();
                // `remove`, not a swap: the rest stay in the order they
                // finished (usually `i` is 0, which is O(1) here).
                self.waiting.remove(i);
                self.handles.remove(&key);
                return Poll::Ready(Some(out.map(|value| (id, value))));
            }
            i += 1;
        }
        Poll::Pending
    }

    /// Aborts every task in the set; they stay in it until joined, each
    /// with a cancelled [`JoinError`] unless it finished first.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut set = rt::task::JoinSet::new();
    /// for _ in 0..3 {
    ///     set.spawn(std::future::pending::<()>());
    /// }
    /// set.abort_all();
    /// assert_eq!(set.len(), 3);
    /// while let Some(res) = set.join_next().await {
    ///     assert!(res.unwrap_err().is_cancelled());
    /// }
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn abort_all(&mut self) {
        for h in self.handles.values() {
            h.abort();
        }
    }

    /// Removes every task from the set without aborting it: the tasks run
    /// on, detached.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use std::sync::Arc;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let done = Arc::new(AtomicBool::new(false));
    /// let mut set = rt::task::JoinSet::new();
    /// let flag = done.clone();
    /// set.spawn(async move { flag.store(true, Ordering::Release) });
    /// set.detach_all();
    /// assert!(set.is_empty());
    /// drop(set); // aborts nothing: the task is no longer in it
    /// while !done.load(Ordering::Acquire) {
    ///     rt::task::yield_now().await;
    /// }
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn detach_all(&mut self) {
        self.handles.clear();
        self.waiting.clear();
    }

    /// Aborts every task and waits until all have finished; the set is
    /// then empty.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut set = rt::task::JoinSet::new();
    /// for _ in 0..3 {
    ///     set.spawn(std::future::pending::<()>());
    /// }
    /// set.shutdown().await;
    /// assert!(set.is_empty());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }
}

/// Spawns each future of the iterator on the current runtime, into a new
/// set.
///
/// # Panics
/// Outside a runtime (as [`JoinSet::spawn`]).
///
/// # Examples
///
/// ```
/// use rt::task::JoinSet;
///
/// # rt::Runtime::new()?.block_on(async {
/// let set: JoinSet<_> = ["a", "b"].into_iter().map(|s| async move { s.len() }).collect();
/// assert_eq!(set.join_all().await, [1, 1]);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
impl<T, F> FromIterator<F> for JoinSet<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> Self {
        let mut set = JoinSet::new();
        set.extend(iter);
        set
    }
}

/// Spawns each future of the iterator on the current runtime, into this
/// set.
///
/// # Panics
/// Outside a runtime (as [`JoinSet::spawn`]).
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let mut set = rt::task::JoinSet::new();
/// set.spawn(async { 1 });
/// set.extend((2..=3).map(|i| async move { i }));
/// assert_eq!(set.len(), 3);
/// let mut all = set.join_all().await;
/// all.sort();
/// assert_eq!(all, [1, 2, 3]);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
impl<T, F> Extend<F> for JoinSet<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for future in iter {
            self.spawn(future);
        }
    }
}

impl<T: 'static> Default for JoinSet<T> {
    fn default() -> Self {
        JoinSet::new()
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        for h in self.handles.values() {
            h.abort();
        }
    }
}

impl<T> std::fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinSet")
            .field("len", &self.handles.len())
            .finish()
    }
}
