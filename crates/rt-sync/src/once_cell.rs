//! [`OnceCell`]: a value set at most once, whose asynchronous initialiser
//! runs once at a time.
//!
//! The value lives in a `std::sync::OnceLock` (no `unsafe` here). A
//! [`Semaphore`] with one permit chooses who initialises: the holder of the
//! permit runs its initialiser; on success it stores the value, forgets
//! the permit and *closes* the semaphore, which fails every other waiter's
//! acquire — their cue to read the value. If the initialiser fails, is
//! cancelled or panics, the permit drops and goes to the next waiter, whose
//! initialiser runs next. A closed semaphore means "initialised".

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::sync::OnceLock;

use crate::Semaphore;

/// A cell written at most once, with an asynchronous initialiser that runs
/// only once even when many tasks ask for the value together (tokio's
/// `OnceCell`).
///
/// # Examples
///
/// ```
/// use rt::sync::OnceCell;
///
/// static CONFIG: OnceCell<String> = OnceCell::const_new();
///
/// async fn config() -> &'static str {
///     CONFIG.get_or_init(|| async { String::from("loaded once") }).await
/// }
///
/// # rt::Runtime::new()?.block_on(async {
/// assert_eq!(config().await, "loaded once");
/// assert_eq!(CONFIG.get().map(String::as_str), Some("loaded once"));
/// # });
/// # std::io::Result::Ok(())
/// ```
pub struct OnceCell<T> {
    value: OnceLock<T>,
    semaphore: Semaphore,
}

/// Why [`OnceCell::set`] failed; holds the value it was given.
///
/// # Examples
///
/// ```
/// use rt::sync::{OnceCell, SetError};
///
/// let cell = OnceCell::new_with(Some(1));
/// assert_eq!(cell.set(2), Err(SetError::AlreadyInitializedError(2)));
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell already holds a value.
    AlreadyInitializedError(T),
    /// Another task is running an initialiser right now.
    InitializingError(T),
}

impl<T> SetError<T> {
    /// Whether it is [`AlreadyInitializedError`](Self::AlreadyInitializedError).
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = rt::sync::OnceCell::new_with(Some(1));
    /// assert!(cell.set(2).unwrap_err().is_already_init_err());
    /// ```
    pub fn is_already_init_err(&self) -> bool {
        matches!(self, SetError::AlreadyInitializedError(_))
    }

    /// Whether it is [`InitializingError`](Self::InitializingError).
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = rt::sync::OnceCell::<i32>::new_with(Some(1));
    /// assert!(!cell.set(2).unwrap_err().is_initializing_err());
    /// ```
    pub fn is_initializing_err(&self) -> bool {
        matches!(self, SetError::InitializingError(_))
    }
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitializedError(_) => f.write_str("AlreadyInitializedError"),
            SetError::InitializingError(_) => f.write_str("InitializingError"),
        }
    }
}

impl<T: fmt::Debug> Error for SetError<T> {}

impl<T> OnceCell<T> {
    /// An empty cell.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = rt::sync::OnceCell::<u8>::new();
    /// assert!(!cell.initialized());
    /// ```
    pub fn new() -> OnceCell<T> {
        OnceCell {
            value: OnceLock::new(),
            semaphore: Semaphore::new(1),
        }
    }

    /// An empty cell, in a `const` context (a `static`).
    ///
    /// # Examples
    ///
    /// ```
    /// static CELL: rt::sync::OnceCell<u8> = rt::sync::OnceCell::const_new();
    /// assert!(CELL.get().is_none());
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> OnceCell<T> {
        OnceCell {
            value: OnceLock::new(),
            semaphore: Semaphore::const_new(1),
        }
    }

    /// A cell holding `value` if it is `Some`, else empty.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = rt::sync::OnceCell::new_with(Some(3));
    /// assert_eq!(cell.get(), Some(&3));
    /// ```
    pub fn new_with(value: Option<T>) -> OnceCell<T> {
        match value {
            Some(value) => OnceCell::from(value),
            None => OnceCell::new(),
        }
    }

    /// Whether the cell holds a value.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = rt::sync::OnceCell::new();
    /// cell.set(1).unwrap();
    /// assert!(cell.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        self.value.get().is_some()
    }

    /// The value, if set.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = rt::sync::OnceCell::new();
    /// assert_eq!(cell.get(), None);
    /// cell.set("a").unwrap();
    /// assert_eq!(cell.get(), Some(&"a"));
    /// ```
    pub fn get(&self) -> Option<&T> {
        self.value.get()
    }

    /// The value, mutably, if set (the exclusive borrow rules out a
    /// concurrent initialiser).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cell = rt::sync::OnceCell::new_with(Some(1));
    /// *cell.get_mut().unwrap() += 1;
    /// assert_eq!(cell.get(), Some(&2));
    /// ```
    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.value.get_mut()
    }

    /// Stores `value` if the cell is empty and no initialiser is running.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = rt::sync::OnceCell::new();
    /// assert!(cell.set(1).is_ok());
    /// assert!(cell.set(2).unwrap_err().is_already_init_err());
    /// assert_eq!(cell.get(), Some(&1));
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        if self.initialized() {
            return Err(SetError::AlreadyInitializedError(value));
        }
        match self.semaphore.try_acquire() {
            Ok(permit) => {
                self.store(value);
                permit.forget();
                Ok(())
            }
            Err(error) if error.is_closed() => Err(SetError::AlreadyInitializedError(value)),
            Err(_) => Err(SetError::InitializingError(value)),
        }
    }

    /// Stores the value and closes the semaphore, with its permit held
    /// (see the [module docs](self)).
    fn store(&self, value: T) {
        let stored = self.value.set(value);
        debug_assert!(stored.is_ok(), "only the permit holder stores");
        self.semaphore.close();
    }

    /// The value; if the cell is empty, runs `f` to make it. Among tasks
    /// calling this together, one initialiser runs at a time, and the
    /// first to succeed sets the value for all.
    ///
    /// # Cancel safety
    ///
    /// Cancelling it while `f`'s future runs drops that future; the next
    /// waiting caller's initialiser then runs. Nothing is set half-way.
    ///
    /// # Panics
    ///
    /// If `f` panics; the cell stays empty and the next caller's
    /// initialiser runs.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    /// # rt::Runtime::new()?.block_on(async {
    /// let cell = Arc::new(rt::sync::OnceCell::new());
    /// let runs = Arc::new(AtomicUsize::new(0));
    /// let tasks: Vec<_> = (0..4)
    ///     .map(|_| {
    ///         let (cell, runs) = (cell.clone(), runs.clone());
    ///         rt::spawn(async move {
    ///             *cell.get_or_init(|| async { runs.fetch_add(1, SeqCst) + 10 }).await
    ///         })
    ///     })
    ///     .collect();
    /// for task in tasks {
    ///     assert_eq!(task.await.unwrap(), 10); // the one run saw 0 runs before it
    /// }
    /// assert_eq!(runs.load(SeqCst), 1);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn get_or_init<F, Fut>(&self, f: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        let result: Result<&T, std::convert::Infallible> =
            self.get_or_try_init(|| async { Ok(f().await) }).await;
        match result {
            Ok(value) => value,
        }
    }

    /// [`get_or_init`](Self::get_or_init) with an initialiser that may
    /// fail: its error is returned and the cell stays empty (the next
    /// caller's initialiser then runs).
    ///
    /// # Cancel safety
    ///
    /// As [`get_or_init`](Self::get_or_init).
    ///
    /// # Panics
    ///
    /// If `f` panics; the cell stays empty.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let cell = rt::sync::OnceCell::new();
    /// let failed = cell.get_or_try_init(|| async { Err("not yet") }).await;
    /// assert_eq!(failed, Err("not yet"));
    /// let value = cell.get_or_try_init(|| async { Ok::<_, &str>(5) }).await;
    /// assert_eq!(value, Ok(&5));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn get_or_try_init<E, F, Fut>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.get() {
            return Ok(value);
        }
        match self.semaphore.acquire().await {
            Ok(permit) => {
                // The permit's holder is the only one to initialise; it
                // was not set before (a set closes the semaphore).
                debug_assert!(!self.initialized());
                let value = f().await?; // error or unwind: the permit drops
                self.store(value);
                permit.forget();
                Ok(self.get().expect("just stored"))
            }
            // Closed: initialised (module docs).
            Err(_) => Ok(self.get().expect("a closed semaphore means initialised")),
        }
    }

    /// The value, taking the cell apart.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::sync::OnceCell::new_with(Some(1)).into_inner(), Some(1));
    /// ```
    pub fn into_inner(self) -> Option<T> {
        self.value.into_inner()
    }

    /// Takes the value out, leaving the cell empty (and ready to be
    /// initialised again).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cell = rt::sync::OnceCell::new_with(Some(1));
    /// assert_eq!(cell.take(), Some(1));
    /// assert!(cell.set(2).is_ok());
    /// ```
    pub fn take(&mut self) -> Option<T> {
        let value = self.value.take();
        self.semaphore = Semaphore::new(1);
        value
    }
}

impl<T> Default for OnceCell<T> {
    fn default() -> OnceCell<T> {
        OnceCell::new()
    }
}

impl<T> From<T> for OnceCell<T> {
    fn from(value: T) -> OnceCell<T> {
        let semaphore = Semaphore::new(0);
        semaphore.close();
        OnceCell {
            value: OnceLock::from(value),
            semaphore,
        }
    }
}

impl<T: Clone> Clone for OnceCell<T> {
    fn clone(&self) -> OnceCell<T> {
        OnceCell::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for OnceCell<T> {
    fn eq(&self, other: &OnceCell<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceCell<T> {}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnceCell")
            .field("value", &self.get())
            .finish()
    }
}
