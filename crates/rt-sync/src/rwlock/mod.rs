//! [`RwLock`]: a [`batch_semaphore`](crate::batch_semaphore) with one
//! permit per possible reader, guarding an `UnsafeCell`.
//!
//! A reader takes one permit, a writer takes all `max_readers` of them.
//! So any number of readers up to the maximum share the value, a writer
//! excludes everyone, and since the semaphore serves waiters in arrival
//! order, a writer waiting behind readers is not overtaken by readers who
//! come after it (it keeps the permits released to it while it waits).
//!
//! The invariant every `// SAFETY:` comment in this module cites: a read
//! guard holds one permit, so no write guard exists while it lives; a
//! write guard (mapped or not) holds all `max_readers`, so no other guard
//! exists. Downgrading gives back all but one.

mod read_guard;
mod write_guard;

use std::cell::UnsafeCell;
use std::fmt;
use std::sync::Arc;

pub use read_guard::{OwnedRwLockReadGuard, RwLockReadGuard};
pub use write_guard::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLockMappedWriteGuard, RwLockWriteGuard,
};

use crate::batch_semaphore as batch;
use crate::{blocking, TryLockError};

/// Most readers at once (tokio's value; a writer takes this many permits).
const MAX_READS: u32 = u32::MAX >> 3;

/// A fair asynchronous reader-writer lock (tokio's `RwLock`): many
/// readers or one writer, granted in the order they asked. Guards may be
/// held across an `.await`.
///
/// # Examples
///
/// ```
/// use rt::sync::RwLock;
///
/// # rt::Runtime::new()?.block_on(async {
/// let lock = RwLock::new(5);
/// {
///     let (a, b) = (lock.read().await, lock.read().await); // shared
///     assert_eq!(*a + *b, 10);
/// }
/// *lock.write().await += 1; // exclusive
/// assert_eq!(*lock.read().await, 6);
/// # });
/// # std::io::Result::Ok(())
/// ```
pub struct RwLock<T: ?Sized> {
    max_readers: u32,
    semaphore: batch::Semaphore,
    cell: UnsafeCell<T>,
}

// SAFETY: the value moves between threads with the lock (`T: Send`).
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}
// SAFETY: readers on several threads share `&T` (`T: Sync`); a writer
// on another thread gets `&mut T`, which is moving it there (`T: Send`).
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}

impl<T> RwLock<T> {
    /// An unlocked lock holding `value`, allowing the most readers
    /// (`u32::MAX >> 3`) at once.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = rt::sync::RwLock::new(1);
    /// assert_eq!(lock.into_inner(), 1);
    /// ```
    pub fn new(value: T) -> RwLock<T> {
        RwLock {
            max_readers: MAX_READS,
            semaphore: batch::Semaphore::new(MAX_READS as usize),
            cell: UnsafeCell::new(value),
        }
    }

    /// An unlocked lock that allows at most `max_reads` readers at once.
    ///
    /// # Panics
    ///
    /// If `max_reads` is 0 or more than `u32::MAX >> 3`.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = rt::sync::RwLock::with_max_readers(0, 2);
    /// let _a = lock.try_read().unwrap();
    /// let _b = lock.try_read().unwrap();
    /// assert!(lock.try_read().is_err());
    /// ```
    #[track_caller]
    pub fn with_max_readers(value: T, max_reads: u32) -> RwLock<T> {
        assert!(max_reads != 0, "a RwLock may not be created with 0 readers");
        assert!(
            max_reads <= MAX_READS,
            "an RwLock allows at most {MAX_READS} readers"
        );
        RwLock {
            max_readers: max_reads,
            semaphore: batch::Semaphore::new(max_reads as usize),
            cell: UnsafeCell::new(value),
        }
    }

    /// [`new`](Self::new) in a `const` context (a `static`).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::RwLock;
    ///
    /// static CONFIG: RwLock<u32> = RwLock::const_new(1);
    /// # rt::Runtime::new()?.block_on(async {
    /// assert_eq!(*CONFIG.read().await, 1);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new(value: T) -> RwLock<T> {
        RwLock {
            max_readers: MAX_READS,
            semaphore: batch::Semaphore::const_new(MAX_READS as usize),
            cell: UnsafeCell::new(value),
        }
    }

    /// [`with_max_readers`](Self::with_max_readers) in a `const` context.
    ///
    /// # Panics
    ///
    /// As [`with_max_readers`](Self::with_max_readers).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::RwLock;
    ///
    /// static FEW: RwLock<()> = RwLock::const_with_max_readers((), 3);
    /// assert!(FEW.try_write().is_ok());
    /// ```
    #[cfg(not(loom))]
    pub const fn const_with_max_readers(value: T, max_reads: u32) -> RwLock<T> {
        assert!(max_reads != 0, "a RwLock may not be created with 0 readers");
        assert!(
            max_reads <= MAX_READS,
            "a RwLock may not be created with more readers than it can count"
        );
        RwLock {
            max_readers: max_reads,
            semaphore: batch::Semaphore::const_new(max_reads as usize),
            cell: UnsafeCell::new(value),
        }
    }

    /// The value, taking the lock apart.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::sync::RwLock::new("v").into_inner(), "v");
    /// ```
    pub fn into_inner(self) -> T {
        self.cell.into_inner()
    }
}

impl<T: ?Sized> RwLock<T> {
    /// Waits for shared read access.
    ///
    /// Readers are served in FIFO order with writers: a reader that comes
    /// after a waiting writer waits for that writer.
    ///
    /// # Cancel safety
    ///
    /// Cancelling it loses its place in the queue, and nothing else.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = rt::sync::RwLock::new(3);
    /// assert_eq!(*lock.read().await, 3);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        // The semaphore of a lock is never closed.
        let acquired = self.semaphore.acquire(1).await;
        debug_assert!(acquired.is_ok());
        RwLockReadGuard::new(&self.semaphore, self.cell.get())
    }

    /// [`read`](Self::read) for an `Arc<RwLock>`: the guard holds a clone
    /// of the `Arc`.
    ///
    /// # Cancel safety
    ///
    /// As [`read`](Self::read).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(rt::sync::RwLock::new(3));
    /// let guard = lock.clone().read_owned().await;
    /// assert_eq!(rt::spawn(async move { *guard }).await.unwrap(), 3);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn read_owned(self: Arc<Self>) -> OwnedRwLockReadGuard<T> {
        let acquired = self.semaphore.acquire(1).await;
        debug_assert!(acquired.is_ok());
        let data = self.cell.get();
        OwnedRwLockReadGuard::new(self, data)
    }

    /// Read access if it is free now and no writer waits.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = rt::sync::RwLock::new(1);
    /// let reader = lock.try_read().unwrap();
    /// assert!(lock.try_write().is_err());
    /// assert!(lock.try_read().is_ok());
    /// # drop(reader);
    /// ```
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        self.semaphore
            .try_acquire(1)
            .map_err(|_| TryLockError(()))?;
        Ok(RwLockReadGuard::new(&self.semaphore, self.cell.get()))
    }

    /// [`try_read`](Self::try_read) for an `Arc<RwLock>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let lock = Arc::new(rt::sync::RwLock::new(1));
    /// assert_eq!(*lock.try_read_owned().unwrap(), 1);
    /// ```
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwLockReadGuard<T>, TryLockError> {
        self.semaphore
            .try_acquire(1)
            .map_err(|_| TryLockError(()))?;
        let data = self.cell.get();
        Ok(OwnedRwLockReadGuard::new(self, data))
    }

    /// Waits for exclusive write access.
    ///
    /// # Cancel safety
    ///
    /// Cancelling it loses its place in the queue; the read permits it
    /// had gathered while waiting go to the next waiters.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = rt::sync::RwLock::new(1);
    /// *lock.write().await = 2;
    /// assert_eq!(*lock.read().await, 2);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        let acquired = self.semaphore.acquire(self.max_readers as usize).await;
        debug_assert!(acquired.is_ok());
        RwLockWriteGuard::new(&self.semaphore, self.max_readers, self.cell.get())
    }

    /// [`write`](Self::write) for an `Arc<RwLock>`.
    ///
    /// # Cancel safety
    ///
    /// As [`write`](Self::write).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(rt::sync::RwLock::new(1));
    /// let mut guard = lock.clone().write_owned().await;
    /// rt::spawn(async move { *guard = 9 }).await.unwrap();
    /// assert_eq!(*lock.read().await, 9);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn write_owned(self: Arc<Self>) -> OwnedRwLockWriteGuard<T> {
        let acquired = self.semaphore.acquire(self.max_readers as usize).await;
        debug_assert!(acquired.is_ok());
        let data = self.cell.get();
        OwnedRwLockWriteGuard::new(self, data)
    }

    /// Write access if nobody holds or waits for the lock.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = rt::sync::RwLock::new(1);
    /// let writer = lock.try_write().unwrap();
    /// assert!(lock.try_read().is_err());
    /// # drop(writer);
    /// ```
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        self.semaphore
            .try_acquire(self.max_readers as usize)
            .map_err(|_| TryLockError(()))?;
        Ok(RwLockWriteGuard::new(
            &self.semaphore,
            self.max_readers,
            self.cell.get(),
        ))
    }

    /// [`try_write`](Self::try_write) for an `Arc<RwLock>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let lock = Arc::new(rt::sync::RwLock::new(1));
    /// *lock.clone().try_write_owned().unwrap() = 2;
    /// assert_eq!(*lock.try_read().unwrap(), 2);
    /// ```
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwLockWriteGuard<T>, TryLockError> {
        self.semaphore
            .try_acquire(self.max_readers as usize)
            .map_err(|_| TryLockError(()))?;
        let data = self.cell.get();
        Ok(OwnedRwLockWriteGuard::new(self, data))
    }

    /// Blocks this thread until read access is granted.
    ///
    /// # Panics
    ///
    /// When called on a thread that drives asynchronous tasks (a runtime
    /// worker, or inside `block_on`).
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = rt::sync::RwLock::new(4);
    /// assert_eq!(*lock.blocking_read(), 4);
    /// ```
    #[track_caller]
    pub fn blocking_read(&self) -> RwLockReadGuard<'_, T> {
        blocking::assert_may_block("RwLock::blocking_read");
        blocking::block_on(self.read())
    }

    /// Blocks this thread until write access is granted.
    ///
    /// # Panics
    ///
    /// When called on a thread that drives asynchronous tasks (a runtime
    /// worker, or inside `block_on`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # rt::Runtime::new()?.block_on(async {
    /// let lock = Arc::new(rt::sync::RwLock::new(1));
    /// let shared = lock.clone();
    /// rt::task::spawn_blocking(move || *shared.blocking_write() = 2)
    ///     .await
    ///     .unwrap();
    /// assert_eq!(*lock.read().await, 2);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn blocking_write(&self) -> RwLockWriteGuard<'_, T> {
        blocking::assert_may_block("RwLock::blocking_write");
        blocking::block_on(self.write())
    }

    /// The value, through the exclusive borrow (no locking needed).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut lock = rt::sync::RwLock::new(1);
    /// *lock.get_mut() = 2;
    /// assert_eq!(lock.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.cell.get_mut()
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> RwLock<T> {
        RwLock::new(T::default())
    }
}

impl<T> From<T> for RwLock<T> {
    fn from(value: T) -> RwLock<T> {
        RwLock::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}
