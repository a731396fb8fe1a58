//! The read guards of [`RwLock`]: each holds one permit (see the
//! [module docs](super)).

use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::sync::Arc;

use super::RwLock;
use crate::batch_semaphore as batch;

/// Shared read access to an [`RwLock`]'s value (or, after
/// [`map`](Self::map), to a part of it); gives its permit back when
/// dropped.
///
/// # Examples
///
/// ```
/// use rt::sync::{RwLock, RwLockReadGuard};
/// # rt::Runtime::new()?.block_on(async {
/// let lock = RwLock::new((1, String::from("one")));
/// let name: RwLockReadGuard<'_, str> = RwLockReadGuard::map(lock.read().await, |p| &*p.1);
/// assert_eq!(&*name, "one");
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "the lock is released at once if the guard is unused"]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    semaphore: &'a batch::Semaphore,
    data: *const T,
    _marker: PhantomData<&'a T>,
}

// SAFETY: the guard is a shared borrow of `T` (its permit excludes
// writers): it may cross threads and be shared when `&T` may (`T: Sync`).
unsafe impl<T: ?Sized + Sync> Send for RwLockReadGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Sync> Sync for RwLockReadGuard<'_, T> {}

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    /// A guard for one permit already taken from `semaphore`.
    pub(super) fn new(semaphore: &'a batch::Semaphore, data: *const T) -> Self {
        RwLockReadGuard {
            semaphore,
            data,
            _marker: PhantomData,
        }
    }

    /// A guard to a part of the value, keeping the lock held. An
    /// associated function (`RwLockReadGuard::map(g, f)`), so it does not
    /// shadow a method of `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::{RwLock, RwLockReadGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = RwLock::new([1, 2]);
    /// assert_eq!(*RwLockReadGuard::map(lock.read().await, |a| &a[1]), 2);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let this = ManuallyDrop::new(this);
        // SAFETY: the permit moves from `this` (never dropped) to the new
        // guard; the lock is borrowed for 'a.
        let data = f(unsafe { &*this.data }) as *const U;
        RwLockReadGuard::new(this.semaphore, data)
    }

    /// [`map`](Self::map) where `f` may fail: then the guard is given
    /// back.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::{RwLock, RwLockReadGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = RwLock::new(vec![1]);
    /// let guard = RwLockReadGuard::try_map(lock.read().await, |v| v.get(3)).unwrap_err();
    /// assert_eq!(guard.len(), 1);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        // SAFETY: the permit, held by `this` for the whole borrow.
        let data = match f(unsafe { &*this.data }) {
            Some(data) => data as *const U,
            None => return Err(this),
        };
        let this = ManuallyDrop::new(this);
        Ok(RwLockReadGuard::new(this.semaphore, data))
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the permit excludes writers; the lock is borrowed for
        // the guard's life.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        self.semaphore.release(1);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// A read guard holding an `Arc` of its lock (from
/// [`RwLock::read_owned`]); `U` is the part it gives access to after
/// [`map`](Self::map).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt::sync::{OwnedRwLockReadGuard, RwLock};
/// # rt::Runtime::new()?.block_on(async {
/// let lock = Arc::new(RwLock::new((1, 2)));
/// let second: OwnedRwLockReadGuard<(i32, i32), i32> =
///     OwnedRwLockReadGuard::map(lock.read_owned().await, |p| &p.1);
/// assert_eq!(*second, 2);
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "the lock is released at once if the guard is unused"]
pub struct OwnedRwLockReadGuard<T: ?Sized, U: ?Sized = T> {
    lock: Arc<RwLock<T>>,
    /// 1, or 0 once moved into a mapped guard.
    permits: usize,
    data: *const U,
    _marker: PhantomData<T>,
}

// SAFETY: the guard shares `U` (its permit excludes writers) and keeps an
// `Arc` of the lock, which may drop on the guard's thread: `T: Send +
// Sync` for the `Arc<RwLock<T>>`, `U: Sync` for the shared `&U`.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Sync> Send for OwnedRwLockReadGuard<T, U> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Sync> Sync for OwnedRwLockReadGuard<T, U> {}

impl<T: ?Sized, U: ?Sized> OwnedRwLockReadGuard<T, U> {
    /// A guard for one permit already taken from `lock`'s semaphore,
    /// reading `data` (in the lock).
    pub(super) fn new(lock: Arc<RwLock<T>>, data: *const U) -> Self {
        OwnedRwLockReadGuard {
            lock,
            permits: 1,
            data,
            _marker: PhantomData,
        }
    }

    /// A guard to a part of the value, keeping the lock held.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{OwnedRwLockReadGuard, RwLock};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(RwLock::new(vec![7]));
    /// let first = OwnedRwLockReadGuard::map(lock.read_owned().await, |v| &v[0]);
    /// assert_eq!(*first, 7);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn map<F, V: ?Sized>(mut this: Self, f: F) -> OwnedRwLockReadGuard<T, V>
    where
        F: FnOnce(&U) -> &V,
    {
        // SAFETY: the permit, held by `this` until it moves below; the
        // `Arc` in `this` (then in the new guard) keeps the lock alive.
        let data = f(unsafe { &*this.data }) as *const V;
        this.permits = 0; // moves to the new guard
        OwnedRwLockReadGuard {
            lock: this.lock.clone(),
            permits: 1,
            data,
            _marker: PhantomData,
        }
    }

    /// [`map`](Self::map) where `f` may fail: then the guard is given
    /// back.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{OwnedRwLockReadGuard, RwLock};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(RwLock::new(vec![7]));
    /// assert!(OwnedRwLockReadGuard::try_map(lock.read_owned().await, |v| v.get(1)).is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_map<F, V: ?Sized>(mut this: Self, f: F) -> Result<OwnedRwLockReadGuard<T, V>, Self>
    where
        F: FnOnce(&U) -> Option<&V>,
    {
        // SAFETY: as in `map`.
        let data = match f(unsafe { &*this.data }) {
            Some(data) => data as *const V,
            None => return Err(this),
        };
        this.permits = 0; // moves to the new guard
        Ok(OwnedRwLockReadGuard {
            lock: this.lock.clone(),
            permits: 1,
            data,
            _marker: PhantomData,
        })
    }

    /// The lock this guard reads.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{OwnedRwLockReadGuard, RwLock};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(RwLock::new(()));
    /// let guard = lock.clone().read_owned().await;
    /// assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&guard), &lock));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockReadGuard<T, U> {
    type Target = U;

    fn deref(&self) -> &U {
        // SAFETY: the permit excludes writers; the guard's `Arc` keeps the
        // lock alive.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockReadGuard<T, U> {
    fn drop(&mut self) {
        self.lock.semaphore.release(self.permits);
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockReadGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
