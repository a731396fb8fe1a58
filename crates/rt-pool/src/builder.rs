//! `Builder`: configure and build a `Runtime`.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use crate::Runtime;

/// Default number of ticks between a busy worker's non-blocking reactor
/// turns: 61, like the global queue interval (from tokio).
pub(crate) const DEFAULT_EVENT_INTERVAL: u32 = 61;
/// Default bound on blocking threads: tokio's 512.
pub(crate) const DEFAULT_MAX_BLOCKING_THREADS: usize = 512;
/// How long an idle blocking thread lingers: tokio's 10 s.
pub(crate) const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(10);

type Callback = Arc<dyn Fn() + Send + Sync + 'static>;
type NameFn = Arc<dyn Fn() -> String + Send + Sync + 'static>;
use crate::hooks::{PollHooks, TaskCallback, TaskHooks, TaskMeta};

/// Which scheduler a runtime runs its tasks with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// Worker threads with work stealing (`worker`).
    MultiThread,
    /// The thread in `block_on` runs every task (`current_thread`).
    CurrentThread,
}

/// The settings a runtime was built with.
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) flavor: Flavor,
    pub(crate) worker_threads: usize,
    pub(crate) thread_name: NameFn,
    pub(crate) thread_stack_size: Option<usize>,
    pub(crate) on_thread_start: Option<Callback>,
    pub(crate) on_thread_stop: Option<Callback>,
    pub(crate) global_queue_interval: u32,
    pub(crate) event_interval: u32,
    pub(crate) max_blocking_threads: usize,
    pub(crate) keep_alive: Duration,
    /// Start with time paused (`Builder::start_paused`).
    pub(crate) start_paused: bool,
    /// `Builder::name`'s (`Handle::name`).
    pub(crate) name: Option<String>,
    /// `Builder::on_thread_park` / `on_thread_unpark`.
    pub(crate) on_thread_park: Option<Callback>,
    pub(crate) on_thread_unpark: Option<Callback>,
    /// The task hooks (`hooks`): all `None` unless the builder set them.
    pub(crate) task_hooks: TaskHooks,
}

impl Config {
    /// Runs `on_thread_start` on the calling (new runtime) thread.
    pub(crate) fn thread_started(&self) {
        call_hook(self.on_thread_start.as_ref());
    }

    /// Runs `on_thread_stop` on the calling (exiting runtime) thread.
    pub(crate) fn thread_stopped(&self) {
        call_hook(self.on_thread_stop.as_ref());
    }

    /// Runs `on_thread_park` on a runtime thread about to park.
    pub(crate) fn thread_parking(&self) {
        call_hook(self.on_thread_park.as_ref());
    }

    /// Runs `on_thread_unpark` on a runtime thread back from a park.
    pub(crate) fn thread_unparked(&self) {
        call_hook(self.on_thread_unpark.as_ref());
    }
}

/// The hooks are user code: a panic in one is reported by the panic hook
/// and contained, so the thread still runs (or exits) cleanly and shutdown
/// never waits for a thread that died.
fn call_hook(hook: Option<&Callback>) {
    if let Some(f) = hook {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f()));
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("flavor", &self.flavor)
            .field("worker_threads", &self.worker_threads)
            .field("thread_stack_size", &self.thread_stack_size)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("event_interval", &self.event_interval)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("keep_alive", &self.keep_alive)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Runtime`] with custom settings.
///
/// Make one with [`Builder::new_multi_thread`], change the settings with
/// the `&mut self` setters (each documents its default), then
/// [`build`](Builder::build). [`Runtime::new`] is
/// `Builder::new_multi_thread().build()`.
///
/// # Examples
///
/// ```
/// use rt::runtime::Builder;
///
/// let rt = Builder::new_multi_thread()
///     .worker_threads(2)
///     .thread_name("my-worker")
///     .build()?;
/// assert_eq!(rt.block_on(async { 6 * 7 }), 42);
/// # std::io::Result::Ok(())
/// ```
pub struct Builder {
    flavor: Flavor,
    worker_threads: Option<usize>,
    thread_name: NameFn,
    thread_stack_size: Option<usize>,
    on_thread_start: Option<Callback>,
    on_thread_stop: Option<Callback>,
    global_queue_interval: u32,
    event_interval: u32,
    max_blocking_threads: usize,
    keep_alive: Duration,
    start_paused: bool,
    name: Option<String>,
    on_thread_park: Option<Callback>,
    on_thread_unpark: Option<Callback>,
    on_task_spawn: Option<TaskCallback>,
    on_task_terminate: Option<TaskCallback>,
    on_before_task_poll: Option<TaskCallback>,
    on_after_task_poll: Option<TaskCallback>,
}

impl Builder {
    /// A builder for the multi-threaded, work-stealing runtime, with every
    /// setting at its default.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().build()?;
    /// # drop(rt);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new_multi_thread() -> Builder {
        Builder {
            flavor: Flavor::MultiThread,
            worker_threads: None,
            thread_name: Arc::new(|| "rt-worker".to_string()),
            thread_stack_size: None,
            on_thread_start: None,
            on_thread_stop: None,
            global_queue_interval: rt_scheduler::DEFAULT_GLOBAL_QUEUE_INTERVAL,
            event_interval: DEFAULT_EVENT_INTERVAL,
            max_blocking_threads: DEFAULT_MAX_BLOCKING_THREADS,
            keep_alive: DEFAULT_KEEP_ALIVE,
            start_paused: false,
            name: None,
            on_thread_park: None,
            on_thread_unpark: None,
            on_task_spawn: None,
            on_task_terminate: None,
            on_before_task_poll: None,
            on_after_task_poll: None,
        }
    }

    /// A builder for the current-thread runtime: no worker threads; the
    /// thread in [`Runtime::block_on`] runs every task, between polls of
    /// its own future, and blocks in the I/O and timer drivers when there
    /// is nothing to run. Tasks spawned while no thread is in `block_on`
    /// wait for the next one. The blocking pool is the same as the
    /// multi-thread runtime's. The global queue and event intervals
    /// default to 31 and 61 ticks.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::runtime::Builder;
    ///
    /// let rt = Builder::new_current_thread().enable_all().build()?;
    /// let here = std::thread::current().id();
    /// let ran_on = rt.block_on(async {
    ///     rt::spawn(async { std::thread::current().id() }).await
    /// })?;
    /// assert_eq!(ran_on, here); // the task ran on the block_on thread
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new_current_thread() -> Builder {
        Builder {
            flavor: Flavor::CurrentThread,
            global_queue_interval: crate::current_thread::DEFAULT_GLOBAL_QUEUE_INTERVAL,
            ..Builder::new_multi_thread()
        }
    }

    /// A name for the runtime, given back by
    /// [`Handle::name`](crate::Handle::name) (for logs and metrics; threads
    /// are named by [`thread_name`](Builder::thread_name)). Default: none.
    ///
    /// # Panics
    /// If `name` is empty or only whitespace.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().name("api").build()?;
    /// assert_eq!(rt.handle().name(), Some("api"));
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn name(&mut self, name: impl Into<String>) -> &mut Self {
        let name = name.into();
        assert!(!name.trim().is_empty(), "a runtime's name cannot be empty");
        self.name = Some(name);
        self
    }

    /// Number of worker threads. Default: the number of CPUs
    /// (`num_cpus::get()`). The current-thread runtime has none and
    /// ignores it.
    ///
    /// # Panics
    /// If `n` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().worker_threads(4).build()?;
    /// assert_eq!(rt.handle().num_workers(), 4);
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn worker_threads(&mut self, n: usize) -> &mut Self {
        assert!(n > 0, "worker_threads cannot be set to 0");
        self.worker_threads = Some(n);
        self
    }

    /// Name of the runtime's threads (workers and blocking pool). Default:
    /// `"rt-worker"`.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread()
    ///     .thread_name("my-service")
    ///     .build()?;
    /// let name = rt.block_on(rt.spawn(async {
    ///     std::thread::current().name().map(String::from)
    /// }))?;
    /// assert_eq!(name.as_deref(), Some("my-service"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn thread_name(&mut self, name: impl Into<String>) -> &mut Self {
        let name = name.into();
        self.thread_name = Arc::new(move || name.clone());
        self
    }

    /// A function that names each new thread (workers and blocking pool).
    /// Default: every thread is `"rt-worker"`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// static NEXT: AtomicUsize = AtomicUsize::new(0);
    /// let rt = rt::runtime::Builder::new_multi_thread()
    ///     .thread_name_fn(|| format!("worker-{}", NEXT.fetch_add(1, Ordering::Relaxed)))
    ///     .build()?;
    /// let name = rt.block_on(rt.spawn(async {
    ///     std::thread::current().name().map(String::from)
    /// }))?;
    /// assert!(name.unwrap().starts_with("worker-"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.thread_name = Arc::new(f);
        self
    }

    /// Stack size of the runtime's threads, in bytes. Default: std's (2 MiB).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread()
    ///     .thread_stack_size(8 * 1024 * 1024)
    ///     .build()?;
    /// // Room for a task with a deep recursion or a large future.
    /// assert_eq!(rt.block_on(rt.spawn(async { [0u8; 1 << 20].len() }))?, 1 << 20);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn thread_stack_size(&mut self, size: usize) -> &mut Self {
        self.thread_stack_size = Some(size);
        self
    }

    /// Run `f` on each runtime thread (worker or blocking pool) when it
    /// starts. Default: nothing. A panic in `f` is reported by the panic
    /// hook and contained: the thread runs on.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let started = Arc::new(AtomicUsize::new(0));
    /// let count = started.clone();
    /// let rt = rt::runtime::Builder::new_multi_thread()
    ///     .worker_threads(2)
    ///     .on_thread_start(move || {
    ///         count.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()?;
    /// drop(rt); // waits for the workers
    /// assert!(started.load(Ordering::Relaxed) >= 2);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_thread_start = Some(Arc::new(f));
        self
    }

    /// Run `f` on each runtime thread (worker or blocking pool) before it
    /// stops. Default: nothing. A panic in `f` is reported by the panic
    /// hook and contained.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let stopped = Arc::new(AtomicUsize::new(0));
    /// let count = stopped.clone();
    /// let rt = rt::runtime::Builder::new_multi_thread()
    ///     .worker_threads(2)
    ///     .on_thread_stop(move || {
    ///         count.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()?;
    /// drop(rt); // stops the workers and waits for them
    /// assert!(stopped.load(Ordering::Relaxed) >= 2);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_thread_stop = Some(Arc::new(f));
        self
    }

    /// Run `f` on a runtime thread right before it parks (it found no task
    /// to run and is about to block in the reactor or on its condvar): on
    /// each worker of the multi-thread runtime, on the thread in
    /// `block_on` of the current-thread one. Default: nothing. `f` runs
    /// inside the runtime's context: a task it spawns or wakes (or a
    /// `yield_now` it polls) runs before the thread blocks. A panic in `f`
    /// is reported by the panic hook and contained.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    /// use std::time::Duration;
    ///
    /// let parks = Arc::new(AtomicUsize::new(0));
    /// let count = parks.clone();
    /// let rt = rt::runtime::Builder::new_current_thread()
    ///     .on_thread_park(move || {
    ///         count.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()?;
    /// // Waiting for the timer, the thread parks.
    /// rt.block_on(async { rt::time::sleep(Duration::from_millis(5)).await });
    /// assert!(parks.load(Ordering::Relaxed) >= 1);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn on_thread_park<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_thread_park = Some(Arc::new(f));
        self
    }

    /// Run `f` on a runtime thread right after it wakes from a park (the
    /// pair of [`on_thread_park`](Builder::on_thread_park)). Default:
    /// nothing. A panic in `f` is reported by the panic hook and contained.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    /// use std::time::Duration;
    ///
    /// let unparks = Arc::new(AtomicUsize::new(0));
    /// let count = unparks.clone();
    /// let rt = rt::runtime::Builder::new_multi_thread()
    ///     .worker_threads(1)
    ///     .on_thread_unpark(move || {
    ///         count.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()?;
    /// let task = rt.spawn(async { rt::time::sleep(Duration::from_millis(5)).await });
    /// rt.block_on(task)?;
    /// assert!(unparks.load(Ordering::Relaxed) >= 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on_thread_unpark<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_thread_unpark = Some(Arc::new(f));
        self
    }

    /// Run `f` each time a task is spawned onto the runtime (`rt::spawn`,
    /// `Handle::spawn`, and a `LocalRuntime`'s `spawn_local`), on the
    /// spawning thread, before the task can run. `spawn_blocking` jobs and
    /// the tasks of a user's own `LocalSet` are not included. Default: nothing; unset, it costs nothing per task. A
    /// panic in `f` is reported by the panic hook and contained.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let spawned = Arc::new(AtomicUsize::new(0));
    /// let count = spawned.clone();
    /// let rt = rt::runtime::Builder::new_multi_thread()
    ///     .on_task_spawn(move |_meta| {
    ///         count.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()?;
    /// for _ in 0..3 {
    ///     rt.spawn(async {});
    /// }
    /// assert_eq!(spawned.load(Ordering::Relaxed), 3);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn on_task_spawn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&TaskMeta<'_>) + Send + Sync + 'static,
    {
        self.on_task_spawn = Some(Arc::new(f));
        self
    }

    /// Run `f` when a task of the runtime terminates: it completed,
    /// panicked, or was cancelled (aborted, or dropped by the runtime's
    /// shutdown). It runs on the thread where that happened, after the
    /// task's `JoinHandle` was woken. Default: nothing. A panic in `f` is
    /// reported by the panic hook and contained.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// let ended = Arc::new(Mutex::new(Vec::new()));
    /// let log = ended.clone();
    /// let rt = rt::runtime::Builder::new_current_thread()
    ///     .on_task_terminate(move |meta| log.lock().unwrap().push(meta.id()))
    ///     .build()?;
    /// let task = rt.spawn(async { 1 });
    /// let id = task.id();
    /// rt.block_on(task)?;
    /// assert_eq!(*ended.lock().unwrap(), [id]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on_task_terminate<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&TaskMeta<'_>) + Send + Sync + 'static,
    {
        self.on_task_terminate = Some(Arc::new(f));
        self
    }

    /// Run `f` right before each poll of a runtime task, on the polling
    /// thread. Default: nothing; unset (with
    /// [`on_after_task_poll`](Builder::on_after_task_poll)), a poll pays one
    /// branch for both. A panic in `f` is reported by the panic hook and
    /// contained.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let polls = Arc::new(AtomicUsize::new(0));
    /// let count = polls.clone();
    /// let rt = rt::runtime::Builder::new_current_thread()
    ///     .on_before_task_poll(move |_meta| {
    ///         count.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()?;
    /// rt.block_on(rt.spawn(async {
    ///     rt::task::yield_now().await; // a second poll
    /// }))?;
    /// assert_eq!(polls.load(Ordering::Relaxed), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on_before_task_poll<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&TaskMeta<'_>) + Send + Sync + 'static,
    {
        self.on_before_task_poll = Some(Arc::new(f));
        self
    }

    /// Run `f` right after each poll of a runtime task, on the polling
    /// thread. Default: nothing. A panic in `f` is reported by the panic
    /// hook and contained.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let polls = Arc::new(AtomicUsize::new(0));
    /// let count = polls.clone();
    /// let rt = rt::runtime::Builder::new_current_thread()
    ///     .on_after_task_poll(move |_meta| {
    ///         count.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()?;
    /// rt.block_on(rt.spawn(async {}))?;
    /// assert_eq!(polls.load(Ordering::Relaxed), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on_after_task_poll<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&TaskMeta<'_>) + Send + Sync + 'static,
    {
        self.on_after_task_poll = Some(Arc::new(f));
        self
    }

    /// Every `n`-th tick a worker takes from the global queue before its
    /// own. Default: 61 (31 on the current-thread runtime, where the
    /// global queue holds the tasks woken from other threads).
    ///
    /// A lower value serves tasks spawned from outside the workers sooner,
    /// at the cost of the locality of each worker's own queue.
    ///
    /// # Panics
    /// If `n` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread()
    ///     .global_queue_interval(31)
    ///     .build()?;
    /// # drop(rt);
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn global_queue_interval(&mut self, n: u32) -> &mut Self {
        assert!(n > 0, "global_queue_interval must be greater than 0");
        self.global_queue_interval = n;
        self
    }

    /// Every `n`-th tick a busy worker polls the reactor (I/O and timers)
    /// without blocking. Default: 61.
    ///
    /// A lower value delivers I/O and timer events to busy workers sooner,
    /// at the cost of more reactor turns.
    ///
    /// # Panics
    /// If `n` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread()
    ///     .event_interval(31)
    ///     .build()?;
    /// # drop(rt);
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn event_interval(&mut self, n: u32) -> &mut Self {
        assert!(n > 0, "event_interval must be greater than 0");
        self.event_interval = n;
        self
    }

    /// Most threads the blocking pool starts. Default: 512. Jobs beyond
    /// that wait in a queue for a thread.
    ///
    /// # Panics
    /// If `n` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread()
    ///     .max_blocking_threads(1)
    ///     .build()?;
    /// // One blocking thread: the second job waits for the first.
    /// let first = rt.spawn_blocking(|| 1);
    /// let second = rt.spawn_blocking(|| 2);
    /// assert_eq!(rt.block_on(first)? + rt.block_on(second)?, 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn max_blocking_threads(&mut self, n: usize) -> &mut Self {
        assert!(n > 0, "max_blocking_threads cannot be set to 0");
        self.max_blocking_threads = n;
        self
    }

    /// How long an idle blocking thread waits for work before it exits.
    /// Default: 10 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = rt::runtime::Builder::new_multi_thread()
    ///     .thread_keep_alive(Duration::from_millis(100))
    ///     .build()?;
    /// # drop(rt);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn thread_keep_alive(&mut self, duration: Duration) -> &mut Self {
        self.keep_alive = duration;
        self
    }

    /// Accepted for tokio compatibility: I/O and timers are always enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// // tokio's usual line compiles unchanged.
    /// let rt = rt::runtime::Builder::new_multi_thread().enable_all().build()?;
    /// # drop(rt);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn enable_all(&mut self) -> &mut Self {
        self
    }

    /// Accepted for tokio compatibility: I/O is always enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().enable_io().build()?;
    /// # drop(rt);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn enable_io(&mut self) -> &mut Self {
        self
    }

    /// Accepted for tokio compatibility: timers are always enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().enable_time().build()?;
    /// # drop(rt);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn enable_time(&mut self) -> &mut Self {
        self
    }

    /// Starts the runtime with time paused, as if its first act were
    /// [`rt::time::pause()`](rt_time::pause): timers are then driven by
    /// auto-advance and `rt::time::advance`, for tests. Default: false.
    ///
    /// # Panics
    ///
    /// `build` panics if the runtime cannot pause: as in tokio, only the
    /// current-thread runtime ([`Builder::new_current_thread`]) can.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{sleep, Duration, Instant};
    ///
    /// let rt = rt::runtime::Builder::new_current_thread()
    ///     .enable_all()
    ///     .start_paused(true)
    ///     .build()?;
    /// rt.block_on(async {
    ///     let start = Instant::now();
    ///     sleep(Duration::from_secs(24 * 3600)).await; // at once
    ///     assert!(start.elapsed() >= Duration::from_secs(24 * 3600));
    /// });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Self {
        self.start_paused = start_paused;
        self
    }

    /// Starts the runtime's threads with these settings. The builder can
    /// build again.
    ///
    /// # Errors
    /// If the reactor cannot be created or a thread cannot be spawned.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = rt::runtime::Builder::new_multi_thread();
    /// builder.worker_threads(1);
    /// let first = builder.build()?;
    /// let second = builder.build()?; // a second, independent runtime
    /// assert_eq!(first.block_on(async { 1 }) + second.block_on(async { 1 }), 2);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn build(&mut self) -> io::Result<Runtime> {
        Runtime::start(self.config())
    }

    /// Builds a [`LocalRuntime`](crate::LocalRuntime) with these settings:
    /// a current-thread runtime that also runs `!Send` tasks, on the
    /// calling thread (which it may not leave).
    ///
    /// # Panics
    /// On a builder made by [`Builder::new_multi_thread`]: a local runtime
    /// has one thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use rt::runtime::{Builder, LocalOptions};
    ///
    /// let rt = Builder::new_current_thread()
    ///     .enable_all()
    ///     .build_local(LocalOptions::default())?;
    /// let value = Rc::new(5);
    /// let out = rt.block_on(async move {
    ///     rt::task::spawn_local(async move { *value * 2 }).await.unwrap()
    /// });
    /// assert_eq!(out, 10);
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn build_local(&mut self, options: crate::LocalOptions) -> io::Result<crate::LocalRuntime> {
        let _ = options;
        assert!(
            self.flavor == Flavor::CurrentThread,
            "a `LocalRuntime` is built from `Builder::new_current_thread()`: the multi-thread \
             flavor is not supported for it"
        );
        Ok(crate::LocalRuntime::from_runtime(self.build()?))
    }

    /// The settings, resolved (`build` starts a runtime with them).
    pub(crate) fn config(&self) -> Config {
        let worker_threads = match self.flavor {
            Flavor::MultiThread => self.worker_threads.unwrap_or_else(num_cpus::get).max(1),
            // One thread at a time runs the tasks (the `block_on` caller).
            Flavor::CurrentThread => 1,
        };
        Config {
            flavor: self.flavor,
            worker_threads,
            thread_name: self.thread_name.clone(),
            thread_stack_size: self.thread_stack_size,
            on_thread_start: self.on_thread_start.clone(),
            on_thread_stop: self.on_thread_stop.clone(),
            global_queue_interval: self.global_queue_interval,
            event_interval: self.event_interval,
            max_blocking_threads: self.max_blocking_threads,
            keep_alive: self.keep_alive,
            start_paused: self.start_paused,
            name: self.name.clone(),
            on_thread_park: self.on_thread_park.clone(),
            on_thread_unpark: self.on_thread_unpark.clone(),
            task_hooks: TaskHooks {
                spawn: self.on_task_spawn.clone(),
                terminate: self.on_task_terminate.clone(),
                poll: (self.on_before_task_poll.is_some() || self.on_after_task_poll.is_some())
                    .then(|| {
                        Arc::new(PollHooks {
                            before: self.on_before_task_poll.clone(),
                            after: self.on_after_task_poll.clone(),
                        })
                    }),
            },
        }
    }
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new_multi_thread()
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("flavor", &self.flavor)
            .field("worker_threads", &self.worker_threads)
            .field("thread_stack_size", &self.thread_stack_size)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("event_interval", &self.event_interval)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("thread_keep_alive", &self.keep_alive)
            .field("start_paused", &self.start_paused)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}
