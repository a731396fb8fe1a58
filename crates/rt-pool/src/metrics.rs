//! Runtime metrics: counters kept by the workers, read through
//! [`RuntimeMetrics`].
//!
//! # Protocol
//!
//! Each worker owns one [`WorkerMetrics`], on a cache line of its own
//! (`CachePadded`), so that no two workers ever write the same line. Only
//! the owning worker writes its counters, and it writes them with a
//! `Relaxed` load and a `Relaxed` store, not a read-modify-write: with one
//! writer no increment can be lost, and a plain store costs what an
//! ordinary memory write costs (an RMW is a locked instruction). Readers
//! (any thread, through `RuntimeMetrics`) load `Relaxed`: a counter is a
//! statistic that synchronises nothing, and a reader may see a value a
//! little behind the worker's.
//!
//! What is counted where no worker runs — a task spawned from a thread
//! that is not one of the runtime's workers — goes to one shared counter
//! with a `fetch_add` (several threads may write it); that path already
//! takes the injector's lock, so the RMW adds little.
//!
//! A runtime flavour provides the numbers through [`MetricsSource`]: its
//! per-worker counter slice (a current-thread runtime owns one worker's
//! worth) and the depths of its queues.
//!
//! # Examples
//!
//! ```
//! let rt = rt::runtime::Builder::new_multi_thread().worker_threads(2).build()?;
//! let metrics = rt.metrics();
//! rt.block_on(async {
//!     for _ in 0..10 {
//!         rt::spawn(async {}).await.unwrap();
//!     }
//! });
//! assert_eq!(metrics.num_workers(), 2);
//! assert_eq!(metrics.spawned_tasks_count(), 10);
//! let polls: u64 = (0..2).map(|w| metrics.worker_poll_count(w)).sum();
//! assert!(polls >= 10);
//! # std::io::Result::Ok(())
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use crossbeam_utils::CachePadded;

use crate::worker::Shared;
use crate::{Handle, Runtime};

/// Add `n` to a counter only this thread writes: a load and a store, no
/// RMW (see the module docs).
fn add(counter: &AtomicU64, n: u64) {
    // Relaxed both: the single writer reads its own last store; readers
    // synchronise on nothing through it.
    counter.store(counter.load(Relaxed).wrapping_add(n), Relaxed);
}

/// One worker's counters, written by that worker only.
#[derive(Debug, Default)]
pub(crate) struct WorkerMetrics {
    park_count: AtomicU64,
    park_unpark_count: AtomicU64,
    busy_nanos: AtomicU64,
    steal_count: AtomicU64,
    poll_count: AtomicU64,
    spawned_count: AtomicU64,
    forced_yield_count: AtomicU64,
}

impl WorkerMetrics {
    /// The worker polled a task (or ran a cancelled one to its end).
    pub(crate) fn polled(&self) {
        add(&self.poll_count, 1);
    }

    /// The worker took `n` tasks from a sibling's queue.
    pub(crate) fn stole(&self, n: usize) {
        add(&self.steal_count, n as u64);
    }

    /// A task was spawned on this worker.
    pub(crate) fn spawned(&self) {
        add(&self.spawned_count, 1);
    }

    /// A task on this worker ran out of budget and was made to yield.
    pub(crate) fn forced_yield(&self) {
        add(&self.forced_yield_count, 1);
    }

    /// The worker is about to park; it was busy since `busy_since`.
    pub(crate) fn parking(&self, busy_since: Instant) {
        add(&self.park_count, 1);
        add(&self.park_unpark_count, 1);
        self.busy_until_now(busy_since);
    }

    /// The worker ends a busy period that began at `busy_since` (it
    /// parks, or leaves its loop at shutdown).
    pub(crate) fn busy_until_now(&self, busy_since: Instant) {
        let busy = busy_since.elapsed().as_nanos();
        add(&self.busy_nanos, u64::try_from(busy).unwrap_or(u64::MAX));
    }

    /// The worker is back from a park.
    pub(crate) fn unparked(&self) {
        add(&self.park_unpark_count, 1);
    }
}

/// The counters of one runtime: one padded [`WorkerMetrics`] per worker and
/// the count of spawns made off the workers.
#[derive(Debug)]
pub(crate) struct Counters {
    workers: Box<[CachePadded<WorkerMetrics>]>,
    /// Tasks spawned from threads that are not this runtime's workers
    /// (written by many threads: `fetch_add`).
    remote_spawned: CachePadded<AtomicU64>,
}

impl Counters {
    pub(crate) fn new(workers: usize) -> Counters {
        Counters {
            workers: (0..workers).map(|_| CachePadded::default()).collect(),
            remote_spawned: CachePadded::default(),
        }
    }

    /// Worker `index`'s counters.
    pub(crate) fn worker(&self, index: usize) -> &WorkerMetrics {
        &self.workers[index]
    }

    /// A task was spawned from off the workers.
    pub(crate) fn spawned_remotely(&self) {
        // Relaxed: a count; the RMW's atomicity is all it needs.
        self.remote_spawned.fetch_add(1, Relaxed);
    }

    fn sum(&self, field: impl Fn(&WorkerMetrics) -> &AtomicU64) -> u64 {
        self.workers
            .iter()
            .map(|w| field(w).load(Relaxed))
            .fold(0, u64::wrapping_add)
    }
}

/// What a runtime flavour gives [`RuntimeMetrics`] to read.
pub(crate) trait MetricsSource {
    /// The per-worker counters (one entry per worker).
    fn counters(&self) -> &Counters;
    /// Tasks alive: spawned and not completed.
    fn alive_tasks(&self) -> usize;
    /// Tasks in the queue shared by all workers.
    fn global_queue_depth(&self) -> usize;
    /// Tasks in worker `worker`'s own queue.
    fn local_queue_depth(&self, worker: usize) -> usize;
    /// Readiness events the I/O driver has handed out.
    fn io_driver_ready_count(&self) -> u64;
}

impl MetricsSource for Shared {
    fn counters(&self) -> &Counters {
        &self.metrics
    }

    fn alive_tasks(&self) -> usize {
        self.owned.len()
    }

    fn global_queue_depth(&self) -> usize {
        self.queues.remote_len()
    }

    fn local_queue_depth(&self, worker: usize) -> usize {
        self.queues.local_len(worker)
    }

    fn io_driver_ready_count(&self) -> u64 {
        self.drivers.io_ready_count()
    }
}

/// The current-thread runtime, as one worker: the thread holding its core.
/// Its own queue lives in that thread's core, out of other threads' reach,
/// so `worker_local_queue_depth` reads 0 and `global_queue_depth` counts
/// the tasks queued from other threads. It never steals, and forced yields
/// are not counted on it yet.
impl MetricsSource for crate::current_thread::Shared {
    fn counters(&self) -> &Counters {
        &self.metrics
    }

    fn alive_tasks(&self) -> usize {
        self.owned.len()
    }

    fn global_queue_depth(&self) -> usize {
        self.remote_len()
    }

    fn local_queue_depth(&self, _worker: usize) -> usize {
        0
    }

    fn io_driver_ready_count(&self) -> u64 {
        self.drivers.io_ready_count()
    }
}

/// A view of a runtime's counters and queue depths, for monitoring: get
/// one with [`Runtime::metrics`] or [`Handle::metrics`].
///
/// Counts start at zero when the runtime is built and only grow (they wrap
/// at `u64::MAX`); depths are snapshots. Reading costs the runtime nothing:
/// each worker keeps its own counters and readers only load them. Values
/// may lag the workers a little, so compare differences over time.
///
/// Methods taking `worker` index workers `0..num_workers()`, the index
/// [`worker_index`](crate::worker_index) gives on a worker thread; they
/// panic for an index out of that range.
///
/// # Examples
///
/// ```
/// use rt::runtime::Builder;
///
/// let rt = Builder::new_multi_thread().worker_threads(2).build()?;
/// let metrics = rt.handle().metrics();
/// rt.block_on(async {
///     let tasks: Vec<_> = (0..100).map(|i| rt::spawn(async move { i })).collect();
///     for task in tasks {
///         task.await.unwrap();
///     }
/// });
/// assert_eq!(metrics.spawned_tasks_count(), 100);
/// for worker in 0..metrics.num_workers() {
///     println!(
///         "worker {worker}: {} polls, {} steals, {} parks, busy {:?}",
///         metrics.worker_poll_count(worker),
///         metrics.worker_steal_count(worker),
///         metrics.worker_park_count(worker),
///         metrics.worker_total_busy_duration(worker),
///     );
/// }
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone)]
pub struct RuntimeMetrics {
    handle: Handle,
}

impl RuntimeMetrics {
    fn source(&self) -> &dyn MetricsSource {
        match &self.handle.inner {
            crate::handle::Scheduler::MultiThread(s) => &**s,
            crate::handle::Scheduler::CurrentThread(s) => &**s,
        }
    }

    #[track_caller]
    fn worker(&self, worker: usize) -> &WorkerMetrics {
        let workers = &self.source().counters().workers;
        match workers.get(worker) {
            Some(w) => w,
            None => panic!(
                "worker index {worker} out of range: the runtime has {} workers",
                workers.len()
            ),
        }
    }

    /// How many worker threads the runtime has.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().worker_threads(3).build()?;
    /// assert_eq!(rt.metrics().num_workers(), 3);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn num_workers(&self) -> usize {
        self.source().counters().workers.len()
    }

    /// How many tasks are alive: spawned and not yet completed (blocking
    /// closures are not counted).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::Runtime::new()?;
    /// let metrics = rt.metrics();
    /// let task = rt.spawn(std::future::pending::<()>());
    /// assert_eq!(metrics.num_alive_tasks(), 1);
    /// task.abort();
    /// let _ = rt.block_on(task);
    /// // The handle may see the end a moment before the count does.
    /// while metrics.num_alive_tasks() != 0 {
    ///     std::thread::yield_now();
    /// }
    /// # std::io::Result::Ok(())
    /// ```
    pub fn num_alive_tasks(&self) -> usize {
        self.source().alive_tasks()
    }

    /// How many tasks wait in the global queue, where tasks spawned or
    /// woken off the workers go.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().worker_threads(1).build()?;
    /// let metrics = rt.metrics();
    /// // The only worker is kept busy, so what this thread spawns waits.
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// let busy = rt.spawn(async move { rx.recv().unwrap() });
    /// while metrics.worker_poll_count(0) == 0 {
    ///     std::thread::yield_now();
    /// }
    /// let queued = rt.spawn(async {});
    /// assert_eq!(metrics.global_queue_depth(), 1);
    /// tx.send(()).unwrap();
    /// rt.block_on(async { busy.await.unwrap(); queued.await.unwrap() });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn global_queue_depth(&self) -> usize {
        self.source().global_queue_depth()
    }

    /// The time worker `worker` has spent running tasks and turning the
    /// drivers, as opposed to parked. A busy period is added when the
    /// worker parks, so a worker busy right now has its current period
    /// missing until then.
    ///
    /// # Panics
    /// If `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().worker_threads(1).build()?;
    /// let metrics = rt.metrics();
    /// rt.block_on(rt.spawn(async {
    ///     std::thread::sleep(std::time::Duration::from_millis(20));
    /// }))?;
    /// // Once the worker has parked again, its busy time includes that.
    /// while metrics.worker_total_busy_duration(0).as_millis() < 20 {
    ///     std::thread::yield_now();
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        Duration::from_nanos(self.worker(worker).busy_nanos.load(Relaxed))
    }

    /// How many times worker `worker` has parked (gone to sleep for lack
    /// of work).
    ///
    /// # Panics
    /// If `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().worker_threads(1).build()?;
    /// let metrics = rt.metrics();
    /// // An idle worker parks.
    /// while metrics.worker_park_count(0) == 0 {
    ///     std::thread::yield_now();
    /// }
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        self.worker(worker).park_count.load(Relaxed)
    }

    /// How many times worker `worker` has parked or unparked, counted
    /// together: odd while it is parked, even while it runs (a reader may
    /// see it a moment late).
    ///
    /// # Panics
    /// If `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().worker_threads(1).build()?;
    /// let metrics = rt.metrics();
    /// while metrics.worker_park_unpark_count(0) % 2 == 0 {
    ///     std::thread::yield_now(); // not parked yet
    /// }
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn worker_park_unpark_count(&self, worker: usize) -> u64 {
        self.worker(worker).park_unpark_count.load(Relaxed)
    }

    /// How many tasks worker `worker` has taken from its siblings' queues
    /// (tasks, not steal operations: one steal takes up to half a queue).
    /// Tasks it takes from the global queue are not counted.
    ///
    /// # Panics
    /// If `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().worker_threads(2).build()?;
    /// let metrics = rt.metrics();
    /// let steals: u64 = (0..2).map(|w| metrics.worker_steal_count(w)).sum();
    /// println!("{steals} tasks changed worker");
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn worker_steal_count(&self, worker: usize) -> u64 {
        self.worker(worker).steal_count.load(Relaxed)
    }

    /// How many times worker `worker` has polled a task.
    ///
    /// # Panics
    /// If `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().worker_threads(1).build()?;
    /// rt.block_on(rt.spawn(async {}))?;
    /// assert_eq!(rt.metrics().worker_poll_count(0), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn worker_poll_count(&self, worker: usize) -> u64 {
        self.worker(worker).poll_count.load(Relaxed)
    }

    /// How many tasks wait in worker `worker`'s own queue (the task in its
    /// LIFO slot, the one it runs next, excluded).
    ///
    /// # Panics
    /// If `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().worker_threads(1).build()?;
    /// assert_eq!(rt.metrics().worker_local_queue_depth(0), 0);
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        let _ = self.worker(worker); // the range check
        self.source().local_queue_depth(worker)
    }

    /// How many tasks have been spawned on the runtime since it was built
    /// (blocking closures are not counted).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::Runtime::new()?;
    /// rt.block_on(async { rt::spawn(async {}).await })?;
    /// assert_eq!(rt.metrics().spawned_tasks_count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawned_tasks_count(&self) -> u64 {
        let counters = self.source().counters();
        counters
            .sum(|w| &w.spawned_count)
            .wrapping_add(counters.remote_spawned.load(Relaxed))
    }

    /// How many times a task was made to yield because its cooperative
    /// budget ran out (`rt::task::coop`), on all workers.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::Runtime::new()?;
    /// rt.block_on(rt.spawn(async {
    ///     for _ in 0..1_000 {
    ///         rt::task::consume_budget().await;
    ///     }
    /// }))?;
    /// assert!(rt.metrics().budget_forced_yield_count() >= 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn budget_forced_yield_count(&self) -> u64 {
        self.source().counters().sum(|w| &w.forced_yield_count)
    }

    /// How many times worker `worker`'s queue overflowed into the global
    /// queue. Always 0 on rt: a worker's queue grows instead of
    /// overflowing (tokio's holds 256 tasks and moves half out when full).
    ///
    /// # Panics
    /// If `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().worker_threads(1).build()?;
    /// assert_eq!(rt.metrics().worker_overflow_count(0), 0);
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn worker_overflow_count(&self, worker: usize) -> u64 {
        let _ = self.worker(worker); // the range check
        0
    }

    /// How many readiness events the I/O driver has delivered (each wakes
    /// the tasks waiting on one socket or file descriptor).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// let rt = rt::Runtime::new()?;
    /// rt.block_on(async {
    ///     let (mut a, mut b) = rt::net::UnixStream::pair()?;
    ///     let reader = rt::spawn(async move {
    ///         let mut byte = [0];
    ///         b.read_exact(&mut byte).await.map(|_| byte[0])
    ///     });
    ///     rt::time::sleep(std::time::Duration::from_millis(10)).await; // the reader waits
    ///     a.write_all(&[7]).await?;
    ///     assert_eq!(reader.await??, 7);
    ///     std::io::Result::Ok(())
    /// })?;
    /// assert!(rt.metrics().io_driver_ready_count() >= 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn io_driver_ready_count(&self) -> u64 {
        self.source().io_driver_ready_count()
    }
}

impl fmt::Debug for RuntimeMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuntimeMetrics")
            .field("num_workers", &self.num_workers())
            .field("num_alive_tasks", &self.num_alive_tasks())
            .field("spawned_tasks_count", &self.spawned_tasks_count())
            .finish_non_exhaustive()
    }
}

impl Handle {
    /// A view of this runtime's metrics (see [`RuntimeMetrics`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::Runtime::new()?;
    /// let metrics = rt.block_on(async { rt::runtime::Handle::current().metrics() });
    /// assert_eq!(metrics.num_alive_tasks(), 0);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics {
            handle: self.clone(),
        }
    }
}

impl Runtime {
    /// A view of this runtime's metrics (see [`RuntimeMetrics`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().worker_threads(2).build()?;
    /// assert_eq!(rt.metrics().num_workers(), 2);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        self.handle().metrics()
    }
}
