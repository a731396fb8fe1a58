//! The blocking pool behind `spawn_blocking`: threads that run closures
//! which may block, so the async workers never do.
//!
//! Each closure becomes an unowned task (so it gets a typed `JoinHandle`
//! and panic capture for free) queued on a `Mutex<VecDeque>`. A job goes to
//! an idle thread if there is one, else a new thread is started, up to
//! `max_blocking_threads`; beyond that jobs wait in the queue. An idle
//! thread exits after `thread_keep_alive`. Shutdown lets running jobs
//! finish, and the queued jobs a thread was already started or woken for
//! (a `spawn_blocking` just before shutdown runs, as tokio's does); it
//! cancels the rest, which wait for a busy thread, and joins the threads.
//!
//! Paused time: a job holds auto-advance off from the moment it is queued
//! until its run has returned (and so has woken its `JoinHandle`'s
//! waiter), so a paused clock does not jump while it works
//! (`rt_time::Timers::hold_auto_advance`). Every push on the queue takes a
//! hold; every job taken off it (run or shut down) releases one.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use rt_task::{JoinHandle, Schedule, Task};

use rt_time::Timers;

use crate::builder::Config;
use crate::Handle;

/// The pool; owned by the runtime's shared state.
#[derive(Debug)]
pub(crate) struct BlockingPool {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    state: Mutex<State>,
    condvar: Condvar,
    /// Signalled when a thread exits (for shutdown).
    exited: Condvar,
    max_threads: usize,
    keep_alive: Duration,
    /// The runtime's timer driver, whose auto-advance queued and running
    /// jobs hold off (see the module docs).
    timers: Arc<Timers>,
}

#[derive(Debug, Default)]
struct State {
    queue: VecDeque<Task>,
    threads: usize,
    idle: usize,
    /// Jobs handed to idle threads not yet picked up (so two jobs do not
    /// count on the same idle thread).
    notified: usize,
    /// Threads started for a job that have not yet looked at the queue.
    starting: usize,
    shutdown: bool,
    handles: Vec<std::thread::JoinHandle<()>>,
}

/// Queues a blocking task on the pool again (only an abort does that).
#[derive(Debug, Clone)]
struct BlockingSchedule(Arc<Inner>);

impl Schedule for BlockingSchedule {
    fn schedule(&self, task: Task, _yielded: bool) {
        let mut state = self.0.state.lock();
        if state.shutdown {
            drop(state);
            task.shutdown();
            return;
        }
        self.0.timers.hold_auto_advance();
        state.queue.push_back(task);
        drop(state);
        self.0.condvar.notify_one();
    }
}

/// A closure run to completion on its first poll.
struct BlockingTask<F>(Option<F>);

impl<F> Unpin for BlockingTask<F> {}

impl<F: FnOnce() -> R, R> Future for BlockingTask<F> {
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<R> {
        let f = self
            .0
            .take()
            .expect("blocking task polled after completion");
        Poll::Ready(f())
    }
}

impl BlockingPool {
    pub(crate) fn new(config: &Config, timers: Arc<Timers>) -> BlockingPool {
        BlockingPool {
            inner: Arc::new(Inner {
                state: Mutex::new(State::default()),
                condvar: Condvar::new(),
                exited: Condvar::new(),
                max_threads: config.max_blocking_threads,
                keep_alive: config.keep_alive,
                timers,
            }),
        }
    }

    /// Run `f` on a blocking thread; `handle` is entered there, so the
    /// closure may call `Handle::current()` and spawn.
    pub(crate) fn spawn<F, R>(&self, handle: &Handle, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (task, join) =
            rt_task::unowned(BlockingTask(Some(f)), BlockingSchedule(self.inner.clone()));
        let mut state = self.inner.state.lock();
        if state.shutdown {
            drop(state);
            task.shutdown();
            return join;
        }
        self.inner.timers.hold_auto_advance();
        state.queue.push_back(task);
        if state.idle > state.notified {
            state.notified += 1;
            drop(state);
            self.inner.condvar.notify_one();
        } else if state.threads < self.inner.max_threads {
            let id = state.threads + 1;
            let inner = self.inner.clone();
            let h = handle.clone();
            let config = &handle.config();
            // Counted only once spawned: `thread_name_fn` may panic, and
            // so does std's spawn on a name with a NUL; a count for a
            // thread that never ran would make shutdown wait forever. The
            // new thread needs `state`, held until the counts are in.
            let mut builder = std::thread::Builder::new().name((config.thread_name)());
            if let Some(size) = config.thread_stack_size {
                builder = builder.stack_size(size);
            }
            match builder.spawn(move || run(inner, h)) {
                Ok(jh) => {
                    state.threads += 1;
                    state.starting += 1;
                    state.handles.retain(|h| !h.is_finished());
                    state.handles.push(jh);
                }
                Err(err) => {
                    // The job stays queued; an existing thread will take it.
                    if state.threads == 0 {
                        let task = state.queue.pop_back();
                        drop(state);
                        if let Some(t) = task {
                            t.shutdown();
                            self.inner.timers.release_auto_advance();
                        }
                        eprintln!("rt: failed to spawn blocking thread {id}: {err}");
                    }
                }
            }
        }
        join
    }

    /// Cancel the queued jobs no thread is coming for, wait (until
    /// `deadline`) for the running ones and those, join.
    pub(crate) fn shutdown(&self, deadline: Option<Instant>) {
        let mut state = self.inner.state.lock();
        state.shutdown = true;
        // A thread started or woken for a job takes one from the front
        // before it can see the shutdown (`run` looks at the queue first):
        // that many jobs run; the ones behind them wait for a busy thread.
        let promised = (state.starting + state.notified).min(state.queue.len());
        let queued: Vec<Task> = state.queue.drain(promised..).collect();
        self.inner.condvar.notify_all();
        while state.threads > 0 {
            match deadline {
                None => self.inner.exited.wait(&mut state),
                Some(d) => {
                    if self.inner.exited.wait_until(&mut state, d).timed_out() {
                        break;
                    }
                }
            }
        }
        let handles = std::mem::take(&mut state.handles);
        let all_exited = state.threads == 0;
        drop(state);
        for task in queued {
            task.shutdown();
            self.inner.timers.release_auto_advance();
        }
        if all_exited {
            for h in handles {
                let _ = h.join();
            }
        }
    }
}

/// Gives a blocking thread's place back if the thread unwinds, so that
/// shutdown (which waits for the count to reach zero) is told anyway. A
/// clean exit gives the place back itself, under the lock under which it
/// decided to exit (a job queued after that must start a new thread).
struct ThreadGuard<'a> {
    inner: &'a Inner,
    counted: bool,
}

impl Drop for ThreadGuard<'_> {
    fn drop(&mut self) {
        if self.counted {
            self.inner.state.lock().threads -= 1;
        }
        self.inner.exited.notify_all();
    }
}

fn run(inner: Arc<Inner>, handle: Handle) {
    let mut place = ThreadGuard {
        inner: &inner,
        counted: true,
    };
    let _current = crate::context::set_current(&handle);
    handle.config().thread_started();
    let mut state = inner.state.lock();
    // This thread was started for a job: from here it takes one.
    state.starting -= 1;
    loop {
        if let Some(task) = state.queue.pop_front() {
            drop(state);
            task.run();
            // After the run, which woke the job's waiter (module docs).
            inner.timers.release_auto_advance();
            state = inner.state.lock();
            continue;
        }
        if state.shutdown {
            break;
        }
        state.idle += 1;
        let timed_out = inner
            .condvar
            .wait_for(&mut state, inner.keep_alive)
            .timed_out();
        state.idle -= 1;
        if state.notified > 0 {
            state.notified -= 1;
        }
        if timed_out && state.queue.is_empty() && !state.shutdown {
            break;
        }
    }
    state.threads -= 1;
    place.counted = false;
    drop(state);
    handle.config().thread_stopped();
}
