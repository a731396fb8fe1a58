//! [`Notify`]: wake one task, or all the tasks waiting right now, with no
//! data attached.
//!
//! # The protocol
//!
//! State, all under one lock except `calls`:
//!
//! - `permit`: a stored [`notify_one`](Notify::notify_one) that nobody was
//!   waiting for (at most one; a second call adds nothing).
//! - `waiters`: a [`WaitList`] of the [`Notified`] futures that have been
//!   polled or [enabled](Notified::enable) and not yet notified, oldest
//!   first. Each entry holds the future's waker and its outcome, `None`
//!   until a notification writes `One` or `All` there and unlinks it.
//! - `calls`: how many times [`notify_waiters`](Notify::notify_waiters) ran;
//!   written under the lock, read by [`Notify::notified`] without it.
//!
//! Rules:
//!
//! 1. `notify_one` gives its notification to the oldest waiter (`notify_last`:
//!    the newest), or, with none, sets `permit`.
//! 2. `notify_waiters` increments `calls` and notifies (`All`) every linked
//!    waiter; it never sets `permit`.
//! 3. A `Notified` remembers `calls` when it is *created*. When it is first
//!    polled or enabled (under the lock) it completes at once if `calls`
//!    changed since (a `notify_waiters` it must see, though it was not
//!    queued yet), else by taking `permit`, else it links an entry.
//! 4. A `Notified` dropped after being given a `One` notification that it
//!    did not return passes it on as in rule 1, to the same end it came from
//!    (`notify_last`'s goes to the newest waiter), so none is lost.
//!    Dropped while linked, it just unlinks.
//!
//! The entry belongs to its future (see [`wait_list`](crate::wait_list)).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll, Waker};

use rt_core::coop;
use rt_core::loom::{AtomicUsize, Mutex, Ordering};

use crate::wait_list::{Key, WaitList};

/// Notifies tasks, one or all, without data (tokio's `Notify`).
///
/// A task waits with `notify.notified().await`. [`notify_one`](Self::notify_one)
/// wakes the task that has waited longest, or, if none waits, is stored
/// (once) and completes the next `notified()`; [`notify_waiters`](Self::notify_waiters)
/// wakes every task waiting at the time of the call, and is not stored.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt::sync::Notify;
///
/// # rt::Runtime::new()?.block_on(async {
/// let notify = Arc::new(Notify::new());
/// let waiter = notify.clone();
/// let task = rt::spawn(async move {
///     waiter.notified().await;
///     "woken"
/// });
/// notify.notify_one(); // stored if the task does not wait yet
/// assert_eq!(task.await.unwrap(), "woken");
/// # });
/// # std::io::Result::Ok(())
/// ```
pub struct Notify {
    calls: AtomicUsize,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    permit: bool,
    waiters: WaitList<Waiter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notification {
    /// From `notify_one` (`Oldest`) or `notify_last` (`Newest`): a waiter
    /// dropped with it unreturned passes it on to the same end (rule 4).
    One(End),
    All,
}

#[derive(Debug)]
struct Waiter {
    waker: Option<Waker>,
    notification: Option<Notification>,
}

/// Which end of the queue `notify_one`/`notify_last` serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Oldest,
    Newest,
}

impl Notify {
    /// A `Notify` with no stored permit.
    ///
    /// # Examples
    ///
    /// ```
    /// let notify = rt::sync::Notify::new();
    /// notify.notify_one();
    /// # rt::Runtime::new()?.block_on(async {
    /// notify.notified().await; // the stored permit
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new() -> Notify {
        Notify {
            calls: AtomicUsize::new(0),
            state: Mutex::new(State {
                permit: false,
                waiters: WaitList::new(),
            }),
        }
    }

    /// [`new`](Self::new) in a `const` context (a `static`).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::Notify;
    ///
    /// static READY: Notify = Notify::const_new();
    /// READY.notify_one();
    /// # rt::Runtime::new()?.block_on(async {
    /// READY.notified().await;
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> Notify {
        Notify {
            calls: AtomicUsize::new(0),
            state: Mutex::new(State {
                permit: false,
                waiters: WaitList::new(),
            }),
        }
    }

    /// A future that completes when this `Notify` is notified.
    ///
    /// It sees every [`notify_waiters`](Self::notify_waiters) call made
    /// after it was created, even before it is first polled. It takes part
    /// in [`notify_one`](Self::notify_one) only once polled or
    /// [enabled](Notified::enable).
    ///
    /// # Cancel safety
    ///
    /// Dropping a `Notified` loses nothing: a `notify_one` it had been
    /// given (but not returned) goes to the next waiter, or is stored.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # rt::Runtime::new()?.block_on(async {
    /// let notify = Arc::new(rt::sync::Notify::new());
    /// let waiter = notify.clone();
    /// let task = rt::spawn(async move { waiter.notified().await });
    /// rt::task::yield_now().await;
    /// notify.notify_one();
    /// task.await.unwrap();
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            wait: Wait::new(self),
        }
    }

    /// [`notified`](Self::notified) for an `Arc<Notify>`: the future holds
    /// a clone of the `Arc`, so it can be stored or moved into a task.
    ///
    /// # Cancel safety
    ///
    /// As [`notified`](Self::notified).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # rt::Runtime::new()?.block_on(async {
    /// let notify = Arc::new(rt::sync::Notify::new());
    /// let notified = notify.clone().notified_owned();
    /// notify.notify_waiters(); // the future exists: it sees this
    /// notified.await;
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn notified_owned(self: Arc<Self>) -> OwnedNotified {
        OwnedNotified {
            wait: Wait::new(&self),
            notify: self,
        }
    }

    /// Wakes the task that has waited longest; with none waiting, stores
    /// a permit (one at most) that the next [`notified`](Self::notified)
    /// future takes at once.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let notify = rt::sync::Notify::new();
    /// notify.notify_one();
    /// notify.notify_one(); // still only one permit
    /// notify.notified().await;
    /// let second = notify.notified();
    /// let timed_out = rt::time::timeout(std::time::Duration::from_millis(10), second).await;
    /// assert!(timed_out.is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn notify_one(&self) {
        self.notify(End::Oldest);
    }

    /// As [`notify_one`](Self::notify_one), but wakes the task that
    /// started waiting most recently.
    ///
    /// # Examples
    ///
    /// ```
    /// let notify = rt::sync::Notify::new();
    /// notify.notify_last(); // nobody waits: stored
    /// # rt::Runtime::new()?.block_on(async {
    /// notify.notified().await;
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn notify_last(&self) {
        self.notify(End::Newest);
    }

    fn notify(&self, end: End) {
        let mut state = self.state.lock();
        let waker = notify_locked(&mut state, end);
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Wakes every task waiting now: every [`Notified`] that exists at
    /// the call (polled, enabled, or just created). Stores nothing: a
    /// `notified()` created after the call waits for the next
    /// notification.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # rt::Runtime::new()?.block_on(async {
    /// let notify = Arc::new(rt::sync::Notify::new());
    /// let (a, b) = (notify.notified(), notify.notified());
    /// notify.notify_waiters(); // both exist: both complete
    /// a.await;
    /// b.await;
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn notify_waiters(&self) {
        let mut wakers = Vec::new();
        let mut state = self.state.lock();
        // SeqCst: pairs with the load in `notified` (rule 3); the lock
        // orders it with the comparison at the first poll.
        self.calls.fetch_add(1, Ordering::SeqCst);
        while let Some(key) = state.waiters.front() {
            let waiter = state.waiters.get_mut(key);
            waiter.notification = Some(Notification::All);
            wakers.extend(waiter.waker.take());
            state.waiters.unlink(key);
        }
        drop(state);
        for waker in wakers {
            waker.wake();
        }
    }
}

/// Rule 1, with the lock held; returns the waker to wake once it is
/// released.
fn notify_locked(state: &mut State, end: End) -> Option<Waker> {
    let key = match end {
        End::Oldest => state.waiters.front(),
        End::Newest => state.waiters.back(),
    };
    let Some(key) = key else {
        state.permit = true;
        return None;
    };
    let waiter = state.waiters.get_mut(key);
    waiter.notification = Some(Notification::One(end));
    let waker = waiter.waker.take();
    state.waiters.unlink(key);
    waker
}

impl Default for Notify {
    fn default() -> Notify {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notify").finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy)]
enum Stage {
    /// Neither polled nor enabled.
    Init,
    /// Linked (or notified and not yet returned) with this entry.
    Waiting(Key),
    /// Completed.
    Done,
}

/// What [`Notified`] and [`OwnedNotified`] share: the `calls` snapshot and
/// the stage; every method takes the `Notify`.
#[derive(Debug)]
struct Wait {
    /// `notify.calls` at creation (rule 3).
    calls: usize,
    stage: Stage,
}

impl Wait {
    fn new(notify: &Notify) -> Wait {
        Wait {
            // SeqCst: the snapshot of rule 3; it is compared again under
            // the lock, so it only has to be no older than this call.
            calls: notify.calls.load(Ordering::SeqCst),
            stage: Stage::Init,
        }
    }

    /// Rule 3 and the check of the entry; `waker` is `None` for `enable`.
    fn poll(&mut self, notify: &Notify, waker: Option<&Waker>) -> Poll<()> {
        match self.stage {
            Stage::Done => Poll::Ready(()),
            Stage::Init => {
                let mut state = notify.state.lock();
                // Relaxed: read under the lock that every increment holds.
                if notify.calls.load(Ordering::Relaxed) != self.calls {
                    self.stage = Stage::Done;
                    return Poll::Ready(());
                }
                if state.permit {
                    state.permit = false;
                    self.stage = Stage::Done;
                    return Poll::Ready(());
                }
                let key = state.waiters.push_back(Waiter {
                    waker: waker.cloned(),
                    notification: None,
                });
                self.stage = Stage::Waiting(key);
                Poll::Pending
            }
            Stage::Waiting(key) => {
                let mut state = notify.state.lock();
                let waiter = state.waiters.get_mut(key);
                if waiter.notification.is_some() {
                    state.waiters.remove(key);
                    self.stage = Stage::Done;
                    return Poll::Ready(());
                }
                if let Some(waker) = waker {
                    match &waiter.waker {
                        Some(old) if old.will_wake(waker) => {}
                        _ => waiter.waker = Some(waker.clone()),
                    }
                }
                Poll::Pending
            }
        }
    }

    /// A `poll` for a future: one unit of budget per completed wait
    /// (rt_core::coop).
    fn poll_future(&mut self, notify: &Notify, cx: &mut Context<'_>) -> Poll<()> {
        let unit = ready!(coop::poll_proceed(cx));
        ready!(self.poll(notify, Some(cx.waker())));
        unit.made_progress();
        Poll::Ready(())
    }

    /// The future is dropped: rule 4.
    fn cancel(&mut self, notify: &Notify) {
        let Stage::Waiting(key) = self.stage else {
            return;
        };
        let mut state = notify.state.lock();
        let waiter = state.waiters.remove(key);
        let waker = match waiter.notification {
            Some(Notification::One(end)) => notify_locked(&mut state, end),
            _ => None,
        };
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// The future of [`Notify::notified`].
///
/// # Examples
///
/// ```
/// use rt::sync::futures::Notified;
/// use rt::sync::Notify;
/// # rt::Runtime::new()?.block_on(async {
/// let notify = Notify::new();
/// let notified: Notified<'_> = notify.notified();
/// notify.notify_one();
/// notified.await;
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Notified<'a> {
    notify: &'a Notify,
    wait: Wait,
}

impl Notified<'_> {
    /// Joins the queue for [`notify_one`](Notify::notify_one) now, without
    /// a poll (a later poll completes at once if notified meanwhile).
    /// Returns whether it is already notified. Useful to create the
    /// future, enable it, then check a condition, with no window where a
    /// `notify_one` would be missed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::pin;
    /// # rt::Runtime::new()?.block_on(async {
    /// let notify = rt::sync::Notify::new();
    /// let mut notified = pin!(notify.notified());
    /// assert!(!notified.as_mut().enable()); // queued, not notified
    /// notify.notify_one(); // goes to the enabled future, not stored
    /// notified.await;
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn enable(self: Pin<&mut Self>) -> bool {
        let this = self.get_mut();
        this.wait.poll(this.notify, None).is_ready()
    }
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.wait.poll_future(this.notify, cx)
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        self.wait.cancel(self.notify);
    }
}

impl fmt::Debug for Notified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified")
            .field("stage", &self.wait.stage)
            .finish_non_exhaustive()
    }
}

/// The future of [`Notify::notified_owned`]: a [`Notified`] that holds an
/// `Arc` of its `Notify` instead of a borrow.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt::sync::futures::OwnedNotified;
/// use rt::sync::Notify;
/// # rt::Runtime::new()?.block_on(async {
/// let notify = Arc::new(Notify::new());
/// let notified: OwnedNotified = notify.clone().notified_owned();
/// let task = rt::spawn(notified);
/// notify.notify_one();
/// task.await.unwrap();
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct OwnedNotified {
    notify: Arc<Notify>,
    wait: Wait,
}

impl OwnedNotified {
    /// As [`Notified::enable`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::pin;
    /// use std::sync::Arc;
    /// # rt::Runtime::new()?.block_on(async {
    /// let notify = Arc::new(rt::sync::Notify::new());
    /// let mut notified = pin!(notify.clone().notified_owned());
    /// assert!(!notified.as_mut().enable());
    /// notify.notify_one();
    /// notified.await;
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn enable(self: Pin<&mut Self>) -> bool {
        let this = self.get_mut();
        this.wait.poll(&this.notify, None).is_ready()
    }
}

impl Future for OwnedNotified {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.wait.poll_future(&this.notify, cx)
    }
}

impl Drop for OwnedNotified {
    fn drop(&mut self) {
        self.wait.cancel(&self.notify);
    }
}

impl fmt::Debug for OwnedNotified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedNotified")
            .field("stage", &self.wait.stage)
            .finish_non_exhaustive()
    }
}
