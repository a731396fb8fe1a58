//! [`Semaphore`]: a counted set of permits, handed out in arrival order.
//! The mechanism is the crate's [`batch_semaphore`](crate::batch_semaphore);
//! this file is its public face.

use std::fmt;
use std::sync::Arc;

use crate::batch_semaphore as batch;
use crate::blocking;
use crate::{AcquireError, TryAcquireError};

/// A fair, asynchronous counting semaphore (tokio's `Semaphore`).
///
/// Permits are given to waiters strictly in the order they started
/// waiting: a task asking for many permits at once holds back every task
/// that arrived after it, even ones asking for fewer, so it is never
/// starved. A permit goes back to the semaphore when its
/// [`SemaphorePermit`] drops, unless it is [`forget`](SemaphorePermit::forget)-ed.
///
/// # Examples
///
/// At most two tasks in the critical section at a time:
///
/// ```
/// use std::sync::Arc;
/// use rt::sync::Semaphore;
///
/// # rt::Runtime::new()?.block_on(async {
/// let semaphore = Arc::new(Semaphore::new(2));
/// let mut tasks = Vec::new();
/// for i in 0..5 {
///     let semaphore = semaphore.clone();
///     tasks.push(rt::spawn(async move {
///         let _permit = semaphore.acquire().await.unwrap();
///         i * 2 // work done while holding a permit
///     }));
/// }
/// let mut sum = 0;
/// for task in tasks {
///     sum += task.await.unwrap();
/// }
/// assert_eq!(sum, 20);
/// assert_eq!(semaphore.available_permits(), 2);
/// # });
/// # std::io::Result::Ok(())
/// ```
pub struct Semaphore {
    inner: batch::Semaphore,
}

/// Permits borrowed from a [`Semaphore`]; given back when dropped.
///
/// # Examples
///
/// ```
/// let semaphore = rt::sync::Semaphore::new(3);
/// let permit = semaphore.try_acquire_many(2).unwrap();
/// assert_eq!(permit.num_permits(), 2);
/// drop(permit);
/// assert_eq!(semaphore.available_permits(), 3);
/// ```
#[must_use = "the permits are given back at once if unused"]
pub struct SemaphorePermit<'a> {
    semaphore: &'a Semaphore,
    permits: usize,
}

/// Permits taken from an `Arc<Semaphore>`, with no lifetime to carry
/// around (move it into a task); given back when dropped.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt::sync::Semaphore;
///
/// # rt::Runtime::new()?.block_on(async {
/// let semaphore = Arc::new(Semaphore::new(1));
/// let permit = semaphore.clone().acquire_owned().await.unwrap();
/// rt::spawn(async move {
///     let _permit = permit; // held by the task until it ends
/// })
/// .await
/// .unwrap();
/// assert_eq!(semaphore.available_permits(), 1);
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "the permits are given back at once if unused"]
pub struct OwnedSemaphorePermit {
    semaphore: Arc<Semaphore>,
    permits: usize,
}

impl Semaphore {
    /// Most permits a semaphore can hold: [`new`](Self::new) and
    /// [`add_permits`](Self::add_permits) panic beyond it.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::Semaphore;
    ///
    /// let semaphore = Semaphore::new(Semaphore::MAX_PERMITS);
    /// assert_eq!(semaphore.available_permits(), Semaphore::MAX_PERMITS);
    /// ```
    pub const MAX_PERMITS: usize = batch::Semaphore::MAX_PERMITS;

    /// A semaphore with `permits` permits.
    ///
    /// # Panics
    ///
    /// If `permits` exceeds [`MAX_PERMITS`](Self::MAX_PERMITS).
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(4);
    /// assert_eq!(semaphore.available_permits(), 4);
    /// ```
    #[track_caller]
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            inner: batch::Semaphore::new(permits),
        }
    }

    /// A semaphore with `permits` permits, in a `const` context (a
    /// `static`).
    ///
    /// # Panics
    ///
    /// If `permits` exceeds [`MAX_PERMITS`](Self::MAX_PERMITS) (at compile
    /// time in a `static`).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::Semaphore;
    ///
    /// static LIMIT: Semaphore = Semaphore::const_new(8);
    /// assert_eq!(LIMIT.available_permits(), 8);
    /// ```
    #[cfg(not(loom))]
    #[track_caller]
    pub const fn const_new(permits: usize) -> Semaphore {
        Semaphore {
            inner: batch::Semaphore::const_new(permits),
        }
    }

    /// How many permits are free right now.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(2);
    /// let _permit = semaphore.try_acquire().unwrap();
    /// assert_eq!(semaphore.available_permits(), 1);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.inner.available_permits()
    }

    /// Adds `n` permits; they go to the waiters first, in order.
    ///
    /// # Panics
    ///
    /// If the semaphore would then hold more than
    /// [`MAX_PERMITS`](Self::MAX_PERMITS).
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(0);
    /// semaphore.add_permits(3);
    /// assert_eq!(semaphore.available_permits(), 3);
    /// ```
    #[track_caller]
    pub fn add_permits(&self, n: usize) {
        self.inner.release(n);
    }

    /// Removes up to `n` free permits for good; returns how many were
    /// removed (permits held by permits objects are not touched).
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(5);
    /// let _held = semaphore.try_acquire_many(2).unwrap();
    /// assert_eq!(semaphore.forget_permits(4), 3); // only 3 were free
    /// assert_eq!(semaphore.available_permits(), 0);
    /// ```
    pub fn forget_permits(&self, n: usize) -> usize {
        self.inner.forget_permits(n)
    }

    /// Waits for one permit.
    ///
    /// Fails only if the semaphore is [closed](Self::close).
    ///
    /// # Cancel safety
    ///
    /// Waiters are served in FIFO order; cancelling this future loses its
    /// place in the queue, and a permit it had already been given goes to
    /// the next waiter. Nothing else is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let semaphore = rt::sync::Semaphore::new(1);
    /// let permit = semaphore.acquire().await.unwrap();
    /// assert_eq!(semaphore.available_permits(), 0);
    /// drop(permit);
    /// assert_eq!(semaphore.available_permits(), 1);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.inner.acquire(1).await?;
        Ok(SemaphorePermit {
            semaphore: self,
            permits: 1,
        })
    }

    /// Waits for `n` permits, taken together.
    ///
    /// While it waits, permits released go to it (it keeps them) and
    /// nobody queued behind it is served: it is not starved by smaller
    /// requests. Fails only if the semaphore is [closed](Self::close).
    ///
    /// # Cancel safety
    ///
    /// Cancelling it loses its place in the queue; the permits it had
    /// been given so far go to the next waiters.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let semaphore = rt::sync::Semaphore::new(5);
    /// let permit = semaphore.acquire_many(3).await.unwrap();
    /// assert_eq!(permit.num_permits(), 3);
    /// assert_eq!(semaphore.available_permits(), 2);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.inner.acquire(n as usize).await?;
        Ok(SemaphorePermit {
            semaphore: self,
            permits: n as usize,
        })
    }

    /// Takes one permit if one is free and nobody waits.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::{Semaphore, TryAcquireError};
    ///
    /// let semaphore = Semaphore::new(1);
    /// let permit = semaphore.try_acquire().unwrap();
    /// assert_eq!(semaphore.try_acquire().err(), Some(TryAcquireError::NoPermits));
    /// drop(permit);
    /// assert!(semaphore.try_acquire().is_ok());
    /// ```
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if they are free and nobody waits.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(4);
    /// assert!(semaphore.try_acquire_many(5).is_err());
    /// assert_eq!(semaphore.try_acquire_many(4).unwrap().num_permits(), 4);
    /// ```
    pub fn try_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.inner.try_acquire(n as usize)?;
        Ok(SemaphorePermit {
            semaphore: self,
            permits: n as usize,
        })
    }

    /// [`acquire`](Self::acquire) for an `Arc<Semaphore>`: the permit
    /// holds a clone of the `Arc`.
    ///
    /// # Cancel safety
    ///
    /// As [`acquire`](Self::acquire): cancelling it loses its place in the
    /// queue and nothing else.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # rt::Runtime::new()?.block_on(async {
    /// let semaphore = Arc::new(rt::sync::Semaphore::new(1));
    /// let permit = semaphore.clone().acquire_owned().await.unwrap();
    /// assert_eq!(permit.num_permits(), 1);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.acquire_many_owned(1).await
    }

    /// [`acquire_many`](Self::acquire_many) for an `Arc<Semaphore>`.
    ///
    /// # Cancel safety
    ///
    /// As [`acquire_many`](Self::acquire_many): cancelling it loses its
    /// place in the queue; permits it had been given go to the next
    /// waiters.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # rt::Runtime::new()?.block_on(async {
    /// let semaphore = Arc::new(rt::sync::Semaphore::new(3));
    /// let permit = semaphore.clone().acquire_many_owned(3).await.unwrap();
    /// assert_eq!(semaphore.available_permits(), 0);
    /// drop(permit);
    /// assert_eq!(semaphore.available_permits(), 3);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.inner.acquire(n as usize).await?;
        Ok(OwnedSemaphorePermit {
            semaphore: self,
            permits: n as usize,
        })
    }

    /// [`try_acquire`](Self::try_acquire) for an `Arc<Semaphore>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(rt::sync::Semaphore::new(1));
    /// let _permit = semaphore.clone().try_acquire_owned().unwrap();
    /// assert!(semaphore.try_acquire_owned().is_err());
    /// ```
    pub fn try_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_many_owned(1)
    }

    /// [`try_acquire_many`](Self::try_acquire_many) for an
    /// `Arc<Semaphore>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(rt::sync::Semaphore::new(2));
    /// let permit = semaphore.clone().try_acquire_many_owned(2).unwrap();
    /// assert_eq!(permit.num_permits(), 2);
    /// ```
    pub fn try_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.inner.try_acquire(n as usize)?;
        Ok(OwnedSemaphorePermit {
            semaphore: self,
            permits: n as usize,
        })
    }

    /// Blocks this thread until a permit is free: for synchronous code
    /// sharing the semaphore with asynchronous code.
    ///
    /// # Panics
    ///
    /// When called on a thread that drives asynchronous tasks (a runtime
    /// worker, or inside `block_on`).
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(1);
    /// let permit = semaphore.blocking_acquire().unwrap();
    /// assert_eq!(permit.num_permits(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        blocking::assert_may_block("Semaphore::blocking_acquire");
        blocking::block_on(self.acquire())
    }

    /// Blocks this thread until `n` permits are free.
    ///
    /// # Panics
    ///
    /// As [`blocking_acquire`](Self::blocking_acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(2);
    /// assert_eq!(semaphore.blocking_acquire_many(2).unwrap().num_permits(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        blocking::assert_may_block("Semaphore::blocking_acquire_many");
        blocking::block_on(self.acquire_many(n))
    }

    /// [`blocking_acquire`](Self::blocking_acquire) for an
    /// `Arc<Semaphore>`.
    ///
    /// # Panics
    ///
    /// As [`blocking_acquire`](Self::blocking_acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(rt::sync::Semaphore::new(1));
    /// let permit = semaphore.clone().blocking_acquire_owned().unwrap();
    /// assert_eq!(semaphore.available_permits(), 0);
    /// # drop(permit);
    /// ```
    #[track_caller]
    pub fn blocking_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        blocking::assert_may_block("Semaphore::blocking_acquire_owned");
        blocking::block_on(self.acquire_owned())
    }

    /// [`blocking_acquire_many`](Self::blocking_acquire_many) for an
    /// `Arc<Semaphore>`.
    ///
    /// # Panics
    ///
    /// As [`blocking_acquire`](Self::blocking_acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(rt::sync::Semaphore::new(3));
    /// let permit = semaphore.clone().blocking_acquire_many_owned(3).unwrap();
    /// assert_eq!(permit.num_permits(), 3);
    /// ```
    #[track_caller]
    pub fn blocking_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        blocking::assert_may_block("Semaphore::blocking_acquire_many_owned");
        blocking::block_on(self.acquire_many_owned(n))
    }

    /// Closes the semaphore: every waiter and every later acquire fails.
    /// Permits already held stay valid, and dropping them still gives
    /// them back.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(1);
    /// semaphore.close();
    /// assert!(semaphore.is_closed());
    /// assert!(semaphore.try_acquire().unwrap_err().is_closed());
    /// ```
    pub fn close(&self) {
        self.inner.close();
    }

    /// Whether [`close`](Self::close) was called.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(1);
    /// assert!(!semaphore.is_closed());
    /// semaphore.close();
    /// assert!(semaphore.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("available_permits", &self.available_permits())
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl<'a> SemaphorePermit<'a> {
    /// Keeps the permits out of the semaphore for good: dropping this
    /// does not give them back.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(2);
    /// semaphore.try_acquire().unwrap().forget();
    /// assert_eq!(semaphore.available_permits(), 1);
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Moves `other`'s permits into this one.
    ///
    /// # Panics
    ///
    /// If the two come from different semaphores.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(3);
    /// let mut permit = semaphore.try_acquire().unwrap();
    /// permit.merge(semaphore.try_acquire_many(2).unwrap());
    /// assert_eq!(permit.num_permits(), 3);
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: SemaphorePermit<'a>) {
        assert!(
            std::ptr::eq(self.semaphore, other.semaphore),
            "cannot merge permits of different semaphores"
        );
        self.permits += std::mem::take(&mut other.permits);
    }

    /// Splits `n` permits off into a new permit; `None` (and no change)
    /// if this one holds fewer than `n`.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(3);
    /// let mut permit = semaphore.try_acquire_many(3).unwrap();
    /// let part = permit.split(2).unwrap();
    /// assert_eq!((permit.num_permits(), part.num_permits()), (1, 2));
    /// assert!(permit.split(2).is_none());
    /// ```
    pub fn split(&mut self, n: usize) -> Option<SemaphorePermit<'a>> {
        if n > self.permits {
            return None;
        }
        self.permits -= n;
        Some(SemaphorePermit {
            semaphore: self.semaphore,
            permits: n,
        })
    }

    /// The semaphore these permits come from.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(1);
    /// let permit = semaphore.try_acquire().unwrap();
    /// assert!(std::ptr::eq(permit.semaphore(), &semaphore));
    /// ```
    pub fn semaphore(&self) -> &Semaphore {
        self.semaphore
    }

    /// How many permits this holds.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(2);
    /// assert_eq!(semaphore.try_acquire_many(2).unwrap().num_permits(), 2);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.semaphore.inner.release(self.permits);
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("permits", &self.permits)
            .finish()
    }
}

impl OwnedSemaphorePermit {
    /// Keeps the permits out of the semaphore for good.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(rt::sync::Semaphore::new(1));
    /// semaphore.clone().try_acquire_owned().unwrap().forget();
    /// assert_eq!(semaphore.available_permits(), 0);
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Moves `other`'s permits into this one.
    ///
    /// # Panics
    ///
    /// If the two come from different semaphores.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(rt::sync::Semaphore::new(2));
    /// let mut permit = semaphore.clone().try_acquire_owned().unwrap();
    /// permit.merge(semaphore.clone().try_acquire_owned().unwrap());
    /// assert_eq!(permit.num_permits(), 2);
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: OwnedSemaphorePermit) {
        assert!(
            Arc::ptr_eq(&self.semaphore, &other.semaphore),
            "cannot merge permits of different semaphores"
        );
        self.permits += std::mem::take(&mut other.permits);
    }

    /// Splits `n` permits off into a new permit; `None` (and no change)
    /// if this one holds fewer than `n`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(rt::sync::Semaphore::new(2));
    /// let mut permit = semaphore.clone().try_acquire_many_owned(2).unwrap();
    /// let part = permit.split(1).unwrap();
    /// assert_eq!((permit.num_permits(), part.num_permits()), (1, 1));
    /// ```
    pub fn split(&mut self, n: usize) -> Option<OwnedSemaphorePermit> {
        if n > self.permits {
            return None;
        }
        self.permits -= n;
        Some(OwnedSemaphorePermit {
            semaphore: self.semaphore.clone(),
            permits: n,
        })
    }

    /// The semaphore these permits come from.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(rt::sync::Semaphore::new(1));
    /// let permit = semaphore.clone().try_acquire_owned().unwrap();
    /// assert!(Arc::ptr_eq(permit.semaphore(), &semaphore));
    /// ```
    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.semaphore
    }

    /// How many permits this holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(rt::sync::Semaphore::new(1));
    /// assert_eq!(semaphore.try_acquire_owned().unwrap().num_permits(), 1);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        self.semaphore.inner.release(self.permits);
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit")
            .field("permits", &self.permits)
            .finish()
    }
}
