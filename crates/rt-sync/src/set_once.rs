//! [`SetOnce`]: a value set once, that tasks can wait for.
//!
//! The value lives in a `std::sync::OnceLock`; a [`Notify`] wakes the
//! waiters. The setter stores, then calls `notify_waiters`; a waiter
//! creates its `Notified` *before* looking at the value, so a set that it
//! misses is one whose `notify_waiters` comes after the `Notified` exists,
//! and that future sees it (`Notify`'s rule 3).
//!
//! Two racing `set`s are decided by the `OnceLock`: the loser waits, at
//! most for the winner to move its value in (no user code runs there),
//! then gets its value back.

use std::error::Error;
use std::fmt;
use std::sync::OnceLock;

use crate::Notify;

/// A value set at most once, which tasks can [`wait`](Self::wait) for
/// (tokio's `SetOnce`).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt::sync::SetOnce;
///
/// # rt::Runtime::new()?.block_on(async {
/// let address = Arc::new(SetOnce::new());
/// let reader = address.clone();
/// let task = rt::spawn(async move { *reader.wait().await });
/// address.set(8080).unwrap();
/// assert_eq!(task.await.unwrap(), 8080);
/// # });
/// # std::io::Result::Ok(())
/// ```
pub struct SetOnce<T> {
    value: OnceLock<T>,
    notify: Notify,
}

/// The error of [`SetOnce::set`] on a cell already set: holds the value it
/// was given.
///
/// # Examples
///
/// ```
/// use rt::sync::{SetOnce, SetOnceError};
///
/// let cell = SetOnce::new_with(Some(1));
/// assert_eq!(cell.set(2), Err(SetOnceError(2)));
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct SetOnceError<T>(pub T);

impl<T> fmt::Display for SetOnceError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetOnceError")
    }
}

impl<T: fmt::Debug> Error for SetOnceError<T> {}

impl<T> SetOnce<T> {
    /// An empty cell.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!rt::sync::SetOnce::<u8>::new().initialized());
    /// ```
    pub fn new() -> SetOnce<T> {
        SetOnce {
            value: OnceLock::new(),
            notify: Notify::new(),
        }
    }

    /// An empty cell, in a `const` context (a `static`).
    ///
    /// # Examples
    ///
    /// ```
    /// static READY: rt::sync::SetOnce<()> = rt::sync::SetOnce::const_new();
    /// READY.set(()).unwrap();
    /// assert!(READY.initialized());
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> SetOnce<T> {
        SetOnce {
            value: OnceLock::new(),
            notify: Notify::const_new(),
        }
    }

    /// A cell holding `value` if it is `Some`, else empty.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::sync::SetOnce::new_with(Some(2)).get(), Some(&2));
    /// ```
    pub fn new_with(value: Option<T>) -> SetOnce<T> {
        let cell = SetOnce::new();
        if let Some(value) = value {
            let _ = cell.value.set(value);
        }
        cell
    }

    /// Whether the value is set.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = rt::sync::SetOnce::new();
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
    /// let cell = rt::sync::SetOnce::new();
    /// assert_eq!(cell.get(), None);
    /// cell.set('x').unwrap();
    /// assert_eq!(cell.get(), Some(&'x'));
    /// ```
    pub fn get(&self) -> Option<&T> {
        self.value.get()
    }

    /// Sets the value and wakes every waiter; fails, giving `value` back,
    /// if it was already set.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = rt::sync::SetOnce::new();
    /// assert!(cell.set(1).is_ok());
    /// assert_eq!(cell.set(2).unwrap_err().0, 2);
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetOnceError<T>> {
        self.value.set(value).map_err(SetOnceError)?;
        self.notify.notify_waiters();
        Ok(())
    }

    /// Waits until the value is set, then returns it.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: it takes nothing from the cell.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let cell = rt::sync::SetOnce::new_with(Some("set"));
    /// assert_eq!(*cell.wait().await, "set");
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn wait(&self) -> &T {
        loop {
            // Created before the check: see the module docs.
            let notified = self.notify.notified();
            if let Some(value) = self.get() {
                return value;
            }
            notified.await;
        }
    }

    /// The value, taking the cell apart.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::sync::SetOnce::new_with(Some(1)).into_inner(), Some(1));
    /// ```
    pub fn into_inner(self) -> Option<T> {
        self.value.into_inner()
    }
}

impl<T> Default for SetOnce<T> {
    fn default() -> SetOnce<T> {
        SetOnce::new()
    }
}

impl<T> From<T> for SetOnce<T> {
    fn from(value: T) -> SetOnce<T> {
        SetOnce::new_with(Some(value))
    }
}

impl<T: fmt::Debug> fmt::Debug for SetOnce<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetOnce")
            .field("value", &self.get())
            .finish()
    }
}
