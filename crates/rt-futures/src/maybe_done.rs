//! `MaybeDone`: one place that holds a future of `join!`/`try_join!`, then
//! its output, then nothing.
//!
//! A joined future and its output are never needed at the same time: the
//! future is dropped (in place) when it completes, and its output takes its
//! place. Keeping both in one enum makes the slot as large as the larger of
//! the two, not their sum. The states only move forward:
//!
//! ```text
//! Running { future } --(future Ready)--> Done { output } --(take)--> Taken
//! ```
//!
//! The future is structurally pinned (polled through `Pin<&mut F>`); the
//! output is not (it is moved out by `take_output`). Pin projection is
//! written by `pin-project-lite`, so this file has no `unsafe`.
//!
//! The enum is `#[repr(C)]`: its tag is a field of its own, never a niche
//! inside the future's bytes. With a niche, reading the state (every poll
//! does) would read memory of a self-referential future (an `async` block
//! holding a borrow of its own local) while that future's own `&mut` to it
//! is live, which Stacked Borrows calls undefined behaviour (miri issue
//! rust-lang/miri#3780, seen through `join!` + `poll_fn`).

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use pin_project_lite::pin_project;

pin_project! {
    /// A future of `join!`/`try_join!` while it runs, its output once it
    /// has completed, and nothing once the output has been taken. Not
    /// public API.
    #[project = MaybeDoneProj]
    #[project_replace = MaybeDoneReplaced]
    #[derive(Debug)]
    #[repr(C)] // the tag outside the future's bytes: see the module docs
    // `pin_project!` takes no doc attribute on an enum's fields; the
    // variants' docs say what they hold.
    #[allow(missing_docs)]
    pub enum MaybeDone<F: Future> {
        /// Not completed yet.
        Running { #[pin] future: F },
        /// Completed, with this output; the future is gone.
        Done { output: F::Output },
        /// The output has been taken.
        Taken,
    }
}

impl<F: Future> MaybeDone<F> {
    /// A slot holding `future`, not polled yet.
    #[inline]
    pub fn new(future: F) -> Self {
        MaybeDone::Running { future }
    }

    /// Polls the future if it is still running; a `Ready` output replaces
    /// the future (which is dropped in place). `Ready(())` once there is no
    /// future left to run.
    #[inline]
    pub fn poll_step(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let output = match self.as_mut().project() {
            MaybeDoneProj::Running { future } => match future.poll(cx) {
                Poll::Ready(output) => output,
                Poll::Pending => return Poll::Pending,
            },
            MaybeDoneProj::Done { .. } | MaybeDoneProj::Taken => return Poll::Ready(()),
        };
        self.set(MaybeDone::Done { output });
        Poll::Ready(())
    }

    /// The output, moved out, if the future has completed and the output
    /// was not taken before; the slot is empty afterwards.
    #[inline]
    pub fn take_output(mut self: Pin<&mut Self>) -> Option<F::Output> {
        if !matches!(*self, MaybeDone::Done { .. }) {
            return None;
        }
        match self.as_mut().project_replace(MaybeDone::Taken) {
            MaybeDoneReplaced::Done { output } => Some(output),
            _ => None,
        }
    }
}

impl<T, E, F: Future<Output = Result<T, E>>> MaybeDone<F> {
    /// As [`poll_step`](Self::poll_step), for `try_join!`: an `Err` output
    /// is not kept but returned (`Ready(Err)`), and the slot is left empty.
    #[inline]
    pub fn try_poll_step(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        let output = match self.as_mut().project() {
            MaybeDoneProj::Running { future } => match future.poll(cx) {
                Poll::Ready(output) => output,
                Poll::Pending => return Poll::Pending,
            },
            MaybeDoneProj::Done { .. } | MaybeDoneProj::Taken => return Poll::Ready(Ok(())),
        };
        match output {
            Ok(value) => {
                self.set(MaybeDone::Done { output: Ok(value) });
                Poll::Ready(Ok(()))
            }
            Err(error) => {
                self.set(MaybeDone::Taken);
                Poll::Ready(Err(error))
            }
        }
    }
}
