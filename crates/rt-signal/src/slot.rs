//! One signal number's delivery state: the pending flag, the generation
//! and the listeners' wakers (the crate docs, "Delivery", steps 1–3).
//!
//! Written against `rt_core::loom`, so `loom_tests.rs` runs this code.

use std::task::{Context, Poll, Waker};

use rt_core::loom::{AtomicBool, AtomicUsize, Mutex, Ordering};

/// One signal number's state.
#[derive(Debug)]
pub(crate) struct Slot {
    /// Set by the handler, cleared by a dispatcher.
    pending: AtomicBool,
    /// How many deliveries the dispatchers made: a listener that saw a
    /// smaller number has one (or several, coalesced) to receive.
    generation: AtomicUsize,
    /// The listeners' wakers, by listener key (`None`: not waiting), and
    /// the free keys, reused by the next listener.
    listeners: Mutex<Listeners>,
}

#[derive(Debug, Default)]
struct Listeners {
    wakers: Vec<Option<Waker>>,
    free: Vec<usize>,
}

impl Slot {
    pub(crate) fn new() -> Slot {
        Slot {
            pending: AtomicBool::new(false),
            generation: AtomicUsize::new(0),
            listeners: Mutex::new(Listeners::default()),
        }
    }

    /// A new listener: its key and the generation it starts from (it
    /// receives only later deliveries).
    pub(crate) fn listen(&self) -> (usize, usize) {
        let mut listeners = self.listeners.lock();
        let key = match listeners.free.pop() {
            Some(key) => key,
            None => {
                listeners.wakers.push(None);
                listeners.wakers.len() - 1
            }
        };
        // Acquire: as in `poll_delivery`.
        (key, self.generation.load(Ordering::Acquire))
    }

    /// Forgets listener `key`.
    pub(crate) fn unlisten(&self, key: usize) {
        let mut listeners = self.listeners.lock();
        listeners.wakers[key] = None;
        listeners.free.push(key);
    }

    /// Ready if a delivery happened since `seen` (which it updates);
    /// otherwise keeps `cx`'s waker as listener `key`'s.
    pub(crate) fn poll_delivery(
        &self,
        key: usize,
        seen: &mut usize,
        cx: &mut Context<'_>,
    ) -> Poll<()> {
        // Acquire: pairs with the Release increment in `deliver_if_pending`.
        let mut generation = self.generation.load(Ordering::Acquire);
        if generation == *seen {
            let mut listeners = self.listeners.lock();
            // Re-read under the lock a dispatcher takes the wakers under,
            // after its increment: either it finds this waker or this
            // finds its increment. No lost wake-up.
            generation = self.generation.load(Ordering::Acquire);
            if generation == *seen {
                match &mut listeners.wakers[key] {
                    Some(waker) if waker.will_wake(cx.waker()) => {}
                    slot => *slot = Some(cx.waker().clone()),
                }
                return Poll::Pending;
            }
        }
        *seen = generation;
        Poll::Ready(())
    }

    /// The handler's step: marks the signal pending. Async-signal-safe (one
    /// atomic store).
    pub(crate) fn mark_pending(&self) {
        // SeqCst: the flag is stored before the handler writes its byte; a
        // dispatcher reads the byte, then swaps the flag, so a dispatcher
        // woken by the byte sees the flag (the pipe orders the two threads).
        self.pending.store(true, Ordering::SeqCst);
    }

    /// A dispatcher's step: if the signal was pending, makes a new
    /// generation and wakes every waiting listener. Several dispatchers may
    /// race; the swap lets one of them deliver each mark.
    pub(crate) fn deliver_if_pending(&self) {
        // SeqCst: pairs with `mark_pending`'s store.
        if !self.pending.swap(false, Ordering::SeqCst) {
            return;
        }
        // Release: pairs with the Acquire loads of `poll_delivery` and
        // `listen`. Incremented before the wakers are taken, under the lock
        // a listener leaves its waker under (see `poll_delivery`).
        self.generation.fetch_add(1, Ordering::Release);
        let wakers: Vec<Waker> = {
            let mut listeners = self.listeners.lock();
            listeners
                .wakers
                .iter_mut()
                .filter_map(Option::take)
                .collect()
        };
        rt_core::wake_all_contained(wakers.into_iter());
    }
}
