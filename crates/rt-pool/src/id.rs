//! What names a runtime: its [`Id`] (unique in the process), the name
//! given to its builder, and which worker this thread is
//! ([`worker_index`]).

use std::fmt;
use std::num::NonZeroU64;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::Handle;

/// A runtime's id: no two runtimes of one process have the same, even
/// after one has shut down. Get it with [`Handle::id`].
///
/// # Examples
///
/// ```
/// use rt::runtime::{Id, Runtime};
///
/// let first = Runtime::new()?;
/// let second = Runtime::new()?;
/// let id: Id = first.handle().id();
/// assert_ne!(id, second.handle().id());
/// assert_eq!(id, first.handle().clone().id()); // the runtime's, not the handle's
/// println!("runtime {id}");
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Id(NonZeroU64);

impl Id {
    /// A fresh id, never returned before in this process.
    pub(crate) fn next() -> Id {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        // Relaxed: uniqueness needs only the RMW's atomicity.
        let n = NEXT.fetch_add(1, Relaxed);
        Id(NonZeroU64::new(n).expect("runtime id counter overflowed"))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Handle {
    /// The id of this handle's runtime (every handle of one runtime gives
    /// the same).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::runtime::Handle;
    ///
    /// let rt = rt::Runtime::new()?;
    /// let inside = rt.block_on(async { Handle::current().id() });
    /// assert_eq!(inside, rt.handle().id());
    /// # std::io::Result::Ok(())
    /// ```
    pub fn id(&self) -> Id {
        match &self.inner {
            crate::handle::Scheduler::MultiThread(s) => s.id,
            crate::handle::Scheduler::CurrentThread(s) => s.id,
        }
    }

    /// The name given with [`Builder::name`](crate::Builder::name), if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::runtime::Builder;
    ///
    /// let rt = Builder::new_multi_thread().name("ingest").build()?;
    /// assert_eq!(rt.handle().name(), Some("ingest"));
    /// assert_eq!(rt::Runtime::new()?.handle().name(), None);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.config().name.as_deref()
    }
}

/// The index of the runtime worker thread this code runs on
/// (`0..num_workers`, the index the worker metrics take), or `None`
/// elsewhere: the thread of a multi-thread runtime's `block_on`, a
/// blocking-pool thread, a thread of no runtime. On the current-thread
/// runtime (and a `LocalRuntime`) the thread in `block_on` that holds the
/// runtime's core is its one worker, `Some(0)`, as in tokio; a second
/// `block_on` waiting for the core is `None`.
///
/// A task may move to another worker at any `.await`, so the answer holds
/// until the task's next suspension only.
///
/// # Examples
///
/// ```
/// use rt::runtime::{worker_index, Builder};
///
/// assert_eq!(worker_index(), None);
/// let rt = Builder::new_multi_thread().worker_threads(2).build()?;
/// rt.block_on(async {
///     assert_eq!(worker_index(), None); // not a worker
///     let index = rt::spawn(async { worker_index() }).await.unwrap();
///     assert!(matches!(index, Some(0 | 1)));
///     let blocking = rt::task::spawn_blocking(worker_index).await.unwrap();
///     assert_eq!(blocking, None);
/// });
/// # std::io::Result::Ok(())
/// ```
pub fn worker_index() -> Option<usize> {
    rt_core::context::worker_index()
}
