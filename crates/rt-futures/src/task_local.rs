//! `task_local!`: values that belong to a task (or to a future inside it),
//! not to a thread.
//!
//! # The protocol
//!
//! Each key declared by [`task_local!`](crate::task_local!) owns one
//! thread-local `RefCell<Option<T>>`, empty whenever no scope runs on the
//! thread. A scope owns its value in a *slot* (`Option<T>`) of its own: the
//! [`TaskLocalFuture`] for [`LocalKey::scope`], a local for
//! [`LocalKey::sync_scope`].
//!
//! Entering (`scope_inner`, around each poll of the scope's future, or the
//! one call of a `sync_scope` closure):
//!
//! 1. swap the slot with the thread-local's contents: the thread-local now
//!    holds this scope's value, the slot holds the outer value (or nothing);
//! 2. run the poll or closure;
//! 3. swap back, in a guard's `Drop`, so that a panic in step 2 restores
//!    the outer value as a return does.
//!
//! So the value is visible exactly while the scope's future runs: not in
//! the rest of the task between its polls, and not on a thread the task
//! left, which is why a task may move between worker threads. Nested scopes
//! of one key nest like the calls they run in: the inner swap saves the
//! outer value in the inner slot and puts it back.
//!
//! [`LocalKey::with`] holds a shared borrow of the `RefCell` for the call;
//! entering a scope of the same key inside it finds the cell borrowed and
//! panics (a swap there would change the value under the reference). A
//! thread-local already destroyed (during thread exit) refuses `with`
//! (`AccessError`) and scopes (a panic).
//!
//! A [`TaskLocalFuture`] dropped before it completed drops its future
//! inside its scope (steps 1–3 around the drop), so the future's
//! destructors still see the value.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread::LocalKey as ThreadLocalKey;

use pin_project_lite::pin_project;

/// Declares task-local keys: `static` items of type
/// [`LocalKey<T>`](crate::LocalKey) (`rt::task::LocalKey`), each with its
/// own value per scope.
///
/// Each declaration is `[attributes] [visibility] static NAME: Type;`, and
/// one invocation may declare several. There is no initial value: a key
/// has a value only inside [`LocalKey::scope`] or [`LocalKey::sync_scope`].
/// `Type` must be `'static`.
///
/// # Examples
///
/// ```
/// rt::task_local! {
///     /// The user a request runs for.
///     pub static USER: String;
///     static DEPTH: u32;
/// }
///
/// # rt::Runtime::new()?.block_on(async {
/// let greeting = USER
///     .scope("ada".to_string(), async {
///         DEPTH.scope(1, async {
///             rt::task::yield_now().await; // the value survives suspension
///             USER.with(|user| format!("hello {user} at {}", DEPTH.get()))
///         })
///         .await
///     })
///     .await;
/// assert_eq!(greeting, "hello ada at 1");
/// assert!(USER.try_with(|_| ()).is_err()); // no scope here
/// # });
/// # std::io::Result::Ok(())
/// ```
#[macro_export]
macro_rules! task_local {
    ($( $(#[$attr:meta])* $vis:vis static $name:ident: $t:ty );+ $(;)?) => {
        $(
            $(#[$attr])*
            $vis static $name: $crate::LocalKey<$t> = {
                ::std::thread_local! {
                    static __RT_TASK_LOCAL: ::core::cell::RefCell<::core::option::Option<$t>> =
                        const { ::core::cell::RefCell::new(::core::option::Option::None) };
                }
                $crate::LocalKey::__new(&__RT_TASK_LOCAL)
            };
        )+
    };
    () => {};
}

/// A key to a task-local value, declared by
/// [`task_local!`](crate::task_local!).
///
/// The value is set by [`scope`](LocalKey::scope) for as long as a future
/// runs (across its `.await` points, on whichever worker polls it), or by
/// [`sync_scope`](LocalKey::sync_scope) for one closure call; it is read by
/// [`with`](LocalKey::with), [`try_with`](LocalKey::try_with) and
/// [`get`](LocalKey::get).
///
/// # Examples
///
/// ```
/// rt::task_local! {
///     static NUMBER: u32;
/// }
///
/// # rt::Runtime::new()?.block_on(async {
/// let handle = rt::spawn(NUMBER.scope(1, async {
///     assert_eq!(NUMBER.get(), 1);
///     NUMBER.scope(2, async { assert_eq!(NUMBER.get(), 2) }).await;
///     NUMBER.get() // the outer value again
/// }));
/// assert_eq!(handle.await?, 1);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct LocalKey<T: 'static> {
    inner: &'static ThreadLocalKey<RefCell<Option<T>>>,
}

impl<T: 'static> LocalKey<T> {
    /// For `task_local!` only (not public API): the key over the
    /// thread-local it declared.
    #[doc(hidden)]
    pub const fn __new(inner: &'static ThreadLocalKey<RefCell<Option<T>>>) -> LocalKey<T> {
        LocalKey { inner }
    }

    /// Returns a future that runs `future` with this key set to `value`:
    /// during each of its polls, and while it is dropped. The value is
    /// dropped with the returned future (or taken back with
    /// [`TaskLocalFuture::take_value`]).
    ///
    /// # Panics
    ///
    /// Polling the returned future panics if it happens inside a
    /// [`with`](LocalKey::with) or [`try_with`](LocalKey::try_with) call on
    /// the same key, or once the thread's thread-locals are destroyed.
    ///
    /// # Examples
    ///
    /// ```
    /// rt::task_local! {
    ///     static TRACE: &'static str;
    /// }
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let trace = TRACE.scope("req-7", async {
    ///     rt::time::sleep(rt::time::Duration::from_millis(1)).await;
    ///     TRACE.get()
    /// });
    /// assert_eq!(trace.await, "req-7");
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn scope<F>(&'static self, value: T, future: F) -> TaskLocalFuture<T, F>
    where
        F: Future,
    {
        TaskLocalFuture {
            key: self,
            slot: Some(value),
            future: Some(future),
        }
    }

    /// Calls `f` with this key set to `value`, and returns what `f` returns.
    /// The outer value (if any) is back when this returns or unwinds.
    ///
    /// # Panics
    ///
    /// If called inside a [`with`](LocalKey::with) or
    /// [`try_with`](LocalKey::try_with) call on the same key, or once the
    /// thread's thread-locals are destroyed; and if `f` panics.
    ///
    /// # Examples
    ///
    /// ```
    /// rt::task_local! {
    ///     static LEVEL: u8;
    /// }
    ///
    /// let seen = LEVEL.sync_scope(3, || LEVEL.get() * 2);
    /// assert_eq!(seen, 6);
    /// ```
    pub fn sync_scope<F, R>(&'static self, value: T, f: F) -> R
    where
        F: FnOnce() -> R,
    {
        let mut slot = Some(value);
        match self.scope_inner(&mut slot, f) {
            Ok(output) => output,
            Err(error) => error.panic(),
        }
    }

    /// Steps 1–3 of the [module protocol](self): `slot`'s value is this
    /// key's value while `f` runs.
    fn scope_inner<F, R>(&'static self, slot: &mut Option<T>, f: F) -> Result<R, ScopeError>
    where
        F: FnOnce() -> R,
    {
        /// Step 3: swaps the values back, on return and on unwind.
        struct SwapBack<'a, T: 'static> {
            key: &'static ThreadLocalKey<RefCell<Option<T>>>,
            slot: &'a mut Option<T>,
        }

        impl<T: 'static> Drop for SwapBack<'_, T> {
            fn drop(&mut self) {
                // Step 1 reached the thread-local, and only this scope's
                // `f` ran since (its `with` borrows have ended, even when
                // it unwound): neither the access nor the borrow can fail.
                self.key
                    .with(|cell| mem::swap(self.slot, &mut *cell.borrow_mut()));
            }
        }

        // Step 1.
        self.inner
            .try_with(|cell| {
                let mut current = cell.try_borrow_mut().map_err(|_| ScopeError::Borrowed)?;
                mem::swap(slot, &mut *current);
                Ok(())
            })
            .map_err(|_| ScopeError::Destroyed)??;
        let _swap_back = SwapBack {
            key: self.inner,
            slot,
        };
        // Step 2.
        Ok(f())
    }

    /// Calls `f` with a reference to this key's current value.
    ///
    /// # Panics
    ///
    /// If the key has no value here (not inside a scope of it): "cannot
    /// access a task-local storage value without setting it first".
    ///
    /// # Examples
    ///
    /// ```
    /// rt::task_local! {
    ///     static NAME: String;
    /// }
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let len = NAME.scope("rt".to_string(), async { NAME.with(|name| name.len()) }).await;
    /// assert_eq!(len, 2);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn with<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&T) -> R,
    {
        match self.try_with(f) {
            Ok(output) => output,
            Err(_) => panic!("cannot access a task-local storage value without setting it first"),
        }
    }

    /// Calls `f` with a reference to this key's current value, or returns
    /// [`AccessError`] if the key has no value here (not inside a scope of
    /// it, or the thread's thread-locals are destroyed).
    ///
    /// # Examples
    ///
    /// ```
    /// rt::task_local! {
    ///     static ID: u64;
    /// }
    ///
    /// assert!(ID.try_with(|id| *id).is_err());
    /// assert_eq!(ID.sync_scope(9, || ID.try_with(|id| *id)), Ok(9));
    /// ```
    pub fn try_with<F, R>(&'static self, f: F) -> Result<R, AccessError>
    where
        F: FnOnce(&T) -> R,
    {
        // A shared borrow cannot fail: only steps 1 and 3 borrow mutably,
        // and they run no code of the user's while they do.
        let output = self
            .inner
            .try_with(|cell| cell.borrow().as_ref().map(f))
            .ok()
            .flatten();
        output.ok_or(AccessError { _private: () })
    }
}

impl<T: Clone + 'static> LocalKey<T> {
    /// A clone of this key's current value.
    ///
    /// # Panics
    ///
    /// If the key has no value here, as [`with`](LocalKey::with).
    ///
    /// # Examples
    ///
    /// ```
    /// rt::task_local! {
    ///     static LIMIT: usize;
    /// }
    ///
    /// assert_eq!(LIMIT.sync_scope(10, || LIMIT.get()), 10);
    /// ```
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.with(T::clone)
    }

    /// A clone of this key's current value, or [`AccessError`] if it has
    /// none here.
    ///
    /// # Examples
    ///
    /// ```
    /// rt::task_local! {
    ///     static LIMIT: usize;
    /// }
    ///
    /// assert!(LIMIT.try_get().is_err());
    /// assert_eq!(LIMIT.sync_scope(10, || LIMIT.try_get()), Ok(10));
    /// ```
    pub fn try_get(&'static self) -> Result<T, AccessError> {
        self.try_with(T::clone)
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("LocalKey { .. }")
    }
}

pin_project! {
    /// A future that runs its inner future with a task-local key set:
    /// returned by [`LocalKey::scope`] (`rt::task::futures::TaskLocalFuture`).
    ///
    /// Dropped before completion, it drops the inner future with the key
    /// still set.
    ///
    /// # Panics
    ///
    /// Polled again after it completed: "`TaskLocalFuture` polled after
    /// completion". Polled inside a `with` on the same key: see
    /// [`LocalKey::scope`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::task::futures::TaskLocalFuture;
    ///
    /// rt::task_local! {
    ///     static KEY: u8;
    /// }
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let future: TaskLocalFuture<u8, _> = KEY.scope(1, async { KEY.get() + 1 });
    /// assert_eq!(future.await, 2);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct TaskLocalFuture<T, F>
    where
        T: 'static,
    {
        key: &'static LocalKey<T>,
        // The scope's value while the future is not running (the slot of
        // the module protocol).
        slot: Option<T>,
        // `None` once completed (dropped at once, inside the scope).
        #[pin]
        future: Option<F>,
    }

    impl<T, F> PinnedDrop for TaskLocalFuture<T, F>
    where
        T: 'static,
    {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if mem::needs_drop::<F>() && this.future.is_some() {
                let mut future = this.future;
                // If the scope cannot be entered (thread-locals destroyed),
                // the future drops after this, without the value.
                let _ = this.key.scope_inner(this.slot, || future.set(None));
            }
        }
    }
}

impl<T: 'static, F> TaskLocalFuture<T, F> {
    /// Takes the value out of the scope, if it is still there: after the
    /// future completed, or before (polling it after that runs it with no
    /// value, so `with` in it panics).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::pin;
    ///
    /// rt::task_local! {
    ///     static BUFFER: Vec<u8>;
    /// }
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut future = pin!(BUFFER.scope(vec![1, 2], async {}));
    /// future.as_mut().await;
    /// assert_eq!(future.as_mut().take_value(), Some(vec![1, 2]));
    /// assert_eq!(future.take_value(), None);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn take_value(self: Pin<&mut Self>) -> Option<T> {
        self.project().slot.take()
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let mut future = this.future;
        let polled = this.key.scope_inner(this.slot, || {
            let output = future.as_mut().as_pin_mut()?.poll(cx);
            if output.is_ready() {
                future.set(None);
            }
            Some(output)
        });
        match polled {
            Ok(Some(output)) => output,
            Ok(None) => panic!("`TaskLocalFuture` polled after completion"),
            Err(error) => error.panic(),
        }
    }
}

impl<T: fmt::Debug + 'static, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskLocalFuture")
            .field("value", &self.slot)
            .finish_non_exhaustive()
    }
}

/// The error of [`LocalKey::try_with`] and [`LocalKey::try_get`]: the key
/// has no value here.
///
/// # Examples
///
/// ```
/// rt::task_local! {
///     static KEY: u8;
/// }
///
/// let error = KEY.try_get().unwrap_err();
/// assert_eq!(error.to_string(), "task-local value not set");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AccessError {
    _private: (),
}

impl fmt::Debug for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessError").finish()
    }
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task-local value not set")
    }
}

impl Error for AccessError {}

/// Why a scope could not be entered (step 1 of the module protocol).
#[derive(Debug)]
enum ScopeError {
    /// Inside a `with` of the same key.
    Borrowed,
    /// The thread-local is destroyed (thread exit).
    Destroyed,
}

impl ScopeError {
    #[track_caller]
    fn panic(&self) -> ! {
        match self {
            ScopeError::Borrowed => panic!(
                "cannot enter a task-local scope while the task-local storage is borrowed"
            ),
            ScopeError::Destroyed => panic!(
                "cannot enter a task-local scope during or after destruction of the underlying thread-local"
            ),
        }
    }
}
