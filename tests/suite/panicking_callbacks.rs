//! User callbacks never take down a runtime thread or hang shutdown: a
//! thread start or stop hook that panics, a `JoinHandle`'s waker that
//! panics when the task completes on a worker, and a waker that panics in
//! a reactor turn (a timer firing) are contained; the runtime keeps
//! running tasks on every worker and its drop returns.

use crate::support;

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Wake, Waker};
use std::time::Duration;

use rt::runtime::{Builder, Runtime};
use support::{wait_until, watchdog};

/// Bound on each test (build, run, drop).
const LIMIT: Duration = Duration::from_secs(30);

/// A waker that counts its wakes, then panics.
#[derive(Default)]
struct Panicking(AtomicUsize);

impl Wake for Panicking {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
        panic!("a waker that panics (test)");
    }
}

/// A panicking waker, and a probe that tells when it was woken.
fn panicking_waker() -> (Waker, Arc<Panicking>) {
    let inner = Arc::new(Panicking::default());
    (Waker::from(inner.clone()), inner)
}

/// A runtime whose `on_thread_start` panics on the calls `panics_on`
/// says (numbered from 0, in the order threads start).
fn with_start_hook(workers: usize, panics_on: fn(usize) -> bool) -> Runtime {
    let calls = Arc::new(AtomicUsize::new(0));
    Builder::new_multi_thread()
        .worker_threads(workers)
        .on_thread_start(move || {
            if panics_on(calls.fetch_add(1, SeqCst)) {
                panic!("on_thread_start panics (test)");
            }
        })
        .build()
        .unwrap()
}

/// Every worker runs tasks: `workers` tasks that each wait for all the
/// others to have started can only finish if every worker polls one.
fn every_worker_runs_tasks(rt: &Runtime, workers: usize) {
    let started = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let started = started.clone();
            rt.spawn(async move {
                started.fetch_add(1, SeqCst);
                // Block this worker until every task has started on one.
                while started.load(SeqCst) < workers {
                    std::thread::yield_now();
                }
            })
        })
        .collect();
    rt.block_on(async {
        for t in tasks {
            t.await.unwrap();
        }
    });
}

#[test]
fn on_thread_start_panicking_on_every_worker() {
    watchdog(LIMIT, || {
        let rt = with_start_hook(2, |_| true);
        every_worker_runs_tasks(&rt, 2);
        drop(rt);
    });
}

#[test]
fn on_thread_start_panicking_on_one_worker() {
    watchdog(LIMIT, || {
        let rt = with_start_hook(2, |call| call == 0);
        every_worker_runs_tasks(&rt, 2);
        drop(rt);
    });
}

#[test]
fn on_thread_start_panicking_on_the_first_blocking_thread() {
    watchdog(LIMIT, || {
        // Calls 0 and 1 are the workers; the blocking thread makes call 2
        // (it starts only when the job below is queued).
        let rt = with_start_hook(2, |call| call == 2);
        every_worker_runs_tasks(&rt, 2);
        let job = rt.spawn_blocking(|| 7);
        assert_eq!(rt.block_on(job).unwrap(), 7);
        drop(rt);
    });
}

#[test]
fn on_thread_stop_panicking() {
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(2)
            .on_thread_stop(|| panic!("on_thread_stop panics (test)"))
            .build()
            .unwrap();
        let job = rt.spawn_blocking(|| 7);
        assert_eq!(rt.block_on(job).unwrap(), 7);
        every_worker_runs_tasks(&rt, 2);
        drop(rt);
    });
}

#[test]
fn join_waker_panicking_when_the_task_completes() {
    watchdog(LIMIT, || {
        // One worker: if the panic killed it, nothing would run after.
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let mut handle = rt.spawn(async move {
            rt::task::spawn_blocking(move || rx.recv().unwrap())
                .await
                .unwrap();
            5
        });
        // Poll the handle from this (non-runtime) thread with a waker that
        // panics; the worker wakes it when the task completes.
        let (waker, woken) = panicking_waker();
        let poll = pin!(&mut handle).poll(&mut Context::from_waker(&waker));
        assert!(poll.is_pending());
        tx.send(()).unwrap();
        assert!(wait_until(LIMIT, || woken.0.load(SeqCst) == 1));
        assert_eq!(rt.block_on(&mut handle).unwrap(), 5);
        // The worker survived the panic: it still runs tasks.
        assert_eq!(rt.block_on(rt.spawn(async { 6 })).unwrap(), 6);
        drop(rt);
    });
}

#[test]
fn waker_panicking_in_a_reactor_turn() {
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        let (waker, woken) = panicking_waker();
        let sleep = {
            let _guard = rt.enter();
            let mut sleep = Box::pin(rt::time::sleep(Duration::from_millis(20)));
            // Armed with a waker that panics; the worker's reactor turn
            // fires the timer and wakes it.
            assert!(sleep
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending());
            sleep
        };
        assert!(wait_until(LIMIT, || woken.0.load(SeqCst) == 1));
        drop(sleep);
        // The worker (the reactor's only driver) survived: timers and
        // tasks still run.
        rt.block_on(async {
            rt::spawn(rt::time::sleep(Duration::from_millis(5)))
                .await
                .unwrap();
        });
        drop(rt);
    });
}

/// Ready with an output at once; its own drop panics.
struct PanicsOnDrop;

/// The output; its drop panics too.
struct OutputPanicsOnDrop;

impl Future for PanicsOnDrop {
    type Output = OutputPanicsOnDrop;
    fn poll(self: std::pin::Pin<&mut Self>, _: &mut Context<'_>) -> std::task::Poll<Self::Output> {
        std::task::Poll::Ready(OutputPanicsOnDrop)
    }
}

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("the future's drop panics (test)");
    }
}

impl Drop for OutputPanicsOnDrop {
    fn drop(&mut self) {
        panic!("the output's drop panics (test)");
    }
}

#[test]
fn a_future_and_its_output_both_panicking_on_drop() {
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        let err = rt
            .block_on(rt.spawn(PanicsOnDrop))
            .err()
            .expect("the future's drop panicked");
        assert!(err.is_panic());
        // The one worker survived the output's panicking drop.
        assert_eq!(rt.block_on(rt.spawn(async { 8 })).unwrap(), 8);
        drop(rt);
    });
}
