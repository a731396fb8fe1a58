//! Helpers of the `sync_*` tests: polling a future by hand with a waker
//! that counts its wakes, so that queue order, wake-ups and cancellation
//! are asserted exactly, without timing.

// The suite (tests/suite) and the separate test files of tests/ that include
// it (`#[path]`) each use a part of it.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// A waker that counts how often it was woken.
#[derive(Clone, Default)]
pub struct WakeCount(Arc<AtomicUsize>);

struct Counting(Arc<AtomicUsize>);

impl Wake for Counting {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

impl WakeCount {
    pub fn new() -> WakeCount {
        WakeCount::default()
    }

    pub fn waker(&self) -> Waker {
        Waker::from(Arc::new(Counting(self.0.clone())))
    }

    pub fn count(&self) -> usize {
        self.0.load(SeqCst)
    }
}

/// A future polled by hand with its own counting waker.
pub struct Manual<F> {
    future: Pin<Box<F>>,
    wakes: WakeCount,
}

impl<F: Future> Manual<F> {
    pub fn new(future: F) -> Manual<F> {
        Manual {
            future: Box::pin(future),
            wakes: WakeCount::new(),
        }
    }

    pub fn poll(&mut self) -> Poll<F::Output> {
        let waker = self.wakes.waker();
        self.future.as_mut().poll(&mut Context::from_waker(&waker))
    }

    /// Polls once; panics unless it is ready.
    #[track_caller]
    pub fn ready(&mut self) -> F::Output {
        match self.poll() {
            Poll::Ready(out) => out,
            Poll::Pending => panic!("expected the future to be ready"),
        }
    }

    /// Polls once; panics unless it is pending.
    #[track_caller]
    pub fn pending(&mut self) {
        assert!(
            self.poll().is_pending(),
            "expected the future to be pending"
        );
    }

    /// How often its waker was woken.
    pub fn wakes(&self) -> usize {
        self.wakes.count()
    }

    pub fn pinned(&mut self) -> Pin<&mut F> {
        self.future.as_mut()
    }
}
