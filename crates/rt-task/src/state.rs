//! The task state word: every transition is one atomic read-modify-write
//! that returns a `#[must_use]` verdict telling the caller what it now owns.
//! Unconditional transitions are one `fetch_*`; conditional ones go
//! through one compare-and-swap loop, `State::transition`.
//!
//! The bits and what they mean are documented in the crate docs
//! ([`crate`], "The state word").

use rt_core::loom::{AtomicUsize, Ordering, Ordering::AcqRel, Ordering::Acquire};

/// The task is in a run queue, or will be put back in one after its
/// current poll. Set by the waker that submits it, cleared by the worker that
/// starts polling it.
pub(crate) const SCHEDULED: usize = 1 << 0;
/// A thread holds the task's future (polling it, or dropping it). Exclusive.
pub(crate) const RUNNING: usize = 1 << 1;
/// The future is gone and the output (or the error) is stored.
pub(crate) const COMPLETE: usize = 1 << 2;
/// Abort was asked for: the next thread to hold the future drops it.
pub(crate) const CANCELLED: usize = 1 << 3;
/// The `JoinHandle` is alive: it owns the output once the task completes.
pub(crate) const JOIN_INTEREST: usize = 1 << 4;

/// A freshly spawned task: about to be queued, and joinable.
const INITIAL: usize = SCHEDULED | JOIN_INTEREST;

/// What a worker that dequeued the task must do.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ToRunning {
    /// Poll the future: this thread holds `RUNNING`.
    Poll,
    /// Drop the future and complete as cancelled: this thread holds `RUNNING`.
    Cancel,
    /// The task completed, or shutdown holds it: drop the reference.
    Gone,
}

/// What the worker must do after a poll returned `Pending`.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ToIdle {
    /// Nothing: the task waits for a wake.
    Idle,
    /// The task was woken during its poll: queue it again (`SCHEDULED` kept).
    Reschedule,
    /// Abort came during the poll: drop the future, still holding `RUNNING`.
    Cancel,
}

/// What a waker (or an abort) must do.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Submit {
    /// The caller set `SCHEDULED` on an idle task: it must queue the task.
    Yes,
    /// Someone else queues or runs it, or it is complete.
    No,
}

/// The atomic state word of one task.
pub(crate) struct State(AtomicUsize);

impl State {
    pub(crate) fn new() -> State {
        State(AtomicUsize::new(INITIAL))
    }

    /// A snapshot, for `is_finished` and debugging.
    pub(crate) fn load(&self) -> usize {
        // Acquire: pairs with the AcqRel of `complete`, so a caller that sees
        // COMPLETE also sees the stored output.
        self.0.load(Acquire)
    }

    /// The compare-and-swap loop every conditional transition shares.
    ///
    /// `decide` sees the current word and returns the caller's verdict and
    /// the word to store, or `None` to store nothing (the verdict then rests
    /// on the word as read). It may run several times: on a lost race it is
    /// called again with the word the winner stored. `success` is the
    /// transition's ordering for a successful store; every read (the first
    /// load and a failed exchange) is Acquire, so a verdict made without a
    /// store still sees what the last writer published (see each caller).
    fn transition<T>(
        &self,
        success: Ordering,
        mut decide: impl FnMut(usize) -> (T, Option<usize>),
    ) -> T {
        // Acquire: see the caller's comment; it pairs with the Release of
        // whichever transition stored `cur`.
        let mut cur = self.0.load(Acquire);
        loop {
            let (verdict, next) = decide(cur);
            let Some(next) = next else {
                return verdict;
            };
            // Weak: a spurious failure just runs `decide` again.
            match self.0.compare_exchange_weak(cur, next, success, Acquire) {
                Ok(_) => return verdict,
                Err(actual) => cur = actual,
            }
        }
    }

    /// Dequeued by a worker: clear `SCHEDULED`, take `RUNNING`.
    pub(crate) fn to_running(&self) -> ToRunning {
        // AcqRel: Acquire pairs with the Release of the wake (`to_notified`)
        // or abort that queued the task and of the last `to_idle`, so the
        // poll sees what the waker and the previous poll wrote; Release
        // publishes nothing here but keeps the RMW chain ordered.
        self.transition(AcqRel, |cur| {
            // COMPLETE: shut down while queued. RUNNING: shutdown holds the
            // future right now and will complete it. Either way this queue
            // entry is stale.
            if cur & (COMPLETE | RUNNING) != 0 {
                return (ToRunning::Gone, None);
            }
            let verdict = if cur & CANCELLED != 0 {
                ToRunning::Cancel
            } else {
                ToRunning::Poll
            };
            (verdict, Some((cur & !SCHEDULED) | RUNNING))
        })
    }

    /// The poll returned `Pending`: give up `RUNNING` unless an abort came.
    pub(crate) fn to_idle(&self) -> ToIdle {
        // AcqRel: Release hands the future's new state to the next poller
        // (who Acquires in `to_running`) or to shutdown (`to_shutdown`);
        // Acquire sees the write of a waker (`to_notified`) that set
        // SCHEDULED during the poll, or of the abort that set CANCELLED.
        self.transition(AcqRel, |cur| {
            debug_assert!(cur & RUNNING != 0);
            if cur & CANCELLED != 0 {
                // Keep RUNNING: this thread drops the future.
                return (ToIdle::Cancel, None);
            }
            let verdict = if cur & SCHEDULED != 0 {
                ToIdle::Reschedule
            } else {
                ToIdle::Idle
            };
            (verdict, Some(cur & !RUNNING))
        })
    }

    /// A wake: set `SCHEDULED`; the caller queues the task only if it was
    /// idle (not queued, not running, not complete).
    pub(crate) fn to_notified(&self) -> Submit {
        // AcqRel: Release makes what the waker wrote (a channel value, a
        // readiness bit) visible to the poll that follows; one RMW, so two
        // racing wakers cannot both see an idle task.
        let prev = self.0.fetch_or(SCHEDULED, AcqRel);
        if prev & (SCHEDULED | RUNNING | COMPLETE) == 0 {
            Submit::Yes
        } else {
            Submit::No
        }
    }

    /// An abort: set `CANCELLED`; an idle task is also marked `SCHEDULED` and
    /// the caller queues it, so that a worker drops its future.
    pub(crate) fn to_cancelled(&self) -> Submit {
        // AcqRel, like a wake: Release pairs with the Acquire of the worker's
        // `to_running` (it must see CANCELLED and what the aborter wrote) and
        // of the runner's `to_idle`; Acquire pairs with the Release of
        // `to_idle` and `complete`, so an idle or complete verdict is current.
        self.transition(AcqRel, |cur| {
            if cur & (COMPLETE | CANCELLED) != 0 {
                return (Submit::No, None);
            }
            if cur & (RUNNING | SCHEDULED) == 0 {
                // Idle: this caller queues it, for a worker to drop the future.
                (Submit::Yes, Some(cur | CANCELLED | SCHEDULED))
            } else {
                (Submit::No, Some(cur | CANCELLED))
            }
        })
    }

    /// The runtime shuts down: take `RUNNING` (and `CANCELLED`) if no thread
    /// holds the future, so the caller may drop it. A task that is running
    /// is only marked `CANCELLED`; its worker drops it after the poll.
    pub(crate) fn to_shutdown(&self) -> bool {
        // AcqRel: Acquire pairs with the Release of the last `to_idle`, so
        // the caller that claims RUNNING drops the future as the last poll
        // left it; Release pairs with the Acquire of a running worker's
        // `to_idle`, which must see CANCELLED and drop the future itself.
        self.transition(AcqRel, |cur| {
            if cur & COMPLETE != 0 {
                return (false, None);
            }
            let claim = cur & RUNNING == 0;
            (claim, Some(cur | CANCELLED | RUNNING))
        })
    }

    /// The holder of `RUNNING` stored the output: swap `RUNNING` for
    /// `COMPLETE`. Returns true if the `JoinHandle` is still alive, in which
    /// case it owns the output; otherwise the caller must drop it.
    pub(crate) fn complete(&self) -> bool {
        // AcqRel: Release publishes the stored output to the JoinHandle
        // (which Acquires COMPLETE); Acquire orders with `drop_join_interest`.
        let prev = self.0.fetch_xor(RUNNING | COMPLETE, AcqRel);
        debug_assert!(prev & RUNNING != 0 && prev & COMPLETE == 0);
        prev & JOIN_INTEREST != 0
    }

    /// The `JoinHandle` is dropped. Returns true if the task had completed,
    /// in which case the caller (the handle) must drop the output.
    pub(crate) fn drop_join_interest(&self) -> bool {
        // AcqRel: pairs with `complete`; exactly one side sees the other.
        let prev = self.0.fetch_and(!JOIN_INTEREST, AcqRel);
        prev & COMPLETE != 0
    }
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.load();
        f.debug_struct("State")
            .field("scheduled", &(s & SCHEDULED != 0))
            .field("running", &(s & RUNNING != 0))
            .field("complete", &(s & COMPLETE != 0))
            .field("cancelled", &(s & CANCELLED != 0))
            .field("join_interest", &(s & JOIN_INTEREST != 0))
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn wake_while_idle_submits_once() {
        let s = State::new();
        assert_eq!(s.to_running(), ToRunning::Poll);
        assert_eq!(s.to_idle(), ToIdle::Idle);
        assert_eq!(s.to_notified(), Submit::Yes);
        assert_eq!(s.to_notified(), Submit::No, "already queued");
    }

    #[test]
    fn wake_during_poll_reschedules() {
        let s = State::new();
        assert_eq!(s.to_running(), ToRunning::Poll);
        assert_eq!(s.to_notified(), Submit::No);
        assert_eq!(s.to_idle(), ToIdle::Reschedule);
        assert_eq!(s.to_running(), ToRunning::Poll);
    }

    #[test]
    fn abort_idle_submits_and_cancels() {
        let s = State::new();
        assert_eq!(s.to_running(), ToRunning::Poll);
        assert_eq!(s.to_idle(), ToIdle::Idle);
        assert_eq!(s.to_cancelled(), Submit::Yes);
        assert_eq!(s.to_cancelled(), Submit::No);
        assert_eq!(s.to_running(), ToRunning::Cancel);
        assert!(s.complete());
    }

    #[test]
    fn abort_during_poll_cancels_after_it() {
        let s = State::new();
        assert_eq!(s.to_running(), ToRunning::Poll);
        assert_eq!(s.to_cancelled(), Submit::No);
        assert_eq!(s.to_idle(), ToIdle::Cancel);
    }

    #[test]
    fn abort_after_complete_is_a_no_op() {
        let s = State::new();
        assert_eq!(s.to_running(), ToRunning::Poll);
        assert!(s.complete());
        assert_eq!(s.to_cancelled(), Submit::No);
        assert_eq!(s.to_notified(), Submit::No);
        assert!(s.load() & CANCELLED == 0);
    }

    #[test]
    fn output_owner_is_exactly_one_side() {
        let s = State::new();
        assert_eq!(s.to_running(), ToRunning::Poll);
        assert!(!s.drop_join_interest(), "handle dropped first: runner owns");
        assert!(!s.complete());
        let s = State::new();
        assert_eq!(s.to_running(), ToRunning::Poll);
        assert!(s.complete());
        assert!(s.drop_join_interest(), "completed first: handle owns");
    }

    #[test]
    fn shutdown_of_queued_task_makes_the_queue_entry_gone() {
        let s = State::new();
        assert!(s.to_shutdown());
        assert!(s.complete());
        assert_eq!(s.to_running(), ToRunning::Gone);
    }
}
