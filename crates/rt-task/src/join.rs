//! `JoinHandle<T>` and `JoinError`.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use rt_core::loom::Arc;

use crate::raw::{Cell, TaskRef};
use crate::{Id, Schedule};

/// An owned permission to await a spawned task's output, or to abort it;
/// returned by `rt::spawn`, `rt::task::spawn_blocking` and
/// `Handle::spawn`.
///
/// Awaiting it yields `Ok(output)`, or a [`JoinError`] if the task panicked
/// or was aborted. Dropping it detaches the task: the task keeps running and
/// its output is dropped when it completes. Awaiting consumes one unit of
/// the task's cooperative budget when it returns `Ready` (see
/// `rt::task::coop`).
///
/// # Examples
///
/// ```
/// use rt::task::JoinHandle;
///
/// # rt::Runtime::new()?.block_on(async {
/// let handle: JoinHandle<u32> = rt::spawn(async { 6 * 7 });
/// assert_eq!(handle.await?, 42);
///
/// // A task whose handle is dropped runs on, detached.
/// let (tx, rx) = std::sync::mpsc::channel();
/// drop(rt::spawn(async move { tx.send("still ran").unwrap() }));
/// let message = rt::task::spawn_blocking(move || rx.recv()).await??;
/// assert_eq!(message, "still ran");
/// # Ok::<(), Box<dyn std::error::Error>>(()) })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct JoinHandle<T> {
    /// Invariant: a cell whose future's output is `T` (see `new`).
    raw: TaskRef,
    _output: PhantomData<T>,
}

impl<T> JoinHandle<T> {
    /// The handle of `cell`, holding a count of its own.
    pub(crate) fn new<F, S>(cell: &Arc<Cell<F, S>>) -> JoinHandle<T>
    where
        F: Future<Output = T> + 'static,
        T: 'static,
        S: Schedule,
    {
        JoinHandle {
            raw: TaskRef::new(Arc::clone(cell)),
            _output: PhantomData,
        }
    }

    /// Aborts the task. A pending task's future is dropped by a worker and
    /// the handle yields a cancelled [`JoinError`]; a running task is
    /// dropped after its current poll; a finished task is not affected.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let handle = rt::spawn(std::future::pending::<()>());
    /// handle.abort();
    /// let err = handle.await.unwrap_err();
    /// assert!(err.is_cancelled());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn abort(&self) {
        self.raw.abort();
    }

    /// A handle that can abort the task without owning its output; it can
    /// be cloned and handed to other tasks.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let handle = rt::spawn(std::future::pending::<()>());
    /// let abort = handle.abort_handle();
    /// rt::spawn(async move { abort.abort() }).await?;
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle {
            raw: self.raw.clone(),
        }
    }

    /// Whether the task has finished (completed, panicked or been aborted):
    /// awaiting the handle would then not wait.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let handle = rt::spawn(async { 1 });
    /// while !handle.is_finished() {
    ///     rt::task::yield_now().await;
    /// }
    /// assert_eq!(handle.await?, 1);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn is_finished(&self) -> bool {
        self.raw.header().state.load() & crate::state::COMPLETE != 0
    }

    /// The task's id.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let first = rt::spawn(async {});
    /// let second = rt::spawn(async {});
    /// assert_ne!(first.id(), second.id());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn id(&self) -> Id {
        self.raw.header().id
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `new` made this handle for a cell whose output is `T`,
        // and this is that JoinHandle, polled through `Pin<&mut Self>`.
        unsafe { self.raw.poll_join(cx) }
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        // SAFETY: this is the task's JoinHandle, dropped once; its count
        // (`self.raw`) is released after this returns.
        unsafe { self.raw.drop_join_handle() };
    }
}

impl<T> Unpin for JoinHandle<T> {}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .field("state", &self.raw.header().state)
            .finish()
    }
}

/// Aborts a task without owning its output (see [`JoinHandle::abort_handle`]);
/// `JoinSet::spawn` returns one too. Cloneable; dropping it does nothing.
///
/// # Examples
///
/// ```
/// use rt::task::AbortHandle;
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut set = rt::task::JoinSet::new();
/// let abort: AbortHandle = set.spawn(std::future::pending::<()>());
/// abort.abort();
/// assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone)]
pub struct AbortHandle {
    raw: TaskRef,
}

impl AbortHandle {
    /// Aborts the task, as [`JoinHandle::abort`].
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let handle = rt::spawn(std::future::pending::<()>());
    /// handle.abort_handle().abort();
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn abort(&self) {
        self.raw.abort();
    }

    /// Whether the task has finished (completed, panicked or been aborted).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let handle = rt::spawn(async {});
    /// let abort = handle.abort_handle();
    /// handle.await?;
    /// assert!(abort.is_finished());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn is_finished(&self) -> bool {
        self.raw.header().state.load() & crate::state::COMPLETE != 0
    }

    /// The task's id: the same as its [`JoinHandle::id`].
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let handle = rt::spawn(async {});
    /// assert_eq!(handle.abort_handle().id(), handle.id());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn id(&self) -> Id {
        self.raw.header().id
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle")
            .field("id", &self.id())
            .finish()
    }
}

/// Why a task produced no output: it was aborted, or it panicked.
///
/// Converts into an `io::Error` (kind `Other`), so `?` works on a joined
/// handle in functions returning `io::Result`.
///
/// # Examples
///
/// ```
/// use rt::task::JoinError;
///
/// # std::panic::set_hook(Box::new(|_| {})); // keep the doctest's output quiet
/// # rt::Runtime::new()?.block_on(async {
/// let err: JoinError = rt::spawn(async { panic!("boom") }).await.unwrap_err();
/// assert!(err.is_panic());
/// assert!(err.to_string().contains("boom"));
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct JoinError {
    id: Id,
    repr: Repr,
}

enum Repr {
    Cancelled,
    Panic(SyncPanic),
}

/// The panic payload, made `Sync` so that `JoinError` is.
struct SyncPanic(Box<dyn Any + Send + 'static>);

// SAFETY: the payload is only reachable through `&mut self` or by value
// (`into_panic`, `try_into_panic`); a shared `&JoinError` never touches it,
// so sharing the wrapper across threads shares no access to the payload.
unsafe impl Sync for SyncPanic {}

impl JoinError {
    pub(crate) fn cancelled(id: Id) -> JoinError {
        JoinError {
            id,
            repr: Repr::Cancelled,
        }
    }

    pub(crate) fn panic(id: Id, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError {
            id,
            repr: Repr::Panic(SyncPanic(payload)),
        }
    }

    /// The task was aborted (or the runtime shut down before it finished).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let handle = rt::spawn(std::future::pending::<()>());
    /// handle.abort();
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// The task panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// # std::panic::set_hook(Box::new(|_| {}));
    /// # rt::Runtime::new()?.block_on(async {
    /// let err = rt::spawn(async { panic!("boom") }).await.unwrap_err();
    /// assert!(err.is_panic() && !err.is_cancelled());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// The panic payload.
    ///
    /// # Panics
    /// If the error is not a panic (see [`JoinError::try_into_panic`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # std::panic::set_hook(Box::new(|_| {}));
    /// # rt::Runtime::new()?.block_on(async {
    /// let err = rt::spawn(async { panic!("boom") }).await.unwrap_err();
    /// let payload = err.into_panic();
    /// assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    /// // Or carry the panic on in this thread:
    /// // std::panic::resume_unwind(payload);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic()
            .expect("`JoinError` reason is not a panic.")
    }

    /// The panic payload, or the error itself if the task was cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let handle = rt::spawn(std::future::pending::<()>());
    /// handle.abort();
    /// let err = handle.await.unwrap_err();
    /// let err = err.try_into_panic().unwrap_err(); // not a panic: given back
    /// assert!(err.is_cancelled());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(p) => Ok(p.0),
            Repr::Cancelled => Err(self),
        }
    }

    /// The id of the task that failed.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let handle = rt::spawn(std::future::pending::<()>());
    /// let id = handle.id();
    /// handle.abort();
    /// assert_eq!(handle.await.unwrap_err().id(), id);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&'static str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(f, "task {} was cancelled", self.id),
            Repr::Panic(p) => match panic_message(&*p.0) {
                Some(msg) => write!(f, "task {} panicked with message {msg:?}", self.id),
                None => write!(f, "task {} panicked", self.id),
            },
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(f, "JoinError::Cancelled({:?})", self.id),
            Repr::Panic(p) => match panic_message(&*p.0) {
                Some(msg) => write!(f, "JoinError::Panic({:?}, {msg:?}, ...)", self.id),
                None => write!(f, "JoinError::Panic({:?}, ...)", self.id),
            },
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for std::io::Error {
    fn from(err: JoinError) -> std::io::Error {
        std::io::Error::other(err.to_string())
    }
}
