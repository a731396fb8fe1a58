//! A single-value channel that keeps only the latest value: senders
//! replace it, receivers look at it ([`Receiver::borrow`]) and wait for
//! the next change ([`Receiver::changed`]).
//!
//! # Design
//!
//! One allocation holds the value under a reader-writer lock, a state word
//! (`version << 1 | CLOSED`), the handle counts, and the parked wakers of
//! the receivers in a few *shards*, each under a small lock of its own.
//!
//! - Each change to the value adds 1 to the version, *while the write lock
//!   is held*, so a reader holding the read lock sees a version that
//!   matches the value it reads.
//! - A receiver remembers the version it has seen. `changed` completes as
//!   soon as the current version differs (marking it seen), fails if it
//!   does not and every sender is gone (`CLOSED`), and otherwise parks.
//!   A receiver made by `subscribe` starts at the current version: it sees
//!   a change only after the next send.
//! - Shards: a receiver parks in the shard of the thread it runs on (a
//!   runtime worker's index; any other thread gets a fixed hint of its
//!   own) and stays in that shard until its `changed` ends. Receivers
//!   parking on different workers then take different locks on different
//!   cache lines: with many receivers woken by each send, one shared lock
//!   would bounce between the workers at every park. A sender takes the
//!   wakers out of every shard, one lock after the other.
//! - Lost wake-ups, per shard: a sender changes the version, *then* takes
//!   the wakers out under the shard's lock; a receiver parks its waker
//!   under that lock, *then* reads the version again. Whichever takes the
//!   lock second sees the other's step.
//! - The state word, the value's lock and each shard sit on cache lines
//!   of their own: the word is read at every poll of every receiver, the
//!   value's lock is written by every reader.
//!
//! A [`Ref`] holds the read lock: keep it short, and never across an
//! `.await` or a send on the same channel (the send would wait for it).
//!
//! # Examples
//!
//! ```
//! use rt::sync::watch;
//!
//! # rt::Runtime::new()?.block_on(async {
//! let (tx, mut rx) = watch::channel("starting");
//! rt::spawn(async move {
//!     tx.send("ready").unwrap();
//! });
//! rx.changed().await.unwrap();
//! assert_eq!(*rx.borrow_and_update(), "ready");
//! # });
//! # std::io::Result::Ok(())
//! ```

use std::fmt;
use std::future::poll_fn;
use std::ops::Deref;
use std::task::{ready, Context, Poll};

use crossbeam_utils::CachePadded;
use parking_lot::{RwLock, RwLockReadGuard};
use rt_core::coop;
use rt_core::loom::{Arc, AtomicUsize, Mutex, Ordering};

use crate::chan_wakers::{wake_all, with_wake_buffer, Key, WakerSet};

/// The errors of a watch channel.
pub mod error {
    use std::error::Error;
    use std::fmt;

    /// No receiver is alive: the value comes back in the field.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::watch::channel(0);
    /// drop(rx);
    /// assert_eq!(tx.send(1).unwrap_err().0, 1);
    /// ```
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T> Error for SendError<T> {}

    /// Every sender is gone (and, for `changed`, no change is unseen).
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::watch::channel(0);
    /// drop(tx);
    /// assert!(rx.changed().await.is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl Error for RecvError {}
}

use error::{RecvError, SendError};

/// Bit 0 of the state word: every sender is gone.
const CLOSED: usize = 1;
/// The version is the state word without `CLOSED`; one change adds this.
const STEP: usize = 2;

/// Shards of the receivers' parked wakers (module docs). Workers beyond
/// this many share shards; every send locks each of them once.
const RX_SHARDS: usize = 4;

struct Shared<T> {
    /// `version * STEP | CLOSED`.
    state: CachePadded<AtomicUsize>,
    value: CachePadded<RwLock<T>>,
    /// Receivers parked in `changed`.
    rx_shards: [CachePadded<RxShard>; RX_SHARDS],
    rx_count: AtomicUsize,
    tx_count: AtomicUsize,
    /// Senders parked in `closed`.
    tx_wakers: Mutex<WakerSet>,
}

/// One shard of the receivers' parked wakers.
struct RxShard {
    wakers: Mutex<WakerSet>,
    /// How many times this shard's wakers were all taken (changed only
    /// under `wakers`' lock). A receiver that parked before the count it
    /// now reads has no waker left in the set: it need not lock to take it
    /// out (see [`RxPlace`]).
    drains: AtomicUsize,
}

impl RxShard {
    fn new() -> RxShard {
        RxShard {
            wakers: Mutex::new(WakerSet::new()),
            drains: AtomicUsize::new(0),
        }
    }
}

/// A receiver's place among the parked wakers: its shard, its key there,
/// and the shard's drain count when it parked.
#[derive(Default)]
struct RxPlace {
    shard: usize,
    key: Option<Key>,
    drains: usize,
}

/// The shard a receiver parking on this thread uses: the worker's own on
/// a runtime worker, else a hint this thread drew once.
fn rx_shard_here() -> usize {
    if let Some(index) = rt_core::context::worker_index() {
        return index % RX_SHARDS;
    }
    // Not the loom shim: which shard a thread uses is a matter of speed
    // only, never of correctness.
    std::thread_local! {
        static HINT: usize = {
            static NEXT: std::sync::atomic::AtomicUsize =
                std::sync::atomic::AtomicUsize::new(0);
            // Relaxed: a round-robin counter; any value is correct.
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        };
    }
    HINT.try_with(|hint| *hint).unwrap_or(0) % RX_SHARDS
}

impl<T> Shared<T> {
    /// Parks `waker` for `place` (replacing its earlier one if still
    /// there), in the shard of this thread unless `place` is parked already.
    fn park_receiver(&self, place: &mut RxPlace, waker: &std::task::Waker) {
        if place.key.is_none() {
            place.shard = rx_shard_here();
        }
        let shard = &self.rx_shards[place.shard];
        let mut wakers = shard.wakers.lock();
        // Relaxed: read under the lock that every change of it holds.
        place.drains = shard.drains.load(Ordering::Relaxed);
        let old = wakers.register(&mut place.key, waker);
        drop(wakers);
        // Dropped after the lock: dropping a waker may run code that takes it.
        drop(old);
    }

    /// Takes `place`'s waker out of its shard, if it is still there: not if
    /// a sender took the shard's wakers since it parked (then without the
    /// lock).
    #[inline]
    fn unpark_receiver(&self, place: &mut RxPlace) {
        // Inlined for this check: a `changed` that completes calls it
        // again on drop, with nothing parked.
        if place.key.is_some() {
            self.unpark_parked(place);
        }
    }

    fn unpark_parked(&self, place: &mut RxPlace) {
        let shard = &self.rx_shards[place.shard];
        // Acquire: pairs with the Release of `wake_receivers`; a count that
        // moved means the drain that removed this waker is done, and the
        // key stays stale (a later park makes a new one).
        if shard.drains.load(Ordering::Acquire) != place.drains {
            place.key = None;
            return;
        }
        let old = shard.wakers.lock().remove(&mut place.key);
        drop(old);
    }

    fn load(&self) -> usize {
        // Acquire: pairs with the Release of a sender's version bump (and
        // with the last sender's `CLOSED`), for callers that then read the
        // value or decide to end.
        self.state.load(Ordering::Acquire)
    }

    /// Wakes every receiver parked in `changed` (after a version bump or
    /// the close), taking each shard's wakers under its lock.
    fn wake_receivers(&self) {
        with_wake_buffer(|wake| {
            for shard in &self.rx_shards {
                let mut wakers = shard.wakers.lock();
                // An empty shard holds no current key: nobody needs to
                // learn of this drain, and the count's line stays shared.
                if wakers.is_empty() {
                    continue;
                }
                wakers.drain_into(wake);
                // Release: pairs with the Acquire in `unpark_parked`.
                // Under the lock, so a receiver parking reads the count
                // its entry belongs to.
                let drains = shard.drains.load(Ordering::Relaxed);
                shard
                    .drains
                    .store(drains.wrapping_add(1), Ordering::Release);
                drop(wakers);
            }
        });
    }
}

fn version(state: usize) -> usize {
    state & !CLOSED
}

/// Creates a watch channel holding `init`.
///
/// ```
/// let (tx, rx) = rt::sync::watch::channel(1);
/// assert_eq!(*rx.borrow(), 1);
/// tx.send(2).unwrap();
/// assert_eq!(*rx.borrow(), 2);
/// ```
pub fn channel<T>(init: T) -> (Sender<T>, Receiver<T>) {
    let tx = Sender::new(init);
    let rx = tx.subscribe();
    (tx, rx)
}

/// Replaces the value of a watch [`channel`]; clone it for more senders.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::watch;
///
/// let (tx, mut rx) = watch::channel("starting");
/// tx.send("ready").unwrap();
/// rx.changed().await.unwrap();
/// assert_eq!(*rx.borrow_and_update(), "ready");
/// tx.send_modify(|state| *state = "done");
/// assert_eq!(*rx.borrow(), "done");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// Looks at the value of a watch [`channel`] and waits for changes; clone
/// it for more receivers (the clone has seen what this one has seen).
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::watch;
///
/// let (tx, mut rx) = watch::channel(0);
/// rt::spawn(async move {
///     for i in 1..=3 {
///         tx.send(i).unwrap();
///     }
/// });
/// // Waits until the value is 3 (intermediate values may be skipped).
/// let seen = *rx.wait_for(|v| *v == 3).await.unwrap();
/// assert_eq!(seen, 3);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The version this receiver has seen.
    version: usize,
}

/// A borrow of the value (holding the channel's read lock), from
/// [`Receiver::borrow`], [`Receiver::borrow_and_update`] or
/// [`Sender::borrow`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::watch;
///
/// let (tx, rx) = watch::channel(String::from("hello"));
/// {
///     let value = rx.borrow(); // holds a read lock: drop it before sending
///     assert_eq!(value.as_str(), "hello");
///     assert!(!value.has_changed());
/// }
/// tx.send(String::from("world")).unwrap();
/// assert_eq!(rx.borrow().as_str(), "world");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Ref<'a, T> {
    guard: RwLockReadGuard<'a, T>,
    has_changed: bool,
}

impl<T> Ref<'_, T> {
    /// Whether the value was unseen by the receiver when it was borrowed
    /// (always `false` from [`Sender::borrow`]).
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// assert!(rx.borrow().has_changed());
    /// assert!(rx.borrow_and_update().has_changed());
    /// assert!(!rx.borrow().has_changed());
    /// ```
    pub fn has_changed(&self) -> bool {
        self.has_changed
    }
}

impl<T> Deref for Ref<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T> Sender<T> {
    /// A channel holding `init`, with no receiver yet
    /// ([`subscribe`](Sender::subscribe) makes them).
    ///
    /// ```
    /// let tx = rt::sync::watch::Sender::new(0);
    /// assert_eq!(tx.receiver_count(), 0);
    /// let rx = tx.subscribe();
    /// assert_eq!(*rx.borrow(), 0);
    /// ```
    pub fn new(init: T) -> Sender<T> {
        Sender {
            shared: Arc::new(Shared {
                state: CachePadded::new(AtomicUsize::new(0)),
                value: CachePadded::new(RwLock::new(init)),
                rx_shards: std::array::from_fn(|_| CachePadded::new(RxShard::new())),
                rx_count: AtomicUsize::new(0),
                tx_count: AtomicUsize::new(1),
                tx_wakers: Mutex::new(WakerSet::new()),
            }),
        }
    }

    /// Replaces the value and notifies the receivers; fails, giving the
    /// value back and storing nothing, if no receiver is alive.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// drop(rx);
    /// assert!(tx.send(2).is_err());
    /// assert_eq!(*tx.borrow(), 1);
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.receiver_count() == 0 {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Modifies the value in place and notifies the receivers, whether or
    /// not any is alive.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::watch::channel(vec![1]);
    /// tx.send_modify(|v| v.push(2));
    /// assert_eq!(*rx.borrow(), [1, 2]);
    /// ```
    pub fn send_modify<F: FnOnce(&mut T)>(&self, modify: F) {
        self.send_if_modified(|value| {
            modify(value);
            true
        });
    }

    /// Lets `modify` change the value in place; notifies the receivers only
    /// if it returns `true`. Returns what it returned.
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::watch::channel(0);
    /// assert!(!tx.send_if_modified(|_| false));
    /// assert!(!rx.has_changed().unwrap());
    /// assert!(tx.send_if_modified(|v| {
    ///     *v = 3;
    ///     true
    /// }));
    /// assert!(rx.has_changed().unwrap());
    /// ```
    pub fn send_if_modified<F: FnOnce(&mut T) -> bool>(&self, modify: F) -> bool {
        {
            let mut value = self.shared.value.write();
            if !modify(&mut value) {
                return false;
            }
            // Release: pairs with the receivers' Acquire loads; done while
            // the write lock is held, so the version read under a read lock
            // matches the value (module docs).
            self.shared.state.fetch_add(STEP, Ordering::Release);
        }
        self.shared.wake_receivers();
        true
    }

    /// Replaces the value, notifying the receivers whether or not any is
    /// alive; returns the old value.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::watch::channel(1);
    /// assert_eq!(tx.send_replace(2), 1);
    /// ```
    pub fn send_replace(&self, mut value: T) -> T {
        self.send_modify(|old| std::mem::swap(old, &mut value));
        value
    }

    /// Borrows the current value (its [`Ref::has_changed`] is `false`).
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::watch::channel(5);
    /// assert_eq!(*tx.borrow(), 5);
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            guard: self.shared.value.read(),
            has_changed: false,
        }
    }

    /// Whether no receiver is alive.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::watch::channel(0);
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }

    /// Completes when no receiver is alive.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits.
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, rx) = rt::sync::watch::channel(0);
    /// rt::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn closed(&self) {
        struct Cancel<'a, T>(&'a Shared<T>, Option<Key>);
        impl<T> Drop for Cancel<'_, T> {
            fn drop(&mut self) {
                if self.1.is_some() {
                    // `let`: the lock is released before the waker is dropped.
                    let removed = self.0.tx_wakers.lock().remove(&mut self.1);
                    drop(removed);
                }
            }
        }
        let mut guard = Cancel(&self.shared, None);
        poll_fn(|cx| {
            // One unit of budget, so a loop on an already closed channel
            // still yields.
            let unit = ready!(coop::poll_proceed(cx));
            let Cancel(shared, key) = &mut guard;
            // Acquire: pairs with the last receiver's AcqRel decrement.
            if shared.rx_count.load(Ordering::Acquire) == 0 {
                unit.made_progress();
                return Poll::Ready(());
            }
            // `let`: the lock is released before the waker is dropped.
            let old = shared.tx_wakers.lock().register(key, cx.waker());
            drop(old);
            // Checked again after parking: the last receiver takes the
            // wakers out after its decrement (see the module docs' rule
            // for lost wake-ups).
            if shared.rx_count.load(Ordering::Acquire) == 0 {
                unit.made_progress();
                return Poll::Ready(());
            }
            Poll::Pending
        })
        .await
    }

    /// A new receiver, which has seen the current value: its `changed`
    /// completes at the next send.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// let rx2 = tx.subscribe();
    /// assert!(!rx2.has_changed().unwrap());
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        // Relaxed: a count; the handle it counts is this new receiver.
        self.shared.rx_count.fetch_add(1, Ordering::Relaxed);
        // Read under the read lock: the version of the value now held.
        let version = {
            let _value = self.shared.value.read();
            version(self.shared.load())
        };
        Receiver {
            shared: self.shared.clone(),
            version,
        }
    }

    /// Receivers alive.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::watch::channel(0);
    /// let _rx2 = rx.clone();
    /// assert_eq!(tx.receiver_count(), 2);
    /// ```
    pub fn receiver_count(&self) -> usize {
        // Relaxed: a snapshot.
        self.shared.rx_count.load(Ordering::Relaxed)
    }

    /// Senders alive (this one included).
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::watch::channel(0);
    /// let _tx2 = tx.clone();
    /// assert_eq!(tx.sender_count(), 2);
    /// ```
    pub fn sender_count(&self) -> usize {
        // Relaxed: a snapshot.
        self.shared.tx_count.load(Ordering::Relaxed)
    }

    /// Whether both senders belong to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::watch::channel(0);
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        // Relaxed: this sender keeps the count above zero.
        self.shared.tx_count.fetch_add(1, Ordering::Relaxed);
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        // AcqRel: the last sender is ordered after the others' drops.
        if self.shared.tx_count.fetch_sub(1, Ordering::AcqRel) == 1 {
            // Release: pairs with the receivers' Acquire loads.
            self.shared.state.fetch_or(CLOSED, Ordering::Release);
            self.shared.wake_receivers();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("value", &*self.borrow())
            .finish_non_exhaustive()
    }
}

impl<T> Receiver<T> {
    /// Borrows the current value without marking it seen.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// assert_eq!(*rx.borrow(), 1);
    /// assert!(rx.has_changed().unwrap()); // still unseen
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        let guard = self.shared.value.read();
        let current = version(self.shared.load());
        Ref {
            guard,
            has_changed: current != self.version,
        }
    }

    /// Borrows the current value and marks it seen.
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// assert_eq!(*rx.borrow_and_update(), 1);
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let guard = self.shared.value.read();
        let current = version(self.shared.load());
        let has_changed = current != self.version;
        self.version = current;
        Ref { guard, has_changed }
    }

    /// Whether the value changed since this receiver last saw it; fails if
    /// every sender is gone.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::watch::channel(0);
    /// assert_eq!(rx.has_changed(), Ok(false));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.has_changed(), Ok(true));
    /// drop(tx);
    /// assert!(rx.has_changed().is_err());
    /// ```
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        let state = self.shared.load();
        if state & CLOSED != 0 {
            return Err(RecvError(()));
        }
        Ok(version(state) != self.version)
    }

    /// Whether every sender is gone.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::watch::channel(0);
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.load() & CLOSED != 0
    }

    /// Marks the current value unseen: the next `changed` completes at
    /// once.
    ///
    /// ```
    /// let (_tx, mut rx) = rt::sync::watch::channel(0);
    /// rx.mark_changed();
    /// assert!(rx.has_changed().unwrap());
    /// ```
    pub fn mark_changed(&mut self) {
        self.version = self.version.wrapping_sub(STEP);
    }

    /// Marks the current value seen.
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// rx.mark_unchanged();
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn mark_unchanged(&mut self) {
        self.version = version(self.shared.load());
    }

    /// Waits for a value this receiver has not seen, and marks it seen.
    /// Fails if every sender is gone and no unseen value is left.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a dropped `changed` future marked nothing seen.
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::watch::channel(0);
    /// rt::spawn(async move {
    ///     tx.send(1).unwrap();
    /// });
    /// rx.changed().await.unwrap();
    /// assert_eq!(*rx.borrow(), 1);
    /// assert!(rx.changed().await.is_err()); // the sender is gone
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        changed(&self.shared, &mut self.version).await
    }

    /// Waits until `f` returns `true` for the value, checking the current
    /// value first (and marking each value it checks seen); returns a
    /// borrow of that value. Fails if every sender is gone before then.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe in that nothing is lost; the values checked before the
    /// cancellation stay marked seen.
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::watch::channel(0);
    /// rt::spawn(async move {
    ///     for i in 1..=5 {
    ///         tx.send(i).unwrap();
    ///         rt::task::yield_now().await;
    ///     }
    /// });
    /// let value = rx.wait_for(|v| *v >= 3).await.unwrap();
    /// assert!(*value >= 3);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn wait_for(
        &mut self,
        mut f: impl FnMut(&T) -> bool,
    ) -> Result<Ref<'_, T>, RecvError> {
        // One unit of budget even when the value already satisfies `f`, so
        // a loop on it still yields (a wait through `changed` takes more).
        coop::consume_budget().await;
        let mut closed = false;
        loop {
            {
                let guard = self.shared.value.read();
                let current = version(self.shared.load());
                let has_changed = current != self.version;
                self.version = current;
                // Once closed, only a value not yet checked is worth a look.
                if (!closed || has_changed) && f(&guard) {
                    return Ok(Ref { guard, has_changed });
                }
            }
            if closed {
                return Err(RecvError(()));
            }
            closed = changed(&self.shared, &mut self.version).await.is_err();
        }
    }

    /// Whether both receivers belong to the same channel.
    ///
    /// ```
    /// let (_tx, rx) = rt::sync::watch::channel(0);
    /// assert!(rx.same_channel(&rx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

#[cfg(all(loom, test))]
impl<T> Receiver<T> {
    /// How many receivers' wakers are parked (for the loom models).
    pub(crate) fn parked_receivers(&self) -> usize {
        let shards = self.shared.rx_shards.iter();
        shards.map(|shard| shard.wakers.lock().len()).sum()
    }
}

/// Waits for a version other than `seen` (then stored into it), or for the
/// close; a wait dropped while parked takes its waker out of the set.
async fn changed<T>(shared: &Shared<T>, seen: &mut usize) -> Result<(), RecvError> {
    struct Parked<'a, T>(&'a Shared<T>, RxPlace);
    impl<T> Drop for Parked<'_, T> {
        fn drop(&mut self) {
            self.0.unpark_receiver(&mut self.1);
        }
    }
    let mut parked = Parked(shared, RxPlace::default());
    poll_fn(|cx| poll_changed(shared, seen, &mut parked.1, cx)).await
}

/// One poll of `changed` (module docs); `key` is the waiter's place in the
/// receivers' waker set, removed when it completes.
fn poll_changed<T>(
    shared: &Shared<T>,
    seen: &mut usize,
    place: &mut RxPlace,
    cx: &mut Context<'_>,
) -> Poll<Result<(), RecvError>> {
    let unit = ready!(coop::poll_proceed(cx));
    let check = |seen: &mut usize| {
        let state = shared.load();
        if version(state) != *seen {
            *seen = version(state);
            Some(Ok(()))
        } else if state & CLOSED != 0 {
            Some(Err(RecvError(())))
        } else {
            None
        }
    };
    if let Some(result) = check(seen) {
        shared.unpark_receiver(place);
        unit.made_progress();
        return Poll::Ready(result);
    }
    shared.park_receiver(place, cx.waker());
    if let Some(result) = check(seen) {
        shared.unpark_receiver(place);
        unit.made_progress();
        return Poll::Ready(result);
    }
    Poll::Pending
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        // Relaxed: this receiver keeps the count above zero.
        self.shared.rx_count.fetch_add(1, Ordering::Relaxed);
        Receiver {
            shared: self.shared.clone(),
            version: self.version,
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        // AcqRel: the last receiver is ordered after the others' drops;
        // pairs with `Sender::closed`'s Acquire loads.
        if self.shared.rx_count.fetch_sub(1, Ordering::AcqRel) == 1 {
            let wake = self.shared.tx_wakers.lock().take_all();
            wake_all(wake);
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}
