//! loom models of the task state word: wake vs poll vs abort vs the
//! `JoinHandle`'s drop. Run with
//! `RUSTFLAGS="--cfg loom" cargo test -p rt-task --release --lib`.

use loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use loom::sync::Arc;
use loom::thread;

use crate::state::{State, Submit, ToIdle, ToRunning};

/// What a worker does with a dequeued task, counting the effects an
/// invariant speaks of: polls, future drops, completions.
#[derive(Default)]
struct Effects {
    submits: AtomicUsize,
    polls: AtomicUsize,
    future_drops: AtomicUsize,
    completes: AtomicUsize,
    output_drops: AtomicUsize,
}

/// Run one dequeued reference to the end of what it may do: a poll that
/// returns Pending (or, when `ready`, completes), or a cancellation.
fn run(state: &State, fx: &Effects, ready: bool) -> Option<ToIdle> {
    match state.to_running() {
        ToRunning::Gone => None,
        ToRunning::Cancel => {
            fx.future_drops.fetch_add(1, SeqCst);
            complete(state, fx);
            None
        }
        ToRunning::Poll => {
            fx.polls.fetch_add(1, SeqCst);
            if ready {
                fx.future_drops.fetch_add(1, SeqCst);
                complete(state, fx);
                return None;
            }
            let verdict = state.to_idle();
            if verdict == ToIdle::Cancel {
                fx.future_drops.fetch_add(1, SeqCst);
                complete(state, fx);
            }
            Some(verdict)
        }
    }
}

fn complete(state: &State, fx: &Effects) {
    fx.completes.fetch_add(1, SeqCst);
    if !state.complete() {
        fx.output_drops.fetch_add(1, SeqCst);
    }
}

/// A task just dequeued for its first poll, so it starts RUNNING.
fn running_task() -> (Arc<State>, Arc<Effects>) {
    let state = State::new();
    assert_eq!(state.to_running(), ToRunning::Poll);
    (Arc::new(state), Arc::new(Effects::default()))
}

#[test]
fn wake_during_poll_is_never_lost_nor_doubled() {
    loom::model(|| {
        let (state, fx) = running_task();
        let (s2, fx2) = (state.clone(), fx.clone());
        let waker = thread::spawn(move || {
            if s2.to_notified() == Submit::Yes {
                fx2.submits.fetch_add(1, SeqCst);
            }
        });
        let verdict = state.to_idle();
        waker.join().unwrap();
        let resubmitted = (verdict == ToIdle::Reschedule) as usize;
        // Exactly one party queues the task again: the waker (task was
        // idle) or the poller (the wake came during the poll).
        assert_eq!(fx.submits.load(SeqCst) + resubmitted, 1);
    });
}

#[test]
fn two_wakers_submit_once() {
    loom::model(|| {
        let (state, fx) = running_task();
        assert_eq!(state.to_idle(), ToIdle::Idle);
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (s, f) = (state.clone(), fx.clone());
                thread::spawn(move || {
                    if s.to_notified() == Submit::Yes {
                        f.submits.fetch_add(1, SeqCst);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(fx.submits.load(SeqCst), 1);
    });
}

#[test]
fn abort_vs_poll_vs_join_drop() {
    loom::model(|| {
        let (state, fx) = running_task();
        let (s_abort, f_abort) = (state.clone(), fx.clone());
        let aborter = thread::spawn(move || {
            if s_abort.to_cancelled() == Submit::Yes {
                // The aborter queued it; a worker runs that reference.
                f_abort.submits.fetch_add(1, SeqCst);
                let _ = run(&s_abort, &f_abort, false);
            }
        });
        let (s_join, f_join) = (state.clone(), fx.clone());
        let joiner = thread::spawn(move || {
            if s_join.drop_join_interest() {
                f_join.output_drops.fetch_add(1, SeqCst);
            }
        });
        // The poll in progress ends Pending.
        let verdict = state.to_idle();
        if verdict == ToIdle::Cancel {
            fx.future_drops.fetch_add(1, SeqCst);
            complete(&state, &fx);
        }
        aborter.join().unwrap();
        joiner.join().unwrap();
        // Whatever the interleaving, the future was dropped exactly once,
        // the task completed exactly once, and its output was dropped once.
        assert_eq!(fx.future_drops.load(SeqCst), 1);
        assert_eq!(fx.completes.load(SeqCst), 1);
        assert_eq!(fx.output_drops.load(SeqCst), 1);
        assert_eq!(fx.polls.load(SeqCst), 0, "a cancelled task is not polled");
    });
}

#[test]
fn completion_vs_join_drop_owns_output_once() {
    loom::model(|| {
        let (state, fx) = running_task();
        let (s, f) = (state.clone(), fx.clone());
        let joiner = thread::spawn(move || {
            if s.drop_join_interest() {
                f.output_drops.fetch_add(1, SeqCst);
            }
        });
        complete(&state, &fx);
        joiner.join().unwrap();
        assert_eq!(fx.output_drops.load(SeqCst), 1);
    });
}

#[test]
fn shutdown_vs_wake_vs_run() {
    loom::model(|| {
        let (state, fx) = running_task();
        assert_eq!(state.to_idle(), ToIdle::Idle);
        // A waker queues it while the runtime shuts it down; the queued
        // reference is then run by a worker.
        let (s, f) = (state.clone(), fx.clone());
        let waker = thread::spawn(move || {
            if s.to_notified() == Submit::Yes {
                f.submits.fetch_add(1, SeqCst);
                let _ = run(&s, &f, true);
            }
        });
        if state.to_shutdown() {
            fx.future_drops.fetch_add(1, SeqCst);
            complete(&state, &fx);
        }
        waker.join().unwrap();
        assert_eq!(
            fx.future_drops.load(SeqCst),
            1,
            "drops; submits {} polls {}",
            fx.submits.load(SeqCst),
            fx.polls.load(SeqCst)
        );
        assert_eq!(fx.completes.load(SeqCst), 1);
    });
}

/// The real task cell (not just its state word) under a scheduler whose
/// queue a worker thread drains concurrently. The cell's reference count
/// is loom's `Arc` (through `rt_core::loom`), so loom itself fails an
/// execution that leaks a reference (a count never released: "Arc
/// leaked") or releases one twice (the freed cell is no longer registered).
/// A probe on the scheduler's lifetime adds what loom cannot see, a use of
/// the freed cell: the cell (which owns the scheduler) must outlive every
/// `schedule` call on it. The bug that catches: a wake by value that moved
/// the only reference into `schedule` let the worker run the task to
/// completion and free the cell while `schedule` still ran.
mod cell {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
    use loom::sync::{Arc, Mutex};
    use loom::thread;

    use crate::{Schedule, Task};

    /// Shared by the test and the scheduler (outside the cell).
    #[derive(Default)]
    struct Probe {
        in_schedule: AtomicUsize,
        dropped_in_call: AtomicBool,
        future_drops: AtomicUsize,
        output_drops: AtomicUsize,
    }

    struct Queue {
        tasks: Arc<Mutex<Vec<Task>>>,
        probe: Arc<Probe>,
    }

    impl Schedule for Queue {
        fn schedule(&self, task: Task, _yielded: bool) {
            self.probe.in_schedule.fetch_add(1, SeqCst);
            self.tasks.lock().unwrap().push(task);
            // The worker may run the task right now; `self` must stay.
            self.probe.in_schedule.fetch_sub(1, SeqCst);
        }
    }

    impl Drop for Queue {
        fn drop(&mut self) {
            if self.probe.in_schedule.load(SeqCst) != 0 {
                self.probe.dropped_in_call.store(true, SeqCst);
            }
        }
    }

    /// Pending on its first poll (leaving its waker), ready on the next.
    struct Once {
        waker: Arc<Mutex<Option<Waker>>>,
        polled: bool,
        probe: Arc<Probe>,
    }

    impl Future for Once {
        type Output = Output;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Output> {
            if self.polled {
                return Poll::Ready(Output(self.probe.clone()));
            }
            self.polled = true;
            *self.waker.lock().unwrap() = Some(cx.waker().clone());
            Poll::Pending
        }
    }

    impl Drop for Once {
        fn drop(&mut self) {
            self.probe.future_drops.fetch_add(1, SeqCst);
        }
    }

    struct Output(Arc<Probe>);

    impl Drop for Output {
        fn drop(&mut self) {
            self.0.output_drops.fetch_add(1, SeqCst);
        }
    }

    /// The scheduler's queue, shared by the test and its worker threads.
    type Tasks = Arc<Mutex<Vec<Task>>>;

    /// A task of `Once` on `Queue`, run once (Pending): its probe, its
    /// queue, its `JoinHandle` and the waker its poll left.
    fn polled_once() -> (Arc<Probe>, Tasks, crate::JoinHandle<Output>, Waker) {
        let probe = Arc::new(Probe::default());
        let tasks = Arc::new(Mutex::new(Vec::new()));
        let slot = Arc::new(Mutex::new(None));
        let scheduler = Queue {
            tasks: tasks.clone(),
            probe: probe.clone(),
        };
        let future = Once {
            waker: slot.clone(),
            polled: false,
            probe: probe.clone(),
        };
        let (task, handle) = crate::unowned(future, scheduler);
        task.run(); // Pending; the waker is in `slot`.
        let waker = slot.lock().unwrap().take().unwrap();
        (probe, tasks, handle, waker)
    }

    /// What the third party does while the waker wakes by value.
    #[derive(Clone, Copy)]
    enum Other {
        DropJoinHandle,
        AbortThenDrop,
        /// A clone of the waker wakes by reference, then is dropped (the
        /// `JoinHandle` is dropped at the end, by the test).
        SecondWaker,
    }

    fn model(other: Other) {
        loom::model(move || {
            let (probe, tasks, handle, waker) = polled_once();

            let second = waker.clone();
            let waking = thread::spawn(move || waker.wake());
            let third = thread::spawn(move || match other {
                Other::DropJoinHandle => {
                    drop((handle, second));
                    None
                }
                Other::AbortThenDrop => {
                    handle.abort();
                    drop((handle, second));
                    None
                }
                Other::SecondWaker => {
                    second.wake_by_ref();
                    drop(second);
                    Some(handle)
                }
            });
            // The worker: run what is queued while the others go on.
            let run_queued = || loop {
                let next = tasks.lock().unwrap().pop();
                match next {
                    Some(task) => task.run(),
                    None => break,
                }
            };
            run_queued();
            waking.join().unwrap();
            let handle = third.join().unwrap();
            run_queued();
            drop(handle);

            assert!(
                !probe.dropped_in_call.load(SeqCst),
                "the cell was freed during a schedule call on it"
            );
            assert_eq!(probe.future_drops.load(SeqCst), 1);
            // Completed (one output, dropped once) or cancelled (none).
            assert!(probe.output_drops.load(SeqCst) <= 1);
            // Every reference to the cell is gone now (the queue is empty):
            // loom checks, as the execution ends, that the cell's `Arc` was
            // released exactly as often as it was taken.
        });
    }

    /// A waker for the joiner that counts its wakes.
    struct CountWake(AtomicUsize);

    impl std::task::Wake for CountWake {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.fetch_add(1, SeqCst);
        }
    }

    /// A `JoinHandle` polled on one thread while the task completes on
    /// another: the joiner gets the output at once or is woken for it (the
    /// join waker's register and wake, `poll_join` and `complete`).
    #[test]
    fn join_handle_polled_while_the_task_completes_elsewhere() {
        loom::model(|| {
            let (probe, tasks, mut handle, waker) = polled_once();

            let worker = {
                let tasks = tasks.clone();
                thread::spawn(move || {
                    waker.wake();
                    let next = tasks.lock().unwrap().pop();
                    next.expect("the wake queued the task").run();
                })
            };
            let count = std::sync::Arc::new(CountWake(AtomicUsize::new(0)));
            let joiner = Waker::from(count.clone());
            let mut cx = Context::from_waker(&joiner);
            let first = Pin::new(&mut handle).poll(&mut cx);
            worker.join().unwrap();
            let output = match first {
                Poll::Ready(output) => output,
                Poll::Pending => {
                    assert_eq!(
                        count.0.load(SeqCst),
                        1,
                        "completed without waking the joiner"
                    );
                    match Pin::new(&mut handle).poll(&mut cx) {
                        Poll::Ready(output) => output,
                        Poll::Pending => panic!("woken, yet not ready"),
                    }
                }
            };
            assert!(output.is_ok());
            drop(output);
            assert_eq!(probe.output_drops.load(SeqCst), 1);
            drop(handle);
        });
    }

    #[test]
    fn wake_by_value_vs_completion_and_join_handle_drop() {
        model(Other::DropJoinHandle);
    }

    #[test]
    fn wake_by_value_vs_completion_and_abort() {
        model(Other::AbortThenDrop);
    }

    #[test]
    fn wake_by_value_vs_completion_and_a_second_waker() {
        model(Other::SecondWaker);
    }
}
