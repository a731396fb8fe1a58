//! [`Barrier`]: tasks meet, in groups of `n`.
//!
//! A count of arrivals and a generation number under a lock, and a
//! [`Notify`]. The `n`-th arrival (the leader) resets the count, bumps the
//! generation under the lock, and then calls `notify_waiters`. Every other
//! arrival creates its `Notified` under the lock, so it exists before the
//! leader's `notify_waiters`, and after each wake-up checks (again under
//! the lock) whether its generation has passed, creating the next
//! `Notified` before unlocking: a wake-up meant for an earlier generation
//! is only spurious.

use std::fmt;

use rt_core::coop;
use rt_core::loom::Mutex;

use crate::Notify;

/// A meeting point for `n` tasks (tokio's `Barrier`): each call to
/// [`wait`](Self::wait) waits until `n` calls have been made, then all of
/// them return, and the barrier can be used again. Exactly one call per
/// group is told it is the leader.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt::sync::Barrier;
///
/// # rt::Runtime::new()?.block_on(async {
/// let barrier = Arc::new(Barrier::new(3));
/// let tasks: Vec<_> = (0..3)
///     .map(|_| {
///         let barrier = barrier.clone();
///         rt::spawn(async move { barrier.wait().await.is_leader() })
///     })
///     .collect();
/// let mut leaders = 0;
/// for task in tasks {
///     leaders += task.await.unwrap() as usize;
/// }
/// assert_eq!(leaders, 1);
/// # });
/// # std::io::Result::Ok(())
/// ```
pub struct Barrier {
    n: usize,
    state: Mutex<State>,
    notify: Notify,
}

#[derive(Debug)]
struct State {
    arrived: usize,
    generation: usize,
}

/// What [`Barrier::wait`] returns.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let barrier = rt::sync::Barrier::new(1);
/// assert!(barrier.wait().await.is_leader()); // alone: the leader
/// # });
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// Whether this call was the group's leader (exactly one per group).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// assert!(rt::sync::Barrier::new(1).wait().await.is_leader());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

impl Barrier {
    /// A barrier for groups of `n` tasks (`0` acts as `1`).
    ///
    /// # Examples
    ///
    /// ```
    /// let barrier = rt::sync::Barrier::new(4);
    /// # drop(barrier);
    /// ```
    pub fn new(n: usize) -> Barrier {
        Barrier {
            n: n.max(1),
            state: Mutex::new(State {
                arrived: 0,
                generation: 0,
            }),
            notify: Notify::new(),
        }
    }

    /// Arrives at the barrier and waits for the rest of the group.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: once it has been polled, the arrival counts, even
    /// if the future is then dropped (the group completes one task
    /// early).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # rt::Runtime::new()?.block_on(async {
    /// let barrier = Arc::new(rt::sync::Barrier::new(2));
    /// let other = barrier.clone();
    /// let task = rt::spawn(async move { other.wait().await.is_leader() });
    /// let here = barrier.wait().await.is_leader();
    /// assert!(here != task.await.unwrap()); // one of the two leads
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn wait(&self) -> BarrierWaitResult {
        // A unit of budget, taken before arriving (a yield here changes
        // nothing); waiters take another when their wait completes.
        coop::consume_budget().await;
        let (generation, mut notified) = {
            let mut state = self.state.lock();
            state.arrived += 1;
            if state.arrived == self.n {
                state.arrived = 0;
                state.generation = state.generation.wrapping_add(1);
                drop(state);
                self.notify.notify_waiters();
                return BarrierWaitResult(true);
            }
            (state.generation, self.notify.notified())
        };
        loop {
            notified.await;
            let state = self.state.lock();
            if state.generation != generation {
                return BarrierWaitResult(false);
            }
            notified = self.notify.notified();
        }
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier").field("n", &self.n).finish()
    }
}
