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
