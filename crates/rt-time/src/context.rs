//! The current thread's timer driver: [`enter`] sets it, [`sleep`](crate::sleep)
//! and the other constructors read it.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::Timers;

rt_core::loom::thread_local! {
    /// The timer driver of the runtime this thread is running for, if any.
    static CURRENT: RefCell<Option<Arc<Timers>>> = const { RefCell::new(None) };
}

/// Makes `timers` the current thread's timer driver until the guard drops.
///
/// A runtime calls this on each of its threads (and in `block_on`); a user
/// has no need to. Calls nest: dropping the guard restores the driver that
/// was current before. Guards must be dropped in the reverse order of their
/// creation.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt_time::Timers;
///
/// let timers = Arc::new(Timers::new(|| {}));
/// assert!(Timers::try_current().is_none());
/// {
///     let _guard = rt_time::enter(&timers);
///     assert!(Arc::ptr_eq(&Timers::try_current().unwrap(), &timers));
/// }
/// assert!(Timers::try_current().is_none());
/// ```
pub fn enter(timers: &Arc<Timers>) -> EnterGuard {
    // During thread-local destruction (a runtime dropped by another
    // thread-local's destructor) the slot may be gone: nothing is entered,
    // and the guard restores nothing.
    let previous = CURRENT
        .try_with(|current| current.replace(Some(timers.clone())))
        .unwrap_or(None);
    EnterGuard {
        previous,
        _not_send: PhantomData,
    }
}

/// Restores the previously current timer driver on drop. Returned by
/// [`enter`].
///
/// Not `Send`: it must drop on the thread that entered.
#[derive(Debug)]
#[must_use = "the timer driver stops being current when the guard drops"]
pub struct EnterGuard {
    previous: Option<Arc<Timers>>,
    _not_send: PhantomData<*const ()>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // During thread-local destruction the slot may be gone: nothing to restore.
        let _ = CURRENT.try_with(|current| *current.borrow_mut() = previous);
    }
}

/// Runs `f` with the current thread's timer driver, without cloning it.
pub(crate) fn with_current<R>(f: impl FnOnce(Option<&Timers>) -> R) -> R {
    let mut f = Some(f);
    let out = CURRENT.try_with(|current| (f.take().unwrap())(current.borrow().as_deref()));
    match out {
        Ok(out) => out,
        // During thread-local destruction: no driver.
        Err(_) => (f.take().unwrap())(None),
    }
}

impl Timers {
    /// The current thread's timer driver (set by [`enter`]), or `None`
    /// outside a runtime.
    pub fn try_current() -> Option<Arc<Timers>> {
        CURRENT
            .try_with(|current| current.borrow().clone())
            .ok()
            .flatten()
    }
}
