//! A set of parked wakers that are all woken together (a broadcast
//! receiver waiting for the next message, a `watch` receiver waiting for a
//! change, a sender waiting in `closed()`), kept under the lock of the
//! channel that owns it.
//!
//! Each waiter keeps a [`Key`] across its polls so that re-polling replaces
//! its waker instead of adding one, and so that a cancelled waiter can take
//! its waker out again (no waker of a dropped future is left behind). A key
//! carries a generation: after [`WakerSet::take_all`] the slot may be
//! reused by another waiter, and the old key then no longer matches it.

use std::task::Waker;

use slab::Slab;

/// A waiter's place in a [`WakerSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Key {
    index: usize,
    generation: u64,
}

/// Parked wakers, woken all at once.
#[derive(Debug, Default)]
pub(crate) struct WakerSet {
    entries: Slab<(u64, Waker)>,
    generation: u64,
}

impl WakerSet {
    pub(crate) fn new() -> WakerSet {
        WakerSet::default()
    }

    /// Parks `waker` under `key` (replacing the waker parked there, if the
    /// key is still current) or under a new key stored into `key`. Returns
    /// the waker it replaced: the caller drops it after releasing the
    /// channel's lock, since dropping a waker may run code that takes it.
    #[must_use = "drop the displaced waker after the channel's lock is released"]
    pub(crate) fn register(&mut self, key: &mut Option<Key>, waker: &Waker) -> Option<Waker> {
        if let Some(k) = *key
            && let Some((generation, parked)) = self.entries.get_mut(k.index)
            && *generation == k.generation
        {
            if parked.will_wake(waker) {
                return None;
            }
            return Some(std::mem::replace(parked, waker.clone()));
        }
        self.generation += 1;
        let index = self.entries.insert((self.generation, waker.clone()));
        *key = Some(Key {
            index,
            generation: self.generation,
        });
        None
    }

    /// Takes the waker parked under `key` out, if it is still there (a
    /// waiter that stops waiting), and returns it, for the caller to drop
    /// once the channel's lock is released.
    #[must_use = "drop the removed waker after the channel's lock is released"]
    pub(crate) fn remove(&mut self, key: &mut Option<Key>) -> Option<Waker> {
        if let Some(k) = key.take()
            && matches!(self.entries.get(k.index), Some((g, _)) if *g == k.generation)
        {
            return Some(self.entries.remove(k.index).1);
        }
        None
    }

    /// Whether no waker is parked.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many wakers are parked (for the loom models).
    #[cfg(all(loom, test))]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Takes every parked waker out, to be woken once the channel's lock is
    /// released (a waker may run code that takes it again).
    pub(crate) fn take_all(&mut self) -> Vec<Waker> {
        if self.entries.is_empty() {
            return Vec::new();
        }
        self.entries.drain().map(|(_, waker)| waker).collect()
    }

    /// Moves every parked waker to the end of `out` (a buffer the caller
    /// reuses, so that waking many waiters allocates nothing once it has
    /// grown), to be woken once the channel's lock is released.
    pub(crate) fn drain_into(&mut self, out: &mut Vec<Waker>) {
        out.reserve(self.entries.len());
        out.extend(self.entries.drain().map(|(_, waker)| waker));
    }
}

/// Wakes every waker of `wakers`; call it with no lock held.
pub(crate) fn wake_all(wakers: Vec<Waker>) {
    for waker in wakers {
        waker.wake();
    }
}

/// Lends `fill` an empty vector to collect wakers into (under locks it
/// takes), then wakes them all once it returns, with no lock held. The
/// vector is this thread's, kept between calls, so that a send waking
/// many receivers allocates nothing once it has grown; a nested call (a
/// waker that sends again) gets a fresh one.
pub(crate) fn with_wake_buffer(fill: impl FnOnce(&mut Vec<Waker>)) {
    /// Longest vector kept for the next call (a larger one is freed).
    const KEEP: usize = 1_024;
    // Not the loom shim's: which vector is lent is a matter of speed only.
    std::thread_local! {
        static BUFFER: std::cell::Cell<Vec<Waker>> = const { std::cell::Cell::new(Vec::new()) };
    }
    let mut wakers = BUFFER.try_with(std::cell::Cell::take).unwrap_or_default();
    fill(&mut wakers);
    for waker in wakers.drain(..) {
        waker.wake();
    }
    if wakers.capacity() <= KEEP {
        // Fails only while the thread's locals are being destroyed.
        let _ = BUFFER.try_with(|buffer| buffer.set(wakers));
    }
}

/// Wakers collected under a lock (a channel's, the semaphore's wait
/// list's), to be woken after it is released. The first two are kept
/// inline: a release of one permit (a mutex unlocked, a channel slot
/// freed) wakes at most one waiter, so the hot paths never allocate.
#[derive(Debug, Default)]
pub(crate) struct WakeList {
    inline: [Option<Waker>; 2],
    rest: Vec<Waker>,
}

impl WakeList {
    pub(crate) fn new() -> WakeList {
        WakeList::default()
    }

    pub(crate) fn push(&mut self, waker: Waker) {
        match self.inline.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => *slot = Some(waker),
            None => self.rest.push(waker),
        }
    }

    /// Wakes them all; call it with no lock held.
    pub(crate) fn wake_all(self) {
        // Written out rather than as an iterator chain: the common case
        // (one waker, nothing spilled) is on every contended release.
        let [first, second] = self.inline;
        if let Some(waker) = first {
            waker.wake();
        }
        if let Some(waker) = second {
            waker.wake();
        }
        if !self.rest.is_empty() {
            wake_all(self.rest);
        }
    }
}

impl Extend<Waker> for WakeList {
    fn extend<I: IntoIterator<Item = Waker>>(&mut self, wakers: I) {
        for waker in wakers {
            self.push(waker);
        }
    }
}
