//! Synchronisation for asynchronous code: tokio's `sync` API on rt.
//!
//! (Module docs, the design and the examples are written with the
//! primitives.)

mod batch_semaphore;
mod blocking;
mod mutex;
mod rwlock;
mod semaphore;
mod wait_list;

pub use batch_semaphore::{AcquireError, TryAcquireError};
pub use semaphore::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};
pub use mutex::{MappedMutexGuard, Mutex, MutexGuard, OwnedMutexGuard, TryLockError};
pub use rwlock::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};
