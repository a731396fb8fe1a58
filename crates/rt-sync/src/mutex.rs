//! [`Mutex`]: one permit of a [`batch_semaphore`](crate::batch_semaphore)
//! guarding an `UnsafeCell`.
//!
//! Whoever holds the permit is the only one to touch the value: every
//! guard type below holds the permit from its creation to its drop (a
//! mapped guard inherits its parent's), and that is the invariant each
//! `// SAFETY:` comment in this file cites as "the permit". The lock is
//! fair because the semaphore is: waiters get it in arrival order.

use std::cell::UnsafeCell;
use std::error::Error;
use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::batch_semaphore as batch;
use crate::blocking;

/// A fair asynchronous mutual-exclusion lock (tokio's `Mutex`): `lock`
/// waits without blocking the thread, and the lock goes to waiters in the
/// order they asked for it. Its guard may be held across an `.await`.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt::sync::Mutex;
///
/// # rt::Runtime::new()?.block_on(async {
/// let count = Arc::new(Mutex::new(0));
/// let tasks: Vec<_> = (0..10)
///     .map(|_| {
///         let count = count.clone();
///         rt::spawn(async move { *count.lock().await += 1 })
///     })
///     .collect();
/// for task in tasks {
///     task.await.unwrap();
/// }
/// assert_eq!(*count.lock().await, 10);
/// # });
/// # std::io::Result::Ok(())
/// ```
pub struct Mutex<T: ?Sized> {
    semaphore: batch::Semaphore,
    cell: UnsafeCell<T>,
}

// SAFETY: the value moves between threads with the lock (needs `T: Send`);
// `&Mutex` only ever gives out `&mut T` to one permit holder at a time, so
// sharing the mutex never shares `T` (no `T: Sync` needed), as with std's.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}

/// Exclusive access to a [`Mutex`]'s value; unlocks when dropped.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let mutex = rt::sync::Mutex::new(vec![1]);
/// let mut guard = mutex.lock().await;
/// guard.push(2);
/// drop(guard);
/// assert_eq!(*mutex.lock().await, [1, 2]);
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "the lock is released at once if the guard is unused"]
pub struct MutexGuard<'a, T: ?Sized> {
    lock: &'a Mutex<T>,
    /// Send and Sync like `&mut T`.
    _marker: PhantomData<&'a mut T>,
}

/// A [`MutexGuard`] holding an `Arc` of its mutex instead of a borrow
/// (from [`Mutex::lock_owned`]): it can move into a task.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// # rt::Runtime::new()?.block_on(async {
/// let mutex = Arc::new(rt::sync::Mutex::new(1));
/// let mut guard = mutex.clone().lock_owned().await;
/// rt::spawn(async move { *guard += 1 }).await.unwrap();
/// assert_eq!(*mutex.lock().await, 2);
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "the lock is released at once if the guard is unused"]
pub struct OwnedMutexGuard<T: ?Sized> {
    lock: Arc<Mutex<T>>,
    /// 1, or 0 once the permit moved into a mapped guard.
    permits: usize,
    /// Send and Sync like `T` (the `Arc` alone would be Sync without it).
    _marker: PhantomData<T>,
}

/// A guard to a part of a locked value, from [`MutexGuard::map`]; unlocks
/// the whole mutex when dropped.
///
/// # Examples
///
/// ```
/// use rt::sync::{MappedMutexGuard, Mutex, MutexGuard};
/// # rt::Runtime::new()?.block_on(async {
/// let mutex = Mutex::new((1, "one"));
/// let mut first: MappedMutexGuard<'_, i32> = MutexGuard::map(mutex.lock().await, |p| &mut p.0);
/// *first = 10;
/// drop(first);
/// assert_eq!(*mutex.lock().await, (10, "one"));
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "the lock is released at once if the guard is unused"]
pub struct MappedMutexGuard<'a, T: ?Sized> {
    semaphore: &'a batch::Semaphore,
    data: *mut T,
    _marker: PhantomData<&'a mut T>,
}

// SAFETY: the guard is an exclusive borrow of `T` (the permit): it may
// move to another thread when `&mut T` may, and be shared when `&T` may.
unsafe impl<T: ?Sized + Send> Send for MappedMutexGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for MappedMutexGuard<'_, T> {}

/// A guard to a part of a value locked through an `Arc` (from
/// [`OwnedMutexGuard::map`]); unlocks the whole mutex when dropped.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
/// # rt::Runtime::new()?.block_on(async {
/// let mutex = Arc::new(Mutex::new((1, 2)));
/// let mut second: OwnedMappedMutexGuard<(i32, i32), i32> =
///     OwnedMutexGuard::map(mutex.clone().lock_owned().await, |p| &mut p.1);
/// *second = 20;
/// drop(second);
/// assert_eq!(*mutex.lock().await, (1, 20));
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "the lock is released at once if the guard is unused"]
pub struct OwnedMappedMutexGuard<T: ?Sized, U: ?Sized = T> {
    lock: Arc<Mutex<T>>,
    /// 1, or 0 once the permit moved into another mapped guard.
    permits: usize,
    data: *mut U,
    _marker: PhantomData<U>,
}

// SAFETY: an exclusive borrow of `U` (the permit) plus an `Arc` of the
// mutex that may drop on the guard's thread (`T: Send`).
unsafe impl<T: ?Sized + Send, U: ?Sized + Send> Send for OwnedMappedMutexGuard<T, U> {}
// SAFETY: sharing the guard shares `&U`; the `Arc` needs `T: Send`.
unsafe impl<T: ?Sized + Send, U: ?Sized + Send + Sync> Sync for OwnedMappedMutexGuard<T, U> {}

/// The error of `try_lock` and its kin ([`Mutex`], [`RwLock`](crate::RwLock)):
/// the lock is held (or others wait for it).
///
/// # Examples
///
/// ```
/// let mutex = rt::sync::Mutex::new(());
/// let _guard = mutex.try_lock().unwrap();
/// let error = mutex.try_lock().unwrap_err();
/// assert_eq!(error.to_string(), "operation would block");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryLockError(pub(crate) ());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation would block")
    }
}

impl Error for TryLockError {}

impl<T> Mutex<T> {
    /// An unlocked mutex holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex = rt::sync::Mutex::new(5);
    /// assert_eq!(mutex.into_inner(), 5);
    /// ```
    pub fn new(value: T) -> Mutex<T> {
        Mutex {
            semaphore: batch::Semaphore::new(1),
            cell: UnsafeCell::new(value),
        }
    }

    /// [`new`](Self::new) in a `const` context (a `static`).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::Mutex;
    ///
    /// static NAMES: Mutex<Vec<&str>> = Mutex::const_new(Vec::new());
    /// # rt::Runtime::new()?.block_on(async {
    /// NAMES.lock().await.push("a");
    /// assert_eq!(NAMES.lock().await.len(), 1);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new(value: T) -> Mutex<T> {
        Mutex {
            semaphore: batch::Semaphore::const_new(1),
            cell: UnsafeCell::new(value),
        }
    }

    /// The value, taking the mutex apart.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::sync::Mutex::new("x").into_inner(), "x");
    /// ```
    pub fn into_inner(self) -> T {
        self.cell.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Waits for the lock, then returns a guard.
    ///
    /// # Cancel safety
    ///
    /// The lock is given in FIFO order; cancelling `lock` loses the
    /// caller's place in the queue, and a lock it had just been handed
    /// goes to the next waiter. Nothing else is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = rt::sync::Mutex::new(1);
    /// *mutex.lock().await += 1;
    /// assert_eq!(*mutex.lock().await, 2);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        // A mutex's semaphore is never closed.
        let acquired = self.semaphore.acquire(1).await;
        debug_assert!(acquired.is_ok());
        MutexGuard {
            lock: self,
            _marker: PhantomData,
        }
    }

    /// [`lock`](Self::lock) for an `Arc<Mutex>`: the guard holds a clone
    /// of the `Arc`.
    ///
    /// # Cancel safety
    ///
    /// As [`lock`](Self::lock).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = Arc::new(rt::sync::Mutex::new(0));
    /// *mutex.clone().lock_owned().await = 3;
    /// assert_eq!(*mutex.lock().await, 3);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        let acquired = self.semaphore.acquire(1).await;
        debug_assert!(acquired.is_ok());
        OwnedMutexGuard {
            lock: self,
            permits: 1,
            _marker: PhantomData,
        }
    }

    /// The lock if it is free and nobody waits for it.
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex = rt::sync::Mutex::new(1);
    /// let guard = mutex.try_lock().unwrap();
    /// assert!(mutex.try_lock().is_err());
    /// drop(guard);
    /// assert!(mutex.try_lock().is_ok());
    /// ```
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        match self.semaphore.try_acquire(1) {
            Ok(()) => Ok(MutexGuard {
                lock: self,
                _marker: PhantomData,
            }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// [`try_lock`](Self::try_lock) for an `Arc<Mutex>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mutex = Arc::new(rt::sync::Mutex::new(1));
    /// let guard = mutex.clone().try_lock_owned().unwrap();
    /// assert!(mutex.try_lock().is_err());
    /// # drop(guard);
    /// ```
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        match self.semaphore.try_acquire(1) {
            Ok(()) => Ok(OwnedMutexGuard {
                lock: self,
                permits: 1,
                _marker: PhantomData,
            }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Blocks this thread until the lock is free: for synchronous code
    /// that shares the mutex with asynchronous code.
    ///
    /// # Panics
    ///
    /// When called on a thread that drives asynchronous tasks (a runtime
    /// worker, or inside `block_on`), where blocking would stall them.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = Arc::new(rt::sync::Mutex::new(1));
    /// let shared = mutex.clone();
    /// let done = rt::task::spawn_blocking(move || *shared.blocking_lock() += 1);
    /// done.await.unwrap();
    /// assert_eq!(*mutex.lock().await, 2);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn blocking_lock(&self) -> MutexGuard<'_, T> {
        blocking::assert_may_block("Mutex::blocking_lock");
        blocking::block_on(self.lock())
    }

    /// [`blocking_lock`](Self::blocking_lock) for an `Arc<Mutex>`.
    ///
    /// # Panics
    ///
    /// As [`blocking_lock`](Self::blocking_lock).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mutex = Arc::new(rt::sync::Mutex::new(1));
    /// *mutex.clone().blocking_lock_owned() = 2;
    /// assert_eq!(*mutex.blocking_lock(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        blocking::assert_may_block("Mutex::blocking_lock_owned");
        blocking::block_on(self.lock_owned())
    }

    /// The value, through the exclusive borrow (no locking needed).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut mutex = rt::sync::Mutex::new(1);
    /// *mutex.get_mut() = 2;
    /// assert_eq!(mutex.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.cell.get_mut()
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Mutex<T> {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(value: T) -> Mutex<T> {
        Mutex::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// A guard to a part of the value (a field, an element), keeping the
    /// whole mutex locked. An associated function (`MutexGuard::map(g,
    /// f)`), so it does not shadow a method of `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::{Mutex, MutexGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = Mutex::new([0, 0]);
    /// *MutexGuard::map(mutex.lock().await, |a| &mut a[1]) = 5;
    /// assert_eq!(*mutex.lock().await, [0, 5]);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn map<U: ?Sized, F>(this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let this = ManuallyDrop::new(this);
        let lock = this.lock;
        // SAFETY: the permit, which moves from `this` (never dropped) to
        // the new guard; `lock` is borrowed for 'a, past both.
        let data = f(unsafe { &mut *lock.cell.get() }) as *mut U;
        MappedMutexGuard {
            semaphore: &lock.semaphore,
            data,
            _marker: PhantomData,
        }
    }

    /// [`map`](Self::map) where `f` may fail: then the original guard is
    /// given back.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::{Mutex, MutexGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = Mutex::new(vec![1]);
    /// let guard = mutex.lock().await;
    /// let guard = MutexGuard::try_map(guard, |v| v.get_mut(5)).unwrap_err();
    /// assert!(MutexGuard::try_map(guard, |v| v.get_mut(0)).is_ok());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_map<U: ?Sized, F>(this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: the permit, held by `this`, which outlives this borrow:
        // it is either forgotten into the new guard or given back.
        let data = match f(unsafe { &mut *this.lock.cell.get() }) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let this = ManuallyDrop::new(this);
        Ok(MappedMutexGuard {
            semaphore: &this.lock.semaphore,
            data,
            _marker: PhantomData,
        })
    }

    /// The mutex this guard locks.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::{Mutex, MutexGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = Mutex::new(());
    /// let guard = mutex.lock().await;
    /// assert!(std::ptr::eq(MutexGuard::mutex(&guard), &mutex));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.lock
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the permit; the mutex is borrowed for the guard's life.
        unsafe { &*self.lock.cell.get() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the permit; the mutex is borrowed for the guard's life.
        unsafe { &mut *self.lock.cell.get() }
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.semaphore.release(1);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> OwnedMutexGuard<T> {
    /// The mutex this guard locks.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{Mutex, OwnedMutexGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = Arc::new(Mutex::new(()));
    /// let guard = mutex.clone().lock_owned().await;
    /// assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&guard), &mutex));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }

    /// A guard to a part of the value, keeping the whole mutex locked.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{Mutex, OwnedMutexGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = Arc::new(Mutex::new([0, 0]));
    /// *OwnedMutexGuard::map(mutex.clone().lock_owned().await, |a| &mut a[0]) = 1;
    /// assert_eq!(*mutex.lock().await, [1, 0]);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn map<U: ?Sized, F>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        // SAFETY: the permit, held by `this` until it moves below; the
        // `Arc` in `this` (then in the new guard) keeps the mutex alive.
        let data = f(unsafe { &mut *this.lock.cell.get() }) as *mut U;
        let permits = std::mem::take(&mut this.permits);
        OwnedMappedMutexGuard {
            lock: this.lock.clone(),
            permits,
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
    /// use rt::sync::{Mutex, OwnedMutexGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = Arc::new(Mutex::new(vec![0]));
    /// let guard = mutex.lock_owned().await;
    /// assert!(OwnedMutexGuard::try_map(guard, |v| v.get_mut(1)).is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_map<U: ?Sized, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: as in `map`.
        let data = match f(unsafe { &mut *this.lock.cell.get() }) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let permits = std::mem::take(&mut this.permits);
        Ok(OwnedMappedMutexGuard {
            lock: this.lock.clone(),
            permits,
            data,
            _marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Deref for OwnedMutexGuard<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the permit; the guard's `Arc` keeps the mutex alive.
        unsafe { &*self.lock.cell.get() }
    }
}

impl<T: ?Sized> DerefMut for OwnedMutexGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the permit; the guard's `Arc` keeps the mutex alive.
        unsafe { &mut *self.lock.cell.get() }
    }
}

impl<T: ?Sized> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        self.lock.semaphore.release(self.permits);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<'a, T: ?Sized> MappedMutexGuard<'a, T> {
    /// Narrows the guard further (see [`MutexGuard::map`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::{MappedMutexGuard, Mutex, MutexGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = Mutex::new(((1, 2), 3));
    /// let outer = MutexGuard::map(mutex.lock().await, |t| &mut t.0);
    /// *MappedMutexGuard::map(outer, |p| &mut p.1) = 20;
    /// assert_eq!(*mutex.lock().await, ((1, 20), 3));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn map<U: ?Sized, F>(this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let this = ManuallyDrop::new(this);
        let data = this.data;
        // SAFETY: the permit, which moves from `this` (never dropped) to
        // the new guard; `data` points into the mutex, borrowed for 'a.
        let data = f(unsafe { &mut *data }) as *mut U;
        MappedMutexGuard {
            semaphore: this.semaphore,
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
    /// use rt::sync::{MappedMutexGuard, Mutex, MutexGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = Mutex::new((vec![1], 0));
    /// let list = MutexGuard::map(mutex.lock().await, |t| &mut t.0);
    /// assert!(MappedMutexGuard::try_map(list, |v| v.get_mut(3)).is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_map<U: ?Sized, F>(this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: the permit, held by `this` for the whole borrow.
        let data = match f(unsafe { &mut *this.data }) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let this = ManuallyDrop::new(this);
        Ok(MappedMutexGuard {
            semaphore: this.semaphore,
            data,
            _marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Deref for MappedMutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the permit; `data` points into the mutex, borrowed for
        // the guard's life.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for MappedMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for MappedMutexGuard<'_, T> {
    fn drop(&mut self) {
        self.semaphore.release(1);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized> OwnedMappedMutexGuard<T, U> {
    /// Narrows the guard further.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = Arc::new(Mutex::new(((0, 0), 0)));
    /// let inner = OwnedMutexGuard::map(mutex.clone().lock_owned().await, |t| &mut t.0);
    /// *OwnedMappedMutexGuard::map(inner, |p| &mut p.1) = 2;
    /// assert_eq!(*mutex.lock().await, ((0, 2), 0));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn map<V: ?Sized, F>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, V>
    where
        F: FnOnce(&mut U) -> &mut V,
    {
        // SAFETY: the permit, held by `this` until it moves below; its
        // `Arc` keeps the mutex alive.
        let data = f(unsafe { &mut *this.data }) as *mut V;
        let permits = std::mem::take(&mut this.permits);
        OwnedMappedMutexGuard {
            lock: this.lock.clone(),
            permits,
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
    /// use rt::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = Arc::new(Mutex::new((vec![0], 0)));
    /// let list = OwnedMutexGuard::map(mutex.lock_owned().await, |t| &mut t.0);
    /// assert!(OwnedMappedMutexGuard::try_map(list, |v| v.get_mut(3)).is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_map<V: ?Sized, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, V>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut V>,
    {
        // SAFETY: as in `map`.
        let data = match f(unsafe { &mut *this.data }) {
            Some(data) => data as *mut V,
            None => return Err(this),
        };
        let permits = std::mem::take(&mut this.permits);
        Ok(OwnedMappedMutexGuard {
            lock: this.lock.clone(),
            permits,
            data,
            _marker: PhantomData,
        })
    }

    /// The mutex this guard locks.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    /// # rt::Runtime::new()?.block_on(async {
    /// let mutex = Arc::new(Mutex::new((0, 0)));
    /// let part = OwnedMutexGuard::map(mutex.clone().lock_owned().await, |p| &mut p.0);
    /// assert!(Arc::ptr_eq(OwnedMappedMutexGuard::mutex(&part), &mutex));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedMappedMutexGuard<T, U> {
    type Target = U;

    fn deref(&self) -> &U {
        // SAFETY: the permit; `data` points into the mutex, which the
        // guard's `Arc` keeps alive.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedMappedMutexGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: as in `deref`.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedMappedMutexGuard<T, U> {
    fn drop(&mut self) {
        self.lock.semaphore.release(self.permits);
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
