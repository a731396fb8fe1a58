//! The write guards of [`RwLock`]: each holds all of the lock's permits
//! (see the [module docs](super)).

use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use super::{OwnedRwLockReadGuard, RwLock, RwLockReadGuard};
use crate::batch_semaphore as batch;

/// Exclusive write access to an [`RwLock`]'s value; unlocks when
/// dropped.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let lock = rt::sync::RwLock::new(vec![1]);
/// let mut writer = lock.write().await;
/// writer.push(2);
/// let reader = writer.downgrade(); // no writer can come in between
/// assert_eq!(*reader, [1, 2]);
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "the lock is released at once if the guard is unused"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    semaphore: &'a batch::Semaphore,
    permits: u32,
    data: *mut T,
    _marker: PhantomData<&'a mut T>,
}

/// Exclusive write access to a part of an [`RwLock`]'s value, from
/// [`RwLockWriteGuard::map`]; unlocks the whole lock when dropped.
///
/// # Examples
///
/// ```
/// use rt::sync::{RwLock, RwLockWriteGuard};
/// # rt::Runtime::new()?.block_on(async {
/// let lock = RwLock::new((0, 0));
/// *RwLockWriteGuard::map(lock.write().await, |p| &mut p.1) = 3;
/// assert_eq!(*lock.read().await, (0, 3));
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "the lock is released at once if the guard is unused"]
pub struct RwLockMappedWriteGuard<'a, T: ?Sized> {
    semaphore: &'a batch::Semaphore,
    permits: u32,
    data: *mut T,
    _marker: PhantomData<&'a mut T>,
}

// SAFETY: a write guard is an exclusive borrow of `T` (all permits) that
// may downgrade to a shared one: `T: Send` to move it, `T: Sync` since the
// shared borrow may then be used from the new thread.
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockWriteGuard<'_, T> {}
// SAFETY: sharing the guard shares `&T`.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockWriteGuard<'_, T> {}
// SAFETY: as for `RwLockWriteGuard`.
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockMappedWriteGuard<'_, T> {}
// SAFETY: as for `RwLockWriteGuard`.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockMappedWriteGuard<'_, T> {}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    /// A guard for the `permits` (all of them) already taken.
    pub(super) fn new(semaphore: &'a batch::Semaphore, permits: u32, data: *mut T) -> Self {
        RwLockWriteGuard {
            semaphore,
            permits,
            data,
            _marker: PhantomData,
        }
    }

    /// A guard to a part of the value, keeping the whole lock held.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::{RwLock, RwLockWriteGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = RwLock::new([0, 0]);
    /// *RwLockWriteGuard::map(lock.write().await, |a| &mut a[0]) = 1;
    /// assert_eq!(*lock.read().await, [1, 0]);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let this = ManuallyDrop::new(this);
        let data = this.data;
        // SAFETY: all permits, moving from `this` (never dropped) to the
        // new guard; the lock is borrowed for 'a.
        let data = f(unsafe { &mut *data }) as *mut U;
        RwLockMappedWriteGuard {
            semaphore: this.semaphore,
            permits: this.permits,
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
    /// use rt::sync::{RwLock, RwLockWriteGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = RwLock::new(vec![0]);
    /// assert!(RwLockWriteGuard::try_map(lock.write().await, |v| v.get_mut(2)).is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: all permits, held by `this` for the whole borrow.
        let data = match f(unsafe { &mut *this.data }) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let this = ManuallyDrop::new(this);
        Ok(RwLockMappedWriteGuard {
            semaphore: this.semaphore,
            permits: this.permits,
            data,
            _marker: PhantomData,
        })
    }

    /// Turns write access into read access atomically: all permits but
    /// one go back (to the waiters first, in order), and no writer can
    /// take the lock in between.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = rt::sync::RwLock::new(1);
    /// let mut writer = lock.write().await;
    /// *writer = 2;
    /// let reader = writer.downgrade();
    /// assert!(lock.try_read().is_ok()); // other readers may come in
    /// assert!(lock.try_write().is_err());
    /// assert_eq!(*reader, 2);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn downgrade(self) -> RwLockReadGuard<'a, T> {
        let this = ManuallyDrop::new(self);
        this.semaphore.release(this.permits as usize - 1);
        RwLockReadGuard::new(this.semaphore, this.data)
    }

    /// [`downgrade`](Self::downgrade), reading only the part of the value
    /// `f` picks.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::{RwLock, RwLockWriteGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = RwLock::new((1, 2));
    /// let second = RwLockWriteGuard::downgrade_map(lock.write().await, |p| &p.1);
    /// assert_eq!(*second, 2);
    /// assert!(lock.try_read().is_ok());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        // SAFETY: all permits, held by `this` during the call; the lock
        // is borrowed for 'a.
        let data = f(unsafe { &*this.data }) as *const U;
        let this = ManuallyDrop::new(this);
        this.semaphore.release(this.permits as usize - 1);
        RwLockReadGuard::new(this.semaphore, data)
    }

    /// [`downgrade_map`](Self::downgrade_map) where `f` may fail: then the
    /// write guard is given back, still writing.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::{RwLock, RwLockWriteGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = RwLock::new(vec![1]);
    /// let writer = RwLockWriteGuard::try_downgrade_map(lock.write().await, |v| v.get(4));
    /// assert!(writer.is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_downgrade_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        // SAFETY: as in `downgrade_map`.
        let data = match f(unsafe { &*this.data }) {
            Some(data) => data as *const U,
            None => return Err(this),
        };
        let this = ManuallyDrop::new(this);
        this.semaphore.release(this.permits as usize - 1);
        Ok(RwLockReadGuard::new(this.semaphore, data))
    }

    /// The same access as a mapped guard (of the whole value).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = RwLock::new(1);
    /// let mut mapped: RwLockMappedWriteGuard<'_, i32> =
    ///     RwLockWriteGuard::into_mapped(lock.write().await);
    /// *mapped = 2;
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_mapped(this: Self) -> RwLockMappedWriteGuard<'a, T> {
        RwLockWriteGuard::map(this, |value| value)
    }
}

impl<'a, T: ?Sized> RwLockMappedWriteGuard<'a, T> {
    /// Narrows the guard further (see [`RwLockWriteGuard::map`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = RwLock::new(((0, 0), 0));
    /// let inner = RwLockWriteGuard::map(lock.write().await, |t| &mut t.0);
    /// *RwLockMappedWriteGuard::map(inner, |p| &mut p.1) = 5;
    /// assert_eq!(*lock.read().await, ((0, 5), 0));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let this = ManuallyDrop::new(this);
        let data = this.data;
        // SAFETY: all permits, moving from `this` (never dropped) to the
        // new guard; the lock is borrowed for 'a.
        let data = f(unsafe { &mut *data }) as *mut U;
        RwLockMappedWriteGuard {
            semaphore: this.semaphore,
            permits: this.permits,
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
    /// use rt::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = RwLock::new((vec![0], 0));
    /// let list = RwLockWriteGuard::map(lock.write().await, |t| &mut t.0);
    /// assert!(RwLockMappedWriteGuard::try_map(list, |v| v.get_mut(4)).is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: all permits, held by `this` for the whole borrow.
        let data = match f(unsafe { &mut *this.data }) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let this = ManuallyDrop::new(this);
        Ok(RwLockMappedWriteGuard {
            semaphore: this.semaphore,
            permits: this.permits,
            data,
            _marker: PhantomData,
        })
    }
}

/// Derefs, drop and formatting of the borrowed write guards.
macro_rules! write_guard_impls {
    ($guard:ident) => {
        impl<T: ?Sized> Deref for $guard<'_, T> {
            type Target = T;

            fn deref(&self) -> &T {
                // SAFETY: all permits: no other guard exists; the lock is
                // borrowed for the guard's life.
                unsafe { &*self.data }
            }
        }

        impl<T: ?Sized> DerefMut for $guard<'_, T> {
            fn deref_mut(&mut self) -> &mut T {
                // SAFETY: as in `deref`.
                unsafe { &mut *self.data }
            }
        }

        impl<T: ?Sized> Drop for $guard<'_, T> {
            fn drop(&mut self) {
                self.semaphore.release(self.permits as usize);
            }
        }

        impl<T: ?Sized + fmt::Debug> fmt::Debug for $guard<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }

        impl<T: ?Sized + fmt::Display> fmt::Display for $guard<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&**self, f)
            }
        }
    };
}

write_guard_impls!(RwLockWriteGuard);
write_guard_impls!(RwLockMappedWriteGuard);

/// A write guard holding an `Arc` of its lock (from
/// [`RwLock::write_owned`]).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// # rt::Runtime::new()?.block_on(async {
/// let lock = Arc::new(rt::sync::RwLock::new(0));
/// let mut writer = lock.clone().write_owned().await;
/// *writer = 1;
/// let reader = writer.downgrade();
/// assert_eq!(*reader, 1);
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "the lock is released at once if the guard is unused"]
pub struct OwnedRwLockWriteGuard<T: ?Sized> {
    lock: Arc<RwLock<T>>,
    /// All of the lock's permits, or 0 once moved into another guard.
    permits: u32,
    data: *mut T,
}

/// A write guard to a part of the value, holding an `Arc` of the lock
/// (from [`OwnedRwLockWriteGuard::map`]).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
/// # rt::Runtime::new()?.block_on(async {
/// let lock = Arc::new(RwLock::new((0, 0)));
/// let mut second: OwnedRwLockMappedWriteGuard<(i32, i32), i32> =
///     OwnedRwLockWriteGuard::map(lock.clone().write_owned().await, |p| &mut p.1);
/// *second = 4;
/// drop(second);
/// assert_eq!(*lock.read().await, (0, 4));
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "the lock is released at once if the guard is unused"]
pub struct OwnedRwLockMappedWriteGuard<T: ?Sized, U: ?Sized = T> {
    lock: Arc<RwLock<T>>,
    permits: u32,
    data: *mut U,
}

// SAFETY: exclusive access to `T` (all permits) through an `Arc` that may
// drop on any thread: as for `RwLockWriteGuard`, plus the `Arc`'s own
// needs (`RwLock<T>: Send + Sync`, i.e. `T: Send + Sync`).
unsafe impl<T: ?Sized + Send + Sync> Send for OwnedRwLockWriteGuard<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedRwLockWriteGuard<T> {}
// SAFETY: as above, and `U` is borrowed exclusively, then maybe shared.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Send
    for OwnedRwLockMappedWriteGuard<T, U>
{
}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync
    for OwnedRwLockMappedWriteGuard<T, U>
{
}

impl<T: ?Sized> OwnedRwLockWriteGuard<T> {
    /// A guard for all of `lock`'s permits, already taken.
    pub(super) fn new(lock: Arc<RwLock<T>>, data: *mut T) -> Self {
        let permits = lock.max_readers;
        OwnedRwLockWriteGuard {
            lock,
            permits,
            data,
        }
    }

    /// A guard to a part of the value, keeping the whole lock held.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{OwnedRwLockWriteGuard, RwLock};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(RwLock::new([0, 0]));
    /// *OwnedRwLockWriteGuard::map(lock.clone().write_owned().await, |a| &mut a[1]) = 2;
    /// assert_eq!(*lock.read().await, [0, 2]);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        // SAFETY: all permits, held by `this` until they move below; its
        // `Arc` keeps the lock alive.
        let data = f(unsafe { &mut *this.data }) as *mut U;
        let permits = std::mem::take(&mut this.permits);
        OwnedRwLockMappedWriteGuard {
            lock: this.lock.clone(),
            permits,
            data,
        }
    }

    /// [`map`](Self::map) where `f` may fail: then the guard is given
    /// back.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{OwnedRwLockWriteGuard, RwLock};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(RwLock::new(vec![0]));
    /// let guard = lock.write_owned().await;
    /// assert!(OwnedRwLockWriteGuard::try_map(guard, |v| v.get_mut(1)).is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: as in `map`.
        let data = match f(unsafe { &mut *this.data }) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let permits = std::mem::take(&mut this.permits);
        Ok(OwnedRwLockMappedWriteGuard {
            lock: this.lock.clone(),
            permits,
            data,
        })
    }

    /// Turns write access into read access atomically (see
    /// [`RwLockWriteGuard::downgrade`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(rt::sync::RwLock::new(0));
    /// let reader = lock.clone().write_owned().await.downgrade();
    /// assert!(lock.try_read().is_ok());
    /// assert!(lock.try_write().is_err());
    /// # drop(reader);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn downgrade(mut self) -> OwnedRwLockReadGuard<T> {
        let permits = std::mem::take(&mut self.permits) as usize;
        self.lock.semaphore.release(permits - 1);
        OwnedRwLockReadGuard::new(self.lock.clone(), self.data)
    }

    /// [`downgrade`](Self::downgrade), reading only the part of the value
    /// `f` picks.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{OwnedRwLockWriteGuard, RwLock};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let first = OwnedRwLockWriteGuard::downgrade_map(lock.clone().write_owned().await, |p| &p.0);
    /// assert_eq!(*first, 1);
    /// assert!(lock.try_read().is_ok());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn downgrade_map<F, U: ?Sized>(mut this: Self, f: F) -> OwnedRwLockReadGuard<T, U>
    where
        F: FnOnce(&T) -> &U,
    {
        // SAFETY: all permits, held by `this` during the call; its `Arc`
        // keeps the lock alive.
        let data = f(unsafe { &*this.data }) as *const U;
        let permits = std::mem::take(&mut this.permits) as usize;
        this.lock.semaphore.release(permits - 1);
        OwnedRwLockReadGuard::new(this.lock.clone(), data)
    }

    /// [`downgrade_map`](Self::downgrade_map) where `f` may fail: then the
    /// write guard is given back, still writing.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{OwnedRwLockWriteGuard, RwLock};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(RwLock::new(vec![1]));
    /// let guard = lock.write_owned().await;
    /// assert!(OwnedRwLockWriteGuard::try_downgrade_map(guard, |v| v.get(2)).is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_downgrade_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockReadGuard<T, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        // SAFETY: as in `downgrade_map`.
        let data = match f(unsafe { &*this.data }) {
            Some(data) => data as *const U,
            None => return Err(this),
        };
        let permits = std::mem::take(&mut this.permits) as usize;
        this.lock.semaphore.release(permits - 1);
        Ok(OwnedRwLockReadGuard::new(this.lock.clone(), data))
    }

    /// The same access as a mapped guard (of the whole value).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{OwnedRwLockWriteGuard, RwLock};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(RwLock::new(1));
    /// let mut mapped = OwnedRwLockWriteGuard::into_mapped(lock.write_owned().await);
    /// *mapped = 2;
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_mapped(this: Self) -> OwnedRwLockMappedWriteGuard<T> {
        OwnedRwLockWriteGuard::map(this, |value| value)
    }

    /// The lock this guard writes.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{OwnedRwLockWriteGuard, RwLock};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(RwLock::new(()));
    /// let guard = lock.clone().write_owned().await;
    /// assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&guard), &lock));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockMappedWriteGuard<T, U> {
    /// Narrows the guard further.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(RwLock::new(((0, 0), 0)));
    /// let inner = OwnedRwLockWriteGuard::map(lock.clone().write_owned().await, |t| &mut t.0);
    /// *OwnedRwLockMappedWriteGuard::map(inner, |p| &mut p.0) = 1;
    /// assert_eq!(*lock.read().await, ((1, 0), 0));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn map<F, V: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, V>
    where
        F: FnOnce(&mut U) -> &mut V,
    {
        // SAFETY: all permits, held by `this` until they move below; its
        // `Arc` keeps the lock alive.
        let data = f(unsafe { &mut *this.data }) as *mut V;
        let permits = std::mem::take(&mut this.permits);
        OwnedRwLockMappedWriteGuard {
            lock: this.lock.clone(),
            permits,
            data,
        }
    }

    /// [`map`](Self::map) where `f` may fail: then the guard is given
    /// back.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(RwLock::new((vec![0], 0)));
    /// let list = OwnedRwLockWriteGuard::map(lock.write_owned().await, |t| &mut t.0);
    /// assert!(OwnedRwLockMappedWriteGuard::try_map(list, |v| v.get_mut(9)).is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_map<F, V: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, V>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut V>,
    {
        // SAFETY: as in `map`.
        let data = match f(unsafe { &mut *this.data }) {
            Some(data) => data as *mut V,
            None => return Err(this),
        };
        let permits = std::mem::take(&mut this.permits);
        Ok(OwnedRwLockMappedWriteGuard {
            lock: this.lock.clone(),
            permits,
            data,
        })
    }

    /// The lock this guard writes.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(RwLock::new((0, 0)));
    /// let part = OwnedRwLockWriteGuard::map(lock.clone().write_owned().await, |p| &mut p.0);
    /// assert!(Arc::ptr_eq(OwnedRwLockMappedWriteGuard::rwlock(&part), &lock));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

/// Derefs, drop and formatting of the owned write guards:
/// `[generics] guard type => target`.
macro_rules! owned_write_guard_impls {
    ([$($g:tt)*] $guard:ty => $target:ident) => {
        impl<$($g)*> Deref for $guard {
            type Target = $target;

            fn deref(&self) -> &$target {
                // SAFETY: all permits: no other guard exists; the guard's
                // `Arc` keeps the lock alive.
                unsafe { &*self.data }
            }
        }

        impl<$($g)*> DerefMut for $guard {
            fn deref_mut(&mut self) -> &mut $target {
                // SAFETY: as in `deref`.
                unsafe { &mut *self.data }
            }
        }

        impl<$($g)*> Drop for $guard {
            fn drop(&mut self) {
                self.lock.semaphore.release(self.permits as usize);
            }
        }

        impl<$($g)*> fmt::Debug for $guard
        where
            $target: fmt::Debug,
        {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }
    };
}

owned_write_guard_impls!([T: ?Sized] OwnedRwLockWriteGuard<T> => T);
owned_write_guard_impls!([T: ?Sized, U: ?Sized] OwnedRwLockMappedWriteGuard<T, U> => U);
