//! Shared helpers for the comparison benches: one [`BenchRuntime`] trait so
//! each workload is written once and run on rt, tokio and smol's
//! async-executor, plus a runtime-agnostic [`oneshot`] channel so only the
//! scheduler differs between the columns.
//!
//! A bench uses it with `mod common;` and runs a generic workload once per
//! runtime, in one criterion group:
//!
//! ```ignore
//! fn workload<R: BenchRuntime>(group: &mut Group<'_>) {
//!     let rt = R::new(WORKERS);
//!     group.bench_function(R::NAME, |b| b.iter(|| rt.block_on(async {})));
//! }
//! ```

// Each bench target compiles this module on its own and uses a subset of it.
#![allow(dead_code)]

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread;

use async_executor::Executor;

/// Worker threads of every runtime under test: this machine's 2 cores
/// (tokio's own bench uses 4 on a bigger machine).
pub const WORKERS: usize = 2;

/// A criterion group measured in wall time.
pub type Group<'a> = criterion::BenchmarkGroup<'a, criterion::measurement::WallTime>;

/// What a workload needs from a multi-threaded runtime.
pub trait BenchRuntime: Sized + 'static {
    /// The function name in a criterion group (`rt`, `tokio`, `smol`).
    const NAME: &'static str;

    /// Awaits a spawned task's output; dropping it detaches the task.
    type JoinHandle<T: Send + 'static>: Future<Output = T> + Send + Unpin + 'static;

    /// A runtime with `workers` worker threads.
    fn new(workers: usize) -> Self;

    /// Run `future` on the calling thread (not a worker) inside this
    /// runtime's context, so [`BenchRuntime::spawn_current`] works there.
    fn block_on<F: Future>(&self, future: F) -> F::Output;

    /// Spawn onto this runtime from any thread (`Runtime::spawn`).
    fn spawn<F>(&self, future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Spawn onto the runtime this thread is in, like `tokio::spawn`.
    ///
    /// # Panics
    /// Outside a task or `block_on` of this kind of runtime.
    fn spawn_current<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// The runtime's own `yield_now`.
    fn yield_now() -> impl Future<Output = ()> + Send;
}

/// Turns a `JoinHandle` whose output is `Result<T, E>` into one that
/// yields `T` and panics on a join error (a bench task never fails).
#[derive(Debug)]
pub struct Unwrap<H>(H);

impl<H> Unwrap<H> {
    /// Wraps a runtime's `JoinHandle` (for benches with their own trait).
    pub fn new(handle: H) -> Unwrap<H> {
        Unwrap(handle)
    }
}

impl<H, T, E> Future for Unwrap<H>
where
    H: Future<Output = Result<T, E>> + Unpin,
    E: std::fmt::Debug,
{
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.expect("a bench task failed"))
    }
}

impl BenchRuntime for rt::Runtime {
    const NAME: &'static str = "rt";
    type JoinHandle<T: Send + 'static> = Unwrap<rt::task::JoinHandle<T>>;

    fn new(workers: usize) -> Self {
        rt::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .build()
            .expect("build an rt runtime")
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        rt::Runtime::block_on(self, future)
    }

    fn spawn<F>(&self, future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Unwrap(rt::Runtime::spawn(self, future))
    }

    fn spawn_current<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Unwrap(rt::spawn(future))
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        rt::task::yield_now()
    }
}

impl BenchRuntime for tokio::runtime::Runtime {
    const NAME: &'static str = "tokio";
    type JoinHandle<T: Send + 'static> = Unwrap<tokio::task::JoinHandle<T>>;

    fn new(workers: usize) -> Self {
        // `enable_all`, as in tokio's own bench: workers park in the I/O
        // driver, which is how a tokio application runs.
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .expect("build a tokio runtime")
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        tokio::runtime::Runtime::block_on(self, future)
    }

    fn spawn<F>(&self, future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Unwrap(tokio::runtime::Runtime::spawn(self, future))
    }

    fn spawn_current<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Unwrap(tokio::spawn(future))
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        tokio::task::yield_now()
    }
}

thread_local! {
    /// The executor of the [`Smol`] runtime this thread works for or
    /// blocks on (smol has no ambient `spawn` of its own).
    static SMOL_CURRENT: RefCell<Option<Arc<Executor<'static>>>> = const { RefCell::new(None) };
}

/// Makes `executor` this thread's current one until dropped.
struct SmolEnter(Option<Arc<Executor<'static>>>);

impl SmolEnter {
    fn new(executor: &Arc<Executor<'static>>) -> SmolEnter {
        SmolEnter(SMOL_CURRENT.with(|c| c.borrow_mut().replace(executor.clone())))
    }
}

impl Drop for SmolEnter {
    fn drop(&mut self) {
        let prev = self.0.take();
        SMOL_CURRENT.with(|c| *c.borrow_mut() = prev);
    }
}

/// smol's async-executor as a multi-threaded runtime: one [`Executor`]
/// run by `workers` threads until the runtime is dropped.
#[derive(Debug)]
pub struct Smol {
    executor: Arc<Executor<'static>>,
    stops: Vec<oneshot::Sender<()>>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl Drop for Smol {
    fn drop(&mut self) {
        for stop in self.stops.drain(..) {
            stop.send(());
        }
        for t in self.threads.drain(..) {
            t.join().expect("a smol worker panicked");
        }
    }
}

/// A smol task that is detached, not cancelled, when its handle drops
/// (the semantics of rt's and tokio's `JoinHandle`).
#[derive(Debug)]
pub struct SmolJoin<T>(Option<async_executor::Task<T>>);

impl<T> Future for SmolJoin<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let task = self.0.as_mut().expect("SmolJoin polled after completion");
        let out = Pin::new(task).poll(cx);
        if out.is_ready() {
            self.0 = None;
        }
        out
    }
}

impl<T> Drop for SmolJoin<T> {
    fn drop(&mut self) {
        if let Some(task) = self.0.take() {
            task.detach();
        }
    }
}

impl BenchRuntime for Smol {
    const NAME: &'static str = "smol";
    type JoinHandle<T: Send + 'static> = SmolJoin<T>;

    fn new(workers: usize) -> Self {
        let executor = Arc::new(Executor::new());
        let mut stops = Vec::with_capacity(workers);
        let mut threads = Vec::with_capacity(workers);
        for i in 0..workers {
            let (stop, stopped) = oneshot::channel::<()>();
            let ex = executor.clone();
            let thread = thread::Builder::new()
                .name(format!("smol-worker-{i}"))
                .spawn(move || {
                    let _enter = SmolEnter::new(&ex);
                    futures_lite::future::block_on(ex.run(async {
                        let _ = stopped.await;
                    }));
                })
                .expect("start a smol worker");
            stops.push(stop);
            threads.push(thread);
        }
        Smol {
            executor,
            stops,
            threads,
        }
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        // Not `executor.run`: the calling thread must not become a third
        // worker, as it is not one for rt and tokio either.
        let _enter = SmolEnter::new(&self.executor);
        futures_lite::future::block_on(future)
    }

    fn spawn<F>(&self, future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        SmolJoin(Some(self.executor.spawn(future)))
    }

    fn spawn_current<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        SMOL_CURRENT.with(|c| {
            let current = c.borrow();
            let ex = current
                .as_ref()
                .expect("spawn_current outside a smol worker or block_on");
            SmolJoin(Some(ex.spawn(future)))
        })
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        futures_lite::future::yield_now()
    }
}

/// One exchange of the `ping_pong` workloads: the partner's future (to be
/// spawned), which waits for a message and answers, and the pinger's,
/// which sends and awaits the answer. Shared by both schedulers' benches.
pub fn ping_pong_pair() -> (
    impl Future<Output = ()> + Send + 'static,
    impl Future<Output = ()> + Send + 'static,
) {
    let (tx1, rx1) = oneshot::channel();
    let (tx2, rx2) = oneshot::channel();
    let partner = async move {
        rx1.await.unwrap();
        tx2.send(());
    };
    let pinger = async move {
        tx1.send(());
        rx2.await.unwrap();
    };
    (partner, pinger)
}

/// One iteration of the `ping_pong` workload: `pings` rounds, each a task
/// that spawns a partner, sends it a oneshot message and awaits the answer
/// on another; the last round to finish signals `done_tx`. Shared by
/// benches/rt_multi_threaded.rs and examples/sched_count.rs.
pub fn ping_pong_once<R: BenchRuntime>(
    rt: &R,
    pings: usize,
    done: (
        &std::sync::mpsc::SyncSender<()>,
        &std::sync::mpsc::Receiver<()>,
    ),
    rem: &Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::sync::atomic::Ordering::Relaxed;
    let (done_tx, done_rx) = (done.0.clone(), done.1);
    let rem = rem.clone();
    rem.store(pings, Relaxed);
    rt.block_on(async {
        drop(R::spawn_current(async move {
            for _ in 0..pings {
                let rem = rem.clone();
                let done_tx = done_tx.clone();
                drop(R::spawn_current(async move {
                    let (partner, pinger) = ping_pong_pair();
                    drop(R::spawn_current(partner));
                    pinger.await;
                    if 1 == rem.fetch_sub(1, Relaxed) {
                        done_tx.send(()).unwrap();
                    }
                }));
            }
        }));
        done_rx.recv().unwrap();
    });
}

/// One iteration of the `chained_spawn` workload: a chain of `len` tasks,
/// each spawning the next from its worker; the last signals `done_tx`.
/// Shared by benches/rt_multi_threaded.rs and examples/sched_count.rs.
pub fn chained_spawn_once<R: BenchRuntime>(
    rt: &R,
    len: usize,
    done: (
        &std::sync::mpsc::SyncSender<()>,
        &std::sync::mpsc::Receiver<()>,
    ),
) {
    fn link<R: BenchRuntime>(done_tx: std::sync::mpsc::SyncSender<()>, n: usize) {
        if n == 0 {
            done_tx.send(()).unwrap();
        } else {
            drop(R::spawn_current(async move { link::<R>(done_tx, n - 1) }));
        }
    }
    let (done_tx, done_rx) = (done.0.clone(), done.1);
    rt.block_on(async {
        drop(R::spawn_current(async move { link::<R>(done_tx, len) }));
        done_rx.recv().unwrap();
    });
}

/// A one-value channel made of a `Mutex` and a `Waker`: the same code on
/// every runtime, so a message-passing bench compares schedulers only.
pub mod oneshot {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll, Waker};

    struct Inner<T> {
        value: Option<T>,
        waker: Option<Waker>,
        /// The sender is gone (sent or dropped).
        closed: bool,
    }

    /// Sends the value; dropping it unsent makes the receiver yield `Err`.
    pub struct Sender<T> {
        inner: Option<Arc<Mutex<Inner<T>>>>,
    }

    /// Awaits the value: `Ok(value)`, or `Err(Closed)` if the sender was
    /// dropped without sending.
    pub struct Receiver<T> {
        inner: Arc<Mutex<Inner<T>>>,
    }

    /// The sender was dropped without sending.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Closed;

    /// A connected sender and receiver.
    pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
        let inner = Arc::new(Mutex::new(Inner {
            value: None,
            waker: None,
            closed: false,
        }));
        (
            Sender {
                inner: Some(inner.clone()),
            },
            Receiver { inner },
        )
    }

    impl<T> Sender<T> {
        /// Store `value` and wake the receiver (outside the lock). A
        /// value sent to a dropped receiver is dropped with the channel.
        pub fn send(mut self, value: T) {
            if let Some(inner) = self.inner.take() {
                close(&inner, Some(value));
            }
        }
    }

    fn close<T>(inner: &Mutex<Inner<T>>, value: Option<T>) {
        let waker = {
            let mut guard = inner.lock().expect("oneshot lock poisoned");
            guard.value = value;
            guard.closed = true;
            guard.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    impl<T> Drop for Sender<T> {
        fn drop(&mut self) {
            if let Some(inner) = self.inner.take() {
                close(&inner, None);
            }
        }
    }

    impl<T> Future for Receiver<T> {
        type Output = Result<T, Closed>;

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            let mut guard = self.inner.lock().expect("oneshot lock poisoned");
            if let Some(value) = guard.value.take() {
                return Poll::Ready(Ok(value));
            }
            if guard.closed {
                return Poll::Ready(Err(Closed));
            }
            match &mut guard.waker {
                Some(w) => w.clone_from(cx.waker()),
                None => guard.waker = Some(cx.waker().clone()),
            }
            Poll::Pending
        }
    }

    impl<T> std::fmt::Debug for Sender<T> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Sender").finish_non_exhaustive()
        }
    }

    impl<T> std::fmt::Debug for Receiver<T> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Receiver").finish_non_exhaustive()
        }
    }
}
