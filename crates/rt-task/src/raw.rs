//! The task cell: one heap allocation holding the header, the scheduler
//! handle and the future-or-output.
//!
//! WARNING: the stage (`UnsafeCell<Stage<F>>`) is shared between threads and
//! guarded only by the state word; read the crate docs' protocol before
//! touching it. Every access names the bit that makes it exclusive.

use std::any::Any;
use std::cell::UnsafeCell;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::task::{ready, Context, Poll, Wake, Waker};

use atomic_waker::AtomicWaker;

use crate::state::{State, Submit, ToIdle, ToRunning};
use crate::{Id, JoinError, Schedule, Task};

/// The part of a task that does not depend on its future's type.
pub(crate) struct Header {
    pub(crate) state: State,
    pub(crate) id: Id,
    /// Slot in the owner's task list (`OwnedTasks`); `usize::MAX` if unowned.
    pub(crate) owner_key: AtomicUsize,
    /// The waker of the task awaiting the `JoinHandle`.
    pub(crate) join_waker: AtomicWaker,
}

/// Future, then output, then nothing.
enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Consumed,
}

/// One spawned task: the single allocation (inside an `Arc`).
pub(crate) struct Cell<F: Future, S> {
    header: Header,
    scheduler: S,
    stage: UnsafeCell<Stage<F>>,
}

// SAFETY: the stage is only touched by the thread holding RUNNING (future,
// then storing the output) or, after COMPLETE, by the single owner of the
// output (the JoinHandle, or the completing thread when the handle is gone).
// So the cell may be shared if the future and its output may be sent.
unsafe impl<F: Future + Send, S: Sync> Sync for Cell<F, S> where F::Output: Send {}

/// The type-erased operations a queue, a waker or the owner list performs.
pub(crate) trait RawTask: Send + Sync {
    fn header(&self) -> &Header;
    /// Poll once (or cancel, or drop a stale queue entry).
    fn run(self: Arc<Self>);
    /// Drop the future now if no thread holds it (runtime shutdown).
    fn shutdown(self: Arc<Self>);
    /// Abort: cancel, queueing the task if idle so a worker drops the future.
    fn abort(self: Arc<Self>);
    /// The `JoinHandle` is dropped.
    fn drop_join_handle(&self);
}

/// The typed side the `JoinHandle<T>` sees.
pub(crate) trait Join<T>: RawTask {
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>>;
}

impl<F, S> Cell<F, S>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Schedule,
{
    pub(crate) fn new(future: F, scheduler: S, id: Id) -> Arc<Self> {
        Arc::new(Cell {
            header: Header {
                state: State::new(),
                id,
                owner_key: AtomicUsize::new(usize::MAX),
                join_waker: AtomicWaker::new(),
            },
            scheduler,
            stage: UnsafeCell::new(Stage::Running(future)),
        })
    }

    /// Drop the future (caller holds RUNNING), catching a panicking drop.
    fn drop_future(&self) -> Result<(), Box<dyn Any + Send>> {
        // SAFETY: the caller holds RUNNING, which makes the stage exclusive.
        let stage = unsafe { &mut *self.stage.get() };
        catch_unwind(AssertUnwindSafe(|| *stage = Stage::Consumed))
    }

    /// Store the result and publish COMPLETE (caller holds RUNNING, the
    /// future already dropped).
    fn complete(self: &Arc<Self>, result: Result<F::Output, JoinError>) {
        {
            // SAFETY: the caller holds RUNNING; the stage is Consumed, so
            // this assignment drops nothing of the user's.
            let stage = unsafe { &mut *self.stage.get() };
            *stage = Stage::Finished(result);
        }
        if self.header.state.complete() {
            // The joiner's waker is user code: a panic in it must not unwind
            // into the worker (it would take the thread down mid-loop).
            let _ = catch_unwind(AssertUnwindSafe(|| self.header.join_waker.wake()));
        } else {
            // SAFETY: COMPLETE without JOIN_INTEREST: the handle is gone, so
            // this thread is the output's only owner.
            let stage = unsafe { &mut *self.stage.get() };
            let _ = catch_unwind(AssertUnwindSafe(|| *stage = Stage::Consumed));
        }
        let me: Task = Task::from_raw(self.clone());
        drop(self.scheduler.release(&me));
    }

    fn cancel(self: &Arc<Self>) {
        let err = match self.drop_future() {
            Ok(()) => JoinError::cancelled(self.header.id),
            Err(panic) => JoinError::panic(self.header.id, panic),
        };
        self.complete(Err(err));
    }

    /// Hand a new queue reference to the scheduler. The caller's own
    /// reference (`self`) stays alive across the call: the scheduler may
    /// run the task to completion — on this thread or another — before
    /// `schedule` returns, and `schedule` still reads `self.scheduler`
    /// (the runtime's `Handle`) after queuing. Moving the only reference
    /// into the queue would let that run free the cell under the call.
    fn submit(self: &Arc<Self>, yielded: bool) {
        self.scheduler
            .schedule(Task::from_raw(Arc::clone(self)), yielded);
    }
}

impl<F, S> RawTask for Cell<F, S>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Schedule,
{
    fn header(&self) -> &Header {
        &self.header
    }

    fn run(self: Arc<Self>) {
        match self.header.state.to_running() {
            ToRunning::Gone => return,
            ToRunning::Cancel => return self.cancel(),
            ToRunning::Poll => {}
        }
        // A waker that borrows this task's reference instead of taking one:
        // two atomic operations fewer per poll.
        // SAFETY: `self` owns a strong count for longer than `waker` lives,
        // and ManuallyDrop keeps the borrowed count from being released.
        let waker = ManuallyDrop::new(Waker::from(unsafe { Arc::from_raw(Arc::as_ptr(&self)) }));
        let mut cx = Context::from_waker(&waker);
        let polled = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: RUNNING is held, so the stage is exclusive.
            let stage = unsafe { &mut *self.stage.get() };
            match stage {
                // SAFETY: the future is never moved out of the cell (the Arc
                // allocation does not move; the stage is only overwritten,
                // which drops the future in place), so pinning is sound.
                Stage::Running(fut) => unsafe { Pin::new_unchecked(fut) }.poll(&mut cx),
                _ => unreachable!("a task was polled after completion"),
            }
        }));
        match polled {
            Ok(Poll::Pending) => match self.header.state.to_idle() {
                ToIdle::Idle => {}
                ToIdle::Reschedule => self.submit(true),
                ToIdle::Cancel => self.cancel(),
            },
            Ok(Poll::Ready(out)) => {
                let result = match self.drop_future() {
                    Ok(()) => Ok(out),
                    Err(panic) => {
                        // The output is not returned; its drop is user code
                        // too and must not unwind into the worker.
                        let _ = catch_unwind(AssertUnwindSafe(|| drop(out)));
                        Err(JoinError::panic(self.header.id, panic))
                    }
                };
                self.complete(result);
            }
            Err(panic) => {
                let _ = self.drop_future();
                self.complete(Err(JoinError::panic(self.header.id, panic)));
            }
        }
    }

    fn shutdown(self: Arc<Self>) {
        if self.header.state.to_shutdown() {
            self.cancel();
        }
    }

    fn abort(self: Arc<Self>) {
        if self.header.state.to_cancelled() == Submit::Yes {
            self.submit(false);
        }
    }

    fn drop_join_handle(&self) {
        if self.header.state.drop_join_interest() {
            // SAFETY: COMPLETE was set before the handle gave up its
            // interest, so the handle owned the output; it is being dropped
            // now and nobody else touches the stage.
            let stage = unsafe { &mut *self.stage.get() };
            let _ = catch_unwind(AssertUnwindSafe(|| *stage = Stage::Consumed));
        }
    }
}

impl<F, S> Join<F::Output> for Cell<F, S>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Schedule,
{
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<F::Output, JoinError>> {
        // Register first, then check: `complete` stores COMPLETE before it
        // wakes, so either we see COMPLETE or the wake reaches this waker.
        if !self.is_complete() {
            self.header.join_waker.register(cx.waker());
            if !self.is_complete() {
                return Poll::Pending;
            }
        }
        // Joining consumes budget (see `coop`); exhausted, the output stays
        // put and the joining task is polled again later.
        ready!(rt_core::coop::poll_proceed(cx)).made_progress();
        // SAFETY: COMPLETE is set and this handle holds JOIN_INTEREST, so
        // it owns the output (see `State::complete`).
        let stage = unsafe { &mut *self.stage.get() };
        match std::mem::replace(stage, Stage::Consumed) {
            Stage::Finished(result) => Poll::Ready(result),
            _ => panic!("JoinHandle polled after it returned Ready"),
        }
    }
}

impl<F: Future, S> Cell<F, S> {
    fn is_complete(&self) -> bool {
        self.header.state.load() & crate::state::COMPLETE != 0
    }
}

impl<F, S> Wake for Cell<F, S>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Schedule,
{
    fn wake(self: Arc<Self>) {
        if self.header.state.to_notified() == Submit::Yes {
            self.submit(false);
        }
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.header.state.to_notified() == Submit::Yes {
            self.submit(false);
        }
    }
}
