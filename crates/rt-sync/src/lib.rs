//! Synchronisation for asynchronous code: tokio's `sync` API on rt.
//!
//! (Module docs, the design and the examples are written with the
//! primitives.)

mod batch_semaphore;
mod blocking;
mod semaphore;
mod wait_list;

pub use batch_semaphore::{AcquireError, TryAcquireError};
pub use semaphore::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};
